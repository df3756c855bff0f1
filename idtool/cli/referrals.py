"""Commands: referral make | preview | status | list, consent record, directory list.

The core modules are imported inside the commands: loading them (questionnaires, ReportLab)
would slow every other command. What is printed holds no answers or names, only field labels,
organisations, numbers and states; the packet itself goes only to the file the officer names.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from idtool.atomic import document_saver
from idtool.cli import common
from idtool.errors import InvalidInput, NotPermitted
from idtool.i18n import LANGUAGES, N_, _, current_language, gettext

if TYPE_CHECKING:
    from idtool.session import Session

# As in idtool.referrals and idtool.consent (a test checks); kept here so that `--help` does
# not load the core.
URGENCIES = ("routine", "urgent", "immediate")
STATUSES = ("sent", "accepted", "service_delivered", "declined", "closed")
PURPOSES = ("interview", "referral", "law_enforcement", "statistics")
STATES = ("given", "refused", "withdrawn")
TOLD = ("purpose", "use", "retention", "withdrawal")
BASIS_LABELS = {
    "consent": N_("with the person's consent"),
    "child_protection_law": N_("child protection referral required by law, without consent"),
}
SHORT_ID = 6  # the least of a referral number accepted on the command line


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    r = sub.add_parser("referral", help=_("referrals to NRM service providers"))
    rsub = r.add_subparsers(dest="referral_command", required=True, metavar="COMMAND")

    p = rsub.add_parser("make", help=_("refer the person and save the referral packet (PDF)"))
    p.add_argument("case", metavar="CASE", help=_("case number"))
    p.add_argument(
        "--to",
        required=True,
        metavar="ORG_ID",
        help=_("the organisation's id in the NRM directory"),
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="FILE.pdf",
        help=_("where to save the PDF (the file is not encrypted)"),
    )
    p.add_argument(
        "--service",
        action="append",
        default=[],
        metavar="SERVICE",
        help=_("a service requested (repeat for several; default: the organisation's first)"),
    )
    p.add_argument("--urgency", choices=URGENCIES, default="routine")
    p.add_argument("--reason", default="", help=_("why the person is referred"))
    p.add_argument("--risks", default="", help=_("risks the recipient must know about"))
    p.add_argument(
        "--lang",
        "--language",
        dest="packet_language",
        choices=LANGUAGES,
        default=None,
        help=_("language of the packet"),
    )
    p.set_defaults(func=cmd_make)

    p = rsub.add_parser("preview", help=_("show exactly which fields would be shared"))
    p.add_argument("case", metavar="CASE", help=_("case number"))
    p.add_argument(
        "--to",
        required=True,
        metavar="ORG_ID",
        help=_("the organisation's id in the NRM directory"),
    )
    p.set_defaults(func=cmd_preview)

    p = rsub.add_parser("status", help=_("record what happened to a referral"))
    p.add_argument(
        "referral",
        metavar="REFERRAL_ID",
        help=_("the referral's number, as `referral list` shows it"),
    )
    p.add_argument("status", metavar="STATUS", choices=STATUSES, help=", ".join(STATUSES))
    p.add_argument("--note", default="", help=_("a short note"))
    p.set_defaults(func=cmd_status)

    p = rsub.add_parser("list", help=_("list the referrals of a case"))
    p.add_argument("case", metavar="CASE", help=_("case number"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(func=cmd_list)

    c = sub.add_parser("consent", help=_("the person's consent"))
    csub = c.add_subparsers(dest="consent_command", required=True, metavar="COMMAND")
    p = csub.add_parser("record", help=_("record consent given, refused or withdrawn"))
    p.add_argument("case", metavar="CASE", help=_("case number"))
    p.add_argument("--purpose", required=True, choices=PURPOSES)
    p.add_argument("--state", required=True, choices=STATES)
    p.add_argument("--to", metavar="ORG_ID", help=_("the recipient (for a referral: required)"))
    p.add_argument(
        "--told",
        default="",
        metavar=",".join(TOLD),
        help=_("what the person was told (all four for informed consent)"),
    )
    p.add_argument("--child-assent", default="", help=_("the child's assent, if a child"))
    p.add_argument(
        "--guardian", default="", help=_("the guardian or child protection involved, if a child")
    )
    p.set_defaults(func=cmd_consent)

    d = sub.add_parser("directory", help=_("the NRM directory"))
    dsub = d.add_subparsers(dest="directory_command", required=True, metavar="COMMAND")
    p = dsub.add_parser("list", help=_("list the organisations"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(func=cmd_directory)


def _case(session: Session, number: str) -> str:
    from idtool.certificate import ledger

    return ledger.case_uuid_for_number(session, number)


def basis_label(basis: str) -> str:
    return gettext(BASIS_LABELS[basis])


def cmd_make(args: argparse.Namespace) -> int:
    from idtool import directory
    from idtool.packet import content, make_and_render

    path = common.new_file(args.out)
    with common.unlock(args) as session:
        case_uuid = _case(session, args.case)
        org = directory.get(session, args.to)
        services = tuple(args.service) or org.services[:1]
        made = make_and_render(
            session,
            case_uuid,
            org.id,
            services=services,
            urgency=args.urgency,
            reason=args.reason,
            risks=args.risks,
            lang=args.packet_language or current_language(),
            save=document_saver(path),
        )
    print(
        _("Referral {number} to {organisation} recorded; the packet is saved to {path}.").format(
            number=content.reference(made.referral.uuid), organisation=org.title(), path=path
        )
        + " "
        + _("The file is not encrypted: keep it safe and delete it when it is no longer needed.")
    )
    if made.referral.legal_basis == "child_protection_law":
        print(
            _(
                "Made without consent: child protection referral required by law "
                "(recorded in the audit log)."
            )
        )
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from idtool import referrals

    with common.unlock(args) as session:
        shown = referrals.preview(session, _case(session, args.case), args.to)
    if not shown.allowed:
        raise NotPermitted(shown.refusal)
    included = shown.included()
    print(_("To: {organisation} ({id})").format(organisation=shown.org.title(), id=shown.org.id))
    print(_("Legal basis: {basis}").format(basis=basis_label(str(shown.legal_basis))))
    print(_("Fields that would be shared: {count}").format(count=len(included)))
    for f in included:
        print(f"  {f.question}\t{f.sensitivity}\t{f.label}")
    print(
        _("Fields withheld by data minimisation: {count}").format(
            count=len(shown.fields) - len(included)
        )
    )
    return 0


def _referral_uuid(session: Session, given: str) -> str:
    text = given.strip().lower()
    if len(text) < SHORT_ID or not all(ch in "0123456789abcdef-" for ch in text):
        raise InvalidInput(_("Give the referral's number as `referral list` shows it."))
    rows = session.conn.execute(
        "SELECT uuid FROM referrals WHERE uuid LIKE ?", (text + "%",)
    ).fetchall()
    if len(rows) > 1:
        raise InvalidInput(_("Several referrals start with this number; give more of it."))
    if not rows:
        raise InvalidInput(_("This referral does not exist."))
    return str(rows[0][0])


def cmd_status(args: argparse.Namespace) -> int:
    from idtool import referrals
    from idtool.packet import content

    with common.unlock(args) as session:
        uuid = _referral_uuid(session, args.referral)
        referrals.set_status(session, uuid, referrals.RefStatus(args.status), args.note)
    print(
        _("Referral {number}: {status}.").format(
            number=content.reference(uuid), status=referrals.status_label(args.status)
        )
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from idtool import directory, referrals
    from idtool.packet import content

    with common.unlock(args) as session:
        found = referrals.for_case(session, _case(session, args.case))
        names = {o.id: o.title() for o in directory.organisations(session, True)}
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "referral": content.reference(r.uuid),
                        "uuid": r.uuid,
                        "to": r.recipient_id,
                        "status": r.status,
                        "legal_basis": r.legal_basis,
                        "urgency": r.urgency,
                        "services": list(r.services),
                        "fields": len(r.fields),
                        "created": r.created_at,
                    }
                    for r in found
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    for r in found:
        print(
            "\t".join(
                (
                    content.reference(r.uuid),
                    content.local_time(r.created_at),
                    names.get(r.recipient_id, r.recipient_id),
                    referrals.status_label(r.status),
                    basis_label(r.legal_basis),
                )
            )
        )
    return 0


def cmd_consent(args: argparse.Namespace) -> int:
    from idtool import consent, directory

    told = tuple(t.strip() for t in args.told.split(",") if t.strip())
    purpose = consent.Purpose(args.purpose)
    if args.to and purpose is not consent.Purpose.REFERRAL:
        raise InvalidInput(
            _("--to names the recipient of a referral; leave it out for other purposes.")
        )
    with common.unlock(args) as session:
        recipient = directory.get(session, args.to).title() if args.to else ""
        consent.record(
            session,
            _case(session, args.case),
            purpose,
            consent.State(args.state),
            told=told,
            recipient_id=args.to or "",
            child_assent=args.child_assent.strip(),
            guardian=args.guardian.strip(),
        )
    what = consent.purpose_label(purpose)
    if recipient:
        what = f"{what} {recipient}"
    print(
        _("Consent recorded: {purpose}: {state}.").format(
            purpose=what, state=consent.state_label(args.state)
        )
    )
    return 0


def cmd_directory(args: argparse.Namespace) -> int:
    from idtool import directory
    from idtool.packet import content

    with common.unlock(args) as session:
        orgs = directory.organisations(session)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": o.id,
                        "type": o.type,
                        "region": o.region,
                        "name": o.title(),
                        "services": list(o.services),
                        "contact": o.contact,
                    }
                    for o in orgs
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    lang = current_language()
    for o in orgs:
        label = directory.recipient_type(o.type).label.get(lang, o.type)
        services = ", ".join(directory.service_label(s, lang) for s in o.services)
        print(
            "\t".join((o.id, label, content.region_label(o.region, lang), o.title(lang), services))
        )
    return 0
