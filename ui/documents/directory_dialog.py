"""The NRM directory: everyone may read it; a supervisor may change an entry or add one.

Changes are saved by the core (`directory.save`, audited, supervisors only); update bundles
distribute the directory later.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from idtool import directory
from idtool.i18n import LANGUAGE_NAMES, LANGUAGES, _
from idtool.policy import Action
from idtool.regions import REGIONS
from idtool.session import Session
from ui.documents.directory_model import DirectoryModel, region_text, type_label
from ui.fields import error_label, failure_text, line_edit, show_error

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


class DirectoryDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.editable = session.can(Action.EDIT_DIRECTORY)
        self.setWindowTitle(_("NRM directory"))
        self.resize(960, 560)
        intro = QLabel(
            _("The organisations of the National Referral Mechanism that may receive a referral.")
            + " "
            + (
                _(
                    "As a supervisor you may change an entry or add one; changes are recorded "
                    "in the audit log."
                )
                if self.editable
                else _("Read only: only a supervisor can change the directory.")
            )
        )
        intro.setObjectName("directory_intro")
        intro.setWordWrap(True)
        self.search = line_edit(_("Search the directory"), object_name="directory_search")
        self.search.setPlaceholderText(_("Search by name, type, region or service"))
        self.model = DirectoryModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QTableView()
        self.view.setObjectName("directory_table")
        self.view.setAccessibleName(_("NRM directory"))
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(DirectoryModel.COL_NAME, Qt.SortOrder.AscendingOrder)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.error = error_label("directory_error")
        self.add_button = QPushButton(_("&Add organisation…"))
        self.add_button.setObjectName("directory_add")
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton(_("&Edit…"))
        self.edit_button.setObjectName("directory_edit")
        self.edit_button.clicked.connect(self.edit_selected)
        for button in (self.add_button, self.edit_button):
            button.setVisible(self.editable)
        if self.editable:
            self.view.activated.connect(lambda _index: self.edit_selected())
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.edit_button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        for w in (intro, self.search, self.view, self.error):
            layout.addWidget(w)
        layout.addLayout(row)
        self.refresh()
        self.search.setFocus()

    def refresh(self, select: str = "") -> None:
        self.model.set_rows(directory.organisations(self.session, include_inactive=True))
        self.view.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), 300))
        if select:
            row = self.model.row_of(select)
            if row >= 0:
                self.view.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())

    def selected(self) -> directory.Organisation | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.org_at(self.proxy.mapToSource(rows[0]).row())

    def edit_selected(self) -> None:
        org = self.selected()
        if org is None:
            show_error(self.error, _("Select an organisation first."))
            return
        self._open(OrganisationDialog(self.session, org, self))

    def add(self) -> None:
        self._open(OrganisationDialog(self.session, None, self))

    def _open(self, dialog: OrganisationDialog) -> None:
        show_error(self.error, "")
        if dialog.exec() and dialog.saved is not None:
            self.refresh(select=dialog.saved.id)


class OrganisationDialog(QDialog):
    """Change one entry (`org`) or add a new one (`org` None)."""

    def __init__(
        self, session: Session, org: directory.Organisation | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.org = org
        self.saved: directory.Organisation | None = None
        self.setWindowTitle(_("Add organisation") if org is None else _("Edit organisation"))
        self.org_id = line_edit(_("Identifier"), object_name="org_id")
        self.org_id.setPlaceholderText(_("e.g. crisis-centre-naryn"))
        self.names = {
            lang: line_edit(
                _("Name in {language}").format(language=LANGUAGE_NAMES[lang]),
                object_name=f"org_name_{lang}",
            )
            for lang in LANGUAGES
        }
        self.type = QComboBox()
        self.type.setObjectName("org_type")
        self.type.setAccessibleName(_("Type"))
        for code in sorted(directory.shipped().recipient_types, key=type_label):
            self.type.addItem(type_label(code), code)
        self.region = QComboBox()
        self.region.setObjectName("org_region")
        self.region.setAccessibleName(_("Region"))
        for code in ("national", *REGIONS):
            self.region.addItem(region_text(code), code)
        self.services = QListWidget()
        self.services.setObjectName("org_services")
        self.services.setAccessibleName(_("Services"))
        for code in directory.shipped().services:
            item = QListWidgetItem(directory.service_label(code))
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.services.addItem(item)
        self.contact = line_edit(_("Contact"), object_name="org_contact")
        self.active = QCheckBox(_("Active: offered as a recipient of referrals"))
        self.active.setObjectName("org_active")
        self.active.setChecked(True)
        form = QFormLayout()
        form.addRow(_("&Identifier:"), self.org_id)
        for lang, edit in self.names.items():
            form.addRow(_("Name ({language}):").format(language=LANGUAGE_NAMES[lang]), edit)
        form.addRow(_("&Type:"), self.type)
        form.addRow(_("&Region:"), self.region)
        form.addRow(_("&Services:"), self.services)
        form.addRow(_("&Contact:"), self.contact)
        form.addRow("", self.active)
        self.error = error_label("org_error")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("org_save")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        if org is not None:
            self._fill(org)
        (self.org_id if org is None else self.names["ky"]).setFocus()

    def _fill(self, org: directory.Organisation) -> None:
        self.org_id.setText(org.id)
        self.org_id.setReadOnly(True)
        for lang, edit in self.names.items():
            edit.setText(org.name.get(lang, ""))
        self.type.setCurrentIndex(max(self.type.findData(org.type), 0))
        if self.region.findData(org.region) < 0:
            self.region.addItem(org.region, org.region)
        self.region.setCurrentIndex(self.region.findData(org.region))
        for i in range(self.services.count()):
            item = self.services.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in org.services
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.contact.setText(org.contact)
        self.active.setChecked(org.active)

    def entry(self) -> directory.Organisation:
        services = tuple(
            str(self.services.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.services.count())
            if self.services.item(i).checkState() == Qt.CheckState.Checked
        )
        names = {lang: " ".join(edit.text().split()) for lang, edit in self.names.items()}
        return directory.Organisation(
            id=self.org_id.text().strip(),
            type=str(self.type.currentData()),
            region=str(self.region.currentData()),
            name={k: v for k, v in names.items() if v},
            services=services,
            contact=" ".join(self.contact.text().split()),
            active=self.active.isChecked(),
        )

    def save(self) -> None:
        org = self.entry()
        if self.org is None:
            if not ID_PATTERN.match(org.id):
                show_error(
                    self.error,
                    _(
                        "The identifier is 2-63 lowercase Latin letters, "
                        "digits and hyphens, e.g. crisis-centre-naryn."
                    ),
                )
                self.org_id.setFocus()
                return
            known = {o.id for o in directory.organisations(self.session, include_inactive=True)}
            if org.id in known:
                show_error(self.error, _("An organisation with this identifier already exists."))
                self.org_id.setFocus()
                return
        try:
            directory.save(self.session, org)
        except Exception as exc:  # the core's message, never a traceback
            show_error(self.error, failure_text(exc, _("The entry could not be saved.")))
            return
        self.saved = org
        self.accept()
