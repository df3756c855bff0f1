"""A coordinator ("supervisor") and enrolled devices on one computer, for the exchange tests:
the world, a canonical dump of what an import writes, and case bundles made by hand."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idtool import audit, cases, database, demo, kdf
from idtool.bundle import encode_manifest, write_bundle
from idtool.session import Session
from idtool.sync import devices, enrol, export, tables, updates
from idtool.sync.importer import import_bundle
from idtool.vault import Vault

SUP = "Айгүл Өмүрбекова"
PASS = "sync-pass-2026"
CRISIS = "crisis-centre-osh"
OMBUDSMAN = "ombudsman"
REGION = next(iter(cases.REGIONS))
# An officer removed from the coordinator, who may have kept a copy of its folder.
REMOVED = "Мирлан Кеткен"
REMOVED_PASS = "left-the-office-2026"


@dataclass
class World:
    root: Path
    sup: Session
    devs: list[Session]
    out: Path

    def reopen_supervisor(self, folder: Path) -> Session:
        return Vault(folder, kdf_params=kdf.FAST_PARAMS).unlock(SUP, PASS)


def make_world(root: Path, n_devices: int) -> World:
    """A supervisor and `n_devices` police officers' devices enrolled with it ("post i"), each
    holding the supervisor's first update; `out` is the USB stick."""
    sup, _ = Vault(root / "sup", kdf_params=kdf.FAST_PARAMS).create(SUP, "supervisor", PASS)
    offer = enrol.create_enrolment(sup)
    devs = []
    for i in range(n_devices):
        dev, _ = Vault(root / f"dev{i}", kdf_params=kdf.FAST_PARAMS).create(
            f"Officer {i}", "police", PASS
        )
        request = enrol.accept_enrolment(dev, offer, label=f"post {i}")
        update = enrol.approve(sup, request, root / f"update{i}.idtb")
        report = import_bundle(dev, update)
        assert not report.already_imported and report.quarantined == 0
        devs.append(dev)
    out = root / "usb"
    out.mkdir()
    return World(root, sup, devs, out)


def world_with_exports(tmp_path: Path, n: int = 2) -> World:
    """`make_world` whose devices each sent four demo cases the supervisor imported."""
    w = make_world(tmp_path, n)
    for i, dev in enumerate(w.devs):
        demo.generate(dev, 4, seed=i)
        import_bundle(w.sup, export.export_cases(dev, w.out))
    return w


def update_all(w: World) -> None:
    """The supervisor's updates ("Send updates to all devices": the shared one, and a device's
    own where the coordinator changed its cases) reach each device."""
    path, own = updates.export_updates(w.sup, w.out)
    for dev in w.devs:
        report = import_bundle(dev, path)
        assert not report.already_imported
        if dev.device_id in own:
            import_bundle(dev, own[dev.device_id])


def two_orgs(tmp_path: Path, org: str) -> tuple[World, Session, Session]:
    """Two devices, the second working for `org`, both told so: (world, sender, receiver)."""
    w = make_world(tmp_path, 2)
    sender, receiver = w.devs
    devices.set_organisation(w.sup, receiver.device_id, org)
    update_all(w)
    return w, sender, receiver


def dump(conn: database.Connection) -> dict[str, Any]:
    """Canonical content of everything an import writes, apart from clocks and random ids."""
    schema = tables.schema(conn)
    result: dict[str, Any] = {}
    for name, table in schema.items():
        result[name] = conn.execute(
            f"SELECT {', '.join(table.names)} FROM {name} ORDER BY {', '.join(table.key)}"
        ).fetchall()
    result["sync_audit"] = conn.execute(
        "SELECT sender, seq, entry, hash FROM sync_audit ORDER BY sender, seq"
    ).fetchall()
    result["sync_duplicates"] = conn.execute(
        "SELECT person_a, person_b, reason FROM sync_duplicates ORDER BY 1, 2"
    ).fetchall()
    result["sync_conflicts"] = conn.execute(
        "SELECT tbl, record_key, local, incoming FROM sync_conflicts ORDER BY 1, 2"
    ).fetchall()
    result["sync_quarantine"] = conn.execute(
        "SELECT tbl, record, reason FROM sync_quarantine ORDER BY 1, 2"
    ).fetchall()
    result["bundles"] = conn.execute(
        "SELECT bundle_id, sender, sequence, digest FROM"
        " sync_bundles WHERE direction = 'in' ORDER BY 1"
    ).fetchall()
    return result


def craft(
    dev: Session,
    out: Path,
    records: list[dict[str, Any]],
    *,
    sequence: int = 1,
    previous: str | None = None,
    head: tuple[int, str] | None = None,
    signing: str | None = None,
    recipients: list[str] | None = None,
) -> Path:
    """A case bundle made by hand, signed with the device's key unless told otherwise."""
    conn = dev.conn
    if head is None:
        head = export.audit_records(conn, 1 << 62)[1]
    fields = {
        "bundle_id": str(uuid.uuid4()),
        "kind": "case",
        "sender": dev.device_id,
        "sequence": sequence,
        "previous": previous,
        "schema_version": 6,
        "audit_head": head,
    }
    if recipients is None:
        recipients = [devices.supervisor(conn).age_recipient]
    return write_bundle(
        out,
        fields,
        encode_manifest(fields, records),
        signing or devices.own_signing_key(conn),
        recipients,
    )


def device_records(dev: Session) -> list[dict[str, Any]]:
    """Every record and audit entry the device has, as its first bundle would carry them."""
    records, _ = export.changed_records(dev.conn, 0)
    audit_entries, _ = export.audit_records(dev.conn, 0)
    return records + audit_entries


def send(w: World, dev: Session, records: list[dict[str, Any]]) -> Any:
    """A hand-made case bundle that follows the last one the supervisor imported from `dev`
    (right sequence, previous digest and audit head), signed with the device's own key."""
    conn = w.sup.conn
    row = conn.execute(
        "SELECT sequence, digest FROM sync_bundles WHERE direction = 'in' AND"
        " sender = ? AND kind = 'case' ORDER BY sequence DESC LIMIT 1",
        (dev.device_id,),
    ).fetchone()
    sequence, previous = (0, None) if row is None else (int(row[0]), str(row[1]))
    top = conn.execute(
        "SELECT seq, hash FROM sync_audit WHERE sender = ? ORDER BY seq DESC LIMIT 1",
        (dev.device_id,),
    ).fetchone()
    head = (0, audit.GENESIS) if top is None else (int(top[0]), str(top[1]))
    path = craft(dev, w.out, records, sequence=sequence + 1, previous=previous, head=head)
    return import_bundle(w.sup, path)


def row_of(session: Session, table: str, key: str) -> dict[str, Any]:
    """The stored row of `table` with primary key `key` (it must exist)."""
    found = tables.read_row(session.conn, tables.schema(session.conn)[table], key)
    assert found is not None
    return found


def quarantine_reasons(session: Session) -> list[tuple[str, str]]:
    """(table, reason) of each quarantined record, oldest first."""
    return [
        (str(r[0]), str(r[1]))
        for r in session.conn.execute(
            "SELECT tbl, reason FROM sync_quarantine ORDER BY created_at, rowid"
        )
    ]
