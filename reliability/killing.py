"""Running a child process and killing it with SIGKILL at a chosen moment, and what every
kill loop checks afterwards (integrity, cipher integrity, audit chain)."""

from __future__ import annotations

import json
import os
import random
import select
import signal
import struct
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idtool import audit, database
from idtool.session import Session
from idtool.vault import Vault
from reliability.common import ROOT

WORKERS = Path(__file__).resolve().parent / "workers"
SUPERVISOR = "Айгүл Өмүрбекова"  # fictional, as in tests/conftest.py
SUPERVISOR_PASS = "тоо-суу-2026"
OFFICER = "Бакыт Садыров"
OFFICER_PASS = "police-pass-1"
FULL_ROUNDS = 200
EARLY_KILLS = 0.1  # share of kills timed from the child's start (may land in start-up/unlock)
CHILD_TIMEOUT = 60.0


def child_env(workdir: Path) -> dict[str, str]:
    """The child's environment: fast key derivation, folders of its own, UTF-8 output."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("IDTOOL_PASSPHRASE", "IDTOOL_NEW_PASSPHRASE", "IDTOOL_OFFICER")
    }
    env.update(
        PYTHONPATH=str(ROOT),
        IDTOOL_KDF="fast",
        PYTHONIOENCODING="utf-8",
        IDTOOL_CONFIG=str(workdir / "config"),
        IDTOOL_DATA=str(workdir / "no-data"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


@dataclass
class Killed:
    lines: list[str]  # complete lines the child printed
    ready: bool  # it printed `ready` (unlocked) before the kill
    error: str = ""  # set when it ended by itself or hung: its last words
    times: list[float] = field(default_factory=list)  # when each line arrived (monotonic)


def run_and_kill(
    script: str, args: dict[str, Any], env: dict[str, str], delay: float, from_start: bool
) -> Killed:
    """Start worker `script`, SIGKILL it `delay` seconds after `ready` (or after its start)."""
    proc = subprocess.Popen(
        [sys.executable, str(WORKERS / script), json.dumps(args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    started = time.monotonic()
    deadline = started + delay if from_start else None
    data = bytearray()
    times: list[float] = []
    ready = ended = False
    while True:
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            break
        if now - started > CHILD_TIMEOUT:
            break
        wait = 0.5 if deadline is None else min(0.5, deadline - now)
        readable, _, _ = select.select([fd], [], [], max(0.0, wait))
        if not readable:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            ended = True
            break
        data += chunk
        times += [time.monotonic()] * chunk.count(b"\n")
        if not ready and (data.startswith(b"ready\n") or b"\nready\n" in data):
            ready = True
            if deadline is None:
                deadline = time.monotonic() + delay
    proc.send_signal(signal.SIGKILL)  # this child only, by its pid
    rest, err = proc.communicate(timeout=30)
    data += rest
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")[:-1]  # a last line without its newline was cut by the kill
    times += [time.monotonic()] * (len(lines) - len(times))
    killed = Killed(lines, ready, times=times)
    if ended or proc.returncode != -signal.SIGKILL:
        last = err.decode("utf-8", errors="replace").strip().splitlines()[-3:]
        killed.error = f"child ended by itself ({proc.returncode}): {' | '.join(last)}"
    elif not ready and not from_start:
        killed.error = "child never became ready (hung)"
    return killed


def wal_tail(db_path: Path) -> int:
    """Frames of the WAL's current generation after its last commit frame.

    More than zero right after a kill means the kill landed inside a transaction that had
    already written pages. Frame headers are plaintext in SQLCipher; frames of older
    generations carry other salts and are not counted (checksums are not verified)."""
    path = Path(str(db_path) + "-wal")
    try:
        with path.open("rb") as f:
            head = f.read(32)
            if len(head) < 32:
                return 0
            magic, _v, page, _c, salt1, salt2, _k1, _k2 = struct.unpack(">8I", head)
            if magic not in (0x377F0682, 0x377F0683) or page < 512:
                return 0
            size = path.stat().st_size
            tail = 0
            offset = 32
            while offset + 24 + page <= size:
                f.seek(offset)
                _pg, commit, s1, s2 = struct.unpack(">4I", f.read(16))
                if (s1, s2) != (salt1, salt2):
                    break
                tail = 0 if commit else tail + 1
                offset += 24 + page
            return tail
    except OSError:
        return 0


@dataclass
class Tally:
    """What the kills hit, and the slowest recovery (the first unlock after a kill)."""

    phases: Counter[str] = field(default_factory=Counter)
    mid_transaction: int = 0
    worst_ms: float = 0.0
    worst_round: int = -1

    def unlock(self, vault: Vault, name: str, passphrase: str, round_no: int) -> Session:
        start = time.perf_counter()
        session = vault.unlock(name, passphrase)
        ms = (time.perf_counter() - start) * 1000
        if ms > self.worst_ms:
            self.worst_ms, self.worst_round = ms, round_no
        return session

    def summary(self) -> str:
        phases = ", ".join(f"{k} {v}" for k, v in self.phases.most_common())
        return (
            f"recovery (unlock after kill) max {self.worst_ms:.0f} ms (round "
            f"{self.worst_round}); kills: {phases}; uncommitted WAL frames at "
            f"{self.mid_transaction} kills"
        )


def check_store(session: Session) -> list[str]:
    """Integrity, cipher integrity and the audit chain of an open database."""
    problems = [f"integrity: {p}" for p in database.integrity_problems(session.conn)[:3]]
    verdict = audit.verify(session.conn)
    if not verdict.ok:
        problems.append(f"audit chain: {verdict.reason} at entry {verdict.first_bad_seq}")
    return problems


def kill_delay(rng: random.Random, span: float) -> tuple[float, bool]:
    if rng.random() < EARLY_KILLS:
        return rng.uniform(0.0, 0.45), True
    return rng.uniform(0.0, span), False
