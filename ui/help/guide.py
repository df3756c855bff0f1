"""The user guide as the help window reads it: the file for a language, its headings and their
anchors, and which section explains which screen.

Sections are found by their number ("2.1"), which is the same in the three guides, so one map
serves every language."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from idtool.i18n import LANGUAGES
from idtool.paths import guide_dir

# Screen (the workspace page, or "case/<tab>" in the case view) -> the guide section about it.
SECTIONS = {
    "setup": "1.2",
    "unlock": "1.6",
    "cases": "2.1",
    "interview": "2.2",
    "review": "3.3",
    "case": "2.8",
    "case/summary": "2.8",
    "case/interviews": "2.5",
    "case/decision": "4.2",
    "case/consent": "5.1",
    "case/history": "2.8",
}
_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)\.?\s")


def guide_file(lang: str) -> Path:
    """The guide in `lang` (English when there is none in that language)."""
    path = guide_dir() / f"{lang}.md"
    return path if lang in LANGUAGES and path.is_file() else guide_dir() / "en.md"


def section_for(screen: str) -> str:
    """The number of the section that explains `screen` ('' for the start of the guide)."""
    return SECTIONS.get(screen) or SECTIONS.get(screen.split("/")[0], "")


def section_number(heading: str) -> str:
    """'2.1' for the heading '2.1 The case list and a new case' ('' when not numbered)."""
    found = _NUMBER.match(heading.strip())
    return found.group(1) if found else ""


def slug(heading: str) -> str:
    """A heading's anchor as the guide's contents link to it (GitHub's rule): lower case,
    punctuation dropped, spaces as hyphens."""
    kept = "".join(
        ch for ch in heading.strip().lower() if ch in " -_" or unicodedata.category(ch)[0] in "LN"
    )
    return kept.replace(" ", "-")
