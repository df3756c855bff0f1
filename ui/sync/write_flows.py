"""Write a package to a folder (the USB stick) off the GUI thread, behind a progress dialog with
Cancel: a case package (export), lost packages again (a catch-up package), the coordinator's
updates, and a key-change package."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QMessageBox,
    QWidget,
)

from idtool.errors import BundleError, NotPermitted
from idtool.i18n import _
from idtool.session import Session
from idtool.sync import export, updates
from ui.fields import failure_text
from ui.sync.common import default_folder, notify
from ui.tasks import Task, TaskState, run_task


class WriteFlow:
    """Choose a folder, write one package there off the GUI thread with progress and cancel,
    then say which file was written (or why not). Subclasses give the words and `write`."""

    def __init__(self, session: Session, parent: QWidget) -> None:
        self.session, self.parent = session, parent
        self.run: Task | None = None
        self.result: Path | None = None
        self.error = ""
        self.message: QMessageBox | None = None
        self.title = self.folder_prompt = self.busy_text = ""
        self.done_text = ""  # with {name} and {folder}
        self.failed_text = ""  # with {reason}

    def write(self, session: Session, folder: str, state: TaskState) -> Path:
        raise NotImplementedError

    def start(self) -> bool:
        folder = QFileDialog.getExistingDirectory(self.parent, self.folder_prompt, default_folder())
        if not folder:
            return False
        self.run = run_task(
            lambda worker, state: self.write(worker, folder, state),
            self._done,
            self._failed,
            session=self.session,
            owner=self.parent,
            progress=self.busy_text,
            title=_("Exchange packages"),
            name="exchange",
        )
        return True

    def _done(self, path: Path) -> None:
        self.result = path
        self.message = notify(
            self.parent, self.title, self.done_text.format(name=path.name, folder=str(path.parent))
        )

    def _failed(self, exc: BaseException) -> None:
        self.error = failure_text(exc)
        self.message = notify(
            self.parent, self.title, self.failed_text.format(reason=self.error), warning=True
        )


class ExportFlow(WriteFlow):
    """Device: choose the folder, warn if nothing changed, write the bundle, name the file."""

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(session, parent)
        self.title = _("Export cases")
        self.folder_prompt = _(
            "Choose the folder for the exchange package (for example the USB stick)"
        )
        self.busy_text = _("Writing the exchange package…")
        self.done_text = _(
            "The exchange package {name} was written to the folder {folder}. "
            "Take it to the supervisor."
        )
        self.failed_text = _("The exchange package was not written: {reason}")

    def start(self) -> bool:
        try:
            pending = export.pending_changes(self.session)
        except NotPermitted as exc:
            self._failed(exc)
            return False
        except BundleError as exc:
            if exc.reason != "not_enrolled":
                raise
            self.error = _(
                "This computer has not joined a supervisor yet, so there is nobody to send "
                "cases to. First join one: Exchange > Join a supervisor…, with the enrolment "
                "file your supervisor gives you."
            )
            self.message = notify(self.parent, self.title, self.error, warning=True)
            return False
        if pending == 0:
            answer = QMessageBox.question(
                self.parent,
                self.title,
                _("Nothing has changed since the last export. Write an exchange package anyway?"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        return super().start()

    def write(self, session: Session, folder: str, state: TaskState) -> Path:
        return export.export_cases(session, folder, state.progress, state.cancelled)


class ResendFlow(WriteFlow):
    """Device: write the lost packages again from `resend_from` (a catch-up package with the
    next sequence number), after the folder is chosen; same progress and cancel as export."""

    def __init__(self, session: Session, parent: QWidget, resend_from: int) -> None:
        super().__init__(session, parent)
        self.resend_from = resend_from
        self.title = _("Write lost packages again")
        self.folder_prompt = _(
            "Choose the folder for the exchange package (for example the USB stick)"
        )
        self.busy_text = _("Writing the exchange package…")
        self.done_text = _(
            "The exchange package {name} was written to the folder {folder}. "
            "It carries again everything from package {first} on. Take it to "
            "the supervisor."
        ).replace("{first}", str(resend_from))
        self.failed_text = _("The exchange package was not written: {reason}")

    def write(self, session: Session, folder: str, state: TaskState) -> Path:
        return export.export_cases(
            session, folder, state.progress, state.cancelled, resend_from=self.resend_from
        )


class SendUpdatesFlow(WriteFlow):
    """Supervisor: one update package (directory, policy, questionnaires, trust list with the
    devices' organisations) for every trusted device."""

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(session, parent)
        self.title = _("Send updates to all devices")
        self.folder_prompt = _(
            "Choose the folder for the update package (for example the USB stick)"
        )
        self.busy_text = _("Writing the update package…")
        self.done_text = _(
            "The update package {name} was written to the folder {folder}. "
            "Import it on each device."
        )
        self.failed_text = _("The update package was not written: {reason}")

    def write(self, session: Session, folder: str, state: TaskState) -> Path:
        # The shared update, and each device's own where the coordinator changed its cases.
        shared, _own = updates.export_updates(session, folder, state.progress, state.cancelled)
        return shared


class KeyChangeFlow(WriteFlow):
    """Coordinator: make new keys (with `rotate`) and write the key-change package, signed with
    the old key, for every trusted device; or write that package again for a device that
    missed it."""

    def __init__(self, session: Session, parent: QWidget, rotate: bool) -> None:
        super().__init__(session, parent)
        self.rotate = rotate
        self.title = (
            _("Change the coordinator's keys")
            if rotate
            else _("Write the key-change package again")
        )
        self.folder_prompt = _(
            "Choose the folder for the key-change package (for example the USB stick)"
        )
        self.busy_text = _("Writing the key-change package…")
        self.done_text = _(
            "The key-change package {name} was written to the folder {folder}. "
            "Import it on every device as soon as possible: until a device has "
            "it, a copy of the old keys can still sign updates it accepts."
        )
        self.failed_text = _("The key-change package was not written: {reason}")

    def write(self, session: Session, folder: str, state: TaskState) -> Path:
        from idtool.sync import keychange

        if self.rotate:
            keychange.rotate(session)
            self.rotate = False  # done: a retry only writes the package again
        return keychange.write_key_change(session, folder, state.progress, state.cancelled)
