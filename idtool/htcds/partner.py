"""Cases imported from a partner's spreadsheet, waiting for the person's consent.

A partner's spreadsheet says nothing of what the person agreed to. Until an officer has
confirmed with the person that they consent to their data being held here, the case is listed
as waiting (in the supervisor's review and on the case); confirming is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from idtool import database, records
from idtool.cases import now_iso
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session


@dataclass(frozen=True)
class Imported:
    case_uuid: str
    number: str
    source: str
    imported_at: str
    consent_confirmed_at: str | None


def imported(session: Session, case_uuid: str) -> Imported | None:
    row = session.conn.execute(
        "SELECT p.case_uuid, c.number, p.source, p.imported_at, p.consent_confirmed_at"
        " FROM partner_imports p JOIN cases c ON c.uuid = p.case_uuid WHERE p.case_uuid = ?",
        (case_uuid,),
    ).fetchone()
    return Imported(*row) if row else None


def awaiting_consent(session: Session) -> list[Imported]:
    """Imported cases whose person's consent is not confirmed yet, oldest first."""
    return [
        Imported(*row)
        for row in session.conn.execute(
            "SELECT p.case_uuid, c.number, p.source, p.imported_at, p.consent_confirmed_at"
            " FROM partner_imports p JOIN cases c ON c.uuid = p.case_uuid"
            " WHERE p.consent_confirmed_at IS NULL ORDER BY p.imported_at, c.number"
        )
    ]


def confirm_consent(session: Session, case_uuid: str, note: str = "") -> None:
    """Record that the person confirmed their consent (`note`: how, when; optional)."""
    found = imported(session, case_uuid)
    if found is None:
        raise InvalidInput(_("This case was not imported from a partner's spreadsheet."))
    session.require(Action.IMPORT_CASE_BUNDLE)
    if found.consent_confirmed_at is not None:
        raise InvalidInput(_("The consent for this case is already confirmed."))
    with database.transaction(session.conn):
        records.update(
            session.conn,
            "partner_imports",
            {
                "consent_confirmed_at": now_iso(),
                "consent_confirmed_by": session.officer.uuid,
                "consent_note": " ".join(note.split()),
            },
            "case_uuid = ?",
            (case_uuid,),
            session.device_id,
        )
        session.audit("htcds.consent_confirmed", case_uuid, {})
