"""Produce a referral packet: record (or find) the referral, render the PDF, audit, save.

The PDF exists only in memory until `save` receives the bytes, inside the transaction that
records the referral and the `referral.packet` audit entry: if saving fails, nothing is
recorded. A certificate copy in the packet is audited with the packet; it is not a reprint,
so the certificate's print count is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


def _produce(session: Session, ref: referrals.Referral, lang: str, save: Save | None) -> Packet:
    """Render, audit and save; call inside the transaction that records the change."""
    shown = content.gather(session, ref, lang)
    data = pdf.render(shown)
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
    return Packet(ref, data, shown)


def packet_pdf(session: Session, referral_uuid: str, lang: str, save: Save | None = None) -> bytes:
    """The packet of a recorded referral, again (refused once consent is withdrawn)."""
    session.require(Action.REFERRAL)
    wording.check_language(lang)
    ref = content.referral(session, referral_uuid)
    directory.organisations(session)  # the directory's first use writes; not inside ours
    with database.transaction(session.conn):
        return _produce(session, ref, lang, save).pdf


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
    """Record a referral and produce its packet in one transaction; `save` gets the PDF."""
    wording.check_language(lang)
    made: list[Packet] = []
    referrals.make(
        session,
        case_uuid,
        org_id,
        services=check_services(services),
        urgency=urgency,
        reason=reason,
        risks=risks,
        then=lambda ref: made.append(_produce(session, ref, lang, save)),
    )
    return made[0]
