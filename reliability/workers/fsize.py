"""Full-disk child: one export or PDF save under RLIMIT_FSIZE (SIGXFSZ ignored, so EFBIG).

    python fsize.py '{"world": ..., "op": ..., "out": ..., "limit": N}'

Unlocks first (the database is written then), lowers the file size limit to `limit` bytes, runs
`op` into `out` once, and prints one JSON line: what was raised, and whether the database
content is the same before and after. Used where no small filesystem can be mounted, and for
failures at an exact byte (a file-size limit is what FAT32 sets at 4 GiB). Needs PYTHONPATH
to hold the repository.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
from pathlib import Path

from idtool.i18n import set_language
from reliability import fulldisk


def main() -> None:
    args = json.loads(sys.argv[1])
    set_language("en")
    world = (
        fulldisk.PdfWorld.load(Path(args["world"]))
        if args["op"] in fulldisk.PDF_OPS
        else fulldisk.BundleWorld.load(Path(args["world"]))
    )
    with world.session_for(args["op"]) as session:
        fulldisk.warm_up(args["op"], world, session)
        before = fulldisk.content_digest(session.conn)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (args["limit"], hard))
        outcome = fulldisk.attempt(args["op"], world, session, Path(args["out"]))
        resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
        outcome["unchanged"] = fulldisk.content_digest(session.conn) == before
    sys.stdout.write(json.dumps(outcome) + "\n")


if __name__ == "__main__":
    main()
