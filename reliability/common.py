"""What the reliability checks share: one result row per check and the summary table."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass
class Result:
    """One line of the summary: how many rounds ran, how many failed, and the worst case seen.

    `worst` is a short description of the worst round (the slowest recovery, the largest input,
    or the first failure's reason); it must never hold personal data (the suite only makes up
    fictional data anyway). `failures_detail` keeps up to a few failure reasons for the report.
    """

    name: str
    rounds: int = 0
    failures: int = 0
    worst: str = ""
    failures_detail: list[str] = field(default_factory=list)
    skipped: str = ""  # a reason when the check could not run here

    def fail(self, reason: str) -> None:
        self.failures += 1
        if len(self.failures_detail) < 5:
            self.failures_detail.append(reason)


@dataclass
class Check:
    """A named check: `run(workdir, scale)` returns its Result.

    `scale` is 1.0 for the full suite (the rounds the issue asks for) and smaller for a quick run
    (`--quick`; tests/integration/test_reliability_quick.py runs the plaintext scan so)."""

    name: str
    run: Callable[[Path, float], Result]


def rounds(full: int, scale: float, minimum: int = 2) -> int:
    return max(minimum, int(full * scale))


def print_table(results: list[Result]) -> None:
    headers = ("check", "rounds", "failures", "worst case")
    rows = [
        (
            r.name,
            str(r.rounds),
            str(r.failures) if not r.skipped else "skipped",
            r.skipped or r.worst,
        )
        for r in results
    ]
    widths = [
        max(len(h), *(len(row[i]) for row in rows)) if rows else len(h)
        for i, h in enumerate(headers)
    ]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    for r in results:
        for reason in r.failures_detail:
            print(f"FAIL {r.name}: {reason}")
