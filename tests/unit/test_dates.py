"""One date parser for the whole program (`idtool.dates`), and no other (issue 13, part 3)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from idtool import cases, dates
from idtool.errors import InvalidInput
from idtool.i18n import language

ROOT = Path(__file__).resolve().parent.parent.parent


def test_parse_iso_is_exact():
    assert dates.parse_iso("2024-03-05") == dt.date(2024, 3, 5)
    for text in (" 2024-03-05", "2024-3-5", "20240305", "2024-W10-2", "2024-02-30", "05.03.2024"):
        assert dates.parse_iso(text) is None, text
    assert dates.parse_iso("٢٠٢٤-03-05") is None  # ASCII digits only


def test_parse_typed_takes_the_day_first_too():
    for text in ("2024-03-05", " 05.03.2024 ", "5.3.2024"):
        assert dates.parse_typed(text) == dt.date(2024, 3, 5), text
    for text in ("31.02.2024", "5.3.24", "2024.03.05", "5/3/2024", ""):
        assert dates.parse_typed(text) is None, text


def test_parse_refuses_with_a_translated_message_that_does_not_repeat_the_text():
    assert dates.parse(" 2024-03-05 ") == dt.date(2024, 3, 5)
    assert dates.parse("05.03.2024", day_first=True) == dt.date(2024, 3, 5)
    with language("ru"), pytest.raises(InvalidInput) as refused:
        dates.parse("05.03.2024")  # ISO only unless the caller takes the day first
    assert str(refused.value) == "Введите дату в формате ГГГГ-ММ-ДД."


@settings(max_examples=200, deadline=None)
@given(st.dates())
def test_every_date_reads_back(day: dt.date) -> None:
    iso = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    assert dates.parse_iso(iso) == day
    assert dates.parse(f"{day.day}.{day.month}.{day.year:04d}", day_first=True) == day
    assert dates.day_first(iso) == f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


def test_local_moment_reads_a_stored_timestamp():
    moment = dates.local_moment("2026-03-05T10:00:00+00:00")
    assert moment.tzinfo is not None
    assert moment == dt.datetime(2026, 3, 5, 10, tzinfo=dt.UTC)
    with pytest.raises(ValueError):
        dates.local_moment("yesterday")


def test_birth_dates_are_checked_once_for_the_dialog_and_the_core():
    today = dt.date(2026, 1, 10)
    assert cases.check_birth_date(" 2000-12-31 ", today) == "2000-12-31"
    assert cases.check_birth_date("31.12.2000", today) == "2000-12-31"  # as on a passport
    assert cases.check_birth_date("  ", today) == ""
    with language("en"):
        for text, message in (
            ("31.13.2000", "Enter a date as DD.MM.YYYY or YYYY-MM-DD."),
            ("2026-01-11", "The date of birth cannot be in the future."),
            ("1900-01-01", "Check the year of birth."),
        ):
            with pytest.raises(InvalidInput) as refused:
                cases.check_birth_date(text, today)
            assert str(refused.value) == message


DATE_PARSING = re.compile(r"fromisoformat|strptime|\[0-9\]\{4\}|\\d\{4\}")


def test_no_other_module_parses_dates():
    """Every date and timestamp is read by `idtool/dates.py`; nothing else in the program calls
    `fromisoformat` or `strptime` or matches four-digit years."""
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("idtool", "ui")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != ROOT / "idtool" / "dates.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if DATE_PARSING.search(line)
    ]
    assert found == []
