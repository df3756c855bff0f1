"""Where the officer is, kept while the window is built again.

A language change rebuilds every page in the new language; a lock (Ctrl+L, F12, Escape twice,
the idle lock) destroys the workspace. Before that the window takes the place (`capture`), and
afterwards brings it back (`restore`):

- in the workspace, the page, the case or interview on it and the case view's tab; after a
  lock only when the same
  officer unlocks again (another officer starts at the case list), and only if the page can
  still be opened (a refusal, say a case no longer visible, leaves the case list);
- on the set-up page, what was typed (and, once the database is made, the recovery code page
  with its code: a language change must not lose the only showing of the code);
- on the unlock page, the officer name typed (never the passphrase).

A place holds record ids and what was typed on the page, only in memory and only until it is
restored; nothing of it is written anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtWidgets import QWidget

from idtool.errors import IdtoolError


@dataclass
class Place:
    officer: str = ""  # the officer whose workspace it was
    page: str = ""  # the workspace page: "cases", "case", "interview", "review"
    target: str = ""  # the case or interview on it
    detail: str = ""  # where on that page: the case view's tab
    typed: dict[str, Any] = field(default_factory=dict)  # set-up or unlock page fields

    @property
    def setup_pending(self) -> bool:
        """The set-up page is showing the recovery code of a database just made."""
        return self.typed.get("session") is not None


def capture(page: QWidget | None, officer: str = "") -> Place:
    """The place shown on `page` now (an empty Place when there is nothing to keep)."""
    where = getattr(page, "place", None)
    if callable(where):
        name, target = where()
        detail = getattr(page, "place_detail", None)
        return Place(officer, name, target, detail() if callable(detail) else "")
    typed = getattr(page, "typed", None)
    if callable(typed):
        return Place(typed=typed())
    return Place()


def restore(page: QWidget | None, place: Place, officer: str = "") -> None:
    """Show `place` on the rebuilt `page` (see the module's notes for when it is not)."""
    go = getattr(page, "go_to_place", None)
    if callable(go) and place.page and place.officer == officer:
        try:
            go(place.page, place.target, place.detail)
        except IdtoolError:
            go("cases", "")
        return
    put_back = getattr(page, "restore_typed", None)
    if callable(put_back) and place.typed:
        put_back(place.typed)
