"""The backup's places in the main window: File > Back up… (unlocked), File > Restore…
(first run), Settings > Backup reminder, and the reminder in the status bar when the last
backup is older than the days set (idtool.backup.backup_due)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu

from idtool import settings as settings_mod
from idtool.i18n import _
from idtool.vault import Vault

if TYPE_CHECKING:
    from idtool.session import Session
    from ui.backup.create_flow import BackupFlow


def reminder_text(session: Session, days: int) -> str:
    """The status-bar line when a backup is due, else ""."""
    from idtool.backup import backup_due, last_backup

    due = backup_due(session, days)
    if due is None:
        return ""
    if last_backup(session) is None:
        return _("No backup made yet: File > Back up…")
    return _("Last backup {days} days ago: File > Back up…").format(days=due)


class BackupActions:
    """Owned by the main window: it gives the session, settings and the rebuild callback."""

    def __init__(self, window: QMainWindow, rebuild: Callable[[], None]) -> None:
        self.window = window
        self.rebuild = rebuild
        self.flow: BackupFlow | None = None
        self.reminder = QLabel()
        self.reminder.setObjectName("backup_reminder")
        self.reminder.setStyleSheet("color: #8a4b00; font-weight: bold;")
        self.reminder.hide()
        window.statusBar().addPermanentWidget(self.reminder)  # stays under messages

    def add_file_actions(self, menu: QMenu, session: Session | None, vault: Vault) -> None:
        if session is not None:
            action = QAction(_("Back &up…"), self.window)
            action.setObjectName("action_backup")
            action.triggered.connect(lambda: self.back_up(session))
            menu.addAction(action)
        elif not vault.exists():
            action = QAction(_("&Restore from a backup…"), self.window)
            action.setObjectName("action_restore")
            action.triggered.connect(lambda: self.restore(vault))
            menu.addAction(action)

    def add_settings(
        self,
        menu: QMenu,
        settings: settings_mod.Settings,
        save: Callable[[settings_mod.Settings], None],
    ) -> None:
        sub = menu.addMenu(_("&Backup reminder"))
        group = QActionGroup(self.window)
        for days in settings_mod.BACKUP_REMINDER_CHOICES:
            text = (
                _("Never")
                if days == 0
                else _("After {days} days without a backup").format(days=days)
            )
            action = QAction(text, self.window, checkable=True)
            action.setObjectName(f"backup_reminder_{days}")
            action.setChecked(days == settings.backup_reminder_days)
            action.triggered.connect(
                lambda _c=False, d=days: save(replace(settings, backup_reminder_days=d))
            )
            group.addAction(action)
            sub.addAction(action)

    def back_up(self, session: Session, folder: str | None = None) -> BackupFlow:
        from ui.backup.create_flow import BackupFlow

        self.flow = BackupFlow(session, self.window, lambda: self.update_reminder(session, 0))
        self.flow.start(folder)
        return self.flow

    def restore(self, vault: Vault, path: Path | None = None) -> None:
        from ui.backup.restore_dialog import RestoreDialog

        dialog = RestoreDialog(vault, self.window)
        if path is not None:
            dialog.set_file(path)
        dialog.accepted.connect(self.rebuild)
        dialog.open()
        self.dialog = dialog

    def update_reminder(self, session: Session | None, days: int) -> None:
        text = reminder_text(session, days) if session is not None else ""
        self.reminder.setText(text)
        self.reminder.setVisible(bool(text))
