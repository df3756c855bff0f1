"""The coordinator acknowledges the case packages it imported, in its update packages; the
device prunes its change journal up to there and nothing is lost (issue 16, item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from idtool import demo
from idtool.database import Connection
from idtool.errors import InvalidInput
from idtool.sync import acks, export, updates
from idtool.sync.importer import import_bundle
from tests.support.sync import dump, make_world


def _journal(conn: Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM sync_changes").fetchone()[0])


def test_acknowledged_journal_is_pruned_and_later_packages_still_arrive(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    (dev,) = w.devs
    demo.generate(dev, 3, seed=1)
    import_bundle(w.sup, export.export_cases(dev, w.out))
    demo.generate(dev, 2, seed=2)
    import_bundle(w.sup, export.export_cases(dev, w.out))
    before = _journal(dev.conn)
    pending = export.pending_changes(dev)

    report = import_bundle(dev, updates.export_update(w.sup, w.out, [dev.device_id]))
    assert report.quarantined == 0
    assert acks.acknowledged(dev.conn) == 2
    assert _journal(dev.conn) < before // 2
    assert export.pending_changes(dev) == pending
    assert dev.conn.execute(
        "SELECT count(*) FROM audit WHERE action = 'sync.acknowledged'"
    ).fetchone()[0]

    demo.generate(dev, 2, seed=3)
    report = import_bundle(w.sup, export.export_cases(dev, w.out))
    assert report.quarantined == 0 and report.conflicts == 0
    mine = dump(dev.conn)
    theirs = dump(w.sup.conn)
    for table in ("persons", "cases", "answers", "decisions"):
        assert set(mine[table]) <= set(theirs[table])


def test_no_catch_up_from_an_acknowledged_package(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    (dev,) = w.devs
    demo.generate(dev, 2, seed=1)
    import_bundle(w.sup, export.export_cases(dev, w.out))
    import_bundle(dev, updates.export_update(w.sup, w.out, [dev.device_id]))
    demo.generate(dev, 1, seed=2)
    export.export_cases(dev, w.out)  # lost on the way
    with pytest.raises(InvalidInput):
        export.export_cases(dev, w.out, resend_from=1)
    catch_up = export.export_cases(dev, w.out, resend_from=2)
    report = import_bundle(w.sup, catch_up)
    assert report.quarantined == 0


def test_an_acknowledgement_of_a_package_never_written_prunes_nothing(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    (dev,) = w.devs
    demo.generate(dev, 2, seed=1)
    export.export_cases(dev, w.out)  # not imported by the coordinator
    before = _journal(dev.conn)
    forged = {
        "table": acks.TABLE,
        "row": {"device_id": dev.device_id, "sequence": 1, "digest": "0" * 64},
    }
    path = updates.export_update(w.sup, w.out, [dev.device_id], extra=[forged])
    import_bundle(dev, path)
    assert acks.acknowledged(dev.conn) == 0
    assert _journal(dev.conn) == before
    assert dev.conn.execute(
        "SELECT reason FROM sync_quarantine WHERE tbl = 'sync_acks'"
    ).fetchall() == [("unknown_bundle",)]


def test_one_acknowledgement_per_device_travels(tmp_path: Path) -> None:
    """The fact "the coordinator has package N" travels once per device (table sync_ack): it
    both prunes the journal and tells a restored device what the coordinator has."""
    w = make_world(tmp_path, 2)
    for i, dev in enumerate(w.devs):
        demo.generate(dev, 1, seed=i)
        import_bundle(w.sup, export.export_cases(dev, w.out))
    records = updates.update_bundle_records(w.sup, [d.device_id for d in w.devs])
    tables = [r["table"] for r in records]
    assert tables.count("sync_ack") == 2 and acks.TABLE not in tables
    import_bundle(w.devs[0], updates.export_update(w.sup, w.out, [w.devs[0].device_id]))
    assert acks.acknowledged(w.devs[0].conn) == 1
