"""XLSForm number, date and time functions beyond XPath 1.0's core, as JavaRosa computes
them: pow, abs, sqrt, the XPath 3.0 math functions, random, now, format-date."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Callable

from idtool.questionnaire import values as v
from idtool.questionnaire.function_api import Args, Context, Impl
from idtool.questionnaire.values import Value

# format-date's %b and %a in the interview's language, as JavaRosa takes them from the locale
# (the abbreviated forms of the Unicode CLDR; Kyrgyz uses the month names official in
# Kyrgyzstan, borrowed from Russian: to be checked by a native speaker); English elsewhere
_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "ru": (
        *("янв.", "февр.", "мар.", "апр.", "мая", "июн."),
        *("июл.", "авг.", "сент.", "окт.", "нояб.", "дек."),
    ),
    "ky": (
        *("янв.", "фев.", "мар.", "апр.", "май", "июн."),
        *("июл.", "авг.", "сен.", "окт.", "ноя.", "дек."),
    ),
}
_DAYS = {  # Monday first
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
    "ky": ("дүй.", "шейш.", "шарш.", "бейш.", "жума", "ишм.", "жек."),
}


def _number(ctx: Context, args: Args, index: int) -> float:
    return v.to_number(args[index].evaluate(ctx))


def _total(function: Callable[..., float], *numbers: float) -> float:
    """`function` as Java's Math computes it: NaN outside its domain, infinite on overflow."""
    try:
        return float(function(*numbers))
    except OverflowError:
        return math.inf
    except ValueError:
        if function in (math.log, math.log10) and numbers[0] == 0:
            return -math.inf
        return v.NAN


def unary(function: Callable[[float], float]) -> Impl:
    def impl(ctx: Context, args: Args) -> Value:
        return _total(function, _number(ctx, args, 0))

    return impl


def power(ctx: Context, args: Args) -> Value:
    base, exponent = _number(ctx, args, 0), _number(ctx, args, 1)
    result = _total(math.pow, base, exponent)
    if math.isinf(result) and base < 0 and exponent == math.trunc(exponent) and exponent % 2:
        return -math.inf
    return result


def atan2(ctx: Context, args: Args) -> Value:
    return _total(math.atan2, _number(ctx, args, 0), _number(ctx, args, 1))


def random(ctx: Context, args: Args) -> Value:
    """A number from 0 (included) to 1 (excluded)."""
    return secrets.randbits(53) / float(1 << 53)


def now(ctx: Context, args: Args) -> Value:
    """The date and time with the local offset, as ODK stores a dateTime."""
    moment = ctx.now or dt.datetime.now().astimezone()
    return moment.isoformat(timespec="milliseconds")


def format_date(ctx: Context, args: Args) -> Value:
    """format-date(date, format) with ODK's %Y %y %m %n %b %d %e %a and format-date-time's
    %H %h %M %S %3 (the clock as written); '' when the value is not a date or the format has
    an unknown %."""
    value = args[0].evaluate(ctx)
    text = value if isinstance(value, str) else v.to_string(v.date_value(value))
    moment = v.written_date_time(text)
    if moment is None:
        return ""
    return _formatted(moment, v.to_string(args[1].evaluate(ctx)), ctx.lang)


def _formatted(moment: dt.datetime, pattern: str, lang: str = "en") -> str:
    lang = lang if lang in _MONTHS else "en"
    fields: dict[str, str] = {
        "%": "%",
        "Y": f"{moment.year:04d}",
        "y": f"{moment.year:04d}"[2:],
        "m": f"{moment.month:02d}",
        "n": str(moment.month),
        "b": _MONTHS[lang][moment.month - 1],
        "d": f"{moment.day:02d}",
        "e": str(moment.day),
        "H": f"{moment.hour:02d}",
        "h": str(moment.hour),
        "M": f"{moment.minute:02d}",
        "S": f"{moment.second:02d}",
        "3": f"{moment.microsecond // 1000:03d}",
        "a": _DAYS[lang][moment.weekday()],
    }
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char != "%":
            out.append(char)
            index += 1
            continue
        code = pattern[index + 1 : index + 2]
        if code not in fields:
            return ""
        out.append(fields[code])
        index += 2
    return "".join(out)
