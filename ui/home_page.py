"""The unlocked workspace's start page: who is signed in and what their role may do."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QListWidget, QVBoxLayout, QWidget

from idtool import policy
from idtool.i18n import _
from idtool.session import Session


class HomePage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel(_("Welcome"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        role = QLabel(_("Your role: {role}").format(role=policy.role_label(session.officer.role)))
        role.setObjectName("home_role")
        allowed_title = QLabel(_("Your role may:"))
        self.allowed = QListWidget()
        self.allowed.setObjectName("allowed_actions")
        self.allowed.setAccessibleName(_("Actions your role may take"))
        table = policy.table(session.conn)
        for action in policy.Action:
            if session.officer.role in table[action]:
                self.allowed.addItem(policy.action_label(action))
        layout = QVBoxLayout(self)
        for w in (title, role, allowed_title, self.allowed):
            layout.addWidget(w)
