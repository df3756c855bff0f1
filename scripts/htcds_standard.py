"""Extract the HTCDS 2.0 field and value names, and the Excel toolkit's layout, into resources/.

The copies in `resources/htcds/` are what idtool reads and what the tests check every exported
column and value against. Run this again when IOM publishes a new version of the standard:

    python scripts/htcds_standard.py "HTCDS Field Standards 2.0.ods" \
        "Toolkit/Excel/HTCDS Excel Spreadsheet v2.0.xlsx" \
        "Toolkit/Excel/HTCDS Excel Spreadsheet single select with validation v2.0.xlsx" COMMIT

(files from the public repository UNMigration/HTCDS; COMMIT is the commit they came from).
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
OUT = Path(__file__).resolve().parent.parent / "resources" / "htcds"
SOURCE = "https://github.com/UNMigration/HTCDS"


def _ods_rows(path: Path) -> list[list[str]]:
    root = ElementTree.fromstring(zipfile.ZipFile(path).read("content.xml"))
    rows: list[list[str]] = []
    for row in root.iter(TABLE + "table-row"):
        cells: list[str] = []
        for cell in row.iter(TABLE + "table-cell"):
            repeat = min(int(cell.get(TABLE + "number-columns-repeated", "1")), 64)
            text = "\n".join("".join(p.itertext()) for p in cell.findall(TEXT + "p"))
            cells += [text] * repeat
        while cells and not cells[-1]:
            cells.pop()
        rows.append(cells)
    return rows


def _values(text: str) -> list[str]:
    # A picklist's value names, one per line; "Use ISO ... standard" describes a code list.
    lines = [v.strip() for v in text.splitlines() if v.strip()]
    return [] if any(v.startswith("Use ") for v in lines) else lines


def fields(ods: Path) -> dict[str, dict[str, object]]:
    rows = _ods_rows(ods)
    header = rows[0]
    col = {name: header.index(name) for name in header}
    found: dict[str, dict[str, object]] = {}
    for row in rows[1:]:
        row = row + [""] * (len(header) - len(row))
        name = row[col["Field Name including Prefix"]].strip()
        if not name or "_" not in name:
            continue
        found[name] = {
            "label": row[col["Field Label"]].strip(),
            "type": row[col["Field Type"]].strip(),
            "status": row[col["Status"]].strip(),
            "core": row[col["Core"]].strip() == "Core",
            "values": _values(row[col["Value Names (if picklist)"]]),
            "value_labels": _values(row[col["Value Labels (if picklist)"]]),
        }
    return found


def toolkit(xlsx: Path) -> dict[str, object]:
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    names = [c.value or "" for c in sheet[1]]
    labels = [c.value or "" for c in sheet[2]]
    return {"sheet": sheet.title, "names": names, "labels": labels, "rows": sheet.max_row - 2}


def countries(validated: Path) -> dict[str, str]:
    """ISO 3166 alpha-2 code -> English name, from the validated toolkit's lookup sheet."""
    sheet = openpyxl.load_workbook(validated)["validation"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    code, name = rows[0].index("Country Code"), rows[0].index("Country")
    return {str(r[code]): str(r[name]) for r in rows[1:] if r[code] and r[name]}


def main(ods: str, xlsx: str, validated: str, commit: str) -> None:
    source = {
        "source": SOURCE,
        "commit": commit,
        "licence": "CC BY 4.0 (Human Trafficking Case Data Standard (HTCDS) by IOM)",
    }
    standard = {**source, "file": Path(ods).name, "fields": fields(Path(ods))}
    layout = {
        **source,
        "file": Path(xlsx).name,
        **toolkit(Path(xlsx)),
        "countries": countries(Path(validated)),
    }
    for name, data in (("standard.json", standard), ("toolkit.json", layout)):
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        (OUT / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:5])
