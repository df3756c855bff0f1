"""Policy options beside the role table: who may issue the certificate, and how.

- `four_eyes`: a certificate is issued only when a second officer who may issue confirms with
  their own passphrase. "auto" (the default): required where two or more active officers on the
  device may issue; "on": always (no certificate on a device with one such officer); "off".
- `issuing_types`: the organisation types (NRM directory recipient types) whose organisations
  may issue the certificate under the NRM act. The issuing body printed on the certificate is
  the device's organisation from the directory, never free text.
- `legal_acts`: the date and number of acts of the certificate's legal basis that the shipped
  data does not know (`legal_acts`): {act id: {"date": "YYYY-MM-DD", "number": "..."}}.
- `cj_articles`: the numbers of the articles of the criminal-justice link that the shipped list
  does not know or that have changed (`cj_articles`): {article id: number}.
- `retention`: the retention schedule, {case status: years} (`retention`): a case with that
  status is reduced to its anonymised facts that many years after the last thing recorded in
  it. A status not named is kept until erased on request. Empty by default.

Kept in `policy_options`; a supervisor sets them (`certificate.issuing_org.set_option`, which
keeps the issuing key's seals in step) on a device that is not enrolled with a
coordinator, and the coordinator's update bundles carry its values to every device, where they
replace the local ones (`sync.update_reference`).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from idtool import cj_articles, legal_acts, policy
from idtool import records as versioned
from idtool.i18n import N_

if TYPE_CHECKING:
    from idtool.database import Connection

FOUR_EYES = ("auto", "on", "off")
FOUR_EYES_LABELS = {
    "auto": N_("When two officers who may issue work on the device"),
    "on": N_("Always"),
    "off": N_("Never"),
}
# Which bodies may assign the status is configurable (domain.md section 1); by default the
# state bodies that identify victims: police, prosecutors, social protection and child
# protection. The coordinator changes it when the NRM act says otherwise.
DEFAULT_ISSUING_TYPES = ("police", "prosecutor", "social_protection", "child_protection")
KEYS = ("four_eyes", "issuing_types", "legal_acts", "cj_articles", "retention")
# The case statuses (cases.Status) a retention period may be set for, and the longest period.
RETENTION_STATUSES = (
    "possible",
    "identified",
    "not_identified",
    "needs_information",
    "referred",
    "closed",
)
MAX_RETENTION_YEARS = 100


@dataclass(frozen=True)
class Options:
    four_eyes: str = "auto"
    issuing_types: tuple[str, ...] = DEFAULT_ISSUING_TYPES
    legal_acts: tuple[legal_acts.Details, ...] = ()
    cj_articles: tuple[tuple[str, str], ...] = ()  # (article id, number), sorted

    def article_numbers(self) -> dict[str, str]:
        return dict(self.cj_articles)

    retention: tuple[tuple[str, int], ...] = ()  # (status, years), by status


def validated(key: str, value: object) -> object | None:
    """The value in its stored form if valid for `key`, else None."""
    from idtool import directory  # not loaded when the command line starts (start-up time)

    if key == "four_eyes":
        return value if value in FOUR_EYES else None
    if key == "issuing_types":
        types = directory.shipped().recipient_types
        if (
            not isinstance(value, list | tuple)
            or len(value) > len(types)
            or not all(isinstance(t, str) and t in types for t in value)
        ):
            return None
        return sorted(set(value))
    if key == "legal_acts":
        return legal_acts.validated(value)
    if key == "cj_articles":
        return cj_articles.validated(value)
    if key == "retention":
        return _retention(value)
    return None


def _retention(value: object) -> dict[str, int] | None:
    if not isinstance(value, dict) or not all(
        k in RETENTION_STATUSES and type(v) is int and 1 <= v <= MAX_RETENTION_YEARS
        for k, v in value.items()
    ):
        return None
    return dict(sorted(value.items()))


def get(conn: Connection) -> Options:
    found: dict[str, Any] = {}
    for key, value in conn.execute("SELECT key, value FROM policy_options"):
        try:
            parsed = validated(str(key), json.loads(value))
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and key == "cj_articles":
            found[str(key)] = tuple(sorted(parsed.items()))
        elif key == "retention" and isinstance(parsed, dict):
            found["retention"] = tuple(parsed.items())
        elif isinstance(parsed, dict):
            found[str(key)] = legal_acts.details_of(parsed)
        elif parsed is not None:
            found[str(key)] = tuple(parsed) if isinstance(parsed, list) else parsed
    return Options(**found)


def store(conn: Connection, key: str, value: object, device_id: str) -> bool:
    text = json.dumps(value, sort_keys=True)
    row = conn.execute("SELECT value FROM policy_options WHERE key = ?", (key,)).fetchone()
    if row is not None and row[0] == text:
        return False
    if row is not None:
        versioned.update(conn, "policy_options", {"value": text}, "key = ?", (key,), device_id)
        return True
    conn.execute(
        "INSERT INTO policy_options (uuid, key, value, device_id) VALUES (?, ?, ?, ?)",
        (str(uuid.uuid4()), key, text, device_id),
    )
    return True


def issuers(conn: Connection) -> int:
    """How many active officers with a key slot here may issue certificates."""
    return sum(
        policy.is_allowed(conn, role, policy.Action.ISSUE_CERTIFICATE)
        for (role,) in conn.execute(
            "SELECT role FROM officers WHERE active = 1 AND slot_id IS NOT NULL"
        )
    )


def four_eyes_required(conn: Connection) -> bool:
    mode = get(conn).four_eyes
    return mode == "on" or (mode == "auto" and issuers(conn) >= 2)
