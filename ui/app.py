"""Start the desktop program: `idtool-gui [--data DIR] [--lang ky|ru|en]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from idtool import settings as settings_mod
from idtool.i18n import LANGUAGES, _, set_language
from idtool.paths import default_data_dir
from idtool.vault import Vault


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="idtool-gui")
    parser.add_argument("--data", metavar="DIR")
    parser.add_argument("--lang", choices=LANGUAGES)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    settings = settings_mod.load()
    if args.lang:
        settings = settings_mod.Settings(args.lang, settings.lock_minutes, settings.data_dir)
    set_language(settings.language)
    data = Path(args.data) if args.data else (
        Path(settings.data_dir) if settings.data_dir else default_data_dir())

    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("idtool")
    app.setApplicationDisplayName(_("idtool - NRM identification"))
    window = MainWindow(Vault(data), settings)
    window.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
