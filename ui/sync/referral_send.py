"""Send a referral as an encrypted exchange package to a device of the organisation it is
referred to: pick that organisation's device, the folder (the USB stick), write it off the GUI
thread with progress; a refusal (no consent, no device) is one line for the officer."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from idtool import referrals
from idtool.errors import NotPermitted
from idtool.i18n import _
from idtool.session import Session
from idtool.sync import devices
from idtool.sync.devices import Device
from idtool.sync.referral_out import export_referral
from ui.fields import failure_text
from ui.sync.common import default_folder
from ui.tasks import Task, TaskState, run_task


def device_choice(device: Device) -> str:
    return _("{label} (fingerprint {fingerprint})").format(
        label=device.label, fingerprint=device.fingerprint
    )


class ReferralSendFlow:
    """One sending: `on_done(path)` or `on_error(line)` on the GUI thread."""

    def __init__(
        self,
        session: Session,
        parent: QWidget,
        ref: referrals.Referral,
        org_title: str,
        on_done: Callable[[Path], None],
        on_error: Callable[[str], None],
    ) -> None:
        self.session, self.parent, self.ref, self.org_title = session, parent, ref, org_title
        self.on_done, self.on_error = on_done, on_error
        self.run: Task | None = None
        self.result: Path | None = None
        self.error = ""

    def start(self) -> bool:
        """Ask what is needed and start writing; False if nothing was started."""
        session, ref = self.session, self.ref
        try:
            found = devices.recipients(session, ref.recipient_id)
        except NotPermitted as exc:
            self._fail(failure_text(exc))
            return False
        if not found:
            self._fail(
                _(
                    "No device of {org} is enrolled for exchange packages: the supervisor "
                    "must enrol it and set its organisation in Exchange > Devices, then "
                    "send updates. Meanwhile save the packet instead."
                ).format(org=self.org_title)
            )
            return False
        if not referrals.preview(session, ref.case_uuid, ref.recipient_id).allowed:
            # The core refuses (and audits the refusal) before anything is written; the folder
            # named cannot exist, so nothing could be written even if it did not refuse.
            try:
                export_referral(
                    session, ref.case_uuid, ref.recipient_id, None, Path(os.devnull) / "refused"
                )
            except NotPermitted as exc:
                self._fail(failure_text(exc))
                return False
            except Exception as exc:  # the one-line reason, never a traceback
                self._fail(failure_text(exc))
                return False
        device = found[0]
        if len(found) > 1:
            labels = [device_choice(d) for d in found]
            chosen, ok = QInputDialog.getItem(
                self.parent,
                _("Send to the organisation's device"),
                _("Which device of {org} should receive the referral?").format(org=self.org_title),
                labels,
                0,
                False,
            )
            if not ok:
                return False
            device = found[labels.index(chosen)]
        folder = QFileDialog.getExistingDirectory(
            self.parent,
            _("Choose the folder for the referral package (for example the USB stick)"),
            default_folder(),
        )
        if not folder:
            return False

        def work(worker: Session, state: TaskState) -> Path:
            return export_referral(
                worker,
                ref.case_uuid,
                ref.recipient_id,
                device.device_id,
                folder,
                services=ref.services,
                urgency=ref.urgency,
                progress=state.progress,
                cancelled=state.cancelled,
            )

        self.run = run_task(
            work,
            self._done,
            lambda exc: self._fail(failure_text(exc)),
            session=session,
            owner=self.parent,
            progress=_("Writing the referral package…"),
            title=_("Exchange packages"),
            name="exchange",
        )
        return True

    def _done(self, path: Path) -> None:
        self.result = path
        self.on_done(path)

    def _fail(self, line: str) -> None:
        self.error = line
        self.on_error(line)
