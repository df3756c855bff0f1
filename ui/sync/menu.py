"""The "Exchange" menu: each action only for the roles whose policy allows it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenuBar, QWidget

from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session


class ExchangeMenu:
    """Builds the menu into `bar` and keeps the running flows alive while they work."""

    def __init__(self, window: QMainWindow, session: Session, refresh: Callable[[], None]) -> None:
        self.window, self.session, self.refresh = window, session, refresh
        self.flow: object | None = None
        self.actions: dict[str, QAction] = {}

    def build(self, bar: QMenuBar) -> None:
        can = self.session.can
        supervisor = can(Action.TRUST_LIST)
        entries: list[tuple[str, str, bool, Callable[[], None]]] = [
            (
                "action_enrol_create",
                _("Create &enrolment file…"),
                supervisor,
                self._create_enrolment,
            ),
            ("action_enrol_approve", _("&Approve a device request…"), supervisor, self._approve),
            (
                "action_enrol_join",
                _("&Join a supervisor…"),
                not supervisor and can(Action.EXPORT_OWN_BUNDLE),
                self._join,
            ),
            (
                "action_export",
                _("E&xport cases…"),
                not supervisor and can(Action.EXPORT_OWN_BUNDLE),
                self._export,
            ),
            (
                "action_resend",
                _("Write &lost packages again…"),
                not supervisor and can(Action.EXPORT_OWN_BUNDLE),
                self._resend,
            ),
            (
                "action_import",
                _("&Import exchange packages…"),
                can(Action.IMPORT_CASE_BUNDLE) or can(Action.IMPORT_UPDATE_BUNDLE),
                self._import,
            ),
            (
                "action_send_updates",
                _("&Send updates to all devices…"),
                supervisor,
                self._send_updates,
            ),
            (
                "action_publish_questionnaire",
                _("&Publish a questionnaire…"),
                supervisor,
                self._publish,
            ),
            (
                "action_stats_report",
                _("Send statistics &report to the national coordinator…"),
                can(Action.STATISTICS),
                self._stats_report,
            ),
            ("action_national", _("&National figures…"), can(Action.STATISTICS), self._national),
            (
                "action_review",
                _("&Review conflicts and duplicates…"),
                can(Action.IMPORT_CASE_BUNDLE),
                self._review,
            ),
            (  # a post: the conflicts the coordinator's update caused (same dialog, one tab)
                "action_conflicts",
                _("Review &conflicts…"),
                can(Action.DECIDE_STATUS) and not can(Action.IMPORT_CASE_BUNDLE),
                self._review,
            ),
        ]
        exchanges = any(allowed for *_rest, allowed, _slot in entries)
        entries.append(("action_devices", _("&Devices…"), exchanges, self._devices))
        if not any(allowed for *_rest, allowed, _slot in entries):
            return
        menu = bar.addMenu(_("E&xchange"))
        menu.setObjectName("menu_exchange")
        for name, text, allowed, slot in entries:
            if not allowed:
                continue
            if (
                name
                in (
                    "action_export",
                    "action_send_updates",
                    "action_stats_report",
                    "action_review",
                    "action_conflicts",
                    "action_devices",
                )
                and not menu.isEmpty()
            ):
                menu.addSeparator()
            action = QAction(text, self.window)
            action.setObjectName(name)
            action.triggered.connect(slot)
            menu.addAction(action)
            self.actions[name] = action

    def _parent(self) -> QWidget:
        return self.window

    def _create_enrolment(self) -> None:
        from ui.sync.enrol_dialogs import CreateEnrolmentDialog

        CreateEnrolmentDialog(self.session, self._parent()).exec()

    def _join(self) -> None:
        from ui.sync.enrol_dialogs import JoinDialog

        JoinDialog(self.session, self._parent()).exec()

    def _approve(self) -> None:
        from ui.sync.enrol_dialogs import ApproveDialog

        ApproveDialog(self.session, self._parent()).exec()

    def _export(self) -> None:
        from ui.sync.write_flows import ExportFlow

        flow = ExportFlow(self.session, self._parent())
        if flow.start():
            self.flow = flow

    def _resend(self) -> None:
        from ui.sync.resend_dialog import ResendDialog

        dialog = ResendDialog(self.session, self._parent())
        dialog.exec()
        if dialog.flow is not None:
            self.flow = dialog.flow

    def _import(self) -> None:
        from ui.sync.import_flow import ImportFlow

        flow = ImportFlow(self.session, self._parent(), on_imported=self.refresh)
        if flow.start():
            self.flow = flow

    def _send_updates(self) -> None:
        from ui.sync.write_flows import SendUpdatesFlow

        flow = SendUpdatesFlow(self.session, self._parent())
        if flow.start():
            self.flow = flow

    def _publish(self) -> None:
        from ui.sync.publish import publish_questionnaire

        self.flow = publish_questionnaire(self.session, self._parent())

    def _stats_report(self) -> None:
        from ui.sync.national import StatsReportFlow

        flow = StatsReportFlow(self.session, self._parent())
        if flow.start():
            self.flow = flow

    def _national(self) -> None:
        from ui.sync.national import show_national

        self.flow = show_national(self.session, self._parent())

    def _devices(self) -> None:
        from ui.sync.devices_dialog import DevicesDialog

        DevicesDialog(self.session, self._parent()).exec()

    def _review(self) -> None:
        from ui.sync.conflicts_dialog import ConflictsDialog

        ConflictsDialog(self.session, self._parent()).exec()
