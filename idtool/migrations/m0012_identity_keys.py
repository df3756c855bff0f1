"""Identity keys that see through look-alike letters and invisible characters (names.py).

Recomputes persons.name_key (the case search indexes follow through their trigger) and
certificates.holder_key from the names. A recomputed key is not a change to send to anyone
(every device computes its own keys, and an import recomputes those it receives), so the
change-journal entries these updates make are removed again.
"""

from __future__ import annotations

from idtool import names
from idtool.database import Connection


def recompute_identity_keys(conn: Connection) -> None:
    """Set every person's and certificate's identity key to what names.py computes now."""
    journal_top = conn.execute("SELECT coalesce(max(id), 0) FROM sync_changes").fetchone()[0]
    persons = [
        (key, uuid)
        for uuid, name, old in conn.execute("SELECT uuid, full_name, name_key FROM persons")
        if (key := names.identity_key(name)) != old
    ]
    conn.executemany("UPDATE persons SET name_key = ? WHERE uuid = ?", persons)
    certificates = [
        (key, uuid)
        for uuid, name, birth, old in conn.execute(
            "SELECT uuid, holder_name, holder_birth_date, holder_key FROM certificates"
        )
        if (key := names.holder_key(name, birth)) != old
    ]
    conn.executemany("UPDATE certificates SET holder_key = ? WHERE uuid = ?", certificates)
    conn.execute("DELETE FROM sync_changes WHERE id > ?", (journal_top,))


def apply(conn: Connection) -> None:
    recompute_identity_keys(conn)
