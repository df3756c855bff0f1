"""The NRM directory as a table: name (in the UI language), type, region, services, contact."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from idtool import directory
from idtool.i18n import _, current_language
from idtool.regions import region_label

_Index = QModelIndex | QPersistentModelIndex

ID_ROLE = Qt.ItemDataRole.UserRole + 1
INACTIVE_COLOUR = QColor("#757575")


def region_text(code: str) -> str:
    return _("Whole country") if code == "national" else region_label(code)


def type_label(code: str) -> str:
    rtype = directory.shipped().recipient_types.get(code)
    if rtype is None:
        return code
    return rtype.label.get(current_language()) or rtype.label.get("en") or code


def services_text(codes: tuple[str, ...]) -> str:
    return ", ".join(directory.service_label(c) for c in codes)


class DirectoryModel(QAbstractTableModel):
    COL_NAME, COL_TYPE, COL_REGION, COL_SERVICES, COL_CONTACT, COL_ACTIVE = range(6)

    def __init__(self, rows: list[directory.Organisation] | None = None) -> None:
        super().__init__()
        self._rows = rows or []

    def set_rows(self, rows: list[directory.Organisation]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def org_at(self, row: int) -> directory.Organisation:
        return self._rows[row]

    def row_of(self, org_id: str) -> int:
        return next((r for r, o in enumerate(self._rows) if o.id == org_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def _text(self, org: directory.Organisation, column: int) -> str:
        if column == self.COL_NAME:
            return org.title()
        if column == self.COL_TYPE:
            return type_label(org.type)
        if column == self.COL_REGION:
            return region_text(org.region)
        if column == self.COL_SERVICES:
            return services_text(org.services)
        if column == self.COL_CONTACT:
            return org.contact
        return _("Yes") if org.active else _("No")

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        org = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(org, index.column())
        if role == ID_ROLE:
            return org.id
        if role == Qt.ItemDataRole.ForegroundRole and not org.active:
            return QBrush(INACTIVE_COLOUR)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (
            _("Organisation"),
            _("Type"),
            _("Region"),
            _("Services"),
            _("Contact"),
            _("Active"),
        )[section]
