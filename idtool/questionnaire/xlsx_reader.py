"""Read an XLSForm workbook (survey / choices / settings sheets) into raw items.

Columns are matched case-insensitively; translations are `label::Kyrgyz (ky)` or `label::ky`.
Top-level groups become sections; questions outside any group go into an implicit section.
What we do not support is reported by name as a warning, never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from idtool.i18n import DEFAULT_LANGUAGE, _
from idtool.questionnaire import xlsx_workbook
from idtool.questionnaire.problems import Problems
from idtool.questionnaire.raw import (
    QUESTION_KEYS,
    TEXT_KEYS,
    RawChoiceList,
    RawForm,
    RawItem,
    scalar_text,
)
from idtool.questionnaire.type_names import GROUP_BEGINS, GROUP_ENDS, REPEAT_ENDS, type_words

ALIASES = {
    "relevance": "relevant",
    "calculate": "calculation",
    "constraint message": "constraint_message",
    "jr:constraintmsg": "constraint_message",
    "choice filter": "choice_filter",
    "list name": "list_name",
    "id_string": "form_id",
    "title": "form_title",
}
# bind::X columns (the XForm attribute written directly) that mean one of our columns
BIND_COLUMNS = {
    "relevant": "relevant",
    "required": "required",
    "constraint": "constraint",
    "calculate": "calculation",
    "jr:constraintmsg": "constraint_message",
}
LANGUAGE_NAMES = {
    "english": "en",
    "russian": "ru",
    "kyrgyz": "ky",
    "kirghiz": "ky",
    "kirgiz": "ky",
    "русский": "ru",
    "кыргызча": "ky",
    "кыргыз": "ky",
    "english (en)": "en",
}
SETTING_KEYS = {
    "form_id": "form_id",
    "version": "version",
    "kind": "kind",
    "default_language": "default_language",
    "languages": "languages",
    "form_title": "title",
    "assessment_child": "child",
    "assessment_exploitation": "exploitation",
    "allow_choice_duplicates": "allow_choice_duplicates",
}
READ_SHEETS = {"survey", "choices", "settings"}
CHOICE_KEYS = ("list_name", "name", "label")
# Limits that keep a small hostile file from exhausting memory or time. openpyxl fills a gap
# before a row numbered 1,000,000,000,000 with empty rows one by one, and a 8 KB zip member can
# unpack to gigabytes; the shipped forms use a few hundred rows, 30 columns and 1 MB unpacked.
TRANSLATABLE = {*TEXT_KEYS, "form_title"}
_CODE = re.compile(r"\(\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)\s*\)\s*$")


def language_code(text: str) -> str | None:
    """`Kyrgyz (ky)` -> ky, `ky` -> ky, `Russian` -> ru, `French` -> french (a language the
    program lacks is named by its name, as ODK allows); None for an empty name."""
    text = text.strip()
    match = _CODE.search(text)
    if match:
        return match[1].lower()
    if re.fullmatch(r"[A-Za-z]{2,3}", text):
        return text.lower()
    known = LANGUAGE_NAMES.get(text.lower())
    if known:
        return known
    slug = re.sub(r"[\W_]+", "_", text.lower(), flags=re.UNICODE).strip("_")
    return slug or None


class _Sheet:
    """One sheet's header, split into (key, language) per column, and its rows."""

    def __init__(self, title: str, rows: list[tuple[Any, ...]], problems: Problems) -> None:
        self.title = title
        self.problems = problems
        header = [scalar_text(h) for h in rows[0]] if rows else []
        self.header = header
        self.rows = rows[1:]
        self.keys: list[tuple[str, str | None]] = [self._key(h) for h in header]

    def where(self, row: int) -> str:
        return _("{sheet}, row {row}").format(sheet=self.title, row=row)

    def _key(self, header: str) -> tuple[str, str | None]:
        base, sep, lang = header.partition("::")
        if base.strip().lower() == "bind" and lang.strip().lower() in BIND_COLUMNS:
            return BIND_COLUMNS[lang.strip().lower()], None  # bind::relevant is relevant
        single = header.split(":", 1)
        if not sep and len(single) == 2 and single[0].strip().lower() in TRANSLATABLE:
            base, sep, lang = single[0], ":", single[1]  # label:English, as pyxform reads it
        base = ALIASES.get(base.strip().lower(), base.strip().lower())
        if not sep:
            return base, None
        if base not in TRANSLATABLE:  # e.g. media::image::English (en): reported as unsupported
            return header.strip().lower(), None
        code = language_code(lang)
        if code is None:
            self.problems.error(
                self.where(1),
                _("Cannot tell the language of this column; write it as {example}").format(
                    example=f"{base}::Kyrgyz (ky)"
                ),
                column=header,
            )
            return "", None
        return base, code

    def records(self) -> Iterator[tuple[int, dict[str, str], dict[tuple[str, str], str]]]:
        """(row number, plain values by key, translated values by (key, language))."""
        for offset, row in enumerate(self.rows):
            plain: dict[str, str] = {}
            texts: dict[tuple[str, str], str] = {}
            for (key, lang), value in zip(self.keys, row, strict=False):
                text = scalar_text(value)
                if not key or not text:
                    continue
                if lang is None:
                    plain.setdefault(key, text)
                else:
                    texts[(key, lang)] = text
            if plain or texts:
                yield offset + 2, plain, texts

    def languages(self) -> list[str]:
        return [lang for _key, lang in self.keys if lang]

    def warn_unsupported(self, supported: set[str]) -> None:
        for index, (key, _lang) in enumerate(self.keys):
            if not key or key in supported:
                continue
            if any(index < len(row) and scalar_text(row[index]) for row in self.rows):
                self.problems.warn(
                    self.where(1),
                    _("Column {column} is not supported; its values are ignored").format(
                        column=self.header[index]
                    ),
                    column=self.header[index],
                )


def read_xlsx(path: Path, problems: Problems) -> RawForm | None:
    sheets = _read_workbook(path, problems)
    if sheets is None:
        return None
    survey = sheets.get("survey")
    if survey is None and len(sheets) == 1:  # as pyxform: a workbook's only sheet is the survey
        (survey,) = sheets.values()
        problems.warn(
            survey.title,
            _(
                "The workbook has no sheet called survey: its only sheet {sheet} is read as the "
                "survey"
            ).format(sheet=survey.title),
        )
        sheets = {"survey": survey}
    if survey is None:
        problems.error("", _("The workbook has no survey sheet"))
        return None
    settings_sheet = sheets.get("settings")
    choices_sheet = sheets.get("choices")
    for key, sheet in sheets.items():
        if key not in READ_SHEETS and sheet.rows:
            problems.warn(
                sheet.title,
                _("The sheet {sheet} is not read: what it says is ignored").format(
                    sheet=sheet.title
                ),
            )
    declared = [lang for s in sheets.values() for lang in s.languages()]
    settings = _settings(settings_sheet, path, declared, problems)
    default = str(settings.values["default_language"])
    form = RawForm(settings, xlsform=True)
    survey.warn_unsupported({*QUESTION_KEYS})
    _survey(survey, form, default, problems)
    if choices_sheet is not None:
        choices_sheet.warn_unsupported(set(CHOICE_KEYS) | _extra_columns(choices_sheet))
        _choices(choices_sheet, form, default)
    return form


def _read_workbook(path: Path, problems: Problems) -> dict[str, _Sheet] | None:
    sheets = xlsx_workbook.read_sheets(path, problems, READ_SHEETS)
    if sheets is None:
        return None
    return {title.strip().lower(): _Sheet(title, rows, problems) for title, rows in sheets}


def _settings(sheet: _Sheet | None, path: Path, declared: list[str], problems: Problems) -> RawItem:
    plain: dict[str, str] = {}
    texts: dict[tuple[str, str], str] = {}
    where = _("{sheet}, row {row}").format(sheet="settings", row=2)
    if sheet is not None:
        sheet.warn_unsupported(set(SETTING_KEYS))
        where = sheet.where(2)
        first = next(sheet.records(), None)
        if first is not None:
            plain, texts = first[1], first[2]
    item = RawItem(where, columns={v: k for k, v in SETTING_KEYS.items()})
    for column, key in SETTING_KEYS.items():
        if column in plain:
            item.values[key] = plain[column]
    default = language_code(plain.get("default_language", "")) or (
        declared[0] if declared else DEFAULT_LANGUAGE
    )
    if "default_language" not in plain and not declared:
        problems.warn(
            where,
            _("No default_language: texts without a language are taken as {lang}").format(
                lang=default
            ),
            column="default_language",
        )
    item.values["default_language"] = default
    languages = (
        plain["languages"].replace(",", " ").split()
        if "languages" in plain
        else [*declared, default]
    )
    chosen = list(dict.fromkeys(languages))
    item.values["languages"] = chosen
    title = {lang: text for (key, lang), text in texts.items() if key == "form_title"}
    if "form_title" in plain:  # a title without a language is the form's name in every one
        title = {lang: title.get(lang, plain["form_title"]) for lang in chosen}
    if "form_id" not in item.values:
        item.values["form_id"] = re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-")
        problems.warn(
            where,
            _("No form_id: using {value}").format(value=item.values["form_id"]),
            column="form_id",
        )
    if title:
        item.values["title"] = title
    else:
        item.values["title"] = dict.fromkeys(chosen, item.values["form_id"])
        problems.warn(where, _("No form_title: using the form id"), column="form_title")
    for key, column, value in (("version", "version", "1"), ("kind", "kind", "identification")):
        if key not in item.values:
            item.values[key] = value
            problems.warn(
                where,
                _("No {column}: using {value}").format(column=column, value=value),
                column=column,
            )
    return item


def _values(
    plain: dict[str, str],
    texts: dict[tuple[str, str], str],
    default: str,
    keys: tuple[str, ...],
    text_keys: tuple[str, ...],
) -> dict[str, object]:
    values: dict[str, object] = {k: plain[k] for k in keys if k in plain and k not in text_keys}
    for key in text_keys:
        translations = {lang: text for (k, lang), text in texts.items() if k == key}
        if key in plain:
            translations.setdefault(default, plain[key])
        if translations:
            values[key] = translations
    for key in ("indicators", "flags"):
        if isinstance(values.get(key), str):
            values[key] = parse_indicators(str(values[key]))
    return values


def parse_indicators(text: str) -> dict[str, list[str]] | str:
    """`yes: cd.isolation, cd.threats; no: rv.economic` -> mapping; the text back if malformed."""
    mapping: dict[str, list[str]] = {}
    for part in re.split(r"[;\n]", text):
        if not part.strip():
            continue
        value, sep, ids = part.partition(":")
        if not sep or not value.strip() or not ids.strip():
            return text
        mapping.setdefault(value.strip(), []).extend(ids.replace(",", " ").split())
    return mapping


def _survey(sheet: _Sheet, form: RawForm, default: str, problems: Problems) -> None:
    stack: list[RawItem] = []
    implicit: RawItem | None = None
    for row, plain, texts in sheet.records():
        where = sheet.where(row)
        kind = " ".join(plain.get("type", "").split())
        name = plain.get("name", "")
        ends_repeat = kind.lower() in REPEAT_ENDS
        if kind.lower() in GROUP_ENDS or ends_repeat:
            if not stack or _is_repeat(stack[-1]) != ends_repeat:
                problems.error(
                    where,
                    _("end repeat without a matching begin repeat")
                    if ends_repeat
                    else _("end group without a matching begin group"),
                    question=name,
                    column="type",
                )
            if stack and _is_repeat(stack[-1]) == ends_repeat:
                stack.pop()
            continue
        if not kind and not texts and not set(plain) & set(QUESTION_KEYS):
            continue  # a comment row: only columns the engine does not read
        if not kind:
            problems.error(where, _("The row has no type"), question=name, column="type")
            continue
        values = _values(plain, texts, default, QUESTION_KEYS, TEXT_KEYS)
        words = type_words(kind)
        repeat = words[:1] == ["repeat"]
        group = kind.lower() in GROUP_BEGINS or repeat
        if group:
            values["type"] = " ".join(words) if repeat else "group"
        item = RawItem(where, values, is_group=group)
        if stack:
            stack[-1].children.append(item)
        elif group and not repeat:
            form.sections.append(item)
            implicit = None
        else:
            if implicit is None:
                implicit = RawItem(
                    where,
                    {"name": f"_section{len(form.sections) + 1}"},
                    is_group=True,
                    implicit=True,
                )
                form.sections.append(implicit)
            implicit.children.append(item)
        if group:
            stack.append(item)
    for item in stack:
        problems.error(
            item.where,
            _("begin repeat without a matching end repeat")
            if _is_repeat(item)
            else _("begin group without a matching end group"),
            question=item.name(),
            column="type",
        )


def _is_repeat(item: RawItem) -> bool:
    return type_words(str(item.values.get("type", "")))[:1] == ["repeat"]


def _extra_columns(sheet: _Sheet) -> set[str]:
    """Choice columns usable in choice_filter: plain columns other than the known ones."""
    ignored = {"image", "audio", "video", "media", "big-image", ""}
    return {key for key, lang in sheet.keys if lang is None and key not in ignored}


def _choices(sheet: _Sheet, form: RawForm, default: str) -> None:
    lists: dict[str, RawChoiceList] = {}
    extras = sorted(_extra_columns(sheet) - set(CHOICE_KEYS))
    for row, plain, texts in sheet.records():
        where = sheet.where(row)
        list_name = plain.get("list_name", "")
        values = _values(plain, texts, default, ("name", *extras), ("label",))
        values["list_name"] = list_name
        if list_name not in lists:
            lists[list_name] = RawChoiceList(list_name, where)
            form.choice_lists.append(lists[list_name])
        lists[list_name].choices.append(RawItem(where, values))
