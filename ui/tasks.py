"""Run slow core work off the GUI thread; deliver results and progress on the GUI thread.

The one helper for background work (key derivation, PDFs, import/export, statistics). Core
functions take a plain `progress(done, total)` callback and a `cancelled()` check; they never
see a Qt object. Widgets are only ever touched from the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


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

    def __init__(self, fn: Callable[[TaskState], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = _Signals()
        self.state = TaskState(self.signals)
        self._fn = fn

    def run(self) -> None:  # worker thread
        try:
            result = self._fn(self.state)
        except BaseException as exc:  # delivered to the GUI thread, handled there
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


def run_task(
    fn: Callable[[TaskState], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    on_progress: Callable[[int, int], None] | None = None,
) -> Task:
    """Start `fn(state)` on the thread pool; callbacks run on the GUI thread."""
    task = Task(fn)
    Task._running.add(task)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        Task._running.discard(task)
        try:
            callback(value)
        except RuntimeError as exc:
            # The widget that asked is gone (e.g. the program was locked meanwhile).
            if "already deleted" not in str(exc):
                raise

    task.signals.done.connect(lambda value: finish(on_done, value))
    task.signals.failed.connect(lambda exc: finish(on_error, exc))
    if on_progress is not None:
        task.signals.progress.connect(on_progress)
    QThreadPool.globalInstance().start(task)
    return task
