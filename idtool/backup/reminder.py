"""When to remind the officer to make a backup: the last one (or, before the first, the
database's creation) is older than the number of days set in the settings (0: never)."""

from __future__ import annotations

from datetime import UTC, datetime

from idtool import dates
from idtool.backup.create import last_backup
from idtool.session import Session


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return dates.local_moment(text)
    except ValueError:
        return None


def backup_due(session: Session, days: int, now: datetime | None = None) -> int | None:
    """Days since the last backup when a reminder is due, else None. `days` 0 turns the
    reminder off. Before the first backup, counted from when the database was made."""
    if days <= 0:
        return None
    since = _moment(last_backup(session)) or _moment(session.meta("created_at"))
    if since is None:
        return None
    age = ((now or datetime.now(UTC)) - since).days
    return age if age >= days else None
