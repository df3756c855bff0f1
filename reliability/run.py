"""Reliability suite: prints one table (check, rounds, failures, worst case).

    .venv/bin/python reliability/run.py [--quick] [--only NAME ...] [--keep]

Not part of the test run (it takes minutes). Each module listed in MODULES exposes
`checks() -> list[Check]`. Exit status 1 when any check failed.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reliability.common import Result, print_table

MODULES = (
    "reliability.killloops",
    "reliability.fulldisk",
    "reliability.fuzz",
    "reliability.plaintext",
    "reliability.backups",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a few rounds of everything (checks the suite itself, proves little)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        help="run only checks whose name contains one of these words",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder for a look")
    args = parser.parse_args(argv)
    scale = 0.02 if args.quick else 1.0

    work = Path(tempfile.mkdtemp(prefix="idtool-reliability-"))
    results: list[Result] = []
    try:
        for module_name in MODULES:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            for check in module.checks():
                if args.only and not any(word in check.name for word in args.only):
                    continue
                folder = work / check.name.replace(" ", "_").replace("/", "_")
                folder.mkdir(parents=True, exist_ok=True)
                start = time.monotonic()
                print(f"... {check.name}", file=sys.stderr, flush=True)
                try:
                    result = check.run(folder, scale)
                except Exception as exc:  # the check itself broke: a failure, with its place
                    result = Result(check.name)
                    frame = traceback.extract_tb(exc.__traceback__)[-1]
                    result.fail(
                        f"check crashed: {type(exc).__name__} at "
                        f"{Path(frame.filename).name}:{frame.lineno}: {exc}"
                    )
                print(
                    f"    {check.name}: {result.rounds} rounds, {result.failures} failures,"
                    f" {time.monotonic() - start:.1f} s",
                    file=sys.stderr,
                    flush=True,
                )
                results.append(result)
    finally:
        if args.keep:
            print(f"work folder kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print_table(results)
    return 1 if any(r.failures for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
