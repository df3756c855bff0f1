"""Who may write what through a case bundle (design.md section 7), whatever a row claims.

- A record's origin is the device that signed the bundle: a row whose `device_id` names another
  device is refused ("foreign_origin").
- A device writes only what it owns: the cases it opened (or received by referral: those it
  opened locally) and what hangs from them, the persons of those cases, and its own officers.
  A record that belongs to another device (this one included) is refused ("not_owner"), and so
  is a record naming an officer of another device ("foreign_officer").
- A decision, consent or referral event dated more than a day ahead of this computer's clock
  is refused ("dated_in_future"): the latest of them is chosen by date, so a date in the future
  would stay the latest for good.
- A record of a case erased here (or of a person all of whose cases were) is refused
  ("erased"): a package written before the erasure reached its sender brings nothing back
  (`erasure`).
- Officers, the role policy, the directory, the trust list and revocations of devices come only
  from the coordinator's update bundles: case bundles cannot carry them (see `tables.ORDER`),
  and a certificate revocation is accepted only for a certificate of the sender's own case.

Who owns a root record (person, case, officer) is kept in `sync_owners` when it is first
imported; a record with no entry there was made on this device. Children are owned by the owner
of their case: interviews, assessments, interview addenda, decisions, consents, referrals,
certificates, criminal-justice links and prosecutors' reviews name it (`case_uuid`), answers
through their interview, referral events through their referral, and certificate revocations
through the certificate they revoke.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from idtool import erasure
from idtool.certificate import keyring, payload
from idtool.database import Connection

ROOTS = frozenset({"persons", "cases", "officers"})
# child table -> (column naming the parent, parent table, the parent's column naming the case)
_VIA_CASE = {
    t: ("case_uuid", "cases", "uuid")
    for t in (
        "interviews",
        "assessments",
        "interview_addenda",
        "decisions",
        "consents",
        "referrals",
        "certificates",
        "criminal_links",
        "prosecutor_reviews",
    )
}
_VIA_PARENT = {
    "answers": ("interview_uuid", "interviews", "uuid"),
    "referral_events": ("referral_uuid", "referrals", "uuid"),
    "certificate_revocations": ("number", "certificates", "number"),
}
CHUNK = 500
# the sender's time that decides which record of a case is the latest
_DATED = {
    "decisions": "decided_at",
    "consents": "recorded_at",
    "referral_events": "at",
    "prosecutor_reviews": "reviewed_at",
}


class Ownership:
    """The rules above for one import: `refusal(table, row, local)` says why a checked row may
    not be written by `signer` (reason code, detail naming columns only), or None."""

    def __init__(self, conn: Connection, signer: str) -> None:
        self.conn = conn
        self.signer = signer
        self.here = str(
            conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0]
        )
        # a day of clock error is allowed; a date beyond it would order records for good
        self.tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat(timespec="seconds")
        self._owners: dict[tuple[str, str], str | None] = {}  # None: no such record
        self._cases: dict[tuple[str, str], str | None] = {}  # (parent table, key) -> case
        self._any_erased: bool | None = None

    # -- the rule ----------------------------------------------------------------------------
    def refusal(
        self, table: str, row: dict[str, Any], local: dict[str, Any] | None
    ) -> tuple[str, str] | None:
        if "device_id" in row and row["device_id"] != self.signer:
            return "foreign_origin", "device_id"
        when = _DATED.get(table)
        if when is not None and str(row[when]) > self.tomorrow:
            return "dated_in_future", when
        if self._erased(table, row):
            return "erased", ""
        if table in ROOTS:
            owner = self.owner(table, str(row["uuid"]))
            if owner is not None and owner != self.signer:
                return "not_owner", ""
            if table == "cases" and self.owner("persons", str(row["person_uuid"])) not in (
                self.signer,
                None,
            ):
                return "not_owner", "person_uuid"
        else:
            for version in (row, local):
                if version is None:
                    continue
                case = self.case_of(table, version)
                if case is None:
                    if table == "certificate_revocations":
                        return "missing_reference", "number"
                    continue  # the database's foreign keys refuse it
                if self.owner("cases", case) not in (self.signer, None):
                    return "not_owner", "case"
        officer = row.get("officer_uuid")
        if isinstance(officer, str) and self.owner("officers", officer) not in (self.signer, None):
            return "foreign_officer", "officer_uuid"
        if table == "certificates":
            return self._certificate(row)
        return None

    def _erased(self, table: str, row: dict[str, Any]) -> bool:
        if self._any_erased is None:  # asked once, after the bundle's own erasures are applied
            self._any_erased = erasure.any_erased(self.conn)
        if not self._any_erased:
            return False
        if table == "persons":
            return erasure.person_erased(self.conn, str(row["uuid"]))
        if table == "cases":
            return erasure.case_erased(self.conn, str(row["uuid"])) or erasure.person_erased(
                self.conn, str(row["person_uuid"])
            )
        if table == "officers":
            return False
        case = self._erased_case_of(table, row)
        return case is not None and erasure.case_erased(self.conn, case)

    def _erased_case_of(self, table: str, row: dict[str, Any]) -> str | None:
        """The case a child row names (directly, or through a parent that may be gone)."""
        if table in _VIA_CASE:
            return str(row["case_uuid"])
        if table in ("answers", "referral_events"):
            column, parent, _ = _VIA_PARENT[table]
            found = self.conn.execute(
                f"SELECT case_uuid FROM {parent} WHERE uuid = ?", (row[column],)
            ).fetchone()
            if found is not None:
                return str(found[0])
            return erasure.erased_parent(self.conn, str(row[column]))
        return self.case_of(table, row)

    def _certificate(self, row: dict[str, Any]) -> tuple[str, str] | None:
        """A certificate is the signer's own: its number in the signer's namespace, its code
        signed by one of the signer's issuing keys (one still issuing, or a retired one that
        vouches for it) for this number and case, its person and decision those of its case."""
        number = str(row["number"])
        if not number.startswith(tuple(payload.number_prefixes(self.signer))):
            return "bad_certificate", "number"
        case = self.conn.execute(
            "SELECT number, person_uuid FROM cases WHERE uuid = ?", (row["case_uuid"],)
        ).fetchone()
        if case is None:
            return None  # the database's foreign keys refuse it
        if (
            row["person_uuid"] != case[1]
            or not self.conn.execute(
                "SELECT 1 FROM decisions WHERE uuid = ? AND case_uuid = ?",
                (row["decision_uuid"], row["case_uuid"]),
            ).fetchone()
        ):
            return "bad_certificate", "person_uuid, decision_uuid"
        try:
            signed = payload.decode(str(row["code"]))
        except payload.PayloadError:
            return "bad_certificate", "code"
        key = self.conn.execute(
            "SELECT public_key, status FROM trusted_keys WHERE key_id = ? AND issuer_device = ?",
            (signed.kid.hex(), self.signer),
        ).fetchone()
        if (
            key is None
            or signed.claims.number != number
            or signed.claims.case_number != case[0]
            or not keyring.signed_with(str(row["code"]), bytes.fromhex(key[0]))
        ):
            return "bad_certificate", "code"
        if key[1] != "active" and keyring.code_digest(str(row["code"])) not in keyring.vouched(
            self.conn, signed.kid.hex()
        ):
            return "bad_certificate", "code"
        return None

    def inserted(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Rows of `table` this import has just inserted: the signer owns the roots."""
        if table not in ROOTS or not rows:
            return
        self.conn.executemany(
            "INSERT OR REPLACE INTO sync_owners (tbl, record_key, device_id) VALUES (?, ?, ?)",
            [(table, str(r["uuid"]), self.signer) for r in rows],
        )
        for r in rows:
            self._owners[(table, str(r["uuid"]))] = self.signer
        if table == "cases":
            for r in rows:
                self._cases[("cases", str(r["uuid"]))] = str(r["uuid"])

    # -- lookups -----------------------------------------------------------------------------
    def owner(self, table: str, key: str) -> str | None:
        """The device owning root record `key` of `table`; None if there is no such record."""
        found = self._owners.get((table, key), ...)
        if found is ...:
            self.prefetch_owners(table, [key])
            found = self._owners[(table, key)]
        return found

    def prefetch_owners(self, table: str, keys: list[str]) -> None:
        wanted = sorted({k for k in keys if (table, k) not in self._owners})
        for i in range(0, len(wanted), CHUNK):
            part = wanted[i : i + CHUNK]
            marks = ", ".join("?" * len(part))
            found: dict[str, str | None] = dict.fromkeys(part)
            for (key,) in self.conn.execute(
                f"SELECT uuid FROM {table} WHERE uuid IN ({marks})", part
            ):
                found[str(key)] = self.here
            for key, device in self.conn.execute(
                f"SELECT record_key, device_id FROM sync_owners WHERE tbl = ? AND"
                f" record_key IN ({marks})",
                [table, *part],
            ):
                found[str(key)] = str(device)
            for key, device in found.items():
                self._owners[(table, key)] = device

    def case_of(self, table: str, row: dict[str, Any]) -> str | None:
        """The case a child row hangs from (None if its parent is not here)."""
        if table in _VIA_CASE:
            return str(row["case_uuid"])
        column, parent, parent_key = _VIA_PARENT[table]
        key = str(row[column])
        found = self._cases.get((parent, key), ...)
        if found is ...:
            self.prefetch_cases(parent, parent_key, [key])
            found = self._cases[(parent, key)]
        return found

    def prefetch_cases(self, parent: str, parent_key: str, keys: list[str]) -> None:
        wanted = sorted({k for k in keys if (parent, k) not in self._cases})
        for i in range(0, len(wanted), CHUNK):
            part = wanted[i : i + CHUNK]
            found: dict[str, str | None] = dict.fromkeys(part)
            for key, case in self.conn.execute(
                f"SELECT {parent_key}, case_uuid FROM {parent} WHERE {parent_key} IN"
                f" ({', '.join('?' * len(part))})",
                part,
            ):
                found[str(key)] = str(case)
            for key, case in found.items():
                self._cases[(parent, key)] = case

    def prefetch(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Look up in a few queries what `refusal` will ask about these rows."""
        if table in ROOTS:
            self.prefetch_owners(table, [str(r["uuid"]) for r in rows])
            if table == "cases":
                self.prefetch_owners("persons", [str(r["person_uuid"]) for r in rows])
        elif table in _VIA_PARENT:
            column, parent, parent_key = _VIA_PARENT[table]
            self.prefetch_cases(parent, parent_key, [str(r[column]) for r in rows])
            cases = [c for r in rows if (c := self._cases.get((parent, str(r[column]))))]
            self.prefetch_owners("cases", cases)
        elif table in _VIA_CASE:
            self.prefetch_owners("cases", [str(r["case_uuid"]) for r in rows])
        officers = [r["officer_uuid"] for r in rows if isinstance(r.get("officer_uuid"), str)]
        if officers:
            self.prefetch_owners("officers", officers)
