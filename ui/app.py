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
    parser.add_argument(
        "--demo", action="store_true", help="start on a throw-away database of fictional demo cases"
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help=_("check that the program works, with fictional data only, and exit"),
    )
    return parser.parse_args(argv)


def _install_excepthook() -> None:
    """A bug shows a short dialog naming only the error type and place: its message or a
    traceback could hold personal data, so neither is shown or written anywhere."""
    import traceback

    def hook(kind: type[BaseException], exc: BaseException, tb: object) -> None:
        frames = traceback.extract_tb(tb)  # type: ignore[arg-type]
        place = f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else "?"
        text = _(
            "An unexpected error ({kind} at {place}) stopped this action. Your saved data "
            "is safe. Please tell your supervisor."
        ).format(kind=kind.__name__, place=place)
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
    data = (
        Path(args.data)
        if args.data
        else (Path(settings.data_dir) if settings.data_dir else default_data_dir())
    )

    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    _install_excepthook()
    app.setApplicationName("idtool")
    app.setApplicationDisplayName(_("idtool - NRM identification"))  # and on each language change
    if args.self_check:
        return _self_check(app, settings)
    if args.demo:
        return _run_demo(app, settings)
    window = MainWindow(Vault(data), settings)
    from ui.window_size import fit_to_screen

    fit_to_screen(window)  # maximised on a small laptop screen
    window.show()
    return app.exec()


def _self_check(app: object, settings: settings_mod.Settings) -> int:
    """`--self-check`: the main window, the Qt platform plugin and Qt's own words, then the
    core self-check (`idtool self-check`); the exit status is 0 only if every step passed."""
    import os
    import tempfile

    from PySide6.QtCore import QCoreApplication

    from idtool.cli import selfcheck
    from idtool.i18n import language
    from ui.main_window import MainWindow

    report = selfcheck.Report()

    def window() -> None:
        with tempfile.TemporaryDirectory(
            prefix="idtool-selfcheck-", ignore_cleanup_errors=True
        ) as folder:
            win = MainWindow(Vault(Path(folder) / "data"), settings, config_dir=Path(folder))
            win.show()
            app.processEvents()  # type: ignore[attr-defined]
            win.close()
            win.deleteLater()
            app.processEvents()  # type: ignore[attr-defined]

    def platform() -> str:
        name = app.platformName()  # type: ignore[attr-defined]
        wanted = os.environ.get("QT_QPA_PLATFORM", "")  # e.g. "offscreen", "wayland;xcb"
        names = {w.split(":")[0].strip() for w in wanted.split(";") if w.strip()}
        if not name or (names and name not in names):
            raise selfcheck.StepFailed(
                _("Qt loaded the platform plugin {name} instead of {wanted}").format(
                    name=name or "-", wanted=wanted
                )
            )
        return name

    def qt_words() -> None:
        for lang in selfcheck.TRANSLATED_LANGUAGES:
            with language(lang):
                if QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel":
                    raise selfcheck.StepFailed(
                        _("Qt's buttons are not translated into {lang}").format(lang=lang)
                    )

    report.step(_("Main window built"), window)
    report.step(_("Qt platform plugin loaded"), platform)
    report.step(_("Qt's own buttons translated (ky, ru)"), qt_words)
    return selfcheck.run(report)


DEMO_OFFICER = "Demo"
DEMO_CASES = 60


def _run_demo(app: object, settings: settings_mod.Settings) -> int:
    """A throw-away database in a temporary folder, filled with fictional cases, deleted at
    exit. The demo passphrase is shown on the unlock screen: nothing here is secret."""
    import secrets
    import shutil
    import tempfile

    from idtool import demo, kdf
    from idtool.session import Session
    from ui.main_window import MainWindow
    from ui.tasks import run_task

    folder = Path(tempfile.mkdtemp(prefix="idtool-demo-"))
    passphrase = "demo-" + secrets.token_hex(3)
    try:
        vault = Vault(folder / "data", kdf_params=kdf.FAST_PARAMS)
        session, _code = vault.create(DEMO_OFFICER, "supervisor", passphrase)
        window = MainWindow(vault, settings, demo=True)
        window.unlock_hint = lambda: _("Demo: officer {name}, passphrase {passphrase}").format(
            name=DEMO_OFFICER, passphrase=passphrase
        )  # asked again in each language
        window.start_unlocked(session)
        from ui.window_size import fit_to_screen

        fit_to_screen(window)
        window.show()
        window.statusBar().showMessage(_("Preparing demo cases…"))

        def fill(worker: Session, _state: object) -> None:
            demo.generate(worker, DEMO_CASES)  # its own connection; the window keeps the session's

        def filled(_result: object) -> None:
            window.statusBar().showMessage(_("Demo cases ready."), 5000)
            window.refresh_workspace()

        def failed(_exc: BaseException) -> None:
            window.statusBar().showMessage(_("The demo cases could not be made."), 10000)

        run_task(fill, filled, failed, session=session, owner=window)
        return app.exec()  # type: ignore[attr-defined]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
