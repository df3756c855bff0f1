"""The case list: find (transliteration-aware), filter, sort and page through the cases, and the
next step each case waits for.

Listing never loads every case: `CaseQuery` pages through the database in the order and with
the filter asked for, so a list of 100,000 cases costs one page at a time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from idtool import identity, names
from idtool.cases import Person, Status, status_label
from idtool.i18n import N_, gettext
from idtool.session import Session


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list."""

    uuid: str
    number: str
    opened_at: str
    status: str
    officer: str
    region: str
    person_name: str
    review: bool
    interview_in_progress: bool
    demo: bool = False
    working_name: str = ""
    assessed: bool = True  # False for a case nothing has been assessed in yet (shown as new)

    def person(self, lang: str | None = None) -> str:
        """The person's name, or the working name marked as such."""
        return identity.shown_name(
            Person("", full_name=self.person_name, working_name=self.working_name),
            self.number,
            lang,
        )


SORT_COLUMNS = {
    "number": "c.number",
    "opened": "c.opened_at",
    "status": "c.status",
    "officer": "o.name",
    "region": "c.region",
    "person": "p.name_key",
}
NEW = "new"  # not a stored status: a "possible" case with no assessment yet
NEW_LABEL = N_("New")
_ASSESSED = "EXISTS (SELECT 1 FROM assessments a WHERE a.case_uuid = c.uuid)"
_TRIGRAM = 3  # the search index finds fragments of at least three letters
_WORKING = object()  # stands for the cases found by working name, until a session is known
WALK_ABOVE = 2000  # matches above which a page is found by walking the cases in order


@dataclass
class CaseQuery:
    """A filtered, ordered view of the cases, read a page at a time.

    Name fragments of three letters or more go through the trigram index (`case_search`); one
    or two letters find names with a word starting so (`case_words`). Working names (persons
    with no name, few) are read and matched here by their identity keys. A page is chosen on
    the cases table alone and only its rows are joined to persons and officers, so a deep page
    costs no more than the first.
    """

    text: str = ""
    status: str | None = None
    order_by: str = "opened"
    descending: bool = True

    def __post_init__(self) -> None:
        matches: list[str] = []
        match_args: list[object] = []
        text = self.text.strip()
        if text:
            key = names.identity_key(text)
            if key:  # the working names matched in Python, once the session is known
                matches.append("SELECT value FROM json_each(?)")
                match_args.append(_WORKING)
            if any(ch.isdigit() for ch in text) or "-" in text or not key:
                matches.append("SELECT uuid FROM cases WHERE number LIKE ?")
                match_args.append(f"%{text.upper()}%")
            if len(key) >= _TRIGRAM:
                matches.append("SELECT case_uuid FROM case_search WHERE name_key LIKE ?")
                match_args.append(f"%{key}%")
            elif key:
                # One or two letters: names with a word starting so (the prefix index).
                matches.append("SELECT case_uuid FROM case_words WHERE case_words MATCH ?")
                match_args.append(" ".join(f"{word}*" for word in key.split()))
        self._matches = " UNION ".join(matches)
        self._match_args = tuple(match_args)
        self._key = names.identity_key(text) if text else ""
        self._count: int | None = None

    def _args(self, session: Session) -> tuple[object, ...]:
        """The match arguments, with the cases whose working name holds the text."""
        if _WORKING not in self._match_args:
            return self._match_args
        found = [
            str(case)
            for case, working in session.conn.execute(
                "SELECT c.uuid, p.working_name FROM persons p JOIN cases c"
                " ON c.person_uuid = p.uuid WHERE p.working_name != ''"
            )
            if self._key in names.identity_key(str(working))
        ]
        return tuple(json.dumps(found) if a is _WORKING else a for a in self._match_args)

    def _where(self, session: Session, walk: bool = False) -> tuple[str, tuple[object, ...]]:
        clauses: list[str] = []
        args: list[object] = []
        if self._matches:
            # "+c.uuid" makes SQLite walk the cases in list order and test each against the
            # matches: the quick way when many cases match; looking the matches up one by one
            # is quicker when few do.
            clauses.append(f"{'+' if walk else ''}c.uuid IN ({self._matches})")
            args += self._args(session)
        if self.status == NEW:
            clauses.append(f"c.status = ? AND NOT {_ASSESSED}")
            args.append(Status.POSSIBLE.value)
        elif self.status == Status.POSSIBLE:
            clauses.append(f"c.status = ? AND {_ASSESSED}")
            args.append(self.status)
        elif self.status:
            clauses.append("c.status = ?")
            args.append(self.status)
        return ((" WHERE " + " AND ".join(clauses)) if clauses else ""), tuple(args)

    def _from(self) -> str:
        sql = " FROM cases c"
        if self.order_by == "person":
            sql += " JOIN persons p ON p.uuid = c.person_uuid"
        if self.order_by == "officer":
            sql += " JOIN officers o ON o.uuid = c.officer_uuid"
        return sql

    def _order(self) -> str:
        column = SORT_COLUMNS.get(self.order_by, "c.opened_at")
        direction = "DESC" if self.descending else "ASC"
        return f" ORDER BY {column} {direction}, c.rowid {direction}"

    def count(self, session: Session) -> int:
        if self._matches and not self.status:
            sql = f"SELECT count(*) FROM ({self._matches})"  # straight from the indexes
            args: tuple[object, ...] = self._args(session)
        else:
            where, args = self._where(session)
            sql = "SELECT count(*) FROM cases c" + where
        self._count = int(session.conn.execute(sql, args).fetchone()[0])
        return self._count

    def page(self, session: Session, offset: int, limit: int) -> list[CaseRow]:
        many = self._count is None or self._count > WALK_ABOVE
        where, args = self._where(session, walk=many)
        pick = "SELECT c.rowid AS rid" + self._from() + where + self._order() + " LIMIT ? OFFSET ?"
        sql = (
            "SELECT c.uuid, c.number, c.opened_at, c.status, o.name, c.region, p.full_name,"
            " c.review, EXISTS (SELECT 1 FROM interviews i WHERE i.case_uuid = c.uuid"
            " AND i.state = 'in_progress'), c.demo, p.working_name, "
            + _ASSESSED
            + f" FROM ({pick}) pick JOIN cases c ON c.rowid = pick.rid"
            " JOIN persons p ON p.uuid = c.person_uuid"
            " JOIN officers o ON o.uuid = c.officer_uuid"
            + self._order()  # the same order again: the join does not keep the picked one
        )
        rows = session.conn.execute(sql, (*args, limit, offset)).fetchall()
        return [
            CaseRow(
                *(r[0], r[1], r[2], r[3], r[4], r[5], r[6]),
                *(bool(r[7]), bool(r[8]), bool(r[9]), r[10], bool(r[11])),
            )
            for r in rows
        ]


NEXT_STEPS = {
    "resume": N_("Resume the interview"),
    NEW: N_("Screening interview"),
    Status.POSSIBLE: N_("Full identification interview"),
    Status.IDENTIFIED: N_("Issue certificate and refer"),
    Status.NOT_IDENTIFIED: N_("Offer other help if needed"),
    Status.NEEDS_INFORMATION: N_("Follow-up interview"),
    Status.REFERRED: N_("Follow the referral"),
    Status.CLOSED: N_("None"),
}


def shown_status(status: str, assessed: bool) -> str:
    """The status as the list and the case view show it: a case nothing has been assessed in
    yet is "new", not yet a "possible victim"."""
    return NEW if status == Status.POSSIBLE and not assessed else status


def status_text(status: str, assessed: bool, lang: str | None = None) -> str:
    if shown_status(status, assessed) == NEW:
        return gettext(NEW_LABEL, lang)
    return status_label(status, lang)


def next_step(row: CaseRow, lang: str | None = None) -> str:
    key: str = "resume" if row.interview_in_progress else shown_status(row.status, row.assessed)
    return gettext(NEXT_STEPS[key if key in ("resume", NEW) else Status(key)], lang)
