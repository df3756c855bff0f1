"""Fuzzing of every parser that reads outside input: one check per parser, 10,000 cases each.

Parsers: the bundle container (`read_bundle`), the bundle manifest (`open_manifest`), the
questionnaire YAML and XLSForm readers (`load_form`), XLSForm expressions (`expr.parse` and
evaluation) and the certificate code (`certificate.verify`). Each target (fuzz_*.py) has a
deterministic generator: case `i` of a check always comes from `random.Random(f"{name}:{i}")`,
mixing mutations of valid seeds with structure-aware generation.

A case fails when the parser raises anything but its documented error, takes more than
TIME_LIMIT seconds, crashes or hangs the process, or (signed formats) accepts a changed input
that it must refuse; each target's `run` decides the last part with its own oracle.

Cases run in forked worker processes (one per CPU, at most WORKERS) with a memory cap; a per-case
SIGALRM interrupts Python-level hangs, and a watchdog in the parent kills a worker that stops
answering (a hang in C code), records the case and carries on with a fresh worker. Inputs of
failing cases are kept under the work folder (`failures/CASE.bin`; `run.py --keep` keeps them).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import re
import resource
import signal
import sys
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Protocol

from reliability.common import Check, Result, rounds

FULL = 10_000
TIME_LIMIT = 2.0  # seconds per case
KILL_AFTER = 15.0  # a worker silent this long is stuck in C code: killed, the case recorded
MEMORY_LIMIT = 4 << 30  # address space per worker: a runaway allocation is a MemoryError
WORKERS = 2


@dataclass
class Case:
    """One generated input; `extra` carries what the target's oracle needs to judge it."""

    data: bytes | str
    kind: str  # which generator made it, for the statistics and the failure report
    extra: Any = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Verdict:
    accepted: bool
    failure: str = ""  # why the parser's answer is wrong ("" when it is right)
    note: str = ""  # something worth counting that is not a failure


class Target(Protocol):
    name: str

    def setup(self, work: Path) -> None: ...

    def make(self, rng: random.Random, index: int) -> Case: ...

    def run(self, case: Case) -> Verdict: ...


class CaseTimeout(BaseException):
    """Raised by the per-case alarm; a BaseException so that `except Exception` lets it pass."""


def _alarm(signum: int, frame: object) -> None:
    raise CaseTimeout


def where(exc: BaseException) -> str:
    """`Type at file:line`, with the innermost idtool frame when the error came from a library."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    last = frames[-1]
    text = f"{type(exc).__name__} at {Path(last.filename).name}:{last.lineno}"
    ours = [
        f
        for f in frames
        if f"{os.sep}idtool{os.sep}" in f.filename and f"{os.sep}.venv{os.sep}" not in f.filename
    ]
    if ours and ours[-1] is not last:
        text += f" (via {Path(ours[-1].filename).name}:{ours[-1].lineno})"
    return text


def _save_input(folder: Path, index: int, case: Case) -> None:
    data = case.data if isinstance(case.data, bytes) else case.data.encode("utf-8", "surrogatepass")
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{index}.bin").write_bytes(data)


def _one(target: Target, index: int, failures: Path) -> tuple[Any, ...]:
    rng = random.Random(f"{target.name}:{index}")
    try:
        case = target.make(rng, index)
    except Exception as exc:  # a bug in the fuzzer itself: reported, never hidden
        return (index, 0.0, 0, "generator", "fail", f"generator crashed: {where(exc)}", "")
    failure = note = ""
    accepted = False
    start = time.perf_counter()
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
            verdict = target.run(case)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        accepted, failure, note = verdict.accepted, verdict.failure, verdict.note
    except CaseTimeout:
        failure = f"no answer after {TIME_LIMIT:.0f} s (interrupted)"
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # anything undocumented: MemoryError, RecursionError, ...
        failure = f"undocumented exception {where(exc)}"
    ms = (time.perf_counter() - start) * 1000
    if not failure and ms > TIME_LIMIT * 1000:
        failure = f"took {ms / 1000:.1f} s (limit {TIME_LIMIT:.0f} s)"
    if failure:
        _save_input(failures, index, case)
    status = "fail" if failure else ("accepted" if accepted else "refused")
    return (index, ms, case.size, case.kind, status, failure, note)


def _worker(target: Target, indices: list[int], conn: Connection, work: Path) -> None:
    cwd = work / "cwd"  # an empty folder: a code that looks like a file name finds nothing
    cwd.mkdir(exist_ok=True)
    os.chdir(cwd)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    signal.signal(signal.SIGALRM, _alarm)
    warnings.simplefilter("ignore")  # openpyxl and zipfile warn about the damage we made
    from idtool.i18n import set_language

    set_language("en")
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    for index in indices:
        conn.send(_one(target, index, work / "failures"))
    conn.send(None)
    conn.close()


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    indices: list[int]
    position: int = 0
    last: float = field(default_factory=time.monotonic)


@dataclass
class _Tally:
    name: str
    rounds: int = 0
    failures: list[tuple[int, str, str, int]] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    kinds: Counter[tuple[str, str]] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
    worst: tuple[float, int, int, str] = (0.0, -1, 0, "")
    total_ms: float = 0.0

    def add(self, message: tuple[Any, ...]) -> None:
        index, ms, size, kind, status, failure, note = message
        self.rounds += 1
        self.total_ms += ms
        self.statuses[status] += 1
        self.kinds[(kind, status)] += 1
        if note:
            self.notes[note] += 1
        if failure:
            self.failures.append((index, kind, failure, size))
        if ms > self.worst[0]:
            self.worst = (ms, index, size, kind)

    def result(self) -> Result:
        result = Result(self.name, rounds=self.rounds)
        ms, index, size, kind = self.worst
        accepted = self.statuses["accepted"]
        result.worst = f"slowest {ms:.0f} ms: case {index}, {size} B ({kind}); {accepted} accepted"
        # one detail per distinct problem first, so five lines show five different bugs
        seen: set[str] = set()
        firsts, rest = [], []
        for index, kind, failure, size in self.failures:
            signature = re.sub(r"\d+", "#", failure)
            line = f"case {index} [{kind}, {size} B]: {failure}"
            (rest if signature in seen else firsts).append(line)
            seen.add(signature)
        for line in firsts + rest:
            result.fail(line)
        return result


def _spawn(ctx: Any, target: Target, indices: list[int], work: Path) -> _Worker:
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_worker, args=(target, indices, child, work), daemon=True)
    process.start()
    child.close()
    return _Worker(process, parent, indices)


def run_target(target: Target, work: Path, scale: float, full: int = FULL) -> Result:
    total = rounds(full, scale)
    started = time.monotonic()
    target.setup(work)
    setup_s = time.monotonic() - started
    ctx = multiprocessing.get_context("fork")
    count = max(1, min(WORKERS, os.cpu_count() or 1, total // 20 or 1))
    live = [_spawn(ctx, target, list(range(w, total, count)), work) for w in range(count)]
    tally = _Tally(target.name)

    def replace(worker: _Worker, reason: str) -> None:
        index = worker.indices[worker.position]
        tally.add((index, (time.monotonic() - worker.last) * 1000, 0, "?", "fail", reason, ""))
        rest = worker.indices[worker.position + 1 :]
        live.remove(worker)
        worker.conn.close()
        if rest:
            live.append(_spawn(ctx, target, rest, work))

    while live:
        ready = wait([w.conn for w in live], timeout=0.5)
        for worker in [w for w in live if w.conn in ready]:
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):  # the worker died under a case: a crash
                worker.process.join(5)
                code = worker.process.exitcode
                replace(worker, f"the process died (exit status {code}) under this case")
                continue
            if message is None:
                worker.process.join(10)
                live.remove(worker)
                worker.conn.close()
                continue
            tally.add(message)
            worker.position += 1
            worker.last = time.monotonic()
        for worker in list(live):
            if time.monotonic() - worker.last > KILL_AFTER and worker.process.pid:
                os.kill(worker.process.pid, signal.SIGKILL)  # our own child, by its id
                worker.process.join(5)
                replace(worker, f"hung in non-interruptible code: killed after {KILL_AFTER:.0f} s")
    elapsed = time.monotonic() - started
    _summary(tally, elapsed, setup_s)
    return tally.result()


def _summary(tally: _Tally, elapsed: float, setup_s: float) -> None:
    """A few lines on stderr: what the generators made and how the parser answered."""
    kinds: dict[str, Counter[str]] = {}
    for (kind, status), n in tally.kinds.items():  # by family: "bytes:flip" counts as "bytes"
        kinds.setdefault(kind.split(":")[0], Counter())[status] += n
    parts = [f"{k} {c['accepted']}/{c['refused']}/{c['fail']}" for k, c in sorted(kinds.items())]
    mean = tally.total_ms / max(1, tally.rounds)
    print(
        f"    {tally.name}: {tally.rounds} cases in {elapsed:.1f} s (setup {setup_s:.1f} s,"
        f" mean {mean:.1f} ms/case); accepted/refused/failed by generator:",
        file=sys.stderr,
    )
    line = "      "
    for part in parts:
        if len(line) + len(part) > 100:
            print(line.rstrip(), file=sys.stderr)
            line = "      "
        line += part + "; "
    print(line.rstrip("; "), file=sys.stderr)
    for note, n in tally.notes.most_common(6):
        print(f"      note: {note}: {n}", file=sys.stderr)
    problems = Counter(
        re.sub(r"\d+(\.\d+)?", "#", failure) for _i, _k, failure, _s in tally.failures
    )
    for problem, n in problems.most_common(12):
        print(f"      failure: {problem}: {n}", file=sys.stderr)


def _check(name: str, make: Callable[[], Target]) -> Check:
    def run(work: Path, scale: float) -> Result:
        return run_target(make(), work, scale)

    return Check(name, run)


def checks() -> list[Check]:
    from reliability import fuzz_bundle, fuzz_cert, fuzz_expr, fuzz_forms, fuzz_xlsx

    return [
        _check("fuzz bundle container", fuzz_bundle.ContainerTarget),
        _check("fuzz bundle manifest", fuzz_bundle.ManifestTarget),
        _check("fuzz questionnaire yaml", fuzz_forms.YamlTarget),
        _check("fuzz xlsform", fuzz_xlsx.XlsxTarget),
        _check("fuzz expressions", fuzz_expr.ExpressionTarget),
        _check("fuzz certificate code", fuzz_cert.CertificateTarget),
    ]
