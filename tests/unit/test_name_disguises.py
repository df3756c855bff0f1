"""Attacks on "one certificate per person" and on what a name may hold (issue 12, part 6).

A second certificate for someone who already holds one must not be had by disguising the name
with an invisible character, a look-alike letter from another script, fullwidth letters or
extra spaces; a name holding control, text-direction or invisible characters is refused with
a clear message that never repeats the name, wherever a name is typed.
"""

from __future__ import annotations

import pytest

from idtool import case_list, cases, consent, interviews, officers
from idtool.certificate import eligibility, issuance
from idtool.errors import InvalidInput
from idtool.questionnaire.registry import load_shipped
from tests.support.cases import decided_case

BIRTH = "1999-03-08"
PLAIN = "Nurgul Asanova"
CYRILLIC = "Нургул Асанова"
LATIN_C = "Cholpon Sydykova"

# (the name first certified, the disguise tried for a second certificate)
LOOK_ALIKES = {
    "greek_omicron": (PLAIN, "Nurgul Asan\u03bfva"),
    "fullwidth": (
        PLAIN,
        "\uff2e\uff55\uff52\uff47\uff55\uff4c \uff21\uff53\uff41\uff4e\uff4f\uff56\uff41",
    ),
    "double_space": (PLAIN, "Nurgul  Asanova"),
    "no_break_space": (PLAIN, "Nurgul\u00a0Asanova"),
    "cyrillic_es_in_latin": (LATIN_C, "\u0421holpon Sydykova"),  # Cyrillic С for C
    "cyrillic_er_in_latin": ("Aiperi Saparova", "Ai\u0440eri Saparova"),  # Cyrillic р for p
    "latin_c_in_cyrillic": (CYRILLIC, "Нургул Аcанова"),  # Latin c for Cyrillic с
    "latin_capitals_in_cyrillic": ("Венера Садырова", "Bенера Cадырова"),  # Latin B and C
    "surname_first": (PLAIN, "Asanova Nurgul"),
    "mathematical_letters": (
        PLAIN,
        "\U0001d40d\U0001d42e\U0001d42b\U0001d420\U0001d42e\U0001d425 Asanova",
    ),
}

# Names holding characters that must never be stored: (name, words the refusal contains).
HIDDEN = {
    "zero_width_joiner": ("Nurgul Asan\u200dova", "invisible"),
    "zero_width_space": ("Nurgul\u200bAsanova", "invisible"),
    "byte_order_mark": ("\ufeffNurgul Asanova", "invisible"),
    "soft_hyphen": ("Nurgul Asa\u00adnova", "invisible"),
    "word_joiner": ("Nurgul Asa\u2060nova", "invisible"),
    "hangul_filler": ("Nurgul\u3164Asanova", "invisible"),
    "nul": ("Nurgul\x00 Asanova", "control"),
    "escape": ("Nurgul \x1b[31mAsanova", "control"),
    "delete": ("Nurgul Asanova\x7f", "control"),
    "right_to_left_override": ("Nurgul \u202eavonasA", "direction"),
    "left_to_right_mark": ("Nurgul\u200e Asanova", "direction"),
    "right_to_left_isolate": ("Nurgul \u2067Asanova\u2069", "direction"),
    "arabic_letter_mark": ("Nurgul\u061c Asanova", "direction"),
    "too_long": ("N" * 200_000, "too long"),
}


def _certificates(session) -> int:
    return session.conn.execute("SELECT count(*) FROM certificates").fetchone()[0]


@pytest.mark.parametrize("variant", sorted(LOOK_ALIKES))
def test_second_certificate_for_a_look_alike_name_is_refused(session, variant):
    plain, disguise = LOOK_ALIKES[variant]
    assert plain != disguise
    first = decided_case(session, name=plain, birth=BIRTH)
    issuance.issue(session, first.uuid, "en")
    again = decided_case(session, name=disguise, birth=BIRTH)
    with pytest.raises(InvalidInput, match="only once") as info:
        issuance.issue(session, again.uuid, "en")
    assert plain not in info.value.message and disguise not in info.value.message
    assert eligibility.issue_blocked(session, again.uuid)
    assert _certificates(session) == 1


@pytest.mark.parametrize("variant", sorted(k for k, v in HIDDEN.items() if v[1] != "too long"))
def test_second_certificate_for_a_name_with_hidden_characters_is_refused(session, variant):
    """The disguise is refused where it is typed; and a name stored with it before this rule
    (or by an older version) still cannot get a second certificate."""
    disguise, _ = HIDDEN[variant]
    first = decided_case(session, name=PLAIN, birth=BIRTH)
    issuance.issue(session, first.uuid, "en")
    with pytest.raises(InvalidInput):
        decided_case(session, name=disguise, birth=BIRTH)
    again = decided_case(session, name="Placeholder Name", birth=BIRTH)
    session.conn.execute(
        "UPDATE persons SET full_name = ? WHERE uuid = ?", (disguise, again.person.uuid)
    )
    with pytest.raises(InvalidInput):
        issuance.issue(session, again.uuid, "en")
    assert _certificates(session) == 1


@pytest.mark.parametrize("variant", sorted(HIDDEN))
def test_new_case_refuses_hidden_characters_with_a_clear_message(session, variant):
    name, words = HIDDEN[variant]
    with pytest.raises(InvalidInput, match=words) as info:
        cases.open_case(session, full_name=name, region="osh", birth_date=BIRTH)
    assert name not in info.value.message and "Nurgul" not in info.value.message
    assert case_list.CaseQuery().count(session) == 0


@pytest.mark.parametrize(
    "variant", ["zero_width_joiner", "escape", "right_to_left_override", "too_long"]
)
def test_interview_answer_with_hidden_characters_is_refused(session, variant):
    name, words = HIDDEN[variant]
    case = cases.open_case(session, full_name=PLAIN, region="osh")
    interview = interviews.start(session, case.uuid, load_shipped("nrm-identification"), "en")
    for question in ("full_name", "other_names"):
        with pytest.raises(InvalidInput, match=words):
            interviews.save_answer(session, interview, question, name)
    # Nothing half-written: neither the answer (prefilled from the case) nor the person changed.
    assert interviews.answers(session, interview.uuid) == {"full_name": PLAIN}
    assert cases.get_case(session, case.uuid).person.full_name == PLAIN


@pytest.mark.parametrize(
    "variant", ["zero_width_space", "nul", "escape", "right_to_left_override", "too_long"]
)
def test_officer_name_with_hidden_characters_is_refused(session, variant):
    name, words = HIDDEN[variant]
    if words == "too long":
        words = "1 to 100 characters"
    with pytest.raises(InvalidInput, match=words):
        officers.add_officer(session, name, "police", "police-pass-1")
    assert len(officers.list_officers(session)) == 1


def test_officer_look_alike_of_an_existing_officer_is_refused(session):
    officers.add_officer(session, "Bakyt Sadyrov", "police", "police-pass-1")
    with pytest.raises(InvalidInput, match="already exists"):
        officers.add_officer(session, "B\u0430kyt S\u0430dyrov", "police", "police-pass-2")
    assert len(officers.list_officers(session)) == 2


@pytest.mark.parametrize("variant", ["zero_width_joiner", "escape", "right_to_left_override"])
def test_guardian_name_with_hidden_characters_is_refused(session, variant):
    name, words = HIDDEN[variant]
    case = cases.open_case(session, full_name=PLAIN, region="osh")
    with pytest.raises(InvalidInput, match=words):
        consent.record(
            session,
            case.uuid,
            consent.Purpose.STATISTICS,
            consent.State.GIVEN,
            child_assent="yes",
            guardian=name + ", mother",
        )
    assert consent.history(session, case.uuid) == []


def test_plain_names_are_stored_normalised(session):
    case = cases.open_case(session, full_name="  Nurgul \u3000 Asanova ", region="osh")
    assert case.person.full_name == "Nurgul Asanova"
    wide = cases.open_case(session, full_name="\uff2e\uff55\uff52\uff47\uff55\uff4c", region="osh")
    assert cases.get_case(session, wide.uuid).person.full_name == "Nurgul"
