"""A device's audit chain rewritten or cut after an export shows up at the coordinator's next
import as a fork naming the first differing entry; the records still import.

The attacks hold the device's passphrase: they edit its encrypted database with SQL (the
append-only triggers dropped) and, in the strongest form, also re-make the anchor file with the
key kept in that database, as someone who knows the program could."""

from __future__ import annotations

import json

import pytest

from idtool import audit, audit_anchor, cases, database, oversight
from idtool.errors import BundleError
from idtool.session import Session
from idtool.sync import export
from idtool.sync.importer import import_bundle
from idtool.vault import Vault
from tests.support.audit_attacks import close_for_attack, exported, reopen, rewrite_from
from tests.support.sync import REGION


def forge_anchor(vault: Vault, key: bytes) -> None:
    """What a person who knows the program can do: a valid anchor for the rewritten head."""
    conn = database.connect(vault.db_path, key)
    try:
        anchor_key = bytes.fromhex(
            conn.execute("SELECT value FROM meta WHERE key = 'audit_anchor_key'").fetchone()[0]
        )
        db_id = conn.execute("SELECT value FROM meta WHERE key = 'db_id'").fetchone()[0]
        seq, digest = audit.head(conn)
    finally:
        conn.close()
    (vault.folder / audit_anchor.ANCHOR_FILE).write_bytes(
        audit_anchor.anchor_bytes(anchor_key, db_id, seq, digest)
    )


def findings(sup: Session) -> list[tuple[str, int | None, int, str]]:
    return sup.conn.execute(
        "SELECT kind, first_seq, exact, reason FROM sync_audit_findings ORDER BY rowid"
    ).fetchall()


def assert_stored_chain_is_the_devices(sup: Session, dev: Session) -> None:
    stored = sup.conn.execute(
        "SELECT seq, hash FROM sync_audit WHERE sender = ? ORDER BY seq", (dev.device_id,)
    ).fetchall()
    device = dev.conn.execute("SELECT seq, hash FROM audit ORDER BY seq").fetchall()
    assert stored == device[: len(stored)]
    assert [s for s, _h in stored] == list(range(1, len(stored) + 1))


def audit_items(sup: Session) -> list[oversight.ReviewItem]:
    return [i for i in oversight.queue(sup) if i.kind == oversight.Kind.AUDIT_LOG]


# -- attacks --------------------------------------------------------------------------------


def test_a_chain_rewritten_after_an_export_is_a_fork_at_the_first_rewritten_entry(tmp_path):
    w, dev, top = exported(tmp_path)
    original = dict(
        w.sup.conn.execute(
            "SELECT seq, hash FROM sync_audit WHERE sender = ?", (dev.device_id,)
        ).fetchall()
    )
    k = top - 4
    vault, key = close_for_attack(w)
    rewrite_from(vault, key, k)
    dev = reopen(w)
    assert dev.audit_findings  # the anchor noticed it on the device too
    new_case = cases.open_case(dev, full_name="Айбек Тестов", region=REGION)
    report = import_bundle(w.sup, export.export_cases(dev, w.out))
    assert {
        "kind": "rewritten",
        "first_seq": k,
        "exact": True,
        "reason": "",
    } in report.audit_findings
    assert any(f"from entry {k} on" in line for line in report.lines())
    # The records still import.
    assert w.sup.conn.execute("SELECT 1 FROM cases WHERE uuid = ?", (new_case.uuid,)).fetchone()
    # The original entries are kept as evidence; the device's chain is stored in their place.
    archived = dict(w.sup.conn.execute("SELECT seq, hash FROM sync_audit_archive"))
    assert archived == {s: h for s, h in original.items() if s >= k}
    assert_stored_chain_is_the_devices(w.sup, dev)
    kinds = [f[0] for f in findings(w.sup)]
    assert kinds.count("rewritten") == 1 and "reported" in kinds
    assert "sync.audit_fork" in [e.action for e in audit.entries(w.sup.conn)]
    texts = [oversight.describe(w.sup, i) for i in audit_items(w.sup)]
    assert any(f"from entry {k} on" in t and "post 0" in t for t in texts)
    # Later bundles continue normally.
    cases.open_case(dev, full_name="Жаңы Иш", region=REGION)
    later = import_bundle(w.sup, export.export_cases(dev, w.out))
    assert later.audit_findings == [] and later.imported > 0
    assert_stored_chain_is_the_devices(w.sup, dev)


def test_a_rewrite_with_a_forged_anchor_is_still_a_fork_at_the_coordinator(tmp_path):
    w, dev, top = exported(tmp_path)
    k = top - 6
    vault, key = close_for_attack(w)
    rewrite_from(vault, key, k)
    forge_anchor(vault, key)
    dev = reopen(w)
    assert dev.audit_findings == ()  # nothing to see on the device itself
    report = import_bundle(w.sup, export.export_cases(dev, w.out))
    assert [(f["kind"], f["first_seq"], f["exact"]) for f in report.audit_findings] == [
        ("rewritten", k, True)
    ]


def test_hiding_the_export_record_as_well_still_forks_at_or_before_the_exported_head(tmp_path):
    """The device is made to send only its new entries: they do not link to the stored head,
    so the fork is named "at or before" it."""
    w, dev, top = exported(tmp_path)
    vault, key = close_for_attack(w)
    rewrite_from(vault, key, top - 6)
    forge_anchor(vault, key)
    conn = database.connect(vault.db_path, key)
    new_hash = conn.execute("SELECT hash FROM audit WHERE seq = ?", (top,)).fetchone()[0]
    report_json = json.loads(
        conn.execute(
            "SELECT report FROM sync_bundles WHERE direction = 'out' AND kind = 'case'"
        ).fetchone()[0]
    )
    conn.execute(
        "UPDATE sync_bundles SET report = ? WHERE direction = 'out' AND kind = 'case'",
        (json.dumps({**report_json, "audit_hash": new_hash}),),
    )
    conn.close()
    dev = reopen(w)
    report = import_bundle(w.sup, export.export_cases(dev, w.out))
    assert [(f["kind"], f["first_seq"], f["exact"]) for f in report.audit_findings] == [
        ("rewritten", top, False)
    ]
    assert any(f"at or before entry {top}" in line for line in report.lines())


@pytest.mark.parametrize("forged_anchor", [False, True])
def test_cutting_the_tail_after_an_export_is_a_fork_naming_the_first_missing_entry(
    tmp_path, forged_anchor
):
    w, dev, top = exported(tmp_path)
    k = top - 6
    vault, key = close_for_attack(w)
    conn = database.connect(vault.db_path, key)
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.execute("DELETE FROM audit WHERE seq >= ?", (k,))
    seq, digest = audit.head(conn)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (f"{seq}:{digest}",))
    conn.close()
    if forged_anchor:
        forge_anchor(vault, key)
    dev = reopen(w)
    assert bool(dev.audit_findings) is not forged_anchor
    report = import_bundle(w.sup, export.export_cases(dev, w.out))
    forks = [f for f in report.audit_findings if f["kind"] in ("cut", "rewritten")]
    assert [(f["kind"], f["first_seq"], f["exact"]) for f in forks] == [("cut", k, True)]
    assert (
        w.sup.conn.execute("SELECT count(*) FROM sync_audit_archive").fetchone()[0] == top - k + 1
    )
    assert_stored_chain_is_the_devices(w.sup, dev)


def test_a_device_whose_unlock_found_damage_reports_it_and_its_cases_still_arrive(tmp_path):
    """An entry not yet exported is edited (its hash left as it was): the device records the
    break at unlock and sends its whole chain; the coordinator accepts the declared break,
    and both the device's report and the break appear in the review queue."""
    w, dev, _top = exported(tmp_path)
    cases.open_case(dev, full_name="Айбек Тестов", region=REGION)
    m = audit.head(dev.conn)[0] - 1
    vault, key = close_for_attack(w)
    conn = database.connect(vault.db_path, key)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET details = '{\"edited\":1}' WHERE seq = ?", (m,))
    conn.close()
    dev = reopen(w)
    assert [(f.seq, f.reason) for f in dev.audit_findings] == [(m, "entry_altered")]
    last = cases.open_case(dev, full_name="Жаңы Иш", region=REGION)
    report = import_bundle(w.sup, export.export_cases(dev, w.out))
    assert w.sup.conn.execute("SELECT 1 FROM cases WHERE uuid = ?", (last.uuid,)).fetchone()
    assert sorted((f["kind"], f["first_seq"]) for f in report.audit_findings) == [
        ("broken", m),
        ("reported", m),
    ]
    texts = [oversight.describe(w.sup, i) for i in audit_items(w.sup)]
    assert any(
        f"entry {m} was altered" in t and "found its own audit log damaged" in t for t in texts
    )
    assert any(f"broken at entry {m}" in t for t in texts)
    # The next bundle is a normal one again.
    cases.open_case(dev, full_name="Дагы Бир", region=REGION)
    assert import_bundle(w.sup, export.export_cases(dev, w.out)).audit_findings == []


def test_a_fork_is_resolved_in_the_review_queue(tmp_path):
    w, dev, top = exported(tmp_path)
    vault, key = close_for_attack(w)
    rewrite_from(vault, key, top - 3)
    dev = reopen(w)
    import_bundle(w.sup, export.export_cases(dev, w.out))
    items = audit_items(w.sup)
    assert items and all(i.case_uuid is None for i in items)
    for item in items:
        oversight.resolve(w.sup, item, "Asked the post; the computer was seized")
    assert audit_items(w.sup) == []
    assert (
        w.sup.conn.execute(
            "SELECT count(*) FROM sync_audit_findings WHERE resolved_at IS NULL"
        ).fetchone()[0]
        == 0
    )


# -- what stays refused ---------------------------------------------------------------------


def test_a_bundle_inconsistent_with_its_own_head_is_still_refused(tmp_path):
    from tests.support.sync import craft

    w, dev, top = exported(tmp_path)
    rows = export.audit_records(dev.conn, 0)[0]
    previous = dev.conn.execute(
        "SELECT digest FROM sync_bundles WHERE direction = 'out' AND kind = 'case'"
    ).fetchone()[0]
    head = (rows[-1]["row"]["seq"], rows[-1]["row"]["hash"])
    cut = rows[: top - 3]
    zero = [{"table": "audit", "row": {**rows[0]["row"], "seq": 0}}, *rows[1:]]
    for entries, claimed in (
        (cut, head),  # ends before its head
        (rows[:3] + rows[4:], head),  # an undeclared hole
        (zero, head),  # a sequence number below 1
    ):
        with pytest.raises(BundleError) as e:
            import_bundle(
                w.sup, craft(dev, w.out, entries, sequence=2, previous=previous, head=claimed)
            )
        assert e.value.reason == "audit_head"
    # A whole chain that stops short of the stored one, consistent with its own head: a cut.
    short = rows[: top - 3]
    report = import_bundle(
        w.sup,
        craft(
            dev,
            w.out,
            short,
            sequence=2,
            previous=previous,
            head=(short[-1]["row"]["seq"], short[-1]["row"]["hash"]),
        ),
    )
    assert [(f["kind"], f["first_seq"], f["exact"]) for f in report.audit_findings] == [
        ("cut", top - 2, True)
    ]
