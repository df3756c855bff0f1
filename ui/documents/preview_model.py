"""What a referral would share: every answered field, its sensitivity, and sent or withheld.

The decision is the core's (`referrals.preview`: field sensitivity x recipient type x consent);
this model only shows it, so the officer sees exactly what leaves before anything is produced.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from idtool.i18n import N_, _, gettext
from idtool.referrals import Preview, SharedField

_Index = QModelIndex | QPersistentModelIndex

SENSITIVITY_LABELS = {
    "identifying": N_("Identifying"),
    "sensitive": N_("Sensitive"),
    "ordinary": N_("Ordinary"),
}
WITHHELD_COLOUR = QColor("#757575")


def sensitivity_label(code: str) -> str:
    return gettext(SENSITIVITY_LABELS[code]) if code in SENSITIVITY_LABELS else code


class PreviewModel(QAbstractTableModel):
    COL_FIELD, COL_ANSWER, COL_SENSITIVITY, COL_SHARED = range(4)

    def __init__(self) -> None:
        super().__init__()
        self._fields: tuple[SharedField, ...] = ()

    def set_preview(self, preview: Preview | None) -> None:
        self.beginResetModel()
        self._fields = preview.fields if preview is not None else ()
        self.endResetModel()

    def field_at(self, row: int) -> SharedField:
        return self._fields[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._fields)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def _text(self, field: SharedField, column: int) -> str:
        if column == self.COL_FIELD:
            return field.label
        if column == self.COL_ANSWER:
            return field.answer
        if column == self.COL_SENSITIVITY:
            return sensitivity_label(field.sensitivity)
        return _("Sent") if field.included else _("Withheld")

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        field = self._fields[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(field, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{field.label}: {self._text(field, self.COL_SHARED)}"
        if role == Qt.ItemDataRole.ForegroundRole and not field.included:
            return QBrush(WITHHELD_COLOUR)
        if role == Qt.ItemDataRole.FontRole and column == self.COL_SHARED:
            font = QFont()
            font.setBold(field.included)
            font.setItalic(not field.included)
            return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (_("Field"), _("Answer"), _("Sensitivity"), _("Shared"))[section]
