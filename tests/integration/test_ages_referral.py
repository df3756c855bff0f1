"""A referral package to child protection without consent is refused by the receiving device
when what it carries shows an adult now, whatever the sender claims (issue 14, item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from idtool import referrals
from idtool.errors import BundleError
from idtool.sync.importer import import_bundle
from idtool.sync.referral_out import export_referral
from tests.support.cases import CHILD, STRONG, assessed_case
from tests.support.sync import two_orgs

CHILD_PROTECTION = "child-protection"


def test_an_adult_sent_to_child_protection_without_consent_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older sender (child = the age at the time of exploitation) refers a 35-year-old
    exploited at 17 without consent: the receiver refuses it and stores nothing."""
    w, sender, receiver = two_orgs(tmp_path, CHILD_PROTECTION)
    adult_now = dict(STRONG, age_now=35, under_18_at_exploitation="yes")
    case = assessed_case(sender, adult_now, name="Нургүл Асанова", birth="1990-05-01")
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
    w, sender, receiver = two_orgs(tmp_path, CHILD_PROTECTION)
    case = assessed_case(sender, dict(STRONG, **CHILD), name="Бала Мисалова")
    path = export_referral(
        sender, case.uuid, CHILD_PROTECTION, None, w.out, services=("child_protection",)
    )
    report = import_bundle(receiver, path)
    assert report.imported > 0
    basis = receiver.conn.execute("SELECT legal_basis FROM referrals_received").fetchone()
    assert basis == ("child_protection_law",)
