"""The user guide inside the program (Help > User guide, F1): offline, in the program's
language, opened at the section about the screen in use; contents on the left."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextBlock, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from idtool.i18n import _
from idtool.paths import guide_dir
from ui.help.guide import guide_file, section_for, section_number, slug

# The guide's pictures are 1280 pixels wide: shown at the width of the guide's pane as the
# window opens (they are loaded before it is shown, so not from the pane's width then).
IMAGE_WIDTH = 720


class GuideBrowser(QTextBrowser):
    """Shows the guide's Markdown; its pictures come from the guide's folder, scaled to fit."""

    def loadResource(self, kind: int, url: QUrl) -> object:
        if kind == QTextDocument.ResourceType.ImageResource.value:
            path = guide_dir() / url.toString()
            image = QImage(str(path))
            if not image.isNull() and guide_dir() in path.resolve().parents:
                return image.scaledToWidth(
                    min(image.width(), IMAGE_WIDTH), Qt.TransformationMode.SmoothTransformation
                )
            return QImage()
        return super().loadResource(kind, url)


class HelpWindow(QDialog):
    """Not modal: the officer may keep the guide open beside the program."""

    def __init__(self, lang: str, section: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("help_window")
        self.setWindowTitle(_("User guide"))
        self.setModal(False)
        self.resize(1100, 720)
        self.lang = ""
        self.section = ""
        self.contents = QListWidget()
        self.contents.setObjectName("help_contents")
        self.contents.setAccessibleName(_("Contents"))
        self.contents.setWordWrap(True)
        self.contents.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.contents.itemActivated.connect(self._contents_chosen)
        self.contents.itemClicked.connect(self._contents_chosen)
        self.browser = GuideBrowser()
        self.browser.setObjectName("help_browser")
        self.browser.setAccessibleName(_("User guide"))
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._link)
        splitter = QSplitter()
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 770])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.show_guide(lang, section)

    def show_guide(self, lang: str, section: str = "") -> None:
        """The guide in `lang`, at `section` (a number such as '2.1'; '' for the top)."""
        if lang != self.lang:
            self.lang = lang
            self.browser.setMarkdown(guide_file(lang).read_text(encoding="utf-8"))
            self.contents.clear()
            for block in self.headings():
                level = block.blockFormat().headingLevel()
                if level in (2, 3):
                    item = QListWidgetItem(("    " if level == 3 else "") + block.text())
                    item.setData(Qt.ItemDataRole.UserRole, block.blockNumber())
                    self.contents.addItem(item)
        self.go_to(section)

    def headings(self) -> list[QTextBlock]:
        found = []
        block = self.browser.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel():
                found.append(block)
            block = block.next()
        return found

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.go_to(self.section)  # again, now that the text is laid out at its width

    def go_to(self, section: str) -> bool:
        """Scroll to the heading numbered `section`; False (at the top) when there is none."""
        self.section = section
        self.browser.document().setTextWidth(self.browser.viewport().width())
        for block in self.headings():
            if section and section_number(block.text()) == section:
                self._scroll_to(block)
                return True
        self.browser.verticalScrollBar().setValue(0)
        return False

    @property
    def current_heading(self) -> str:
        """The text of the last heading at or above the top of the view."""
        layout = self.browser.document().documentLayout()
        top = self.browser.verticalScrollBar().value() + 2
        shown = ""
        for block in self.headings():
            if layout.blockBoundingRect(block).top() <= top:
                shown = block.text()
        return shown

    def _scroll_to(self, block: QTextBlock) -> None:
        layout = self.browser.document().documentLayout()
        self.browser.verticalScrollBar().setValue(int(layout.blockBoundingRect(block).top()))
        for row in range(self.contents.count()):
            if self.contents.item(row).data(Qt.ItemDataRole.UserRole) == block.blockNumber():
                self.contents.setCurrentRow(row)

    def _contents_chosen(self, item: QListWidgetItem) -> None:
        block = self.browser.document().findBlockByNumber(int(item.data(Qt.ItemDataRole.UserRole)))
        if block.isValid():
            self._scroll_to(block)

    def _link(self, url: QUrl) -> None:
        """Links inside the guide: another language's guide, or a section. Links out of the
        guide are not followed: the program works offline."""
        if url.scheme() or url.host():
            return
        name = url.path().rsplit("/", 1)[-1]
        if name.endswith(".md"):
            self.show_guide(name[:-3])
        fragment = url.fragment()
        if fragment:
            for block in self.headings():
                if slug(block.text()) == fragment:
                    self._scroll_to(block)
                    return


def screen_name(window: Any) -> str:
    """The screen the main window shows, as the guide's sections are mapped to
    (`ui.help.guide.SECTIONS`): the set-up or unlock page, a workspace page, a case view tab."""
    if window.session is None:
        return "setup" if not window.vault.exists() else "unlock"
    name = str(getattr(window.page, "page_name", ""))
    tab = getattr(getattr(window.page, "current", None), "tab_name", "")
    return f"{name}/{tab}" if name == "case" and tab else name


def show_for(window: Any) -> HelpWindow:
    """Open the guide (or bring the open one forward) for the main window's current screen."""
    section = section_for(screen_name(window))
    lang = window.settings.language
    shown = getattr(window, "help_window", None)
    if isinstance(shown, HelpWindow) and shown.isVisible():
        shown.setWindowTitle(_("User guide"))
        shown.show_guide(lang, section)
    else:
        shown = HelpWindow(lang, section, window)
        window.help_window = shown
    shown.show()
    shown.raise_()
    shown.activateWindow()
    return shown
