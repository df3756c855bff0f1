"""What a reader hands the builder: the file's content by key, each piece with its location.

The YAML and XLSForm readers only read; both produce these values with the same keys, so the
building and every check live in one place (`build`) and both formats behave alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# The keys a question, group or section may have (XLSForm survey columns).
QUESTION_KEYS = (
    "name",
    "type",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "choice_filter",
    "default",
    "calculation",
    "sensitivity",
    "indicators",
    "flags",
    "bind",
    "repeat_count",
    "trigger",
)
TEXT_KEYS = ("label", "hint", "constraint_message")
# XLSForm types we know but do not support: reported as ignored, never silently dropped
_UNSUPPORTED = """
geopoint geotrace geoshape image audio video file barcode trigger acknowledge range rank
time datetime dateTime start end today deviceid username phonenumber simserial subscriberid
email audit hidden xml-external csv-external background-audio start-geopoint
select_one_from_file select_multiple_from_file select_one_external osm
"""
UNSUPPORTED_TYPES = frozenset(_UNSUPPORTED.split())
TYPE_ALIASES = {"string": "text", "int": "integer", "select1": "select_one"}
EXPRESSION_KEYS = (
    "required",
    "relevant",
    "constraint",
    "choice_filter",
    "calculation",
    "repeat_count",
)


@dataclass
class RawItem:
    """A question, group, section or choice as read: values by key, and where it was."""

    where: str
    values: dict[str, object] = field(default_factory=dict)
    # key -> the column or key the author wrote (e.g. "label::Kyrgyz (ky)"), for messages
    columns: dict[str, str] = field(default_factory=dict)
    children: list[RawItem] = field(default_factory=list)
    is_group: bool = False
    implicit: bool = False  # an XLSForm page made of questions outside any group

    def column(self, key: str) -> str:
        return self.columns.get(key, key)

    def name(self) -> str:
        value = self.values.get("name")
        return value if isinstance(value, str) else ""


@dataclass
class RawChoiceList:
    name: str
    where: str
    choices: list[RawItem] = field(default_factory=list)


@dataclass
class RawForm:
    settings: RawItem
    sections: list[RawItem] = field(default_factory=list)
    choice_lists: list[RawChoiceList] = field(default_factory=list)
    # names of questions a reader left out (unsupported types, repeats): a reference to one
    # is a warning, not an error
    ignored: set[str] = field(default_factory=set)
    # read from an XLSForm: what pyxform accepts loads, with warnings where the YAML format
    # (the shipped forms) is strict
    xlsform: bool = False


def scalar_text(value: object) -> str:
    """A scalar as text: numbers without a trailing .0, dates as ISO, booleans true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
