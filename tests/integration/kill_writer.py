"""Child process for the SIGKILL test: commits audit entries and acknowledges each commit."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from idtool import database, kdf
from idtool.vault import Vault


def main() -> None:
    folder, name, passphrase, round_no = sys.argv[1:5]
    vault = Vault(Path(folder), kdf_params=kdf.FAST_PARAMS)
    session = vault.unlock(name, passphrase)
    filler = os.urandom(2000).hex()
    n = 0
    while True:
        n += 1
        with database.transaction(session.conn):
            # Several statements per transaction, so the kill often lands mid-transaction.
            for part in range(5):
                session.audit(
                    "test.write", target=f"{round_no}:{n}", details={"part": part, "filler": filler}
                )
        sys.stdout.write(f"{round_no}:{n}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
