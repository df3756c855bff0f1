"""XPath values as ODK/JavaRosa treats them: strings, numbers (floats) and booleans.

An unanswered question is the empty string; a number that cannot be read is NaN, and every
comparison with NaN is false. Dates are ISO strings ("YYYY-MM-DD"); read as a number a date is
the count of days since 1970-01-01, as in JavaRosa, so date arithmetic and ordering work.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from idtool import dates
from idtool.questionnaire import regexes

Value = str | float | bool

NAN = float("nan")
_EPOCH = dt.date(1970, 1, 1)
_NUMBER = re.compile(r"\s*-?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*")


def from_answer(answer: object) -> Value:
    """The XPath value of a stored answer (None -> '', a list of choices -> 'a b')."""
    if answer is None:
        return ""
    if isinstance(answer, bool | str):
        return answer
    if isinstance(answer, int):
        try:
            return float(answer)
        except OverflowError:
            return math.inf if answer > 0 else -math.inf
    if isinstance(answer, float):
        return answer
    if isinstance(answer, dt.datetime):
        return answer.date().isoformat()
    if isinstance(answer, dt.date):
        return answer.isoformat()
    if isinstance(answer, list | tuple | set | frozenset):
        return " ".join(to_string(from_answer(item)) for item in answer)
    return str(answer)


def parse_date(text: str) -> dt.date | None:
    """The date of an ISO text ("YYYY-MM-DD", spaces around allowed), else None."""
    return dates.parse_iso(text.strip())


def is_date(value: Value) -> bool:
    return isinstance(value, str) and parse_date(value) is not None


def to_number(value: Value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if _NUMBER.fullmatch(value):
        return float(value)
    date = parse_date(value)
    if date is not None:
        return float((date - _EPOCH).days)
    return NAN


def to_string(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def to_boolean(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value != ""
    return not (value == 0 or math.isnan(value))


def equals(left: Value, right: Value) -> bool:
    """XPath `=`: booleans win, then numbers, else strings."""
    if isinstance(left, bool) or isinstance(right, bool):
        return to_boolean(left) == to_boolean(right)
    if isinstance(left, float) or isinstance(right, float):
        return to_number(left) == to_number(right)
    return left == right


def compare(op: str, left: Value, right: Value) -> bool:
    """XPath `< <= > >=`: numbers (dates as day counts); NaN makes it false."""
    a, b = to_number(left), to_number(right)
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def arithmetic(op: str, left: Value, right: Value) -> float:
    a, b = to_number(left), to_number(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "div":
        if b == 0:
            if a == 0 or math.isnan(a):
                return NAN
            return math.copysign(1.0, a) * math.copysign(math.inf, b)
        return a / b
    # mod: the remainder keeps the sign of the dividend, as in XPath
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return NAN
    if math.isinf(b):
        return a
    return math.fmod(a, b)


def truncate(value: Value) -> float:
    """XLSForm int(): drop the fraction, keep NaN and infinities."""
    number = to_number(value)
    if math.isnan(number) or math.isinf(number):
        return number
    return float(math.trunc(number))


def round_half_up(value: Value, digits: Value = 0.0) -> float:
    number, places = to_number(value), to_number(digits)
    if math.isnan(number) or math.isinf(number) or math.isnan(places) or abs(places) > 15:
        return number
    factor = 10.0 ** int(places)
    scaled = number * factor + 0.5
    if math.isinf(scaled) or math.isnan(scaled):
        return number
    return math.floor(scaled) / factor


def choices_of(value: Value) -> list[str]:
    """The choice names of a select_multiple value (space separated)."""
    return to_string(value).split()


def date_value(value: Value) -> Value:
    """XLSForm date(): an ISO date from a date string or a day count; '' when not a date."""
    if isinstance(value, str):
        date = parse_date(value)
        return date.isoformat() if date else ""
    number = to_number(value)
    if math.isnan(number) or math.isinf(number) or abs(number) > 2_900_000:
        return ""
    return (_EPOCH + dt.timedelta(days=math.floor(number))).isoformat()


def regex_matches(value: Value, pattern: Value) -> bool:
    """XLSForm regex(): true when the pattern matches the whole text (JavaRosa's
    `Pattern.matches`); a bad or unsafe pattern never matches,
    nor does a text longer than `regexes.MAX_TEXT` characters."""
    return regexes.matches(to_string(value), to_string(pattern))
