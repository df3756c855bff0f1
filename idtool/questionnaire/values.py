"""XPath values as ODK/JavaRosa treats them: strings, numbers (floats) and booleans.

An unanswered question is the empty string; a number that cannot be read is NaN, and every
comparison with NaN is false. Dates are ISO strings ("YYYY-MM-DD"); read as a number a date is
the count of days since 1970-01-01, as in JavaRosa, so date arithmetic and ordering work.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from idtool import dates
from idtool.questionnaire import regexes

Value = str | float | bool

NAN = float("nan")
_EPOCH = dt.date(1970, 1, 1)
_NUMBER = re.compile(r"\s*-?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*")
TOLERANCE = 1e-12  # JavaRosa: numbers this close are equal, and print as the whole number
_INT_MAX = 2**31 - 1


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


def written_date_time(text: str) -> dt.datetime | None:
    """The date and clock time as written in an ISO date-time ("2024-06-01T10:20:30.123+06:00",
    offset kept, not converted) or date (midnight); else None."""
    moment = dates.parse_iso_moment(text)
    if moment is not None:
        return moment
    date = parse_date(text)
    return dt.datetime.combine(date, dt.time()) if date else None


def parse_date_time(text: str) -> dt.datetime | None:
    """The moment of an ISO date-time or date (without an offset: local time), else None."""
    moment = written_date_time(text)
    if moment is None:
        return None
    if moment.tzinfo:
        return moment
    try:
        return moment.astimezone()
    except (OverflowError, OSError, ValueError):
        return None


def java_int(number: float) -> int:
    """Java's `(int)` of a double, as JavaRosa reads an index: NaN is 0, the rest truncated
    into the 32-bit range."""
    if math.isnan(number):
        return 0
    if math.isinf(number):
        return _INT_MAX if number > 0 else -_INT_MAX - 1
    return max(-_INT_MAX - 1, min(_INT_MAX, math.trunc(number)))


def java_double(number: float) -> str:
    """Java's `Double.toString` of a finite number: `1.5`, `10.0`, `1.0E-4`, `1.2345678901E10`."""
    if number == 0:
        return "0.0"
    if 1e-3 <= abs(number) < 1e7:
        text = format(Decimal(repr(number)), "f")
        return text if "." in text else text + ".0"
    sign, digits, exponent = Decimal(repr(number)).normalize().as_tuple()
    shown = "".join(map(str, digits))
    scale = len(shown) - 1 + int(exponent)
    return f"{'-' if sign else ''}{shown[0]}.{shown[1:] or '0'}E{scale}"


def is_date(value: Value) -> bool:
    return isinstance(value, str) and parse_date(value) is not None


def to_number(value: Value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    text = value.replace(",", ".")  # as JavaRosa: some locales write a decimal comma
    if _NUMBER.fullmatch(text):
        return float(text)
    date = parse_date(value)
    if date is not None:
        return float((date - _EPOCH).days)
    if "T" in value:
        moment = parse_date_time(value)
        if moment is not None:
            return (moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds() / 86400
    return NAN


def to_string(value: Value) -> str:
    """XPath string(), with JavaRosa's number format: a number within 1e-12 of a whole number
    in Java's int range prints as that number ('3', '-1'), any other as Java prints a double
    ('0.5', '1.0E-4', '1.2345678901E10')."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if math.isnan(value):
        return "NaN"
    if abs(value) < TOLERANCE:
        return "0"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    whole = java_int(value)
    if abs(value - whole) < TOLERANCE:
        return str(whole)
    return java_double(value)


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
        a, b = to_number(left), to_number(right)
        return a == b or abs(a - b) < TOLERANCE  # JavaRosa: 0.1 + 0.2 = 0.3
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
    """XLSForm round() as JavaRosa: a half goes up (towards +infinity), on the decimal text of
    the number (round(12345.15, 1) is 12345.2); negative places round to tens, hundreds..."""
    number, places = to_number(value), java_int(to_number(digits))
    if math.isnan(number) or math.isinf(number):
        return number
    if abs(places) > 30:
        return NAN
    try:
        exact = Decimal(repr(number))
        if places >= 0:
            method = ROUND_HALF_UP if number >= 0 else ROUND_HALF_DOWN
            return float(exact.quantize(Decimal(1).scaleb(-places), rounding=method))
        scaled = float(exact.scaleb(places)) + 0.5
        return float(Decimal(math.trunc(scaled)).scaleb(-places))
    except (InvalidOperation, OverflowError, ValueError):
        return number


def choices_of(value: Value) -> list[str]:
    """The choice names of a select_multiple value (space separated)."""
    return to_string(value).split()


def date_value(value: Value) -> Value:
    """XLSForm date(): an ISO date from a date string or a day count; '' when not a date."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, str):
        date = parse_date(value)
        if date is None and "T" in value:
            moment = dates.parse_iso_moment(value)
            date = moment.date() if moment else None
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
