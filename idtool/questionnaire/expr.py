"""XLSForm expressions: our own tokenizer, parser and evaluator for the XPath subset we use.

`parse(text)` builds an immutable syntax tree (`syntax`) once; `Expr.evaluate(ctx)` computes
its value from the answers with ODK's rules for missing answers (see `values`). Nothing here
ever calls Python's `eval`. Parsing raises only `ExpressionError`; evaluating a parsed tree
never raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from idtool.errors import IdtoolError
from idtool.i18n import _
from idtool.questionnaire import regexes
from idtool.questionnaire.functions import FUNCTIONS
from idtool.questionnaire.syntax import (
    Binary,
    Call,
    Column,
    Context,
    Current,
    Expr,
    Literal,
    Negate,
    Ref,
)
from idtool.questionnaire.values import Value

__all__ = [
    "Binary",
    "Call",
    "Column",
    "Context",
    "Current",
    "Expr",
    "ExpressionError",
    "Literal",
    "Negate",
    "Ref",
    "Value",
    "parse",
    "tokenize",
]

MAX_LENGTH = 10_000
# deeper trees are rejected, so neither parsing nor evaluation can exhaust the stack
MAX_DEPTH = 120
MAX_NESTING = 40


class ExpressionError(IdtoolError):
    """A syntax error at `position` (0-based character index) of the expression text."""

    def __init__(self, message: str, position: int) -> None:
        self.detail = message
        self.position = position
        super().__init__(
            _("{message} (at character {position})").format(message=message, position=position + 1)
        )


# ---------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<ref>\$\{(?P<refname>[A-Za-z_][A-Za-z0-9_.\-]*)\})
      | (?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<name>(?:[A-Za-z_][A-Za-z0-9_\-]*:)?[A-Za-z_][A-Za-z0-9_\-]*)
      | (?P<op>!=|<=|>=|[=<>+\-*(),.])""",
    re.VERBOSE,
)
WORD_OPERATORS = {"and", "or", "div", "mod"}


@dataclass(frozen=True)
class Token:
    kind: str  # ref number string name op end
    text: str
    position: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            char = text[position]
            if text.startswith("${", position):
                raise ExpressionError(_("Malformed reference: write ${name}"), position)
            if char in "'\"":
                raise ExpressionError(_("Unclosed text in quotes"), position)
            raise ExpressionError(_("Unexpected character '{char}'").format(char=char), position)
        kind = match.lastgroup or ""
        if kind == "refname":
            kind = "ref"
        if kind != "space":
            value = match["refname"] if kind == "ref" else match[0]
            tokens.append(Token(kind, value, position))
        position = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


# ---------------------------------------------------------------- parser

_LEVELS: tuple[frozenset[str], ...] = (
    frozenset({"or"}),
    frozenset({"and"}),
    frozenset({"=", "!="}),
    frozenset({"<", "<=", ">", ">="}),
    frozenset({"+", "-"}),
    frozenset({"*", "div", "mod"}),
)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0
        self.nesting = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        if self.token.kind == "op" and self.token.text == text:
            self.advance()
            return
        raise ExpressionError(
            self._unexpected(_("expected '{text}'").format(text=text)), self.token.position
        )

    def _unexpected(self, wanted: str) -> str:
        if self.token.kind == "end":
            return _("The expression ends too early: {wanted}").format(wanted=wanted)
        return _("Unexpected '{token}': {wanted}").format(token=self.token.text, wanted=wanted)

    def _parent_path(self) -> bool:
        """Take `..)`, the argument of position(..) and its closing parenthesis, if next."""
        ahead = self.tokens[self.index : self.index + 3]
        if [(t.kind, t.text) for t in ahead] != [("op", "."), ("op", "."), ("op", ")")]:
            return False
        self.index += 3
        return True

    def checked(self, node: Expr, position: int) -> Expr:
        if node.depth > MAX_DEPTH:
            raise ExpressionError(_("The expression is nested too deeply"), position)
        return node

    def parse(self) -> Expr:
        node = self.binary(0)
        if self.token.kind != "end":
            raise ExpressionError(self._unexpected(_("expected an operator")), self.token.position)
        return node

    def binary(self, level: int) -> Expr:
        if level == len(_LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while self.token.kind in ("op", "name") and self.token.text in _LEVELS[level]:
            op = self.advance()
            right = self.binary(level + 1)
            node = self.checked(Binary(op.text, node, right), op.position)
        return node

    def unary(self) -> Expr:
        signs: list[int] = []
        while self.token.kind == "op" and self.token.text == "-":
            signs.append(self.advance().position)
        node = self.primary()
        for position in reversed(signs):
            node = self.checked(Negate(node), position)
        return node

    def primary(self) -> Expr:
        token = self.token
        if token.kind == "number":
            self.advance()
            number = float(token.text)
            if number == float("inf"):
                raise ExpressionError(_("The number is too large"), token.position)
            return Literal(number)
        if token.kind == "string":
            self.advance()
            return Literal(token.text[1:-1])
        if token.kind == "ref":
            self.advance()
            return Ref(token.text)
        if token.kind == "op" and token.text == ".":
            self.advance()
            if self.token.kind == "op" and self.token.text == ".":
                raise ExpressionError(
                    _("Paths such as '..' are not supported; use ${name}"), token.position
                )
            return Current()
        if token.kind == "op" and token.text == "(":
            self.advance()
            node = self.nested(lambda: self.binary(0), token.position)
            self.expect(")")
            return node
        if token.kind == "name" and token.text not in WORD_OPERATORS:
            self.advance()
            if self.token.kind == "op" and self.token.text == "(":
                return self.call(token)
            return Column(token.text)
        raise ExpressionError(self._unexpected(_("expected a value")), token.position)

    def nested(self, parse: Callable[[], Expr], position: int) -> Expr:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise ExpressionError(_("The expression is nested too deeply"), position)
        node = parse()
        self.nesting -= 1
        return node

    def call(self, name: Token) -> Expr:
        if name.text not in FUNCTIONS:
            raise ExpressionError(
                _("Unknown function {name}()").format(name=name.text), name.position
            )
        self.expect("(")
        if name.text == "position" and self._parent_path():
            return Call("position", ())  # position(..): the place of the current entry
        args: list[Expr] = []
        starts: list[int] = []
        if not (self.token.kind == "op" and self.token.text == ")"):
            starts.append(self.token.position)
            args.append(self.nested(lambda: self.binary(0), name.position))
            while self.token.kind == "op" and self.token.text == ",":
                self.advance()
                starts.append(self.token.position)
                args.append(self.nested(lambda: self.binary(0), name.position))
        self.expect(")")
        fewest, most, _impl = FUNCTIONS[name.text]
        if len(args) < fewest or (most is not None and len(args) > most):
            raise ExpressionError(
                _("Wrong number of arguments for {name}(): expected {count}, found {given}").format(
                    name=name.text, count=_arity(fewest, most), given=len(args)
                ),
                name.position,
            )
        if name.text == "regex":
            _check_pattern(args[1], starts[1])
        return self.checked(Call(name.text, tuple(args)), name.position)


def _check_pattern(arg: Expr, position: int) -> None:
    """A written pattern that could freeze the interview is an error when the form loads
    (one computed from answers is checked when used: it never matches)."""
    if not (isinstance(arg, Literal) and isinstance(arg.value, str)):
        return
    problem = regexes.problem(arg.value)
    if problem == "slow":
        raise ExpressionError(
            _(
                "The regular expression {pattern} can take very long on some answers: a "
                "repeated part can itself repeat or match in more than one way. Simplify it, "
                "for example ^[A-Za-z ]+$ rather than ^([A-Za-z]+ ?)+$"
            ).format(pattern=arg.value),
            position,
        )
    if problem == "long":
        raise ExpressionError(
            _("The regular expression is longer than {count} characters").format(
                count=regexes.MAX_PATTERN
            ),
            position,
        )


def _arity(fewest: int, most: int | None) -> str:
    if most is None:
        return f"{fewest}+"
    return str(fewest) if fewest == most else f"{fewest}-{most}"


def parse(text: str) -> Expr:
    """Parse an XLSForm expression; raises ExpressionError (with a position) when invalid."""
    if not isinstance(text, str):
        raise ExpressionError(_("An expression must be text"), 0)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(_("The expression is too long"), MAX_LENGTH)
    if not text.strip():
        raise ExpressionError(_("The expression is empty"), 0)
    return _Parser(text).parse()
