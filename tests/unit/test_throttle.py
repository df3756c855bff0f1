"""Unlock throttling: progressive, survives a restart, reveals nothing about names."""

from __future__ import annotations

import itertools
import json
import multiprocessing
import threading
from pathlib import Path
from typing import Any

import pytest

from idtool import kdf, throttle
from idtool.errors import AuthenticationFailed, LockedOut, StorageError
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


def test_clock_set_back_does_not_extend_or_remove_the_wait(made_vault):
    vault, _ = made_vault
    clock = Clock()
    t = throttle.Throttle(vault.folder, clock)
    for _ in range(throttle.FREE_ATTEMPTS):
        t.begin_attempt()
    clock.now -= 10_000
    assert 0 < t.seconds_to_wait() <= throttle.FIRST_DELAY


def test_damaged_counter_file_still_throttles(made_vault):
    vault, _ = made_vault
    t = throttle.Throttle(vault.folder, Clock())
    t.path.write_text("{not json")
    assert t.seconds_to_wait() > 0


def test_a_folder_without_a_database_is_not_throttled(tmp_path):
    t = throttle.Throttle(tmp_path, Clock())
    assert t.seconds_to_wait() == 0
    t.begin_attempt()  # nothing to count: the unlock then says there is no database
    assert not t.path.exists()


# -- attacks on the counter file (issue 12, part 7) --------------------------------------------
def _fail(vault: Vault, times: int) -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationFailed):
            vault.unlock(SUPERVISOR, "wrong-passphrase")


def test_deleting_the_counter_after_failures_does_not_reset_the_wait(made_vault):
    vault, _ = made_vault
    clock = Clock()
    vault = Vault(vault.folder, clock=clock, kdf_params=kdf.FAST_PARAMS)
    _fail(vault, throttle.FREE_ATTEMPTS)
    vault.throttle.path.unlink()
    with pytest.raises(LockedOut) as locked:
        vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    assert locked.value.wait_seconds == pytest.approx(throttle.MAX_DELAY)
    # The maximum wait runs from when the deletion was found, then unlock works again.
    clock.now += throttle.MAX_DELAY / 2
    with pytest.raises(LockedOut):
        vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    clock.now += throttle.MAX_DELAY / 2 + 1
    vault.unlock(SUPERVISOR, SUPERVISOR_PASS).close()
    assert vault.throttle.failures == 0


@pytest.mark.parametrize("edit", ["zero", "zero_with_old_mac", "garbage", "empty"])
def test_editing_the_counter_does_not_reset_the_wait(made_vault, edit):
    vault, _ = made_vault
    clock = Clock()
    vault = Vault(vault.folder, clock=clock, kdf_params=kdf.FAST_PARAMS)
    _fail(vault, throttle.FREE_ATTEMPTS)
    doc = json.loads(vault.throttle.path.read_text())
    if edit == "zero":
        text = json.dumps({"failures": 0, "last": 0.0})
    elif edit == "zero_with_old_mac":
        text = json.dumps(doc | {"failures": 0})
    elif edit == "garbage":
        text = "{not json"
    else:
        text = ""
    vault.throttle.path.write_text(text)
    with pytest.raises(LockedOut) as locked:
        vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    assert locked.value.wait_seconds == pytest.approx(throttle.MAX_DELAY)


def test_a_counter_from_another_folder_is_refused(made_vault, tmp_path):
    vault, _ = made_vault
    other = Vault(tmp_path / "other", kdf_params=kdf.FAST_PARAMS)
    other.create("Other Supervisor", "supervisor", "другой-пароль-на-2026")[0].close()
    _fail(vault, throttle.FREE_ATTEMPTS)
    vault.throttle.path.write_bytes(other.throttle.path.read_bytes())  # a signed 0 elsewhere
    assert vault.throttle.seconds_to_wait() == pytest.approx(throttle.MAX_DELAY, abs=5)


def test_an_unreadable_counter_stops_unlocking(made_vault):
    vault, _ = made_vault
    vault.throttle.path.unlink()
    vault.throttle.path.mkdir()  # present, but not a file that can be read
    with pytest.raises(StorageError):
        vault.unlock(SUPERVISOR, SUPERVISOR_PASS)


def test_a_new_folder_has_a_counter_at_zero(made_vault):
    vault, _ = made_vault
    assert vault.throttle.path.exists()
    assert vault.throttle.failures == 0
    assert vault.throttle.seconds_to_wait() == 0
    vault.unlock(SUPERVISOR, SUPERVISOR_PASS).close()


def test_an_attempt_is_counted_before_the_key_derivation(made_vault, monkeypatch):
    """A process killed during the slow derivation has still used up an attempt."""
    vault, _ = made_vault

    class Killed(BaseException):
        pass

    def killed(*_args, **_kwargs):
        raise Killed

    monkeypatch.setattr(kdf, "derive", killed)
    for _ in range(throttle.FREE_ATTEMPTS):
        with pytest.raises(Killed):
            vault.unlock(SUPERVISOR, "a guess")
    monkeypatch.undo()
    assert vault.throttle.failures == throttle.FREE_ATTEMPTS
    with pytest.raises(LockedOut):
        vault.unlock(SUPERVISOR, SUPERVISOR_PASS)


def test_parallel_attempts_are_each_counted(made_vault, monkeypatch):
    """Eight threads guess at once. Every guess that reaches the key derivation is counted, and
    no more run than the free attempts: the check and the count are one step under the lock."""
    vault, _ = made_vault
    clock = Clock()
    vault = Vault(vault.folder, clock=clock, kdf_params=kdf.FAST_PARAMS)
    threads_n = 8
    real_derive = kdf.derive
    cond = threading.Condition()
    state = {"arrived": 0, "derived": 0, "release": False}

    def arrive(derived: bool) -> None:
        with cond:
            state["arrived"] += 1
            state["derived"] += derived
            cond.notify_all()

    def held_derive(secret, salt, params):
        if secret.startswith(b"guess-"):
            arrive(True)
            with cond:  # hold every guess here until all threads got this far or were refused
                cond.wait_for(lambda: state["release"])
        return real_derive(secret, salt, params)

    outcomes: list[str] = []

    def guess(n: int) -> None:
        try:
            vault.unlock(SUPERVISOR, f"guess-{n}")
        except LockedOut:
            arrive(False)
            outcomes.append("locked")
        except AuthenticationFailed:
            outcomes.append("failed")

    monkeypatch.setattr(kdf, "derive", held_derive)
    workers = [threading.Thread(target=guess, args=(n,)) for n in range(threads_n)]
    for w in workers:
        w.start()
    with cond:
        assert cond.wait_for(lambda: state["arrived"] == threads_n, timeout=60)
        state["release"] = True
        cond.notify_all()
    for w in workers:
        w.join()
    assert state["derived"] == throttle.FREE_ATTEMPTS
    assert outcomes.count("failed") == throttle.FREE_ATTEMPTS
    assert vault.throttle.failures == throttle.FREE_ATTEMPTS


def _guess_in_process(folder: str, n: int, results: Any) -> None:
    from idtool.vault import Vault as ChildVault

    try:
        ChildVault(Path(folder), kdf_params=kdf.FAST_PARAMS).unlock(SUPERVISOR, f"guess-{n}")
        results.put("opened")
    except LockedOut:
        results.put("locked")
    except AuthenticationFailed:
        results.put("failed")


def test_parallel_processes_are_each_counted(made_vault):
    vault, _ = made_vault
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_guess_in_process, args=(str(vault.folder), n, results))
        for n in range(4)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    outcomes = [results.get() for _ in procs]
    assert "opened" not in outcomes
    # However the processes interleave, every guess that ran was counted.
    assert vault.throttle.failures == outcomes.count("failed") >= throttle.FREE_ATTEMPTS
