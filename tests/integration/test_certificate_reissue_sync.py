"""A new certificate across devices (issue 14, item 6): the coordinator allows it where it sees
the earlier certificate; the permission reaches the post that issued that certificate in the
update package; a post cannot give itself one, neither on its own computer nor through a case
package; a package that would change a permission is refused."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pypdf
import pytest

from idtool import audit, legal_acts, policy_options
from idtool.certificate import eligibility, issuance, issuing_org, ledger, reissue
from idtool.certificate.verify import Status, verify
from idtool.errors import InvalidInput, NotPermitted
from idtool.sync import export, updates
from idtool.sync.importer import import_bundle
from tests.support.cases import decided_case
from tests.support.issuing import issuing_world, record, update
from tests.support.sync import quarantine_reasons, send

AGAIN = "Jyldyzkan Tunguchbaeva"


def case_at(session, number: str) -> str:
    return ledger.case_uuid_for_number(session, number)


def test_permission_travels_to_the_post_that_issued(tmp_path: Path) -> None:
    w = issuing_world(tmp_path, 1)
    post = w.devs[0]
    case = decided_case(post)
    first = issuance.issue(post, case.uuid, "ru").certificate
    issuance.revoke(post, case.uuid, "Reviewed by the commission")
    import_bundle(w.sup, export.export_cases(post, w.out))
    # The post may not allow it itself.
    assert reissue.may_allow(post)
    with pytest.raises(NotPermitted):
        reissue.allow(post, case.uuid, "The post decides")
    with pytest.raises(InvalidInput, match="only once unless the coordinator"):
        issuance.issue(post, case.uuid, "ru")
    # The coordinator sees the certificate (imported) and allows a new one.
    at_coordinator = case_at(w.sup, case.number)
    assert [c.number for c in reissue.blocking(w.sup, at_coordinator)] == [first.number]
    [allowance] = reissue.allow(w.sup, at_coordinator, "Revoked for a typing error")
    update(w, post)
    assert reissue.allowance_for(post.conn, first.number) == allowance
    received = [e for e in audit.entries(post.conn) if e.action == "certificate.allow_new_received"]
    assert [e.target for e in received] == [first.number]
    update(w, post)  # the same permission again: unchanged, not audited twice
    assert len(reissue.allowances(post.conn)) == 1
    received = [e for e in audit.entries(post.conn) if e.action == "certificate.allow_new_received"]
    assert len(received) == 1
    second = issuance.issue(post, case.uuid, "ru").certificate
    assert second.number != first.number
    # The coordinator takes the second certificate of the same person.
    report = import_bundle(w.sup, export.export_cases(post, w.out))
    assert report.quarantined == 0
    assert {c.number for c in ledger.of_person(w.sup, case.person.uuid)} == {
        first.number,
        second.number,
    }
    assert verify(w.sup, second.code).status is Status.VALID
    assert verify(w.sup, first.code).status is Status.REVOKED


def test_trafficked_again_at_the_post_the_old_one_is_replaced_everywhere(tmp_path: Path) -> None:
    w = issuing_world(tmp_path, 1)
    post = w.devs[0]
    old_case = decided_case(post)
    old = issuance.issue(post, old_case.uuid, "ky").certificate
    import_bundle(w.sup, export.export_cases(post, w.out))
    new_case = decided_case(post, name=AGAIN)
    assert old.number in eligibility.issue_blocked(post, new_case.uuid)
    reissue.allow(w.sup, case_at(w.sup, old_case.number), "Trafficked again, new case at the post")
    update(w, post)
    new = issuance.issue(post, new_case.uuid, "ky").certificate
    assert verify(post, old.code).status is Status.REVOKED
    report = import_bundle(w.sup, export.export_cases(post, w.out))
    assert report.quarantined == 0
    assert verify(w.sup, old.code).status is Status.REVOKED  # the post's revocation arrived
    assert verify(w.sup, new.code).status is Status.VALID


def test_a_post_cannot_send_itself_a_permission_in_a_case_package(tmp_path: Path) -> None:
    w = issuing_world(tmp_path, 1)
    post = w.devs[0]
    case = decided_case(post)
    first = issuance.issue(post, case.uuid, "ru").certificate
    issuance.revoke(post, case.uuid, "Reviewed")
    import_bundle(w.sup, export.export_cases(post, w.out))
    forged = {
        "uuid": str(uuid.uuid4()),
        "number": first.number,
        "reason": "allowed by myself",
        "officer_uuid": str(uuid.uuid4()),
        "officer_name": "Officer 0",
        "allowed_at": "2026-05-01T10:00:00+06:00",
        "device_id": post.device_id,
    }
    send(w, post, [record("certificate_allowances", forged)])
    assert ("certificate_allowances", "unknown_table") in quarantine_reasons(w.sup)
    assert reissue.allowances(w.sup.conn) == {}
    update(w, post)  # nothing to pass on
    with pytest.raises(InvalidInput, match="only once unless the coordinator"):
        issuance.issue(post, case.uuid, "ru")


def test_an_update_that_would_change_a_permission_is_refused(tmp_path: Path) -> None:
    w = issuing_world(tmp_path, 1)
    post = w.devs[0]
    case = decided_case(post)
    first = issuance.issue(post, case.uuid, "ru").certificate
    issuance.revoke(post, case.uuid, "Reviewed")
    import_bundle(w.sup, export.export_cases(post, w.out))
    [genuine] = reissue.allow(w.sup, case_at(w.sup, case.number), "Reviewed by the commission")
    update(w, post)
    row = {
        "uuid": genuine.uuid,
        "number": genuine.number,
        "reason": "something else",
        "officer_uuid": genuine.officer_uuid,
        "officer_name": genuine.officer_name,
        "allowed_at": genuine.allowed_at,
    }
    bad = [
        record("certificate_allowances", row),
        record("certificate_allowances", {**row, "uuid": str(uuid.uuid4())}),
        record("certificate_allowances", {**row, "uuid": "not-a-uuid", "number": "KG-VS-X"}),
        record(
            "certificate_allowances", {**row, "number": "kg-vs\u202e", "uuid": str(uuid.uuid4())}
        ),
        record("certificate_allowances", {**row, "reason": "", "uuid": str(uuid.uuid4())}),
    ]
    report = import_bundle(post, updates.export_update(w.sup, w.out, [post.device_id], extra=bad))
    assert report.quarantined == len(bad)
    reasons = [r for t, r in quarantine_reasons(post) if t == "certificate_allowances"]
    assert reasons == ["changed", "changed", "wrong_type", "wrong_type", "wrong_type"]
    assert reissue.allowances(post.conn) == {first.number: genuine}


def test_the_coordinators_legal_acts_reach_the_post_and_its_certificates(tmp_path: Path) -> None:
    w = issuing_world(tmp_path, 1)
    post = w.devs[0]
    value = {"nrm-2019": {"date": "2019-09-19", "number": "493"}}
    with pytest.raises(NotPermitted):  # an enrolled post takes the coordinator's
        issuing_org.set_option(post, "legal_acts", value)
    assert issuing_org.set_option(w.sup, "legal_acts", value)
    update(w, post)
    assert policy_options.get(post.conn).legal_acts == (
        legal_acts.Details("nrm-2019", "2019-09-19", "493"),
    )
    changes = [e for e in audit.entries(post.conn) if e.action == "policy.option_update"]
    assert [e.details["value"] for e in changes if e.target == "legal_acts"][-1] == value
    printed = issuance.issue(post, decided_case(post).uuid, "en").pdf
    text = " ".join(pypdf.PdfReader(io.BytesIO(printed)).pages[0].extract_text().split())
    assert 'Kyrgyz Republic" of 19.09.2019, No. 493' in text
    # Cleared on the coordinator: cleared on the post, the number is no longer printed.
    issuing_org.set_option(w.sup, "legal_acts", {})
    update(w, post)
    assert policy_options.get(post.conn).legal_acts == ()
