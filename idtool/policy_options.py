"""Policy options beside the role table: who may issue the certificate, and how.

- `four_eyes`: a certificate is issued only when a second officer who may issue confirms with
  their own passphrase. "auto" (the default): required where two or more active officers on the
  device may issue; "on": always (no certificate on a device with one such officer); "off".
- `issuing_types`: the organisation types (NRM directory recipient types) whose organisations
  may issue the certificate under the NRM act. The issuing body printed on the certificate is
  the device's organisation from the directory, never free text.

Kept in `policy_options`; a supervisor sets them on a device that is not enrolled with a
coordinator, and the coordinator's update bundles carry its values to every device, where they
replace the local ones.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from idtool import device_info, policy
from idtool import records as versioned
from idtool.errors import InvalidInput, NotPermitted
from idtool.i18n import N_, _

if TYPE_CHECKING:
    from idtool.database import Connection
    from idtool.session import Session
    from idtool.sync.apply import Applier

FOUR_EYES = ("auto", "on", "off")
FOUR_EYES_LABELS = {
    "auto": N_("When two officers who may issue work on the device"),
    "on": N_("Always"),
    "off": N_("Never"),
}
# Which bodies may assign the status is configurable (domain.md section 1); by default the
# state bodies that identify victims: police, prosecutors, social protection and child
# protection. The coordinator changes it when the NRM act says otherwise.
DEFAULT_ISSUING_TYPES = ("police", "prosecutor", "social_protection", "child_protection")
KEYS = ("four_eyes", "issuing_types")


@dataclass(frozen=True)
class Options:
    four_eyes: str = "auto"
    issuing_types: tuple[str, ...] = DEFAULT_ISSUING_TYPES


def _valid(key: str, value: object) -> object | None:
    """The value in its stored form if valid for `key`, else None."""
    from idtool import directory

    if key == "four_eyes":
        return value if value in FOUR_EYES else None
    if key == "issuing_types":
        types = directory.shipped().recipient_types
        if (
            not isinstance(value, list | tuple)
            or len(value) > len(types)
            or not all(isinstance(t, str) and t in types for t in value)
        ):
            return None
        return sorted(set(value))
    return None


def get(conn: Connection) -> Options:
    found: dict[str, Any] = {}
    for key, value in conn.execute("SELECT key, value FROM policy_options"):
        try:
            parsed = _valid(str(key), json.loads(value))
        except ValueError:
            parsed = None
        if parsed is not None:
            found[str(key)] = tuple(parsed) if isinstance(parsed, list) else parsed
    return Options(**found)


def _store(conn: Connection, key: str, value: object, device_id: str) -> bool:
    text = json.dumps(value, sort_keys=True)
    row = conn.execute("SELECT value FROM policy_options WHERE key = ?", (key,)).fetchone()
    if row is not None and row[0] == text:
        return False
    if row is not None:
        versioned.update(conn, "policy_options", {"value": text}, "key = ?", (key,), device_id)
        return True
    conn.execute(
        "INSERT INTO policy_options (uuid, key, value, device_id) VALUES (?, ?, ?, ?)",
        (str(uuid.uuid4()), key, text, device_id),
    )
    return True


def set_option(session: Session, key: str, value: object) -> bool:
    """A supervisor sets an option (audited); returns whether it changed. On a device enrolled
    with a coordinator the coordinator's value rules, so it cannot be set there."""
    from idtool import database
    from idtool.certificate import issuing

    session.require(policy.Action.MANAGE_OFFICERS)
    if key not in KEYS:
        raise InvalidInput(_("Unknown policy option {key}.").format(key=key))
    stored = _valid(key, value)
    if stored is None:
        raise InvalidInput(
            _("This value is not allowed for the policy option {key}.").format(key=key)
        )
    if device_info.is_enrolled(session.conn):
        raise NotPermitted(
            _(
                "This device is enrolled with a coordinator: the coordinator sets "
                "this option in its update packages."
            )
        )
    with database.transaction(session.conn):
        changed = _store(session.conn, key, stored, session.device_id)
        if changed:
            session.audit("policy.option", key, {"value": stored})
            issuing.sync_in(session)
    return changed


def issuers(conn: Connection) -> int:
    """How many active officers with a key slot here may issue certificates."""
    return sum(
        policy.is_allowed(conn, role, policy.Action.ISSUE_CERTIFICATE)
        for (role,) in conn.execute(
            "SELECT role FROM officers WHERE active = 1 AND slot_id IS NOT NULL"
        )
    )


def four_eyes_required(conn: Connection) -> bool:
    mode = get(conn).four_eyes
    return mode == "on" or (mode == "auto" and issuers(conn) >= 2)


def update_records(conn: Connection) -> list[dict[str, Any]]:
    """The options for an update bundle: every key, with its current value."""
    options = get(conn)
    return [
        {"table": "policy_options", "row": {"key": "four_eyes", "value": options.four_eyes}},
        {
            "table": "policy_options",
            "row": {"key": "issuing_types", "value": list(options.issuing_types)},
        },
    ]


def apply(session: Session, applier: Applier, row: object) -> None:
    """A device, inside an update bundle's import: one option from the coordinator."""
    stored = None
    if isinstance(row, dict) and set(row) == {"key", "value"} and row["key"] in KEYS:
        stored = _valid(row["key"], row["value"])
    if stored is None:
        applier.quarantine("policy_options", row, "wrong_type")
        return
    assert isinstance(row, dict)
    if not _store(session.conn, row["key"], stored, applier.sender):
        applier.report.add("policy_options", "unchanged")
        return
    session.audit(
        "policy.option_update", row["key"], {"value": stored, "bundle": applier.bundle_id}
    )
    applier.report.add("policy_options", "imported")
