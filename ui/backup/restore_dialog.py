"""File > Restore… (on the first-run page): bring a backup back into this computer's empty
data folder. The officer picks the file (its date is shown), opens it with their name and
passphrase or with the recovery code, and the restore runs off the GUI thread with progress
and Cancel. On success the dialog is accepted and the window shows the unlock page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from idtool import backup
from idtool.errors import IdtoolError
from idtool.i18n import _
from idtool.vault import Vault
from ui.fields import error_label, failure_text, line_edit, show_error
from ui.sync.common import default_folder
from ui.tasks import Task, TaskState, run_task


class RestoreDialog(QDialog):
    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restore_dialog")
        self.setWindowTitle(_("Restore from a backup"))
        self.vault = vault
        self.path: Path | None = None
        self.run: Task | None = None
        intro = QLabel(
            _(
                "Bring back the database of a backup file into this computer. Every case, "
                "officer, key and exchange state comes back as it was when the backup was made."
            )
        )
        intro.setWordWrap(True)
        self.file = line_edit(_("Backup file"), object_name="restore_file")
        self.file.setReadOnly(True)
        choose = QPushButton(_("Choose…"))
        choose.setObjectName("restore_choose")
        choose.clicked.connect(self._choose)
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(choose)
        self.made = QLabel()
        self.made.setObjectName("restore_made")
        self.by_passphrase = QRadioButton(_("Open with an officer's passphrase"))
        self.by_passphrase.setObjectName("restore_by_passphrase")
        self.by_code = QRadioButton(_("Open with the recovery code"))
        self.by_code.setObjectName("restore_by_code")
        self.by_passphrase.setChecked(True)
        self.name = line_edit(_("Officer name"), object_name="restore_name")
        self.passphrase = line_edit(_("Passphrase"), secret=True, object_name="restore_pass")
        self.code = line_edit(_("Recovery code"), secret=True, object_name="restore_code")
        form = QFormLayout()
        form.addRow(_("Backup file:"), row)
        form.addRow("", self.made)
        form.addRow(self.by_passphrase)
        form.addRow(_("Officer name:"), self.name)
        form.addRow(_("Passphrase:"), self.passphrase)
        form.addRow(self.by_code)
        form.addRow(_("Recovery code:"), self.code)
        self.by_code.toggled.connect(self._mode)
        self.error = error_label("restore_error")
        show_error(self.error, "")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore = buttons.addButton(_("Restore"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore.setObjectName("restore_button")
        self.restore.setEnabled(False)
        buttons.accepted.connect(self._restore)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._mode()

    def _mode(self) -> None:
        by_code = self.by_code.isChecked()
        self.name.setEnabled(not by_code)
        self.passphrase.setEnabled(not by_code)
        self.code.setEnabled(by_code)

    def _choose(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the backup file"), default_folder(), f"*{backup.SUFFIX}"
        )
        if name:
            self.set_file(Path(name))

    def set_file(self, path: Path) -> None:
        """The chosen file: its date is shown, or why it is not a backup."""
        self.path = None
        self.file.setText(str(path))
        self.made.clear()
        try:
            info = backup.read_info(path)
        except IdtoolError as exc:
            show_error(self.error, exc.message)
            self.restore.setEnabled(False)
            return
        show_error(self.error, "")
        self.path = path
        self.made.setText(_("Made on {date}.").format(date=info.created[:16].replace("T", " ")))
        self.restore.setEnabled(True)

    def _restore(self) -> None:
        if self.path is None or not self.restore.isEnabled():
            return
        path, folder = self.path, self.vault.folder
        code = self.code.text() if self.by_code.isChecked() else ""
        name = "" if code else self.name.text()
        secret = "" if code else self.passphrase.text()
        show_error(self.error, "")
        self.restore.setEnabled(False)

        def work(state: TaskState) -> backup.RestoreResult:
            return backup.restore_backup(
                path,
                folder,
                officer=name,
                passphrase=secret,
                recovery_code=code,
                progress=state.progress,
                cancelled=state.cancelled,
            )

        self.run = run_task(
            work,
            self._done,
            self._failed,
            owner=self,
            progress=_("Restoring the backup…"),
            title=_("Restore from a backup"),
            name="restore",
        )

    def _done(self, _result: backup.RestoreResult) -> None:
        self.passphrase.clear()
        self.code.clear()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.restore.setEnabled(True)
        show_error(self.error, failure_text(exc, _("The backup could not be restored.")))
        self.passphrase.selectAll()
