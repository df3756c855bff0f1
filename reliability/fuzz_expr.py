"""Fuzz target for XLSForm expressions (`idtool.questionnaire.expr`).

Cases: random token sequences, grammar-generated expressions (sometimes very deep or long),
character mutations of the expressions in the shipped and test questionnaires, and explicit
nesting at and around the parser's limits. Documented behaviour (expr.py): `parse` raises only
ExpressionError, with 0 <= position <= len(text); evaluating a parsed tree never raises and
gives text, a number or a boolean; the printed form parses back to the same tree.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path
from typing import Any

import yaml

from reliability.common import ROOT
from reliability.fuzz import Case, Verdict
from reliability.fuzz_mutate import mutate_text

ALPHABET = "${}()'\"., =!<>+-*/abcdivmodnt0123456789_\n\tөү-:;[]@#|&?\\"
FUNCTIONS = {
    "if": 3,
    "not": 1,
    "true": 0,
    "false": 0,
    "selected": 2,
    "count-selected": 1,
    "string-length": 1,
    "today": 0,
    "concat": 3,
    "int": 1,
    "number": 1,
    "string": 1,
    "boolean": 1,
    "date": 1,
    "round": 2,
    "coalesce": 2,
    "regex": 2,
    "contains": 2,
    "starts-with": 2,
    "ends-with": 2,
    "substr": 3,
    "min": 2,
    "max": 2,
}
OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "and", "or", "+", "-", "*", "div", "mod")
NAMES = ("a", "b", "c", "age_now", "consent")
STRINGS = (
    "''",
    "'yes'",
    "'a b'",
    "'2024-01-31'",
    '"x"',
    "'NaN'",
    "'-3'",
    "'ө'",
    "'1e5'",
    "'2024-02-30'",
    "' 7 '",
    "'Infinity'",
)
NUMBERS = (
    "0",
    "1",
    "18",
    "0.5",
    ".5",
    "1.",
    "120",
    "9" * 40,
    "9" * 400,
    "0.0000001",
    "00012",
    "1" * 309,
)
PATTERNS = (
    "'^a'",
    "'[0-9]+'",
    "'('",
    "''",
    "'^[A-Z]{2}[0-9]{7}$'",
    "'\\\\d+'",
    "'(?i)yes'",
    "'[^'",
    "'a{1000000}'",
    "'(?P<x>a)(?P=x)'",
    "'^(a+)+$'",
    "'(a|aa)+$'",
)
TOKENS = (
    *OPERATORS,
    "(",
    ")",
    ",",
    ".",
    "..",
    "${a}",
    "${b}",
    "${",
    "}",
    "$",
    "${a.b-c}",
    "${1a}",
    "col",
    "'",
    '"',
    "'abc",
    *STRINGS,
    *NUMBERS,
    *FUNCTIONS,
    "unknown",
    "ө",
    "\x00",
    "-",
    "--",
    "not",
    "and",
    "@",
    "/",
    "[",
    "]",
)
ANSWERS: tuple[Any, ...] = (
    None,
    "",
    "yes",
    "no",
    "a b",
    0,
    1,
    -1,
    17.5,
    2**70,
    math.nan,
    math.inf,
    -math.inf,
    True,
    False,
    ["yes", "a"],
    [],
    ["b"],
    dt.date(2024, 1, 31),
    "2024-01-31",
    "2024-02-30",
    " 7 ",
    "1e5",
    "NaN",
    "-0.5",
    "a" * 20 + "!",
    "a" * 27 + "!",
    "ө" * 30,
    "\x00",
    {"x": 1},
    ("a",),
)


def _collect(node: object, out: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in (
                "relevant",
                "constraint",
                "calculation",
                "choice_filter",
                "required",
                "child",
                "exploitation",
            ) and isinstance(value, str):
                out.append(value)
            else:
                _collect(value, out)
    elif isinstance(node, list):
        for item in node:
            _collect(item, out)


def shipped_expressions() -> list[str]:
    out: list[str] = []
    for path in [
        *sorted((ROOT / "questionnaires").glob("*.yaml")),
        *sorted((ROOT / "tests" / "fixtures" / "forms").glob("*.yaml")),
    ]:
        _collect(yaml.safe_load(path.read_text(encoding="utf-8")), out)
    return sorted(set(out))


def grammar(rng: random.Random, budget: int) -> str:
    """A random expression, usually valid; `budget` bounds its size."""
    if budget <= 1 or rng.random() < 0.3:
        roll = rng.random()
        if roll < 0.35:
            return "${" + rng.choice(NAMES) + "}"
        if roll < 0.55:
            return rng.choice(NUMBERS[:7])
        if roll < 0.75:
            return rng.choice(STRINGS)
        if roll < 0.85:
            return rng.choice((".", "col", "today()", "true()", "false()"))
        return rng.choice(NUMBERS)
    roll = rng.random()
    if roll < 0.4:
        left, right = grammar(rng, budget // 2), grammar(rng, budget // 2)
        return f"{left} {rng.choice(OPERATORS)} {right}"
    if roll < 0.5:
        return f"({grammar(rng, budget - 1)})"
    if roll < 0.55:
        return f"-{grammar(rng, budget - 1)}"
    name = rng.choice(list(FUNCTIONS))
    count = FUNCTIONS[name] + (rng.choice((-1, 1)) if rng.random() < 0.1 else 0)
    args = [grammar(rng, budget // max(1, count)) for _ in range(max(0, count))]
    if name == "regex" and len(args) == 2:
        args[1] = rng.choice(PATTERNS)
    return f"{name}({', '.join(args)})"


def deep(rng: random.Random) -> str:
    n = rng.choice((39, 40, 41, 60, 119, 120, 121, 500, 3000, 9990))
    leaf = rng.choice(("1", "${a}", "."))
    shapes = (
        lambda: "(" * n + leaf + ")" * n,
        lambda: "-" * n + leaf,
        lambda: "not(" * n + leaf + ")" * n,
        lambda: leaf + " + 1" * n,
        lambda: " or ".join([leaf] * n),
        lambda: "concat(" * n + leaf + ")" * n,
        lambda: "if(1, " * n + leaf + ", 0)" * n,
        lambda: "max(" + ", ".join([leaf] * n) + ")",
        lambda: "(" * n + leaf,
        lambda: leaf + " - -" * n + leaf,
    )
    return rng.choice(shapes)()[:10_050]


class ExpressionTarget:
    name = "fuzz expressions"

    def setup(self, work: Path) -> None:
        self.pool = shipped_expressions()

    def make(self, rng: random.Random, index: int) -> Case:
        roll = rng.random()
        if roll < 0.3:
            tokens = [rng.choice(TOKENS) for _ in range(rng.choice((1, 2, 3, 5, 10, 30, 60)))]
            sep = rng.choice((" ", "", "\t", "\n"))
            return Case(sep.join(tokens), "tokens")
        if roll < 0.62:
            return Case(grammar(rng, rng.choice((2, 5, 10, 30, 80))), "grammar")
        if roll < 0.95:
            base = rng.choice(self.pool) if rng.random() < 0.6 else grammar(rng, 10)
            text, label = mutate_text(rng, base, ALPHABET)
            return Case(text, f"mutate:{label}")
        if roll < 0.979:
            return Case(deep(rng), "deep")
        if roll < 0.98:  # a name check as XLSForm authors write it, on a long typed answer
            pattern = rng.choice(("'^([A-Za-z]+ ?)+$'", "'^(a+)+$'", "'^[A-Za-z ]+$'"))
            return Case(f"regex(., {pattern})", "regex", "A" * rng.randint(12, 27) + "1")
        raw = rng.randbytes(rng.randint(0, 60)).decode("utf-8", "surrogateescape")
        return Case(raw, "random")

    def _contexts(self, rng: random.Random, current: object = None) -> list[Any]:
        from idtool.questionnaire.expr import Context

        if current is not None:
            return [Context(current=current)]
        out = [Context()]
        for _ in range(2):
            answers = {n: rng.choice(ANSWERS) for n in NAMES if rng.random() < 0.7}
            out.append(
                Context(
                    answers,
                    rng.choice(ANSWERS),
                    {"col": rng.choice(ANSWERS)},
                    rng.choice((None, dt.date(2026, 5, 4))),
                )
            )
        return out

    def run(self, case: Case) -> Verdict:
        from idtool.questionnaire.expr import ExpressionError, parse

        text = str(case.data)
        try:
            expr = parse(text)
        except ExpressionError as e:
            if not 0 <= e.position <= len(text):
                return Verdict(False, "error position outside the text")
            return Verdict(False)
        rng = random.Random(text.encode("utf-8", "surrogatepass"))
        for ctx in self._contexts(rng, case.extra):
            value = expr.evaluate(ctx)
            if not isinstance(value, str | float | bool):
                return Verdict(True, f"evaluation gave a {type(value).__name__}")
        expr.references()
        expr.columns()
        expr.uses_current()
        printed = str(expr)
        try:
            again = parse(printed)
        except ExpressionError:
            return Verdict(True, "the printed form does not parse")
        if again != expr:
            return Verdict(True, "the printed form parses to another tree")
        return Verdict(True)
