"""Attacks on the audit chain by someone who holds the passphrase: they open the encrypted
database with its key, drop the append-only triggers and edit the audit table with SQL, on one
computer or on a device whose chain the coordinator already holds."""

from __future__ import annotations

from pathlib import Path

from idtool import audit, cases, database, kdf
from idtool.session import Session
from idtool.sync import export
from idtool.sync.importer import import_bundle
from idtool.vault import Vault
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.support.sync import PASS, REGION, World, make_world

# -- one computer ---------------------------------------------------------------------------


def grow_chain(vault: Vault, n: int = 6) -> tuple[bytes, int]:
    """Unlock, write n entries, lock; returns the database key and the head sequence."""
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s, database.transaction(s.conn):
        for i in range(n):
            s.audit("test.entry", target=f"t{i}", details={"n": i, "text": "ө ү ң"})
        key = s.db_key
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        return key, audit.head(s.conn)[0]


def tamper(vault: Vault, key: bytes, *sql: tuple[str, tuple[object, ...]]) -> None:
    """Run `sql` on the locked database with the audit table's triggers dropped."""
    conn = database.connect(vault.db_path, key)
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        for statement, args in sql:
            conn.execute(statement, args)
    finally:
        conn.close()


def rewrite_from(vault: Vault, key: bytes, k: int) -> None:
    """Rewrite entries k.. (their details), recomputing every hash and meta.audit_head."""
    conn = database.connect(vault.db_path, key)
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
        rows = audit.entries(conn)
        prev = rows[k - 2].hash if k > 1 else audit.GENESIS
        for e in rows[k - 1 :]:
            details = {**e.details, "rewritten": True}
            body = {**e.body(), "details": details}
            digest = audit.entry_hash(prev, body)
            conn.execute(
                "UPDATE audit SET details = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                (audit.canonical(details).decode(), prev, digest, e.seq),
            )
            prev = digest
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_head', ?)",
            (f"{rows[-1].seq}:{prev}",),
        )
    finally:
        conn.close()


# -- a device whose chain the coordinator holds ----------------------------------------------


def device_vault(w: World, i: int = 0) -> Vault:
    return Vault(w.root / f"dev{i}", kdf_params=kdf.FAST_PARAMS)


def reopen(w: World, i: int = 0) -> Session:
    """Device i unlocked again (after an attack on its closed database)."""
    w.devs[i] = device_vault(w, i).unlock(f"Officer {i}", PASS)
    return w.devs[i]


def stored_top(sup: Session, sender: str) -> int:
    """The last entry of the sender's chain the coordinator holds."""
    return sup.conn.execute(
        "SELECT max(seq) FROM sync_audit WHERE sender = ?", (sender,)
    ).fetchone()[0]


def exported(tmp_path: Path) -> tuple[World, Session, int]:
    """A device with cases exported and imported; returns the supervisor's stored top."""
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    for i in range(8):
        cases.open_case(dev, full_name=f"Бермет Мисалова {i}", region=REGION)
    report = import_bundle(w.sup, export.export_cases(dev, w.out))
    assert report.audit_findings == []
    return w, dev, stored_top(w.sup, dev.device_id)


def close_for_attack(w: World, i: int = 0) -> tuple[Vault, bytes]:
    """Device i locked; returns its vault and the database key the attacker kept."""
    dev = w.devs[i]
    key = dev.db_key
    dev.close()
    return device_vault(w, i), key
