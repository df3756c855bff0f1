"""Every file dialog in our words: Qt's own dialog (not the system's), with labelled buttons and
readable columns.

The system's dialog speaks the system's language (never Kyrgyz) and Qt's, where the system has
none, shows its tool buttons as bare icons and squeezes the name column. `install` makes every
file dialog Qt's, and labels each one as it opens, whichever flow opened it (the flows keep
calling QFileDialog's static functions).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QFileDialog, QHeaderView, QToolButton, QTreeView

from idtool.i18n import _

MINIMUM_SIZE = (880, 520)


def _buttons() -> dict[str, tuple[str, str]]:
    """Qt's tool button object names -> (label, tooltip) in the current language."""
    return {
        "backButton": (_("Back"), _("Back to the previous folder")),
        "forwardButton": (_("Forward"), _("Forward to the next folder")),
        "toParentButton": (_("Up"), _("The folder that holds this one")),
        "newFolderButton": (_("New folder"), _("Make a new folder here")),
        "listModeButton": (_("List"), _("Show the files as a list")),
        "detailModeButton": (_("Details"), _("Show name, size, type and date")),
    }


def label(dialog: QFileDialog) -> None:
    """Label `dialog`'s fields and buttons in our words and widen its name column."""
    dialog.setLabelText(QFileDialog.DialogLabel.LookIn, _("Folder:"))
    dialog.setLabelText(QFileDialog.DialogLabel.FileName, _("File name:"))
    dialog.setLabelText(QFileDialog.DialogLabel.FileType, _("Files of type:"))
    dialog.setLabelText(QFileDialog.DialogLabel.Reject, _("Cancel"))
    if dialog.fileMode() is QFileDialog.FileMode.Directory:
        accept = _("Choose this folder")
    elif dialog.acceptMode() is QFileDialog.AcceptMode.AcceptSave:
        accept = _("Save")
    else:
        accept = _("Open")
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, accept)
    for name, (text, tip) in _buttons().items():
        button = dialog.findChild(QToolButton, name)
        if button is not None:
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(text)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    view = dialog.findChild(QTreeView, "treeView")
    if view is not None:
        header = view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, header.count()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    width, height = MINIMUM_SIZE
    dialog.resize(max(dialog.width(), width), max(dialog.height(), height))


class _Labeller(QObject):
    """Labels each file dialog when it is shown."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QFileDialog):
            label(watched)
        return False


_installed: _Labeller | None = None


def install() -> None:
    """Once per program: Qt's file dialog everywhere, labelled as it opens."""
    global _installed
    app = QCoreApplication.instance()
    if _installed is None and app is not None:
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
        _installed = _Labeller(app)
        app.installEventFilter(_installed)
