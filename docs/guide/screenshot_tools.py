"""What the screenshot script needs from Qt: waiting for the program, grabbing a widget into
a small PNG, opening menus, answering the native file dialogs."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMainWindow,
    QMenu,
    QWidget,
)


def log(text: str) -> None:
    print(text, flush=True)


# -- waiting and grabbing ------------------------------------------------------------------------
def settle(rounds: int = 5) -> None:
    for _round in range(rounds):
        QApplication.processEvents()
        time.sleep(0.01)


def wait_until(condition: Callable[[], object], what: str, timeout: float = 60.0) -> None:
    """Process events until `condition()` holds (background tasks deliver on the GUI thread)."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise RuntimeError(f"timed out waiting for {what}")
        QApplication.processEvents()
        time.sleep(0.01)
    settle()


def to_png(pixmap: QPixmap, path: Path) -> int:
    """Save as a small PNG: 256 colours without dithering keep the text crisp."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.save(buffer, "PNG")
    buffer.close()
    image = Image.open(io.BytesIO(bytes(data.data()))).convert("RGB")
    small = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    path.parent.mkdir(parents=True, exist_ok=True)
    small.save(path, optimize=True)
    return path.stat().st_size


@dataclass
class Shooter:
    lang: str
    out: Path
    sizes: dict[str, int] = field(default_factory=dict)

    def save(self, widget: QWidget, name: str) -> None:
        settle()
        self._write(widget.grab(), name)

    def save_with_menus(self, window: QMainWindow, menus: list[QMenu], name: str) -> None:
        """The window with its open menus painted where they are (menus are own windows)."""
        settle()
        pixmap = window.grab()
        origin = window.mapToGlobal(QPoint(0, 0))
        painter = QPainter(pixmap)
        for menu in menus:
            painter.drawPixmap(menu.pos() - origin, menu.grab())
        painter.end()
        self._write(pixmap, name)

    def _write(self, pixmap: QPixmap, name: str) -> None:
        path = self.out / f"{name}.png"
        self.sizes[name] = to_png(pixmap, path)
        log(f"  {self.lang}/{name}.png  {self.sizes[name] // 1024} KB")


def open_menu(window: QMainWindow, *, object_name: str = "", title: str = "") -> QMenu:
    """Pop up a menu of the window's menu bar, found by object name or title."""
    bar = window.menuBar()
    for action in bar.actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and (
            (object_name and menu.objectName() == object_name) or (title and menu.title() == title)
        ):
            rect = bar.actionGeometry(action)
            bar.setActiveAction(action)
            menu.popup(bar.mapToGlobal(rect.bottomLeft()))
            settle()
            return menu
    raise RuntimeError(f"no menu {object_name or title!r}")


def open_submenu(menu: QMenu, title: str) -> QMenu:
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu) and sub.title() == title:
            menu.setActiveAction(action)
            sub.popup(menu.mapToGlobal(menu.actionGeometry(action).topRight()))
            settle()
            return sub
    raise RuntimeError(f"no submenu {title!r}")


def answer_file_dialogs(
    *,
    open_file: Path | None = None,
    open_files: list[Path] | None = None,
    folder: Path | None = None,
) -> None:
    """Answer the program's file dialogs as the officer would (they are native windows)."""
    if open_file is not None:
        QFileDialog.getOpenFileName = staticmethod(  # type: ignore[method-assign]
            lambda *a, **k: (str(open_file), "")
        )
    if open_files is not None:
        QFileDialog.getOpenFileNames = staticmethod(  # type: ignore[method-assign]
            lambda *a, **k: ([str(p) for p in open_files], "")
        )
    if folder is not None:
        QFileDialog.getExistingDirectory = staticmethod(  # type: ignore[method-assign]
            lambda *a, **k: str(folder)
        )


def scroll_to(page: QWidget, widget: QWidget, margin: int = 6) -> None:
    """Scroll a case page (it has `scroll_area`) so that `widget` is at the top; in the case
    view, on the tab that holds it."""
    reveal = getattr(page, "reveal", None)
    if callable(reveal):
        reveal(widget)
    area = page.scroll_area  # type: ignore[attr-defined]
    settle()
    top = widget.mapTo(area.widget(), QPoint(0, 0)).y()
    area.verticalScrollBar().setValue(max(0, top - margin))
    settle()
