"""XLSForm text and choice functions beyond XPath 1.0's core, as JavaRosa computes them
(`XPathFuncExpr`): substring-before/-after, translate, normalize-space, join, selected-at,
boolean-from-string, uuid, jr:choice-name, pulldata."""

from __future__ import annotations

import re
import secrets
import string
import uuid

from idtool.questionnaire import values as v
from idtool.questionnaire.function_api import Args, Context
from idtool.questionnaire.values import Value

MAX_UUID = 1_000  # characters uuid(n) makes at most
_SPACE = re.compile(r"[ \t\n\x0b\f\r]+")  # Java's \s
_REFERENCE = re.compile(r"\s*\$\{([^}]*)\}\s*")
_ALPHABET = string.digits + string.ascii_letters


def _text(ctx: Context, args: Args, index: int) -> str:
    return v.to_string(args[index].evaluate(ctx))


def substring_before(ctx: Context, args: Args) -> Value:
    text, part = _text(ctx, args, 0), _text(ctx, args, 1)
    found = text.find(part)
    return text[:found] if found >= 0 else ""


def substring_after(ctx: Context, args: Args) -> Value:
    text, part = _text(ctx, args, 0), _text(ctx, args, 1)
    found = text.find(part)
    return text[found + len(part) :] if found >= 0 else ""


def translate(ctx: Context, args: Args) -> Value:
    """Each character of the 2nd argument becomes the one at its place in the 3rd, or is
    dropped when the 3rd is shorter; the first occurrence of a character counts."""
    text, source, target = (_text(ctx, args, i) for i in range(3))
    table: dict[int, str | None] = {}
    for index, char in enumerate(source):
        table.setdefault(ord(char), target[index] if index < len(target) else None)
    return text.translate(table)


def normalize_space(ctx: Context, args: Args) -> Value:
    value = args[0].evaluate(ctx) if args else ctx.value_of_current()
    return _SPACE.sub(" ", v.to_string(value)).strip(" ")


def join(ctx: Context, args: Args) -> Value:
    """join(separator, a, b...) or join(separator, ${question in a repeat})."""
    separator = _text(ctx, args, 0)
    return separator.join(v.to_string(value) for arg in args[1:] for value in arg.nodes(ctx))


def selected_at(ctx: Context, args: Args) -> Value:
    """The choice at a 0-based place of a select_multiple answer; '' outside it."""
    choices = v.choices_of(args[0].evaluate(ctx))
    index = v.java_int(v.to_number(args[1].evaluate(ctx)))
    return choices[index] if 0 <= index < len(choices) else ""


def boolean_from_string(ctx: Context, args: Args) -> Value:
    text = _text(ctx, args, 0)
    return text.lower() == "true" or text == "1"


def make_uuid(ctx: Context, args: Args) -> Value:
    """A random version 4 UUID; uuid(n): n random letters and digits (at most MAX_UUID)."""
    if not args:
        return str(uuid.uuid4())
    length = max(0, min(MAX_UUID, v.java_int(v.to_number(args[0].evaluate(ctx)))))
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def choice_name(ctx: Context, args: Args) -> Value:
    """jr:choice-name(value, '${question}'): the label, in the interview's language, of the
    choice named `value` in that question's list; '' when there is none."""
    value = _text(ctx, args, 0).strip()
    path = _text(ctx, args, 1)
    match = _REFERENCE.fullmatch(path)
    question = match[1] if match else path.strip().rsplit("/", 1)[-1]
    return ctx.choice_label(question, value) if question and value else ""


def pulldata(ctx: Context, args: Args) -> Value:
    """pulldata('table', 'column', 'key_column', key): from the CSV file `table.csv` shipped
    next to the form, `column` of the first row whose `key_column` is `key`; else ''."""
    table, column, key_column, key = (_text(ctx, args, i) for i in range(4))
    return ctx.lookup(table, column, key_column, key)
