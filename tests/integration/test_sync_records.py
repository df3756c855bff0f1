"""The records a case bundle carries and what the importer does with them: the first export reads
whole tables and carries what the change journal names, parents first; fuzzed records from a
trusted device are only reported or quarantined."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idtool.errors import BundleError
from idtool.sync import export, tables
from idtool.sync.importer import import_bundle
from tests.support.cases import person_case
from tests.support.sync import World, craft, make_world

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=20),
    st.binary(max_size=8),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.integers(), max_size=3),
)
TABLES = st.sampled_from([*tables.ORDER, "audit", "sync_devices", "nope", ""])


@st.composite
def records(draw: st.DrawFn, columns: dict[str, list[str]]) -> dict[str, Any]:
    table = draw(TABLES)
    names = columns.get(table, ["uuid", "x"])
    row: dict[str, Any] = {}
    for name in names:
        if draw(st.integers(0, 9)) == 0:
            continue  # a missing field
        if name in ("uuid", "case_uuid", "person_uuid", "interview_uuid"):
            row[name] = draw(st.one_of(st.just(str(uuid.uuid4())), VALUES))
        else:
            row[name] = draw(VALUES)
    if draw(st.booleans()):
        row[draw(st.text(min_size=1, max_size=5))] = draw(VALUES)
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return {"table": table}
    if shape == 1:
        return {"table": table, "row": draw(VALUES)}
    return {"table": table, "row": row}


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("fuzz"), 1)


def test_fuzzed_records_only_report_or_quarantine(fuzz_world: World) -> None:
    w = fuzz_world
    dev = w.devs[0]
    schema = tables.schema(w.sup.conn)
    columns = {name: list(t.names) for name, t in schema.items()}

    @settings(
        max_examples=100,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(records(columns), max_size=8))
    def run(batch: list[dict[str, Any]]) -> None:
        last = w.sup.conn.execute(
            "SELECT sequence, digest FROM sync_bundles WHERE direction = 'in' AND sender = ?"
            " ORDER BY sequence DESC LIMIT 1",
            (dev.device_id,),
        ).fetchone()
        seq, previous = (0, None) if last is None else last
        done = w.sup.conn.execute(
            "SELECT coalesce(max(seq), 0) FROM sync_audit WHERE sender = ?", (dev.device_id,)
        ).fetchone()[0]
        audit, head = export.audit_records(dev.conn, done)
        path = craft(dev, w.out, batch + audit, sequence=seq + 1, previous=previous, head=head)
        try:
            report = import_bundle(w.sup, path)
        except BundleError:
            return
        finally:
            path.unlink()
        assert report.imported + report.unchanged + report.conflicts + report.quarantined >= len(
            batch
        ) - sum(r.get("table") == "audit" for r in batch)

    run()


def test_first_export_reads_whole_tables_and_carries_what_the_journal_would(tmp_path: Path) -> None:
    """Since position 0 the tables are read whole (fast path); the records are exactly those
    the change journal names, and a decision comes after the one it supersedes."""
    from idtool import decisions, demo
    from idtool.decisions import Decision

    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    demo.generate(dev, 4, seed=3)
    case = person_case(dev, "Тест Тестов")
    first = decisions.record(dev, case.uuid, Decision.NEEDS_INFORMATION, "ask again")
    later = decisions.record(dev, case.uuid, Decision.NOT_VICTIM, "no indicators")
    whole, top = export.changed_records(dev.conn, 0)
    journal, top_j = export.changed_records(dev.conn, -1)  # the journal path, same changes

    def canonical(records: list[dict[str, Any]]) -> list[str]:
        return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in records)

    assert top == top_j and canonical(whole) == canonical(journal)
    order = [r["row"]["uuid"] for r in whole if r["table"] == "decisions"]
    assert order.index(first.uuid) < order.index(later.uuid)
    tables_seen = [r["table"] for r in whole]
    assert tables_seen == sorted(tables_seen, key=tables.ORDER.index)  # parents first
