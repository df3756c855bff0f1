"""Search indexes over the persons' search keys, so finding a case by name stays fast with
100,000 cases: a trigram index for fragments of three letters or more, and a word-prefix index
for the first one or two letters typed. Kept in step with cases and persons by triggers."""

SQL = """
CREATE VIRTUAL TABLE case_search USING fts5(name_key, case_uuid UNINDEXED, tokenize='trigram');

CREATE VIRTUAL TABLE case_words USING fts5(name_key, case_uuid UNINDEXED, prefix='1 2');

INSERT INTO case_search (name_key, case_uuid)
    SELECT p.name_key, c.uuid FROM cases c JOIN persons p ON p.uuid = c.person_uuid;

INSERT INTO case_words (name_key, case_uuid) SELECT name_key, case_uuid FROM case_search;

CREATE TRIGGER case_search_insert AFTER INSERT ON cases
BEGIN
    INSERT INTO case_search (name_key, case_uuid)
        SELECT name_key, new.uuid FROM persons WHERE uuid = new.person_uuid;
    INSERT INTO case_words (name_key, case_uuid)
        SELECT name_key, new.uuid FROM persons WHERE uuid = new.person_uuid;
END;

CREATE TRIGGER case_search_delete AFTER DELETE ON cases
BEGIN
    DELETE FROM case_search WHERE case_uuid = old.uuid;
    DELETE FROM case_words WHERE case_uuid = old.uuid;
END;

CREATE TRIGGER case_search_person AFTER UPDATE OF name_key ON persons
BEGIN
    UPDATE case_search SET name_key = new.name_key
        WHERE case_uuid IN (SELECT uuid FROM cases WHERE person_uuid = new.uuid);
    UPDATE case_words SET name_key = new.name_key
        WHERE case_uuid IN (SELECT uuid FROM cases WHERE person_uuid = new.uuid);
END;
"""
