"""Answers the form works out, through the interview's write path: a computed answer (a
calculation on an asked question) is stored as worked out and refused when given otherwise (in
`save_answer`, `save_answers` and the command line); a triggered calculation is stored in the
same transaction as the answer that triggers it."""

from __future__ import annotations

from pathlib import Path

import pytest

from idtool import addenda, cases, database, interviews, kdf
from idtool.errors import InvalidInput
from idtool.questionnaire import worked_out
from idtool.session import Session
from idtool.vault import Vault
from tests.support.cli import SUP, SUP_PASS, Runner, assert_clean_failure, one_line
from tests.support.installed import WORKED_OUT, install, worked_out_form

REFUSED = "worked out by the questionnaire"


def started(session: Session, tmp_path: Path) -> interviews.Interview:
    form = install(session, worked_out_form(tmp_path))
    case = cases.open_case(session, full_name="Айдай Мисалова", region="osh")
    return interviews.start(session, case.uuid, form, "en")


def test_a_computed_answer_is_stored_as_worked_out_and_shown_read_only(
    session: Session, tmp_path: Path
) -> None:
    interview = started(session, tmp_path)
    assert "double" in interviews.computed(session, interview)
    interviews.save_answer(session, interview, "n", 21)
    assert interviews.answers(session, interview.uuid)["double"] == 42
    assert interviews.flow(session, interview).effective_answers()["double"] == 42
    interviews.save_answer(session, interview, "n", None)  # cleared: nothing to work out
    assert interviews.answers(session, interview.uuid)["double"] is None


def test_save_answer_refuses_another_value_for_a_computed_answer(
    session: Session, tmp_path: Path
) -> None:
    interview = started(session, tmp_path)
    interviews.save_answer(session, interview, "n", 4)
    with pytest.raises(InvalidInput) as refused:
        interviews.save_answer(session, interview, "double", 99)
    assert REFUSED in refused.value.message
    assert interviews.answers(session, interview.uuid)["double"] == 8
    assert interviews.save_answer(session, interview, "double", "8") == 8  # the same: accepted


def test_save_answers_refuses_another_value_for_a_computed_answer_and_writes_nothing(
    session: Session, tmp_path: Path
) -> None:
    interview = started(session, tmp_path)
    before = interviews.answers(session, interview.uuid)
    with pytest.raises(InvalidInput) as refused:
        interviews.save_answers(session, interview, {"n": 5, "double": 8})
    assert REFUSED in refused.value.message
    assert interviews.answers(session, interview.uuid) == before
    interviews.save_answers(session, interview, {"n": 5, "double": 10})  # as worked out from n=5
    assert interviews.answers(session, interview.uuid)["double"] == 10


def test_a_trigger_stores_its_calculation_when_the_trigger_answer_changes(
    session: Session, tmp_path: Path
) -> None:
    interview = started(session, tmp_path)
    assert "greeting" not in interviews.computed(session, interview)
    interviews.save_answer(session, interview, "n", 3)
    assert "greeting" not in interviews.answers(session, interview.uuid)  # n does not trigger
    interviews.save_answer(session, interview, "place", "Osh")
    assert interviews.answers(session, interview.uuid)["greeting"] == "from Osh 3"
    interviews.save_answer(session, interview, "greeting", "typed by hand")  # still editable
    interviews.save_answer(session, interview, "n", 4)  # not recomputed
    assert interviews.answers(session, interview.uuid)["greeting"] == "typed by hand"
    interviews.save_answer(session, interview, "place", "Osh")  # the same answer: no change
    assert interviews.answers(session, interview.uuid)["greeting"] == "typed by hand"
    interviews.save_answers(session, interview, {"place": "Naryn"})
    assert interviews.answers(session, interview.uuid)["greeting"] == "from Naryn 4"


def test_the_triggered_value_is_worked_out_inside_the_triggering_answers_transaction(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    interview = started(session, tmp_path)
    interviews.save_answer(session, interview, "place", "Osh")

    def failing(*args: object) -> dict[str, object]:
        raise database.DatabaseError("disk full")

    monkeypatch.setattr(worked_out, "wanted", failing)  # fails after the answer was written
    with pytest.raises(database.DatabaseError):
        interviews.save_answer(session, interview, "place", "Talas")
    assert interviews.answers(session, interview.uuid)["place"] == "Osh"  # rolled back together


def test_an_addendum_records_a_computed_answer_as_changed_and_refuses_another_value(
    session: Session, tmp_path: Path
) -> None:
    interview = started(session, tmp_path)
    interviews.save_answer(session, interview, "n", 4)
    interviews.complete(session, interview)
    with pytest.raises(InvalidInput) as refused:
        addenda.amend(session, interview.uuid, {"double": 99}, "Misheard")
    assert REFUSED in refused.value.message
    made = addenda.amend(session, interview.uuid, {"n": 6}, "Misheard")
    assert {c.question: (c.before, c.after) for c in made.changes} == {
        "n": (4, 6),
        "double": (8, 12),
    }
    assert interviews.answers(session, interview.uuid)["double"] == 12


# -- the command line (through save_answers) ------------------------------------------------


@pytest.fixture
def run(tmp_path: Path) -> Runner:
    """The command line on a new database that has the worked-out form installed (as an
    update bundle installs a questionnaire: a row of `questionnaires`)."""
    data = tmp_path / "data"
    session, _code = Vault(data, kdf_params=kdf.FAST_PARAMS).create(SUP, "supervisor", SUP_PASS)
    with session, database.transaction(session.conn):
        session.conn.execute(
            "INSERT INTO questionnaires (form_id, version, text, sha256, bundle_id, sender,"
            " installed_at) VALUES ('worked-out', '1', ?, '', 'test', 'test', '2026-01-01')",
            (WORKED_OUT,),
        )
    for name in ("tmp", "cwd"):
        (tmp_path / name).mkdir()
    return Runner(data, tmp_path / "tmp", tmp_path / "cwd")


def test_the_command_line_refuses_another_value_for_a_computed_answer(run: Runner) -> None:
    number = one_line(run("case", "new", "--region", "osh", "--quiet"))
    interview = one_line(run("interview", "start", number, "--form", "worked-out", "--quiet"))
    assert run("interview", "answer", interview, "n", "5").returncode == 0
    proc = run("interview", "answer", interview, "double", "99")
    assert_clean_failure(proc)
    assert REFUSED in proc.stderr
    proc = run("interview", "answer", interview, "--file", "-", stdin='{"n": 6, "double": 11}')
    assert_clean_failure(proc)
    proc = run("interview", "answer", interview, "--file", "-", stdin='{"n": 6, "double": 12}')
    assert proc.returncode == 0, proc.stderr
    proc = run("interview", "show", interview)
    assert "Required answers given: 1 of 1." in proc.stdout


def test_an_answer_given_with_its_trigger_is_the_officers(session: Session, tmp_path: Path) -> None:
    interview = started(session, tmp_path)
    given = {"n": 3, "place": "Osh", "greeting": "Salam from the officer"}
    returned = interviews.save_answers(session, interview, given)
    stored = interviews.answers(session, interview.uuid)
    assert returned["greeting"] == stored["greeting"] == "Salam from the officer"
    interviews.save_answer(session, interview, "place", "Naryn")  # the trigger alone fires
    assert interviews.answers(session, interview.uuid)["greeting"] == "from Naryn 3"


def test_a_computed_answer_that_cannot_be_stored_is_cleared(
    session: Session, tmp_path: Path
) -> None:
    text = WORKED_OUT.replace(
        "      - {name: place,",
        "      - name: adult\n"
        "        type: select_one yn\n"
        "        label: {en: Adult, ru: Взрослый, ky: Бойго жеткен}\n"
        "        calculation: \"if(${n} >= 18, 'yes', if(${n} > 0, 'no', 'unknown'))\"\n"
        "      - {name: place,",
    ) + (
        "choices:\n  yn:\n"
        "    - {name: 'yes', label: {en: 'Yes', ru: 'Да', ky: 'Ооба'}}\n"
        "    - {name: 'no', label: {en: 'No', ru: 'Нет', ky: 'Жок'}}\n"
    )
    path = tmp_path / "worked-out.yaml"
    path.write_text(text, encoding="utf-8")
    form = install(session, path)
    case = cases.open_case(session, full_name="Test Person", region="osh")
    interview = interviews.start(session, case.uuid, form, "en")
    interviews.save_answer(session, interview, "n", 20)
    assert interviews.answers(session, interview.uuid)["adult"] == "yes"
    interviews.save_answer(session, interview, "n", -5)  # "unknown" is no choice of the list
    assert interviews.answers(session, interview.uuid)["adult"] is None  # not a stale "yes"


def test_a_triggered_calculate_keeps_the_value_of_its_last_trigger(
    session: Session, tmp_path: Path
) -> None:
    text = WORKED_OUT + (
        "      - name: stamp\n"
        "        type: calculate\n"
        "        calculation: \"concat(${place}, '/', ${n})\"\n"
        '        trigger: "${place}"\n'
    )
    path = tmp_path / "worked-out.yaml"
    path.write_text(text, encoding="utf-8")
    form = install(session, path)
    case = cases.open_case(session, full_name="Test Person", region="osh")
    interview = interviews.start(session, case.uuid, form, "en")
    assert interviews.flow(session, interview).calculations()["stamp"] == ""  # not fired yet
    interviews.save_answer(session, interview, "n", 1)
    interviews.save_answer(session, interview, "place", "Osh")
    interviews.save_answer(session, interview, "n", 2)  # not a trigger: the stamp stays
    assert interviews.answers(session, interview.uuid)["stamp"] == "Osh/1"
    assert interviews.flow(session, interview).calculations()["stamp"] == "Osh/1"
    interviews.save_answer(session, interview, "place", "Naryn")
    assert interviews.flow(session, interview).calculations()["stamp"] == "Naryn/2"
