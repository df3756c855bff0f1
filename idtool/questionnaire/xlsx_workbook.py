"""Opening an XLSForm workbook without trusting it: the file's size and the sizes its zip
directory declares are checked before openpyxl reads it, and each sheet is read row by row up to
fixed limits, so a hostile workbook cannot make the program unpack or fill in without end.
Every failure is a located problem, never an exception."""

from __future__ import annotations

import zipfile
from collections.abc import Collection
from pathlib import Path
from typing import Any

import openpyxl

from idtool.i18n import _
from idtool.questionnaire.problems import Problems

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # all zip members together, as the zip declares them
MAX_ZIP_MEMBERS = 1_000
MAX_ROWS = 10_000  # per sheet, counting empty rows up to the last row that has a value
# Empty (e.g. formatted) rows past MAX_ROWS are looked through up to Excel's last row
# (1,048,576): a workbook formatted down to the end of the sheet loads; past it, or at a
# value, reading stops. Going through a million empty rows takes about half a second.
EXCEL_ROWS = 1_048_576
MAX_EMPTY_TAIL = EXCEL_ROWS - MAX_ROWS
MAX_COLUMNS = 500
SKIMMED_ROWS = 10  # of a sheet the reader does not read: enough to see whether it says anything


def read_sheets(
    path: Path, problems: Problems, wanted: Collection[str] | None = None
) -> list[tuple[str, list[tuple[Any, ...]]]] | None:
    """Each sheet's title and rows, in workbook order; None (with the problem reported) if the
    file is not a workbook that may be read. A sheet whose title (in lower case, spaces around
    dropped) is not `wanted` gives only its first SKIMMED_ROWS rows, unless it is the only one
    (all sheets in full when `wanted` is None)."""
    if not _check_zip(path, problems):
        return None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except OSError as error:
        problems.error("", _("Cannot read the file: {error}").format(error=error.strerror))
        return None
    except Exception as error:  # openpyxl reports corrupt files with many exception types
        problems.error(
            "", _("Not a readable Excel workbook ({error})").format(error=type(error).__name__)
        )
        return None
    try:
        sheets: list[tuple[str, list[tuple[Any, ...]]]] = []
        for ws in book.worksheets:
            skim = (
                wanted is not None
                and len(book.worksheets) > 1  # an only sheet may be the survey
                and ws.title.strip().lower() not in wanted
            )
            rows = _skimmed(ws) if skim else _sheet_rows(ws, problems)
            if rows is None:
                return None
            sheets.append((ws.title, rows))
        return sheets
    except Exception as error:  # a damaged sheet inside a readable zip
        problems.error(
            "", _("Not a readable Excel workbook ({error})").format(error=type(error).__name__)
        )
        return None
    finally:
        book.close()


def _check_zip(path: Path, problems: Problems) -> bool:
    """The file's size and the sizes its zip directory declares (zipfile never unpacks more
    than a member declares, so openpyxl cannot be fed more than this)."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.error("", _("The file is too large"))
            return False
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except OSError as error:
        problems.error("", _("Cannot read the file: {error}").format(error=error.strerror))
        return False
    except Exception as error:  # BadZipFile, and others on a damaged directory
        problems.error(
            "", _("Not a readable Excel workbook ({error})").format(error=type(error).__name__)
        )
        return False
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        size = MAX_UNPACKED_BYTES // (1024 * 1024)
        problems.error("", _("The workbook unpacks to more than {size} MB").format(size=size))
        return False
    return True


def _sheet_rows(ws: Any, problems: Problems) -> list[tuple[Any, ...]] | None:
    """A sheet's rows, at most MAX_ROWS of at most MAX_COLUMNS values; None (with a located
    error) past either limit. Rows are read one at a time and the reading stops at the limit,
    so a gap before a far-away row is never filled in."""
    ws.reset_dimensions()  # a declared size may lie: let each row be as wide as its cells
    rows: list[tuple[Any, ...]] = []
    for number, row in enumerate(ws.iter_rows(values_only=True), 1):
        if number > MAX_ROWS:
            # formatted but empty rows at the end do not count; a value past the limit, or
            # too long an empty tail (a gap openpyxl fills in), is an error
            if number <= MAX_ROWS + MAX_EMPTY_TAIL and all(_blank(cell) for cell in row):
                continue
            problems.error(
                _("{sheet}, row {row}").format(sheet=ws.title, row=MAX_ROWS + 1),
                _("The sheet has more than {count} rows").format(count=MAX_ROWS),
            )
            return None
        if len(row) > MAX_COLUMNS:
            extra = len(row) - MAX_COLUMNS
            if row[MAX_COLUMNS:].count(None) != extra:
                problems.error(
                    _("{sheet}, row {row}").format(sheet=ws.title, row=number),
                    _("The sheet has more than {count} columns").format(count=MAX_COLUMNS),
                )
                return None
            row = row[:MAX_COLUMNS]
        rows.append(tuple(row))
    return rows


def _skimmed(ws: Any) -> list[tuple[Any, ...]]:
    ws.reset_dimensions()
    rows = ws.iter_rows(max_row=SKIMMED_ROWS, max_col=MAX_COLUMNS, values_only=True)
    return [tuple(row) for row in rows]


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())
