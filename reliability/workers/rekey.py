"""Kill-loop child: adds an officer, removes the oldest other one (a re-key), and so on.

    python rekey.py '{"folder": ..., "officer": ..., "passphrase": ..., "alive": [[name, pass]],
                      "round": N}'

Each step prints a JSON line: ["begin-add", name, passphrase], ["ack-add", name],
["begin-remove", name], ["ack-remove", name]. At most two added officers are alive at once.
Needs PYTHONPATH to hold the repository.
"""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path

from idtool import kdf, officers
from idtool.vault import Vault


def say(*fields: object) -> None:
    sys.stdout.write(json.dumps(fields, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main() -> None:
    args = json.loads(sys.argv[1])
    vault = Vault(Path(args["folder"]), kdf_params=kdf.FAST_PARAMS)
    session = vault.unlock(args["officer"], args["passphrase"])
    alive = [tuple(pair) for pair in args["alive"]]
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    step = 0
    while True:
        step += 1
        # A random tail: officer names are compared as look-alikes ("66-1" and "6-1" read the
        # same), so round and step numbers alone would collide with an earlier officer's name.
        name = f"Сынамаев Тест {args['round']}-{step} {secrets.token_hex(4)}"
        passphrase = f"сынак-өң-{args['round']}-{step}"
        say("begin-add", name, passphrase)
        officers.add_officer(session, name, "police", passphrase)
        say("ack-add", name)
        alive.append((name, passphrase))
        if len(alive) > 1:
            old, _ = alive.pop(0)
            say("begin-remove", old)
            officers.remove_officer(session, old)
            say("ack-remove", old)


if __name__ == "__main__":
    main()
