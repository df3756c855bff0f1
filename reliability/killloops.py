"""Kill loops: a child process is killed with SIGKILL at a random moment while it autosaves
answers, imports bundles or re-keys the database; the parent then reopens the vault and checks
that nothing acknowledged was lost and nothing was half done.

Every child prints `begin ...` before and `ack ...` after each operation (see
reliability/workers/). An acknowledged operation must be in the database after the kill; the
one operation in flight may or may not be, but never in part. Kills are timed by a seeded RNG,
mostly after the child reports `ready` (unlocked), now and then from its start (start-up and
unlock). Before reopening, the parent reads the WAL's frame headers: frames after the last
commit frame mean the kill landed inside a transaction that had begun writing.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idtool import cases, demo, interviews, kdf
from idtool.errors import AuthenticationFailed, IdtoolError
from idtool.session import Session
from idtool.vault import Vault
from reliability.answering import question_pool, stored_answers, text_slots
from reliability.common import Check, Result, rounds
from reliability.killing import (
    FULL_ROUNDS,
    OFFICER,
    OFFICER_PASS,
    SUPERVISOR,
    SUPERVISOR_PASS,
    Tally,
    check_store,
    child_env,
    kill_delay,
    run_and_kill,
    wal_tail,
)

# -- 1. answer autosave ----------------------------------------------------------------------

MISSING = object()
PERSON_COLUMNS = {
    "full_name": "full_name",
    "other_names": "other_names",
    "document_number": "document_number",
}


def check_answers(workdir: Path, scale: float) -> Result:
    from idtool.questionnaire import binds
    from idtool.questionnaire.registry import load_shipped

    result = Result("kill loop: answer autosave")
    rng = random.Random(2026_08_01)
    vault = Vault(workdir / "data", kdf_params=kdf.FAST_PARAMS)
    form = load_shipped("nrm-identification")
    session, _ = vault.create(OFFICER, "police", OFFICER_PASS)
    with session:
        case = cases.open_case(session, full_name="Мисалова Айгүл", region="osh", sex="female")
        interview = interviews.start(session, case.uuid, form, "ky")
        fresh = interviews.start(session, case.uuid, form, "ky")  # the first round's
        # What a start writes itself (the interview date, the person's known details) is held
        # from the start.
        model: dict[tuple[str, str], object] = dict(stored_answers(session, case.uuid))
    # Questions bound to the person record: a write to one updates the person, and every save
    # in an interview then brings that interview's bound answers in step with the person.
    bound = {name: target for target, name in form.bound().items() if target in binds.PERSON}
    derived = {name for target, name in form.bound().items() if target == binds.AGE}
    on_record: dict[str, object] = {
        q: model[(interview.uuid, q)] for q in bound if (interview.uuid, q) in model
    }

    def written(key: tuple[str, str], value: object) -> None:
        model[key] = value
        if key[1] in bound:
            on_record[key[1]] = value
        for question, held in on_record.items():
            if held not in (None, "", []):
                model[(key[0], question)] = held

    pool = question_pool(form)
    env = child_env(workdir)
    tally = Tally()
    saves = 0
    for round_no in range(rounds(FULL_ROUNDS, scale)):
        delay, early = kill_delay(rng, 0.15)
        killed = run_and_kill(
            "answers.py",
            {
                "folder": str(vault.folder),
                "officer": OFFICER,
                "passphrase": OFFICER_PASS,
                "interview": interview.uuid,
                "fresh": fresh.uuid,
                "round": round_no,
                "seed": rng.getrandbits(32),
                **pool,
            },
            env,
            delay,
            early,
        )
        result.rounds += 1
        problems: list[str] = [killed.error] if killed.error else []
        begun: dict[int, tuple[tuple[str, str], object]] = {}
        acked: list[int] = []
        for line in killed.lines:
            word, _, rest = line.partition(" ")
            if word == "begin":
                n, interview_uuid, question, value = json.loads(rest)
                begun[n] = ((interview_uuid, question), value)
            elif word == "ack":
                acked.append(int(rest))
        if acked != list(range(1, len(acked) + 1)):
            problems.append("acknowledgements out of order")
        for n in acked:
            key, value = begun[n]
            written(key, value)
        saves += len(acked)
        in_flight = begun.get(len(acked) + 1)
        if wal_tail(vault.db_path):
            tally.mid_transaction += 1
        try:
            with tally.unlock(vault, OFFICER, OFFICER_PASS, round_no) as session:
                problems += check_store(session)
                stored = stored_answers(session, case.uuid)
                person = session.conn.execute(
                    "SELECT full_name, other_names, document_number FROM persons WHERE uuid = ?",
                    (case.person.uuid,),
                ).fetchone()
                fresh = interviews.start(session, case.uuid, form, "ky")  # the next round's
                started = {
                    key: value
                    for key, value in stored_answers(session, case.uuid).items()
                    if key[0] == fresh.uuid
                }
        except IdtoolError as exc:
            problems.append(f"reopening failed: {type(exc).__name__}: {exc}")
            result.fail(f"round {round_no}: " + "; ".join(problems))
            continue
        committed = False
        if in_flight is not None:
            key, value = in_flight
            committed = stored.get(key, MISSING) == value
            if committed:
                written(key, value)
        if not killed.ready:
            tally.phases["start-up"] += 1
        elif in_flight is None:
            tally.phases["between saves"] += 1
        elif committed:
            tally.phases["in save, committed before ack"] += 1
        else:
            tally.phases["in save, not committed"] += 1
        # The worked-out age (`person.age`) is the core's, not a write: left out of the check.
        lost = [q for q in model if q[1] not in derived and stored.get(q, MISSING) != model[q]]
        extra = [q for q in stored if q not in model and q[1] not in derived]
        if lost:
            problems.append(
                f"{len(lost)} acknowledged answer(s) lost or stale, e.g. question {lost[0][1]}"
            )
        if extra:
            problems.append(f"answers nobody wrote: {[q for _iv, q in extra[:3]]}")
        for i, (question, column) in enumerate(PERSON_COLUMNS.items()):
            key = (interview.uuid, question)
            if key in stored and person[i] != str(stored[key]):
                problems.append(f"person.{column} out of step with answer {question}")
        model.update(started)  # what the next round's interview was started with
        if problems:
            result.fail(f"round {round_no}: " + "; ".join(problems))
    result.worst = f"{saves} acknowledged saves; " + tally.summary()
    return result


# -- 2. bundle import ------------------------------------------------------------------------


@dataclass
class BundleInfo:
    path: Path
    bundle_id: str
    keys: set[tuple[str, str]]  # (table, record key) of the records it carries
    new_keys: set[tuple[str, str]]  # those no earlier bundle carries
    audit_seq: int  # the sender's audit head it ends at


@dataclass
class World:
    sup: Path
    dev: Path
    sup_device: str
    dev_device: str


def make_world(root: Path) -> World:
    """A supervisor and one device enrolled with each other (as tests/integration does)."""
    from idtool.sync import enrol
    from idtool.sync.importer import import_bundle

    sup_vault = Vault(root / "sup", kdf_params=kdf.FAST_PARAMS)
    dev_vault = Vault(root / "dev", kdf_params=kdf.FAST_PARAMS)
    sup, _ = sup_vault.create(SUPERVISOR, "supervisor", SUPERVISOR_PASS)
    dev, _ = dev_vault.create(OFFICER, "police", OFFICER_PASS)
    with sup, dev:
        request = enrol.accept_enrolment(dev, enrol.create_enrolment(sup), label="post 1")
        update = enrol.approve(sup, request, root / "enrol-update.idtb")
        report = import_bundle(dev, update)
        if report.quarantined:
            raise RuntimeError("enrolment update quarantined records")
        return World(sup_vault.folder, dev_vault.folder, sup.device_id, dev.device_id)


def make_case_bundles(dev: Session, out: Path, count: int, cases_each: int) -> list[BundleInfo]:
    """`count` case bundles, each after `cases_each` more fictional demo cases."""
    from idtool.bundle import Kind, read_unverified_header
    from idtool.sync import export

    out.mkdir(parents=True, exist_ok=True)
    infos: list[BundleInfo] = []
    seen: set[tuple[str, str]] = set()
    schema = _schema(dev)
    for k in range(count):
        demo.generate(dev, cases_each, seed=9000 + k)
        since = export.last_out(dev.conn, dev.device_id, Kind.CASE)[2]
        records, _ = export.changed_records(dev.conn, since)
        path = export.export_cases(dev, out)
        header = read_unverified_header(path)
        keys = {(r["table"], schema[r["table"]].key_of(r["row"])) for r in records}
        infos.append(BundleInfo(path, header.bundle_id, keys, keys - seen, header.audit_head.seq))
        seen |= keys
    return infos


def _schema(session: Session) -> dict[str, Any]:
    from idtool.sync import tables

    return tables.schema(session.conn)


def _present_keys(session: Session, tables_: set[str]) -> set[tuple[str, str]]:
    schema = _schema(session)
    present: set[tuple[str, str]] = set()
    for name in tables_:
        expr = " || '/' || ".join(schema[name].key)
        present |= {(name, str(r[0])) for r in session.conn.execute(f"SELECT {expr} FROM {name}")}
    return present


def _import_state(
    session: Session, bundles: list[BundleInfo], sender: str
) -> tuple[int, list[str]]:
    """How many bundles (a prefix) are imported, and what is wrong with that state."""
    problems: list[str] = []
    ids = {
        r[0]
        for r in session.conn.execute(
            "SELECT bundle_id FROM sync_bundles WHERE direction = 'in' AND kind = 'case'"
        )
    }
    done = 0
    while done < len(bundles) and bundles[done].bundle_id in ids:
        done += 1
    if ids != {b.bundle_id for b in bundles[:done]}:
        problems.append(f"imported bundles are not a prefix: {done} in order, {len(ids)} in all")
    present = _present_keys(session, {t for b in bundles for t, _ in b.keys})
    for k, bundle in enumerate(bundles):
        if k < done and not bundle.keys <= present:
            problems.append(
                f"bundle {k} recorded as imported but "
                f"{len(bundle.keys - present)} of its records are missing"
            )
        if k >= done and bundle.new_keys & present:
            problems.append(
                f"bundle {k} not recorded as imported but "
                f"{len(bundle.new_keys & present)} of its records are there"
            )
    head = session.conn.execute(
        "SELECT coalesce(max(seq), 0), count(*) FROM sync_audit WHERE sender = ?", (sender,)
    ).fetchone()
    want = bundles[done - 1].audit_seq if done else 0
    if tuple(head) != (want, want):
        problems.append(
            f"sender audit entries end at {head[0]} ({head[1]} stored), expected "
            f"{want} for {done} bundle(s)"
        )
    return done, problems


def check_imports(workdir: Path, scale: float) -> Result:
    from idtool.sync.importer import import_bundle

    result = Result("kill loop: bundle import")
    rng = random.Random(2026_08_02)
    world = make_world(workdir)
    with Vault(world.dev, kdf_params=kdf.FAST_PARAMS).unlock(OFFICER, OFFICER_PASS) as dev:
        big = scale >= 0.5  # demo cases take ~0.15 s each to make: fewer in a quick run
        bundles = make_case_bundles(dev, workdir / "bundles", 12 if big else 4, 6 if big else 2)
    pristine = workdir / "sup-pristine"
    shutil.copytree(world.sup, pristine)
    vault = Vault(world.sup, kdf_params=kdf.FAST_PARAMS)

    def restore() -> None:
        shutil.rmtree(world.sup)
        shutil.copytree(pristine, world.sup)

    # Twice without kills: every bundle imports cleanly; the second pass (modules loaded, as
    # in the child once it is ready) says how long one import takes.
    for _ in range(2):
        restore()
        with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
            start = time.perf_counter()
            for bundle in bundles:
                report = import_bundle(session, bundle.path)
                if report.quarantined or report.conflicts or report.already_imported:
                    raise RuntimeError("the prepared bundles do not import cleanly")
            per_bundle = (time.perf_counter() - start) / len(bundles)

    restore()
    env = child_env(workdir)
    tally = Tally()
    took: list[float] = []  # seconds per import seen in the children
    done = 0
    series = 1
    acknowledged = 0
    args = {
        "folder": str(world.sup),
        "officer": SUPERVISOR,
        "passphrase": SUPERVISOR_PASS,
        "bundles": [str(b.path) for b in bundles],
    }
    for round_no in range(rounds(FULL_ROUNDS, scale)):
        if done == len(bundles):  # a series is over: check the no-op, start again
            with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
                again = import_bundle(session, bundles[rng.randrange(len(bundles))].path)
                if not again.already_imported:
                    result.fail(f"round {round_no}: re-import after a series was not a no-op")
            restore()
            done, series = 0, series + 1
        first = max(0, done - 1)  # the last imported one again: must be a no-op
        delay, early = kill_delay(rng, per_bundle * (len(bundles) - first) + 0.01)
        killed = run_and_kill("imports.py", {**args, "start": first}, env, delay, early)
        result.rounds += 1
        problems: list[str] = [killed.error] if killed.error else []
        begun, acks, began_at = -1, [], 0.0
        for line, at in zip(killed.lines, killed.times, strict=True):
            word, *rest = line.split()
            if word == "begin":
                begun, began_at = int(rest[0]), at
            elif word == "ack":
                acks.append([int(x) for x in rest])
                if not acks[-1][1]:  # a real import: how long it took in the child
                    took.append(at - began_at)
        if len(took) >= 10:
            per_bundle = statistics.median(took[-100:])
        if wal_tail(vault.db_path):
            tally.mid_transaction += 1
        try:
            with tally.unlock(vault, SUPERVISOR, SUPERVISOR_PASS, round_no) as session:
                problems += check_store(session)
                now_done, state = _import_state(session, bundles, world.dev_device)
        except IdtoolError as exc:
            problems.append(f"reopening failed: {type(exc).__name__}: {exc}")
            result.fail(f"round {round_no}: " + "; ".join(problems))
            continue
        problems += state
        for index, already, _imported, quarantined, conflicts in acks:
            if index >= now_done:
                problems.append(f"acknowledged bundle {index} is not recorded as imported")
            if bool(already) != (index < done):
                problems.append(
                    f"bundle {index}: already_imported={bool(already)} on "
                    f"{'re-' if index < done else 'first '}import"
                )
            if quarantined or conflicts:
                problems.append(f"bundle {index}: {quarantined} quarantined, {conflicts} conflicts")
        acknowledged += sum(1 for a in acks if not a[1])
        in_flight = begun if begun >= 0 and (not acks or acks[-1][0] != begun) else None
        if not killed.ready:
            tally.phases["start-up"] += 1
        elif in_flight is None:
            tally.phases["between imports" if begun < len(bundles) - 1 else "after the last"] += 1
        elif in_flight < now_done:
            tally.phases["in import, committed before ack"] += 1
        else:
            tally.phases["in import, not committed"] += 1
        if now_done < done:
            problems.append(f"imported bundles went back from {done} to {now_done}")
        done = now_done
        if problems:
            result.fail(f"round {round_no}: " + "; ".join(problems))

    # Afterwards the remaining bundles import, and the imported ones are no-ops.
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        for k, bundle in enumerate(bundles):
            report = import_bundle(session, bundle.path)
            if report.already_imported != (k < done) or report.quarantined:
                result.fail(
                    f"final import of bundle {k}: already_imported="
                    f"{report.already_imported}, quarantined={report.quarantined}"
                )
        _, state = _import_state(session, bundles, world.dev_device)
        for problem in state + check_store(session):
            result.fail(f"after the loop: {problem}")
    result.worst = (
        f"{series} series of {len(bundles)} bundles, {acknowledged} acknowledged "
        f"imports; " + tally.summary()
    )
    return result


# -- 3. re-key -------------------------------------------------------------------------------


def _data_digest(session: Session) -> str:
    digest = hashlib.sha256()
    for sql in (
        "SELECT uuid, number, status FROM cases ORDER BY uuid",
        "SELECT uuid, full_name, birth_date FROM persons ORDER BY uuid",
        "SELECT interview_uuid, question, value FROM answers ORDER BY 1, 2",
    ):
        for row in session.conn.execute(sql):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def _fill(session: Session, megabytes: int) -> None:
    """Fictional cases, and long narrative answers, so that PRAGMA rekey takes tens of ms."""

    demo.generate(session, 3, seed=77)
    case = cases.open_case(session, full_name="Сынамаева Чолпон", region="naryn")
    rng = random.Random(5)
    words = ("өмүр", "жаңы", "көңүл", "түнкү", "күмүш", "аңгеме", "жумуш", "мөөнөт")
    open_ones: dict[str, interviews.Interview] = {}
    for interview_uuid, question in text_slots(session, case.uuid, megabytes * 50):
        if interview_uuid not in open_ones:
            open_ones[interview_uuid] = interviews.get(session, interview_uuid)
        text = " ".join(rng.choice(words) for _ in range(2000))  # about 20 KB
        interviews.save_answer(session, open_ones[interview_uuid], question, text)


@dataclass
class Officer:
    passphrase: str
    state: str  # adding | alive | removing | removed


def _can_unlock(vault: Vault, name: str, passphrase: str) -> bool:
    try:
        vault.unlock(name, passphrase).close()
        return True
    except AuthenticationFailed:
        vault.throttle.record_success()  # the expected refusals must not throttle the checks
        return False


def _opens(slots: Any, slot: Any, passphrase: str, db_key: bytes) -> bool:
    try:
        return bool(slots.open_slot(slot, passphrase.encode("utf-8")) == db_key)
    except AuthenticationFailed:
        return False


def check_rekey(workdir: Path, scale: float) -> Result:
    from idtool.keyslots import KIND_OFFICER

    result = Result("kill loop: re-key")
    rng = random.Random(2026_08_03)
    vault = Vault(workdir / "data", kdf_params=kdf.FAST_PARAMS)
    session, _ = vault.create(SUPERVISOR, "supervisor", SUPERVISOR_PASS)
    with session:
        _fill(session, 8)
        digest = _data_digest(session)
    db_mb = vault.db_path.stat().st_size / 1e6
    env = child_env(workdir)
    tally = Tally()
    people: dict[str, Officer] = {}
    stale: set[str] = set()  # slot ids already reported
    stale_by_phase: Counter[str] = Counter()
    removals = 0
    for round_no in range(rounds(FULL_ROUNDS, scale)):
        alive = [[n, o.passphrase] for n, o in people.items() if o.state == "alive"]
        delay, early = kill_delay(rng, 0.3)
        killed = run_and_kill(
            "rekey.py",
            {
                "folder": str(vault.folder),
                "officer": SUPERVISOR,
                "passphrase": SUPERVISOR_PASS,
                "alive": alive,
                "round": round_no,
            },
            env,
            delay,
            early,
        )
        result.rounds += 1
        problems: list[str] = [killed.error] if killed.error else []
        touched: list[str] = []
        last = ""
        for line in killed.lines:
            if line == "ready":
                continue
            step, name, *rest = json.loads(line)
            last = step
            touched.append(name)
            if step == "begin-add":
                people[name] = Officer(rest[0], "adding")
            elif step == "ack-add":
                people[name].state = "alive"
            elif step == "begin-remove":
                people[name].state = "removing"
            elif step == "ack-remove":
                people[name].state = "removed"
                removals += 1
        pending = vault.pending_slots_path
        pending_bytes = pending.read_bytes() if pending.exists() else None
        if wal_tail(vault.db_path):
            tally.mid_transaction += 1
        try:
            with tally.unlock(vault, SUPERVISOR, SUPERVISOR_PASS, round_no) as session:
                problems += check_store(session)
                if _data_digest(session) != digest:
                    problems.append("case data changed")
                rows = {
                    r[0]: (bool(r[1]), r[2])
                    for r in session.conn.execute("SELECT name, active, slot_id FROM officers")
                }
                slots = vault.load_slots()
                db_key = session.db_key
        except IdtoolError as exc:
            problems.append(f"reopening failed: {type(exc).__name__}: {exc}")
            result.fail(f"round {round_no}: " + "; ".join(problems))
            continue
        finished = pending_bytes is not None and vault.slots_path.read_bytes() == pending_bytes
        if pending.exists():
            problems.append("the side file keyslots.next.json is still there after unlock")
        # What the kill hit.
        if not killed.ready:
            phase = "start-up"
        elif last == "begin-add":
            phase = "in add"
        elif last == "begin-remove":
            name = touched[-1]
            if rows.get(name, (True, None))[0]:
                phase = "in remove, not committed"
            elif pending_bytes is None:
                phase = "in remove, committed, no side file yet"
            elif finished:
                phase = "in remove, re-key finished at unlock"
            else:
                phase = "in remove, re-key dropped at unlock"
        else:
            phase = "between steps"
        tally.phases[phase] += 1
        # Who must, may and must not unlock.
        for name in dict.fromkeys(touched):
            officer = people[name]
            active = rows.get(name, (False, None))[0]
            if officer.state == "alive" and not active:
                problems.append(f"acknowledged officer {name} is not active")
            if officer.state == "removed" and active:
                problems.append(f"officer {name} whose removal was acknowledged is active")
            if officer.state in ("adding", "removing"):  # in flight: the database decides
                officer.state = "alive" if active else "removed"
            if _can_unlock(vault, name, officer.passphrase) != active:
                problems.append(f"officer {name} {'cannot' if active else 'can still'} unlock")
        for name, officer in people.items():
            if (
                officer.state == "alive"
                and name not in touched
                and not _can_unlock(vault, name, officer.passphrase)
            ):
                problems.append(f"officer {name} (added earlier) cannot unlock")
        # Every officer key slot must belong to an active officer. Any other slot is tried
        # with the passphrase of the officer it was made for: it must not yield the key.
        active_slots = {slot for active, slot in rows.values() if active and slot}
        for slot in slots.slots:
            if slot.kind != KIND_OFFICER or slot.id in active_slots or slot.id in stale:
                continue
            stale.add(slot.id)
            stale_by_phase[phase] += 1
            owner = next((n for n in people if slots.officer_tag(n) == slot.tag), None)
            opens = owner is not None and _opens(slots, slot, people[owner].passphrase, db_key)
            problems.append(
                f"key slot {slot.id[:8]} of {owner or 'an unknown officer'} "
                f"(not active) is still in keyslots.json and "
                f"{'DOES' if opens else 'does not'} open the current database "
                f"key with that officer's passphrase (kill {phase})"
            )
        if problems:
            result.fail(f"round {round_no}: " + "; ".join(problems))
    left = ", ".join(f"{k} {v}" for k, v in stale_by_phase.most_common()) or "none"
    result.worst = (
        f"{removals} acknowledged re-keys of a {db_mb:.1f} MB database; "
        + tally.summary()
        + f"; key slots left with no active officer: {left}"
    )
    return result


def checks() -> list[Check]:
    return [
        Check("kill loop: answer autosave", check_answers),
        Check("kill loop: bundle import", check_imports),
        Check("kill loop: re-key", check_rekey),
    ]
