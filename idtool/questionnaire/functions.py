"""The XLSForm functions our expressions may call, with their arity.

Each function receives the evaluation context and its argument expressions unevaluated, so
`if()` evaluates only the branch it takes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from idtool.questionnaire import functions_math as fm
from idtool.questionnaire import functions_repeat as fr
from idtool.questionnaire import functions_text as ft
from idtool.questionnaire import values as v
from idtool.questionnaire.function_api import Args, Context, Impl
from idtool.questionnaire.values import Value


def _if(ctx: Context, args: Args) -> Value:
    branch = args[1] if v.to_boolean(args[0].evaluate(ctx)) else args[2]
    return branch.evaluate(ctx)


def _selected(ctx: Context, args: Args) -> Value:
    wanted = v.to_string(args[1].evaluate(ctx)).strip()
    return wanted in v.choices_of(args[0].evaluate(ctx))


def _string_length(ctx: Context, args: Args) -> Value:
    value = args[0].evaluate(ctx) if args else ctx.value_of_current()
    return float(len(v.to_string(value)))


def _today(ctx: Context, args: Args) -> Value:
    return (ctx.today or dt.date.today()).isoformat()


def _coalesce(ctx: Context, args: Args) -> Value:
    first = args[0].evaluate(ctx)
    return first if v.to_string(first) != "" else args[1].evaluate(ctx)


def _substr(ctx: Context, args: Args) -> Value:
    """substr(text, start, end?) with 0-based places; a negative place counts from the end."""
    text = v.to_string(args[0].evaluate(ctx))
    places = [v.java_int(v.to_number(arg.evaluate(ctx))) for arg in args[1:]]
    start, end = places[0], places[1] if len(places) > 1 else len(text)
    start, end = (p + len(text) if p < 0 else p for p in (start, end))
    start, end = (min(max(0, p), len(text)) for p in (start, end))
    return text[start:end] if start <= end else ""


def _once(ctx: Context, args: Args) -> Value:
    """The question's own value when it has one, else the argument (once(random()))."""
    current = ctx.value_of_current()
    return current if v.to_string(current) != "" else args[0].evaluate(ctx)


def _extreme(pick: Callable[[list[float]], float]) -> Impl:
    def impl(ctx: Context, args: Args) -> Value:
        numbers = [v.to_number(value) for arg in args for value in arg.nodes(ctx)]
        if not numbers or any(math.isnan(n) for n in numbers):
            return v.NAN
        return pick(numbers)

    return impl


def _strings(test: Callable[[str, str], bool]) -> Impl:
    def impl(ctx: Context, args: Args) -> Value:
        return test(v.to_string(args[0].evaluate(ctx)), v.to_string(args[1].evaluate(ctx)))

    return impl


def _unary(convert: Callable[[Value], Value]) -> Impl:
    def impl(ctx: Context, args: Args) -> Value:
        return convert(args[0].evaluate(ctx))

    return impl


def _constant(value: Value) -> Impl:
    def impl(ctx: Context, args: Args) -> Value:
        return value

    return impl


def _round(ctx: Context, args: Args) -> Value:
    digits = args[1].evaluate(ctx) if len(args) > 1 else 0.0
    return v.round_half_up(args[0].evaluate(ctx), digits)


def _regex(ctx: Context, args: Args) -> Value:
    return v.regex_matches(args[0].evaluate(ctx), args[1].evaluate(ctx))


def _concat(ctx: Context, args: Args) -> Value:
    return "".join(v.to_string(arg.evaluate(ctx)) for arg in args)


# name -> (fewest arguments, most arguments or None for any number, implementation)
FUNCTIONS: dict[str, tuple[int, int | None, Impl]] = {
    "if": (3, 3, _if),
    "not": (1, 1, _unary(lambda x: not v.to_boolean(x))),
    "true": (0, 0, _constant(True)),
    "false": (0, 0, _constant(False)),
    "selected": (2, 2, _selected),
    "count-selected": (1, 1, _unary(lambda x: float(len(v.choices_of(x))))),
    "string-length": (0, 1, _string_length),
    "today": (0, 0, _today),
    "concat": (0, None, _concat),
    "int": (1, 1, _unary(v.truncate)),
    "number": (1, 1, _unary(v.to_number)),
    "string": (1, 1, _unary(v.to_string)),
    "boolean": (1, 1, _unary(v.to_boolean)),
    "date": (1, 1, _unary(v.date_value)),
    "round": (1, 2, _round),
    "coalesce": (2, 2, _coalesce),
    "regex": (2, 2, _regex),
    "contains": (2, 2, _strings(lambda a, b: b in a)),
    "starts-with": (2, 2, _strings(lambda a, b: a.startswith(b))),
    "ends-with": (2, 2, _strings(lambda a, b: a.endswith(b))),
    "substr": (2, 3, _substr),
    "min": (1, None, _extreme(min)),
    "max": (1, None, _extreme(max)),
    "once": (1, 1, _once),
    "substring-before": (2, 2, ft.substring_before),
    "substring-after": (2, 2, ft.substring_after),
    "translate": (3, 3, ft.translate),
    "normalize-space": (0, 1, ft.normalize_space),
    "join": (1, None, ft.join),
    "selected-at": (2, 2, ft.selected_at),
    "boolean-from-string": (1, 1, ft.boolean_from_string),
    "uuid": (0, 1, ft.make_uuid),
    "jr:choice-name": (2, 2, ft.choice_name),
    "pulldata": (4, 4, ft.pulldata),
    "count": (1, 1, fr.count),
    "sum": (1, 1, fr.total),
    "indexed-repeat": (3, 3, fr.indexed_repeat),
    "position": (0, 0, fr.position),
    "pow": (2, 2, fm.power),
    "abs": (1, 1, fm.unary(abs)),
    "sqrt": (1, 1, fm.unary(math.sqrt)),
    "exp": (1, 1, fm.unary(math.exp)),
    "exp10": (1, 1, fm.unary(lambda x: math.pow(10.0, x))),
    "log": (1, 1, fm.unary(math.log)),
    "log10": (1, 1, fm.unary(math.log10)),
    "sin": (1, 1, fm.unary(math.sin)),
    "cos": (1, 1, fm.unary(math.cos)),
    "tan": (1, 1, fm.unary(math.tan)),
    "asin": (1, 1, fm.unary(math.asin)),
    "acos": (1, 1, fm.unary(math.acos)),
    "atan": (1, 1, fm.unary(math.atan)),
    "atan2": (2, 2, fm.atan2),
    "pi": (0, 0, _constant(math.pi)),
    "random": (0, 0, fm.random),
    "now": (0, 0, fm.now),
    "format-date": (2, 2, fm.format_date),
    "format-date-time": (2, 2, fm.format_date),
}
