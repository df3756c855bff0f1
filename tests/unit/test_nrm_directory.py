"""The shipped NRM directory (issue 14, item 7): who is in it, what each offers and may receive,
and that data minimisation holds for every recipient type, the new ones included."""

from __future__ import annotations

import pytest

from idtool import cases, consent, directory, interviews, referrals
from idtool.consent import Purpose, State
from idtool.i18n import LANGUAGES
from idtool.questionnaire.registry import load_shipped
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS

NEW_TYPES = ("labour_inspection", "migration", "civil_registration", "hotline")
NEW_ORGS = {
    "labour-inspectorate": "labour_inspection",
    "mvd-juvenile-inspectorate": "police",
    "migration-foreigners": "migration",
    "population-registration": "civil_registration",
    "hotline": "hotline",
}


@pytest.fixture
def session(made_vault):
    vault, _ = made_vault
    s = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    yield s
    s.close()


def test_the_directory_loads_with_three_languages_and_known_codes():
    data = directory.shipped()
    assert len({o.id for o in data.organisations}) == len(data.organisations)
    for code, rtype in data.recipient_types.items():
        assert all(rtype.label.get(lang, "").strip() for lang in LANGUAGES), code
        assert rtype.receives and set(rtype.receives) <= set(directory.SENSITIVITIES), code
        assert rtype.consent_purpose in ("referral", "law_enforcement"), code
    for code, labels in data.services.items():
        assert all(labels.get(lang, "").strip() for lang in LANGUAGES), code
    for org in data.organisations:
        assert all(org.name.get(lang, "").strip() for lang in LANGUAGES), org.id
        assert org.type in data.recipient_types, org.id
        assert org.services, org.id  # each says what it offers
        assert set(org.services) <= set(data.services), org.id
        assert org.contact == ""  # never an invented phone number


def test_new_bodies_and_corrected_entries():
    data = directory.shipped()
    assert set(NEW_TYPES) <= set(data.recipient_types)
    for org_id, rtype in NEW_ORGS.items():
        org = directory.find_shipped(org_id)
        assert org is not None and org.type == rtype, org_id
    # The Border Service belongs to the State Committee for National Security and does not
    # replace documents; the Ombudsman examines complaints and is not a legal-aid service.
    border = directory.find_shipped("border-service")
    assert border is not None and "documents" not in border.services
    assert "State Committee for National Security" in border.name["en"]
    assert "Государственного комитета национальной безопасности" in border.name["ru"]
    assert "Улуттук коопсуздук мамлекеттик комитетинин" in border.name["ky"]
    ombudsman = directory.find_shipped("ombudsman")
    assert ombudsman is not None and "legal_aid" not in ombudsman.services
    assert directory.recipient_type("ombudsman").receives == ("ordinary",)
    # Documents are replaced by population registration; legal aid is the state's service.
    assert "documents" in directory.find_shipped("population-registration").services
    assert "legal_aid" in directory.find_shipped("state-legal-aid").services


def test_what_the_new_types_may_receive():
    receives = {code: set(directory.recipient_type(code).receives) for code in NEW_TYPES}
    assert receives["labour_inspection"] == {"sensitive", "ordinary"}  # the workplace, no name
    assert receives["migration"] == {"identifying", "ordinary"}  # who, never the story
    assert receives["civil_registration"] == {"identifying", "ordinary"}
    assert receives["hotline"] == {"ordinary"}
    for code in NEW_TYPES:
        rtype = directory.recipient_type(code)
        assert rtype.consent_purpose == "referral" and not rtype.child_without_consent
    # The juvenile inspectorate is police: sharing needs the consent to law enforcement.
    assert directory.recipient_type("police").consent_purpose == "law_enforcement"


def _case_with_every_class(session):
    """A case with answers of each sensitivity class (identifying, sensitive, ordinary)."""
    case = cases.open_case(session, full_name="Айгүл Мисалова", region="osh")
    ident = interviews.start(session, case.uuid, load_shipped("nrm-identification"), "en")
    interviews.save_answer(session, ident, "full_name", "Айгүл Мисалова")
    interviews.save_answer(session, ident, "document_number", "ID7654321")
    screening = interviews.start(session, case.uuid, load_shipped("nrm-screening"), "en")
    for question, value in {
        "sex": "female",
        "age_now": 30,
        "deceived_job": "yes",
        "debt": "yes",
    }.items():
        interviews.save_answer(session, screening, question, value)
    return case


@pytest.mark.parametrize("org_id", sorted(NEW_ORGS))
def test_minimisation_holds_for_the_new_bodies(session, org_id):
    case = _case_with_every_class(session)
    assert not referrals.preview(session, case.uuid, org_id).allowed  # no consent, no referral
    consent.record(session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id=org_id)
    rtype = directory.recipient_type(directory.get(session, org_id).type)
    if rtype.consent_purpose == "law_enforcement":
        shown = referrals.preview(session, case.uuid, org_id)
        assert not shown.allowed and "law enforcement" in shown.refusal
        consent.record(session, case.uuid, Purpose.LAW_ENFORCEMENT, State.GIVEN)
    shown = referrals.preview(session, case.uuid, org_id)
    assert shown.allowed and shown.legal_basis == "consent"
    sent = {f.sensitivity for f in shown.included()}
    assert sent and sent <= set(rtype.receives)
    withheld = {f.sensitivity for f in shown.fields if not f.included}
    assert withheld == {"identifying", "sensitive", "ordinary"} - set(rtype.receives)
    names = {f.question for f in shown.included()}
    assert ("full_name" in names) == ("identifying" in rtype.receives)
    assert ("deceived_job" in names) == ("sensitive" in rtype.receives)
