"""The issuing body: the NRM directory organisation this device issues certificates for, and the
settings around it (the four-eyes rule and the kinds of organisation that may issue)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from idtool import database, device_info, directory, policy_options
from idtool.certificate import issuing
from idtool.errors import InvalidInput, NotPermitted
from idtool.i18n import N_, _, gettext
from idtool.policy import Action
from idtool.session import Session

ORGANISATION_PLACEHOLDER = N_("(organisation not recorded)")


def issuing_body(conn: database.Connection) -> directory.Organisation | None:
    """The organisation this device issues certificates for: its organisation in the NRM
    directory, as the coordinator's update (or, on a device without one, a supervisor) set it."""
    org_id = device_info.own_org(conn)
    return directory.find(conn, org_id) if org_id else None


def organisation(session: Session, lang: str | None = None) -> str:
    """The issuing organisation's name in `lang`, or a placeholder when none is set."""
    body = issuing_body(session.conn)
    return body.title(lang) if body is not None else gettext(ORGANISATION_PLACEHOLDER, lang)


def named_in(conn: database.Connection, recorded: str, lang: str) -> str:
    """The organisation a certificate recorded (by its name in the certificate's language),
    named in `lang` when the directory knows it, so that a copy in another language is not
    printed in two languages; else as recorded."""
    rows = conn.execute("SELECT entry FROM directory").fetchall()
    known = (
        [directory.from_entry(json.loads(r[0])) for r in rows]
        if rows
        else list(directory.shipped().organisations)
    )
    for org in known:
        if recorded and recorded in org.name.values():
            return org.title(lang)
    return recorded


def set_organisation(session: Session, org_id: str) -> directory.Organisation:
    """A supervisor names the NRM directory organisation this device works for (audited). The
    coordinator's update names it on enrolled devices and replaces this choice."""
    session.require(Action.MANAGE_OFFICERS)
    org = directory.find(session.conn, org_id.strip())
    if org is None:
        raise InvalidInput(
            _("No organisation {org} in the NRM directory.").format(org=org_id.strip()[:100])
        )
    with database.transaction(session.conn):
        device_info.set_org(session.conn, session.device_id, org.id)
        session.audit("organisation.set", org.id)
    return org


@dataclass(frozen=True)
class IssuingSettings:
    """Who issues certificates on this device, as the supervisor's window shows them."""

    body: directory.Organisation | None  # the organisation certificates name; None if not set
    options: policy_options.Options  # the four-eyes rule and the kinds that may issue
    enrolled: bool  # enrolled with a coordinator, whose updates set the options

    @property
    def body_may_issue(self) -> bool:
        return self.body is not None and self.body.type in self.options.issuing_types


def settings(session: Session) -> IssuingSettings:
    """The issuing settings as they stand (anyone may read them, as the role table)."""
    conn = session.conn
    return IssuingSettings(
        issuing_body(conn), policy_options.get(conn), device_info.is_enrolled(conn)
    )


def check(session: Session) -> directory.Organisation:
    """The issuing organisation, if it is set and its kind may issue under the policy."""
    body = issuing_body(session.conn)
    if body is None:
        raise InvalidInput(
            _(
                "This device's organisation is not set, so it cannot issue "
                "certificates: a supervisor chooses it (Administration > "
                "Certificate issuing…), or the coordinator's update sets it."
            )
        )
    allowed = policy_options.get(session.conn).issuing_types
    if body.type not in allowed:
        raise InvalidInput(
            _(
                "{org} may not issue the certificate: under the NRM policy only "
                "these kinds of organisation issue it: {types}."
            ).format(
                org=body.title(), types=", ".join(directory.type_label(t) for t in allowed) or "-"
            )
        )
    return body


def set_option(session: Session, key: str, value: object) -> bool:
    """A supervisor sets an option (audited); returns whether it changed. On a device enrolled
    with a coordinator the coordinator's value rules, so it cannot be set there."""
    session.require(Action.MANAGE_OFFICERS)
    if key not in policy_options.KEYS:
        raise InvalidInput(_("Unknown policy option {key}.").format(key=key))
    stored = policy_options.validated(key, value)
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
        changed = policy_options.store(session.conn, key, stored, session.device_id)
        if changed:
            session.audit("policy.option", key, {"value": stored})
            issuing.sync_in(session)
    return changed
