"""Supervisor: the date and number of each act of the certificate's legal basis that the shipped
data does not know (policy option `legal_acts`). On a device enrolled with a coordinator the
coordinator's update sets them; the box then only shows them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from idtool import legal_acts
from idtool.certificate import issuing_org
from idtool.errors import IdtoolError
from idtool.i18n import _, current_language

if TYPE_CHECKING:
    from idtool.session import Session


class LegalActsBox(QGroupBox):
    """One row per act: its title, the date (YYYY-MM-DD) and the number, and a save button."""

    failed = Signal(str)
    saved = Signal(bool)  # whether anything changed

    def __init__(self, session: Session, enrolled: bool, parent: QWidget | None = None) -> None:
        super().__init__(_("Legal basis printed on the certificate"), parent)
        self.setObjectName("legal_acts")
        self.session = session
        set_here = {d.act: d for d in issuing_org.settings(session).options.legal_acts}
        grid = QGridLayout(self)
        grid.addWidget(QLabel(_("Act")), 0, 0)
        grid.addWidget(QLabel(_("Date (YYYY-MM-DD)")), 0, 1)
        grid.addWidget(QLabel(_("Number")), 0, 2)
        self.rows: dict[str, tuple[QLineEdit, QLineEdit]] = {}
        lang = current_language()
        for i, act in enumerate(legal_acts.acts(), 1):
            title = QLabel(act.title.get(lang) or act.title["en"])
            title.setWordWrap(True)
            mine = set_here.get(act.id, legal_acts.Details(act.id))
            date, number = QLineEdit(mine.date), QLineEdit(mine.number)
            date.setPlaceholderText(act.date)
            number.setPlaceholderText(act.number)
            date.setObjectName(f"legal_act_date_{act.id}")
            number.setObjectName(f"legal_act_number_{act.id}")
            date.setAccessibleName(_("Date of the act"))
            number.setAccessibleName(_("Number of the act"))
            for field in (date, number):
                field.setEnabled(not enrolled)
            grid.addWidget(title, i, 0)
            grid.addWidget(date, i, 1)
            grid.addWidget(number, i, 2)
            self.rows[act.id] = (date, number)
        grid.setColumnStretch(0, 1)
        note = QLabel(
            _(
                "Fill in only what the text of the act says; an empty field prints the "
                "act's name without it. Changes are recorded in the audit log."
            )
        )
        note.setWordWrap(True)
        self.save_button = QPushButton(_("Save the &legal basis"))
        self.save_button.setObjectName("legal_acts_save")
        self.save_button.setEnabled(not enrolled)
        self.save_button.clicked.connect(self.save)
        grid.addWidget(note, len(self.rows) + 1, 0, 1, 2)
        grid.addWidget(self.save_button, len(self.rows) + 1, 2)

    def save(self) -> None:
        value = {
            act: {"date": date.text().strip(), "number": number.text().strip()}
            for act, (date, number) in self.rows.items()
        }
        try:
            changed = issuing_org.set_option(self.session, "legal_acts", value)
        except IdtoolError as exc:
            self.failed.emit(exc.message)
            return
        self.saved.emit(changed)
