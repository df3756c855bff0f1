"""Our evaluator against ODK's reference values: every row of
tests/fixtures/expressions/odk_reference.tsv (expression, expected value, source), taken from
JavaRosa's tests and sources and the ODK XForms specification."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idtool.questionnaire.expr import Context, ExpressionError, parse
from idtool.questionnaire.functions import FUNCTIONS

TABLE = Path(__file__).parents[1] / "fixtures" / "expressions" / "odk_reference.tsv"
TODAY = dt.date(2024, 6, 1)
NOW = dt.datetime(2024, 6, 1, 10, 20, 30, 123000, tzinfo=dt.timezone(dt.timedelta(hours=6)))
ANSWERS = {"tags": ["apple", "baby", "crimson"], "empty": None}
TOLERANCE = 1e-12  # as JavaRosa's XPathEvalTest compares numbers


def _unescape(text: str) -> str:
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            out.append(
                {"t": "\t", "n": "\n", "\\": "\\"}.get(text[index + 1], "\\" + text[index + 1])
            )
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        expression, expected, source = line.split("\t")
        rows.append((_unescape(expression), _unescape(expected), source))
    return rows


ROWS = _rows()


def test_the_table_is_large_and_every_row_cites_its_source() -> None:
    assert len(ROWS) >= 150
    assert all(source.startswith(("javarosa ", "xforms-spec ")) for _e, _x, source in ROWS)


def _context() -> Context:
    wanted = {"answers": ANSWERS, "current": "", "today": TODAY, "now": NOW}
    known = {f.name for f in dataclasses.fields(Context)}
    return Context(**{k: v for k, v in wanted.items() if k in known})


@pytest.mark.parametrize(("expression", "expected", "source"), ROWS, ids=[r[0] for r in ROWS])
def test_odk_reference_value(expression: str, expected: str, source: str) -> None:
    if expected == "error":
        with pytest.raises(ExpressionError):
            parse(expression)
        return
    result = parse(expression).evaluate(_context())
    if expected in ("true", "false"):
        assert result is (expected == "true")
    elif expected.startswith("n:"):
        number = float(expected[2:])
        assert isinstance(result, float) and not isinstance(result, bool)
        if math.isnan(number):
            assert math.isnan(result)
        elif math.isinf(number):
            assert result == number
        else:
            assert abs(result - number) < TOLERANCE
    else:
        assert expected.startswith("s:")
        assert result == expected[2:]


ODD_VALUES = [
    "''", "'x'", "'%'", "'%Y %q'", "'-'", "'4,6'", "'1e400'", "'2024-06-01T25:00'",
    "'0001-01-01T00:00'", "'9999-12-31T23:59:59.999-12:00'", "'2024-02-30'", "'../x'", "'${a}'",
    "0", "-1", "0.5", "1 div 0", "-1 div 0", "0 div 0", "99999999999999999999", "-0",
    "true()", "${a}", ".", "now()", "today()",
]  # fmt: skip


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(FUNCTIONS)),
    st.lists(st.sampled_from(ODD_VALUES), min_size=0, max_size=5),
    st.one_of(st.none(), st.text(max_size=6), st.floats(), st.integers()),
)
def test_every_function_evaluates_on_odd_values(name: str, args: list[str], answer: object) -> None:
    fewest, most, _impl = FUNCTIONS[name]
    args = (args * 5)[: max(fewest, min(len(args), most if most is not None else 5))]
    if len(args) < fewest:
        args = ["0"] * fewest
    expr = parse(f"{name}({', '.join(args)})")
    context = Context({"a": answer}, answer, today=TODAY, now=NOW)
    assert isinstance(expr.evaluate(context), str | float | bool)
