"""Qt's own words (standard dialog buttons, text-field context menus) in our languages.

Qt translates them through QTranslator; Kyrgyz has no catalogue of Qt's, so one translator
answers from our gettext catalogs instead, for every language alike.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

from idtool.i18n import N_, gettext

# The source texts Qt asks for (context QPlatformTheme for buttons, QLineEdit/QWidgetTextControl
# for the context menu). Marked here so that they are extracted into the catalogs.
QT_SOURCE_TEXTS = (
    N_("OK"),
    N_("Cancel"),
    N_("Close"),
    N_("&Yes"),
    N_("&No"),
    N_("Save"),
    N_("Apply"),
    N_("Help"),
    N_("Discard"),
    N_("&Undo"),
    N_("&Redo"),
    N_("Cu&t"),
    N_("&Copy"),
    N_("&Paste"),
    N_("Delete"),
    N_("Select All"),
    # The file dialog's columns (context QFileSystemModel).
    N_("Name"),
    N_("Size"),
    N_("Type"),
    N_("Date Modified"),
)
_KNOWN = frozenset(QT_SOURCE_TEXTS)


class CatalogTranslator(QTranslator):
    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        if source in _KNOWN:
            return gettext(source)
        return ""  # not ours: Qt keeps its own text

    def isEmpty(self) -> bool:
        return False


_installed: CatalogTranslator | None = None


def install() -> None:
    """Install once; texts follow idtool.i18n's current language from then on."""
    global _installed
    app = QCoreApplication.instance()
    if _installed is None and app is not None:
        _installed = CatalogTranslator(app)
        app.installTranslator(_installed)
