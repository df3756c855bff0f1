"""Backup child: for the kill loop, backs up and restores again and again; for the full-disk
check, one backup (or restore) under RLIMIT_FSIZE.

    python backup.py '{"mode": "loop", "folder": ..., "officer": ..., "passphrase": ...,
                       "out": ..., "targets": ..., "round": N}'
    python backup.py '{"mode": "fsize", "folder": ..., "officer": ..., "passphrase": ...,
                       "out": ..., "limit": N, "op": "backup" | "restore", "file": ...}'

The loop prints JSON lines ["begin-backup", n], ["ack-backup", n, path], ["begin-restore", n,
target], ["ack-restore", n]. The fsize mode prints one JSON line: what was raised. Needs
PYTHONPATH to hold the repository.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
from pathlib import Path

from idtool import backup, kdf
from idtool.errors import IdtoolError
from idtool.i18n import set_language
from idtool.vault import Vault


def say(*fields: object) -> None:
    sys.stdout.write(json.dumps(fields, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def loop(args: dict[str, object]) -> None:
    vault = Vault(Path(str(args["folder"])), kdf_params=kdf.FAST_PARAMS)
    session = vault.unlock(str(args["officer"]), str(args["passphrase"]))
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    n = 0
    while True:
        n += 1
        say("begin-backup", n)
        path = backup.create_backup(session, Path(str(args["out"]))).path
        say("ack-backup", n, str(path))
        target = Path(str(args["targets"])) / f"r{args['round']}-{n}"
        say("begin-restore", n, str(target))
        backup.restore_backup(
            path, target, officer=str(args["officer"]), passphrase=str(args["passphrase"])
        )
        say("ack-restore", n)


def fsize(args: dict[str, object]) -> None:
    set_language("en")
    vault = Vault(Path(str(args["folder"])), kdf_params=kdf.FAST_PARAMS)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    outcome: dict[str, object] = {"raised": None}
    with vault.unlock(str(args["officer"]), str(args["passphrase"])) as session:
        resource.setrlimit(resource.RLIMIT_FSIZE, (int(str(args["limit"])), hard))
        try:
            if args["op"] == "backup":
                backup.create_backup(session, Path(str(args["out"])))
            else:
                backup.restore_backup(
                    Path(str(args["file"])),
                    Path(str(args["out"])),
                    officer=str(args["officer"]),
                    passphrase=str(args["passphrase"]),
                )
        except IdtoolError as exc:
            outcome = {"raised": type(exc).__name__, "message": exc.message}
        except Exception as exc:  # reported, not hidden: the check counts it as a failure
            outcome = {"raised": type(exc).__name__, "message": "not an IdtoolError"}
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
    sys.stdout.write(json.dumps(outcome) + "\n")


def main() -> None:
    args = json.loads(sys.argv[1])
    loop(args) if args["mode"] == "loop" else fsize(args)


if __name__ == "__main__":
    main()
