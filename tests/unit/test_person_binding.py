"""Nobody asks twice: questions bound to the person record (`bind:`), prefilled and kept in step
both ways, the age worked out from the date of birth, the consent page as the consent record,
the statistics and the packet reading the person record, and the duplicate rule of the import
warning before a new case is opened."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from idtool import cases, consent, interview_consent, interviews, person_matches
from idtool.consent import Purpose, State
from idtool.errors import InvalidInput
from idtool.packet import make_and_render
from idtool.questionnaire.loader import load_form
from idtool.questionnaire.problems import FormError
from idtool.questionnaire.registry import load_shipped
from idtool.stats.compute import compute
from tests.support.cases import agree, answer_unanswered, screen

NAME = "Чолпон Сыдыкова"
BORN = "1996-03-10"
DOC = "AN1234567"
STORY = {"interview_date": date.today().isoformat(), "age_at_exploitation": 22}


def opened(session, **details):
    details = {"full_name": NAME, "sex": "female", "birth_date": BORN, **details}
    return cases.open_case(session, region="osh", **details)


def identification(session, case):
    return interviews.start(session, case.uuid, load_shipped("nrm-identification"), "en")


def years_since(born: str, on: date) -> int:
    b = date.fromisoformat(born)
    return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


def test_the_shipped_forms_bind_the_person_fields():
    ident = load_shipped("nrm-identification").bound()
    assert ident == {
        "consent.told": "information_given",
        "consent.interview": "consent_interview",
        "interview.date": "interview_date",
        "person.age": "age_now",
        "person.full_name": "full_name",
        "person.other_names": "other_names",
        "person.sex": "sex",
        "person.birth_date": "date_of_birth",
        "person.citizenship": "citizenship",
        "person.document_number": "document_number",
    }
    assert load_shipped("nrm-screening").bound() == {"person.sex": "sex", "person.age": "age_now"}


FORM = """
form_id: bound
version: "1"
kind: screening
default_language: en
languages: [en]
title: {en: Bound}
sections:
  - name: one
    label: {en: One}
    questions:
%s
choices:
  sex:
    - {name: female, label: {en: Female}}
"""


@pytest.mark.parametrize(
    ("questions", "words"),
    [
        ("      - {name: a, type: text, label: {en: A}, bind: person.shoe_size}", "not one of"),
        ("      - {name: a, type: integer, label: {en: A}, bind: person.full_name}", "type text"),
        ("      - {name: a, type: note, label: {en: A}, bind: person.full_name}", "cannot be used"),
        (
            "      - {name: a, type: text, label: {en: A}, bind: person.full_name}\n"
            "      - {name: b, type: text, label: {en: B}, bind: person.full_name}",
            "already bound to question a",
        ),
    ],
)
def test_a_wrong_binding_is_an_error(tmp_path, questions, words):
    path = tmp_path / "bound.yaml"
    path.write_text(FORM % questions, encoding="utf-8")
    with pytest.raises(FormError) as refused:
        load_form(path)
    assert any(words in p.message for p in refused.value.problems)


def test_a_question_named_like_a_person_field_but_not_bound_fills_nothing(tmp_path, session):
    path = tmp_path / "bound.yaml"
    path.write_text(
        FORM % "      - {name: full_name, type: text, label: {en: Name}}", encoding="utf-8"
    )
    assert load_form(path).bound() == {}


def test_what_new_case_knows_is_answered_and_the_age_is_worked_out(session):
    case = opened(session, document_number=DOC)
    interview = identification(session, case)
    stored = interviews.answers(session, interview.uuid)
    age = years_since(BORN, date.today())
    assert stored == {
        "full_name": NAME,
        "sex": "female",
        "date_of_birth": BORN,
        "document_number": DOC,
        "age_now": age,
    }
    assert interviews.computed(session, interview) == {"age_now"}
    # The age is worked out, not asked: the same value is accepted, another is refused.
    assert interviews.save_answer(session, interview, "age_now", age) == age
    with pytest.raises(InvalidInput, match="date of birth"):
        interviews.save_answer(session, interview, "age_now", age - 5)
    assert interviews.answers(session, interview.uuid)["age_now"] == age


def test_without_a_date_of_birth_the_age_is_asked(session):
    case = opened(session, birth_date="")
    interview = identification(session, case)
    assert interviews.computed(session, interview) == frozenset()
    assert "age_now" not in interviews.answers(session, interview.uuid)
    interviews.save_answer(session, interview, "age_now", 31)
    assert interviews.answers(session, interview.uuid)["age_now"] == 31


def test_the_age_is_worked_out_on_the_interview_date(session):
    case = opened(session)
    interview = identification(session, case)
    day = date.today() - timedelta(days=800)
    interviews.save_answer(session, interview, "interview_date", day.isoformat())
    assert interviews.answers(session, interview.uuid)["age_now"] == years_since(BORN, day)


def test_an_answer_updates_the_person_and_the_age_follows(session):
    case = opened(session)
    interview = identification(session, case)
    interviews.save_answer(session, interview, "date_of_birth", "2001-07-01")
    interviews.save_answer(session, interview, "document_number", "  ID  777 ")
    person = cases.get_case(session, case.uuid).person
    assert (person.birth_date, person.document_number) == ("2001-07-01", "ID 777")
    stored = interviews.answers(session, interview.uuid)
    assert stored["age_now"] == years_since("2001-07-01", date.today())
    assert stored["document_number"] == "ID 777"  # the answer holds what the person record does


def test_an_edited_person_is_shown_in_an_open_interview_not_in_a_completed_one(session):
    case = opened(session)
    done = screen(session, case.uuid)
    interview = identification(session, case)
    before_done = interviews.answers(session, done.uuid)
    cases.set_details(
        session,
        case.uuid,
        full_name="Cholpon Sydykova",
        birth_date="1995-01-02",
        document_number=DOC,
        working_name="",
    )
    interviews.refresh_from_person(session, interview)
    stored = interviews.answers(session, interview.uuid)
    assert (stored["full_name"], stored["date_of_birth"], stored["document_number"]) == (
        "Cholpon Sydykova",
        "1995-01-02",
        DOC,
    )
    assert stored["age_now"] == years_since("1995-01-02", date.today())
    interviews.refresh_from_person(session, done)
    assert interviews.answers(session, done.uuid) == before_done  # as it was recorded


def test_a_name_that_may_not_be_stored_changes_neither_answer_nor_person(session):
    case = opened(session)
    interview = identification(session, case)
    with pytest.raises(InvalidInput):
        interviews.save_answer(session, interview, "full_name", "Чолпон\u202eСыдыкова")
    assert interviews.answers(session, interview.uuid)["full_name"] == NAME
    assert cases.get_case(session, case.uuid).person.full_name == NAME


def test_statistics_count_the_sex_and_age_of_the_person_record(session):
    """A screening run with the first version of the form (no `bind:`) never asked the sex
    and age the case records: the figures still have both, from the person record."""
    case = opened(session, sex="female", birth_date="")
    old_form = load_shipped("nrm-screening", "1")
    interview = interviews.start(session, case.uuid, old_form, "en")
    assert interviews.answers(session, interview.uuid) == {}  # nothing bound, nothing filled
    born = (date.today() - timedelta(days=365 * 30 + 20)).isoformat()
    cases.set_details(
        session, case.uuid, full_name=NAME, birth_date=born, document_number="", working_name=""
    )
    b = compute(session).breakdowns
    screened = {r: b["sex"].cells.get((r, "screened"), 0) for r in b["sex"].rows}
    assert screened.get("female") == 1 and not screened.get("unknown")
    ages = {r: b["age_group"].cells.get((r, "screened"), 0) for r in b["age_group"].rows}
    assert ages.get("26-35") == 1 and not ages.get("unknown")


def test_the_packet_names_the_person_for_a_recipient_that_may_receive_it(session):
    case = opened(session, document_number=DOC)
    screen(session, case.uuid)
    agree(session, case, "crisis-centre-osh", "ombudsman")
    crisis = make_and_render(
        session, case.uuid, "crisis-centre-osh", services=("shelter",), lang="en"
    )
    person = crisis.content.summary[0]
    assert dict(person.rows) == {
        "Full name": NAME,
        "Sex": "Female",
        "Date of birth": "10.03.1996",
        "Document number": DOC,
    }
    # The sex answer bound to the person is not repeated below it.
    assert all("Sex" not in label for g in crisis.content.summary[1:] for label, _ in g.rows)
    ombudsman = make_and_render(session, case.uuid, "ombudsman", services=("legal_aid",), lang="en")
    rows = [label for g in ombudsman.content.summary for label, _ in g.rows]
    assert "Full name" not in rows and "Sex" not in rows and "Date of birth" not in rows


def test_the_consent_page_becomes_the_consent_record_once(session):
    case = opened(session)
    interview = identification(session, case)
    interviews.save_answer(
        session, interview, "information_given", ["purpose", "data_use", "retention", "withdrawal"]
    )
    interviews.save_answer(session, interview, "consent_interview", "given")
    assert interview_consent.record(session, interview.uuid) is None  # not completed yet
    answer_unanswered(session, interview.uuid, STORY)
    interviews.complete(session, interview)
    rec = interview_consent.record(session, interview.uuid)
    assert rec is not None and (rec.purpose, rec.state) == ("interview", "given")
    assert set(rec.told) == set(consent.TOLD)
    assert interview_consent.record(session, interview.uuid) is None  # never twice
    assert [r.purpose for r in consent.history(session, case.uuid)] == ["interview"]


def test_consent_given_without_every_point_told_is_left_to_the_officer(session):
    case = opened(session)
    interview = identification(session, case)
    interviews.save_answer(session, interview, "information_given", ["purpose"])
    interviews.save_answer(session, interview, "consent_interview", "given")
    answer_unanswered(session, interview.uuid, STORY)
    interviews.complete(session, interview)
    assert interview_consent.record(session, interview.uuid) is None
    assert consent.history(session, case.uuid) == []


def test_the_recipients_consented_to_latest_first(session):
    case = opened(session)
    consent.record(session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id="a")
    consent.record(session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id="b")
    consent.record(session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id="c")
    consent.record(session, case.uuid, Purpose.REFERRAL, State.WITHDRAWN, recipient_id="c")
    assert consent.consented_recipients(session, case.uuid)[0] == "b"
    assert set(consent.consented_recipients(session, case.uuid)) == {"a", "b"}


@pytest.mark.parametrize(
    ("details", "reasons"),
    [
        ({"full_name": "Cholpon Sydykova", "birth_date": BORN}, ("name_birth_date",)),
        ({"full_name": "СЫДЫКОВА ЧОЛПОН", "birth_date": BORN}, ()),  # the words' order counts
        ({"full_name": "Chоlpon Sydykova", "birth_date": BORN}, ("name_birth_date",)),
        ({"full_name": "Other Person", "document_number": DOC}, ("document_number",)),
        (
            {"full_name": "Чолпон Сыдыкова", "birth_date": BORN, "document_number": DOC},
            ("document_number", "name_birth_date"),
        ),
    ],
)
def test_a_new_case_finds_the_same_person_by_the_import_rule(session, details, reasons):
    existing = opened(session, document_number=DOC)
    found = person_matches.existing_cases(session, **details)
    assert [(m.case_uuid, m.reasons) for m in found] == (
        [(existing.uuid, reasons)] if reasons else []
    )


def test_no_warning_without_a_birth_date_or_document_or_for_another_birth_date(session):
    opened(session, document_number=DOC)
    assert person_matches.existing_cases(session, full_name=NAME) == []
    assert person_matches.existing_cases(session, full_name=NAME, birth_date="1996-03-11") == []
    assert person_matches.existing_cases(session, full_name=NAME, birth_date="bad") == []


def test_an_xlsform_binds_with_a_bind_column(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label", "bind"])
    survey.append(["date", "born", "Date of birth", "person.birth_date"])
    survey.append(["integer", "age", "Age now", "person.age"])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "version", "kind", "default_language"])
    settings.append(["bound", "1", "screening", "en"])
    path = tmp_path / "bound.xlsx"
    book.save(path)
    form = load_form(path)
    assert form.bound() == {"person.birth_date": "born", "person.age": "age"}
    assert not [w for w in form.warnings if "bind" in w.message]
