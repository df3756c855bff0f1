"""Produce a referral packet: gather, render the PDF, then record (or find) the referral,
audit and save.

No transaction is open while the PDF is rendered. It exists only in memory until `save`
receives the bytes, inside the short transaction that records the referral and the
`referral.packet` audit entry after checking that the packet still shows what the database
holds (else it is rendered again): if saving fails, nothing is recorded. A certificate copy in
the packet is audited with the packet; it is not a reprint, so the certificate's print count is
unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from idtool import database, directory, referrals
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.packet import content, pdf, wording
from idtool.policy import Action
from idtool.session import Session

Save = Callable[[bytes], None]


@dataclass(frozen=True)
class Packet:
    referral: referrals.Referral
    pdf: bytes
    content: content.PacketContent


ATTEMPTS = 3  # renders of a packet that went stale before it could be recorded


class _Stale(Exception):
    """The packet rendered no longer shows what the database holds: render it again."""


def _changed() -> InvalidInput:
    return InvalidInput(
        _("The case changed while the PDF was being made; nothing was recorded. Try again.")
    )


def _record(
    session: Session,
    ref: referrals.Referral,
    *,
    lang: str,
    shown: content.PacketContent,
    data: bytes,
    save: Save | None,
) -> None:
    """Inside the transaction that records the change: check that the packet rendered still
    shows what the database holds (else `_Stale`), audit it, save it."""
    if content.gather(session, ref, lang) != shown:
        raise _Stale
    session.audit(
        "referral.packet",
        ref.case_uuid,
        {
            "referral": ref.uuid,
            "recipient": ref.recipient_id,
            "language": lang,
            "legal_basis": shown.legal_basis,
            "fields": len(shown.shared),
            "withheld": shown.withheld,
            "certificate_copy": shown.certificate.number if shown.certificate else None,
        },
    )
    if save is not None:
        save(data)


def packet_pdf(session: Session, referral_uuid: str, lang: str, save: Save | None = None) -> bytes:
    """The packet of a recorded referral, again (refused once consent is withdrawn)."""
    session.require(Action.REFERRAL)
    wording.check_language(lang)
    ref = content.referral(session, referral_uuid)
    directory.organisations(session)  # the directory's first use writes; not inside ours
    for _attempt in range(ATTEMPTS):
        shown = content.gather(session, ref, lang)
        data = pdf.render(shown)  # no transaction open
        try:
            with database.transaction(session.conn):
                _record(session, ref, lang=lang, shown=shown, data=data, save=save)
        except _Stale:
            continue
        return data
    raise _changed()


def check_services(services: tuple[str, ...]) -> tuple[str, ...]:
    known = directory.shipped().services
    unknown = [s for s in services if s not in known]
    if unknown:
        raise InvalidInput(_("Unknown service: {services}.").format(services=", ".join(unknown)))
    return tuple(dict.fromkeys(services))


def make_and_render(
    session: Session,
    case_uuid: str,
    org_id: str,
    *,
    services: tuple[str, ...],
    urgency: str = "routine",
    reason: str = "",
    risks: str = "",
    lang: str,
    save: Save | None = None,
) -> Packet:
    """Record a referral and produce its packet; `save` gets the PDF. The packet is rendered
    first, with no transaction open; one short transaction records the referral and the packet
    (checked again there) and saves it."""
    wording.check_language(lang)
    services = check_services(services)
    for _attempt in range(ATTEMPTS):
        ref = referrals.plan(
            session,
            case_uuid,
            org_id,
            services=services,
            urgency=urgency,
            reason=reason,
            risks=risks,
        )
        shown = content.gather(session, ref, lang)
        data = pdf.render(shown)  # no transaction open
        try:
            referrals.record(
                session,
                ref,
                then=partial(_record, session, lang=lang, shown=shown, data=data, save=save),
            )
        except _Stale:
            continue
        return Packet(ref, data, shown)
    raise _changed()
