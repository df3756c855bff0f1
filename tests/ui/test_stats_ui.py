"""The statistics dialog: published (suppressed) values only, charts without hidden counts,
CSV saved only where chosen and never over an existing file."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog

from idtool.stats import DEFAULT_THRESHOLD
from idtool.stats.compute import COLUMNS
from idtool.stats.labels import DIMENSIONS
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.support.cases import STRONG, assessed_case
from ui.stats.dialog import StatsDialog


@pytest.fixture
def few_cases(session):
    """Six in Osh and six in Batken, two in Chuy (suppressed, and so one of the others as its
    complement), one man among them (suppressed)."""
    for _i in range(6):
        assessed_case(session, STRONG, region="osh")
        assessed_case(session, STRONG, region="batken")
    assessed_case(session, STRONG, region="chuy")
    assessed_case(session, dict(STRONG, sex="male"), region="chuy")
    return session


def _small(text: str) -> bool:
    return text.strip().isdigit() and 0 < int(text) < DEFAULT_THRESHOLD


def _computed(qtbot, session) -> StatsDialog:
    dialog = StatsDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    qtbot.waitUntil(lambda: dialog.published is not None and not dialog.busy, timeout=15_000)
    return dialog


def test_tables_and_charts_show_only_published_values(qtbot, few_cases):
    dialog = _computed(qtbot, few_cases)
    pub = dialog.published
    region = pub.tables["region"]
    assert region.shown("chuy", "screened") is None  # 2 cases: hidden
    assert 6 in {region.shown("osh", "screened"), region.shown("batken", "screened")}
    assert region.shown("__total__", "screened") == 14
    for dim in DIMENSIONS:
        table = dialog.tables[dim]
        shown = pub.tables[dim]
        rows = shown.table.rows
        assert table.rowCount() == len(rows) + 1  # and the total
        for r, row in enumerate(rows):
            for c, col in enumerate(COLUMNS, start=1):
                assert table.item(r, c).text() == shown.text(row, col)
        for r in range(table.rowCount()):
            for c in range(1, table.columnCount()):
                assert not _small(table.item(r, c).text()), (dim, r, c)
        chart = dialog.charts[dim]
        assert [b.text for b in chart.bars] == [shown.text(row, "screened") for row in rows]
        for bar, row in zip(chart.bars, rows, strict=True):
            if (row, "screened") in shown.hidden:
                assert bar.suppressed and bar.value is None and bar.text == "<5"
            else:
                assert bar.value == shown.shown(row, "screened")
            assert bar.value is None or not 0 < bar.value < DEFAULT_THRESHOLD
        chart.repaint()  # paints without error
    region_rows = pub.tables["region"].table.rows
    chuy = dialog.charts["region"].bars[region_rows.index("chuy")]
    assert chuy.value is None and "2" not in chuy.text
    for r in range(dialog.figures.rowCount()):
        assert not _small(dialog.figures.item(r, 1).text())
    # A higher threshold hides more, without computing again.
    dialog.threshold.setValue(7)
    assert dialog.published.threshold == 7
    texts = [dialog.tables["region"].item(r, 1).text() for r in range(len(region_rows))]
    assert texts == ["<7"] * len(region_rows)


def test_save_csv_where_chosen_and_never_over_a_file(qtbot, few_cases, tmp_path, monkeypatch):
    dialog = _computed(qtbot, few_cases)
    target = tmp_path / "stats.csv"
    asked: list[str] = []

    def fake(parent, caption, *args, **kwargs):
        asked.append(caption)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    assert dialog.csv_button.isEnabled()
    dialog.csv_button.click()
    assert "NOT encrypted" in asked[0]
    text = target.read_bytes().decode("utf-8-sig")
    assert "breakdown,region,total" in text
    lines = [line.split(",") for line in text.splitlines() if line.startswith("breakdown,region")]
    chuy = next(line for line in lines if line[2] == "chuy")
    assert chuy[4] == "<5"
    before = target.read_bytes()
    dialog.csv_button.click()  # the same name again: refused
    assert target.read_bytes() == before
    assert dialog.error.isVisible() and "already exists" in dialog.error.text()


def test_bad_date_is_refused_before_computing(qtbot, session):
    dialog = StatsDialog(session)
    qtbot.addWidget(dialog)
    dialog.period_from.setText("2026-13-01")
    dialog.start()
    assert not dialog.busy and dialog.published is None
    assert "YYYY-MM-DD" in dialog.error.text()


def test_statistics_action_in_main_window(qtbot, make_window, made_vault, monkeypatch):
    from ui.main_window import MainWindow

    vault, _code = made_vault
    window = make_window(vault)
    window.start_unlocked(vault.unlock(SUPERVISOR, SUPERVISOR_PASS))
    action = window.findChild(type(window.menuBar().actions()[0]), "action_statistics")
    assert action is not None and action.isEnabled()
    opened: list[bool] = []
    monkeypatch.setattr(StatsDialog, "exec", lambda self: opened.append(True) or 0)
    assert isinstance(window, MainWindow)
    action.trigger()
    assert opened == [True]
