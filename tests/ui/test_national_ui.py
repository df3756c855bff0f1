"""Regional to national through the Exchange menu's flows: the region writes its statistics
report off the GUI thread, the national coordinator sees the merged figures."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from idtool import kdf
from idtool.sync import enrol, stats_report
from idtool.sync.importer import import_bundle
from idtool.vault import Vault
from tests.support.cases import assessed_case
from tests.ui.drive import answer_files
from ui.sync.national import StatsReportFlow, show_national

PASS = "national-ui-2026"


def test_region_writes_its_report_and_the_nation_sees_the_figures(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    nat, _ = Vault(tmp_path / "nat", kdf_params=kdf.FAST_PARAMS).create(
        "Nation", "supervisor", PASS
    )
    region, _ = Vault(tmp_path / "reg", kdf_params=kdf.FAST_PARAMS).create(
        "Region", "supervisor", PASS
    )
    for _ in range(12):
        assessed_case(region)
    stats_report.trust_national(region, enrol.create_enrolment(nat))
    stats_report.trust_region(nat, enrol.create_enrolment(region))
    out = tmp_path / "usb"
    out.mkdir()
    host = QWidget()
    qtbot.addWidget(host)

    empty = show_national(nat, host)
    assert "No statistics report" in empty.text()

    answer_files(monkeypatch, folder=out)
    flow = StatsReportFlow(region, host)
    assert flow.start()
    qtbot.waitUntil(lambda: flow.result is not None or bool(flow.error), timeout=15_000)
    assert flow.result is not None and flow.result.name in flow.message.text()

    import_bundle(nat, flow.result)
    box = show_national(nat, host)
    assert box.objectName() == "national_figures"
    assert ": 12" in box.text() and "Regions: 1" in box.text()
