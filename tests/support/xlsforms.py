"""Small XLSForms written with openpyxl at test time, one per feature of ODK's format the
engine reads (issue 17): `write_form(tmp_path, survey=[...], choices=[...])` gives the path."""

from __future__ import annotations

from pathlib import Path

import openpyxl

Row = list[object]
SETTINGS: list[Row] = [["form_id", "version", "default_language"], ["odk-case", "1", "en"]]


def write_form(
    folder: Path,
    survey: list[Row],
    choices: list[Row] | None = None,
    settings: list[Row] | None = None,
    name: str = "form.xlsx",
    extra: dict[str, list[Row]] | None = None,
) -> Path:
    """An XLSForm with these sheets (settings: an English form `odk-case`, version 1)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    sheets: dict[str, list[Row]] = {"survey": survey}
    if choices is not None:
        sheets["choices"] = choices
    sheets["settings"] = settings if settings is not None else SETTINGS
    sheets.update(extra or {})
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = folder / name
    book.save(path)
    return path
