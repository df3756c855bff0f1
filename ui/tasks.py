"""Run slow core work off the GUI thread; deliver results and progress on the GUI thread.

The one helper for background work (key derivation, PDFs, import/export, statistics). Core
functions take a plain `progress(done, total)` callback and a `cancelled()` check; they never
see a Qt object. Widgets are only ever touched from the GUI thread.

The threading rule: a database connection belongs to the thread that opened it. Work that needs
the database is given `session=`: the task opens a worker session (`Session.worker`, its own
connection) on its thread, calls `fn(worker, state)` and closes it when `fn` returns; the GUI
thread keeps the session's own connection. The outcome is delivered only while `owner` (the
widget that asked) exists and the session is open: locking cancels every running task
(`cancel_all`) without waiting, and a late result is dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from idtool.i18n import _

if TYPE_CHECKING:
    from idtool.session import Session


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class TaskState:
    """Handed to the worker: report progress, ask whether to stop."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def progress(self, done: int, total: int) -> None:
        self._signals.progress.emit(done, total)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()


class Task(QRunnable):
    _running: ClassVar[set[Task]] = set()

    def __init__(self, fn: Callable[..., Any], session: Session | None = None) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = _Signals()
        self.state = TaskState(self.signals)
        self._fn = fn
        self._session = session
        self.finished = False  # the outcome arrived on the GUI thread
        self.dropped = False  # the program locked meanwhile: the outcome is not delivered
        self.dialog: QProgressDialog | None = None  # with `progress=`: the dialog with Cancel
        self.cancel_button: QPushButton | None = None

    def run(self) -> None:  # worker thread
        try:
            if self._session is None:
                result = self._fn(self.state)
            else:
                with self._session.worker() as worker:  # this thread's own connection
                    result = self._fn(worker, self.state)
        except BaseException as exc:  # delivered to the GUI thread, handled there
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)

    def drop(self) -> None:
        """Ask the work to stop and forget its outcome (the program is locking)."""
        self.dropped = True
        self.state.cancel()


def run_task(
    fn: Callable[..., Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    on_progress: Callable[[int, int], None] | None = None,
    *,
    session: Session | None = None,
    owner: QWidget | None = None,
    progress: str | None = None,
    title: str = "",
    name: str = "task",
) -> Task:
    """Start `fn` on the thread pool: `fn(state)`, or with `session` `fn(worker, state)` where
    `worker` is a session of its own for that thread. `on_done(result)` / `on_error(exc)` run on
    the GUI thread, unless `owner` was deleted, the session closed or the program locked.

    With `progress` (a label), a window-modal progress dialog titled `title`, parented to
    `owner`, shows the progress and a Cancel button (object names `{name}_progress` and
    `{name}_cancel`). Cancel only asks the work to stop (`state.cancelled()`); the dialog stays
    until the core has stopped, so nothing half-done is left behind."""
    from shiboken6 import isValid

    task = Task(fn, session)
    Task._running.add(task)
    if progress is not None:
        _progress_dialog(task, owner, progress, title, name)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        Task._running.discard(task)
        task.finished = True
        if task.dialog is not None and isValid(task.dialog):
            task.dialog.hide()
            task.dialog.deleteLater()
        if task.dropped or (session is not None and session.closed):
            return
        if owner is not None and not isValid(owner):
            return  # the widget that asked is gone (the officer left the page)
        try:
            callback(value)
        except RuntimeError as exc:
            # A widget the callback touches is gone (e.g. the program was locked meanwhile).
            if "already deleted" not in str(exc):
                raise

    task.signals.done.connect(lambda value: finish(on_done, value))
    task.signals.failed.connect(lambda exc: finish(on_error, exc))
    if on_progress is not None:
        task.signals.progress.connect(on_progress)
    QThreadPool.globalInstance().start(task)
    return task


def cancel_all() -> None:
    """Locking: ask every running task to stop and drop its outcome; returns at once (a task
    still finishing uses only its own connection, closed when it ends)."""
    for task in list(Task._running):
        task.drop()


def _progress_dialog(task: Task, parent: QWidget | None, label: str, title: str, name: str) -> None:
    from shiboken6 import isValid

    dialog = QProgressDialog(label, _("Cancel"), 0, 0, parent)
    dialog.setObjectName(f"{name}_progress")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(0)
    dialog.setAccessibleName(label)
    button = QPushButton(_("Cancel"))
    button.setObjectName(f"{name}_cancel")
    dialog.setCancelButton(button)
    dialog.canceled.disconnect()  # Cancel must not hide the dialog before work stops

    def cancel() -> None:
        task.state.cancel()
        dialog.setLabelText(_("Stopping…"))
        button.setEnabled(False)

    def show_progress(done: int, total: int) -> None:
        if total > 0 and isValid(dialog):
            # Byte counts overflow a Qt int: show per mille.
            dialog.setMaximum(1000)
            dialog.setValue(min(1000, int(done * 1000 / total)))

    dialog.canceled.connect(cancel)
    task.signals.progress.connect(show_progress)
    task.dialog, task.cancel_button = dialog, button
    dialog.show()
