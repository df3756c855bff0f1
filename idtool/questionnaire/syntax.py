"""The syntax tree of an expression: immutable nodes that evaluate themselves.

Evaluation follows ODK's rules for missing answers (see `values`) and never raises on a tree
the parser built: the parser limits its depth, and every operation is total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from idtool.questionnaire import values as v
from idtool.questionnaire.functions import FUNCTIONS
from idtool.questionnaire.values import Value


@dataclass(frozen=True)
class Context:
    """What an expression sees: answers by question name, `.`, choice columns, today's date."""

    answers: Mapping[str, object] = field(default_factory=dict)
    current: object = None
    columns: Mapping[str, object] = field(default_factory=dict)
    today: dt.date | None = None
    now: dt.datetime | None = None
    # (question, choice name) -> the choice's label, for jr:choice-name()
    labels: Callable[[str, str], str] | None = None
    # (table, column, key column, key) -> the value, for pulldata()
    tables: Callable[[str, str, str, str], str] | None = None
    # inside a repeat: the entry's place (1 for the first), for position(..)
    position: int | None = None
    # name -> the values of every entry of a question inside a repeat (count(), sum())
    nodesets: Callable[[str], list[Value]] | None = None
    lang: str = "en"  # the interview's language: format-date's month and day names

    def value_of(self, name: str) -> Value:
        return v.from_answer(self.answers.get(name))

    def value_of_current(self) -> Value:
        return v.from_answer(self.current)

    def values_of(self, name: str) -> list[Value]:
        """The question's values as a node-set: one per entry inside a repeat, else one."""
        return self.nodesets(name) if self.nodesets else [self.value_of(name)]

    def column(self, name: str) -> Value:
        return v.from_answer(self.columns.get(name))

    def choice_label(self, question: str, choice: str) -> str:
        return self.labels(question, choice) if self.labels else ""

    def lookup(self, table: str, column: str, key_column: str, key: str) -> str:
        return self.tables(table, column, key_column, key) if self.tables else ""


@dataclass(frozen=True)
class Expr:
    """A node of the syntax tree."""

    depth: int = field(init=False, default=1, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "depth", 1 + max((c.depth for c in self.children()), default=0))

    def children(self) -> tuple[Expr, ...]:
        return ()

    def evaluate(self, ctx: Context) -> Value:
        raise NotImplementedError

    def nodes(self, ctx: Context) -> list[Value]:
        """The values as a node-set (count(), sum()): one value, except a reference to a
        question inside a repeat, one per entry."""
        return [self.evaluate(ctx)]

    def walk(self) -> Iterator[Expr]:
        stack: list[Expr] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children()))

    def references(self) -> set[str]:
        """Names of the questions this expression reads (`${name}`)."""
        return {node.name for node in self.walk() if isinstance(node, Ref)}

    def columns(self) -> set[str]:
        """Bare names: choice-list columns, meaningful only in a choice_filter."""
        return {node.name for node in self.walk() if isinstance(node, Column)}

    def uses_current(self) -> bool:
        return any(isinstance(node, Current) for node in self.walk())

    def calls(self, function: str) -> bool:
        """Whether the expression calls `function` anywhere."""
        return any(isinstance(node, Call) and node.function == function for node in self.walk())


@dataclass(frozen=True)
class Literal(Expr):
    value: str | float

    def evaluate(self, ctx: Context) -> Value:
        return self.value

    def __str__(self) -> str:
        if isinstance(self.value, float):
            text = repr(self.value)
            return format(Decimal(text), "f") if "e" in text else text.removesuffix(".0")
        quote = '"' if "'" in self.value else "'"
        return f"{quote}{self.value}{quote}"


@dataclass(frozen=True)
class Ref(Expr):
    name: str

    def evaluate(self, ctx: Context) -> Value:
        return ctx.value_of(self.name)

    def nodes(self, ctx: Context) -> list[Value]:
        return ctx.values_of(self.name)

    def __str__(self) -> str:
        return "${" + self.name + "}"


@dataclass(frozen=True)
class Current(Expr):
    def evaluate(self, ctx: Context) -> Value:
        return ctx.value_of_current()

    def __str__(self) -> str:
        return "."


@dataclass(frozen=True)
class Column(Expr):
    name: str

    def evaluate(self, ctx: Context) -> Value:
        return ctx.column(self.name)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Negate(Expr):
    operand: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)

    def evaluate(self, ctx: Context) -> Value:
        return -v.to_number(self.operand.evaluate(ctx))

    def __str__(self) -> str:
        inner = str(self.operand)
        return f"-({inner})" if isinstance(self.operand, Binary) else f"-{inner}"


# binding strength: a higher number binds tighter
PRECEDENCE = {
    "or": 1,
    "and": 2,
    "=": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "div": 6,
    "mod": 6,
}


@dataclass(frozen=True)
class Binary(Expr):
    op: str
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def evaluate(self, ctx: Context) -> Value:
        op = self.op
        if op == "or":
            return v.to_boolean(self.left.evaluate(ctx)) or v.to_boolean(self.right.evaluate(ctx))
        if op == "and":
            return v.to_boolean(self.left.evaluate(ctx)) and v.to_boolean(self.right.evaluate(ctx))
        left, right = self.left.evaluate(ctx), self.right.evaluate(ctx)
        if op == "=":
            return v.equals(left, right)
        if op == "!=":
            return not v.equals(left, right)
        if op in ("<", "<=", ">", ">="):
            return v.compare(op, left, right)
        return v.arithmetic(op, left, right)

    def __str__(self) -> str:
        mine = PRECEDENCE[self.op]

        def side(node: Expr, strict: bool) -> str:
            if isinstance(node, Binary):
                theirs = PRECEDENCE[node.op]
                if theirs < mine or (strict and theirs == mine):
                    return f"({node})"
            return str(node)

        return f"{side(self.left, False)} {self.op} {side(self.right, True)}"


@dataclass(frozen=True)
class Call(Expr):
    function: str
    args: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.args

    def evaluate(self, ctx: Context) -> Value:
        return FUNCTIONS[self.function][2](ctx, self.args)

    def __str__(self) -> str:
        return f"{self.function}({', '.join(str(a) for a in self.args)})"
