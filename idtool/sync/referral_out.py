"""Referral bundles, the sending side: one case, minimised and consented, for the device of
the organisation it is referred to (design.md section 7).

What travels is decided by `referrals.preview` at the moment of export - never by an older
decision: only the answers it includes for this recipient's type, the person's details only
when that type may receive identifying data (sex is ordinary), the consent records that
concern this recipient (the referral to it, law enforcement, the interview), and the number of
a valid certificate. Without a legal basis (consent, or the child-protection law), or without
the person's name for a type that may receive identifying data (`identity`), no bundle is
written; the refusal is audited too. The bundle is encrypted to the recipient device only: the
sender already has the data, and the supervisor receives it through case bundles.

Records (`table` -> `row`):
- `referral`: referral_uuid, case_uuid, case_number, region, org_id, legal_basis, services,
  urgency, reason, risks, certificate_number, officer_name, created_at (the uuids here and in
  `consent` are `public_id`s, never the sender's own record uuids)
- `person`: full_name, other_names, sex, birth_date, citizenship, document_number
  ("" where the recipient may not have it)
- `answer`: question, label, text, sensitivity, value (JSON text), form_id, form_version,
  language
- `consent`: uuid, purpose, recipient_id, state, told, child_assent, guardian, officer_name,
  recorded_at
"""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

from idtool import cases, consent, database, directory, identity, interviews, referrals
from idtool.bundle import Kind
from idtool.errors import InvalidInput, NotPermitted
from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session
from idtool.sync import devices
from idtool.sync.devices import Device, DeviceRole, DeviceStatus
from idtool.sync.export import Cancelled, Progress, audit_records, write_and_record

IDENTIFYING_PERSON = ("full_name", "other_names", "birth_date", "citizenship", "document_number")
PERSON_FIELDS = (*IDENTIFYING_PERSON, "sex")
REFERRAL_FIELDS = (
    "referral_uuid",
    "case_uuid",
    "case_number",
    "region",
    "org_id",
    "legal_basis",
    "services",
    "urgency",
    "reason",
    "risks",
    "certificate_number",
    "officer_name",
    "created_at",
)
ANSWER_FIELDS = (
    "question",
    "label",
    "text",
    "sensitivity",
    "value",
    "form_id",
    "form_version",
    "language",
)
CONSENT_FIELDS = (
    "uuid",
    "purpose",
    "recipient_id",
    "state",
    "told",
    "child_assent",
    "guardian",
    "officer_name",
    "recorded_at",
)
OPEN = (referrals.RefStatus.SENT.value, referrals.RefStatus.ACCEPTED.value)


def recipient_device(session: Session, org_id: str, device_id: str | None) -> Device:
    """The trusted device of `org_id` to address (the one named, or the only one known)."""
    conn = session.conn
    if device_id:
        dev = devices.get(conn, device_id)
        if (
            dev is None
            or dev.status is not DeviceStatus.TRUSTED
            or dev.role is not DeviceRole.DEVICE
            or dev.device_id == session.device_id
        ):
            raise InvalidInput(
                _("Device {device} is not a trusted device of an organisation.").format(
                    device=device_id
                )
            )
        if dev.org_id and dev.org_id != org_id:
            raise InvalidInput(
                _("Device {device} belongs to another organisation.").format(device=device_id)
            )
        return dev
    found = devices.recipients(session, org_id)
    if len(found) != 1:
        raise InvalidInput(
            _("No single trusted device is known for {org}: name it with --device.").format(
                org=org_id
            )
            if found
            else _(
                "No trusted device is known for {org}; the supervisor's update "
                "lists the devices of organisations."
            ).format(org=org_id)
        )
    return found[0]


def _open_referral(session: Session, case_uuid: str, org_id: str) -> referrals.Referral | None:
    found = [
        r
        for r in referrals.for_case(session, case_uuid)
        if r.recipient_id == org_id and r.status in OPEN
    ]
    return found[-1] if found else None


def _certificate(session: Session, case_uuid: str) -> str:
    row = session.conn.execute(
        "SELECT number FROM certificates WHERE case_uuid = ? AND number NOT IN"
        " (SELECT number FROM certificate_revocations) ORDER BY issued_at DESC LIMIT 1",
        (case_uuid,),
    ).fetchone()
    return "" if row is None else str(row[0])


def _values(session: Session, case_uuid: str) -> dict[str, tuple[object, interviews.Interview]]:
    """The raw value of each answered question (the latest interview wins, as in preview)."""
    found: dict[str, tuple[object, interviews.Interview]] = {}
    for interview in interviews.for_case(session, case_uuid):
        flow = interviews.flow(session, interview)
        for name, value in flow.effective_answers().items():
            found[name] = (value, interview)
    return found


def public_id(record_uuid: str) -> str:
    """The id a referral package gives one of the sender's records: the same each time (the
    receiver tells a referral sent again), but not the record's own uuid, which a dishonest
    receiver could otherwise use first for a record of its own at the coordinator."""
    digest = hashlib.sha256(b"idtool-referral-id\0" + record_uuid.encode("utf-8")).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def build_records(
    session: Session, case_uuid: str, shown: referrals.Preview, ref: referrals.Referral
) -> list[dict[str, Any]]:
    org = shown.org
    rtype = directory.recipient_type(org.type)
    case = cases.get_case(session, case_uuid, audit_view=False)
    person = case.person
    identifying = "identifying" in rtype.receives
    prow = {
        k: (str(getattr(person, k, "") or "") if identifying or k == "sex" else "")
        for k in PERSON_FIELDS
    }
    records: list[dict[str, Any]] = [
        {
            "table": "referral",
            "row": {
                "referral_uuid": public_id(ref.uuid),
                "case_uuid": public_id(case_uuid),
                "case_number": case.number,
                "region": case.region,
                "org_id": org.id,
                "legal_basis": str(shown.legal_basis),
                "services": list(ref.services),
                "urgency": ref.urgency,
                "reason": ref.reason,
                "risks": ref.risks,
                "certificate_number": _certificate(session, case_uuid) if identifying else "",
                "officer_name": session.officer.name,
                "created_at": ref.created_at,
            },
        },
        {"table": "person", "row": prow},
    ]
    values = _values(session, case_uuid)
    for f in shown.included():
        if f.sensitivity not in rtype.receives or f.question not in values:
            continue  # preview already decided; checked again all the same
        value, interview = values[f.question]
        records.append(
            {
                "table": "answer",
                "row": {
                    "question": f.question,
                    "label": f.label,
                    "text": f.answer,
                    "sensitivity": f.sensitivity,
                    "value": json.dumps(value, ensure_ascii=False),
                    "form_id": interview.form_id,
                    "form_version": interview.form_version,
                    "language": interview.language,
                },
            }
        )
    wanted = {
        (consent.Purpose.REFERRAL.value, org.id),
        (consent.Purpose.INTERVIEW.value, ""),
        (consent.Purpose.LAW_ENFORCEMENT.value, ""),
    }
    for rec in consent.history(session, case_uuid):
        if (rec.purpose, rec.recipient_id) in wanted:
            records.append(
                {
                    "table": "consent",
                    "row": {
                        "uuid": public_id(rec.uuid),
                        "purpose": rec.purpose,
                        "recipient_id": rec.recipient_id,
                        "state": rec.state,
                        "told": list(rec.told),
                        "child_assent": rec.child_assent,
                        "guardian": rec.guardian if identifying else "",
                        "officer_name": rec.officer_name,
                        "recorded_at": rec.recorded_at,
                    },
                }
            )
    return records


def export_referral(
    session: Session,
    case_uuid: str,
    org_id: str,
    recipient_device_id: str | None,
    out_dir: str | Path,
    *,
    services: tuple[str, ...] = (),
    urgency: str = "routine",
    reason: str = "",
    risks: str = "",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Path:
    """Write a referral bundle for `org_id`'s device into `out_dir`; returns its path.

    Uses the open referral of this case to `org_id`, or records one (`referrals.make`, with
    `services` or the organisation's first service). NotPermitted without a legal basis."""
    session.require(Action.REFERRAL)
    shown = referrals.preview(session, case_uuid, org_id)
    if not shown.allowed:
        reason = "identity_missing" if shown.missing else "no_legal_basis"
        with database.transaction(session.conn):
            session.audit(
                "referral.bundle_refused", case_uuid, {"recipient": org_id, "reason": reason}
            )
        if shown.missing:
            raise identity.IdentityMissing(identity.Need.REFERRAL, shown.missing)
        raise NotPermitted(shown.refusal)
    dev = recipient_device(session, org_id, recipient_device_id)
    ref = _open_referral(session, case_uuid, org_id)
    if ref is None:
        ref = referrals.make(
            session,
            case_uuid,
            org_id,
            services=services or shown.org.services[:1],
            urgency=urgency,
            reason=reason,
            risks=risks,
        )
    records = build_records(session, case_uuid, shown, ref)
    _, head = audit_records(session.conn, 1 << 62)
    answers = sum(r["table"] == "answer" for r in records)
    return write_and_record(
        session,
        out_dir,
        Kind.REFERRAL,
        records,
        head,
        [dev.age_recipient],
        0,
        0,
        progress,
        cancelled,
        {
            "case": case_uuid,
            "referral": ref.uuid,
            "recipient": org_id,
            "device": dev.device_id,
            "legal_basis": str(shown.legal_basis),
            "fields": answers,
        },
    )
