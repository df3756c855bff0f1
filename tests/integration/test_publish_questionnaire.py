"""A coordinator publishes an XLSForm (issue 17): it is written out as YAML, installed on the
coordinator, carried to every device by the next update, and run there like a shipped form,
repeats included; a published version never changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from idtool import cases, interviews
from idtool.errors import InvalidInput, NotPermitted
from idtool.questionnaire.problems import FormError
from idtool.questionnaire.registry import load_shipped
from idtool.sync import export, questionnaires
from idtool.sync.importer import import_bundle
from tests.support.sync import make_world, update_all
from tests.support.xlsforms import write_form

SURVEY = [
    ["type", "name", "label::English (en)", "label::Русский (ru)", "required", "calculation"],
    ["begin repeat", "stops", "Stop", "Остановка", "", ""],
    ["text", "town", "Town", "Город", "yes", ""],
    ["integer", "nights", "Nights", "Ночей", "", ""],
    ["end repeat", "", "", "", "", ""],
    ["calculate", "nights_total", "", "", "", "sum(${nights})"],
    ["geopoint", "where", "Where", "Где", "", ""],
]
SETTINGS = [["form_id", "version", "default_language"], ["Route_Log", "3", "English (en)"]]


def test_a_published_xlsform_reaches_the_devices_and_runs_there(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    path = write_form(tmp_path, SURVEY, settings=SETTINGS)
    form_id, version, warnings = questionnaires.publish(w.sup, path)
    assert (form_id, version) == ("route-log", "3")
    assert any("geopoint" in str(p) for p in warnings)  # what the device will not ask
    with pytest.raises(InvalidInput, match="already published"):
        questionnaires.publish(w.sup, path)

    update_all(w)
    form = load_shipped("route-log", installed=dev.installed_forms)
    assert form == load_shipped("route-log", installed=w.sup.installed_forms)
    assert form.languages == ("en", "ru")
    case = cases.open_case(dev, full_name="Test Person", region="osh")
    interview = interviews.start(dev, case.uuid, form, "ru")
    interviews.save_answer(
        dev, interview, "stops", [{"town": "Almaty", "nights": 2}, {"town": "Omsk", "nights": 5}]
    )
    interviews.complete(dev, interview)
    assert interviews.flow(dev, interview).calculations() == {"nights_total": 7.0}

    import_bundle(w.sup, export.export_cases(dev, w.out))
    at_coordinator = interviews.flow(w.sup, interviews.get(w.sup, interview.uuid))
    assert at_coordinator.effective_answers()["stops"][1] == {"town": "Omsk", "nights": 5}


def test_only_the_coordinator_publishes_and_only_a_form_that_loads(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    path = write_form(tmp_path, SURVEY, settings=SETTINGS)
    with pytest.raises(NotPermitted):
        questionnaires.publish(w.devs[0], path)
    broken = write_form(
        tmp_path,
        [["type", "name", "label"], ["text", "a", "A"], ["end repeat", "", ""]],
        name="broken.xlsx",
    )
    with pytest.raises(FormError, match="end repeat without a matching begin repeat"):
        questionnaires.publish(w.sup, broken)
    assert w.sup.conn.execute("SELECT count(*) FROM questionnaires").fetchone()[0] == 0


def test_what_would_run_differently_on_the_devices_is_not_published(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    # pulldata(): its table stays behind, so every lookup would be empty on the devices
    survey = [
        ["type", "name", "label", "calculation"],
        ["text", "code", "Code", ""],
        ["calculate", "region", "", "pulldata('regions', 'name', 'code', ${code})"],
    ]
    path = write_form(tmp_path, survey, settings=SETTINGS, name="lookup.xlsx")
    (tmp_path / "regions.csv").write_text("code,name\nOS,Osh\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="regions with pulldata"):
        questionnaires.publish(w.sup, path)
    # a choice name twice (allow_choice_duplicates): the format devices read refuses it
    survey = [["type", "name", "label"], ["select_one yn", "q", "Q"]]
    choices = [["list_name", "name", "label"], ["yn", "x", "X"], ["yn", "x", "X again"]]
    settings = [["form_id", "version", "allow_choice_duplicates"], ["dup", "1", "yes"]]
    path = write_form(tmp_path, survey, choices, settings, name="dup.xlsx")
    with pytest.raises(InvalidInput, match="cannot be published as written") as refused:
        questionnaires.publish(w.sup, path)
    assert "appears twice" in str(refused.value) and "/tmp" not in str(refused.value)
    assert w.sup.conn.execute("SELECT count(*) FROM questionnaires").fetchone()[0] == 0
