"""Non-punishment flags: recorded by the forms, kept on the case, never scored; a flagged case
is in the supervisor's review queue and a referral for it starts with legal aid."""

from __future__ import annotations

import os
import uuid

import pytest

from idtool import (
    addenda,
    case_assessments,
    case_flags,
    database,
    interviews,
    migrations,
    oversight,
)
from idtool.questionnaire.flag_ids import FLAG_IDS
from idtool.questionnaire.indicator_ids import CONTRACT_IDS
from tests.support.cases import STRONG
from tests.support.flags import IDENTIFICATION, PUNISHED, interviewed_case


def _case(session, answers, form_id="nrm-identification", complete=True, name="Test Person"):
    return interviewed_case(session, answers, form_id, complete, name)


def test_flags_and_indicators_never_share_an_id():
    assert FLAG_IDS and not FLAG_IDS & CONTRACT_IDS


def test_a_completed_interview_flags_the_case_and_never_the_score(session):
    case = _case(session, {**IDENTIFICATION, **PUNISHED})
    assert case_flags.for_case(session, case.uuid) == ("np.detained", "np.deported")
    stored = case_assessments.latest(session, case.uuid)
    assert stored is not None
    assert not set(stored.result["indicators"]) & FLAG_IDS  # type: ignore[arg-type]
    # the same answers without the punishment give the same assessment
    plain = _case(session, IDENTIFICATION, name="Other Person")
    other = case_assessments.latest(session, plain.uuid)
    assert other is not None and other.result == stored.result
    assert case_flags.for_case(session, plain.uuid) == ()
    assert case_flags.describe(("np.deported", "np.detained")) == (
        "arrest or detention; deportation or entry ban"
    )
    assert "np." not in case_flags.describe(case_flags.NON_PUNISHMENT, "ky")


def test_only_punishment_for_acts_the_person_was_made_to_commit_flags(session):
    # no forced act: the question about punishment is not asked, its stray answer counts nowhere
    unasked = _case(
        session,
        {**IDENTIFICATION, "forced_offences": ["none"], "authority_measures": ["detained"]},
    )
    assert case_flags.for_case(session, unasked.uuid) == ()
    none = _case(
        session,
        {**IDENTIFICATION, "forced_offences": ["drugs"], "authority_measures": ["none"]},
        name="Third Person",
    )
    assert case_flags.for_case(session, none.uuid) == ()


def test_an_interview_in_progress_does_not_flag_yet(session):
    case = _case(session, {**IDENTIFICATION, **PUNISHED}, complete=False)
    assert case_flags.for_case(session, case.uuid) == ()
    assert case_flags.flagged_cases(session) == []
    assert case_flags.suggested_services(session, case.uuid) == ()


def test_an_addendum_that_records_the_punishment_flags_the_case(session):
    case = _case(session, IDENTIFICATION)
    (interview,) = interviews.for_case(session, case.uuid)
    assert case_flags.for_case(session, case.uuid) == ()
    addenda.amend(session, interview.uuid, PUNISHED, "The person remembered the deportation.")
    assert case_flags.for_case(session, case.uuid) == ("np.detained", "np.deported")
    assert [i.case_uuid for i in case_flags.flagged_cases(session)] == [case.uuid]


def test_the_screening_form_flags_too(session):
    case = _case(session, {**STRONG, "authority_measures": ["fined"]}, "nrm-screening")
    assert case_flags.for_case(session, case.uuid) == ("np.fined",)
    assert case_flags.suggested_services(session, case.uuid) == ("legal_aid",)


def test_a_flagged_case_is_in_the_review_queue_until_resolved(session):
    flagged = _case(session, {**IDENTIFICATION, **PUNISHED})
    _case(session, IDENTIFICATION, name="Not Punished")
    items = [i for i in oversight.queue(session) if i.kind == "non_punishment"]
    assert [(i.target, i.case_uuid, i.codes) for i in items] == [
        (flagged.uuid, flagged.uuid, ("np.detained", "np.deported"))
    ]
    (item,) = items
    assert item.case_number == flagged.number
    assert oversight.kind_label(item.kind) == "Punished for acts the person was made to commit"
    assert oversight.describe(session, item) == (
        "arrest or detention; deportation or entry ban: check the non-punishment provision; "
        "offer legal aid"
    )
    assert "np." not in oversight.describe(session, item, "ru")
    oversight.resolve(session, item, "Legal aid referral made; the deportation is appealed.")
    assert [i for i in oversight.queue(session) if i.kind == "non_punishment"] == []


def test_a_referral_for_a_flagged_case_starts_with_legal_aid(session):
    flagged = _case(session, {**IDENTIFICATION, **PUNISHED})
    plain = _case(session, IDENTIFICATION, name="Other Person")
    assert case_flags.suggested_services(session, flagged.uuid) == ("legal_aid",)
    assert case_flags.suggested_services(session, plain.uuid) == ()


def test_only_interviews_that_answered_a_flag_question_are_read_again(session, monkeypatch):
    _case(session, IDENTIFICATION)
    flagged = _case(session, {**IDENTIFICATION, **PUNISHED}, name="Other Person")
    read: list[str] = []
    answers = interviews.answers
    monkeypatch.setattr(interviews, "answers", lambda s, i: read.append(i) or answers(s, i))
    assert [c.case_uuid for c in case_flags.flagged_cases(session)] == [flagged.uuid]
    assert len(read) == 1


# -- the migration that lets a resolution close a flagged case ----------------------------------


def _resolution(conn, kind):
    conn.execute(
        "INSERT INTO review_resolutions (uuid, kind, target, note, officer_uuid, resolved_at,"
        " device_id) VALUES (?, ?, 't', 'n', (SELECT uuid FROM officers LIMIT 1), 'now', 'd')",
        (str(uuid.uuid4()), kind),
    )


def test_migration_keeps_resolutions_and_accepts_the_new_kind(tmp_path):
    number = next(m.number for m in migrations.all_migrations() if m.name.endswith("review_flags"))
    conn = database.connect(tmp_path / "m.db", os.urandom(32), create=True)
    migrations.migrate(conn, target=number - 1)
    conn.execute(
        "INSERT INTO officers (uuid, name, name_key, role, created_at, device_id)"
        " VALUES ('o', 'O', 'o', 'supervisor', 'now', 'd')"
    )
    _resolution(conn, "no_decision")
    with pytest.raises(database.DatabaseError):
        _resolution(conn, "non_punishment")  # refused before
    migrations.migrate(conn)
    assert conn.execute("SELECT kind FROM review_resolutions").fetchall() == [("no_decision",)]
    _resolution(conn, "non_punishment")
    with pytest.raises(database.DatabaseError):
        _resolution(conn, "something_else")
    # applied again over a database whose version was set back, it changes nothing
    conn.execute(f"PRAGMA user_version = {number - 1}")
    migrations.migrate(conn)
    assert conn.execute("SELECT count(*) FROM review_resolutions").fetchone() == (2,)
