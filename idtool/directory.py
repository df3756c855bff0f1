"""The NRM directory: who may receive a referral, what they offer, what data they may receive.

Shipped as data (`resources/directory/nrm-directory.yaml`); the database holds the working copy
a supervisor may edit (and, later, update bundles distribute). Recipient types decide which
sensitivity classes of questionnaire fields a recipient may receive.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

import yaml

from idtool import database, records
from idtool.errors import InvalidInput
from idtool.i18n import _, current_language
from idtool.paths import resources_dir
from idtool.policy import Action
from idtool.session import Session

SENSITIVITIES = ("identifying", "sensitive", "ordinary")


@dataclass(frozen=True)
class RecipientType:
    code: str
    label: dict[str, str]
    receives: tuple[str, ...]
    consent_purpose: str = "referral"
    child_without_consent: bool = False


@dataclass(frozen=True)
class Organisation:
    id: str
    type: str
    region: str
    name: dict[str, str]
    services: tuple[str, ...] = ()
    contact: str = ""
    active: bool = True

    def title(self, lang: str | None = None) -> str:
        return self.name.get(lang or current_language()) or self.name.get("en") or self.id


@dataclass(frozen=True)
class DirectoryData:
    recipient_types: dict[str, RecipientType]
    services: dict[str, dict[str, str]]
    organisations: tuple[Organisation, ...] = field(default=())


@cache
def shipped() -> DirectoryData:
    path = resources_dir() / "directory" / "nrm-directory.yaml"
    raw = yaml.safe_load(path.read_text("utf-8"))
    types = {
        code: RecipientType(
            code,
            dict(t["label"]),
            tuple(t["receives"]),
            t.get("consent_purpose", "referral"),
            bool(t.get("child_without_consent", False)),
        )
        for code, t in raw["recipient_types"].items()
    }
    orgs = tuple(from_entry(o) for o in raw["organisations"])
    for org in orgs:
        if org.type not in types:
            raise ValueError(f"directory: {org.id} has unknown type {org.type}")
    return DirectoryData(types, {k: dict(v) for k, v in raw["services"].items()}, orgs)


def from_entry(raw: Mapping[str, Any]) -> Organisation:
    """An organisation from its stored entry (the YAML or JSON form, as parsed)."""
    return Organisation(
        str(raw["id"]),
        str(raw["type"]),
        str(raw.get("region", "national")),
        dict(raw["name"]),
        tuple(raw.get("services", ())),
        str(raw.get("contact", "")),
        bool(raw.get("active", True)),
    )


def recipient_type(code: str) -> RecipientType:
    return shipped().recipient_types[code]


def type_label(code: str, lang: str | None = None) -> str:
    """A recipient type's name in `lang` (the code itself if unknown)."""
    found = shipped().recipient_types.get(code)
    if found is None:
        return code
    return found.label.get(lang or current_language()) or found.label.get("en") or code


def service_label(code: str, lang: str | None = None) -> str:
    labels = shipped().services.get(code, {})
    return labels.get(lang or current_language(), code)


def _seed(session: Session) -> None:
    """Copy the shipped directory into the database the first time it is needed."""
    if session.conn.execute("SELECT 1 FROM directory LIMIT 1").fetchone():
        return
    with database.transaction(session.conn):
        for org in shipped().organisations:
            session.conn.execute(
                "INSERT INTO directory (uuid, org_id, entry, device_id) VALUES (?, ?, ?, ?)",
                (
                    str(uuid.uuid4()),
                    org.id,
                    json.dumps(asdict(org), ensure_ascii=False),
                    session.device_id,
                ),
            )


def refresh_shipped(conn: database.Connection, device_id: str) -> int:
    """Bring a working copy made from an older shipped directory up to this one (a migration
    calls it): an entry never edited nor received (version 1, written by this device) takes the
    shipped wording (its `active` flag is kept); a shipped organisation the copy lacks is added.
    A copy not made yet is left alone (seeding makes it). Returns how many entries changed.
    Call inside the caller's transaction."""
    rows = conn.execute("SELECT uuid, org_id, entry, version, device_id FROM directory")
    known = {str(r[1]): r for r in rows}
    if not known:
        return 0
    changed = 0
    for org in shipped().organisations:
        entry = json.dumps(asdict(org), ensure_ascii=False)
        row = known.get(org.id)
        if row is None:
            conn.execute(
                "INSERT INTO directory (uuid, org_id, entry, device_id) VALUES (?, ?, ?, ?)",
                (str(uuid.uuid4()), org.id, entry, device_id),
            )
            changed += 1
        elif row[3] == 1 and row[4] == device_id and from_entry(json.loads(row[2])) != org:
            # Still the shipped copy: no version bump, it stays "never edited".
            conn.execute("UPDATE directory SET entry = ? WHERE uuid = ?", (entry, row[0]))
            changed += 1
    return changed


def organisations(session: Session, include_inactive: bool = False) -> list[Organisation]:
    _seed(session)
    rows = session.conn.execute("SELECT entry, active FROM directory ORDER BY org_id")
    found = []
    for entry, active in rows:
        org = from_entry(json.loads(entry))
        org = Organisation(
            **{**asdict(org), "active": bool(active), "services": tuple(org.services)}
        )
        if include_inactive or org.active:
            found.append(org)
    return found


def get(session: Session, org_id: str) -> Organisation:
    for org in organisations(session, include_inactive=True):
        if org.id == org_id:
            return org
    raise InvalidInput(_("No organisation {org} in the NRM directory.").format(org=org_id))


def find_shipped(org_id: str) -> Organisation | None:
    return next((o for o in shipped().organisations if o.id == org_id), None)


def find(conn: database.Connection, org_id: str) -> Organisation | None:
    """An organisation by id from the working copy (or the shipped directory while there is
    none), without seeding: safe inside another transaction."""
    rows = conn.execute(
        "SELECT entry, active FROM directory WHERE org_id = ?", (org_id,)
    ).fetchall()
    if rows:
        org = from_entry(json.loads(rows[0][0]))
        return Organisation(
            **{**asdict(org), "active": bool(rows[0][1]), "services": tuple(org.services)}
        )
    if conn.execute("SELECT 1 FROM directory LIMIT 1").fetchone():
        return None
    return find_shipped(org_id)


def save(session: Session, org: Organisation) -> None:
    """Add or change an entry (supervisor)."""
    session.require(Action.EDIT_DIRECTORY)
    if org.type not in shipped().recipient_types:
        raise InvalidInput(_("Unknown recipient type {type}.").format(type=org.type))
    if not org.id.strip() or not any(v.strip() for v in org.name.values()):
        raise InvalidInput(_("An organisation needs an id and a name."))
    _seed(session)
    entry = json.dumps(asdict(org), ensure_ascii=False)
    with database.transaction(session.conn):
        row = session.conn.execute(
            "SELECT uuid FROM directory WHERE org_id = ?", (org.id,)
        ).fetchone()
        if row:
            records.update(
                session.conn,
                "directory",
                {"entry": entry, "active": int(org.active)},
                "uuid = ?",
                (row[0],),
                session.device_id,
            )
        else:
            session.conn.execute(
                "INSERT INTO directory (uuid, org_id, entry, active, device_id)"
                " VALUES (?, ?, ?, ?, ?)",
                (str(uuid.uuid4()), org.id, entry, int(org.active), session.device_id),
            )
        session.audit("directory.save", org.id)
