"""Encrypted backup and restore: one file a passphrase or the recovery code opens; a restore
into a fresh folder brings back every table and the audit chain; a wrong secret, a damaged,
cut or cancelled file leaves nothing; the file holds no plaintext."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyrage
import pytest

from idtool import audit, database, demo, interviews, kdf
from idtool.backup import backup_due, create_backup, read_info, restore_backup
from idtool.backup import container as backup_container
from idtool.errors import AuthenticationFailed, BackupError, InvalidInput
from idtool.session import Session
from idtool.sync import export
from idtool.sync.importer import import_bundle
from idtool.vault import Vault
from tests.support.cases import screen
from tests.support.sync import PASS, make_world

NAME = "Гүлнара Бэкаповна"
NOTE = "Уникалдуу жооп текст 4417"


def tables(conn: database.Connection) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (the audit log and meta compared apart)."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT IN ('audit', 'meta') ORDER BY name"
        )
    ]
    return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}


def filled_device(tmp_path: Path) -> tuple[Session, object]:
    """A device enrolled with a coordinator, with cases (one with a name and a free-text
    answer) it has sent once."""
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    demo.generate(dev, 3, seed=5)
    from idtool import cases

    case = cases.open_case(dev, full_name=NAME, region=next(iter(cases.REGIONS)))
    interview = screen(dev, case.uuid, complete=False)
    interviews.save_answer(dev, interview, "referral_notes", NOTE)
    import_bundle(w.sup, export.export_cases(dev, w.out))
    return dev, w


def test_restore_into_a_fresh_folder_brings_everything_back(tmp_path: Path) -> None:
    dev, _w = filled_device(tmp_path)
    before = tables(dev.conn)
    audit_before = dev.conn.execute("SELECT * FROM audit ORDER BY seq").fetchall()
    out = tmp_path / "backups"
    out.mkdir()
    result = create_backup(dev, out)
    assert result.path.parent == out and result.path.name.endswith(".idbk")
    assert [p.name for p in out.iterdir()] == [result.path.name]  # no temporary file left
    assert not list(Path(dev.vault.folder).glob(".backup-snapshot-*"))

    fresh = tmp_path / "new-laptop"
    restored = restore_backup(result.path, fresh, officer="Officer 0", passphrase=PASS)
    assert restored.backup_id == result.backup_id
    again = Vault(fresh, kdf_params=kdf.FAST_PARAMS).unlock("Officer 0", PASS)
    try:
        assert again.device_id == dev.device_id
        assert again.audit_findings == ()  # chain, head and anchor in step
        assert audit.verify(again.conn).ok
        assert tables(again.conn) == before
        entries = again.conn.execute("SELECT * FROM audit ORDER BY seq").fetchall()
        assert entries[: len(audit_before)] == audit_before
        actions = [e.action for e in audit.entries(again.conn)]
        assert "backup.restore" in actions
        assert actions.index("backup.restore") == len(audit_before)  # the copy's next entry
    finally:
        again.close()


def test_the_recovery_code_opens_a_backup(made_vault: tuple[Vault, str], tmp_path: Path) -> None:
    vault, code = made_vault
    s = vault.unlock("Айгүл Өмүрбекова", "тоо-суу-2026")
    result = create_backup(s, tmp_path)
    s.close()
    restore_backup(result.path, tmp_path / "fresh", recovery_code=code.lower())
    assert Vault(tmp_path / "fresh").exists()


def test_a_backup_file_holds_no_plaintext(tmp_path: Path) -> None:
    dev, _w = filled_device(tmp_path)
    path = create_backup(dev, tmp_path).path
    data = path.read_bytes()
    for secret in (NAME, NOTE, "Officer 0"):
        assert secret.encode("utf-8") not in data
        assert secret.encode("utf-16-le") not in data
    assert b"SQLite format 3" not in data
    assert b"referral_notes" not in data  # not even the questions answered
    # the database itself does hold them (the test would see plaintext if it were there)
    assert dev.conn.execute("SELECT count(*) FROM persons").fetchone()[0] > 0


def test_wrong_secrets_write_nothing(made_vault: tuple[Vault, str], tmp_path: Path) -> None:
    vault, _code = made_vault
    s = vault.unlock("Айгүл Өмүрбекова", "тоо-суу-2026")
    path = create_backup(s, tmp_path).path
    s.close()
    target = tmp_path / "fresh"
    with pytest.raises(AuthenticationFailed):
        restore_backup(path, target, officer="Айгүл Өмүрбекова", passphrase="wrong one")
    with pytest.raises(AuthenticationFailed):
        restore_backup(path, target, officer="Nobody", passphrase="тоо-суу-2026")
    with pytest.raises(BackupError) as e:
        restore_backup(path, target, recovery_code="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
    assert e.value.reason == "wrong_code"
    assert not target.exists()


def damaged_copies(path: Path, tmp_path: Path) -> dict[str, Path]:
    data = path.read_bytes()
    header = read_info(path)
    middle = header.payload_offset + (len(data) - header.payload_offset) // 2
    copies = {
        "truncated_payload": data[:middle],
        "truncated_header": data[: header.payload_offset - 10],
        "flipped_payload": bytearray(data),
        "not_backup": b"PK\x03\x04" + data[4:],
        "empty": b"",
    }
    flipped = copies["flipped_payload"]
    assert isinstance(flipped, bytearray)
    flipped[len(data) - 100] ^= 0x01
    out = {}
    for name, content in copies.items():
        p = tmp_path / f"{name}.idbk"
        p.write_bytes(bytes(content))
        out[name] = p
    return out


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("truncated_payload", "damaged"),
        ("truncated_header", "truncated"),
        ("flipped_payload", "damaged"),
        ("not_backup", "not_backup"),
        ("empty", "not_backup"),
    ],
)
def test_a_damaged_or_cut_file_is_refused_and_nothing_is_written(
    made_vault: tuple[Vault, str], tmp_path: Path, case: str, reason: str
) -> None:
    vault, _code = made_vault
    s = vault.unlock("Айгүл Өмүрбекова", "тоо-суу-2026")
    path = create_backup(s, tmp_path).path
    s.close()
    bad = damaged_copies(path, tmp_path)[case]
    target = tmp_path / "fresh"
    target.mkdir()
    with pytest.raises(BackupError) as e:
        restore_backup(bad, target, officer="Айгүл Өмүрбекова", passphrase="тоо-суу-2026")
    assert e.value.reason == reason
    assert "\n" not in e.value.message
    assert list(target.iterdir()) == []


def test_a_header_that_lies_about_the_slots_is_refused(
    made_vault: tuple[Vault, str], tmp_path: Path
) -> None:
    """The header is not trusted: its key-slots copy must be the one inside the payload."""
    vault, _code = made_vault
    s = vault.unlock("Айгүл Өмүрбекова", "тоо-суу-2026")
    path = create_backup(s, tmp_path).path
    s.close()
    header = read_info(path)
    data = path.read_bytes()
    slots = dict(header.slots)
    slots["tag_salt"] = slots["tag_salt"]  # same content, reordered text: must still pass
    edited = {
        "format": 1,
        "backup_id": header.backup_id,
        "db_id": header.db_id,
        "created": "2020-01-01T00:00:00Z",  # only the date shown changes
        "slots": slots,
        "coordinator": None,
    }
    lying = tmp_path / "lying.idbk"
    lying.write_bytes(backup_container.encode_header(edited) + data[header.payload_offset :])
    restore_backup(lying, tmp_path / "ok", officer="Айгүл Өмүрбекова", passphrase="тоо-суу-2026")
    edited["backup_id"] = "another"
    lying.write_bytes(backup_container.encode_header(edited) + data[header.payload_offset :])
    with pytest.raises(BackupError) as e:
        restore_backup(
            lying, tmp_path / "no", officer="Айгүл Өмүрбекова", passphrase="тоо-суу-2026"
        )
    assert e.value.reason == "damaged"
    assert not (tmp_path / "no").exists()


def test_restore_refuses_a_folder_that_holds_a_database(
    made_vault: tuple[Vault, str], tmp_path: Path
) -> None:
    vault, _code = made_vault
    s = vault.unlock("Айгүл Өмүрбекова", "тоо-суу-2026")
    path = create_backup(s, tmp_path).path
    s.close()
    before = sorted(p.name for p in vault.folder.iterdir())
    with pytest.raises(InvalidInput):
        restore_backup(path, vault.folder, officer="Айгүл Өмүрбекова", passphrase="тоо-суу-2026")
    assert sorted(p.name for p in vault.folder.iterdir()) == before


def test_a_cancelled_backup_leaves_no_file(session: Session, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    before = session.meta("last_backup")
    with pytest.raises(BackupError) as e:
        create_backup(session, out, cancelled=lambda: True)
    assert e.value.reason == "cancelled"
    assert list(out.iterdir()) == []
    assert not list(Path(session.vault.folder).glob(".backup-snapshot-*"))
    assert session.meta("last_backup") == before


def test_a_cancelled_restore_leaves_nothing(session: Session, tmp_path: Path) -> None:
    path = create_backup(session, tmp_path).path
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(BackupError) as e:
        restore_backup(
            path,
            tmp_path / "fresh",
            officer="Айгүл Өмүрбекова",
            passphrase="тоо-суу-2026",
            cancelled=cancel,
        )
    assert e.value.reason == "cancelled"
    assert not (tmp_path / "fresh").exists()


def test_a_backup_for_the_coordinator_opens_with_its_key(tmp_path: Path) -> None:
    dev, w = filled_device(tmp_path)
    path = create_backup(dev, tmp_path, to_coordinator=True).path
    header = read_info(path)
    assert header.coordinator is not None
    from idtool.sync import devices

    identity = devices.own_identity(w.sup.conn)  # type: ignore[attr-defined]
    plain = pyrage.decrypt(path.read_bytes()[header.payload_offset :], [identity])
    assert plain[4 : 4 + 20].startswith(b"{")
    # without the flag the coordinator cannot open it
    path2 = create_backup(dev, tmp_path).path
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(path2.read_bytes()[read_info(path2).payload_offset :], [identity])


def test_the_reminder_follows_the_last_backup(session: Session, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    assert backup_due(session, 7, now) is None  # a database made today
    made = (now - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with database.transaction(session.conn):
        session.conn.execute("UPDATE meta SET value = ? WHERE key = 'created_at'", (made,))
    assert backup_due(session, 7, now) == 30  # never backed up, made a month ago
    create_backup(session, tmp_path)
    assert backup_due(session, 7, now) is None
    assert backup_due(session, 7, now + timedelta(days=8)) == 8
    assert backup_due(session, 0, now + timedelta(days=400)) is None  # switched off
    assert [e.action for e in audit.entries(session.conn)][-1] == "backup.create"


def test_no_snapshot_of_a_killed_backup_stays(session: Session, tmp_path: Path) -> None:
    stale = Path(session.vault.folder) / ".backup-snapshot-1-dead.db"
    stale.write_bytes(os.urandom(64))
    create_backup(session, tmp_path)
    assert not stale.exists()
