"""A supervisor changes what the roles may do: one cell of the role table (`policy`), its audit
entry, and who can open the certificate-issuing key (`certificate.issuing`), in one
transaction. Kept apart from `policy`, which only reads and writes the table, so that the
issuing key can depend on the table without the table depending on the key."""

from __future__ import annotations

from idtool import database, policy
from idtool.certificate import issuing
from idtool.errors import NotPermitted
from idtool.i18n import _
from idtool.policy import Action, Role
from idtool.session import Session


def change(session: Session, action: Action, role: Role, allowed: bool) -> bool:
    """A supervisor changes one cell of the table; audited. Returns whether it changed."""
    session.require(Action.MANAGE_OFFICERS)
    if action in policy.SUPERVISOR_ONLY_FIXED:
        raise NotPermitted(_("This permission stays with supervisors and cannot be changed."))
    with database.transaction(session.conn):
        changed = policy.set_allowed(session.conn, action, role, allowed, session.device_id)
        if changed:
            session.audit("policy.change", f"{action.value}/{role.value}", {"allowed": allowed})
            issuing.sync_in(session, grant="all")  # who may open the issuing key follows it
    return changed


def table(session: Session) -> dict[Action, frozenset[Role]]:
    """The role table as it stands (for the supervisor's window)."""
    return policy.table(session.conn)
