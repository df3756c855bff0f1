"""Answers: what each kind of question accepts, and the one form in which it is stored.

Every way an answer arrives (an input of the wizard, the demo, a test, a JSON file) goes through
`convert`, so each kind has one stored form:

| kind             | accepted                                             | stored            |
|------------------|------------------------------------------------------|-------------------|
| text             | text (spaces around dropped)                         | str               |
| integer          | a whole number, or its text "-12" (at most 12 digits)| int               |
| decimal          | a number, or its text "-1.5" or "-1,5"               | float             |
| date             | a date, "YYYY-MM-DD" or "DD.MM.YYYY"                 | "YYYY-MM-DD"      |
| select_one       | the name of a choice of the question's list          | str               |
| select_multiple  | names of choices of the list (a list, or "a b")      | list of str       |
| note, calculate, group | nothing                                        | -                 |
| repeat           | a list of entries, each {question: answer}, or its JSON | list of dict   |

Empty input (None, blank text, no choice) is stored as None: the officer cleared the answer.

Saving refuses what can never answer the question. What depends on the other answers (whether
the question is relevant or required, its constraint, its choice_filter) the flow reports, and
the wizard shows it and stays on the page until it is put right, as an officer may answer in
any order. A refusal names the question by its label and never repeats the answer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import re
from collections.abc import Collection
from contextlib import AbstractContextManager, nullcontext

from idtool import dates
from idtool.errors import InvalidInput
from idtool.i18n import LANGUAGES, _, current_language, language
from idtool.questionnaire.build_repeats import MAX_ENTRIES
from idtool.questionnaire.model import Form, Kind, Question

MAX_DIGITS = 12  # of a typed number before its decimal point, as the wizard's inputs allow
_LIMIT = 10**MAX_DIGITS
_INTEGER = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}")
_DECIMAL = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}([.,][0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")  # what a question name can look like
_LABEL_SHOWN = 80  # characters of a long label kept in a message


class AnswerError(InvalidInput):
    """An answer that cannot be stored for its question.

    `problem` says what to do ("Enter a whole number."), for a message beside the question;
    the message says the same naming the question, for anywhere else."""

    def __init__(self, question: str, message: str, problem: str) -> None:
        super().__init__(message)
        self.question = question
        self.problem = problem


class _Wrong(Exception):
    def __init__(self, problem: str) -> None:
        self.problem = problem


def question_for(form: Form, name: str, lang: str | None = None) -> Question:
    """The question of `form` called `name` that takes an answer; AnswerError otherwise."""
    with _language(lang):
        try:
            question = form.question(name)
        except KeyError:
            if isinstance(name, str) and _NAME.fullmatch(name):
                message = _("The questionnaire has no question “{name}”.").format(name=name)
            else:
                message = _("The questionnaire has no such question.")
            raise AnswerError(str(name), message, message) from None
        owner = form.owners().get(question.name)
        if owner is not None:
            message = _(
                "The question “{name}” is asked in each entry of “{repeat}”: answer it there."
            ).format(name=question.name, repeat=owner)
            raise AnswerError(question.name, message, message)
        if not question.kind.takes_answer and question.kind is not Kind.REPEAT:
            raise _refusal(form, question, _("This question takes no answer."), lang)
    return question


def convert(form: Form, question: Question, raw: object, lang: str | None = None) -> object:
    """The answer to store for `raw` input to `question` (see the table above), or None when
    it is empty. AnswerError, with its messages in `lang`, when it cannot be an answer."""
    with _language(lang):
        if question.kind is Kind.REPEAT:
            return _entries(form, question, raw, lang)
        if not question.kind.takes_answer:
            raise _refusal(form, question, _("This question takes no answer."), lang)
        try:
            return _read(question, raw, choice_names(form, question), typed=True)
        except _Wrong as wrong:
            raise _refusal(form, question, wrong.problem, lang) from None


def check(form: Form, name: str, raw: object, lang: str | None = None) -> object:
    """`convert` for the question called `name`: what `interviews.save_answer` stores."""
    return convert(form, question_for(form, name, lang), raw, lang)


def stored_problem(question: Question, answer: object, offered: Collection[str]) -> str | None:
    """What is wrong with a stored, non-empty answer given the choices `offered` now (after
    the choice_filter), or None. Stored dates are ISO; the rest as `convert` accepts."""
    try:
        _read(question, answer, offered, typed=False)
    except _Wrong as wrong:
        return wrong.problem
    return None


def choice_names(form: Form, question: Question) -> frozenset[str]:
    """Every choice of the question's list (none when it has no list)."""
    if question.list_name is None:
        return frozenset()
    try:
        return frozenset(form.choice_list(question.list_name).names())
    except KeyError:
        return frozenset()


def shown(answer: object) -> str:
    """A stored answer as a one-line input shows it ('' for none)."""
    if answer is None:
        return ""
    if isinstance(answer, float) and answer.is_integer() and abs(answer) < 1e15:
        return str(int(answer))
    return str(answer)


# -- reading one answer ----------------------------------------------------------------------


def _read(question: Question, raw: object, names: Collection[str], *, typed: bool) -> object:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    kind = question.kind
    if kind is Kind.TEXT:
        if not isinstance(raw, str):
            raise _Wrong(_("Enter text."))
        return raw.strip()
    if kind is Kind.INTEGER:
        return _integer(raw)
    if kind is Kind.DECIMAL:
        return _decimal(raw)
    if kind is Kind.DATE:
        return _date(raw, typed)
    if kind is Kind.SELECT_ONE:
        if not isinstance(raw, str) or raw.strip() not in names:
            raise _Wrong(_("Choose one of the listed options."))
        return raw.strip()
    if kind is Kind.SELECT_MULTIPLE:
        return _chosen(raw, names)
    raise _Wrong(_("This question takes no answer."))


def _integer(raw: object) -> int:
    if isinstance(raw, str) and _INTEGER.fullmatch(raw.strip()):
        return int(raw.strip())
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < _LIMIT:
        return int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) < _LIMIT:
        return raw
    raise _Wrong(_("Enter a whole number."))


def _decimal(raw: object) -> float:
    if isinstance(raw, str) and _DECIMAL.fullmatch(raw.strip()):
        return float(raw.strip().replace(",", "."))
    if isinstance(raw, float) and math.isfinite(raw) and abs(raw) < _LIMIT:
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) < _LIMIT:
        return float(raw)
    raise _Wrong(_("Enter a number."))


def _date(raw: object, typed: bool) -> str:
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, str):
        found = dates.parse_typed(raw) if typed else dates.parse_iso(raw.strip())
        if found is not None:
            return found.isoformat()
    if typed:
        raise _Wrong(_("Enter a date as DD.MM.YYYY or YYYY-MM-DD."))
    raise _Wrong(_("Enter a date as YYYY-MM-DD."))


def _chosen(raw: object, names: Collection[str]) -> list[str] | None:
    """select_multiple: the chosen names in the order given, each once."""
    if isinstance(raw, str):
        raw = raw.split()
    if not isinstance(raw, list | tuple) or not all(isinstance(n, str) for n in raw):
        raise _Wrong(_("Choose one of the listed options."))
    chosen = list(dict.fromkeys(n.strip() for n in raw))
    if not set(chosen) <= set(names):
        raise _Wrong(_("Choose one of the listed options."))
    return chosen or None


def _entries(
    form: Form, repeat: Question, raw: object, lang: str | None
) -> list[dict[str, object]] | None:
    """A repeat's answer: a list of entries, each a mapping of the names of questions asked
    in the repeat to their answers (each converted as its question's); None for none."""
    if isinstance(raw, str) and raw.strip().startswith("["):  # typed as JSON: [{"q": 1}]
        with contextlib.suppress(ValueError):  # else refused below as not a list
            raw = json.loads(raw)
    if raw is None or raw == [] or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, list | tuple) or not all(isinstance(e, dict) for e in raw):
        raise _refusal(form, repeat, _("Give a list of entries, each a mapping of answers."), lang)
    if len(raw) > MAX_ENTRIES:
        problem = _("At most {count} entries.").format(count=MAX_ENTRIES)
        raise _refusal(form, repeat, problem, lang)
    asked = {q.name: q for q in repeat.walk() if q.kind.takes_answer and not q.computed}
    stored: list[dict[str, object]] = []
    for number, entry in enumerate(raw, start=1):
        kept: dict[str, object] = {}
        for name, value in entry.items():
            question = asked.get(name) if isinstance(name, str) else None
            if question is None:
                problem = _("Entry {number} answers a question the repeat does not ask.")
                raise _refusal(form, repeat, problem.format(number=number), lang)
            try:
                kept[name] = convert(form, question, value, lang)
            except AnswerError as error:
                message = _("Entry {number} of “{repeat}”: {message}").format(
                    number=number, repeat=_label(form, repeat, lang), message=error.message
                )
                raise AnswerError(repeat.name, message, error.problem) from None
        stored.append(kept)
    return stored


# -- messages --------------------------------------------------------------------------------


def _refusal(form: Form, question: Question, problem: str, lang: str | None) -> AnswerError:
    message = _("Question “{question}”: {problem}").format(
        question=_label(form, question, lang), problem=problem
    )
    return AnswerError(question.name, message, problem)


def _label(form: Form, question: Question, lang: str | None) -> str:
    """The question's label on one line, cut when long (its name when it has none)."""
    label = question.label.get(lang or current_language(), form.default_language)
    label = " ".join(label.split()) or question.name
    if len(label) > _LABEL_SHOWN:
        label = label[: _LABEL_SHOWN - 1].rstrip() + "…"
    return label


def _language(lang: str | None) -> AbstractContextManager[object]:
    """Translate into `lang` inside the block (into the current language when it is None)."""
    return language(lang) if lang in LANGUAGES else nullcontext()
