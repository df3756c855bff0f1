"""Located problems in a questionnaire file: errors stop loading, warnings are reported."""

from __future__ import annotations

from dataclasses import dataclass, field

from idtool.errors import InvalidInput
from idtool.i18n import _


@dataclass(frozen=True)
class Problem:
    """One problem: which file, where in it, which question and column, and what is wrong.

    `location` is "survey, row 12" for XLSForm or a YAML path such as
    "sections[2].questions[3] (line 40)"; `question` and `column` are empty when they do not
    apply (a settings problem has no question).
    """

    file: str
    location: str
    question: str
    column: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        parts = [self.file, self.location]
        if self.question:
            parts.append(_("question {name}").format(name=self.question))
        if self.column:
            parts.append(_("column {name}").format(name=self.column))
        head = ": ".join(p for p in parts if p)
        label = _("warning") if self.warning else _("error")
        return f"{head}: {label}: {self.message}"


class FormError(InvalidInput):
    """A questionnaire file that cannot be used; `problems` lists every error found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        errors = [p for p in problems if not p.warning]
        head = _("The questionnaire has {count} error(s):").format(count=len(errors))
        super().__init__("\n".join([head, *(str(p) for p in errors)]))


@dataclass
class Problems:
    """Collects problems while a file is read, so that one run reports all of them."""

    file: str
    found: list[Problem] = field(default_factory=list)

    def error(self, location: str, message: str, question: str = "", column: str = "") -> None:
        self.found.append(Problem(self.file, location, question, column, message))

    def warn(self, location: str, message: str, question: str = "", column: str = "") -> None:
        self.found.append(Problem(self.file, location, question, column, message, warning=True))

    def errors(self) -> list[Problem]:
        return [p for p in self.found if not p.warning]

    def warnings(self) -> list[Problem]:
        return [p for p in self.found if p.warning]

    def raise_if_errors(self) -> None:
        if self.errors():
            raise FormError(self.found)
