"""Unlock throttling: each failed attempt after the first few doubles the wait.

The counter lives in a small file in the data folder (it must work before the database is
open), is shared by all officer names (so it never reveals whether a name exists) and survives
a restart. Wall-clock time is used, but a clock set backwards never lengthens the wait beyond
the delay of the current step.

- An attempt is counted when it starts, before the slow key derivation, under an OS file lock
  (`unlock-attempts.lock`): attempts made in parallel (threads or processes) are each counted,
  and an attempt whose process is killed half-way has been counted already. A success sets the
  count back to 0.
- The file carries an HMAC whose key comes from two random values of `keyslots.json`. Once the
  key file is format 2, a counter that is missing, unreadable or does not verify counts as the
  maximum wait from the moment it is found so. This stops deleting or editing the file. It is
  not a secret: someone who reads this code can forge the HMAC or put back an older copy of the
  file, and someone who copies the folder can guess passphrases offline without this program.
- Key files of format 1 (earlier versions) had a counter only after a first failure: there a
  missing counter counts as no failures and an old unsigned counter is carried over. The first
  successful unlock upgrades the key file to format 2 (keyslots.SlotsFile.upgrade).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
import json
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from idtool.atomic import write_atomic
from idtool.errors import LockedOut, StorageError
from idtool.i18n import _

FILE_NAME = "unlock-attempts.json"
LOCK_NAME = "unlock-attempts.lock"
SLOTS_NAME = "keyslots.json"  # read here for the HMAC key and the format only
FREE_ATTEMPTS = 3
FIRST_DELAY = 5.0
MAX_DELAY = 15 * 60.0
LOCK_TIMEOUT = 30.0  # the lock is held for a read and a write: milliseconds


def delay_after(failures: int) -> float:
    """Seconds to wait after `failures` consecutive failures."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    doubled: float = FIRST_DELAY * 2 ** (failures - FREE_ATTEMPTS)  # int ** int: typed Any
    return min(doubled, MAX_DELAY)


# What a missing or altered counter stands for: the first count whose wait is the maximum.
PENALTY_FAILURES = next(n for n in itertools.count() if delay_after(n) >= MAX_DELAY)


def counter_key(db_id: str, tag_salt: str) -> bytes:
    """The counter's HMAC key, from the database id and the random tag salt of keyslots.json."""
    return hmac.new(
        tag_salt.encode("utf-8"), b"idtool unlock-attempts\x00" + db_id.encode(), hashlib.sha256
    ).digest()


@dataclass(frozen=True)
class _State:
    failures: int
    last: float


@dataclass(frozen=True)
class _Key:
    mac_key: bytes
    strict: bool  # format 2: the counter must exist and verify


def _mac(key: bytes, state: _State) -> str:
    body = json.dumps({"failures": state.failures, "last": state.last}, sort_keys=True)
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass
class Throttle:
    folder: Path
    clock: Callable[[], float] = time.time

    @property
    def path(self) -> Path:
        return Path(self.folder) / FILE_NAME

    # -- reading -----------------------------------------------------------------------------
    def _key(self) -> _Key | None:
        """None when the folder has no readable key file: no database to throttle (an unlock
        then fails on the key file itself, before any attempt)."""
        try:
            doc = json.loads((Path(self.folder) / SLOTS_NAME).read_text("utf-8"))
            key = counter_key(str(doc["db_id"]), str(doc["tag_salt"]))
            return _Key(key, int(doc.get("format", 1)) >= 2)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def _read(self, key: _Key) -> _State | None:
        """The stored state, or None when it is missing, damaged or altered."""
        try:
            doc = json.loads(self.path.read_text("utf-8"))
            state = _State(int(doc["failures"]), float(doc["last"]))
            if state.failures < 0 or not math.isfinite(state.last):
                return None
        except FileNotFoundError:
            return None if key.strict else _State(0, 0.0)
        except OSError as exc:
            # Present but unreadable (no permission, a folder in its place, a file held by
            # another program): refuse to go on rather than guess either way.
            raise StorageError(
                _("The unlock counter in the data folder cannot be read: {error}").format(
                    error=exc.strerror or type(exc).__name__
                )
            ) from exc
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        mac = doc.get("mac")
        if isinstance(mac, str) and hmac.compare_digest(mac, _mac(key.mac_key, state)):
            return state
        if mac is None and not key.strict:
            return state  # written by an earlier version, before the key file was upgraded
        return None

    def _current(self, key: _Key) -> _State:
        """The state; a missing or altered counter is replaced by the maximum wait from now.
        Call with the lock held."""
        state = self._read(key)
        if state is None:
            state = _State(PENALTY_FAILURES, self.clock())
            self._write(key.mac_key, state)
        return state

    def _wait(self, state: _State) -> float:
        delay = delay_after(state.failures)
        if delay == 0:
            return 0.0
        remaining = state.last + delay - self.clock()
        return max(0.0, min(remaining, delay))

    # -- writing -----------------------------------------------------------------------------
    def _write(self, mac_key: bytes, state: _State) -> None:
        doc = {"failures": state.failures, "last": state.last, "mac": _mac(mac_key, state)}
        try:
            write_atomic(self.path, json.dumps(doc).encode("utf-8"))
        except OSError as exc:
            raise StorageError(_cannot_write(exc)) from exc

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        import filelock  # imported on first use: start-up speed

        lock = filelock.FileLock(Path(self.folder) / LOCK_NAME, timeout=LOCK_TIMEOUT)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise StorageError(
                _("The unlock counter in the data folder is held by another program.")
            ) from None
        except OSError as exc:
            raise StorageError(_cannot_write(exc)) from exc
        try:
            yield
        finally:
            lock.release()

    # -- the public operations ---------------------------------------------------------------
    @property
    def failures(self) -> int:
        return self._state().failures

    def _state(self) -> _State:
        key = self._key()
        if key is None:
            return _State(0, 0.0)
        state = self._read(key)
        if state is None:
            with self._locked():
                state = self._current(key)
        return state

    def seconds_to_wait(self) -> float:
        return self._wait(self._state())

    def begin_attempt(self) -> None:
        """Count an attempt before it is made, or raise LockedOut if it must wait."""
        key = self._key()
        if key is None:
            return
        with self._locked():
            state = self._current(key)
            wait = self._wait(state)
            if wait > 0:
                raise LockedOut(
                    _("Too many failed attempts. Try again in {seconds} seconds.").format(
                        seconds=math.ceil(wait)
                    ),
                    wait,
                )
            self._write(key.mac_key, _State(state.failures + 1, self.clock()))

    def record_success(self) -> None:
        key = self._key()
        if key is None:
            return
        with self._locked():
            self._write(key.mac_key, _State(0, 0.0))

    def start_fresh(self, db_id: str, tag_salt: str) -> None:
        """At set-up, before the key file exists: a counter at 0."""
        with self._locked():
            self._write(counter_key(db_id, tag_salt), _State(0, 0.0))


def _cannot_write(exc: OSError) -> str:
    return _("The data folder cannot be written to: {error}").format(
        error=exc.strerror or type(exc).__name__
    )
