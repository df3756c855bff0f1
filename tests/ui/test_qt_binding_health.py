"""The Qt binding must not corrupt reference counts: PySide6 6.12.0 dropped a reference to
None on every call of a method returning nothing, and a long interview then aborted the
program ("deallocating None"). This guards against such a binding coming back."""

from __future__ import annotations

import gc
import sys

from PySide6.QtWidgets import QLineEdit


def _none_refs_lost(action, calls: int) -> int:
    for _ in range(10):
        action()
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(calls):
        action()
    gc.collect()
    return before - sys.getrefcount(None)


def test_void_methods_keep_none_alive(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    lost = _none_refs_lost(lambda: edit.setText("x"), 5000)
    assert lost < 100, f"{lost} references to None lost in 5000 calls"
