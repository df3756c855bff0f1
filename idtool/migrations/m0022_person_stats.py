"""The statistics read the person record (its sex and date of birth), not only the interview
answers: a change of either marks the person's cases for the facts cache
(`idtool.stats.facts`), and every case is marked once so the cache reads the records now."""

SQL = """
CREATE TRIGGER IF NOT EXISTS stats_dirty_persons_update AFTER UPDATE OF sex, birth_date ON persons
BEGIN INSERT INTO stats_dirty (case_uuid) SELECT c.uuid FROM cases c
    WHERE c.person_uuid = NEW.uuid
    AND NOT EXISTS (SELECT 1 FROM stats_dirty s WHERE s.case_uuid = c.uuid);
END;
INSERT INTO stats_dirty (case_uuid) SELECT uuid FROM cases
    WHERE uuid NOT IN (SELECT case_uuid FROM stats_dirty);
"""
