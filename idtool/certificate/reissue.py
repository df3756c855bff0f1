"""A new certificate for a person who already had one: the coordinator's permission.

A person holds one valid certificate at a time, and gets one only once unless the coordinator
allows a new one: after a revocation, or when the person was trafficked again. A supervisor on
the coordinator's device (a device not enrolled with a coordinator of its own) allows it for one
certificate, with a reason. The permission is recorded (`certificate_allowances`, never changed
or deleted), audited (`certificate.allow_new`) and carried to every device by update packages
(`sync.allowances`), so the device that issued that certificate can issue the new one, and so
can the coordinator. It is spent by the new certificate, which has its own number: a further
one needs a permission for that number. A certificate still valid when the new one is issued
is revoked then, as replaced (`issuance`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from idtool import audit, database, device_info, names
from idtool.certificate import ledger, trust
from idtool.database import Connection
from idtool.errors import InvalidInput, NotPermitted
from idtool.i18n import _
from idtool.policy import Role
from idtool.session import Session

MAX_REASON = 500


@dataclass(frozen=True)
class Allowance:
    uuid: str
    number: str  # the certificate a new one may follow
    reason: str
    officer_uuid: str
    officer_name: str
    allowed_at: str
    device_id: str  # the coordinator's device that allowed it


_COLUMNS = "uuid, number, reason, officer_uuid, officer_name, allowed_at, device_id"


def allowances(conn: Connection) -> dict[str, Allowance]:
    """Every permission known here, by the number of the certificate it follows."""
    return {
        str(r[1]): Allowance(*(str(v) for v in r))
        for r in conn.execute(f"SELECT {_COLUMNS} FROM certificate_allowances ORDER BY rowid")
    }


def allowance_for(conn: Connection, number: str) -> Allowance | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM certificate_allowances WHERE number = ?", (number,)
    ).fetchone()
    return None if row is None else Allowance(*(str(v) for v in row))


def permission(session: Session, number: str) -> Allowance | None:
    """The coordinator's permission for a new certificate after `number`, if given."""
    return allowance_for(session.conn, number)


def standing(session: Session, person_uuid: str, holder_key: str = "") -> list[ledger.Certificate]:
    """The person's certificates that stand in the way of a new one: those no permission
    covers, latest first (see `ledger.of_person` for `holder_key`)."""
    allowed = allowances(session.conn)
    return [
        c for c in ledger.of_person(session, person_uuid, holder_key) if c.number not in allowed
    ]


def followed(session: Session, person_uuid: str, holder_key: str) -> list[ledger.Certificate]:
    """The person's certificates a permission covers, latest first: a new one follows them."""
    allowed = allowances(session.conn)
    return [c for c in ledger.of_person(session, person_uuid, holder_key) if c.number in allowed]


def may_allow(session: Session) -> str:
    """Why this officer may not allow a new certificate here, or "" when they may."""
    if session.officer.role != Role.SUPERVISOR:
        return _("Only a supervisor on the coordinator's computer may allow a new certificate.")
    if device_info.is_enrolled(session.conn):
        return _(
            "Only the coordinator allows a new certificate: ask them. Their next update "
            "package brings the permission to this computer."
        )
    return ""


def blocking(session: Session, case_uuid: str) -> list[ledger.Certificate]:
    """The certificates that stand in the way of a new one for the case's person (issued to
    that person, or to anyone with the same name and date of birth), latest first."""
    row = session.conn.execute(
        "SELECT p.uuid, p.full_name, p.birth_date FROM cases c JOIN persons p"
        " ON p.uuid = c.person_uuid WHERE c.uuid = ?",
        (case_uuid,),
    ).fetchone()
    if row is None:
        raise InvalidInput(_("This case does not exist."))
    key = ""
    if str(row[1]).strip() and row[2]:
        try:
            key = names.holder_key(str(row[1]), str(row[2]))
        except InvalidInput:
            key = ""  # a name stored before names were checked: the person's own certificates
    return standing(session, str(row[0]), key)


def allow(session: Session, case_uuid: str, reason: str) -> list[Allowance]:
    """The coordinator allows a new certificate for the case's person, after the certificates
    that stand in its way now (usually one), with a reason; recorded and audited."""
    why = may_allow(session)
    if why:
        raise NotPermitted(why)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(_("Give the reason for allowing a new certificate."))
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            _("The reason is too long: at most {n} characters.").format(n=MAX_REASON)
        )
    conn = session.conn
    with database.transaction(conn):
        certs = blocking(session, case_uuid)
        if not certs:
            raise InvalidInput(
                _(
                    "Nothing stands in the way of a certificate for this person: no "
                    "permission is needed."
                )
            )
        made = []
        for cert in certs:
            allowance = Allowance(
                str(uuid.uuid4()),
                cert.number,
                reason,
                session.officer.uuid,
                session.officer.name,
                audit.now_iso(),
                session.device_id,
            )
            store(conn, allowance)
            session.audit(
                "certificate.allow_new",
                case_uuid,
                {"number": cert.number, "allowance": allowance.uuid, "revoked": cert.revoked},
            )
            made.append(allowance)
    return made


def store(conn: Connection, allowance: Allowance) -> None:
    """Insert a permission (call inside the transaction that audits it)."""
    conn.execute(
        f"INSERT INTO certificate_allowances ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            allowance.uuid,
            allowance.number,
            allowance.reason,
            allowance.officer_uuid,
            allowance.officer_name,
            allowance.allowed_at,
            allowance.device_id,
        ),
    )


def revoke_replaced(session: Session, case_uuid: str, numbers: tuple[str, ...], new: str) -> None:
    """Revoke the earlier certificates still valid when `new` is issued under a permission:
    one valid certificate per person at a time. Call inside the issue's transaction."""
    for number in numbers:
        trust.record_revocation(
            session, number, _("Replaced by certificate {number}.").format(number=new)
        )
        session.audit("certificate.revoke", case_uuid, {"number": number, "replaced_by": new})
