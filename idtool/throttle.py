"""Unlock throttling: each failed attempt after the first few doubles the wait.

The counter lives in a small file in the data folder (it must work before the database is
open), is shared by all officer names (so it never reveals whether a name exists) and survives
a restart. Wall-clock time is used, but a clock set backwards never shortens the wait below the
delay of the current step.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from idtool.atomic import write_atomic
from idtool.errors import StorageError
from idtool.i18n import _

FILE_NAME = "unlock-attempts.json"
FREE_ATTEMPTS = 3
FIRST_DELAY = 5.0
MAX_DELAY = 15 * 60.0


def delay_after(failures: int) -> float:
    """Seconds to wait after `failures` consecutive failures."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(FIRST_DELAY * 2 ** (failures - FREE_ATTEMPTS), MAX_DELAY)


@dataclass
class Throttle:
    folder: Path
    clock: Callable[[], float] = time.time

    @property
    def path(self) -> Path:
        return Path(self.folder) / FILE_NAME

    def _read(self) -> tuple[int, float]:
        try:
            doc = json.loads(self.path.read_text("utf-8"))
            return int(doc["failures"]), float(doc["last"])
        except FileNotFoundError:
            return 0, 0.0
        except (OSError, ValueError, KeyError, TypeError):
            # A damaged counter must not become a way around throttling.
            return FREE_ATTEMPTS + 2, self.clock()

    def _write(self, failures: int, last: float) -> None:
        data = json.dumps({"failures": failures, "last": last}).encode()
        try:
            write_atomic(self.path, data)
        except OSError as exc:
            raise StorageError(
                _("The data folder cannot be written to: {error}").format(
                    error=exc.strerror or type(exc).__name__)
            ) from exc

    @property
    def failures(self) -> int:
        return self._read()[0]

    def seconds_to_wait(self) -> float:
        failures, last = self._read()
        delay = delay_after(failures)
        if delay == 0:
            return 0.0
        remaining = last + delay - self.clock()
        return max(0.0, min(remaining, delay))

    def record_failure(self) -> None:
        failures, _ = self._read()
        self._write(failures + 1, self.clock())

    def record_success(self) -> None:
        if self.path.exists():
            self._write(0, 0.0)
