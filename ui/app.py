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


def _install_excepthook() -> None:
    """A bug shows a short dialog naming only the error type and place: its message or a
    traceback could hold personal data, so neither is shown or written anywhere."""
    import traceback

    def hook(kind: type[BaseException], exc: BaseException, tb: object) -> None:
        frames = traceback.extract_tb(tb)  # type: ignore[arg-type]
        place = f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else "?"
        text = _("An unexpected error ({kind} at {place}) stopped this action. Your saved data "
                 "is safe. Please tell your supervisor.").format(kind=kind.__name__, place=place)
        print(f"idtool-gui: {kind.__name__} at {place}", file=sys.stderr)
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is not None:
            QMessageBox.critical(None, _("Unexpected error"), text)

    sys.excepthook = hook


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
    _install_excepthook()
    app.setApplicationName("idtool")
    app.setApplicationDisplayName(_("idtool - NRM identification"))
    window = MainWindow(Vault(data), settings)
    window.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
