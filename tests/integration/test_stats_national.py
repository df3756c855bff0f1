"""Regional to national (issue 16, item 4): two regional coordinators send suppressed statistics
reports, the national coordinator merges them without holding a record; suppressed cells stay
suppressed and no merged figure gives a region's hidden count away."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from idtool import kdf
from idtool.bundle import Kind, open_manifest, read_bundle
from idtool.errors import BundleError
from idtool.session import Session
from idtool.stats import compute
from idtool.stats.merge import REPORT_THRESHOLD, report_of
from idtool.stats.suppress import TOTAL, recoverable
from idtool.sync import devices, enrol, stats_report
from idtool.sync.export import audit_records, write_and_record
from idtool.sync.importer import import_bundle
from idtool.vault import Vault
from tests.support.cases import NONE, assessed_case

SUPERVISOR = devices.DeviceRole.SUPERVISOR

PASS = "national-pass-2026"


def _coordinator(root: Path, name: str) -> Session:
    session, _ = Vault(root, kdf_params=kdf.FAST_PARAMS).create(name, "supervisor", PASS)
    return session


def _linked(tmp_path: Path) -> tuple[Session, Session, Session, Path]:
    """(national, region A with 13 possible victims, region B with 12 and 4 without signs)."""
    nat = _coordinator(tmp_path / "nat", "Национал Координатор")
    a = _coordinator(tmp_path / "a", "Ош Координатор")
    b = _coordinator(tmp_path / "b", "Нарын Координатор")
    for _ in range(13):
        assessed_case(a)
    for _ in range(12):
        assessed_case(b, region="naryn")
    for _ in range(4):
        assessed_case(b, NONE, region="naryn")
    card = enrol.create_enrolment(nat)
    for region in (a, b):
        stats_report.trust_national(region, card)
        stats_report.trust_region(nat, enrol.create_enrolment(region))
    out = tmp_path / "usb"
    out.mkdir()
    return nat, a, b, out


def test_two_regions_merge_into_national_figures(tmp_path: Path) -> None:
    nat, a, b, out = _linked(tmp_path)
    for region, label in ((a, "Osh"), (b, "Naryn")):
        report = import_bundle(nat, stats_report.export_report(region, out, label=label))
        assert report.imported == 1 and report.quarantined == 0
    pub = stats_report.national(nat)
    assert pub.figure("screened") == 29
    assert pub.figure("possible") == 25
    assert pub.threshold == REPORT_THRESHOLD
    assert nat.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 0
    assert nat.conn.execute("SELECT count(*) FROM persons").fetchone()[0] == 0
    for dim, shown in pub.tables.items():
        assert recoverable(shown) == [], dim
    # the regions by region: B's 16 screened are shown, A's 13 too; nothing small anywhere
    region = pub.tables["region"]
    assert region.shown("naryn", "screened") == 16
    assert region.shown("osh", "screened") == 13
    # a second report for the same period replaces the first, it is not added
    import_bundle(nat, stats_report.export_report(a, out, label="Osh"))
    assert stats_report.national(nat).figure("screened") == 29


def test_a_cell_a_region_suppressed_stays_suppressed(tmp_path: Path) -> None:
    """Region B's four cases without signs are a small cell there (screened only, hidden);
    merged with region A's, the national cell holding them stays hidden whatever its sum, and
    every shown national count is the sum of counts both regions showed."""
    nat, a, b, out = _linked(tmp_path)
    reports = {}
    for region, label in ((a, "Osh"), (b, "Naryn")):
        pub = compute(region).published(REPORT_THRESHOLD)
        reports[label] = report_of(pub, label)
        import_bundle(nat, stats_report.export_report(region, out, label=label))
    merged = stats_report.national(nat)
    regional_hidden = {
        (c["dimension"], c["row"], c["column"])
        for r in reports.values()
        for c in r["cells"]
        if c["value"] is None
    }
    assert regional_hidden, "the test needs a suppressed regional cell"
    for dim, shown in merged.tables.items():
        for row in [*shown.table.rows, TOTAL]:
            for col in ("screened", "possible", "identified"):
                code = "__total__" if row == TOTAL else str(row)
                value = shown.shown(row, col)
                if (dim, code, col) in regional_hidden:
                    assert value is None, (dim, code, col)
                if value is not None:
                    parts = [
                        c["value"]
                        for r in reports.values()
                        for c in r["cells"]
                        if (c["dimension"], c["row"], c["column"]) == (dim, code, col)
                    ]
                    assert None not in parts and sum(parts) == value


def _manifest(path: Path, nat: Session, sender: Session) -> list[dict[str, Any]]:
    header, payload = read_bundle(
        path,
        {sender.device_id: devices.own_device(sender.conn, SUPERVISOR).signing_key},
        devices.own_identity(nat.conn),
    )
    return open_manifest(payload, header).records


def test_a_report_holds_no_record(tmp_path: Path) -> None:
    nat, a, _b, out = _linked(tmp_path)
    path = stats_report.export_report(a, out, label="Osh")
    records = _manifest(path, nat, a)
    assert [r["table"] for r in records] == ["stats_report"]
    text = repr(records)
    assert "Test Person" not in text and "Ош Координатор" not in text


def _forged(region: Session, nat: Session, out: Path, rows: list[dict[str, Any]]) -> Path:
    """A report package signed by `region` carrying `rows` as they are."""
    recipient = stats_report.peers(region.conn, "national")
    ((_id, (_l, _k, age)),) = recipient.items()
    head = audit_records(region.conn, 1 << 62)[1]
    return write_and_record(region, out, Kind.REPORT, rows, head, [age], 0, 0, None, None, {})


def test_attack_a_report_showing_a_small_count_is_refused(tmp_path: Path) -> None:
    nat, _a, b, out = _linked(tmp_path)
    raw = compute(b).published(1)  # nothing suppressed: the 4 cases without signs show
    report = report_of(raw, "Naryn") | {"threshold": REPORT_THRESHOLD}
    with pytest.raises(BundleError):
        import_bundle(nat, _forged(b, nat, out, [{"table": "stats_report", "row": report}]))
    assert nat.conn.execute("SELECT count(*) FROM stats_reports").fetchone()[0] == 0


def test_attack_a_report_carrying_records_is_refused(tmp_path: Path) -> None:
    nat, a, _b, out = _linked(tmp_path)
    report = report_of(compute(a).published(REPORT_THRESHOLD), "Osh")
    person = {"table": "persons", "row": {"full_name": "Test Person"}}
    with pytest.raises(BundleError):
        import_bundle(nat, _forged(a, nat, out, [{"table": "stats_report", "row": report}, person]))
    assert nat.conn.execute("SELECT count(*) FROM stats_reports").fetchone()[0] == 0


def test_attack_a_report_from_a_coordinator_not_named_as_a_region_is_refused(
    tmp_path: Path,
) -> None:
    nat, _a, _b, out = _linked(tmp_path)
    stranger = _coordinator(tmp_path / "stranger", "Бөтөн Координатор")
    assessed_case(stranger)
    stats_report.trust_national(stranger, enrol.create_enrolment(nat))
    with pytest.raises(BundleError):
        import_bundle(nat, stats_report.export_report(stranger, out, label="Osh"))
    assert nat.conn.execute("SELECT count(*) FROM stats_reports").fetchone()[0] == 0
