"""The UI goes through the core's API only: no widget module reaches a session's connection or
runs SQL, so every read and write passes the core's functions and their permission checks."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATABASE_USE = re.compile(r"\.conn\b|\.execute(many|script)?\(|\bsqlcipher3\b|\bsqlite3\b")


def database_uses(folder: Path) -> list[str]:
    return [
        f"{path.relative_to(folder.parent)}:{number}: {line.strip()}"
        for path in sorted(folder.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if DATABASE_USE.search(line)
    ]


def test_no_ui_module_touches_the_database() -> None:
    assert database_uses(ROOT / "ui") == []


def test_the_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    # The check above passes on an empty list: prove it would see each way in.
    (tmp_path / "widget.py").write_text(
        "rows = self.session.conn.execute('SELECT 1')\n"
        "cur.executemany(sql, rows)\n"
        "import sqlite3\n"
        "names = session.connect_all()\n",  # not a use: another name
        encoding="utf-8",
    )
    found = [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in database_uses(tmp_path)]
    assert found == ["1", "2", "3"]
