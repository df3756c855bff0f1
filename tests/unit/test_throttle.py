"""Unlock throttling: progressive, survives a restart, reveals nothing about names."""

from __future__ import annotations

import itertools

import pytest

from idtool import kdf, throttle
from idtool.errors import AuthenticationFailed, LockedOut
from idtool.vault import Vault
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_delays_grow_and_are_capped():
    delays = [throttle.delay_after(n) for n in range(0, 12)]
    assert delays[:3] == [0, 0, 0]
    assert delays[3] > 0
    assert all(b >= a for a, b in itertools.pairwise(delays))
    assert delays[4] == 2 * delays[3]
    assert throttle.delay_after(100) == throttle.MAX_DELAY


def test_failures_slow_down_unlock_and_survive_restart(made_vault):
    vault, _ = made_vault
    clock = Clock()
    vault = Vault(vault.folder, clock=clock, kdf_params=kdf.FAST_PARAMS)
    for _ in range(throttle.FREE_ATTEMPTS):
        with pytest.raises(AuthenticationFailed):
            vault.unlock(SUPERVISOR, "wrong-passphrase")
    with pytest.raises(LockedOut) as locked:
        vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    assert locked.value.wait_seconds == pytest.approx(throttle.FIRST_DELAY)
    # A restart (a new Vault object over the same folder) keeps the counter.
    restarted = Vault(vault.folder, clock=clock, kdf_params=kdf.FAST_PARAMS)
    with pytest.raises(LockedOut):
        restarted.unlock(SUPERVISOR, SUPERVISOR_PASS)
    clock.now += throttle.FIRST_DELAY + 0.1
    with pytest.raises(AuthenticationFailed):
        restarted.unlock(SUPERVISOR, "wrong-again")
    with pytest.raises(LockedOut) as locked:
        restarted.unlock(SUPERVISOR, SUPERVISOR_PASS)
    assert locked.value.wait_seconds == pytest.approx(2 * throttle.FIRST_DELAY)
    clock.now += 2 * throttle.FIRST_DELAY + 0.1
    restarted.unlock(SUPERVISOR, SUPERVISOR_PASS).close()
    assert restarted.throttle.failures == 0


def test_unknown_names_count_like_wrong_passphrases(made_vault):
    vault, _ = made_vault
    clock = Clock()
    vault = Vault(vault.folder, clock=clock, kdf_params=kdf.FAST_PARAMS)
    messages = set()
    for name in ("Nobody One", SUPERVISOR, "Nobody Two"):
        with pytest.raises(AuthenticationFailed) as err:
            vault.unlock(name, "wrong-passphrase")
        messages.add(str(err.value))
    assert len(messages) == 1
    with pytest.raises(LockedOut):
        vault.unlock("Nobody Three", "x")


def test_clock_set_back_does_not_extend_or_remove_the_wait(tmp_path):
    clock = Clock()
    t = throttle.Throttle(tmp_path, clock)
    for _ in range(throttle.FREE_ATTEMPTS):
        t.record_failure()
    clock.now -= 10_000
    assert 0 < t.seconds_to_wait() <= throttle.FIRST_DELAY


def test_damaged_counter_file_still_throttles(tmp_path):
    t = throttle.Throttle(tmp_path, Clock())
    t.path.write_text("{not json")
    assert t.seconds_to_wait() > 0
