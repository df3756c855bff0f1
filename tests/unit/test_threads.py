"""One connection per thread, short transactions (issue 13, part 1).

A connection is refused on any thread but the one that opened it; background work gets a worker
session of its own (`Session.worker`), with the current key even after a re-key. A write that
meets another connection's write waits briefly, then says so in one translated line (never a raw
sqlite error). No transaction is open while a certificate or a referral packet is rendered: a
write from elsewhere gets through meanwhile, and what changed meanwhile is checked before the
document is recorded.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable

import pytest

from idtool import audit, cases, consent, database, officers
from idtool.certificate import issuance, ledger
from idtool.certificate import pdf as certificate_pdf
from idtool.consent import Purpose, State
from idtool.errors import CorruptDatabase, DatabaseBusy, InvalidInput, NotPermitted
from idtool.i18n import set_language
from idtool.packet import make_and_render, packet_pdf
from idtool.packet import pdf as packet_pdf_module
from idtool.questionnaire import registry
from tests.conftest import POLICE, POLICE_PASS, SUPERVISOR, SUPERVISOR_PASS
from tests.support.cases import agree, decided_case, person_case

CRISIS = "crisis-centre-osh"
BUSY_EN = "Another task is saving; try again in a moment."
BUSY_RU = "Другая задача сейчас сохраняет данные; попробуйте ещё раз через несколько секунд."


def on_thread(fn: Callable[[], object]) -> object:
    """Run `fn` on a thread of its own and wait for it: its result, or the exception's class
    name (never raised here)."""
    out: list[object] = []

    def run() -> None:
        try:
            out.append(fn())
        except BaseException as exc:
            out.append(type(exc).__name__)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert out, "the thread did not finish"
    return out[0]


def write_elsewhere(session) -> str:
    """A write on a connection of its own, as a background task or a second window makes."""
    conn = database.connect(session.vault.db_path, session.db_key)
    try:
        with database.transaction(conn):
            audit.append(
                conn,
                device_id=session.device_id,
                officer=session.officer.uuid,
                action="test.elsewhere",
            )
    finally:
        conn.close()
    return "written"


def count(session, table: str) -> int:
    return int(session.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def actions(session) -> list[str]:
    return [e.action for e in audit.entries(session.conn)]


def holding_lock(session) -> tuple[threading.Thread, threading.Event, threading.Event, list]:
    """A worker thread in a write transaction until `release` is set."""
    entered, release, outcome = threading.Event(), threading.Event(), []

    def run() -> None:
        try:
            with session.worker() as worker, database.transaction(worker.conn):
                worker.audit("test.worker_holds")
                entered.set()
                release.wait(30)
            outcome.append("committed")
        except BaseException as exc:
            outcome.append(exc)
            entered.set()

    thread = threading.Thread(target=run)
    thread.start()
    assert entered.wait(30)
    return thread, release, outcome


# -- one connection per thread ---------------------------------------------------------------


def test_a_connection_is_refused_on_another_thread(session):
    assert session.conn.execute("SELECT 1").fetchone() == (1,)
    assert on_thread(lambda: session.conn.execute("SELECT 1").fetchone()) == "ProgrammingError"


def test_a_worker_session_has_its_own_connection_and_the_same_officer(session):
    def work() -> tuple[object, ...]:
        with session.worker() as worker:
            case = cases.open_case(worker, full_name="Айпери Садырова", region="osh")
            return worker.conn is session.conn, worker.officer, worker.device_id, case.uuid

    shared, officer, device, case_uuid = on_thread(work)  # type: ignore[misc]
    assert not shared and officer == session.officer and device == session.device_id
    assert cases.get_case(session, case_uuid, audit_view=False).person.full_name == (
        "Айпери Садырова"
    )
    assert session.conn.execute("SELECT 1").fetchone() == (1,)  # closing it left ours open


def test_a_worker_uses_the_current_key_after_a_rekey_and_the_window_reads_on(session):
    officers.add_officer(session, POLICE, "police", POLICE_PASS)
    before = session.db_key

    def remove() -> object:
        with session.worker() as worker:
            return officers.remove_officer(worker, POLICE)

    code = on_thread(remove)
    assert isinstance(code, str) and len(code) > 10, code
    assert session.db_key != before  # the re-key reached the session the window holds
    assert [o.name for o in officers.list_officers(session)] == [SUPERVISOR]  # reopened
    later = on_thread(lambda: write_elsewhere(session))
    assert later == "written"
    with pytest.raises(CorruptDatabase):  # the old key opens nothing any more
        database.connect(session.vault.db_path, before)


def test_closing_the_session_stops_new_workers_and_keeps_running_ones_apart(made_vault):
    vault, _ = made_vault
    session = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    started, release, outcome = threading.Event(), threading.Event(), []

    def run() -> None:
        with session.worker() as worker:
            started.set()
            release.wait(30)
            outcome.append((worker.closed, worker.conn.execute("SELECT 1").fetchone()))

    thread = threading.Thread(target=run)
    thread.start()
    assert started.wait(30)
    session.close()
    release.set()
    thread.join(30)
    assert outcome == [(True, (1,))]  # told the program locked; its own connection still works
    assert on_thread(session.worker) == "NotPermitted"


def test_installed_questionnaires_are_found_from_a_worker_thread(made_vault):
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        text = (registry.questionnaires_dir() / "nrm-screening.yaml").read_text("utf-8")
        text = re.sub(r'^version: "[^"]*"', 'version: "77"', text, count=1, flags=re.M)
        session.conn.execute(
            "INSERT INTO questionnaires (form_id, version, text, sha256, bundle_id, sender,"
            " installed_at) VALUES ('nrm-screening', '77', ?, ?, 'b', 's', '2026-01-01')",
            (text, hashlib.sha256(text.encode()).hexdigest()),
        )
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:

        def load_on_worker() -> str:
            with session.worker() as worker:
                installed = worker.installed_forms
                return registry.load_shipped("nrm-screening", "77", installed=installed).version

        assert on_thread(load_on_worker) == "77"
    assert (
        on_thread(
            lambda: registry.load_shipped("nrm-screening", "77", installed=session.installed_forms)
        )
        == "FormNotFound"
    )  # locked: the closed database's versions are not found


# -- a write meets another connection's write --------------------------------------------------


def test_a_write_while_a_worker_holds_the_lock_says_busy_in_one_translated_line(session):
    session.conn.execute("PRAGMA busy_timeout = 50")  # the worker holds on until told
    thread, release, outcome = holding_lock(session)
    try:
        with pytest.raises(DatabaseBusy) as caught:
            cases.open_case(session, full_name="Бермет Мисалова", region="osh")
        assert caught.value.message == BUSY_EN
        set_language("ru")
        with pytest.raises(DatabaseBusy) as caught:
            cases.open_case(session, full_name="Бермет Мисалова", region="osh")
        assert caught.value.message == BUSY_RU
    finally:
        release.set()
        thread.join(30)
    assert outcome == ["committed"]
    assert not session.conn.in_transaction  # nothing left half-open
    assert count(session, "cases") == 0  # nothing half-written
    cases.open_case(session, full_name="Бермет Мисалова", region="osh")  # the next try works
    assert "test.worker_holds" in actions(session)


def test_a_write_while_a_worker_commits_soon_succeeds_or_says_busy(session):
    thread, release, outcome = holding_lock(session)
    timer = threading.Timer(0.05, release.set)
    timer.start()
    try:
        case = cases.open_case(session, full_name="Бермет Мисалова", region="osh")
        result: object = case.uuid
    except DatabaseBusy as exc:  # the worker was slower than the wait: the officer's line
        result = exc.message
    finally:
        release.set()
        thread.join(30)
        timer.cancel()
    assert outcome == ["committed"]
    assert result == BUSY_EN or count(session, "cases") == 1


def test_a_rekey_while_another_connection_writes_is_refused_cleanly(session):
    session.conn.execute("PRAGMA busy_timeout = 50")
    thread, release, outcome = holding_lock(session)
    try:
        with pytest.raises(DatabaseBusy):
            database.rekey(session.conn, b"\x01" * 32)
    finally:
        release.set()
        thread.join(30)
    assert outcome == ["committed"]
    assert count(session, "officers") == 1


# -- gather, render, then write ----------------------------------------------------------------


def rendering_runs(monkeypatch, module, during: Callable[[], object]) -> list[object]:
    """Make `module.render` run `during` on another thread first (once), and wait for it."""
    real = module.render
    seen: list[object] = []

    def render(document):
        if not seen and threading.current_thread() is threading.main_thread():
            seen.append("rendering")
            seen.append(on_thread(during))
        return real(document)

    monkeypatch.setattr(module, "render", render)
    return seen


def test_a_certificate_is_rendered_with_no_transaction_open(session, monkeypatch):
    case = decided_case(session)
    seen = rendering_runs(monkeypatch, certificate_pdf, lambda: write_elsewhere(session))
    saved: list[bytes] = []
    printed = issuance.issue(session, case.uuid, "ru", save=saved.append)
    assert seen == ["rendering", "written"]  # the other write did not wait for the PDF
    assert saved == [printed.pdf] and ledger.get(session, case.uuid) is not None
    done = actions(session)
    assert done.index("test.elsewhere") < done.index("certificate.issue")


def test_an_issue_made_while_the_pdf_renders_is_seen_before_anything_is_saved(session, monkeypatch):
    case = decided_case(session)

    def issue_elsewhere() -> str:
        with session.worker() as worker:
            return issuance.issue(worker, case.uuid, "ru").certificate.number

    seen = rendering_runs(monkeypatch, certificate_pdf, issue_elsewhere)
    saved: list[bytes] = []
    with pytest.raises(InvalidInput, match="already issued"):
        issuance.issue(session, case.uuid, "ru", save=saved.append)
    assert saved == []  # the PDF that went stale never reached the file
    number = seen[1]
    assert isinstance(number, str) and ledger.get(session, case.uuid).number == number
    assert count(session, "certificates") == 1
    assert actions(session).count("certificate.issue") == 1


def test_a_name_corrected_while_the_pdf_renders_is_printed_after_all(session, monkeypatch):
    case = decided_case(session)

    def correct() -> str:
        with session.worker() as worker, database.transaction(worker.conn):
            worker.conn.execute(
                "UPDATE persons SET full_name = ? WHERE uuid = ?",
                ("Жылдыз Түңгүчбаева", case.person.uuid),
            )
        return "corrected"

    seen = rendering_runs(monkeypatch, certificate_pdf, correct)
    printed = issuance.issue(session, case.uuid, "ru")
    assert seen == ["rendering", "corrected"]
    assert printed.certificate.holder_name == "Жылдыз Түңгүчбаева"  # rendered again
    assert ledger.get(session, case.uuid).holder_name == "Жылдыз Түңгүчбаева"


def test_a_copy_is_rendered_with_no_transaction_open_and_numbered_as_recorded(session, monkeypatch):
    case = decided_case(session)
    issuance.issue(session, case.uuid, "ru")

    def copy_elsewhere() -> object:
        with session.worker() as worker:
            return issuance.reprint(worker, case.uuid).copy

    seen = rendering_runs(monkeypatch, certificate_pdf, copy_elsewhere)
    saved: list[bytes] = []
    printed = issuance.reprint(session, case.uuid, save=saved.append)
    assert seen == ["rendering", 2]  # another copy was recorded while ours was rendered
    assert printed.copy == 3 and saved == [printed.pdf]  # ours was made again as copy 3
    assert ledger.get(session, case.uuid).prints == 3


def test_a_referral_packet_is_rendered_with_no_transaction_open(session, monkeypatch):
    case = person_case(session, decide=True)
    agree(session, case, CRISIS)
    seen = rendering_runs(monkeypatch, packet_pdf_module, lambda: write_elsewhere(session))
    saved: list[bytes] = []
    made = make_and_render(
        session, case.uuid, CRISIS, services=("shelter",), lang="ru", save=saved.append
    )
    assert seen == ["rendering", "written"]
    assert saved == [made.pdf]
    done = actions(session)
    assert done.index("test.elsewhere") < done.index("referral.make")
    assert done.index("referral.make") < done.index("referral.packet")

    seen.clear()
    again = packet_pdf(session, made.referral.uuid, "en")
    assert seen == ["rendering", "written"] and again.startswith(b"%PDF-")


def test_consent_withdrawn_while_the_packet_renders_records_nothing(session, monkeypatch):
    case = person_case(session, decide=True)
    agree(session, case, CRISIS)

    def withdraw() -> str:
        with session.worker() as worker:
            consent.record(
                worker, case.uuid, Purpose.REFERRAL, State.WITHDRAWN, recipient_id=CRISIS
            )
        return "withdrawn"

    seen = rendering_runs(monkeypatch, packet_pdf_module, withdraw)
    saved: list[bytes] = []
    with pytest.raises(NotPermitted):
        make_and_render(
            session, case.uuid, CRISIS, services=("shelter",), lang="ru", save=saved.append
        )
    assert seen == ["rendering", "withdrawn"] and saved == []
    assert count(session, "referrals") == 0
    assert "referral.packet" not in actions(session)
