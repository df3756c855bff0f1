"""The supervisor's review queues in one dialog with three tabs.

On a post the dialog shows only the conflicts tab, for an officer who may decide: its
conflicts come from the coordinator's edits of the post's own cases in an update package.

Conflicts: the local and incoming versions field by field; keep local or take incoming.
Possible duplicates: both persons' summaries; same person or different people (a judgement
recorded in the audit log - records are never merged). Quarantined records: read-only, with
the reason each was set aside.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from idtool.errors import IdtoolError
from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session
from idtool.sync import conflicts as queues
from ui.fields import error_label, failure_text, show_error
from ui.sync.queue_models import (
    UUID_ROLE,
    ConflictListModel,
    DuplicateModel,
    FieldDiffModel,
    QuarantineModel,
)


def _table(model: QAbstractItemModel, name: str, accessible: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
    view.setWordWrap(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    view.verticalHeader().hide()
    return view


def _button(text: str, name: str, slot: Callable[[], None]) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.clicked.connect(slot)
    return button


class ConflictsDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.full = session.can(Action.IMPORT_CASE_BUNDLE)  # else the conflicts only
        self.setWindowTitle(_("Review exchange queues") if self.full else _("Review conflicts"))
        self.resize(900, 600)
        self.conflicts = ConflictListModel([], self)
        self.diff = FieldDiffModel(None, self)
        self.duplicates = DuplicateModel([], {}, self)
        self.quarantine = QuarantineModel([], self)
        self.error = error_label("review_error")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("review_tabs")
        self.tabs.addTab(self._conflicts_tab(), "")
        if self.full:
            self.tabs.addTab(self._duplicates_tab(), "")
            self.tabs.addTab(self._quarantine_tab(), "")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.reload()

    # -- tabs ----------------------------------------------------------------------------------
    def _conflicts_tab(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "The same record was changed here and on a device. Compare the two "
                "versions (differences in bold) and choose which to keep."
            )
            if self.full
            else _(
                "The coordinator changed a record of a case of this post that was changed "
                "here too. Compare the two versions (differences in bold) and choose which "
                "to keep; the incoming version is the coordinator's."
            )
        )
        intro.setWordWrap(True)
        self.conflict_view = _table(self.conflicts, "conflict_list", _("Conflicts"))
        self.conflict_view.selectionModel().currentRowChanged.connect(self._conflict_chosen)
        self.diff_view = _table(self.diff, "conflict_fields", _("Local and incoming versions"))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.conflict_view)
        split.addWidget(self.diff_view)
        split.setStretchFactor(1, 2)
        self.keep_local = _button(
            _("Keep &local version"), "keep_local", lambda: self._resolve_conflict("local")
        )
        self.take_incoming = _button(
            _("Take &incoming version"), "take_incoming", lambda: self._resolve_conflict("incoming")
        )
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.keep_local)
        row.addWidget(self.take_incoming)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        layout.addLayout(row)
        return page

    def _duplicates_tab(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "These persons were recorded at different posts and may be the same "
                "person. Your answer is recorded; nothing is merged."
            )
        )
        intro.setWordWrap(True)
        self.duplicate_view = _table(self.duplicates, "duplicate_list", _("Possible duplicates"))
        self.duplicate_view.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.same = _button(
            _("&Same person"), "same_person", lambda: self._resolve_duplicate("same")
        )
        self.different = _button(
            _("Di&fferent people"), "different_people", lambda: self._resolve_duplicate("different")
        )
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.same)
        row.addWidget(self.different)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(self.duplicate_view, 1)
        layout.addLayout(row)
        return page

    def _quarantine_tab(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "Records set aside during import because they could not be used. The "
                "rest of each package was imported."
            )
        )
        intro.setWordWrap(True)
        self.quarantine_view = _table(self.quarantine, "quarantine_list", _("Quarantined records"))
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(self.quarantine_view, 1)
        return page

    # -- data ----------------------------------------------------------------------------------
    def reload(self) -> None:
        session = self.session
        self.conflicts.set_items(queues.open_conflicts(session))
        if self.full:
            dups = queues.open_duplicates(session)
            self.duplicates.summaries = queues.person_summaries(
                session, {d.person_a for d in dups} | {d.person_b for d in dups}
            )
            self.duplicates.set_items(dups)
            self.quarantine.set_items(queues.quarantined(session))
        counts = (self.conflicts.rowCount(), self.duplicates.rowCount(), self.quarantine.rowCount())
        titles = (
            _("&Conflicts ({count})"),
            _("Possible &duplicates ({count})"),
            _("&Quarantined records ({count})"),
        )
        for i, (title, count) in enumerate(zip(titles, counts, strict=True)):
            if i < self.tabs.count():
                self.tabs.setTabText(i, title.format(count=count))
        lists = [(self.conflict_view, self.conflicts)]
        if self.full:
            lists.append((self.duplicate_view, self.duplicates))
        for view, model in lists:
            if model.rowCount():
                view.selectionModel().setCurrentIndex(
                    model.index(0, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        self._conflict_chosen()
        self._update_buttons()

    def _current(self, view: QTableView) -> str | None:
        index = view.selectionModel().currentIndex()
        return index.data(UUID_ROLE) if index.isValid() else None

    def _conflict_chosen(self, *_args: object) -> None:
        index = self.conflict_view.selectionModel().currentIndex()
        items = self.conflicts.items
        self.diff.set_conflict(
            items[index.row()] if index.isValid() and index.row() < len(items) else None
        )
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        has_conflict = self._current(self.conflict_view) is not None
        self.keep_local.setEnabled(has_conflict)
        self.take_incoming.setEnabled(has_conflict)
        if not self.full:
            return
        has_duplicate = self._current(self.duplicate_view) is not None
        self.same.setEnabled(has_duplicate)
        self.different.setEnabled(has_duplicate)

    def _resolve_conflict(self, keep: str) -> None:
        uuid = self._current(self.conflict_view)
        if uuid is None:
            return
        self._act(
            lambda: queues.resolve_conflict(self.session, uuid, keep=keep), self.conflict_view
        )

    def _resolve_duplicate(self, resolution: str) -> None:
        uuid = self._current(self.duplicate_view)
        if uuid is None:
            return
        self._act(
            lambda: queues.resolve_duplicate(self.session, uuid, resolution), self.duplicate_view
        )

    def _act(self, action: Callable[[], None], view: QTableView) -> None:
        try:
            action()
        except IdtoolError as exc:
            show_error(self.error, failure_text(exc))
            return
        show_error(self.error, "")
        self.reload()
        view.setFocus()
