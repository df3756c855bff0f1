"""Tools > Verify a certificate, for a certificate signed with a key its device no longer uses
(an officer who could issue was removed and may have kept the key): the dialog answers NOT VALID
in red with the reason, as the command line does with exit status 14, instead of failing."""

from __future__ import annotations

from idtool import officers
from idtool.certificate import issuing
from idtool.certificate.verify import Status
from tests.support.issuing import forge
from tests.ui.drive import show, verify_now
from ui.documents.verify_dialog import VerifyDialog

OFFICER, OFFICER_PASS = "Полиция Кызматкери", "police-secret-99"


def test_a_certificate_signed_with_a_retired_key_is_shown_as_not_valid(qtbot, session, made_vault):
    vault, _ = made_vault
    officers.add_officer(session, OFFICER, "police", OFFICER_PASS)
    police = vault.unlock(OFFICER, OFFICER_PASS)
    _kid, kept = issuing.private_key(police)  # the officer keeps a copy of the issuing key
    police.close()
    officers.remove_officer(session, OFFICER)

    dialog = show(qtbot, VerifyDialog(session))
    dialog.code.setPlainText(forge(kept))
    result = verify_now(qtbot, dialog)
    assert result is not None and result.status is Status.ISSUER_REVOKED
    assert dialog.headline.text() == "NOT VALID"
    assert "#b00020" in dialog.result_box.styleSheet()
    assert "no longer uses" in dialog.detail.text() and dialog.result_box.isVisible()
