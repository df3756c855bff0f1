"""The devices this database exchanges bundles with, this device's own keys, fingerprints."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import pyrage

from idtool import database, device_info, directory
from idtool.bundle import keys
from idtool.certificate import keyring
from idtool.database import Connection
from idtool.errors import BundleError, CorruptDatabase, InvalidInput
from idtool.i18n import _
from idtool.policy import Action

if TYPE_CHECKING:
    from idtool.session import Session


class DeviceRole(StrEnum):
    SUPERVISOR = "supervisor"
    DEVICE = "device"


class DeviceStatus(StrEnum):
    TRUSTED = "trusted"
    REVOKED = "revoked"


@dataclass(frozen=True)
class Device:
    device_id: str
    label: str
    signing_key: str  # Ed25519 raw public key, hex
    age_recipient: str  # age1...
    role: DeviceRole
    status: DeviceStatus = DeviceStatus.TRUSTED
    enrolled_at: str = ""
    org_id: str = ""  # the NRM directory organisation this device serves ("" if not set)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing_key, self.age_recipient)


FINGERPRINT_GROUPS = 6


def fingerprint(signing_key_hex: str, age_recipient: str) -> str:
    """Safety number to compare aloud: 6 groups of 5 digits from SHA-256 of both public keys.

    As with Signal's safety numbers, each group is 5 bytes of the hash taken modulo 100000,
    so 30 digits carry about 100 bits.
    """
    digest = hashlib.sha256(
        b"idtool-fingerprint-v1\0"
        + bytes.fromhex(signing_key_hex)
        + b"\0"
        + age_recipient.encode("ascii")
    ).digest()
    groups = [
        int.from_bytes(digest[i * 5 : (i + 1) * 5], "big") % 100000
        for i in range(FINGERPRINT_GROUPS)
    ]
    return " ".join(f"{g:05d}" for g in groups)


def _meta(conn: Connection, key: str) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise CorruptDatabase(_("The device keys are missing from the database."))
    return str(row[0])


def own_device_id(conn: Connection) -> str:
    return _meta(conn, "device_id")


def own_signing_key(conn: Connection) -> str:
    return _meta(conn, "device_signing_key")


def own_identity(conn: Connection) -> pyrage.x25519.Identity:
    return keys.identity(_meta(conn, "device_age_identity"))


def own_device(conn: Connection, role: DeviceRole, label: str = "") -> Device:
    device_id = _meta(conn, "device_id")
    public = keys.public_bytes(keys.signing_key(own_signing_key(conn)).public_key())
    return Device(
        device_id,
        label or f"device {device_id[:8]}",
        public.hex(),
        str(own_identity(conn).to_public()),
        role,
    )


_COLUMNS = (
    "device_id, label, signing_key, age_recipient, role, status, enrolled_at,"
    " coalesce((SELECT org_id FROM sync_device_orgs o WHERE o.device_id ="
    " sync_devices.device_id), '')"
)
_WRITE = "device_id, label, signing_key, age_recipient, role, status, enrolled_at"


def _device(row: tuple[object, ...]) -> Device:
    return Device(
        str(row[0]),
        str(row[1]),
        str(row[2]),
        str(row[3]),
        DeviceRole(str(row[4])),
        DeviceStatus(str(row[5])),
        str(row[6]),
        str(row[7]),
    )


def get(conn: Connection, device_id: str) -> Device | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM sync_devices WHERE device_id = ?", (device_id,)
    ).fetchone()
    return None if row is None else _device(row)


def all_devices(conn: Connection) -> list[Device]:
    return [
        _device(r)
        for r in conn.execute(
            f"SELECT {_COLUMNS} FROM sync_devices ORDER BY role, enrolled_at, label"
        )
    ]


def known(session: Session) -> list[Device]:
    """Every device this one exchanges packages with, trusted or revoked (labels, keys and
    organisations, nothing personal): the Devices window lists them for every officer who
    exchanges packages; only a supervisor changes them."""
    return all_devices(session.conn)


def is_coordinator(session: Session) -> bool:
    """Devices are enrolled with this one: it is their coordinator."""
    return any(d.role is DeviceRole.DEVICE for d in all_devices(session.conn))


def trusted(conn: Connection, role: DeviceRole) -> dict[str, str]:
    """device id -> Ed25519 public key hex, for `read_bundle`: trusted devices of `role`."""
    return {
        str(r[0]): str(r[1])
        for r in conn.execute(
            "SELECT device_id, signing_key FROM sync_devices WHERE role = ? AND status = 'trusted'",
            (role.value,),
        )
    }


def supervisor(conn: Connection) -> Device:
    """The supervisor this device sends its case bundles to."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM sync_devices WHERE role = 'supervisor'"
        " AND status = 'trusted' ORDER BY enrolled_at LIMIT 1"
    ).fetchone()
    if row is None:
        raise BundleError(_("This device is not enrolled with a supervisor yet."), "not_enrolled")
    return _device(row)


def upsert(conn: Connection, device: Device, now: str) -> None:
    conn.execute(
        f"INSERT INTO sync_devices ({_WRITE}) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (device_id) DO UPDATE SET label = excluded.label,"
        " signing_key = excluded.signing_key, age_recipient = excluded.age_recipient,"
        " role = excluded.role, status = CASE WHEN sync_devices.status = 'revoked'"
        " THEN 'revoked' ELSE excluded.status END",  # a revocation is never undone
        (
            device.device_id,
            device.label,
            device.signing_key,
            device.age_recipient,
            device.role.value,
            device.status.value,
            device.enrolled_at or now,
        ),
    )
    device_info.set_org(conn, device.device_id, device.org_id)


def set_organisation(session: Session, device_id: str, org_id: str) -> None:
    """Supervisor: record which NRM organisation a device serves (sent in update bundles, so
    devices can address referral bundles to it)."""
    session.require(Action.TRUST_LIST)
    conn = session.conn
    if org_id:
        directory.get(session, org_id)  # InvalidInput if unknown
    if get(conn, device_id) is None:
        raise InvalidInput(_("This device is not in the trust list."))
    with database.transaction(conn):
        device_info.set_org(conn, device_id, org_id)
        session.audit("sync.device_organisation", device_id, {"org": org_id})


REVOKE_ACTIONS = ("sync.device_revoke", "sync.device_revoked")


def revoke(session: Session, device_id: str, reason: str) -> bool:
    """Supervisor: stop trusting a device (stolen or retired) for good. Its exchange packages
    are refused from then on, here and, after the next update package, on every device.

    Returns False if it was revoked already (nothing changes). The reason is recorded in the
    audit log only: write why the device is revoked, never anyone's personal data."""
    session.require(Action.TRUST_LIST)
    if device_id == session.device_id:
        raise InvalidInput(_("This device cannot revoke itself."))
    conn = session.conn
    reason = " ".join(reason.split())
    with database.transaction(conn):
        device = get(conn, device_id)
        if device is None:
            raise InvalidInput(_("This device is not in the trust list."))
        if not reason:
            raise InvalidInput(_("Give the reason for revoking the device."))
        if device.status is DeviceStatus.REVOKED:
            return False
        conn.execute("UPDATE sync_devices SET status = 'revoked' WHERE device_id = ?", (device_id,))

        keyring.revoke_device_keys(conn, device_id)  # its certificates imported so far stay valid
        session.audit(
            "sync.device_revoke", device_id, {"role": device.role.value, "reason": reason[:200]}
        )
    return True


def revoked_on(conn: Connection, device_id: str) -> str:
    """The date (YYYY-MM-DD) this database learned that the device was revoked; "" if not."""
    row = conn.execute(
        "SELECT min(ts) FROM audit WHERE target = ? AND action IN (?, ?)",
        (device_id, *REVOKE_ACTIONS),
    ).fetchone()
    return "" if row is None or row[0] is None else str(row[0])[:10]


def for_organisation(conn: Connection, org_id: str) -> list[Device]:
    """Trusted devices of role `device` serving `org_id`."""
    return [
        _device(r)
        for r in conn.execute(
            f"SELECT {_COLUMNS} FROM sync_devices WHERE role = 'device' AND status = 'trusted'"
            " AND device_id IN (SELECT device_id FROM sync_device_orgs WHERE org_id = ?)"
            " ORDER BY enrolled_at, device_id",
            (org_id,),
        )
    ]


def recipients(session: Session, org_id: str) -> list[Device]:
    """Where a referral package for `org_id` can go: the trusted devices the supervisor mapped
    to it, never this device itself."""
    session.require(Action.REFERRAL)
    return [d for d in for_organisation(session.conn, org_id) if d.device_id != session.device_id]
