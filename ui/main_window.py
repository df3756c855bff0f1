"""The main window: set-up, unlock and the workspace on one stack; menus; lock and idle lock.

Locking closes the session and destroys every workspace widget, so nothing that was on screen
survives behind the unlock page. The window title is fixed text, never personal data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from idtool import settings as settings_mod
from idtool.i18n import LANGUAGE_NAMES, LANGUAGES, _, set_language
from idtool.vault import Vault
from ui import place as places
from ui.help.menu import build_help_menu, set_titles, show_help
from ui.idle import InactivityTimer
from ui.quickhide import QuickHide
from ui.report_menu import add_report_actions
from ui.tasks import cancel_all
from ui.unlock_page import UnlockPage

if TYPE_CHECKING:
    from idtool.session import Session


class MainWindow(QMainWindow):
    def __init__(
        self,
        vault: Vault,
        settings: settings_mod.Settings,
        config_dir: Path | None = None,
        lock_timeout_ms: int | None = None,
        demo: bool = False,
    ) -> None:
        super().__init__()
        self.vault = vault
        self.settings = settings
        self.config_dir = config_dir
        self.session: Session | None = None
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.status_officer = QLabel()
        self.status_officer.setObjectName("status_officer")
        self.statusBar().addPermanentWidget(self.status_officer)
        self.idle = InactivityTimer(lock_timeout_ms or settings.lock_minutes * 60_000, self)
        self.idle.inactive.connect(self.lock)
        from ui import qt_strings

        qt_strings.install()  # Qt's own buttons (OK, Cancel, Close...) in our languages
        from ui import file_dialogs

        file_dialogs.install()  # Qt's file dialog, its buttons labelled in our words
        self.quick_hide = QuickHide(self)
        self.quick_hide.triggered.connect(self.lock)
        self.demo = demo
        # A line for the unlock page; a callable is asked again in each language.
        self.unlock_hint: str | Callable[[], str] = ""
        from ui.backup.menu import BackupActions

        self.backup = BackupActions(self, self._rebuild)
        self.locked_place = places.Place()  # where the officer was when the window locked
        self.resize(1120, 760)
        self._rebuild()

    # -- state -------------------------------------------------------------------------------
    @property
    def is_unlocked(self) -> bool:
        return self.session is not None

    def _rebuild(self, keep: places.Place | None = None) -> None:
        """(Re)create the menus and the page for the current state, in the current language;
        with `keep`, show that place again (see ui.place)."""
        set_titles(self, self.demo)
        while self.stack.count():
            widget = self.stack.widget(0)
            self.stack.removeWidget(widget)
            widget.deleteLater()
        page: QWidget
        if self.session is not None:
            from idtool import policy
            from ui.workspace import Workspace

            page = Workspace(self.session, demo=self.demo)
            officer = self.session.officer
            self.status_officer.setText(
                _("{name} - {role}").format(name=officer.name, role=policy.role_label(officer.role))
            )
        elif not self.vault.exists() or (keep is not None and keep.setup_pending):
            from ui.setup_page import SetupPage  # needed once per installation

            setup = SetupPage(self.vault)
            setup.finished.connect(self._on_unlocked)
            setup.restore_requested.connect(lambda: self.backup.restore(self.vault))
            page = setup
            self.status_officer.clear()
        else:
            hint = self.unlock_hint() if callable(self.unlock_hint) else self.unlock_hint
            unlock = UnlockPage(self.vault, hint=hint)
            unlock.unlocked.connect(self._on_unlocked)
            page = unlock
            self.status_officer.clear()
        self.page = page
        self.backup.update_reminder(self.session, self.settings.backup_reminder_days)
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        self._build_menus()
        if isinstance(page, UnlockPage):
            page.reset()
        elif hasattr(page, "name"):
            page.name.setFocus()
        if keep is not None:
            places.restore(page, keep, self._officer_id())

    def _officer_id(self) -> str:
        return self.session.officer.uuid if self.session is not None else ""

    def refresh_workspace(self) -> None:
        """Re-read what the workspace shows (e.g. after demo cases were added)."""
        refresh = getattr(self.page, "refresh", None)
        if self.session is not None and callable(refresh):
            refresh()

    def start_unlocked(self, session: Session) -> None:
        """Show the workspace for a session opened elsewhere (demo mode)."""
        self._on_unlocked(session)

    def _on_unlocked(self, session: Session) -> None:
        self.session = session
        self.idle.activate()
        self.quick_hide.activate()
        keep, self.locked_place = self.locked_place, places.Place()
        self._rebuild(keep)
        self.statusBar().showMessage(_("Unlocked."), 4000)
        from ui.audit_warning import show_audit_warning

        self.audit_warning = show_audit_warning(self, session)

    def lock(self) -> None:
        """Close the session and show the empty unlock page at once."""
        if self.session is None:
            return
        for dialog in self.findChildren(QWidget):
            if dialog.isWindow() and dialog is not self:
                dialog.close()
        self.idle.deactivate()
        self.quick_hide.deactivate()
        save = getattr(self.page, "save_pending", None)
        if callable(save):
            save()  # the last half-typed answer is kept, then everything on screen goes
        self.locked_place = places.capture(self.page, self._officer_id())
        session, self.session = self.session, None
        self.statusBar().clearMessage()
        self._rebuild()  # nothing of the case stays on screen from here on
        # Background work has its own connections: it is asked to stop, never waited for, and
        # what it delivers later is dropped (ui.tasks).
        cancel_all()
        session.close()
        self.statusBar().showMessage(_("Locked."), 4000)

    # -- menus -------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.clear()
        file_menu = bar.addMenu(_("&File"))
        if self.session is not None:
            lock = QAction(_("&Lock"), self)
            lock.setShortcuts([QKeySequence("Ctrl+L")])  # list form: cheaper overload resolution
            lock.setObjectName("action_lock")
            lock.triggered.connect(self.lock)
            file_menu.addAction(lock)
            self.lock_action = lock
            passwd = QAction(_("Change &passphrase…"), self)
            passwd.triggered.connect(self._change_passphrase)
            file_menu.addAction(passwd)
        self.backup.add_file_actions(file_menu, self.session, self.vault)
        if not file_menu.isEmpty():
            file_menu.addSeparator()
        quit_action = QAction(_("&Quit"), self)
        quit_action.setShortcuts([QKeySequence("Ctrl+Q")])  # list form: cheaper overload resolution
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        if self.session is not None and self.session.can(self._manage_officers_action()):
            admin = bar.addMenu(_("&Administration"))
            manage = QAction(_("&Officers…"), self)
            manage.setObjectName("action_officers")
            manage.triggered.connect(self._officers)
            admin.addAction(manage)
            permissions = QAction(_("Role &permissions…"), self)
            permissions.setObjectName("action_policy")
            permissions.triggered.connect(self._policy)
            admin.addAction(permissions)
            issuing = QAction(_("Certificate &issuing…"), self)
            issuing.setObjectName("action_issuing")
            issuing.triggered.connect(self._issuing)
            admin.addAction(issuing)

        if self.session is not None and self.session.can(self._review_action()):
            menu = (
                bar.addMenu(_("&Review"))
                if not self.session.can(self._manage_officers_action())
                else admin
            )
            queue = QAction(_("Review &queue…"), self)
            queue.setObjectName("action_review_queue")
            queue.triggered.connect(self._review_queue)
            menu.addAction(queue)

        if self.session is not None and self.session.can(self._statistics_action()):
            if self.session.can(self._manage_officers_action()):
                stats_menu = admin
            elif self.session.can(self._review_action()):
                stats_menu = menu
            else:
                stats_menu = bar.addMenu(_("&Review"))
            statistics = QAction(_("&Statistics…"), self)
            statistics.setObjectName("action_statistics")
            statistics.triggered.connect(self._statistics)
            stats_menu.addAction(statistics)
            add_report_actions(self, stats_menu, self.session)

        if self.session is not None:
            tools = bar.addMenu(_("&Tools"))
            verify = QAction(_("&Verify certificate…"), self)
            verify.setObjectName("action_verify_certificate")
            verify.triggered.connect(self._verify_certificate)
            tools.addAction(verify)
            nrm = QAction(_("&NRM directory…"), self)
            nrm.setObjectName("action_directory")
            nrm.triggered.connect(self._directory)
            tools.addAction(nrm)
            from ui.retention_dialog import add_action

            add_action(self, tools, self.session, self.refresh_workspace)

        if self.session is not None:
            from ui.sync.menu import ExchangeMenu

            self.exchange_menu = ExchangeMenu(self, self.session, self.refresh_workspace)
            self.exchange_menu.build(bar)

        settings_menu = bar.addMenu(_("&Settings"))
        lang_menu = settings_menu.addMenu(_("&Language"))
        group = QActionGroup(self)
        for code in LANGUAGES:
            action = QAction(LANGUAGE_NAMES[code], self, checkable=True)
            action.setObjectName(f"lang_{code}")
            action.setChecked(code == self.settings.language)
            action.triggered.connect(lambda _checked=False, c=code: self.set_language(c))
            group.addAction(action)
            lang_menu.addAction(action)
        lock_menu = settings_menu.addMenu(_("Lock &after"))
        lock_group = QActionGroup(self)
        for minutes in settings_mod.LOCK_MINUTES_CHOICES:
            action = QAction(
                _("{minutes} min without use").format(minutes=minutes), self, checkable=True
            )
            action.setChecked(minutes == self.settings.lock_minutes)
            action.triggered.connect(lambda _c=False, m=minutes: self.set_lock_minutes(m))
            lock_group.addAction(action)
            lock_menu.addAction(action)
        self.backup.add_settings(settings_menu, self.settings, self._save_settings)

        if self.session is not None and self.session.can(self._manage_officers_action()):
            org = QAction(_("&Organisation of this computer…"), self)
            org.setObjectName("action_organisation")
            org.triggered.connect(self._issuing)
            settings_menu.addAction(org)

        self.guide_action = build_help_menu(self, bar)

    @staticmethod
    def _manage_officers_action() -> object:
        from idtool.policy import Action

        return Action.MANAGE_OFFICERS

    # -- settings ----------------------------------------------------------------------------
    def set_language(self, code: str) -> None:
        if code not in LANGUAGES:
            return
        self._save_settings(replace(self.settings, language=code))
        save = getattr(self.page, "save_pending", None)
        if callable(save):
            save()  # an answer being typed is stored before its page is built again
        keep = places.capture(self.page, self._officer_id())
        set_language(code)
        self._rebuild(keep)

    def set_lock_minutes(self, minutes: int) -> None:
        self._save_settings(replace(self.settings, lock_minutes=minutes))
        self.idle.set_timeout(minutes * 60_000)

    def _save_settings(self, settings: settings_mod.Settings) -> None:
        self.settings = settings
        settings_mod.save(settings, self.config_dir)
        self.backup.update_reminder(self.session, settings.backup_reminder_days)

    # -- dialogs -----------------------------------------------------------------------------
    def _officers(self) -> None:
        from ui.officers_dialog import OfficersDialog  # loaded when first needed

        if self.session is not None:
            OfficersDialog(self.session, self).exec()

    @staticmethod
    def _review_action() -> object:
        from idtool.policy import Action

        return Action.REVIEW_QUEUE

    def _review_queue(self) -> None:
        from ui.oversight_dialog import OversightDialog

        if self.session is None:
            return
        workspace = self.page

        def open_case(case_uuid: str) -> None:
            show = getattr(workspace, "show_case", None)
            if callable(show):
                show(case_uuid)

        OversightDialog(self.session, open_case, self).exec()

    @staticmethod
    def _statistics_action() -> object:
        from idtool.policy import Action

        return Action.STATISTICS

    def _statistics(self) -> None:
        from ui.stats.dialog import StatsDialog

        if self.session is not None:
            StatsDialog(self.session, self, demo=self.demo).exec()

    def _policy(self) -> None:
        from ui.policy_dialog import PolicyDialog

        if self.session is not None:
            PolicyDialog(self.session, self).exec()

    def _issuing(self) -> None:
        from ui.issuing_dialog import IssuingDialog

        if self.session is not None:
            IssuingDialog(self.session, self).exec()

    def _verify_certificate(self) -> None:
        from ui.documents.verify_dialog import VerifyDialog

        if self.session is not None:
            VerifyDialog(self.session, self).exec()

    def _directory(self) -> None:
        from ui.documents.directory_dialog import DirectoryDialog  # read-only unless supervisor

        if self.session is not None:
            DirectoryDialog(self.session, self).exec()

    def _change_passphrase(self) -> None:
        from ui.officers_dialog import ChangePassphraseDialog

        if self.session is not None and ChangePassphraseDialog(self.session, self).exec():
            self.statusBar().showMessage(_("Passphrase changed."), 4000)

    def show_help(self) -> None:
        show_help(self)

    def closeEvent(self, event) -> None:
        cancel_all()
        if self.session is not None:
            self.session.close()
            self.session = None
        self.idle.deactivate()
        self.quick_hide.deactivate()
        super().closeEvent(event)
