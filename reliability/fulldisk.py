"""Full disk during export: a case bundle, an update bundle and the PDFs (certificate, copy,
referral packet) are written into a folder that fills up mid-write.

Where the suite runs as root and `mount` works, the folder is on a real small filesystem: a
loop-mounted vfat image (a USB stick) when the kernel has vfat, a loop-mounted ext2 image,
and a tmpfs; before each round a filler file leaves exactly the free space wanted (nothing,
one block, a quarter, half, three quarters of the file, or all but its last block). Besides,
and instead where nothing can be mounted, a child process writes under RLIMIT_FSIZE with
SIGXFSZ ignored (EFBIG, as FAT32's 4 GiB limit gives), which can stop the write at an exact
byte: the first, inside the header, the middle, the last.

Each round must end in a clean StorageError (an IdtoolError: no traceback) whose message says
the disk is full (or the file too large), with nothing left in the folder, the database
content unchanged, and the next export to a roomy folder carrying the expected sequence number
and every record, and importing cleanly on the other side. A third check fills the disk that
holds the database itself while answers are saved (mounted filesystems only). Every mount is
undone in `finally`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idtool import kdf
from idtool.database import Connection
from idtool.errors import IdtoolError
from idtool.i18n import set_language
from idtool.session import Session
from idtool.vault import Vault
from reliability.common import ROOT, Check, Result, rounds
from reliability.fulldisk_worlds import (
    ORG,
    BundleWorld,
    PdfWorld,
    make_bundle_world,
    make_pdf_world,
)
from reliability.killing import OFFICER, OFFICER_PASS
from reliability.smalldisk import SmallDisk, mount_methods

WORKER = Path(__file__).resolve().parent / "workers" / "fsize.py"
BUNDLE_OPS = ("case", "update")
PDF_OPS = ("certificate", "reprint", "packet")
TARGETS = ("nothing free", "one block", "25%", "50%", "75%", "all but the last block")
LIMITS = ("byte 0", "byte 100 (header)", "middle byte", "last 512 bytes")
# The same export is up to ~150 bytes longer or shorter from one run to the next (compressed
# timestamps and ids): "the end" is taken this far before the shortest probe.
END_MARGIN = 512
STORAGE_EXIT = 8  # StorageError.exit_code


def warm_up(op: str, world: Any, session: Session) -> None:
    """Load what the operation loads lazily, so that nothing but the file is written later."""
    import importlib

    names = ["idtool.bundle.writer", "idtool.sync.export", "idtool.cli.certificates"]
    if op in PDF_OPS:
        names += ["idtool.certificate.pdf", "idtool.packet.pdf", "idtool.packet.produce"]
    for name in names:
        importlib.import_module(name)


def attempt(op: str, world: Any, session: Session, out: Path) -> dict[str, Any]:
    """Run `op` into folder `out` once; what it returned or raised, as plain data."""
    try:
        done = _perform(op, world, session, out)
    except Exception as exc:
        return attempt_outcome(exc)
    return {"raised": None, "done": done}


def _perform(op: str, world: Any, session: Session, out: Path) -> Any:
    """Do `op` into `out`; returns what marks its effect (sequence, number, copy)."""
    from idtool.atomic import document_saver as _saver  # the command line's and GUI's save
    from idtool.bundle import read_unverified_header
    from idtool.sync import export, updates

    if op == "case":
        return read_unverified_header(export.export_cases(session, out)).sequence
    if op == "update":
        return read_unverified_header(updates.export_update_all(session, out)).sequence
    from idtool.certificate import issuance

    if op == "certificate":
        printed = issuance.issue(session, world.issue_case, "ru", save=_saver(out / "cert.pdf"))
        return printed.certificate.number
    if op == "reprint":
        return issuance.reprint(session, world.copy_case, save=_saver(out / "copy.pdf")).copy
    from idtool.packet import make_and_render

    make_and_render(
        session,
        world.copy_case,
        ORG,
        services=("shelter",),
        lang="ru",
        save=_saver(out / "packet.pdf"),
    )
    return session.conn.execute(
        "SELECT count(*) FROM referrals WHERE case_uuid = ?", (world.copy_case,)
    ).fetchone()[0]


def content_digest(conn: Connection) -> str:
    """Every row of every table, in a stable order."""
    digest = hashlib.sha256()
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    for name in names:
        rows = sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{name}"'))
        digest.update(name.encode())
        for row in rows:
            digest.update(row.encode())
    return digest.hexdigest()


# -- one round -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    method: str  # vfat | ext2 | tmpfs | rlimit
    op: str
    target: str  # one of TARGETS (mounted) or LIMITS (rlimit)
    cli: bool = False  # through `python -m idtool export` instead of the API


def _says_full(message: str, code: int) -> bool:
    text = message.lower()
    if code == errno.EFBIG:
        return os.strerror(errno.EFBIG).lower() in text or "too large" in text
    return os.strerror(errno.ENOSPC).lower() in text or "full" in text or "space" in text


def judge(outcome: dict[str, Any], code: int) -> list[str]:
    """Problems with what a write into a full folder raised."""
    if outcome["raised"] is None:
        return ["the write succeeded into a folder without room for it"]
    if not outcome["idtool"]:
        return [
            f"{outcome['raised']} at {outcome['where']} instead of a clean error "
            f"(a traceback for the officer): {outcome['message'][:120]}"
        ]
    problems = []
    if outcome["raised"] != "StorageError":
        problems.append(f"{outcome['raised']} rather than StorageError: {outcome['message']}")
    if not _says_full(outcome["message"], code):
        problems.append(f"the message does not say the disk is full: {outcome['message']!r}")
    if "\n" in outcome["message"]:
        problems.append("the message has more than one line")
    return problems


def _free_for(target: str, size: int, block: int) -> int:
    if target == "nothing free":
        return 0
    if target == "one block":
        return block
    if target.endswith("%"):
        return size * int(target[:-1]) // 100
    return max(0, size - END_MARGIN)  # the free space is rounded down to whole blocks


def _limit_for(target: str, size: int) -> int:
    return {"byte 0": 0, "byte 100 (header)": 100, "middle byte": size // 2}.get(
        target, size - END_MARGIN
    )


def _cli(world: BundleWorld, op: str, out: Path, workdir: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDTOOL_")}
    env.update(
        PYTHONPATH=str(ROOT),
        IDTOOL_KDF="fast",
        IDTOOL_CONFIG=str(workdir / "config"),
        IDTOOL_PASSPHRASE=world.passphrase_for(op),
        PYTHONIOENCODING="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "idtool", *world.cli(op), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    outcome: dict[str, Any] = {
        "raised": None if proc.returncode == 0 else f"exit {proc.returncode}",
        "idtool": proc.returncode == STORAGE_EXIT,
        "message": lines[-1] if lines else "",
        "where": "the CLI",
    }
    if proc.returncode not in (0, STORAGE_EXIT) or "Traceback" in proc.stderr or len(lines) != 1:
        outcome["idtool"] = False
        outcome["message"] = " | ".join(lines)[-300:]
    elif proc.returncode == STORAGE_EXIT:
        outcome["raised"] = "StorageError"
    return outcome


def _rlimit(world_root: Path, op: str, out: Path, limit: int, workdir: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDTOOL_")}
    env.update(
        PYTHONPATH=str(ROOT),
        IDTOOL_KDF="fast",
        IDTOOL_CONFIG=str(workdir / "config"),
        PYTHONIOENCODING="utf-8",
    )
    args = {"world": str(world_root), "op": op, "out": str(out), "limit": limit}
    proc = subprocess.run(
        [sys.executable, str(WORKER), json.dumps(args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = " | ".join(proc.stderr.strip().splitlines()[-2:])
        return {
            "raised": f"child exit {proc.returncode}",
            "idtool": False,
            "message": tail[-300:],
            "where": "fsize.py",
            "unchanged": True,
        }
    return dict(json.loads(lines[-1]))


@dataclass
class Probe:
    size: int  # bytes of the file op writes (the shortest of a few tries)
    done: Any  # what the op returns on a roomy disk (sequence, number, copy)
    imported: int = 0  # records a case bundle brings to the supervisor


def run_plan(
    workdir: Path,
    result: Result,
    plans: list[Plan],
    world_root: Path,
    pristine: Path,
    load: Any,
    probes: dict[str, Probe],
) -> Counter[str]:
    """Run each planned round; returns how many rounds each method ran."""
    ran: Counter[str] = Counter()
    (workdir / "disks").mkdir(exist_ok=True)
    for number, plan in enumerate(plans):
        try:
            _round(workdir, result, number, plan, world_root, pristine, load, probes, ran)
        except Exception as exc:  # the round itself broke: a failure, with its place
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            result.fail(
                f"{plan.method}/{plan.op}/{plan.target}: round crashed: "
                f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}:"
                f" {exc}"
            )
    return ran


def _round(
    workdir: Path,
    result: Result,
    number: int,
    plan: Plan,
    world_root: Path,
    pristine: Path,
    load: Any,
    probes: dict[str, Probe],
    ran: Counter[str],
) -> None:
    disks = workdir / "disks"
    ran[plan.method] += 1
    result.rounds += 1
    shutil.rmtree(world_root, ignore_errors=True)
    shutil.copytree(pristine, world_root)
    world = load(world_root)
    probe = probes[plan.op]
    code = errno.EFBIG if plan.method == "rlimit" else errno.ENOSPC
    label = f"{plan.method}/{plan.op}/{plan.target}{' (CLI)' if plan.cli else ''}"
    problems: list[str] = []
    if plan.method == "rlimit":
        out = workdir / f"out-{number}"
        out.mkdir()
        outcome = _rlimit(world_root, plan.op, out, _limit_for(plan.target, probe.size), workdir)
        left = sorted(os.listdir(out))
        free = -1
        if left and outcome["raised"] is None and plan.op in BUNDLE_OPS:
            problems.append(_diagnose(world, plan.op, out / left[0], probe))
    else:
        with SmallDisk(disks, plan.method, probe.size + 384 * 1024) as disk:
            out = disk.mount / "usb"
            out.mkdir()
            block = os.statvfs(disk.mount).f_frsize
            free = disk.leave_free(_free_for(plan.target, probe.size, block), disk.mount)
            if plan.cli:
                outcome = _cli(world, plan.op, out, workdir)
                outcome["unchanged"] = True  # checked below by the next export
            else:
                with world.session_for(plan.op) as session:
                    warm_up(plan.op, world, session)
                    before = content_digest(session.conn)
                    outcome = attempt(plan.op, world, session, out)
                    outcome["unchanged"] = content_digest(session.conn) == before
            left = sorted(os.listdir(out))
            if left and outcome["raised"] is None and plan.op in BUNDLE_OPS:
                problems.append(_diagnose(world, plan.op, out / left[0], probe))
    problems += judge(outcome, code)
    if left:
        problems.append(f"left in the folder: {left}")
    if not outcome.get("unchanged", False):
        problems.append("the database changed although nothing was written")
    problems += _roomy(workdir / f"roomy-{number}", world, plan.op, probe)
    if problems:
        result.fail(f"{label} (free {free} of {probe.size} bytes): " + "; ".join(problems))


def _diagnose(world: Any, op: str, path: Path, probe: Probe) -> str:
    """A bundle that was "written" into a folder without room for it: is it whole?"""
    from idtool.sync.importer import import_bundle

    size = path.stat().st_size
    try:
        with world.receiver_for(op) as receiver:
            import_bundle(receiver, path)
        verdict = "imports"
    except Exception as exc:
        verdict = f"does not import ({type(exc).__name__}: {str(exc)[:100]})"
    return (
        f"a bundle of {size} bytes (a whole one has about {probe.size}) was left under "
        f"its final name and {verdict}"
    )


def _roomy(out: Path, world: Any, op: str, probe: Probe) -> list[str]:
    """After the failure: the same op into a roomy folder does what it did on the probe."""
    from idtool.sync.importer import import_bundle

    out.mkdir()
    with world.session_for(op) as session:
        outcome = attempt(op, world, session, out)
    if outcome["raised"] is not None:
        return [
            f"the next {op} to a roomy folder failed: {outcome['raised']}: {outcome['message']}"
        ]
    problems = []
    if outcome["done"] != probe.done:
        problems.append(
            f"the next {op} gave {outcome['done']!r}, expected {probe.done!r} "
            "(sequence or number advanced by the failed write)"
        )
    if op in BUNDLE_OPS:
        (path,) = out.iterdir()
        try:
            with world.receiver_for(op) as receiver:
                report = import_bundle(receiver, path)
        except IdtoolError as exc:
            return [*problems, f"the next {op} bundle is refused: {exc}"]
        if report.already_imported or report.quarantined:
            problems.append(f"the next {op} bundle did not import cleanly")
        if op == "case" and report.imported != probe.imported:
            problems.append(
                f"the next case bundle brought {report.imported} records, expected {probe.imported}"
            )
    shutil.rmtree(out)
    return problems


def _probe(
    workdir: Path, world_root: Path, pristine: Path, load: Any, op: str, tries: int = 3
) -> Probe:
    """What `op` writes on a roomy disk, on fresh copies of the world."""
    from idtool.sync.importer import import_bundle

    probe: Probe | None = None
    for n in range(tries):
        shutil.rmtree(world_root, ignore_errors=True)
        shutil.copytree(pristine, world_root)
        world = load(world_root)
        out = workdir / f"probe-{op}-{n}"
        out.mkdir()
        with world.session_for(op) as session:
            outcome = attempt(op, world, session, out)
        if outcome["raised"] is not None:
            raise RuntimeError(f"{op} fails on a roomy disk: {outcome['message']}")
        (path,) = out.iterdir()
        size = path.stat().st_size
        if probe is None:
            probe = Probe(size, outcome["done"])
            if op == "case":
                with world.receiver_for(op) as receiver:
                    probe.imported = import_bundle(receiver, path).imported
        probe.size = min(probe.size, size)
        shutil.rmtree(out)
    assert probe is not None
    return probe


def _plans(
    methods: list[str],
    ops: tuple[str, ...],
    targets: tuple[str, ...],
    limits: tuple[str, ...],
    scale: float,
    cli_ops: tuple[str, ...] = (),
) -> list[Plan]:
    plans: list[Plan] = []
    for method in methods:
        for op in ops:
            for i, target in enumerate(targets):
                plans.append(Plan(method, op, target, cli=op in cli_ops and i % 3 == 1))
    plans += [Plan("rlimit", op, limit) for op in ops for limit in limits]
    wanted = rounds(len(plans), scale)
    if wanted >= len(plans):
        return plans
    # A quick run: spread over the plan, so both a mounted and an rlimit round run.
    return [plans[round(i * (len(plans) - 1) / (wanted - 1))] for i in range(wanted)]


def _summary(ran: Counter[str], note: str, probes: dict[str, Probe]) -> str:
    methods = ", ".join(f"{k} {v}" for k, v in ran.items())
    sizes = ", ".join(f"{op} {p.size // 1024} KiB" for op, p in probes.items())
    return f"rounds by method: {methods}" + (f" ({note})" if note else "") + f"; files: {sizes}"


def check_bundles(workdir: Path, scale: float) -> Result:
    set_language("en")
    result = Result("full disk: bundle export")
    pristine = workdir / "pristine"
    make_bundle_world(pristine)
    live = workdir / "live"
    probes = {op: _probe(workdir, live, pristine, BundleWorld.load, op) for op in BUNDLE_OPS}
    methods, note = mount_methods(workdir / "disks")
    plans = _plans(methods, BUNDLE_OPS, TARGETS, LIMITS, scale, cli_ops=BUNDLE_OPS)
    ran = run_plan(workdir, result, plans, live, pristine, BundleWorld.load, probes)
    result.worst = _summary(ran, note, probes)
    return result


def check_pdfs(workdir: Path, scale: float) -> Result:
    set_language("en")
    result = Result("full disk: pdf save")
    pristine = workdir / "pristine"
    pristine.mkdir()
    make_pdf_world(pristine)
    live = workdir / "live"
    probes = {op: _probe(workdir, live, pristine, PdfWorld.load, op) for op in PDF_OPS}
    methods, note = mount_methods(workdir / "disks")
    plans = _plans(
        methods,
        PDF_OPS,
        ("nothing free", "50%", "all but the last block"),
        ("last 512 bytes",),
        scale,
    )
    ran = run_plan(workdir, result, plans, live, pristine, PdfWorld.load, probes)
    result.worst = _summary(ran, note, probes)
    return result


def check_database(workdir: Path, scale: float) -> Result:
    """The data folder's own disk fills up while answers are being saved.

    Each round copies a vault onto a small filesystem, unlocks it, leaves a little free
    space, and saves answers until one fails. That failure must be a clean StorageError; once
    space is freed the vault reopens clean (integrity, cipher integrity, audit chain), every
    acknowledged answer is there, the failed one is not, and saving works again."""
    from idtool import cases
    from reliability.answering import text_slots
    from reliability.killing import check_store

    set_language("en")
    result = Result("full disk: database write")
    methods, note = mount_methods(workdir / "disks")
    if not methods:
        result.skipped = f"needs a mounted filesystem to hold the database ({note})"
        return result
    pristine = workdir / "pristine"
    vault = Vault(pristine / "data", kdf_params=kdf.FAST_PARAMS)
    with vault.create(OFFICER, "police", OFFICER_PASS)[0] as session:
        case = cases.open_case(session, full_name="Мисалова Айгүл", region="osh")
        slots = text_slots(session, case.uuid, 400)  # more answers than any round's disk holds
    plans = [
        (method, free, big)
        for method in methods
        for free in (0, 4096, 16384, 65536)
        for big in (False, True)
    ]
    wanted = rounds(len(plans), scale)
    if wanted < len(plans):
        plans = [plans[round(i * (len(plans) - 1) / (wanted - 1))] for i in range(wanted)]
    ran: Counter[str] = Counter()
    for method, free, big in plans:
        ran[method] += 1
        result.rounds += 1
        label = f"{method}/free {free}/{'200 KB' if big else 'short'} answers"
        try:
            problems = _fill_database(workdir, pristine, method, free, big, slots, check_store)
        except Exception as exc:
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            problems = [
                f"round crashed: {type(exc).__name__} at "
                f"{Path(frame.filename).name}:{frame.lineno}: {exc}"
            ]
        if problems:
            result.fail(f"{label}: " + "; ".join(problems))
    methods_ran = ", ".join(f"{k} {v}" for k, v in ran.items())
    result.worst = f"rounds by method: {methods_ran}" + (f" ({note})" if note else "")
    return result


def _fill_database(
    workdir: Path,
    pristine: Path,
    method: str,
    free: int,
    big: bool,
    slots: list[tuple[str, str]],
    check_store: Any,
) -> list[str]:
    from idtool import interviews

    problems: list[str] = []
    with SmallDisk(workdir / "disks", method, 2 * 1024 * 1024) as disk:
        shutil.copytree(pristine / "data", disk.mount / "data")
        vault = Vault(disk.mount / "data", kdf_params=kdf.FAST_PARAMS)
        saved: dict[tuple[str, str], str] = {}
        failed: tuple[str, str] | None = None
        uuids = list(dict.fromkeys(interview_uuid for interview_uuid, _q in slots))
        session = vault.unlock(OFFICER, OFFICER_PASS)
        try:
            open_ones = {u: interviews.get(session, u) for u in uuids}
            interviews.form_of(session, open_ones[uuids[0]])
            disk.leave_free(free, disk.mount)
            for n, (interview_uuid, question) in enumerate(slots):
                value = f"жаңы жооп №{n} " + ("өмүр үмүт " * 20000 if big else "")
                try:
                    # What was stored (the core trims spaces at the ends of a text answer).
                    kept = interviews.save_answer(
                        session, open_ones[interview_uuid], question, value
                    )
                except Exception as exc:
                    failed = (interview_uuid, question)
                    problems += judge(attempt_outcome(exc), errno.ENOSPC)
                    break
                saved[(interview_uuid, question)] = str(kept)
            else:
                problems.append(f"{len(slots)} answers fitted: the disk never filled")
        finally:
            with contextlib.suppress(Exception):
                session.close()
        (disk.mount / ".filler").unlink()
        with vault.unlock(OFFICER, OFFICER_PASS) as session:
            problems += check_store(session)
            stored = {
                (u, question): value
                for u in uuids
                for question, value in interviews.answers(session, u).items()
            }
            lost = [key for key, v in saved.items() if stored.get(key) != v]
            if lost:
                problems.append(f"{len(lost)} acknowledged answer(s) lost, e.g. {lost[0][1]}")
            if failed is not None and failed in stored:
                problems.append(f"answer {failed[1]} was reported as not saved, yet it is there")
            try:
                first, question = slots[0]
                interviews.save_answer(session, interviews.get(session, first), question, "жаңы")
            except Exception as exc:
                problems.append(f"saving after freeing space fails: {type(exc).__name__}")
    return problems


def attempt_outcome(exc: BaseException) -> dict[str, Any]:
    where = ""
    if exc.__traceback__ is not None:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
    return {
        "raised": type(exc).__name__,
        "idtool": isinstance(exc, IdtoolError),
        "message": str(exc),
        "where": where,
    }


def checks() -> list[Check]:
    return [
        Check("full disk: bundle export", check_bundles),
        Check("full disk: pdf save", check_pdfs),
        Check("full disk: database write", check_database),
    ]
