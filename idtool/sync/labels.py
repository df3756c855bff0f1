"""Words for what the exchange queues show: kinds of record and why two persons may be one."""

from __future__ import annotations

from idtool.cases import status_label
from idtool.i18n import N_, gettext
from idtool.regions import region_label

TABLE_NAMES = {
    "persons": N_("Person"),
    "cases": N_("Case"),
    "interviews": N_("Interview"),
    "answers": N_("Answer"),
    "assessments": N_("Assessment"),
    "interview_addenda": N_("Interview addendum"),
    "decisions": N_("Decision"),
    "officers": N_("Officer"),
    "consents": N_("Consent"),
    "referrals": N_("Referral"),
    "referral_events": N_("Referral event"),
    "certificates": N_("Certificate"),
    "certificate_revocations": N_("Certificate revocation"),
    "referral_outcomes": N_("Referral outcome"),
}
DUPLICATE_REASONS = {
    "name_birth_date": N_("same name and date of birth"),
    "document_number": N_("same document number"),
}


def table_name(table: str, lang: str | None = None) -> str:
    return gettext(TABLE_NAMES[table], lang) if table in TABLE_NAMES else table


def duplicate_reason(code: str, lang: str | None = None) -> str:
    """`code` is one reason or several joined by "+"."""
    return ", ".join(
        gettext(DUPLICATE_REASONS[c], lang) if c in DUPLICATE_REASONS else c
        for c in code.split("+")
    )


FIELD_NAMES = {
    "uuid": N_("Record id"),
    "full_name": N_("Full name"),
    "other_names": N_("Other names"),
    "sex": N_("Sex"),
    "birth_date": N_("Date of birth"),
    "citizenship": N_("Citizenship"),
    "document_number": N_("Document number"),
    "working_name": N_("Working name"),
    "number": N_("Case number"),
    "person_uuid": N_("Person"),
    "status": N_("Status"),
    "region": N_("Region"),
    "opened_at": N_("Opened"),
    "officer_uuid": N_("Officer"),
    "review": N_("For review"),
    "question": N_("Question"),
    "value": N_("Answer"),
    "updated_at": N_("Changed"),
    "version": N_("Version"),
    "device_id": N_("Device"),
    "base_version": N_("Based on version"),
}


def field_name(column: str, lang: str | None = None) -> str:
    """A record field as the supervisor reads it; the column name when there is no label."""
    return gettext(FIELD_NAMES[column], lang) if column in FIELD_NAMES else column


def field_value(column: str, value: object, lang: str | None = None) -> str | None:
    """A record field's value in words where the program has them (a case status, a region,
    a yes/no flag, a time to the minute); None to show the value as it is."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    try:
        if column == "status":
            return status_label(str(value), lang)
        if column == "region":
            return region_label(str(value), lang)
    except (KeyError, ValueError):  # a code from a newer version
        return None
    if column in ("review", "demo", "active") and value in (0, 1):
        return gettext(N_("yes") if value else N_("no"), lang)
    if column.endswith("_at") and isinstance(value, str) and len(value) >= 16 and value[10] == "T":
        return value[:16].replace("T", " ")
    if (
        (column in ("uuid", "device_id") or column.endswith("_uuid"))
        and isinstance(value, str)
        and len(value) == 36
        and value.count("-") == 4
    ):
        return value[:8] + "…"  # ids: the start tells them apart, as devices are shown
    return None
