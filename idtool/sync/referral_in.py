"""Referral bundles, the receiving side: the case continues here without asking again.

Inside the import transaction (`importer.import_bundle`, permission IMPORT_REFERRAL_BUNDLE,
signed by a trusted device, encrypted to this one):

- the bundle must carry exactly one `referral` and one `person` record of the right shape,
  for this device's organisation (when the supervisor's update named it), on a legal basis:
  for `consent`, the person's latest consent to a referral to this organisation (and, for
  police and prosecutors, to law enforcement) must be among the records and be "given"; for
  `child_protection_law`, this organisation's type must be allowed to receive children
  without consent, and the person must not be an adult now by what the bundle itself shows
  (a date of birth, or an answer "age now": `ages`), whatever the sender claims. Otherwise the
  whole bundle is refused (BundleError): nothing is imported;
- the minimisation is checked again here: an answer of a sensitivity this organisation's type
  may not receive is quarantined, and identifying person details sent to a type that may not
  have them refuse the bundle;
- a new local case is opened for the person (person summary, region, status "possible", or
  "identified" with a valid certificate number); the answers become a completed (read-only)
  interview per questionnaire version, so nobody asks them again; the received referral is
  recorded in `referrals_received` with status "accepted" and its provenance (sender device,
  bundle, the sender's referral id and case number) and the consent records as sent;
- the same referral received twice (a new bundle for it) is refused;
- a name it carries (the person's, an officer's, a guardian's) holding control,
  text-direction or invisible characters, or too long, refuses the bundle (names.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from idtool import (
    ages,
    cases,
    dates,
    device_info,
    directory,
    names,
    received_interviews,
    referrals,
)
from idtool.bundle import BundleHeader
from idtool.errors import BundleError, InvalidInput
from idtool.i18n import LANGUAGES, _
from idtool.questionnaire.answers import check as answer_check
from idtool.questionnaire.registry import load_shipped
from idtool.regions import REGIONS
from idtool.session import Session
from idtool.sync.apply import Applier
from idtool.sync.referral_out import (
    ANSWER_FIELDS,
    CONSENT_FIELDS,
    IDENTIFYING_PERSON,
    PERSON_FIELDS,
    REFERRAL_FIELDS,
)
from idtool.sync.report import ImportReport

MAX_TEXT = 100_000
STATUSES = ("accepted", "service_delivered", "declined", "closed")


def _bad(what: str) -> BundleError:
    return BundleError(
        _(
            "The referral in the exchange package is invalid ({field}). Nothing was imported."
        ).format(field=what),
        "bad_referral",
    )


def _texts(row: object, fields: tuple[str, ...], lists: tuple[str, ...] = ()) -> bool:
    if not isinstance(row, dict) or set(row) != set(fields):
        return False
    for key, value in row.items():
        if key in lists:
            if not isinstance(value, list) or not all(
                isinstance(v, str) and len(v) < 200 for v in value
            ):
                return False
        elif not isinstance(value, str) or len(value) > MAX_TEXT:
            return False
    return True


def _check_names(
    ref: dict[str, Any], person: dict[str, Any], consents: list[dict[str, Any]]
) -> None:
    """The names the referral carries (person, officers, guardians) may be stored and shown."""
    texts = [
        (person["full_name"], names.MAX_PERSON_NAME),
        (person["other_names"], names.MAX_NAME_TEXT),
        (ref["officer_name"], names.MAX_PERSON_NAME),
    ]
    for c in consents:
        texts += [(c["guardian"], names.MAX_NAME_TEXT), (c["officer_name"], names.MAX_PERSON_NAME)]
    try:
        for text, limit in texts:
            names.clean_name(text, limit=limit)
    except InvalidInput as e:
        raise BundleError(
            _("A name in the referral cannot be stored: {problem} Nothing was imported.").format(
                problem=e.message
            ),
            "bad_name",
        ) from None


def _answer_fits(session: Session, row: dict[str, Any]) -> bool:
    """A received answer is JSON and, when its questionnaire version is known here, an answer
    that question can take, in its stored form (`questionnaire.answers`)."""
    try:
        value = json.loads(row["value"])
    except ValueError:
        return False
    try:
        form = load_shipped(row["form_id"], row["form_version"], installed=session.installed_forms)
    except (InvalidInput, KeyError, OSError, ValueError):
        return True  # a version not installed here: kept as sent, read-only
    try:
        return bool(answer_check(form, row["question"], value) == value)
    except InvalidInput:
        return False


def _one(records: list[Any], table: str) -> dict[str, Any]:
    found = [r.get("row") for r in records if isinstance(r, dict) and r.get("table") == table]
    if len(found) != 1 or not isinstance(found[0], dict):
        raise _bad(table)
    return found[0]


def _adult_now(ref: dict[str, Any], person: dict[str, Any], records: list[Any]) -> bool:
    """Whether what the referral carries shows the person is an adult now (`ages`): a date of
    birth, or an answer "age now" (given on or before the day the referral was made)."""
    try:
        made = dates.local_moment(ref["created_at"]).date()
    except ValueError:
        made = date.today()
    stated = None
    for r in records:
        row = r["row"]
        if r["table"] != "answer" or not isinstance(row, dict):
            continue
        if row.get("question") == ages.AGE_NOW and isinstance(row.get("value"), str):
            try:
                value = json.loads(row["value"])
            except ValueError:
                continue
            if type(value) is int:
                stated = ages.Stated(value, made)
    evidence = ages.AgeEvidence(
        birth_date=dates.parse_iso(person["birth_date"]), age_now=stated, child_then=True
    )
    return not ages.is_child_now(evidence)


def _check_basis(
    rtype: directory.RecipientType,
    org_id: str,
    basis: str,
    consents: list[dict[str, Any]],
    adult_now: bool,
) -> None:
    """The basis the sender claims must be the one `referrals.legal_basis` finds in the consent
    records it sent (the latest per purpose and recipient; ISO times from one device), for a
    person who is a child now unless the referral shows an adult (`adult_now`)."""
    latest: dict[tuple[str, str], str] = {}
    for c in sorted(consents, key=lambda c: c["recorded_at"]):
        latest[(c["purpose"], c["recipient_id"])] = c["state"]
    found, _refusal = referrals.legal_basis(
        rtype, org_id, latest, child=basis == "child_protection_law" and not adult_now
    )
    if found is None or found != basis:
        raise BundleError(
            _(
                "The referral in the exchange package has no valid consent or "
                "legal basis for this organisation. Nothing was imported."
            ),
            "no_legal_basis",
        )


def apply_referral(
    session: Session, applier: Applier, header: BundleHeader, records: list[Any]
) -> None:
    conn = session.conn
    for record in records:
        if (
            not isinstance(record, dict)
            or set(record) != {"table", "row"}
            or record["table"] not in ("referral", "person", "answer", "consent")
        ):
            raise _bad("records")
    ref, person = _one(records, "referral"), _one(records, "person")
    if not _texts(ref, REFERRAL_FIELDS, ("services",)) or not _texts(person, PERSON_FIELDS):
        raise _bad("fields")
    org_id = ref["org_id"]
    mine = device_info.own_org(conn)
    if mine and mine != org_id:
        raise BundleError(
            _("This referral is for another organisation ({org}). Nothing was imported.").format(
                org=org_id
            ),
            "wrong_organisation",
        )
    org = directory.find(conn, org_id)
    try:
        if org is None:
            raise KeyError(org_id)
        rtype = directory.recipient_type(org.type)
    except KeyError:
        raise BundleError(
            _(
                "The organisation {org} is not in this device's NRM directory. "
                "Nothing was imported."
            ).format(org=org_id),
            "wrong_organisation",
        ) from None
    if "identifying" not in rtype.receives and any(person[k] for k in IDENTIFYING_PERSON):
        raise _bad("person")
    if ref["urgency"] not in ("routine", "urgent", "immediate"):
        raise _bad("urgency")
    consents = [
        r["row"]
        for r in records
        if r["table"] == "consent" and _texts(r["row"], CONSENT_FIELDS, ("told",))
    ]
    _check_names(ref, person, consents)
    _check_basis(rtype, org_id, ref["legal_basis"], consents, _adult_now(ref, person, records))
    if referrals.was_received(session, header.sender, ref["referral_uuid"]):
        raise BundleError(
            _("This referral was received before. Nothing was imported."), "already_received"
        )
    for r in records:
        if r["table"] == "consent" and r["row"] not in consents:
            applier.quarantine("consent", r["row"], "wrong_type")

    answers: list[dict[str, Any]] = []
    for r in (r for r in records if r["table"] == "answer"):
        row = r["row"]
        if not _texts(row, ANSWER_FIELDS) or row["language"] not in LANGUAGES:
            applier.quarantine("answer", row, "wrong_type")
        elif row["sensitivity"] not in rtype.receives:
            applier.quarantine(
                "answer",
                {"question": row["question"], "sensitivity": row["sensitivity"]},
                "not_allowed",
            )
        elif not _answer_fits(session, row):
            applier.quarantine("answer", row, "wrong_type")
        else:
            answers.append(row)

    region = ref["region"] if ref["region"] in REGIONS else org.region
    if region not in REGIONS:
        region = next(iter(REGIONS))
    certificate = ref["certificate_number"][:100]
    case_uuid = cases.open_received(session, person, region, identified=bool(certificate))
    applier.report.add("cases", "imported")

    by_form: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in answers:
        by_form.setdefault((row["form_id"], row["form_version"], row["language"]), []).append(row)
    for form, rows in sorted(by_form.items()):
        received_interviews.record_received(
            session, case_uuid, form, [(r["question"], r["value"]) for r in rows]
        )
        applier.report.add("answers", "imported", len(rows))

    fields = [{k: r[k] for k in ("question", "label", "text", "sensitivity")} for r in answers]
    referrals.record_received(
        session,
        {
            "referral_uuid": ref["referral_uuid"],
            "sender": header.sender,
            "bundle_id": header.bundle_id,
            "source_case_uuid": ref["case_uuid"],
            "source_case_number": ref["case_number"],
            "case_uuid": case_uuid,
            "org_id": org_id,
            "legal_basis": ref["legal_basis"],
            "services": json.dumps(ref["services"]),
            "urgency": ref["urgency"],
            "reason": ref["reason"],
            "risks": ref["risks"],
            "certificate_number": certificate,
            "fields": json.dumps(fields, ensure_ascii=False),
            "consents": json.dumps(consents, ensure_ascii=False),
        },
    )
    applier.report.add("referrals_received", "imported")
    session.audit(
        "referral.receive",
        case_uuid,
        {
            "referral": ref["referral_uuid"],
            "sender": header.sender,
            "bundle": header.bundle_id,
            "recipient": org_id,
            "legal_basis": ref["legal_basis"],
            "fields": len(answers),
        },
    )
    if ref["legal_basis"] == "child_protection_law":
        session.audit(
            "referral.child_protection_without_consent",
            case_uuid,
            {"referral": ref["referral_uuid"], "received": True},
        )


@dataclass(frozen=True)
class ReceivedReferral:
    """The case a referral package opened here (numbers only: no personal data)."""

    case_number: str
    source_case_number: str


def opened_case(session: Session, report: ImportReport) -> ReceivedReferral | None:
    """For a referral package just imported (`report`): the case it opened here and the
    sending device's case number; None for any other package or one imported before."""
    if report.kind != "referral" or report.already_imported:
        return None
    row = session.conn.execute(
        "SELECT c.number, r.source_case_number FROM referrals_received r JOIN cases c"
        " ON c.uuid = r.case_uuid WHERE r.bundle_id = ?",
        (report.bundle_id,),
    ).fetchone()
    return None if row is None else ReceivedReferral(str(row[0]), str(row[1]))
