"""Fuzz target for XLSForm workbooks (`.xlsx`), through `load_form`.

`load_form` raises only FormError. Cases: the generated forms of fuzz_forms.py written as
workbooks (a small in-memory writer, no openpyxl on the writing side: fast), sometimes with odd
cells (huge row numbers, bad types, out-of-range shared strings); sheets of random cells under
plausible headers; XML-level damage to one part inside the zip (text and byte mutations, entity
expansion and external entities, parts removed, swapped or doubled, a deflate bomb); and
mutations of the zip bytes of the test fixtures. A workbook that loads is run through the
interview engine as well.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reliability.fuzz import Case, Verdict
from reliability.fuzz_forms import FORMS, FormMaker, load_and_exercise
from reliability.fuzz_mutate import mutate, mutate_text

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"


def _column(n: int) -> str:
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _cell(rng: random.Random, ref: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = escape(str(value))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


_ODD_CELLS = (  # cell types and references a spreadsheet program would not write
    '<c r="{ref}" t="s"><v>99999</v></c>',
    '<c r="{ref}" t="n"><v>abc</v></c>',
    '<c r="{ref}" t="b"><v>7</v></c>',
    '<c r="{ref}" t="e"><v>#DIV/0!</v></c>',
    '<c r="{ref}" t="d"><v>2024-99-99</v></c>',
    '<c r="XFD1048577"><v>1</v></c>',
    '<c r="{ref}" t="str"><f>1+1</f><v>2</v></c>',
    '<c r="{ref}" s="999"><v>1</v></c>',
    '<c r="A{row}"><v>{big}</v></c>',
    '<c r="{ref}" t="n"><v>1e999</v></c>',
)


def sheet_xml(rng: random.Random, rows: list[list[Any]], odd: bool) -> str:
    out = []
    for r, row in enumerate(rows, 1):
        rnum = r
        if odd and rng.random() < 0.005:
            rnum = rng.choice((0, 1048577, r + 1000, 10**12))
        cells = []
        for c, value in enumerate(row):
            ref = f"{_column(c)}{rnum}"
            if odd and rng.random() < 0.01:
                cells.append(rng.choice(_ODD_CELLS).format(ref=ref, row=rnum, big="9" * 400))
            else:
                cells.append(_cell(rng, ref, value))
        out.append(f'<row r="{rnum}">{"".join(cells)}</row>')
    dim = '<dimension ref="A1:XFD1048576"/>' if odd and rng.random() < 0.05 else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}>{dim}'
        f"<sheetData>{''.join(out)}</sheetData></worksheet>"
    )


def workbook(rng: random.Random, sheets: dict[str, list[list[Any]]], odd: bool) -> bytes:
    """A minimal .xlsx (inline strings, no styles) that openpyxl reads."""
    names = list(sheets)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        over = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(names) + 1)
        )
        z.writestr(
            "[Content_Types].xml",
            (
                f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PKG}/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                f'officedocument.spreadsheetml.sheet.main+xml"/>{over}</Types>'
            ),
        )
        z.writestr(
            "_rels/.rels",
            (
                '<?xml version="1.0" encoding="UTF-8"?>'
                f'<Relationships xmlns="{_PKG}/relationships">'
                f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                "</Relationships>"
            ),
        )
        entries = "".join(
            f'<sheet name="{escape(n, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
            for i, n in enumerate(names, 1)
        )
        z.writestr(
            "xl/workbook.xml",
            (
                f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} xmlns:r="{_REL}">'
                f"<sheets>{entries}</sheets></workbook>"
            ),
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1)
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            (
                '<?xml version="1.0" encoding="UTF-8"?>'
                f'<Relationships xmlns="{_PKG}/relationships">'
                f"{rels}</Relationships>"
            ),
        )
        for i, rows in enumerate(sheets.values(), 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", sheet_xml(rng, rows, odd))
    return buf.getvalue()


_LANG_HEADERS = {
    "ky": ("Kyrgyz (ky)", "ky", "Кыргызча"),
    "ru": ("Russian (ru)", "ru", "Русский"),
    "en": ("English (en)", "en", "English"),
}


def _items(value: Any) -> list[Any]:
    """A list as it is; nothing for None; anything else as a list of one."""
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def xlsform_rows(rng: random.Random, form: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """The form as XLSForm sheets (survey, choices, settings), values as they were, so the
    wrong types and missing keys of a perturbed form reach the cells."""
    langs = form.get("languages") if isinstance(form.get("languages"), list) else []
    langs = [lang for lang in langs if isinstance(lang, str)]
    texts = ("label", "hint", "constraint_message")
    plain = (
        "required",
        "relevant",
        "constraint",
        "choice_filter",
        "default",
        "calculation",
        "sensitivity",
        "indicators",
    )

    def header(key: str, lang: str) -> str:
        spelled = _LANG_HEADERS.get(lang, (lang,))
        return f"{key}::{rng.choice(spelled)}"

    columns = ["type", "name", *(header(k, lang) for k in texts for lang in langs), *plain]
    if rng.random() < 0.1:
        columns[rng.randrange(len(columns))] = rng.choice(
            ("relevance", "LABEL", "media::image", "label::Klingon", "", "Type")
        )
    survey: list[list[Any]] = [columns]

    def cell(value: Any) -> Any:
        if isinstance(value, dict):
            return "; ".join(
                f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
                for k, v in value.items()
            )
        if isinstance(value, list):
            return " ".join(map(str, value))
        return value

    def row(item: dict[str, Any], kind: Any) -> list[Any]:
        out: list[Any] = [kind, item.get("name")]
        for key in texts:
            for lang in langs:
                value = item.get(key)
                out.append(value.get(lang) if isinstance(value, dict) else value)
        out += [cell(item.get(key)) for key in plain]
        return out

    def emit(item: Any) -> None:
        if not isinstance(item, dict):
            survey.append([cell(item)])
            return
        if item.get("type") == "group" or "questions" in item:
            repeat = item.get("type") == "repeat"
            survey.append(row(item, "begin repeat" if repeat else "begin group"))
            for child in _items(item.get("questions")):
                emit(child)
            if rng.random() < 0.97:
                survey.append(["end repeat" if repeat else "end group"])
        else:
            survey.append(row(item, item.get("type")))

    for section in _items(form.get("sections")):
        if isinstance(section, dict):
            section = {**section, "type": "group"}
        emit(section)
    choices: list[list[Any]] = [
        ["list_name", "name", *(header("label", lang) for lang in langs), "kind", "country"]
    ]
    lists = form.get("choices") if isinstance(form.get("choices"), dict) else {}
    for list_name, entries in lists.items():
        for entry in entries if isinstance(entries, list) else [entries]:
            entry = entry if isinstance(entry, dict) else {"name": entry}
            label = entry.get("label")
            choices.append(
                [
                    list_name,
                    entry.get("name"),
                    *((label.get(lang) if isinstance(label, dict) else label) for lang in langs),
                    entry.get("kind"),
                    entry.get("country"),
                ]
            )
    assessment = form.get("assessment") if isinstance(form.get("assessment"), dict) else {}
    title = form.get("title")
    settings = [
        [
            "form_id",
            "version",
            "kind",
            "default_language",
            "languages",
            "form_title",
            "assessment_child",
            "assessment_exploitation",
        ],
        [
            form.get("form_id"),
            form.get("version"),
            form.get("kind"),
            form.get("default_language"),
            " ".join(langs),
            title.get(langs[0]) if isinstance(title, dict) and langs else cell(title),
            assessment.get("child"),
            assessment.get("exploitation"),
        ],
    ]
    sheets = {"survey": survey, "choices": choices, "settings": settings}
    if rng.random() < 0.1:
        sheets = {
            rng.choice(("Survey", " survey ", "SURVEY", "survey2", "опрос"))
            if k == "survey"
            else k: v
            for k, v in sheets.items()
        }
    if rng.random() < 0.1:
        sheets[rng.choice(("notes", "Лист1", "external_choices", "x" * 31))] = [["a"], [1]]
    if rng.random() < 0.1:
        sheets.pop(rng.choice(list(sheets)))
    return sheets


def random_cells(rng: random.Random) -> dict[str, list[list[Any]]]:
    """Sheets of random cells under plausible and implausible headers."""
    words = (
        "type",
        "name",
        "label",
        "label::en",
        "hint::ky",
        "relevant",
        "list_name",
        "form_id",
        "text",
        "select_one yes_no",
        "begin group",
        "end group",
        "yes",
        "",
        "${q0} = 1",
        3,
        2.5,
        True,
        None,
        "ө",
        "begin repeat",
        "end repeat",
        "x" * 300,
    )
    sheets = {}
    for _ in range(rng.choice((1, 2, 3, 4))):
        name = rng.choice(("survey", "choices", "settings", "Survey", "other", "Sheet1"))
        sheets[name] = [
            [rng.choice(words) for _ in range(rng.randint(0, 8))] for _ in range(rng.randint(0, 30))
        ]
    return sheets


_XML_ATTACKS = (
    '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
    '<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>',
    '<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE w [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>',
)


def damage_entry(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Rewrite the zip with one part damaged, removed, doubled or swapped for an attack."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = {info.filename: z.read(info) for info in z.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return data, "unzip"
    name = rng.choice(sorted(parts))
    roll = rng.random()
    label = "xml"
    if roll < 0.1:
        del parts[name]
        label = "part-missing"
    elif roll < 0.5:
        text, label = mutate_text(
            rng, parts[name].decode("utf-8", "replace"), "<>/=\"' &;:xmlrcvtis0123456789AZ\n"
        )
        parts[name] = text.encode("utf-8", "surrogatepass")
    elif roll < 0.7:
        parts[name], _ = mutate(rng, parts[name], nesting=(b"<x>", b"</x>"))
        label = "xml-bytes"
    elif roll < 0.85:
        body = parts[name].decode("utf-8", "replace")
        decl_end = body.find("?>") + 2 if body.startswith("<?xml") else 0
        attack = rng.choice(_XML_ATTACKS)
        body = body[:decl_end] + attack + body[decl_end:]
        if "<t" in body and rng.random() < 0.7:
            body = body.replace('">', '">&h;&x;', 1)
        parts[name] = body.encode()
        label = "xml-entity"
    elif roll < 0.97:
        swap = rng.choice(sorted(parts))
        parts[name], parts[swap] = parts[swap], parts[name]
        label = "parts-swapped"
    else:  # a deflate bomb: a small file that unpacks to 60 MB
        parts[name] = parts[name][:-12] + b" " * 20_000_000 + parts[name][-12:]
        label = "bomb"
    buf = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if rng.random() < 0.95 else zipfile.ZIP_STORED
    with zipfile.ZipFile(buf, "w", method) as z:
        for part, content in parts.items():
            z.writestr(part, content)
        if rng.random() < 0.03:
            z.writestr(name, b"<duplicate/>")  # two parts under one name
    return buf.getvalue(), label


class XlsxTarget:
    name = "fuzz xlsform"

    def setup(self, work: Path) -> None:
        from idtool.questionnaire.indicator_ids import known_indicator_ids

        self.work = work
        paths = [
            FORMS / "small.xlsx",
            FORMS / "realworld.xlsx",
            *sorted((FORMS / "broken").glob("*.xlsx")),
        ]
        self.seeds = [p.read_bytes() for p in paths]
        self.maker = FormMaker(sorted(known_indicator_ids()))

    def make(self, rng: random.Random, index: int) -> Case:
        roll = rng.random()
        if roll < 0.4:
            clean = rng.random() < 0.4
            form = self.maker.form(rng, clean)
            label = "clean" if clean else self.maker.perturb(rng, form)
            odd = not clean and rng.random() < 0.2
            data = workbook(rng, xlsform_rows(rng, form), odd)
            return Case(data, f"form:{label}{'+cells' if odd else ''}")
        if roll < 0.5:
            return Case(workbook(rng, random_cells(rng), rng.random() < 0.3), "cells")
        if roll < 0.72:
            base = (
                rng.choice(self.seeds[:2])
                if rng.random() < 0.5
                else workbook(rng, xlsform_rows(rng, self.maker.form(rng)), False)
            )
            data, label = damage_entry(rng, base)
            return Case(data, f"zip-part:{label}")
        base = (
            rng.choice(self.seeds)
            if rng.random() < 0.7
            else workbook(rng, xlsform_rows(rng, self.maker.form(rng)), False)
        )
        data, label = mutate(rng, base, self.seeds)
        return Case(data, f"zip-bytes:{label}")

    def run(self, case: Case) -> Verdict:
        path = self.work / f"case-{os.getpid()}.xlsx"
        path.write_bytes(case.data)  # type: ignore[arg-type]
        return load_and_exercise(path, random.Random(len(case.data)))
