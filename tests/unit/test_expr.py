"""The expression language: ODK semantics for missing answers, errors with positions, and
robustness (any text parses or raises ExpressionError; a parsed tree always evaluates)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idtool.errors import IdtoolError
from idtool.questionnaire.expr import (
    MAX_LENGTH,
    Binary,
    Call,
    Context,
    ExpressionError,
    Literal,
    Ref,
    parse,
)

TODAY = dt.date(2024, 6, 1)


def ev(text: str, answers: dict | None = None, current: object = None, **columns: object):
    return parse(text).evaluate(Context(answers or {}, current, columns, TODAY))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("7 div 2", 3.5),
        ("7 mod 3", 1.0),
        ("-7 mod 3", -1.0),
        ("- - 2", 2.0),
        ("-(2 + 3)", -5.0),
        ("10 - 2 - 3", 5.0),
        ("2 < 3 and 3 < 2 or true()", True),
        ("not(false())", True),
        ("'a' = \"a\"", True),
        ("1 = '1'", True),
        ("1.50 = 1.5", True),
        ("if(1 > 2, 'big', 'small')", "small"),
        ("concat('a', 1, true())", "a1true"),
        ("string-length('Өмүр')", 4.0),
        ("int(-3.7)", -3.0),
        ("int('12.9')", 12.0),
        ("number('x')", math.nan),
        ("round(2.5)", 3.0),
        ("round(1.234, 2)", 1.23),
        ("coalesce('', 'b')", "b"),
        ("regex('KG1234', '^[A-Z]{2}[0-9]+$')", True),
        ("regex('x', '[')", False),
        ("contains('abc', 'b') and starts-with('abc', 'a') and ends-with('abc', 'c')", True),
        ("substr('hello', 1, 3)", "el"),
        ("max(1, 5, 3) + min(4, 2)", 7.0),
        ("today()", "2024-06-01"),
        ("date('2024-02-30')", ""),
        ("date(0)", "1970-01-01"),
        ("1 div 0", math.inf),
        ("-1 div 0", -math.inf),
        ("5 mod 0", math.nan),
    ],
)
def test_values(text: str, expected: object) -> None:
    result = ev(text)
    if isinstance(expected, float) and math.isnan(expected):
        assert isinstance(result, float) and math.isnan(result)
    else:
        assert result == expected


def test_missing_answers_behave_as_in_odk() -> None:
    assert ev("${age}") == ""
    assert ev("${age} = ''") is True
    assert ev("${age} > 3") is False
    assert ev("${age} < 3") is False
    assert ev("${age} = 0") is False
    assert ev("${age} != 5") is True  # XPath: not(=)
    assert math.isnan(ev("${age} + 1"))
    assert ev("${age} + 1 > 0") is False
    assert ev("selected(${tags}, 'a')") is False
    assert ev("count-selected(${tags})") == 0
    assert ev("string-length(${name})") == 0


def test_answers_are_converted() -> None:
    answers = {"age": 17, "tags": ["a", "b"], "ok": True, "dob": dt.date(2000, 1, 31)}
    assert ev("${age} < 18", answers) is True
    assert ev("${age} = '17'", answers) is True
    assert ev("selected(${tags}, 'b') and not(selected(${tags}, 'c'))", answers) is True
    assert ev("count-selected(${tags})", answers) == 2
    assert ev("${tags}", answers) == "a b"
    assert ev("${ok} = true()", answers) is True
    assert ev("${dob}", answers) == "2000-01-31"
    assert ev("${age} > 1", {"age": 10**400}) is True


def test_dates() -> None:
    answers = {"d": "2024-05-31", "dob": "2010-06-02"}
    assert ev("${d} < today()", answers) is True
    assert ev("${d} > '2024-05-30'", answers) is True
    assert ev("today() - ${d}", answers) == 1.0
    assert ev("int((today() - ${dob}) div 365.25) < 14", answers) is True
    assert ev("${d} = '2024-05-31'", answers) is True


def test_current_value_and_choice_columns() -> None:
    assert ev(". >= 0 and . <= 120", current=42) is True
    assert ev(". >= 0 and . <= 120", current=121) is False
    assert ev("string-length()", current="abc") == 3
    assert ev("region = ${country}", {"country": "kg"}, region="kg") is True
    assert ev("region = ${country}", {"country": "kg"}, region="ru") is False


def test_if_evaluates_only_the_branch_taken() -> None:
    assert ev("if(true(), 1, 1 div 0)") == 1.0


def test_references_and_columns() -> None:
    expr = parse("selected(${a}, 'x') and ${b} > . or region = ${a}")
    assert expr.references() == {"a", "b"}
    assert expr.columns() == {"region"}
    assert expr.uses_current()
    assert not parse("1").uses_current()


def test_tree_shape() -> None:
    assert parse("${a} + 1") == Binary("+", Ref("a"), Literal(1.0))
    assert parse("true()") == Call("true", ())
    assert parse("1 - 2 - 3") == Binary("-", Binary("-", Literal(1.0), Literal(2.0)), Literal(3.0))


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("1 +", 3, "ends too early"),
        ("${a", 0, "${name}"),
        ("foo(1)", 0, "Unknown function foo"),
        ("not(1, 2)", 0, "not()"),
        ("'abc", 0, "quotes"),
        (".. = 1", 0, ".."),
        ("1 2", 2, "'2'"),
        ("${a} @ 1", 5, "'@'"),
        ("   ", 0, "empty"),
        ("(1", 2, "')'"),
        ("and 1", 0, "'and'"),
        ("9" * 400, 0, "too large"),
    ],
)
def test_errors_have_positions(text: str, position: int, words: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert info.value.position == position
    assert words in str(info.value)
    assert isinstance(info.value, IdtoolError)


def test_limits() -> None:
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("(" * 200 + "1" + ")" * 200)
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse(" + ".join(["1"] * 1000))
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("-" * 1000 + "1")
    with pytest.raises(ExpressionError, match="too long"):
        parse("1" + " " * MAX_LENGTH)
    assert parse(" or ".join(["${a} = 'x'"] * 50)).evaluate(Context({"a": "x"})) is True


@pytest.mark.parametrize(
    "text",
    [
        "${a} + 1 > 3",
        "-(1 + 2) * 3",
        "1 - (2 - 3)",
        "selected(${x}, \"it's\") and not(${y} = '')",
        "0.0000001 + 100000000000000000000000",
        "if(${a} < 18, 'child', 'adult')",
        "a-b = ${c}",
    ],
)
def test_text_form_parses_back_to_the_same_tree(text: str) -> None:
    expr = parse(text)
    assert parse(str(expr)) == expr


# ------------------------------------------------------------------ robustness

EXPRESSION_ALPHABET = "${}()'\"., =!<>+-*/abcdivmodnt0123456789_\n\tөү"


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.text(alphabet=EXPRESSION_ALPHABET)))
def test_any_text_parses_or_raises_expression_error(text: str) -> None:
    try:
        expr = parse(text)
    except ExpressionError as error:
        assert 0 <= error.position <= len(text)
        return
    expr.evaluate(Context())


names = st.sampled_from(["${a}", "${b}", "${c}", ".", "col"])
numbers = st.one_of(
    st.integers(0, 10**6).map(str), st.floats(0, 1e6, allow_nan=False).map(lambda f: f"{f:f}")
)
strings = st.sampled_from(["''", "'yes'", "'a b'", "'2024-01-31'", '"x"', "'NaN'", "'-3'"])
atoms = st.one_of(names, numbers, strings, st.sampled_from(["today()", "true()", "false()"]))


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    ops = ["=", "!=", "<", "<=", ">", ">=", "and", "or", "+", "-", "*", "div", "mod"]
    pattern = st.sampled_from(["'^a'", "'[0-9]+'", "'('", "''"])

    def call(name: str, count: int) -> st.SearchStrategy[str]:
        return st.lists(children, min_size=count, max_size=count).map(
            lambda args: f"{name}({', '.join(args)})"
        )

    return st.one_of(
        st.tuples(children, st.sampled_from(ops), children).map(" ".join),
        children.map(lambda c: f"({c})"),
        children.map(lambda c: f"-{c}"),
        call("if", 3),
        call("not", 1),
        call("int", 1),
        call("number", 1),
        call("string-length", 1),
        call("count-selected", 1),
        call("round", 2),
        call("date", 1),
        call("substr", 3),
        call("coalesce", 2),
        st.lists(children, min_size=1, max_size=3).map(lambda a: f"concat({', '.join(a)})"),
        st.lists(children, min_size=1, max_size=3).map(lambda a: f"max({', '.join(a)})"),
        st.tuples(children, strings).map(lambda t: f"selected({t[0]}, {t[1]})"),
        st.tuples(children, pattern).map(lambda t: f"regex({t[0]}, {t[1]})"),
    )


expressions = st.recursive(atoms, _combine, max_leaves=12)
answer_values = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.lists(st.sampled_from(["yes", "no", "a", "b"]), max_size=3),
    st.dates(),
    st.sampled_from(["2024-01-31", "12", "-0.5", " 7 ", "1e5"]),
)
answers = st.dictionaries(st.sampled_from(["a", "b", "c"]), answer_values)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(expressions, answers, answer_values, answer_values)
def test_generated_expressions_always_evaluate(
    text: str, given_answers: dict, current: object, column: object
) -> None:
    expr = parse(text)
    result = expr.evaluate(Context(given_answers, current, {"col": column}, TODAY))
    assert isinstance(result, str | float | bool)
    assert parse(str(expr)) == expr


# ---- regular expressions that could freeze the interview (found by fuzzing)

SLOW_PATTERNS = [
    r"^([A-Za-z]+ ?)+$",  # a name check as authors write it: exponential
    r"^(a+)+$",
    r"(a|aa)+$",
    r"(a|a)*$",
    r"(a{1,3})+$",
    r"^(\w+\s?)*$",
    r"(.*){3}x",
    r".*.*.*x",  # three repetitions over the same characters: n**4 with the search
    r"\w+\s?\w+\s?\w+\s?x",
]
FAST_PATTERNS = [
    r"^[A-Za-z ]+$",
    r"^[A-Z]{2}[0-9]{7}$",
    r"^(\d+\.){3}\d+$",
    r"^([0-9]{3} ?){3}$",
    r"^\+?996\s?\d{3}\s?\d{2}\s?\d{2}\s?\d{2}$",
    r"^[А-Яа-яӨөҮүҢң\- ]+$",
    r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$",
    r"^(ID|AN)\d{7}$",
    r"(a|ab)+c",
    r"\w+\s\w+",
    r"(?i)yes",
]


@pytest.mark.parametrize("pattern", SLOW_PATTERNS)
def test_slow_regex_is_refused_when_parsed(pattern: str) -> None:
    text = f"string-length(.) > 0 and regex(., '{pattern}')"
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert pattern in info.value.detail
    assert info.value.position == text.index("'")  # at the pattern


@pytest.mark.parametrize("pattern", FAST_PATTERNS)
def test_usual_regexes_still_parse(pattern: str) -> None:
    parse(f"regex(., '{pattern}')")


def test_regex_never_takes_long() -> None:
    import time

    from idtool.questionnaire import regexes

    started = time.monotonic()
    attack = "A" * 26 + "1"
    # A pattern computed from answers is checked when used: an unsafe one never matches.
    computed = parse("regex(., concat('^([A-Za-z]+', ' ?)+$'))")
    assert computed.evaluate(Context(current=attack)) is False
    for pattern in FAST_PATTERNS:
        for text in ("a" * 999 + "!", "1." * 499 + "x", "a " * 499 + "!"):
            parse(f"regex(., '{pattern}')").evaluate(Context(current=text))
    assert time.monotonic() - started < 5
    # Past MAX_TEXT characters a text never matches (nor does an invalid pattern).
    assert ev("regex(., '^a+')", current="a" * regexes.MAX_TEXT) is True
    assert ev("regex(., '^a+')", current="a" * (regexes.MAX_TEXT + 1)) is False
    assert ev("regex('x', '(')") is False
    assert regexes.problem("(") == "invalid" and regexes.problem("a" * 1001) == "long"


def test_regex_matches_the_whole_answer_as_odk() -> None:
    # JavaRosa XPathFuncExpr.regex() is Pattern.matches: the pattern must match the whole
    # text. Searching let a constraint regex(., '[0-9]{10}') accept 11 digits.
    constraint = parse("regex(., '[0-9]{10}')")
    assert constraint.evaluate(Context(current="0123456789")) is True
    assert constraint.evaluate(Context(current="01234567890")) is False
    assert constraint.evaluate(Context(current="x0123456789")) is False
    assert ev("regex('12345', '[0-9]+')") is True  # JavaRosa XPathEvalTest#regex
    assert ev("regex('ab12', '[a-z]+')") is False
