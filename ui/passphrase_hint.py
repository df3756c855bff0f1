"""Under a field where a new passphrase is typed: how hard it is to guess, and what to change.

The estimate is the one the core applies when the passphrase is set (idtool.passphrase), so
the hint and the refusal never disagree. It takes a few milliseconds: run on every key press.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from idtool import passphrase
from idtool.i18n import _

_OK = "color: #1b5e20;"
_WEAK = "color: #8a4b00;"


class StrengthHint(QLabel):
    """Follows `edit`. The passphrase is for an officer called `names`, or whatever is typed
    in `name_edit`: the name itself is weak in a passphrase."""

    def __init__(
        self,
        edit: QLineEdit,
        *,
        names: Sequence[str] = (),
        name_edit: QLineEdit | None = None,
        parent: QWidget | None = None,
        object_name: str = "strength_hint",
    ) -> None:
        super().__init__(parent)
        self.edit = edit
        self.names = list(names)
        self.name_edit = name_edit
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self.setAccessibleName(_("Passphrase strength"))
        edit.textChanged.connect(self.refresh)
        if name_edit is not None:
            name_edit.textChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        text = self.edit.text()
        if not text:
            self.setText(
                _(
                    "Use three or four words that do not belong together; digits, "
                    "symbols and capital letters are not needed."
                )
            )
            self.setStyleSheet("")
            return
        names = self.names + ([self.name_edit.text()] if self.name_edit is not None else [])
        strength = passphrase.estimate(text, [n for n in names if n.strip()])
        if strength.acceptable:
            self.setText(
                _("Strength: very good.") if strength.score >= 4 else _("Strength: good enough.")
            )
            self.setStyleSheet(_OK)
        else:
            self.setText(strength.message)
            self.setStyleSheet(_WEAK)
