"""Repeats through the whole program (issue 17, item 5): an interview stores a repeat's entries
as one checked answer, completes only when every entry is valid, and the entries reach the
assessment, the referral packet and the coordinator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from idtool import addenda, case_flags, cases, interviews, referrals
from idtool.errors import InvalidInput
from idtool.questionnaire.answers import AnswerError
from idtool.questionnaire.registry import load_shipped
from idtool.session import Session
from idtool.sync import export
from idtool.sync.importer import import_bundle
from tests.support import repeats
from tests.support.sync import CRISIS, make_world

COMPANIONS = [
    {"companion_name": "Aibek", "companion_age": 12, "parent_along": "no"},
    {"companion_name": "Dana", "companion_age": 30},
]


def started(session: Session) -> interviews.Interview:
    repeats.install(session)
    case = cases.open_case(session, full_name="Test Person", region="osh")
    form = load_shipped(repeats.FORM_ID, installed=session.installed_forms)
    return interviews.start(session, case.uuid, form, "en")


def test_a_repeat_is_stored_checked_and_completed(session: Session) -> None:
    interview = started(session)
    interviews.save_answer(session, interview, "travelled_alone", "no")
    stored = interviews.save_answer(
        session,
        interview,
        "companions",
        [{"companion_name": " Aibek ", "companion_age": "12"}, {"companion_name": "Dana"}],
    )
    assert stored == [{"companion_name": "Aibek", "companion_age": 12}, {"companion_name": "Dana"}]
    with pytest.raises(AnswerError, match="Entry 2 of “Companion”"):
        interviews.save_answer(session, interview, "companions", [{}, {"companion_age": "thirty"}])
    assert interviews.answers(session, interview.uuid)["companions"] == stored  # unchanged
    with pytest.raises(AnswerError, match="asked in each entry"):
        interviews.save_answer(session, interview, "companion_age", 12)

    issues = interviews.flow(session, interview).validate()
    assert [i.path for i in issues] == ["companions[1]/parent_along"]
    with pytest.raises(Exception, match="missing or not valid"):
        interviews.complete(session, interview)
    interviews.save_answer(session, interview, "companions", COMPANIONS)
    interviews.save_answer(session, interview, "transit", [{"days": 3}, {"days": 40}])
    interviews.complete(session, interview)
    flow = interviews.flow(session, interview)
    assert flow.calculations() == {"companion_count": 2.0, "oldest": 30.0, "total_days": 43.0}
    assert flow.effective_answers()["companions"] == COMPANIONS


def test_the_entries_reach_the_referral_packet_one_per_line(session: Session) -> None:
    interview = started(session)
    interviews.save_answers(
        session,
        interview,
        {"travelled_alone": "no", "companions": COMPANIONS, "transit": [{}, {"days": 40}]},
    )
    shown = referrals.preview(session, interview.case_uuid, CRISIS, "ru")
    shared = {f.question: f for f in shown.fields}
    assert shared["companions"].answer == (
        "1. Имя: Aibek; Возраст: 12; Едет ли с Aibek кто-то из родителей?: Нет\n"
        "2. Имя: Dana; Возраст: 30"
    )
    assert shared["companions"].sensitivity == "identifying"  # it holds names
    assert shared["transit"].answer == "Россия: Дней: Россия: 40"


def test_the_entries_travel_to_the_coordinator_as_one_answer(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    repeats.install(w.sup)
    interview = started(dev)
    interviews.save_answers(dev, interview, {"travelled_alone": "no", "companions": COMPANIONS})
    interviews.complete(dev, interview)
    report = import_bundle(w.sup, export.export_cases(dev, w.out))
    assert report.quarantined == 0
    row = w.sup.conn.execute(
        "SELECT value FROM answers WHERE interview_uuid = ? AND question = 'companions'",
        (interview.uuid,),
    ).fetchone()
    assert json.loads(row[0]) == COMPANIONS
    at_coordinator = interviews.flow(w.sup, interviews.get(w.sup, interview.uuid))
    assert at_coordinator.calculations()["companion_count"] == 2.0
    inner = "SELECT count(*) FROM answers WHERE question = 'companion_name'"
    assert w.sup.conn.execute(inner).fetchone()[0] == 0  # no row per entry's question


def test_a_flag_given_in_one_entry_marks_the_case(session: Session) -> None:
    interview = started(session)
    interviews.save_answers(
        session,
        interview,
        {
            "travelled_alone": "yes",
            "transit": [{"detained_there": "no"}, {"detained_there": "yes"}],
        },
    )
    interviews.complete(session, interview)
    assert case_flags.for_case(session, interview.case_uuid) == ("np.detained",)
    assert [c.case_uuid for c in case_flags.flagged_cases(session)] == [interview.case_uuid]


def test_a_calculation_calling_once_keeps_its_first_value(session: Session) -> None:
    text = repeats.TEXT.replace(
        "      - name: total_days\n",
        "      - name: interview_code\n"
        "        type: calculate\n"
        "        calculation: once(uuid(8))\n"
        "      - name: first_answer\n"
        "        type: calculate\n"
        "        calculation: once(${travelled_alone})\n"
        "      - name: total_days\n",
    )
    repeats.install(session, text)
    case = cases.open_case(session, full_name="Test Person", region="osh")
    form = load_shipped(repeats.FORM_ID, installed=session.installed_forms)
    interview = interviews.start(session, case.uuid, form, "en")
    code = interviews.answers(session, interview.uuid)["interview_code"]
    assert isinstance(code, str) and len(code) == 8
    assert "first_answer" not in interviews.answers(session, interview.uuid)  # no value yet
    interviews.save_answer(session, interview, "travelled_alone", "yes")
    interviews.save_answer(session, interview, "travelled_alone", "no")
    stored = interviews.answers(session, interview.uuid)
    assert stored["interview_code"] == code and stored["first_answer"] == "yes"
    assert interviews.flow(session, interview).calculations()["interview_code"] == code


def test_an_addendum_does_not_change_a_repeats_entries(session: Session) -> None:
    interview = started(session)
    interviews.save_answers(session, interview, {"travelled_alone": "no", "companions": COMPANIONS})
    interviews.complete(session, interview)
    with pytest.raises(InvalidInput, match="starting a new interview"):
        addenda.amend(session, interview.uuid, {"companions": COMPANIONS[:1]}, "one left")
    assert interviews.answers(session, interview.uuid)["companions"] == COMPANIONS
