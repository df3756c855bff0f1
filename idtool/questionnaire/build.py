"""Turn what a reader read into the model, reporting every problem with its location.

Both readers (YAML and XLSForm) feed this one builder, so both formats are checked alike and
the same form gives the same model.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TypeVar

from idtool.i18n import _
from idtool.questionnaire import binds
from idtool.questionnaire.answer_ids import answer_ids
from idtool.questionnaire.build_kinds import (
    GroupNames,
    disallowed,
    form_id_of,
    give_label,
    is_dynamic,
    question_kind,
    trigger_names,
)
from idtool.questionnaire.build_repeats import check_repeat, most_sensitive, repeat_sensitivity
from idtool.questionnaire.expr import Expr, ExpressionError, parse
from idtool.questionnaire.model import (
    Assessment,
    Choice,
    ChoiceList,
    Form,
    FormKind,
    Kind,
    Question,
    Section,
    Sensitivity,
    Text,
)
from idtool.questionnaire.problems import Problems
from idtool.questionnaire.raw import (
    RawChoiceList,
    RawForm,
    RawItem,
    scalar_text,
)
from idtool.questionnaire.type_names import type_words

E = TypeVar("E", bound=StrEnum)
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")  # an XML name without a namespace
FORM_ID = re.compile(r"[a-z0-9-]+")
CURLY_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
TRUE_WORDS = {"true", "yes", "true()"}
FALSE_WORDS = {"false", "no", "false()", ""}
GROUP_KEYS = {"name", "type", "label", "hint", "relevant"}
VALUE_KEYS = {"required", "constraint", "constraint_message", "default", "sensitivity", "bind"}
VALUE_KEYS |= {"calculation", "trigger"}  # as ODK: a computed answer, or one set on a trigger
ALLOWED: dict[Kind, set[str]] = {
    Kind.GROUP: GROUP_KEYS,
    Kind.REPEAT: GROUP_KEYS | {"repeat_count", "sensitivity"},
    Kind.NOTE: GROUP_KEYS,
    Kind.CALCULATE: GROUP_KEYS | {"calculation", "trigger", "sensitivity", "indicators", "flags"},
    **dict.fromkeys((Kind.TEXT, Kind.INTEGER, Kind.DECIMAL, Kind.DATE), GROUP_KEYS | VALUE_KEYS),
    **dict.fromkeys(
        (Kind.SELECT_ONE, Kind.SELECT_MULTIPLE),
        GROUP_KEYS | VALUE_KEYS | {"choice_filter", "indicators", "flags"},
    ),
}


class Builder:
    def __init__(self, raw: RawForm, problems: Problems, source: str) -> None:
        self.raw = raw
        self.problems = problems
        self.source = source
        self.languages: tuple[str, ...] = ()
        self.default_language = ""
        self.ignored: set[str] = set(raw.ignored)
        self.lenient = raw.xlsform
        self.untranslated: dict[str, int] = {}  # language -> texts that fell back
        self.names = GroupNames(problems, enabled=raw.xlsform)
        self.notes = 0

    # ------------------------------------------------------------ pieces

    def text(self, item: RawItem, key: str, required: bool = False, question: str = "") -> Text:
        value = item.values.get(key)
        column = item.column(key)
        if value is None or value == "" or value == {}:
            if required:
                self.problems.error(
                    item.where, _("{column} is missing").format(column=column), question, column
                )
            return Text()
        if not isinstance(value, dict):
            value = {self.default_language: value}
        texts: dict[str, str] = {}
        for lang, text in value.items():
            if str(lang) not in self.languages:
                self.problems.error(
                    item.where,
                    _("Language {lang} is not declared in languages").format(lang=lang),
                    question,
                    column,
                )
            elif scalar_text(text):
                texts[str(lang)] = scalar_text(text)
        for lang in self.languages:
            if lang not in texts and self.lenient and texts:
                fallback = texts.get(self.default_language) or next(iter(texts.values()))
                texts[lang] = fallback
                self.untranslated[lang] = self.untranslated.get(lang, 0) + 1
            elif lang not in texts:
                self.problems.error(
                    item.where, _("Missing translation: {lang}").format(lang=lang), question, column
                )
        return Text.of(texts)

    def expression(self, item: RawItem, key: str, question: str = "") -> Expr | None:
        value = item.values.get(key)
        if value is None:
            return None
        text = scalar_text(value)
        if self.lenient:  # as pyxform: typographic quotes are quotes
            text = text.translate(CURLY_QUOTES)
        if key == "required":
            if text.lower() in TRUE_WORDS:
                return parse("true()")
            if text.lower() in FALSE_WORDS:
                return None
        try:
            return parse(text)
        except ExpressionError as error:
            self.problems.error(
                item.where,
                _("Bad expression: {error}").format(error=error),
                question,
                item.column(key),
            )
            return None

    def enum(self, item: RawItem, key: str, enum: type[E], default: E, question: str = "") -> E:
        value = item.values.get(key)
        if value is None:
            return default
        try:
            return enum(scalar_text(value))
        except ValueError:
            self.problems.error(
                item.where,
                _("{value} is not one of: {allowed}").format(
                    value=scalar_text(value), allowed=", ".join(e.value for e in enum)
                ),
                question,
                item.column(key),
            )
            return default

    def name(self, item: RawItem) -> str:
        name = scalar_text(item.values.get("name"))
        if not name:
            self.problems.error(item.where, _("name is missing"), "", item.column("name"))
        elif not NAME.fullmatch(name):
            self.problems.error(
                item.where,
                _(
                    "The name may use only Latin letters, digits, _, - and . and must start with a "
                    "letter or _"
                ),
                name,
                item.column("name"),
            )
        return name

    # ------------------------------------------------------------ the form

    def form(self) -> Form:
        settings = self.raw.settings
        languages = settings.values.get("languages")
        if (
            isinstance(languages, list)
            and languages
            and all(isinstance(lang, str) for lang in languages)
        ):
            self.languages = tuple(dict.fromkeys(languages))
        else:
            self.problems.error(
                settings.where,
                _("languages must be a list of language codes"),
                column=settings.column("languages"),
            )
        self.default_language = scalar_text(settings.values.get("default_language"))
        if self.default_language not in self.languages:
            self.problems.error(
                settings.where,
                _("default_language must be one of the declared languages"),
                column=settings.column("default_language"),
            )
        form_id = form_id_of(settings, self.problems, self.lenient)
        if not FORM_ID.fullmatch(form_id):
            self.problems.error(
                settings.where,
                _("form_id must use only lower-case Latin letters, digits and -"),
                column=settings.column("form_id"),
            )
        version = scalar_text(settings.values.get("version"))
        if not version:
            self.problems.error(
                settings.where, _("version is missing"), column=settings.column("version")
            )
        if "kind" not in settings.values:
            self.problems.error(settings.where, _("kind is missing"), column="kind")
        title = self.text(settings, "title", required=True)
        choice_lists = tuple(self.choice_list(raw) for raw in self.raw.choice_lists)
        sections = tuple(s for s in (self.section(raw, title) for raw in self.raw.sections) if s)
        if not sections and self.ignored and self.raw.sections:
            self.problems.error(
                settings.where,
                _(
                    "Every question of the form is of a type the program does not support "
                    "(listed in the warnings): there is nothing to ask"
                ),
                column="type",
            )
        elif not sections:
            self.problems.error(settings.where, _("The form has no sections"), column="sections")
        binds.check_once(sections, self.problems)
        for lang, count in sorted(self.untranslated.items()):
            self.problems.warn(
                settings.where,
                _(
                    "{count} texts have no {lang} translation: they are shown in the default "
                    "language"
                ).format(count=count, lang=lang),
                column="label",
            )
        return Form(
            form_id=form_id,
            version=version,
            kind=self.enum(settings, "kind", FormKind, FormKind.IDENTIFICATION),
            default_language=self.default_language,
            languages=self.languages,
            title=title,
            sections=sections,
            choice_lists=choice_lists,
            assessment=Assessment(
                self.expression(settings, "child"),
                self.expression(settings, "exploitation"),
                settings.where,
            ),
            source=self.source,
        )

    def choice_list(self, raw: RawChoiceList) -> ChoiceList:
        if not raw.name:
            self.problems.error(raw.where, _("list_name is missing"), column="list_name")
        choices = []
        seen: set[str] = set()
        duplicates = (
            self.lenient
            and scalar_text(self.raw.settings.values.get("allow_choice_duplicates")).lower()
            in TRUE_WORDS
        )
        unlabelled = 0
        for item in raw.choices:
            name = scalar_text(item.values.get("name"))
            if not name:
                self.problems.error(item.where, _("name is missing"), column="name")
            elif name in seen and not duplicates:
                self.problems.error(
                    item.where,
                    _("Choice {name} appears twice in list {list}").format(
                        name=name, list=raw.name
                    ),
                    name,
                    "name",
                )
            seen.add(name)
            if self.lenient and name and not item.values.get("label"):
                unlabelled += 1  # as pyxform: the choice shows its name
                item.values["label"] = dict.fromkeys(self.languages, name)
            label = self.text(item, "label", required=True, question=name)
            extra = tuple(
                sorted(
                    (str(k), scalar_text(v))
                    for k, v in item.values.items()
                    if k not in ("name", "label", "list_name") and scalar_text(v)
                )
            )
            choices.append(Choice(name, label, extra))
        if unlabelled:
            self.problems.warn(
                raw.where,
                _("{count} choices of list {list} have no label: they show their name").format(
                    count=unlabelled, list=raw.name
                ),
                column="label",
            )
        return ChoiceList(raw.name, tuple(choices))

    def section(self, item: RawItem, title: Text) -> Section | None:
        name = self.name(item)
        self.disallowed(item, GROUP_KEYS, name, Kind.GROUP)
        untitled = item.implicit or (self.lenient and not item.values.get("label"))
        label = title if untitled else self.text(item, "label", True, name)
        questions = self.children(item, name)
        if item.children and not questions and self.ignored:
            return None  # everything in it was ignored (and reported)
        return Section(
            name=name,
            label=label,
            hint=self.text(item, "hint", question=name),
            relevant=self.expression(item, "relevant", name),
            questions=questions,
            source=item.where,
        )

    def children(self, item: RawItem, name: str) -> tuple[Question, ...]:
        if not item.children:
            self.problems.error(
                item.where, _("A group needs at least one question"), name, "questions"
            )
        return tuple(q for q in (self.question(child, name) for child in item.children) if q)

    def disallowed(self, item: RawItem, allowed: set[str], name: str, kind: Kind) -> None:
        disallowed(item, allowed, name, kind, self.problems, self.lenient)

    def kind(self, item: RawItem, name: str) -> tuple[Kind, str | None] | None:
        return question_kind(item, name, self.problems, self.ignored)

    def question(self, item: RawItem, parent: str = "") -> Question | None:
        is_note = type_words(scalar_text(item.values.get("type")))[:1] == ["note"]
        if self.lenient and is_note and not item.values.get("name"):
            self.notes += 1  # as pyxform, a note may have no name
            item.values["name"] = f"_note{self.notes}"
        name = self.names.unique(self.name(item), parent, item)
        found = self.kind(item, name)
        if found is None:
            return None
        kind, list_name = found
        self.disallowed(item, ALLOWED[kind], name, kind)
        if self.lenient and not give_label(item, name, kind, self.problems):
            self.ignored.add(name)
            return None
        needs_label = kind not in (Kind.CALCULATE, Kind.GROUP, Kind.REPEAT)
        if kind is Kind.CALCULATE and "calculation" not in item.values:
            self.problems.error(
                item.where, _("calculation is missing"), name, item.column("calculation")
            )
        default = item.values.get("default")
        default_expr = None
        if default is not None and is_dynamic(scalar_text(default)):
            default_expr, default = self.expression(item, "default", name), None
        members = self.children(item, name) if kind.holds_questions else ()
        if kind.holds_questions and item.children and not members and self.ignored:
            self.ignored.add(name)  # everything in it was ignored (and reported)
            return None
        if kind is Kind.REPEAT:
            check_repeat(item, name, list_name, members, self.problems)
        return Question(
            name=name,
            kind=kind,
            list_name=list_name,
            label=self.text(item, "label", needs_label, name),
            hint=self.text(item, "hint", question=name),
            required=self.expression(item, "required", name),
            relevant=self.expression(item, "relevant", name),
            constraint=self.expression(item, "constraint", name),
            constraint_message=self.text(item, "constraint_message", question=name),
            choice_filter=self.expression(item, "choice_filter", name),
            default=scalar_text(default) if default is not None else None,
            default_expr=default_expr,
            calculation=self.expression(item, "calculation", name),
            sensitivity=repeat_sensitivity(
                self.enum(item, "sensitivity", Sensitivity, most_sensitive(members), name),
                members,
            ),
            indicators=self.indicators(item, name),
            flags=self.indicators(item, name, "flags"),
            questions=members,
            bind=binds.target(item, name, kind, self.problems) if "bind" in ALLOWED[kind] else "",
            repeat_count=self.expression(item, "repeat_count", name),
            trigger=trigger_names(item, name, self.problems),
            source=item.where,
        )

    def indicators(
        self, item: RawItem, name: str, key: str = "indicators"
    ) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return answer_ids(item, name, key, self.problems)
