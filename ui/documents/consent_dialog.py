"""Record what the person decided for one purpose, and what they were told.

Consent is "given" only when the person was told all four points (purpose, use, retention,
withdrawal). For a child - under 18 now, or possibly so (`idtool.ages`) - the child's assent
and the guardian's or child protection's involvement are recorded as well. A person who was a
child at the time of exploitation but is an adult now decides alone, like any adult.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from idtool import ages, consent, directory
from idtool.consent import Purpose, State
from idtool.i18n import N_, _, gettext
from idtool.session import Session
from ui.fields import error_label, failure_text, line_edit, show_error

# Stored as text in the officer's language: the packet prints what was recorded.
CHILD_ASSENT = (
    N_("The child agrees"),
    N_("The child does not agree"),
    N_("The child cannot express a view (age or condition)"),
)
PURPOSE_CHOICES = {
    Purpose.INTERVIEW: N_("The interview"),
    Purpose.REFERRAL: N_("Referral to an organisation of the NRM directory"),
    Purpose.LAW_ENFORCEMENT: N_("Sharing with law enforcement"),
    Purpose.STATISTICS: N_("Anonymous statistics"),
}


def organisation_titles(session: Session) -> dict[str, str]:
    """Directory id -> name in the UI language (inactive entries included, for history)."""
    return {o.id: o.title() for o in directory.organisations(session, include_inactive=True)}


class ConsentDialog(QDialog):
    def __init__(
        self,
        session: Session,
        case_uuid: str,
        parent: QWidget | None = None,
        *,
        purpose: Purpose | None = None,
        recipient_id: str = "",
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.case_uuid = case_uuid
        self.recorded: consent.ConsentRecord | None = None
        evidence = ages.evidence(session, case_uuid)
        self.child = ages.is_child_now(evidence)
        self.setWindowTitle(_("Record consent"))

        self.purpose = QComboBox()
        self.purpose.setObjectName("consent_purpose")
        self.purpose.setAccessibleName(_("Purpose"))
        for value, label in PURPOSE_CHOICES.items():
            self.purpose.addItem(gettext(label), value.value)
        self.recipient = QComboBox()
        self.recipient.setObjectName("consent_recipient")
        self.recipient.setAccessibleName(_("Recipient"))
        for org in sorted(directory.organisations(session), key=lambda o: o.title().lower()):
            self.recipient.addItem(org.title(), org.id)
        form = QFormLayout()
        form.addRow(_("&Purpose:"), self.purpose)
        form.addRow(_("&Recipient:"), self.recipient)

        told_box = QGroupBox(_("The person was told"))
        told_layout = QVBoxLayout(told_box)
        self.told = {}
        for item in consent.TOLD:
            box = QCheckBox(gettext(consent.TOLD_LABELS[item]))
            box.setObjectName(f"consent_told_{item}")
            self.told[item] = box
            told_layout.addWidget(box)
        note = QLabel(_("All four are required for consent to be given."))
        note.setWordWrap(True)
        told_layout.addWidget(note)

        state_box = QGroupBox(_("The person's decision"))
        state_layout = QHBoxLayout(state_box)
        self.states = QButtonGroup(self)
        self.state_buttons: dict[State, QRadioButton] = {}
        for state in State:
            radio = QRadioButton(consent.state_label(state))
            radio.setObjectName(f"consent_state_{state.value}")
            self.states.addButton(radio)
            self.state_buttons[state] = radio
            state_layout.addWidget(radio)
        state_layout.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(told_box)
        layout.addWidget(state_box)
        self.assent: QComboBox | None = None
        self.guardian: QLineEdit | None = None
        if self.child:
            layout.addWidget(self._child_box())
        elif evidence.child_then:
            adult = QLabel(
                _(
                    "The person was a child at the time of exploitation but is an adult now: "
                    "they decide for themselves, like any adult. Nothing goes to child "
                    "protection without their consent."
                )
            )
            adult.setObjectName("consent_adult_now")
            adult.setWordWrap(True)
            layout.addWidget(adult)
        self.error = error_label("consent_error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton(
            _("Record &consent"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("consent_ok")
        self.buttons.accepted.connect(self.record)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.purpose.currentIndexChanged.connect(self._purpose_changed)
        if purpose is not None:
            self.purpose.setCurrentIndex(self.purpose.findData(purpose.value))
        if recipient_id and self.recipient.findData(recipient_id) >= 0:
            self.recipient.setCurrentIndex(self.recipient.findData(recipient_id))
        self._purpose_changed()
        self.purpose.setFocus()

    def _child_box(self) -> QGroupBox:
        box = QGroupBox(_("Child"))
        box.setObjectName("consent_child")
        layout = QFormLayout(box)
        note = QLabel(
            _(
                "The person is a child now (under 18, or possibly so). A referral to "
                "child protection needs no consent; record the child's assent and who "
                "took part."
            )
        )
        note.setWordWrap(True)
        layout.addRow(note)
        self.assent = QComboBox()
        self.assent.setObjectName("consent_child_assent")
        self.assent.setAccessibleName(_("The child's assent"))
        self.assent.addItem(_("Choose…"), "")
        for label in CHILD_ASSENT:
            self.assent.addItem(gettext(label), gettext(label))
        self.guardian = line_edit(
            _("Guardian or child protection involvement"), object_name="consent_guardian"
        )
        self.guardian.setPlaceholderText(_('Who took part: name and role, or "nobody yet"'))
        layout.addRow(_("The child's &assent:"), self.assent)
        layout.addRow(_("&Guardian or child protection:"), self.guardian)
        return box

    def _purpose_changed(self) -> None:
        self.recipient.setEnabled(self.purpose.currentData() == Purpose.REFERRAL.value)

    def record(self) -> None:
        """Check the form and record the consent; the dialog closes when it is stored."""
        chosen = [s for s, radio in self.state_buttons.items() if radio.isChecked()]
        if not chosen:
            show_error(self.error, _("Choose what the person decided."))
            return
        state = chosen[0]
        told = tuple(item for item, box in self.told.items() if box.isChecked())
        if state is State.GIVEN and len(told) != len(consent.TOLD):
            show_error(
                self.error,
                _(
                    "Consent is informed only when the person was told the "
                    "purpose, the use of the data, how long it is kept and "
                    "how to withdraw."
                ),
            )
            return
        assent = self.assent.currentData() if self.assent is not None else ""
        guardian = " ".join(self.guardian.text().split()) if self.guardian is not None else ""
        if self.child and (not assent or not guardian):
            show_error(self.error, _("For a child, record the child's assent and who took part."))
            return
        purpose = Purpose(self.purpose.currentData())
        recipient = str(self.recipient.currentData() or "") if purpose is Purpose.REFERRAL else ""
        try:
            self.recorded = consent.record(
                self.session,
                self.case_uuid,
                purpose,
                state,
                told=told,
                recipient_id=recipient,
                child_assent=str(assent),
                guardian=str(guardian),
            )
        except Exception as exc:  # the core's message, never a traceback
            show_error(self.error, failure_text(exc, _("The consent could not be recorded.")))
            return
        self.accept()
