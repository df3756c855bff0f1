"""File > Back up…: choose a folder, write the backup off the GUI thread behind a progress
dialog with Cancel, then say which file was written (or why not)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from idtool import backup
from idtool.i18n import _
from idtool.session import Session
from ui.fields import failure_text
from ui.sync.common import default_folder, notify
from ui.tasks import Task, TaskState, run_task


class BackupFlow:
    """`start()` asks for the folder and starts the write; `on_written` runs after a backup."""

    def __init__(
        self, session: Session, parent: QWidget, on_written: Callable[[], None] | None = None
    ) -> None:
        self.session, self.parent, self.on_written = session, parent, on_written
        self.run: Task | None = None
        self.result: Path | None = None
        self.error = ""
        self.message: QMessageBox | None = None

    def start(self, folder: str | None = None) -> bool:
        if folder is None:
            folder = QFileDialog.getExistingDirectory(
                self.parent,
                _("Choose the folder for the backup (for example a USB stick kept locked away)"),
                default_folder(),
            )
        if not folder:
            return False
        chosen = folder
        for_coordinator = backup.coordinator_known(self.session) and (
            QMessageBox.question(
                self.parent,
                _("Back up"),
                _(
                    "Let the coordinator open this backup too? Then, if this computer and every "
                    "passphrase and the recovery code are lost, the coordinator can bring the "
                    "cases back. Say no if the backup should stay with this post alone."
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            == QMessageBox.StandardButton.Yes
        )
        self.run = run_task(
            lambda worker, state: self._write(worker, chosen, state, for_coordinator),
            self._done,
            self._failed,
            session=self.session,
            owner=self.parent,
            progress=_("Writing the backup…"),
            title=_("Back up"),
            name="backup",
        )
        return True

    @staticmethod
    def _write(session: Session, folder: str, state: TaskState, for_coordinator: bool) -> Path:
        return backup.create_backup(
            session, folder, state.progress, state.cancelled, to_coordinator=for_coordinator
        ).path

    def _done(self, path: Path) -> None:
        self.result = path
        self.message = notify(
            self.parent,
            _("Back up"),
            _(
                "The backup {name} was written to the folder {folder}. It is encrypted: "
                "an officer's passphrase or the recovery code opens it. Keep it away from "
                "this computer."
            ).format(name=path.name, folder=str(path.parent)),
            object_name="backup_message",
        )
        if self.on_written is not None:
            self.on_written()

    def _failed(self, exc: BaseException) -> None:
        self.error = failure_text(exc)
        self.message = notify(
            self.parent,
            _("Back up"),
            _("The backup was not written: {reason}").format(reason=self.error),
            warning=True,
            object_name="backup_message",
        )
