"""The entries of a repeat in an interview: each asks the repeat's questions once.

An entry has its own stored answers (a mapping, one of the list stored under the repeat's
name), and its own values and relevance, which the flow computes. Inside an entry `${q}` is q
in the same entry; outside, a question inside a repeat is a node-set, one value per entry
(`count()`, `sum()`, `indexed-repeat()`), whose plain value is the first entry's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from idtool.questionnaire.build_repeats import MAX_ENTRIES
from idtool.questionnaire.model import Choice, Question
from idtool.questionnaire.values import Value

__all__ = ["MAX_ENTRIES", "Entry", "stored_entries"]


@dataclass(eq=False)
class Entry:
    """One entry of `repeat` (0-based `index`); a loop's entry also has its `choice`."""

    repeat: Question
    index: int
    stored: Mapping[str, object]
    choice: Choice | None = None
    values: dict[str, Value] = field(default_factory=dict)
    relevant: dict[str, bool] = field(default_factory=dict)
    computed: dict[str, object] = field(default_factory=dict)  # answers the form works out

    @property
    def position(self) -> int:
        """The entry's place as position(..) gives it: 1 for the first."""
        return self.index + 1


def stored_entries(stored: object) -> list[Mapping[str, object]]:
    """The entries stored for a repeat (a list of mappings), at most MAX_ENTRIES; anything
    else stored there counts as no entries, a malformed entry as an empty one."""
    if not isinstance(stored, list):
        return []
    return [e if isinstance(e, dict) else {} for e in stored[:MAX_ENTRIES]]
