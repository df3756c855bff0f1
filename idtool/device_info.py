"""What this device knows about itself: its id, the NRM organisation it works for, and whether
it is enrolled with a coordinator. Plain reads and writes on the connection, so that the
certificate and policy modules can ask without depending on sync."""

from __future__ import annotations

from typing import TYPE_CHECKING

from idtool.errors import CorruptDatabase
from idtool.i18n import _

if TYPE_CHECKING:  # the database driver loads only when needed (start-up time)
    from idtool.database import Connection


def meta(conn: Connection, key: str) -> str | None:
    """A value of the `meta` table (device keys, ids), or None."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def device_id(conn: Connection) -> str:
    found = meta(conn, "device_id")
    if found is None:
        raise CorruptDatabase(_("The device keys are missing from the database."))
    return found


def own_org(conn: Connection) -> str:
    """The organisation this device works for, as the coordinator's update (or, on a device
    without one, a supervisor) named it; "" if none."""
    row = conn.execute(
        "SELECT o.org_id FROM sync_device_orgs o JOIN meta m ON m.key ="
        " 'device_id' AND m.value = o.device_id"
    ).fetchone()
    return "" if row is None else str(row[0])


def set_org(conn: Connection, device: str, org_id: str) -> None:
    """Record which organisation `device` works for. Call inside the caller's transaction."""
    conn.execute(
        "INSERT INTO sync_device_orgs (device_id, org_id) VALUES (?, ?)"
        " ON CONFLICT (device_id) DO UPDATE SET org_id = excluded.org_id",
        (device, org_id),
    )


def is_enrolled(conn: Connection) -> bool:
    """Whether this device is enrolled with a coordinator (trusts a supervisor)."""
    return (
        conn.execute(
            "SELECT 1 FROM sync_devices WHERE role = 'supervisor' AND status = 'trusted' LIMIT 1"
        ).fetchone()
        is not None
    )
