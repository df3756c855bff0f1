"""Writing lost packages again: a catch-up package (`export_cases(..., resend_from=N)`) takes
the next sequence number and carries everything since package N-1, so a lost USB stick no
longer blocks a post for ever; the lost package turning up later is refused as covered."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest

from idtool import audit, cases, database, demo, kdf
from idtool.audit import entry_hash
from idtool.bundle import Kind, encode_manifest, read_unverified_header, write_bundle
from idtool.bundle import header as hdr
from idtool.errors import BundleError, InvalidInput
from idtool.session import Session
from idtool.sync import devices, export
from idtool.sync.importer import import_bundle
from tests.support.sync import PASS, World, dump, make_world


def records_only(conn: database.Connection) -> dict[str, Any]:
    """`dump` without the list of bundles imported (a catch-up world imports other ones)."""
    result = dump(conn)
    del result["bundles"]
    return result


def four_packages(w: World) -> list[Path]:
    """Packages 1..4 from the first device; each carries new cases, 3 and 4 also edit older
    ones (so the catch-up package carries newer versions of records some packages had)."""
    dev = w.devs[0]
    region = next(iter(cases.REGIONS))
    paths = []
    demo.generate(dev, 1, seed=1)
    first = cases.open_case(dev, full_name="Бермет Мисалова", region=region)
    paths.append(export.export_cases(dev, w.out))
    second = cases.open_case(dev, full_name="Нурлан Мисалов", region=region)
    paths.append(export.export_cases(dev, w.out))
    demo.generate(dev, 1, seed=3)
    with database.transaction(dev.conn):
        cases.set_status(dev, second.uuid, cases.Status.NEEDS_INFORMATION)
    paths.append(export.export_cases(dev, w.out))
    with database.transaction(dev.conn):
        cases.set_status(dev, first.uuid, cases.Status.CLOSED)
        cases.set_status(dev, second.uuid, cases.Status.CLOSED)
    cases.open_case(dev, full_name="Айбек Тестов", region=region)
    paths.append(export.export_cases(dev, w.out))
    return paths


def two_supervisors(tmp_path: Path, w: World) -> tuple[Session, Session]:
    """The world's supervisor and an identical copy of it, both open."""
    w.sup.close()
    shutil.copytree(tmp_path / "sup", tmp_path / "sup2")
    return w.reopen_supervisor(tmp_path / "sup"), w.reopen_supervisor(tmp_path / "sup2")


def refused(session: Session, path: Path, reason: str) -> BundleError:
    before = dump(session.conn)
    with pytest.raises(BundleError) as e:
        import_bundle(session, path)
    assert e.value.reason == reason, e.value.message
    assert "\n" not in e.value.message
    assert dump(session.conn) == before  # nothing was imported
    return e.value


def assert_audit_intact(sup: Session, dev: Session) -> None:
    """The supervisor's own chain verifies; its copy of the device's chain is the device's own
    entries from the first, hash-linked without a hole."""
    assert audit.verify(sup.conn).ok
    assert audit.verify(dev.conn).ok
    stored = sup.conn.execute(
        "SELECT seq, hash FROM sync_audit WHERE sender = ? ORDER BY seq", (dev.device_id,)
    ).fetchall()
    assert [s for s, _h in stored] == list(range(1, len(stored) + 1))
    device = dict(dev.conn.execute("SELECT seq, hash FROM audit"))
    assert all(device[s] == h for s, h in stored)
    prev = audit.GENESIS
    for seq, entry, digest in sup.conn.execute(
        "SELECT seq, entry, hash FROM sync_audit WHERE sender = ? ORDER BY seq", (dev.device_id,)
    ):
        body = json.loads(entry)
        assert body.pop("prev_hash") == prev, seq
        assert entry_hash(prev, body) == digest, seq
        prev = digest


def craft_catch_up(
    dev: Session,
    out: Path,
    *,
    sequence: int,
    covers_from: int,
    previous: str | None,
    since: int = 0,
    audit_since: int = 0,
    audit_rows: list[dict[str, Any]] | None = None,
) -> Path:
    """A catch-up package made by hand, correctly signed by the device."""
    conn = dev.conn
    records, _top = export.changed_records(conn, since)
    entries, head = export.audit_records(conn, audit_since)
    if audit_rows is not None:
        entries = [{"table": "audit", "row": row} for row in audit_rows]
    fields = {
        "bundle_id": str(uuid.uuid4()),
        "kind": "case",
        "sender": dev.device_id,
        "sequence": sequence,
        "previous": previous,
        "covers_from": covers_from,
        "schema_version": export._schema_version(),
        "audit_head": head,
    }
    return write_bundle(
        out,
        fields,
        encode_manifest(fields, records + entries),
        devices.own_signing_key(conn),
        [devices.supervisor(conn).age_recipient],
    )


def out_row(dev: Session, sequence: int) -> tuple[str, int, int]:
    row = dev.conn.execute(
        "SELECT digest, last_change, last_audit FROM sync_bundles WHERE"
        " direction = 'out' AND kind = 'case' AND sequence = ?",
        (sequence,),
    ).fetchone()
    return str(row[0]), int(row[1]), int(row[2])


# -- the lost package -----------------------------------------------------------------------


def test_lost_package_is_written_again_and_the_post_is_unblocked(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    p1, p2, p3, p4 = four_packages(w)
    in_order, sup = two_supervisors(tmp_path, w)
    for path in (p1, p2, p3, p4):
        assert import_bundle(in_order, path).quarantined == 0

    # Package 2 is lost: 3 (and 4) are refused, and the message says what to do.
    assert import_bundle(sup, p1).imported > 0
    for path in (p3, p4):
        e = refused(sup, path, "gap")
        assert e.message == (
            f"Exchange package 2 from device {dev.device_id} is missing: import it first, or "
            "ask the post to write the packages again from 2 (Exchange > Write lost packages "
            "again…). Nothing was imported."
        )

    # The post writes the lost packages again, from 2: sequence 5, covering 2..5.
    p5 = export.export_cases(dev, w.out, resend_from=2)
    header = read_unverified_header(p5)
    assert (header.sequence, header.covers_from) == (5, 2)
    assert header.previous == read_unverified_header(p1).digest == out_row(dev, 1)[0]
    assert export.last_out(dev.conn, dev.device_id, Kind.CASE)[:2] == (5, header.digest)
    report = import_bundle(sup, p5)
    assert report.sequence == 5 and report.imported > 0
    assert report.quarantined == report.conflicts == 0
    # The same records as a supervisor that imported 1..4 in order; its copy of the device's
    # audit log also has the entries written since 4 (the device noting its exports).
    got, want = records_only(sup.conn), records_only(in_order.conn)
    got_audit, want_audit = got.pop("sync_audit"), want.pop("sync_audit")
    assert got == want
    assert got_audit[: len(want_audit)] == want_audit
    extra_audit = got_audit[len(want_audit) :]
    assert extra_audit and all('"bundle.export"' in entry for _s, _q, entry, _h in extra_audit)
    assert_audit_intact(sup, dev)
    log = sup.conn.execute(
        "SELECT details FROM audit WHERE action = 'bundle.import' ORDER BY seq DESC LIMIT 1"
    ).fetchone()[0]
    assert '"covers_from": 2' in log or '"covers_from":2' in log

    # The supervisor that had 1..4 takes the same catch-up package as an overlap: nothing new
    # but the audit entries, every record unchanged; then both databases are the same.
    overlap = import_bundle(in_order, p5)
    assert overlap.imported == 0 and overlap.unchanged > 0 and overlap.conflicts == 0
    assert overlap.audit_entries == len(extra_audit)
    assert records_only(in_order.conn) == records_only(sup.conn)

    # The next normal package follows the catch-up package.
    cases.open_case(dev, full_name="Жаңы Иш", region=next(iter(cases.REGIONS)))
    p6 = export.export_cases(dev, w.out)
    header6 = read_unverified_header(p6)
    assert header6.covers_from is None and header6.previous == header.digest
    assert "covers_from" not in header6.to_json()
    assert import_bundle(sup, p6).imported > 0
    assert import_bundle(in_order, p6).imported > 0
    assert records_only(in_order.conn) == records_only(sup.conn)

    # The lost package turns up: refused as covered (not as a replay), nothing changes; the
    # same for 3 and 4. The packages really imported are still replays / already imported.
    e = refused(sup, p2, "covered")
    assert e.message == (
        f"Exchange package 2 from device {dev.device_id} is not needed: its "
        "changes came in package 5, which was imported already. Nothing was "
        "imported."
    )
    for path in (p3, p4):
        assert "package 5" in refused(sup, path, "covered").message
    assert import_bundle(sup, p1).already_imported
    assert import_bundle(sup, p5).already_imported
    # On the supervisor that had them all, the same files are simply "already imported".
    assert import_bundle(in_order, p2).already_imported
    assert_audit_intact(sup, dev)
    assert_audit_intact(in_order, dev)
    in_order.close()
    sup.close()


def test_catch_up_from_the_first_package(tmp_path: Path) -> None:
    """Package 1 lost: resend from 1 carries everything and has no previous."""
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    p1, p2, *_rest = four_packages(w)
    refused(w.sup, p2, "gap")
    p5 = export.export_cases(dev, w.out, resend_from=1)
    header = read_unverified_header(p5)
    assert (header.sequence, header.covers_from, header.previous) == (5, 1, None)
    report = import_bundle(w.sup, p5)
    assert report.imported == len(export.changed_records(dev.conn, 0)[0])
    assert report.audit_entries == header.audit_head.seq
    for path in (p1, p2):
        refused(w.sup, path, "covered")
    assert_audit_intact(w.sup, dev)


def test_catch_up_from_too_high_names_the_lowest_missing(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    p1, _p2, _p3, _p4 = four_packages(w)
    import_bundle(w.sup, p1)
    p5 = export.export_cases(dev, w.out, resend_from=3)  # the supervisor lacks 2 too
    assert read_unverified_header(p5).covers_from == 3
    e = refused(w.sup, p5, "gap")
    assert "package 2 " in e.message and "again from 2 " in e.message
    # Written again from 2, it imports; the too-high one (sequence 5) is then covered.
    p6 = export.export_cases(dev, w.out, resend_from=2)
    assert import_bundle(w.sup, p6).imported > 0
    assert "package 6" in refused(w.sup, p5, "covered").message
    assert_audit_intact(w.sup, dev)


def test_catch_up_from_earlier_than_needed_overlaps(tmp_path: Path) -> None:
    """1..3 arrived, 4 is lost; the officer writes again from 2: what the supervisor has comes
    out unchanged, the audit entries it has are checked and skipped, the rest imports."""
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    p1, p2, p3, p4 = four_packages(w)
    in_order, sup = two_supervisors(tmp_path, w)
    for path in (p1, p2, p3, p4):
        import_bundle(in_order, path)
    for path in (p1, p2, p3):
        import_bundle(sup, path)
    stored = sup.conn.execute("SELECT count(*) FROM sync_audit").fetchone()[0]
    p5 = export.export_cases(dev, w.out, resend_from=2)
    report = import_bundle(sup, p5)
    assert report.unchanged > 0 and report.imported > 0 and report.conflicts == 0
    assert report.audit_entries == read_unverified_header(p5).audit_head.seq - stored
    import_bundle(in_order, p5)
    assert records_only(sup.conn) == records_only(in_order.conn)
    refused(sup, p4, "covered")
    assert import_bundle(sup, p3).already_imported
    # A second catch-up from 2 (say the first was thought lost too) overlaps again.
    p6 = export.export_cases(dev, w.out, resend_from=2)
    again = import_bundle(sup, p6)
    assert again.imported == 0 and again.conflicts == 0 and again.unchanged > 0
    assert_audit_intact(sup, dev)
    in_order.close()
    sup.close()


# -- forged or inconsistent catch-up packages -----------------------------------------------


def test_catch_up_with_a_wrong_previous_or_audit_is_refused(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    p1, p2, p3, _p4 = four_packages(w)
    import_bundle(w.sup, p1)
    d1, change1, audit1 = out_row(dev, 1)
    d2 = out_row(dev, 2)[0]
    common = {"sequence": 5, "since": change1, "audit_since": audit1}
    # `previous` is not the digest of package 1 (covers_from - 1).
    for previous in (d2, None, "ab" * 32):
        refused(
            w.sup, craft_catch_up(dev, w.out, covers_from=2, previous=previous, **common), "chain"
        )
    # Claims to start at 1 but chains to package 1.
    refused(w.sup, craft_catch_up(dev, w.out, covers_from=1, previous=d1, sequence=5), "chain")

    # Overlap: the supervisor has 1..3; the repeated audit entries must be exactly its own.
    import_bundle(w.sup, p2)
    import_bundle(w.sup, p3)
    rows = [r["row"] for r in export.audit_records(dev.conn, audit1)[0]]
    altered = [dict(r) for r in rows]
    altered[0]["details"] = {**altered[0]["details"], "note": "rewritten"}
    prev = altered[0]["prev_hash"]
    for row in altered:  # re-hash so the altered chain is internally consistent
        body = {
            k: row[k] for k in ("seq", "ts", "device_id", "officer", "action", "target", "details")
        }
        row["prev_hash"], row["hash"] = prev, entry_hash(prev, body)
        prev = row["hash"]
    for bad in (
        altered,  # a stored entry rewritten
        rows[1:2] + rows[3:],  # a hole among the repeated entries
        rows[:2],
    ):  # stops short of the stored head
        refused(
            w.sup,
            craft_catch_up(dev, w.out, covers_from=2, previous=d1, audit_rows=bad, **common),
            "audit_head",
        )
    # The genuine hand-made one imports.
    good = craft_catch_up(dev, w.out, covers_from=2, previous=d1, audit_rows=rows, **common)
    assert import_bundle(w.sup, good).conflicts == 0
    assert_audit_intact(w.sup, dev)


def test_a_forged_covers_from_fails_the_signature(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    p1, *_rest = four_packages(w)
    import_bundle(w.sup, p1)
    p5 = export.export_cases(dev, w.out, resend_from=2)
    data = p5.read_bytes()
    assert data.count(b'"covers_from":2') == 1
    forged = w.out / "forged.idtb"
    forged.write_bytes(data.replace(b'"covers_from":2', b'"covers_from":1'))
    refused(w.sup, forged, "bad_signature")
    assert import_bundle(w.sup, p5).imported > 0


def test_header_field_is_strict() -> None:
    base = {
        "bundle_id": str(uuid.uuid4()),
        "kind": "case",
        "sender": "dev-1",
        "sequence": 5,
        "previous": None,
        "recipients": ["0" * 16],
        "payload_length": 0,
        "payload_sha256": "0" * 64,
        "schema_version": 6,
        "audit_head": {"seq": 0, "hash": "0" * 64},
        "created": "now",
        "sender_key_id": "0" * 16,
    }
    assert hdr.header_from_json(base).covers_from is None
    assert hdr.header_from_json({**base, "covers_from": 5}).covers_from == 5
    assert hdr.header_from_json({**base, "covers_from": 1}).to_json()["covers_from"] == 1
    for bad in (
        {**base, "covers_from": 0},
        {**base, "covers_from": 6},
        {**base, "covers_from": None},
        {**base, "covers_from": "2"},
        {**base, "covers_from": True},
        {**base, "kind": "update", "covers_from": 1},
    ):
        with pytest.raises(BundleError) as e:
            hdr.header_from_json(bad)
        assert e.value.reason == "bad_header"
    text = hdr.encode_header(hdr.header_from_json({**base, "covers_from": 2}))
    assert hdr.parse_header_region(text).covers_from == 2


# -- the device side ------------------------------------------------------------------------


def test_resend_needs_a_written_package(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    with pytest.raises(InvalidInput):
        export.export_cases(dev, w.out, resend_from=1)  # nothing written yet
    export.export_cases(dev, w.out)
    export.export_cases(dev, w.out)
    for bad in (0, 3, -1):
        with pytest.raises(InvalidInput) as e:
            export.export_cases(dev, w.out, resend_from=bad)
        assert "1 to 2" in e.value.message
    assert list(w.out.iterdir()) and export.last_out(dev.conn, dev.device_id, Kind.CASE)[0] == 2
    path = export.export_cases(dev, w.out, resend_from=2)
    listed = export.out_bundles(dev.conn, dev.device_id)
    assert [b["sequence"] for b in listed] == [1, 2, 3]
    assert [b["covers_from"] for b in listed] == [None, None, 2]
    assert read_unverified_header(path).sequence == 3
    action = dev.conn.execute(
        "SELECT details FROM audit WHERE action = 'bundle.export' ORDER BY seq DESC LIMIT 1"
    ).fetchone()[0]
    assert "covers_from" in action


def test_command_line_resend_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from idtool.cli import main
    from idtool.vault import Vault

    w = make_world(tmp_path, 1)
    p1, *_rest = four_packages(w)
    import_bundle(w.sup, p1)
    w.devs[0].close()
    monkeypatch.setenv("IDTOOL_PASSPHRASE", PASS)
    d = ["--data", str(tmp_path / "dev0"), "--officer", "Officer 0", "--lang", "en"]
    capsys.readouterr()
    assert main([*d, "export", "--out", str(w.out), "--resend-from", "9"]) == InvalidInput.exit_code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "1 to 4" in err[0]
    assert main([*d, "export", "--out", str(w.out), "--update", "--resend-from", "2"]) != 0
    capsys.readouterr()
    assert main([*d, "export", "--out", str(w.out), "--resend-from", "2"]) == 0
    path = Path(capsys.readouterr().out.strip())
    header = read_unverified_header(path)
    assert (header.sequence, header.covers_from) == (5, 2)
    assert import_bundle(w.sup, path).imported > 0
    dev = Vault(tmp_path / "dev0", kdf_params=kdf.FAST_PARAMS).unlock("Officer 0", PASS)
    assert_audit_intact(w.sup, dev)
    dev.close()
