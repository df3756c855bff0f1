"""What an XLSForm function receives: the evaluation context and its unevaluated arguments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from idtool.questionnaire.values import Value


class Context(Protocol):
    """What a function sees of the evaluation (`syntax.Context`)."""

    @property
    def today(self) -> dt.date | None: ...

    @property
    def now(self) -> dt.datetime | None: ...

    @property
    def position(self) -> int | None: ...

    @property
    def lang(self) -> str: ...

    def value_of_current(self) -> Value: ...

    def values_of(self, name: str) -> list[Value]: ...

    def choice_label(self, question: str, choice: str) -> str: ...

    def lookup(self, table: str, column: str, key_column: str, key: str) -> str: ...


class Expr(Protocol):
    """An argument: an expression the function evaluates when it needs it (`syntax.Expr`,
    which takes the evaluation's own `syntax.Context`)."""

    def evaluate(self, ctx: Any) -> Value: ...

    def nodes(self, ctx: Any) -> list[Value]: ...


Args = Sequence[Expr]
Impl = Callable[[Context, Args], Value]
