"""Non-punishment flags travel with the case: the coordinator sees a post's flagged case in its
review queue after importing the post's package, and a legal-aid organisation that receives a
referral sees the flags on the case the referral opened."""

from __future__ import annotations

from pathlib import Path

from idtool import case_flags, oversight
from idtool.sync import export
from idtool.sync.importer import import_bundle
from idtool.sync.referral_out import export_referral
from tests.support.cases import consent_to_referral
from tests.support.flags import flagged_case
from tests.support.sync import make_world, two_orgs

LEGAL_AID = "state-legal-aid"


def test_the_coordinator_sees_a_post_s_flagged_case(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    post = w.devs[0]
    case = flagged_case(post)
    assert not [i for i in oversight.queue(w.sup) if i.kind == oversight.Kind.NON_PUNISHMENT]
    report = import_bundle(w.sup, export.export_cases(post, w.out))
    assert report.quarantined == 0
    assert case_flags.for_case(w.sup, case.uuid) == ("np.detained", "np.deported")
    items = [i for i in oversight.queue(w.sup) if i.kind == oversight.Kind.NON_PUNISHMENT]
    assert [(i.case_uuid, i.codes) for i in items] == [(case.uuid, ("np.detained", "np.deported"))]


def test_a_legal_aid_organisation_receives_the_flags_with_the_referral(tmp_path: Path) -> None:
    w, sender, receiver = two_orgs(tmp_path, LEGAL_AID)
    case = flagged_case(sender)
    consent_to_referral(sender, case.uuid, LEGAL_AID)
    path = export_referral(
        sender,
        case.uuid,
        LEGAL_AID,
        None,
        w.out,
        services=case_flags.suggested_services(sender, case.uuid),
    )
    report = import_bundle(receiver, path)
    assert report.quarantined == 0
    (opened,) = receiver.conn.execute("SELECT case_uuid FROM referrals_received").fetchone()
    assert case_flags.for_case(receiver, opened) == ("np.detained", "np.deported")
