"""The consent and referral dialogs follow the age now, not the age at exploitation."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from idtool import consent
from idtool.consent import Purpose, State
from tests.support.cases import STRONG, assessed_case
from tests.ui.drive import click, show
from ui.documents.consent_dialog import ConsentDialog
from ui.documents.referral_dialog import ReferralDialog

# Screenshots for the report when IDTOOL_SHOTS names a folder (never in normal runs).
SHOTS = os.environ.get("IDTOOL_SHOTS")


def shot(widget, name: str) -> None:
    if SHOTS:
        QApplication.processEvents()
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def screened(session, **answers):
    return assessed_case(session, {**STRONG, **answers}, name="Нургүл Асанова")


def test_an_adult_exploited_as_a_child_consents_like_any_adult(qtbot, session):
    case = screened(session, age_now=35, under_18_at_exploitation="yes")
    dialog = show(qtbot, ConsentDialog(session, case.uuid, purpose=Purpose.INTERVIEW))
    assert not dialog.child and dialog.assent is None and dialog.guardian is None
    note = dialog.findChild(type(dialog.error), "consent_adult_now")
    assert note is not None and note.isVisible() and "adult now" in note.text()
    shot(dialog, "consent-adult-now")
    for box in dialog.told.values():
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_Space)
    dialog.state_buttons[State.GIVEN].setFocus()
    qtbot.keyClick(dialog.state_buttons[State.GIVEN], Qt.Key.Key_Space)
    click(qtbot, dialog.ok_button)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert consent.history(session, case.uuid)[0].child_assent == ""

    referral = show(qtbot, ReferralDialog(session, case.uuid))
    referral.choose("child-protection")
    assert not referral.make_button.isEnabled()
    assert not referral.child_notice.isVisible()
    assert "not consented" in referral.refusal.text()
    assert referral.consent_button.isVisible()  # their consent is what is asked for


def test_a_child_now_gets_the_child_box(qtbot, session):
    case = screened(session, age_now=16, consent_referral="child_protection")
    dialog = show(qtbot, ConsentDialog(session, case.uuid, purpose=Purpose.INTERVIEW))
    assert dialog.child and dialog.assent is not None
    assert dialog.findChild(type(dialog.error), "consent_adult_now") is None
    referral = show(qtbot, ReferralDialog(session, case.uuid))
    referral.choose("child-protection")
    assert referral.make_button.isEnabled() and referral.child_notice.isVisible()
