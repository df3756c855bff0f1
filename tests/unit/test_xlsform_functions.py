"""ODK functions that need the form or the interview: pulldata() over a CSV shipped with the
form, jr:choice-name(), once() in a calculation (issue 17, item 7)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from idtool.questionnaire.flow import Flow
from idtool.questionnaire.loader import load_form
from tests.support.xlsforms import write_form

TODAY = dt.date(2024, 6, 1)
CHOICES = [
    ["list_name", "name", "label"],
    ["regions", "chui", "Chüy region"],
    ["regions", "osh", "Osh region"],
]


def test_pulldata_reads_the_csv_shipped_next_to_the_form(tmp_path: Path) -> None:
    (tmp_path / "fees.csv").write_text("code,fee,name\nchui,150,Chüy\nosh,90,Osh\n", "utf-8")
    path = write_form(
        tmp_path,
        [
            ["type", "name", "label", "calculation"],
            ["select_one regions", "region", "Region", ""],
            ["calculate", "fee", "", "pulldata('fees', 'fee', 'code', ${region})"],
            ["calculate", "double", "", "${fee} * 2"],
        ],
        CHOICES,
    )
    form = load_form(path)
    assert [t.name for t in form.tables] == ["fees"]
    flow = Flow(form, {"region": "osh"}, "en", TODAY)
    assert flow.value("fee") == "90"
    assert flow.value("double") == 180.0
    assert Flow(form, {"region": "naryn"}, "en", TODAY).value("fee") == ""


def test_pulldata_without_its_csv_is_a_warning_and_reads_empty(tmp_path: Path) -> None:
    path = write_form(
        tmp_path,
        [["type", "name", "calculation"], ["calculate", "fee", "pulldata('fees', 'a', 'b', 'c')"]],
    )
    form = load_form(path)
    assert any("fees.csv" in w.message for w in form.warnings)
    assert Flow(form, {}, "en", TODAY).value("fee") == ""


def test_pulldata_never_reads_outside_the_form_folder(tmp_path: Path) -> None:
    inner = tmp_path / "form"
    inner.mkdir()
    (tmp_path / "secret.csv").write_text("a,b\n1,2\n", "utf-8")
    path = write_form(
        inner,
        [["type", "name", "calculation"], ["calculate", "x", "pulldata('../secret', 'b', 'a', 1)"]],
    )
    form = load_form(path)
    assert form.tables == ()
    assert Flow(form, {}, "en", TODAY).value("x") == ""


def test_choice_name_gives_the_label_of_the_answer(tmp_path: Path) -> None:
    path = write_form(
        tmp_path,
        [
            ["type", "name", "label", "calculation"],
            ["select_one regions", "region", "Region", ""],
            ["calculate", "region_label", "", "jr:choice-name(${region}, '${region}')"],
        ],
        CHOICES,
    )
    form = load_form(path)
    assert Flow(form, {"region": "chui"}, "en", TODAY).value("region_label") == "Chüy region"
    assert Flow(form, {}, "en", TODAY).value("region_label") == ""


def test_once_keeps_the_stored_value_of_a_calculation(tmp_path: Path) -> None:
    path = write_form(
        tmp_path,
        [["type", "name", "calculation"], ["calculate", "token", "once(uuid())"]],
    )
    form = load_form(path)
    fresh = Flow(form, {}, "en", TODAY).value("token")
    assert isinstance(fresh, str) and len(fresh) == 36
    assert Flow(form, {"token": "kept"}, "en", TODAY).value("token") == "kept"
