"""Pieces of the builder: a question's kind from its type, and names repeated across groups."""

from __future__ import annotations

import re

from idtool.i18n import _
from idtool.questionnaire.functions import FUNCTIONS
from idtool.questionnaire.model import Kind
from idtool.questionnaire.problems import Problems
from idtool.questionnaire.raw import TYPE_ALIASES, UNSUPPORTED_TYPES, RawItem, scalar_text
from idtool.questionnaire.type_names import type_words

_FORM_ID = re.compile(r"[a-z0-9-]+")  # as build.FORM_ID
_TRIGGER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.\-]*)\}")
_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_\-]*(?::[A-Za-z_][A-Za-z0-9_\-]*)?)\s*\(")


def form_id_of(settings: RawItem, problems: Problems, lenient: bool) -> str:
    """The form_id as written; in an XLSForm, one with capitals, `_`, `.` or spaces (pyxform
    accepts "Spec test") is read in lower case with `-` for the rest, with a warning."""
    form_id = scalar_text(settings.values.get("form_id"))
    slug = re.sub(r"[^a-z0-9]+", "-", form_id.lower()).strip("-")
    if lenient and not _FORM_ID.fullmatch(form_id) and slug:
        written, form_id = form_id, slug
        problems.warn(
            settings.where,
            _("form_id {written} is read as {form_id}").format(written=written, form_id=form_id),
            column=settings.column("form_id"),
        )
    return form_id


def is_dynamic(default: str) -> bool:
    """A default that is an expression (pyxform's dynamic default): it reads a question
    (`${name}`) or calls a function (`today()`); it is computed when the interview needs it."""
    return "${" in default or any(m[1] in FUNCTIONS for m in _CALL.finditer(default))


def trigger_names(item: RawItem, name: str, problems: Problems) -> tuple[str, ...]:
    """The questions named in `trigger` (ODK: `${a}`, or several separated by spaces or
    commas; in YAML also a list); a trigger needs a calculation (as pyxform)."""
    value = item.values.get("trigger")
    parts = value if isinstance(value, list) else [value]
    text = " ".join(scalar_text(p) for p in parts).replace(",", " ")
    if not text.strip():
        return ()
    names = []
    for word in text.split():
        match = _TRIGGER.fullmatch(word)
        if match is None:
            problems.error(
                item.where,
                _("A trigger names questions as {example}").format(example="${name}"),
                name,
                item.column("trigger"),
            )
            return ()
        names.append(match[1])
    if "calculation" not in item.values:
        problems.error(
            item.where,
            _("A trigger needs a calculation: the value it stores when it fires"),
            name,
            item.column("trigger"),
        )
    return tuple(dict.fromkeys(names))


def question_kind(
    item: RawItem, name: str, problems: Problems, ignored: set[str]
) -> tuple[Kind, str | None] | None:
    """The kind of a question and its choice list's name, from its `type` (the old and long
    spellings pyxform accepts included); None (reported) when unknown or unsupported."""
    words = type_words(scalar_text(item.values.get("type")))
    if not words:
        problems.error(item.where, _("type is missing"), name, item.column("type"))
        return None
    head = TYPE_ALIASES.get(words[0], words[0])
    if head in UNSUPPORTED_TYPES:
        problems.warn(
            item.where,
            _("Question type {type} is not supported; the question is ignored").format(
                type=words[0]
            ),
            name,
            item.column("type"),
        )
        ignored.add(name)
        return None
    try:
        kind = Kind(head)
    except ValueError:
        problems.error(
            item.where,
            _("Unknown question type {type}").format(type=" ".join(words)),
            name,
            item.column("type"),
        )
        return None
    if kind.is_select:
        if len(words) < 2:
            problems.error(
                item.where,
                _("{type} needs a choice list name").format(type=head),
                name,
                item.column("type"),
            )
            return None
        for extra in words[2:]:
            problems.warn(
                item.where,
                _("{word} is not supported and is ignored").format(word=extra),
                name,
                item.column("type"),
            )
        return kind, words[1]
    if kind is Kind.REPEAT and len(words) == 3 and words[1].lower() == "over":
        return kind, words[2]  # begin loop over L: one entry per choice of L
    if len(words) > 1:
        problems.error(
            item.where,
            _("Unknown question type {type}").format(type=" ".join(words)),
            name,
            item.column("type"),
        )
        return None
    return kind, None


class GroupNames:
    """The group each question name is in (for XLSForms, where ODK allows a name again in
    another group)."""

    def __init__(self, problems: Problems, enabled: bool) -> None:
        self.problems = problems
        self.enabled = enabled
        self.parents: dict[str, str] = {}
        self.ambiguous: set[str] = set()  # names used in more than one group

    def unique(self, name: str, parent: str, item: RawItem) -> str:
        """As ODK, the same name may be used in different groups: the later one is stored
        as `group.name`, and a reference ${name} to it is refused as ambiguous."""
        if not self.enabled or not name or name not in self.parents:
            self.parents.setdefault(name, parent)
            return name
        if self.parents[name] == parent:
            return name  # the same group: check_form reports the name used twice
        self.ambiguous.add(name)
        renamed = f"{parent}.{name}"
        self.problems.warn(
            item.where,
            _(
                "The name {name} is also used in another group: this one is stored as {renamed}"
            ).format(name=name, renamed=renamed),
            name,
            item.column("name"),
        )
        self.parents.setdefault(renamed, parent)
        return renamed


def give_label(item: RawItem, name: str, kind: Kind, problems: Problems) -> bool:
    """An XLSForm question without a label, as pyxform takes it: its hint becomes the label,
    else its name does (a warning either way); a note with neither (only media, which the
    program does not show) is left out with a warning: False then."""
    if item.values.get("label") or kind in (Kind.CALCULATE, Kind.GROUP, Kind.REPEAT):
        return True
    if item.values.get("hint"):
        item.values["label"] = item.values.pop("hint")
        problems.warn(item.where, _("The question has no label: its hint is shown"), name, "label")
        return True
    if kind is Kind.NOTE:
        problems.warn(
            item.where,
            _("The note has no text the program can show (only media): it is left out"),
            name,
            "label",
        )
        return False
    item.values["label"] = name
    problems.warn(item.where, _("The question has no label: its name is shown"), name, "label")
    return True


def disallowed(
    item: RawItem, allowed: set[str], name: str, kind: Kind, problems: Problems, lenient: bool
) -> None:
    """Report the keys `item` may not have for its kind: in an XLSForm (`lenient`) a warning
    and the value ignored, in YAML an error."""
    for key in list(item.values):
        if key in allowed:
            continue
        if lenient:
            del item.values[key]
            problems.warn(
                item.where,
                _("{column} means nothing for a {kind} question and is ignored").format(
                    column=item.column(key), kind=kind.value
                ),
                name,
                item.column(key),
            )
        else:
            problems.error(
                item.where,
                _("{column} cannot be used on a {kind} question").format(
                    column=item.column(key), kind=kind.value
                ),
                name,
                item.column(key),
            )
