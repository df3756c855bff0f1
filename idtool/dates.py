"""Dates: the one place that reads and writes calendar dates and stored timestamps.

A date is stored, signed and compared as ISO text, "YYYY-MM-DD" (ASCII digits, a day that
exists). Where an officer types a date into an interview answer, the day may also come first,
as it is written on Kyrgyz and Russian documents ("14.03.2025", "5.3.2025"); documents show
dates that way too. Timestamps are stored as ISO 8601 with their UTC offset.
"""

from __future__ import annotations

import datetime as dt
import re

from idtool.errors import InvalidInput
from idtool.i18n import _

_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DAY_FIRST = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_MOMENT = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?"
    r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)?"
)


def _day(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_iso(text: str) -> dt.date | None:
    """The date an exact "YYYY-MM-DD" names, or None (no spaces, no other form)."""
    match = _ISO.fullmatch(text)
    return _day(match[1], match[2], match[3]) if match else None


def parse_typed(text: str) -> dt.date | None:
    """The date typed as "YYYY-MM-DD" or day first "DD.MM.YYYY", spaces around ignored."""
    text = text.strip()
    match = _DAY_FIRST.fullmatch(text)
    if match:
        return _day(match[3], match[2], match[1])
    return parse_iso(text)


def parse(text: str, *, day_first: bool = False) -> dt.date:
    """The date in typed `text` ("YYYY-MM-DD", and "DD.MM.YYYY" with `day_first`), spaces
    around ignored; InvalidInput otherwise (the message never repeats the text)."""
    found = parse_typed(text) if day_first else parse_iso(text.strip())
    if found is None:
        raise InvalidInput(_("Enter a date as YYYY-MM-DD."))
    return found


def day_first(iso: str) -> str:
    """A stored date as documents show it: DD.MM.YYYY (clear in English too)."""
    found = parse_iso(iso)
    if found is None:
        raise ValueError("not an ISO date")
    return f"{found.day:02d}.{found.month:02d}.{found.year:04d}"  # strftime drops year zeros


def parse_iso_moment(text: str) -> dt.datetime | None:
    """The date and clock time of an ISO 8601 date-time as written ("2024-06-01T10:20:30.123
    +06:00": the offset kept, not converted; without one, a naive time), spaces around
    ignored; None for anything else (an XLSForm dateTime value, as ODK writes it)."""
    text = text.strip()
    match = _MOMENT.fullmatch(text)
    if match is None or parse_iso(match[1]) is None:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def local_moment(iso: str) -> dt.datetime:
    """A stored timestamp in this computer's time zone (ValueError when it is not one)."""
    return dt.datetime.fromisoformat(iso).astimezone()


def full_years(start: dt.date, end: dt.date) -> int:
    """Whole years from `start` to `end` (0 when `end` is not after `start`)."""
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return max(years, 0)
