"""The referral loop closed (issue 16, item 3): what the receiving organisation did travels
through the coordinator back to the referring post, and statistics count it; nobody but the
recipient's device can report it."""

from __future__ import annotations

from pathlib import Path

import pytest

from idtool import referrals
from idtool.session import Session
from idtool.stats import compute
from idtool.sync import devices, export, referral_out, referral_status, updates
from idtool.sync.importer import import_bundle
from idtool.sync.outcome_records import TABLE
from tests.support.cases import consent_to_referral, person_case
from tests.support.sync import CRISIS, World, make_world, send, update_all


def _three(tmp_path: Path) -> tuple[World, Session, Session, Session]:
    """(world, referring post, recipient organisation's device, another post)."""
    w = make_world(tmp_path, 3)
    post, recipient, other = w.devs
    devices.set_organisation(w.sup, recipient.device_id, CRISIS)
    update_all(w)
    return w, post, recipient, other


def _referred(w: World, post: Session, recipient: Session) -> tuple[str, str]:
    """A referral from `post` to the crisis centre, received there and known to the
    coordinator: (the post's referral uuid, the recipient's case uuid)."""
    case = person_case(post, "Жылдыз Осмонова")
    consent_to_referral(post, case.uuid, CRISIS)
    path = referral_out.export_referral(post, case.uuid, CRISIS, None, w.out, services=("shelter",))
    import_bundle(recipient, path)
    import_bundle(w.sup, export.export_cases(post, w.out))
    (ref,) = referrals.for_case(post, case.uuid)
    received = recipient.conn.execute("SELECT case_uuid FROM referrals_received").fetchone()[0]
    return ref.uuid, str(received)


def _outcomes(session: Session, referral_uuid: str) -> list[str]:
    return [
        str(r[0])
        for r in session.conn.execute(
            "SELECT status FROM referral_outcomes WHERE referral_uuid = ? ORDER BY at, rowid",
            (referral_uuid,),
        )
    ]


def test_status_flows_back_across_three_devices(tmp_path: Path) -> None:
    w, post, recipient, _other = _three(tmp_path)
    ref_uuid, their_case = _referred(w, post, recipient)
    referral_status.report(recipient, their_case, "accepted")
    referral_status.report(recipient, their_case, "service_delivered")

    report = import_bundle(w.sup, export.export_cases(recipient, w.out))
    assert report.quarantined == 0
    assert _outcomes(w.sup, ref_uuid) == ["accepted", "service_delivered"]
    stats = compute(w.sup)
    assert (stats.referrals_made, stats.referrals_accepted, stats.services_delivered) == (1, 1, 1)

    report = import_bundle(post, updates.export_update(w.sup, w.out, [post.device_id]))
    assert report.quarantined == 0
    (ref,) = [r for r in referrals.for_case(post, r_case(post, ref_uuid)) if r.uuid == ref_uuid]
    assert ref.status == "service_delivered"
    assert [e[0] for e in referrals.events(post, ref_uuid)] == [
        "sent",
        "accepted",
        "service_delivered",
    ]
    # the same update again changes nothing
    again = import_bundle(post, updates.export_update(w.sup, w.out, [post.device_id]))
    assert again.quarantined == 0
    assert len(referrals.events(post, ref_uuid)) == 3

    # the post's next package brings its referral, now served, to the coordinator unchanged
    report = import_bundle(w.sup, export.export_cases(post, w.out))
    assert report.conflicts == 0 and report.quarantined == 0
    stats = compute(w.sup)
    assert (stats.referrals_accepted, stats.services_delivered) == (1, 1)


def r_case(session: Session, referral_uuid: str) -> str:
    row = session.conn.execute(
        "SELECT case_uuid FROM referrals WHERE uuid = ?", (referral_uuid,)
    ).fetchone()
    return str(row[0])


def test_the_recipients_word_overrides_the_referrers_guess(tmp_path: Path) -> None:
    w, post, recipient, _other = _three(tmp_path)
    ref_uuid, their_case = _referred(w, post, recipient)
    referrals.set_status(post, ref_uuid, referrals.RefStatus.SERVICE_DELIVERED)  # a guess
    import_bundle(w.sup, export.export_cases(post, w.out))
    assert compute(w.sup).services_delivered == 1  # nothing better known yet

    referral_status.report(recipient, their_case, "declined")
    import_bundle(w.sup, export.export_cases(recipient, w.out))
    stats = compute(w.sup)
    assert (stats.referrals_accepted, stats.services_delivered) == (0, 0)


def _forged_outcome(post: Session, ref_uuid: str, org: str = CRISIS) -> dict[str, object]:
    return {
        "table": TABLE,
        "row": {
            "uuid": "6f1c2b3a-0d4e-4f5a-8b6c-7d8e9f0a1b2c",
            "referral": referral_out.public_id(ref_uuid),
            "referrer": post.device_id,
            "org_id": org,
            "status": "service_delivered",
            "at": "2026-01-05T10:00:00+00:00",
        },
    }


def test_attack_status_signed_by_a_device_that_was_not_the_recipient_is_refused(
    tmp_path: Path,
) -> None:
    """Another post (not the crisis centre's device) signs an outcome for the referral: the
    coordinator refuses it, audits the refusal, and statistics do not move."""
    w, post, recipient, other = _three(tmp_path)
    ref_uuid, _case = _referred(w, post, recipient)
    send(w, other, [_forged_outcome(post, ref_uuid)])
    assert _outcomes(w.sup, ref_uuid) == []
    refused = w.sup.conn.execute(
        "SELECT reason FROM sync_quarantine WHERE tbl = 'referral_outcomes'"
    ).fetchall()
    assert refused == [("not_recipient",)]
    assert w.sup.conn.execute(
        "SELECT count(*) FROM audit WHERE action = 'sync.records_refused'"
    ).fetchone()[0]
    assert compute(w.sup).services_delivered == 0


def test_attack_the_referrer_cannot_report_its_own_referral_served(tmp_path: Path) -> None:
    w, post, recipient, _other = _three(tmp_path)
    ref_uuid, _case = _referred(w, post, recipient)
    send(w, post, [_forged_outcome(post, ref_uuid)])
    assert _outcomes(w.sup, ref_uuid) == []
    assert compute(w.sup).services_delivered == 0


def test_outcome_before_the_referral_is_known_comes_again(tmp_path: Path) -> None:
    w, post, recipient, _other = _three(tmp_path)
    case = person_case(post, "Асел Кадырова")
    consent_to_referral(post, case.uuid, CRISIS)
    path = referral_out.export_referral(post, case.uuid, CRISIS, None, w.out, services=("shelter",))
    import_bundle(recipient, path)
    their_case = recipient.conn.execute("SELECT case_uuid FROM referrals_received").fetchone()[0]
    referral_status.report(recipient, str(their_case), "accepted")
    first = import_bundle(w.sup, export.export_cases(recipient, w.out))
    assert first.quarantined == 1  # the coordinator has not seen the referral yet
    import_bundle(w.sup, export.export_cases(post, w.out))
    import_bundle(w.sup, export.export_cases(recipient, w.out))
    (ref,) = referrals.for_case(post, case.uuid)
    assert _outcomes(w.sup, ref.uuid) == ["accepted"]


def test_outcome_on_the_command_line(tmp_path: Path, monkeypatch, capsys) -> None:
    from idtool.cli import main
    from tests.support.sync import PASS

    w, post, recipient, _other = _three(tmp_path)
    ref_uuid, their_case = _referred(w, post, recipient)
    number = recipient.conn.execute(
        "SELECT number FROM cases WHERE uuid = ?", (their_case,)
    ).fetchone()[0]
    monkeypatch.setenv("IDTOOL_OFFICER", "Officer 1")
    monkeypatch.setenv("IDTOOL_PASSPHRASE", PASS)
    data = str(tmp_path / "dev1")
    assert main(["--data", data, "--lang", "en", "outcome", str(number), "accepted"]) == 0
    assert "Referral outcome recorded" in capsys.readouterr().out
    with pytest.raises(SystemExit):  # argparse refuses a status it does not know
        main(["--data", data, "--lang", "en", "outcome", str(number), "lost"])
    import_bundle(w.sup, export.export_cases(recipient, w.out))
    assert _outcomes(w.sup, ref_uuid) == ["accepted"]
