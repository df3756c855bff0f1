"""Supervisor: who issues certificates on this computer - its organisation from the NRM
directory, whether a second officer confirms each certificate, which kinds of organisation
may issue, and the dates and numbers of the acts of the legal basis. On a device enrolled with
a coordinator the last three come from the coordinator."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idtool import directory, policy_options
from idtool.certificate import issuing_org
from idtool.errors import IdtoolError
from idtool.i18n import _, gettext
from ui.fields import error_label, show_error
from ui.legal_acts_box import LegalActsBox

if TYPE_CHECKING:
    from idtool.session import Session


class IssuingDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Certificate issuing"))
        self.resize(720, 680)
        intro = QLabel(
            _(
                "The certificate names the organisation this computer works for, "
                "from the NRM directory. Changes are recorded in the audit log."
            )
        )
        intro.setWordWrap(True)
        settings = issuing_org.settings(session)
        self.enrolled = settings.enrolled

        self.organisation = QComboBox()
        self.organisation.setObjectName("issuing_organisation")
        self.organisation.setAccessibleName(_("Organisation of this computer"))
        self.organisation.addItem(_("(not chosen)"), "")
        for org in directory.organisations(session):
            self.organisation.addItem(f"{org.title()} ({directory.type_label(org.type)})", org.id)
        body = settings.body
        self.organisation.setCurrentIndex(
            max(0, self.organisation.findData(body.id if body else ""))
        )
        self.organisation.activated.connect(self._organisation)

        options = settings.options
        self.four_eyes = QComboBox()
        self.four_eyes.setObjectName("issuing_four_eyes")
        self.four_eyes.setAccessibleName(_("A second officer confirms each certificate"))
        for mode in policy_options.FOUR_EYES:
            self.four_eyes.addItem(gettext(policy_options.FOUR_EYES_LABELS[mode]), mode)
        self.four_eyes.setCurrentIndex(self.four_eyes.findData(options.four_eyes))
        self.four_eyes.activated.connect(self._four_eyes)

        self.types = QListWidget()
        self.types.setObjectName("issuing_types")
        self.types.setAccessibleName(_("Kinds of organisation that may issue"))
        for code in directory.shipped().recipient_types:
            item = QListWidgetItem(directory.type_label(code))
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if code in options.issuing_types else Qt.CheckState.Unchecked
            )
            self.types.addItem(item)
        self.types.itemChanged.connect(self._types)
        self.note = QLabel(
            _(
                "This computer is enrolled with a coordinator: the coordinator "
                "decides these settings and its update packages bring them."
            )
            if self.enrolled
            else ""
        )
        self.note.setWordWrap(True)
        self.note.setVisible(self.enrolled)
        self.four_eyes.setEnabled(not self.enrolled)
        self.types.setEnabled(not self.enrolled)

        form = QFormLayout()
        org_label = QLabel(_("&Organisation of this computer:"))
        org_label.setBuddy(self.organisation)
        form.addRow(org_label, self.organisation)
        eyes_label = QLabel(_("A &second officer confirms each certificate:"))
        eyes_label.setBuddy(self.four_eyes)
        form.addRow(eyes_label, self.four_eyes)
        types_label = QLabel(_("&Kinds of organisation that may issue:"))
        types_label.setBuddy(self.types)
        self.error = error_label("issuing_error")
        self.status = QLabel()
        self.status.setObjectName("issuing_status")
        self.status.setWordWrap(True)
        self.acts = LegalActsBox(session, self.enrolled)
        self.acts.failed.connect(lambda message: show_error(self.error, message))
        self.acts.saved.connect(self._acts_saved)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(types_label)
        for w in (self.types, self.acts, self.note, self.status, self.error, buttons):
            layout.addWidget(w)
        self._show_status()
        self.organisation.setFocus()

    def _show_status(self) -> None:
        settings = issuing_org.settings(self.session)
        body = settings.body
        if body is None:
            text = _("No organisation is chosen: this computer cannot issue certificates.")
        elif settings.body_may_issue:
            text = _("{org} may issue certificates.").format(org=body.title())
        else:
            text = _(
                "{org} may not issue certificates: its kind of organisation is not allowed to."
            ).format(org=body.title())
        self.status.setText(text)

    def _run(self, change: Callable[[], object]) -> None:
        show_error(self.error, "")
        try:
            change()
        except IdtoolError as exc:
            show_error(self.error, exc.message)
        self._show_status()

    def _acts_saved(self, changed: bool) -> None:
        show_error(self.error, "")
        self._show_status()
        if changed:
            self.status.setText(self.status.text() + " " + _("The legal basis was saved."))

    def _organisation(self) -> None:
        org_id = str(self.organisation.currentData() or "")
        if org_id:
            self._run(lambda: issuing_org.set_organisation(self.session, org_id))

    def _four_eyes(self) -> None:
        mode = str(self.four_eyes.currentData())
        self._run(lambda: issuing_org.set_option(self.session, "four_eyes", mode))

    def _types(self, _item: QListWidgetItem) -> None:
        chosen = [
            str(self.types.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.types.count())
            if self.types.item(i).checkState() == Qt.CheckState.Checked
        ]
        self._run(lambda: issuing_org.set_option(self.session, "issuing_types", chosen))
