"""The Help menu (User guide on F1, About) and the program's name in the window titles.

Kept light: the main window builds this menu at start-up; the guide's window is loaded only
when it is first asked for."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenuBar, QMessageBox

from idtool import __version__
from idtool.i18n import _


def set_titles(window: QMainWindow, demo: bool) -> None:
    """The program's name once, in the current language: Qt adds the application's display
    name to every window title that does not already end with it."""
    name = _("idtool - NRM identification")
    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.setApplicationDisplayName(name)
    window.setWindowTitle(_("DEMO - {name}").format(name=name) if demo else name)


def build_help_menu(window: QMainWindow, bar: QMenuBar) -> QAction:
    """Help > User guide (F1) and Help > About; returns the User guide action."""
    help_menu = bar.addMenu(_("&Help"))
    guide = QAction(_("&User guide"), window)
    guide.setObjectName("action_user_guide")
    guide.setShortcuts([QKeySequence("F1")])
    guide.triggered.connect(lambda: show_help(window))
    help_menu.addAction(guide)
    about = QAction(_("&About"), window)
    about.triggered.connect(lambda: show_about(window))
    help_menu.addAction(about)
    return guide


def show_help(window: QMainWindow) -> None:
    """The user guide in the program's language, at the section about the screen in use."""
    from ui.help.window import show_for  # loaded when first asked for

    show_for(window)


def show_about(window: QMainWindow) -> None:
    QMessageBox.about(
        window,
        _("About"),
        _(
            "idtool {version}: identification of victims of trafficking in persons for the "
            "National Referral Mechanism of the Kyrgyz Republic. All data stays encrypted on "
            "this computer."
        ).format(version=__version__),
    )
