"""Update bundles, the rest of the snapshot: the NRM directory, the role policy table and
questionnaires (module `questionnaires`). Applied on a device inside the import transaction; every
change is audited, and a record that does not pass its checks is quarantined while the rest applies.

- directory: `{"org_id", "entry", "active"}`; the entry must name a known recipient type and
  the same id. Entries the device has and the update lacks are kept (never deleted).
- policy: `{"action", "role", "allowed"}` for known actions and roles; the cells fixed to
  supervisors stay as they are.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict
from typing import Any

from idtool import directory, legal_acts, policy, policy_options, records
from idtool.database import Connection
from idtool.session import Session
from idtool.sync.apply import Applier


def directory_records(session: Session) -> list[dict[str, Any]]:
    return [
        {
            "table": "directory",
            "row": {
                "org_id": org.id,
                "entry": {**asdict(org), "services": list(org.services)},
                "active": org.active,
            },
        }
        for org in directory.organisations(session, include_inactive=True)
    ]


def policy_records(conn: Connection) -> list[dict[str, Any]]:
    return [
        {
            "table": "policy",
            "row": {"action": action.value, "role": role.value, "allowed": role in roles},
        }
        for action, roles in sorted(policy.table(conn).items())
        for role in sorted(policy.Role)
    ]


def _organisation(row: object) -> directory.Organisation | None:
    if not isinstance(row, dict) or set(row) != {"org_id", "entry", "active"}:
        return None
    entry, org_id, active = row["entry"], row["org_id"], row["active"]
    if not isinstance(entry, dict) or not isinstance(org_id, str) or type(active) is not bool:
        return None
    if set(entry) - {"id", "type", "region", "name", "services", "contact", "active"}:
        return None
    name, services = entry.get("name"), entry.get("services", [])
    if not isinstance(name, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in name.items()
    ):
        return None
    if not isinstance(services, list) or not all(isinstance(s, str) for s in services):
        return None
    if not all(isinstance(entry.get(k, ""), str) for k in ("id", "type", "region", "contact")):
        return None
    org = directory.Organisation(
        str(entry.get("id", "")),
        str(entry.get("type", "")),
        str(entry.get("region", "national")),
        dict(name),
        tuple(services),
        str(entry.get("contact", "")),
        active,
    )
    if (
        org.id != org_id
        or not org_id.strip()
        or len(org_id) > 100
        or org.type not in directory.shipped().recipient_types
        or not any(v.strip() for v in name.values())
    ):
        return None
    return org


def apply_directory(session: Session, applier: Applier, row: object) -> None:
    org = _organisation(row)
    if org is None:
        applier.quarantine("directory", row, "wrong_type")
        return
    conn = session.conn
    entry = json.dumps(asdict(org), ensure_ascii=False)
    known = conn.execute(
        "SELECT uuid, entry, active FROM directory WHERE org_id = ?", (org.id,)
    ).fetchone()
    if known is None and not conn.execute("SELECT 1 FROM directory LIMIT 1").fetchone():
        # First entries here: the shipped copy would otherwise be seeded over them later.
        for shipped in directory.shipped().organisations:
            conn.execute(
                "INSERT INTO directory (uuid, org_id, entry, active, device_id)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    str(uuid.uuid4()),
                    shipped.id,
                    json.dumps(asdict(shipped), ensure_ascii=False),
                    int(shipped.active),
                    session.device_id,
                ),
            )
        known = conn.execute(
            "SELECT uuid, entry, active FROM directory WHERE org_id = ?", (org.id,)
        ).fetchone()
    if known is None:
        conn.execute(
            "INSERT INTO directory (uuid, org_id, entry, active, device_id) VALUES (?, ?, ?, ?, ?)",
            (str(uuid.uuid4()), org.id, entry, int(org.active), applier.sender),
        )
    elif (directory.from_entry(json.loads(known[1])), bool(known[2])) == (
        directory.from_entry(json.loads(entry)),
        org.active,
    ):
        applier.report.add("directory", "unchanged")
        return
    else:
        records.update(
            conn,
            "directory",
            {"entry": entry, "active": int(org.active)},
            "uuid = ?",
            (known[0],),
            applier.sender,
        )
    session.audit("directory.update", org.id, {"bundle": applier.bundle_id})
    applier.report.add("directory", "imported")


def apply_policy(session: Session, applier: Applier, row: object) -> None:
    if (
        not isinstance(row, dict)
        or set(row) != {"action", "role", "allowed"}
        or not (
            type(row["allowed"]) is bool
            and isinstance(row["action"], str)
            and isinstance(row["role"], str)
            and row["action"] in set(policy.Action)
            and row["role"] in set(policy.Role)
        )
    ):
        applier.quarantine("policy", row, "wrong_type")
        return
    action, role = policy.Action(row["action"]), policy.Role(row["role"])
    if policy.is_allowed(session.conn, role, action) == row["allowed"] or not policy.set_allowed(
        session.conn, action, role, row["allowed"], applier.sender
    ):
        applier.report.add("policy", "unchanged")
        return
    session.audit(
        "policy.update",
        action.value,
        {"role": role.value, "allowed": row["allowed"], "bundle": applier.bundle_id},
    )
    applier.report.add("policy", "imported")


def options_records(conn: Connection) -> list[dict[str, Any]]:
    """The options for an update bundle: every key, with its current value."""
    options = policy_options.get(conn)
    return [
        {"table": "policy_options", "row": {"key": "four_eyes", "value": options.four_eyes}},
        {
            "table": "policy_options",
            "row": {"key": "issuing_types", "value": list(options.issuing_types)},
        },
        {
            "table": "policy_options",
            "row": {"key": "legal_acts", "value": legal_acts.stored_form(options.legal_acts)},
        },
        {
            "table": "policy_options",
            "row": {"key": "cj_articles", "value": options.article_numbers()},
        },
        {"table": "policy_options", "row": {"key": "retention", "value": dict(options.retention)}},
    ]


def apply_option(session: Session, applier: Applier, row: object) -> None:
    """A device, inside an update bundle's import: one option from the coordinator."""
    stored = None
    if isinstance(row, dict) and set(row) == {"key", "value"} and row["key"] in policy_options.KEYS:
        stored = policy_options.validated(row["key"], row["value"])
    if stored is None:
        applier.quarantine("policy_options", row, "wrong_type")
        return
    assert isinstance(row, dict)
    if not policy_options.store(session.conn, row["key"], stored, applier.sender):
        applier.report.add("policy_options", "unchanged")
        return
    session.audit(
        "policy.option_update", row["key"], {"value": stored, "bundle": applier.bundle_id}
    )
    applier.report.add("policy_options", "imported")
