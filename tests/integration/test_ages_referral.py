"""A referral package to child protection without consent is refused by the receiving device
when what it carries shows an adult now, whatever the sender claims (issue 14, item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from idtool import cases, interviews, referrals
from idtool.errors import BundleError
from idtool.questionnaire.registry import load_shipped
from idtool.sync import devices, updates
from idtool.sync.importer import import_bundle
from idtool.sync.referral_out import export_referral
from tests.integration.test_sync import make_world
from tests.unit.test_ages import SCREENING

CHILD_PROTECTION = "child-protection"


def _world(tmp_path: Path):
    w = make_world(tmp_path, 2)
    sender, receiver = w.devs
    devices.set_organisation(w.sup, receiver.device_id, CHILD_PROTECTION)
    path = updates.export_update_all(w.sup, w.out)
    for dev in w.devs:
        import_bundle(dev, path)
    return w, sender, receiver


def _case(session, birth_date: str, **answers):
    case = cases.open_case(session, full_name="Нургүл Асанова", region="osh", birth_date=birth_date)
    interview = interviews.start(session, case.uuid, load_shipped("nrm-screening"), "en")
    for q, v in {**SCREENING, **answers}.items():
        interviews.save_answer(session, interview, q, v)
    interviews.complete(session, interview)
    return case


def test_an_adult_sent_to_child_protection_without_consent_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older sender (child = the age at the time of exploitation) refers a 35-year-old
    exploited at 17 without consent: the receiver refuses it and stores nothing."""
    w, sender, receiver = _world(tmp_path)
    case = _case(sender, "1990-05-01", age_now=35, under_18_at_exploitation="yes")
    monkeypatch.setattr(referrals, "is_child", lambda _session, _case: True)  # the old rule
    path = export_referral(
        sender, case.uuid, CHILD_PROTECTION, None, w.out, services=("child_protection",)
    )
    before = receiver.conn.execute("SELECT count(*) FROM persons").fetchone()
    with pytest.raises(BundleError) as refused:
        import_bundle(receiver, path)
    assert refused.value.reason == "no_legal_basis"
    assert "Нургүл" not in refused.value.message
    assert receiver.conn.execute("SELECT count(*) FROM persons").fetchone() == before


def test_a_child_now_still_reaches_child_protection_without_consent(tmp_path: Path) -> None:
    w, sender, receiver = _world(tmp_path)
    case = _case(sender, "", age_now=15, consent_referral="child_protection")
    path = export_referral(
        sender, case.uuid, CHILD_PROTECTION, None, w.out, services=("child_protection",)
    )
    report = import_bundle(receiver, path)
    assert report.imported > 0
    basis = receiver.conn.execute("SELECT legal_basis FROM referrals_received").fetchone()
    assert basis == ("child_protection_law",)
