"""Kill-loop child: imports case bundles one after another, acknowledging each import.

    python imports.py '{"folder": ..., "officer": ..., "passphrase": ..., "bundles": [...],
                        "start": N}'

Prints `begin I` before and `ack I ALREADY IMPORTED QUARANTINED CONFLICTS` after importing
bundle I, then `done` and waits to be killed. Needs PYTHONPATH to hold the repository.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from idtool import kdf
from idtool.sync.importer import import_bundle
from idtool.vault import Vault


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    args = json.loads(sys.argv[1])
    vault = Vault(Path(args["folder"]), kdf_params=kdf.FAST_PARAMS)
    session = vault.unlock(args["officer"], args["passphrase"])
    import idtool.bundle.reader
    import idtool.sync.apply
    import idtool.sync.update_trust  # noqa: F401  (loaded before `ready`, as in a running program)

    say("ready")
    bundles = args["bundles"]
    for index in range(args["start"], len(bundles)):
        say(f"begin {index}")
        report = import_bundle(session, bundles[index])
        say(
            f"ack {index} {int(report.already_imported)} {report.imported}"
            f" {report.quarantined} {report.conflicts}"
        )
    say("done")
    time.sleep(600)  # the parent kills it


if __name__ == "__main__":
    main()
