"""The coordinator's review of items of this case (a resolution that came back in an update
package: `sync.review_back`), shown near the top of the case view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from idtool.i18n import _
from idtool.oversight import kind_label
from idtool.session import Session
from idtool.sync.review_back import Reviewed, reviewed


def reviewed_text(items: list[Reviewed]) -> str:
    return "\n".join(
        _("Reviewed by the coordinator on {date}: {what}.").format(
            date=item.resolved_at[:10], what=kind_label(item.kind)
        )
        for item in items
    )


def reviewed_note(session: Session, case_uuid: str, parent: QWidget | None = None) -> QLabel:
    """One line per resolution; hidden when there is none."""
    label = QLabel(reviewed_text(reviewed(session, case_uuid)), parent)
    label.setObjectName("case_reviewed")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setVisible(bool(label.text()))
    return label
