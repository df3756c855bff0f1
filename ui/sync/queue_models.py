"""Table models for the supervisor's review queues: conflicts (and one conflict field by
field), possible duplicates, quarantined records. Read-only; rows carry the queue item's UUID
in `UUID_ROLE`."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from idtool.i18n import _
from idtool.sync.conflicts import Conflict, Duplicate, PersonSummary, Quarantined
from idtool.sync.labels import duplicate_reason, field_name, field_value, table_name

UUID_ROLE = Qt.ItemDataRole.UserRole + 1
DIFFERS_ROLE = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex


class _RowsModel(QAbstractTableModel):
    """A fixed list of items shown through `columns`: (header, item -> text)."""

    def __init__(
        self,
        items: Sequence[Any],
        columns: list[tuple[str, Callable[[Any], str]]],
        uuid_of: Callable[[Any], str] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.items = list(items)
        self.columns = columns
        self.uuid_of = uuid_of or (lambda item: item.uuid)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.columns[index.column()][1](item)
        if role == UUID_ROLE:
            return self.uuid_of(item)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section][0]
        return None

    def set_items(self, items: Sequence[Any]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()


class ConflictListModel(_RowsModel):
    COL_KIND, COL_SENDER, COL_RECEIVED = range(3)

    def __init__(self, conflicts: Sequence[Conflict], parent: Any = None) -> None:
        super().__init__(
            conflicts,
            [
                (_("Kind of record"), lambda c: table_name(c.table)),
                (_("From device"), lambda c: c.sender[:8]),
                (_("Received"), lambda c: c.created_at[:16].replace("T", " ")),
            ],
            parent=parent,
        )


def _show(value: Any, column: str = "") -> str:
    if value is None:
        return ""
    worded = field_value(column, value)
    if worded is not None:
        return worded
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


class FieldDiffModel(QAbstractTableModel):
    """One conflict side by side: field, the local value, the incoming value; differences bold."""

    COL_FIELD, COL_LOCAL, COL_INCOMING = range(3)

    def __init__(self, conflict: Conflict | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, str, str]] = []
        self.differs: list[bool] = []  # compared on the stored values, not on what is shown
        self.set_conflict(conflict)

    def set_conflict(self, conflict: Conflict | None) -> None:
        self.beginResetModel()
        self.rows, self.differs = [], []
        if conflict is not None:
            names = list(conflict.local) + [k for k in conflict.incoming if k not in conflict.local]
            self.rows = [
                (
                    field_name(name),
                    _show(conflict.local.get(name), name),
                    _show(conflict.incoming.get(name), name),
                )
                for name in names
            ]
            self.differs = [
                conflict.local.get(name) != conflict.incoming.get(name) for name in names
            ]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, differs = self.rows[index.row()], self.differs[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row[index.column()]
        if role == DIFFERS_ROLE:
            return differs
        if role == Qt.ItemDataRole.FontRole and differs:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and differs:
            return QBrush(QColor("#fff3c4"))
        if role == Qt.ItemDataRole.ForegroundRole and differs:
            return QBrush(QColor("#000000"))
        if role == Qt.ItemDataRole.AccessibleTextRole and differs:
            return _("{value} (differs)").format(value=row[index.column()])
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return (
                (_("Field"), _("On this computer"), _("Incoming"))[section]
                if 0 <= section < 3
                else None
            )
        return None


class DuplicateModel(_RowsModel):
    COL_PERSON_A, COL_PERSON_B, COL_REASON = range(3)

    def __init__(
        self,
        duplicates: Sequence[Duplicate],
        summaries: dict[str, PersonSummary],
        parent: Any = None,
    ) -> None:
        self.summaries = summaries

        def person(uuid: str) -> str:
            summary = self.summaries.get(uuid)
            return summary.text() if summary else _("(not found)")

        super().__init__(
            duplicates,
            [
                (_("First person"), lambda d: person(d.person_a)),
                (_("Second person"), lambda d: person(d.person_b)),
                (_("Why flagged"), lambda d: duplicate_reason(d.reason)),
            ],
            parent=parent,
        )


class QuarantineModel(_RowsModel):
    COL_RECEIVED, COL_SENDER, COL_KIND, COL_REASON, COL_DETAIL = range(5)

    def __init__(self, items: Sequence[Quarantined], parent: Any = None) -> None:
        super().__init__(
            items,
            [
                (_("Received"), lambda q: q.created_at[:16].replace("T", " ")),
                (_("From device"), lambda q: q.sender[:8]),
                (_("Kind of record"), lambda q: table_name(q.table)),
                (_("Reason"), lambda q: q.reason_label()),
                (_("Detail"), lambda q: q.detail),
            ],
            parent=parent,
        )
