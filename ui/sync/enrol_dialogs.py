"""Enrolment in three dialogs, fingerprints shown large to be compared aloud.

Supervisor: "Create enrolment file…" saves the file and shows its fingerprint. Device: "Join a
supervisor…" opens that file and trusts it only after the officer says the fingerprints match,
then saves the request (and shows the device's own fingerprint). Supervisor: "Approve a device
request…" shows the device's fingerprint and, once it matches, writes the first update package.
Nothing is trusted before a person has confirmed the fingerprint.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from idtool.atomic import write_atomic
from idtool.errors import IdtoolError
from idtool.i18n import _
from idtool.session import Session
from idtool.sync import enrol
from idtool.sync.enrol import Offer
from ui.fields import error_label, failure_text, line_edit, show_error
from ui.sync.common import (
    ENROLMENT_FILTER,
    REQUEST_FILTER,
    default_folder,
    fingerprint_label,
    read_small_file,
    show_fingerprint,
)


def _wrapped(text: str, object_name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if object_name:
        label.setObjectName(object_name)
    return label


def _with_suffix(path: str, suffix: str) -> Path:
    chosen = Path(path)
    return chosen if chosen.suffix.lower() == suffix else chosen.with_name(chosen.name + suffix)


class _EnrolDialog(QDialog):
    def __init__(self, session: Session, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(title)
        self.resize(600, 440)
        self.column = QVBoxLayout(self)
        self.column.addWidget(_wrapped(intro, "enrol_intro"))
        self.error = error_label("enrol_error")
        self.close_buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.column.addStretch(1)
        self.column.addWidget(self.error)
        self.column.addWidget(self.close_buttons)

    def fail(self, exc: BaseException) -> None:
        show_error(self.error, failure_text(exc))

    def read_chosen(
        self, title: str, file_filter: str, reader: Callable[[bytes], Offer], shown: QWidget
    ) -> tuple[bytes, Offer] | None:
        """Ask for a file, read and check it with `reader`; on a refusal hide `shown` (what
        the last good file showed) and say why. None when cancelled or refused."""
        chosen, _filter = QFileDialog.getOpenFileName(self, title, default_folder(), file_filter)
        if not chosen:
            return None
        try:
            data = read_small_file(Path(chosen))
            offer = reader(data)
        except IdtoolError as exc:
            shown.hide()
            self.fail(exc)
            return None
        show_error(self.error, "")
        return data, offer


class CreateEnrolmentDialog(_EnrolDialog):
    """Supervisor: save the enrolment file, then read its fingerprint aloud to each officer."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(
            session,
            _("Create enrolment file"),
            _(
                "Devices use this file to trust you. Save it (for example on the USB stick); when "
                "an officer opens it, read the fingerprint shown here aloud to them."
            ),
            parent,
        )
        caption = QLabel(_("&Name of this office (shown on the devices):"))
        self.label_edit = line_edit(_("Name of this office"), object_name="enrol_label")
        caption.setBuddy(self.label_edit)
        self.save_button = QPushButton(_("&Save enrolment file…"))
        self.save_button.setObjectName("enrol_save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.saved = _wrapped("", "enrol_saved")
        self.fingerprint: QLabel | None = None
        for widget in (caption, self.label_edit, self.save_button, self.saved):
            self.column.addWidget(widget)
        self.finish_layout()

    def save(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save the enrolment file"),
            str(Path(default_folder()) / "enrolment.idte"),
            _("Enrolment files ({pattern})").format(pattern=ENROLMENT_FILTER),
        )
        if not chosen:
            return
        path = _with_suffix(chosen, ".idte")
        try:
            data = enrol.create_enrolment(self.session, self.label_edit.text().strip())
            write_atomic(path, data, 0o644)
            offer = enrol.read_enrolment(data)
        except (IdtoolError, OSError) as exc:
            self.fail(exc)
            return
        show_error(self.error, "")
        self.saved.setText(
            _(
                "Saved as {name}. Read this fingerprint aloud to the officer; "
                "their screen must show exactly the same numbers."
            ).format(name=path.name)
        )
        if self.fingerprint is None:
            self.fingerprint = fingerprint_label(offer.fingerprint, "enrol_fingerprint")
            self.column.insertWidget(self.column.indexOf(self.saved) + 1, self.fingerprint)
        self.fingerprint.setFocus()


class JoinDialog(_EnrolDialog):
    """Device: open the supervisor's file, compare the fingerprint aloud, trust, save request."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(
            session,
            _("Join a supervisor"),
            _(
                "Open the enrolment file your supervisor gave you. The supervisor reads a "
                "fingerprint aloud; compare it with the one shown here before trusting."
            ),
            parent,
        )
        self.offer: Offer | None = None
        self.data = b""
        self.trusted = False
        self.open_button = QPushButton(_("&Open enrolment file…"))
        self.open_button.setObjectName("join_open")
        self.open_button.clicked.connect(self.open_file)
        self.column.addWidget(self.open_button)
        self.compare = QWidget()
        compare = QVBoxLayout(self.compare)
        compare.setContentsMargins(0, 0, 0, 0)
        self.supervisor_label = _wrapped("", "join_supervisor")
        self.instruction = _wrapped(
            _(
                "Ask the supervisor to read their fingerprint aloud and compare every group of "
                "digits with this screen:"
            ),
            "join_instruction",
        )
        self.fingerprint = fingerprint_label("", "join_fingerprint")
        caption = QLabel(_("&Name of this post (shown to the supervisor):"))
        self.label_edit = line_edit(_("Name of this post"), object_name="join_label")
        caption.setBuddy(self.label_edit)
        self.match_button = QPushButton(_("They &match – trust"))
        self.match_button.setObjectName("join_match")
        self.match_button.clicked.connect(self.trust)
        self.differ_button = QPushButton(_("They &differ – cancel"))
        self.differ_button.setObjectName("join_differ")
        self.differ_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.match_button)
        row.addWidget(self.differ_button)
        for widget in (
            self.supervisor_label,
            self.instruction,
            self.fingerprint,
            caption,
            self.label_edit,
        ):
            compare.addWidget(widget)
        compare.addLayout(row)
        self.compare.hide()
        self.column.addWidget(self.compare)
        self.done_label = _wrapped("", "join_done")
        self.column.addWidget(self.done_label)
        self.own_fingerprint: QLabel | None = None
        self.finish_layout()

    def open_file(self) -> None:
        read = self.read_chosen(
            _("Open the enrolment file"),
            _("Enrolment files ({pattern});;All files (*)").format(pattern=ENROLMENT_FILTER),
            enrol.read_enrolment,
            self.compare,
        )
        if read is None:
            return
        self.data, offer = read
        self.offer = offer
        self.supervisor_label.setText(
            _("Supervisor: {label}").format(label=offer.device.label or "—")
        )
        show_fingerprint(self.fingerprint, offer.fingerprint)
        self.compare.show()
        self.fingerprint.setFocus()

    def trust(self) -> None:
        if self.offer is None:
            return
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save the enrolment request"),
            str(Path(default_folder()) / "enrolment-request.idtr"),
            _("Enrolment requests ({pattern})").format(pattern=REQUEST_FILTER),
        )
        if not chosen:
            return  # nothing trusted until the request has somewhere to go
        path = _with_suffix(chosen, ".idtr")
        try:
            request = enrol.accept_enrolment(
                self.session, self.data, self.label_edit.text().strip()
            )
            self.trusted = True
            write_atomic(path, request, 0o644)
            own = enrol.read_request(request)
        except (IdtoolError, OSError) as exc:
            self.fail(exc)
            return
        show_error(self.error, "")
        self.match_button.setEnabled(False)
        self.differ_button.setEnabled(False)
        self.open_button.setEnabled(False)
        self.done_label.setText(
            _(
                "The supervisor is trusted. The request was saved as {name}: take it to the "
                "supervisor, who will compare this device's fingerprint aloud:"
            ).format(name=path.name)
        )
        self.own_fingerprint = fingerprint_label(own.fingerprint, "join_own_fingerprint")
        self.column.insertWidget(self.column.indexOf(self.done_label) + 1, self.own_fingerprint)
        self.close_buttons.setFocus()


class ApproveDialog(_EnrolDialog):
    """Supervisor: open a device's request, compare its fingerprint, write its update package."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(
            session,
            _("Approve a device request"),
            _(
                "Open the request the officer brought. Their device shows its fingerprint; compare "
                "it aloud with the one shown here before approving."
            ),
            parent,
        )
        self.data = b""
        self.offer: Offer | None = None
        self.approved: Path | None = None
        self.open_button = QPushButton(_("&Open device request…"))
        self.open_button.setObjectName("approve_open")
        self.open_button.clicked.connect(self.open_file)
        self.device_label = _wrapped("", "approve_device")
        self.fingerprint: QLabel | None = None
        self.match_button = QPushButton(_("They &match – approve"))
        self.match_button.setObjectName("approve_match")
        self.match_button.clicked.connect(self.approve)
        self.differ_button = QPushButton(_("They &differ – cancel"))
        self.differ_button.setObjectName("approve_differ")
        self.differ_button.clicked.connect(self.reject)
        self.row = QWidget()
        row = QHBoxLayout(self.row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.match_button)
        row.addWidget(self.differ_button)
        self.row.hide()
        self.done_label = _wrapped("", "approve_done")
        for widget in (self.open_button, self.device_label, self.row, self.done_label):
            self.column.addWidget(widget)
        self.finish_layout()

    def open_file(self) -> None:
        read = self.read_chosen(
            _("Open the device request"),
            _("Enrolment requests ({pattern});;All files (*)").format(pattern=REQUEST_FILTER),
            enrol.read_request,
            self.row,
        )
        if read is None:
            return
        self.data, offer = read
        self.offer = offer
        self.device_label.setText(
            _("Device: {label}. Its fingerprint:").format(label=offer.device.label or "—")
        )
        if self.fingerprint is not None:
            self.fingerprint.deleteLater()
        self.fingerprint = fingerprint_label(offer.fingerprint, "approve_fingerprint")
        self.column.insertWidget(self.column.indexOf(self.device_label) + 1, self.fingerprint)
        self.row.show()
        self.fingerprint.setFocus()

    def approve(self) -> None:
        if self.offer is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self,
            _("Choose the folder for the update package (for example the USB stick)"),
            default_folder(),
        )
        if not folder:
            return
        try:
            self.approved = enrol.approve(self.session, self.data, folder)
        except (IdtoolError, OSError) as exc:
            self.fail(exc)
            return
        show_error(self.error, "")
        self.match_button.setEnabled(False)
        self.differ_button.setEnabled(False)
        self.done_label.setText(
            _(
                "The device is trusted. Its update package was saved as {name}: import it on the "
                "device (Exchange > Import exchange packages)."
            ).format(name=self.approved.name)
        )
        self.close_buttons.setFocus()
