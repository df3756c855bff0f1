"""Exchange > Publish a questionnaire… (coordinator): choose the XLSForm, confirm its id and
version, and it is published with its warnings shown; a second time it is refused."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from idtool import kdf
from idtool.sync import questionnaires
from idtool.vault import Vault
from tests.support.sync import make_world
from tests.support.xlsforms import write_form
from tests.ui.drive import answer_files

SURVEY = [
    ["type", "name", "label"],
    ["begin repeat", "stops", "Stop"],
    ["text", "town", "Town"],
    ["end repeat", "", ""],
    ["geopoint", "where", "Where"],
]
SETTINGS = [["form_id", "version", "form_title"], ["route-log", "2", "Route log"]]


def test_a_coordinator_publishes_an_xlsform_from_the_menu(
    qtbot, make_window, tmp_path: Path, monkeypatch
):
    w = make_world(tmp_path, 1)
    path = write_form(tmp_path, SURVEY, settings=SETTINGS)
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    answer_files(monkeypatch, open_=path)
    window = make_window(Vault(tmp_path / "other", kdf_params=kdf.FAST_PARAMS))
    window.start_unlocked(w.sup)
    action = window.findChild(QAction, "action_publish_questionnaire")
    assert action is not None
    action.trigger()
    box = window.exchange_menu.flow
    assert isinstance(box, QMessageBox)
    assert "“Route log” (route-log, version 2)" in asked[0]
    assert "route-log version 2 is published" in box.text()
    assert "geopoint" in box.detailedText()  # what the devices will not ask
    assert [f for f, _v in questionnaires.DatabaseSource(w.sup).listing()] == ["route-log"]
    box.close()

    action.trigger()
    box = window.exchange_menu.flow
    assert box.icon() == QMessageBox.Icon.Warning and "already published" in box.text()
    box.close()


def test_a_device_has_no_publish_action(qtbot, make_window, tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    window = make_window(Vault(tmp_path / "other", kdf_params=kdf.FAST_PARAMS))
    window.start_unlocked(w.devs[0])
    assert window.findChild(QAction, "action_publish_questionnaire") is None
