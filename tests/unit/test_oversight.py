"""The supervisor's review queue contains exactly the cases it should."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from idtool import (
    audit,
    cases,
    consent,
    decisions,
    directory,
    officers,
    oversight,
    referrals,
)
from idtool.consent import Purpose, State
from idtool.decisions import Decision
from idtool.errors import InvalidInput, NotPermitted
from tests.support.cases import assessed_case

LATER = datetime.now(UTC) + timedelta(days=20)


def _kinds(items, case_uuid=None):
    return sorted(
        (i.kind, i.case_uuid) for i in items if case_uuid is None or i.case_uuid == case_uuid
    )


def test_decisions_against_the_recommendation(session):
    case = assessed_case(session)
    followed = assessed_case(session, name="Other Person")
    decisions.record(session, followed.uuid, Decision.IDENTIFIED_VICTIM)
    first = decisions.record(session, case.uuid, Decision.NOT_VICTIM, "Works legally")
    items = oversight.queue(session)
    assert [(i.kind, i.target) for i in items] == [("against_recommendation", first.uuid)]
    assert oversight.describe(session, items[0]) == (
        "decided: Not identified as a victim;"
        " recommended: presumed victim of trafficking in persons"
    )
    assert "not_victim" not in oversight.describe(session, items[0], "ru")
    # A new decision that follows the recommendation takes the case out of the queue.
    decisions.record(session, case.uuid, Decision.IDENTIFIED_VICTIM)
    assert oversight.queue(session) == []
    # Departing again brings it back; the supervisor's resolution is recorded and audited.
    decisions.record(session, case.uuid, Decision.NEEDS_INFORMATION, "Ask the employer")
    (item,) = oversight.queue(session)
    with pytest.raises(InvalidInput):
        oversight.resolve(session, item, "   ")
    oversight.resolve(session, item, "Checked with the officer; agreed.")
    assert oversight.queue(session) == []
    assert not cases.get_case(session, case.uuid).review
    assert "review.resolve" in [e.action for e in audit.entries(session.conn, case.uuid)]


def test_cases_waiting_for_a_decision_after_n_days(session):
    waiting = cases.open_case(session, full_name="Waiting Person", region="naryn")
    decided = assessed_case(session)
    decisions.record(session, decided.uuid, Decision.IDENTIFIED_VICTIM)
    assert oversight.queue(session) == []  # not yet N days old
    items = oversight.queue(session, now=LATER)
    assert _kinds(items) == [("no_decision", waiting.uuid)]
    assert oversight.queue(session, now=LATER, decision_days=30) == []


def test_referrals_without_a_response(session):
    case = assessed_case(session)
    consent.record(
        session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id="crisis-centre-osh"
    )
    decisions.record(session, case.uuid, Decision.IDENTIFIED_VICTIM)
    ref = referrals.make(session, case.uuid, "crisis-centre-osh", services=("shelter",))
    items = oversight.queue(session, now=LATER)
    assert [(i.kind, i.target) for i in items] == [("no_referral_response", ref.uuid)]
    org = directory.get(session, "crisis-centre-osh")
    assert oversight.describe(session, items[0], "ky") == f"{org.title('ky')} уюмуна жөнөтүлдү"
    referrals.set_status(session, ref.uuid, referrals.RefStatus.ACCEPTED)
    assert oversight.queue(session, now=LATER) == []


def test_import_queues_appear_and_are_not_resolved_here(session):
    session.conn.execute(
        "INSERT INTO sync_duplicates (uuid, person_a, person_b, reason, bundle_id, created_at)"
        " VALUES ('d1', 'a', 'b', 'name_birth_date+document_number', 'bundle',"
        " '2026-01-01T00:00:00+00:00')"
    )
    (item,) = oversight.queue(session)
    assert item.kind == "duplicate"
    assert oversight.describe(session, item) == (
        "same name and date of birth, same document number"
    )
    with pytest.raises(InvalidInput):
        oversight.resolve(session, item, "same person")


def test_only_roles_allowed_see_the_queue(session, made_vault):
    officers.add_officer(session, "Police Officer", "police", "police-pass-1")
    vault, _ = made_vault
    with vault.unlock("Police Officer", "police-pass-1") as police, pytest.raises(NotPermitted):
        oversight.queue(police)
