"""Roles and what each may do: a data table in the database, enforced in the core.

The defaults below are written at set-up; a supervisor may change them. Changing the policy
itself and managing officers stay with supervisors whatever the table says, so nobody can lock
every supervisor out.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import TYPE_CHECKING

from idtool import records
from idtool.i18n import N_, gettext

if TYPE_CHECKING:
    from idtool.database import Connection


class Role(StrEnum):
    BORDER_GUARD = "border_guard"
    POLICE = "police"
    SOCIAL_WORKER = "social_worker"
    SUPERVISOR = "supervisor"
    PROSECUTOR = "prosecutor"


ROLE_LABELS = {
    Role.BORDER_GUARD: N_("Border guard"),
    Role.POLICE: N_("Police officer"),
    Role.SOCIAL_WORKER: N_("Social worker"),
    Role.SUPERVISOR: N_("Supervisor"),
    Role.PROSECUTOR: N_("Prosecutor"),
}


class Action(StrEnum):
    SCREENING_INTERVIEW = "screening_interview"
    REFERRAL = "referral"
    EXPORT_OWN_BUNDLE = "export_own_bundle"
    IDENTIFICATION_INTERVIEW = "identification_interview"
    DECIDE_STATUS = "decide_status"
    ISSUE_CERTIFICATE = "issue_certificate"
    IMPORT_UPDATE_BUNDLE = "import_update_bundle"
    IMPORT_REFERRAL_BUNDLE = "import_referral_bundle"
    IMPORT_CASE_BUNDLE = "import_case_bundle"
    REVIEW_QUEUE = "review_queue"
    REASSESS = "reassess"
    STATISTICS = "statistics"
    TRUST_LIST = "trust_list"
    MANAGE_OFFICERS = "manage_officers"
    EDIT_DIRECTORY = "edit_directory"
    CRIMINAL_LINK = "criminal_link"
    PROSECUTOR_REVIEW = "prosecutor_review"
    ERASE_DATA = "erase_data"


ACTION_LABELS = {
    Action.SCREENING_INTERVIEW: N_("Screening interview"),
    Action.REFERRAL: N_("Referral"),
    Action.EXPORT_OWN_BUNDLE: N_("Export own bundle"),
    Action.IDENTIFICATION_INTERVIEW: N_("Full identification interview"),
    Action.DECIDE_STATUS: N_("Decide victim status"),
    Action.ISSUE_CERTIFICATE: N_("Issue certificate"),
    Action.IMPORT_UPDATE_BUNDLE: N_("Import update bundles"),
    Action.IMPORT_REFERRAL_BUNDLE: N_("Import referral bundles"),
    Action.IMPORT_CASE_BUNDLE: N_("Import case bundles"),
    Action.REVIEW_QUEUE: N_("Review queue"),
    Action.REASSESS: N_("Re-assess a case under the current rules"),
    Action.STATISTICS: N_("Statistics"),
    Action.TRUST_LIST: N_("Trust list"),
    Action.MANAGE_OFFICERS: N_("Manage officers"),
    Action.EDIT_DIRECTORY: N_("Edit the NRM directory"),
    Action.CRIMINAL_LINK: N_("Read and record the criminal-justice link"),
    Action.PROSECUTOR_REVIEW: N_("Record a prosecutor's review of the criminal case"),
    Action.ERASE_DATA: N_("Erase a person's data (on request or by the retention schedule)"),
}

_EVERYONE = frozenset(Role)
_FRONTLINE = frozenset(Role) - {Role.PROSECUTOR}
_DECIDERS = frozenset({Role.POLICE, Role.SOCIAL_WORKER, Role.SUPERVISOR})
_SUPERVISOR = frozenset({Role.SUPERVISOR})
# The criminal-justice link is law enforcement's: police, prosecutors and the coordinator.
_LAW_ENFORCEMENT = frozenset({Role.POLICE, Role.PROSECUTOR, Role.SUPERVISOR})

DEFAULT_POLICY: dict[Action, frozenset[Role]] = {
    Action.SCREENING_INTERVIEW: _FRONTLINE,
    Action.REFERRAL: _FRONTLINE,
    Action.EXPORT_OWN_BUNDLE: _EVERYONE,
    Action.IDENTIFICATION_INTERVIEW: _DECIDERS,
    Action.DECIDE_STATUS: _DECIDERS,
    Action.ISSUE_CERTIFICATE: _DECIDERS,
    Action.IMPORT_UPDATE_BUNDLE: _EVERYONE,
    Action.IMPORT_REFERRAL_BUNDLE: _EVERYONE,
    Action.IMPORT_CASE_BUNDLE: _SUPERVISOR,
    Action.REVIEW_QUEUE: _SUPERVISOR,
    Action.REASSESS: _SUPERVISOR,
    Action.STATISTICS: _SUPERVISOR,
    Action.TRUST_LIST: _SUPERVISOR,
    Action.MANAGE_OFFICERS: _SUPERVISOR,
    Action.EDIT_DIRECTORY: _SUPERVISOR,
    Action.CRIMINAL_LINK: _LAW_ENFORCEMENT,
    Action.PROSECUTOR_REVIEW: frozenset({Role.PROSECUTOR}),
    Action.ERASE_DATA: _SUPERVISOR,
}

# Never taken away from supervisors, whatever the table says.
SUPERVISOR_ONLY_FIXED = frozenset({Action.MANAGE_OFFICERS})


def role_label(role: str, lang: str | None = None) -> str:
    return gettext(ROLE_LABELS[Role(role)], lang)


def action_label(action: str, lang: str | None = None) -> str:
    return gettext(ACTION_LABELS[Action(action)], lang)


_INSERT = "INSERT INTO policy (uuid, action, role, allowed, device_id) VALUES (?, ?, ?, ?, ?)"


def write_defaults(conn: Connection, device_id: str) -> None:
    for action, roles in DEFAULT_POLICY.items():
        for role in Role:
            row = (str(uuid.uuid4()), action.value, role.value, int(role in roles), device_id)
            conn.execute(_INSERT, row)


def table(conn: Connection) -> dict[Action, frozenset[Role]]:
    # A cell with no row (an action added after the database was made) keeps its default,
    # as in `is_allowed`.
    allowed: dict[Action, set[Role]] = {a: set(DEFAULT_POLICY[a]) for a in Action}
    for action, role, ok in conn.execute("SELECT action, role, allowed FROM policy"):
        if action not in Action.__members__.values() or role not in Role.__members__.values():
            continue
        if ok:
            allowed[Action(action)].add(Role(role))
        else:
            allowed[Action(action)].discard(Role(role))
    for action in SUPERVISOR_ONLY_FIXED:
        allowed[action] = {Role.SUPERVISOR}
    return {a: frozenset(r) for a, r in allowed.items()}


def is_allowed(conn: Connection, role: str, action: Action) -> bool:
    if action in SUPERVISOR_ONLY_FIXED:
        return role == Role.SUPERVISOR
    row = conn.execute(
        "SELECT allowed FROM policy WHERE action = ? AND role = ?", (action.value, role)
    ).fetchone()
    if row is None:
        return role in DEFAULT_POLICY.get(action, frozenset())
    return bool(row[0])


def set_allowed(
    conn: Connection, action: Action, role: Role, allowed: bool, device_id: str
) -> bool:
    """Change one cell; returns whether anything changed. Caller checks permission and audits."""
    if action in SUPERVISOR_ONLY_FIXED:
        return False
    row = conn.execute(
        "SELECT uuid, allowed, version FROM policy WHERE action = ? AND role = ?",
        (action.value, role.value),
    ).fetchone()
    if row is None:
        new = (str(uuid.uuid4()), action.value, role.value, int(allowed), device_id)
        conn.execute(_INSERT, new)
        return True
    if bool(row[1]) == allowed:
        return False
    records.update(conn, "policy", {"allowed": int(allowed)}, "uuid = ?", (row[0],), device_id)
    return True
