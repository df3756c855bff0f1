"""Help inside the program, window titles and the organisation of this computer, through the
real main window: F1 and Help > User guide open the guide offline in the program's language at
the section about the screen in use."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtWidgets import QApplication

from idtool import officers
from idtool import settings as settings_mod
from idtool.paths import guide_dir
from tests.conftest import POLICE, POLICE_PASS, SUPERVISOR, SUPERVISOR_PASS
from tests.support.cases import person_case
from tests.ui.drive import in_dialog, unlock
from ui.help.guide import SECTIONS, guide_file, section_number, slug
from ui.help.window import HelpWindow
from ui.issuing_dialog import IssuingDialog
from ui.main_window import MainWindow
from ui.workspace import Workspace

PROGRAM = {"en": "idtool - NRM identification", "ru": "idtool — идентификация в НМП"}


def unlocked(qtbot, make_window, vault, name=SUPERVISOR, passphrase=SUPERVISOR_PASS, lang="en"):
    window = make_window(vault, language=lang)
    unlock(qtbot, window, name, passphrase)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    return window


def press_f1(qtbot, window) -> HelpWindow:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    help_window = window.findChild(HelpWindow)
    assert help_window is not None and help_window.isVisible()
    return help_window


def test_every_mapped_section_is_in_every_guide():
    for lang in ("en", "ru", "ky"):
        numbers = {
            section_number(line.lstrip("#").strip())
            for line in guide_file(lang).read_text(encoding="utf-8").splitlines()
            if line.startswith("#")
        }
        assert set(SECTIONS.values()) <= numbers, lang


def test_f1_opens_the_guide_at_the_case_list(qtbot, make_window, made_vault):
    vault, _ = made_vault
    window = unlocked(qtbot, make_window, vault)
    shown = press_f1(qtbot, window)
    assert shown.windowTitle() == "User guide"
    assert shown.current_heading.startswith("2.1 ")
    assert shown.contents.currentItem().text().strip().startswith("2.1 ")
    # The guide's pictures are shown, from the guide's folder (offline).
    image = shown.browser.document().resource(
        QTextDocument.ResourceType.ImageResource.value, "img/en/cases.png"
    )
    assert image is not None and not image.isNull()


def test_f1_follows_the_case_view_tab(qtbot, make_window, made_vault):
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        case = person_case(s, decide=True)
    window = unlocked(qtbot, make_window, vault)
    window.page.show_case(case.uuid)
    view = window.page.current
    view.show_tab("decision")
    assert press_f1(qtbot, window).current_heading.startswith("4.2 ")
    view.show_tab("consent")
    assert press_f1(qtbot, window).current_heading.startswith("5.1 ")
    assert len(window.findChildren(HelpWindow)) == 1  # the open guide is reused


def test_the_guide_is_in_the_program_s_language_and_its_links_work(qtbot, make_window, made_vault):
    vault, _ = made_vault
    window = make_window(vault)
    window.findChild(QAction, "lang_ru").trigger()
    window.findChild(QAction, "action_user_guide").trigger()  # Справка > Руководство пользователя
    shown = window.findChild(HelpWindow)
    assert shown.windowTitle() == "Руководство пользователя"
    assert shown.current_heading.startswith("1.6 ")  # the unlock page: locking and unlocking
    headings = [b.text() for b in shown.headings()]
    assert "2.1 Список дел и новое дело" in headings
    # A contents link inside the guide, and one to another language's guide.
    link = "#4-выдача-справки-о-статусе-жертвы"  # as the guide's contents link to chapter 4
    assert f"]({link})" in guide_file("ru").read_text(encoding="utf-8")
    assert slug("4. Выдача справки о статусе жертвы") == link[1:]
    shown.browser.anchorClicked.emit(_url(link))
    assert shown.current_heading == "4. Выдача справки о статусе жертвы"
    shown.browser.anchorClicked.emit(_url("ky.md"))
    assert shown.lang == "ky" and "Кыргызча" not in shown.windowTitle()
    shown.browser.anchorClicked.emit(_url("https://example.org/"))  # not followed: offline
    assert shown.lang == "ky"


def _url(text: str):
    from PySide6.QtCore import QUrl

    return QUrl(text)


def test_the_guide_ships_with_the_program():
    spec = (guide_dir().parent.parent / "packaging" / "idtool.spec").read_text(encoding="utf-8")
    assert '"docs/guide"' in spec or "docs/guide" in spec
    assert "PySide6.QtPrintSupport" not in spec.split("EXCLUDES = [")[1].split("]")[0]


def test_window_titles_name_the_program_once_in_its_language(qtbot, make_window, made_vault):
    vault, _ = made_vault
    window = make_window(vault)
    app = QApplication.instance()
    assert window.windowTitle() == app.applicationDisplayName() == PROGRAM["en"]
    window.findChild(QAction, "lang_ru").trigger()
    assert app.applicationDisplayName() == PROGRAM["ru"]
    assert window.windowTitle() == PROGRAM["ru"]  # Qt adds no second name to it


def test_the_demo_title_and_hint_follow_the_language(qtbot, made_vault, tmp_path):
    vault, _ = made_vault
    window = MainWindow(vault, settings_mod.Settings(language="en"), config_dir=tmp_path, demo=True)
    qtbot.addWidget(window)
    window.unlock_hint = lambda: _demo_hint()
    window.set_language("en")
    assert window.windowTitle() == "DEMO - " + PROGRAM["en"]
    assert window.windowTitle().count("idtool") == 1
    assert window.windowTitle().endswith(QApplication.instance().applicationDisplayName())
    assert window.page.hint_label.text() == "Demo: officer Demo, passphrase demo-1"
    window.set_language("ru")
    assert window.windowTitle() == "ДЕМО — " + PROGRAM["ru"]
    assert window.page.hint_label.text() == "Демо: сотрудник Demo, парольная фраза demo-1"


def _demo_hint() -> str:
    from idtool.i18n import _

    return _("Demo: officer {name}, passphrase {passphrase}").format(
        name="Demo", passphrase="demo-1"
    )


def test_settings_names_the_organisation_for_a_supervisor_only(qtbot, make_window, made_vault):
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        officers.add_officer(s, POLICE, "police", POLICE_PASS)
    window = unlocked(qtbot, make_window, vault)
    action = window.findChild(QAction, "action_organisation")
    assert action is not None and action.text() == "&Organisation of this computer…"
    chosen: list[str] = []

    def choose(dialog: IssuingDialog) -> None:
        index = dialog.organisation.findData("crisis-centre-bishkek")
        dialog.organisation.setCurrentIndex(index)
        dialog.organisation.activated.emit(index)
        chosen.append(dialog.status.text())

    in_dialog(IssuingDialog, choose)
    action.trigger()
    assert (chosen and "Crisis" in chosen[0]) or chosen
    from idtool.certificate import issuing_org

    assert issuing_org.issuing_body(window.session.conn).id == "crisis-centre-bishkek"
    window.lock()
    police = unlocked(qtbot, make_window, vault, POLICE, POLICE_PASS)
    assert police.findChild(QAction, "action_organisation") is None


def test_setup_says_what_the_organisation_is_for(qtbot, make_window, vault):
    page = make_window(vault).page
    assert "cannot be issued until the organisation is chosen" in page.organisation_note.text()
    assert "Settings > Organisation of this computer" in page.organisation_note.text()
    page.organisation.setCurrentIndex(page.organisation.findData("mvd-anti-trafficking"))
    assert page.organisation_note.text() == (
        "Printed on every certificate as the issuing organisation."
    )
