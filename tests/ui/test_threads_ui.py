"""Background work and the window, through real widgets (issue 13, part 1).

A task that needs the database runs on a connection of its own; the officer keeps working on the
window's while it runs: an answer given or a certificate issued meanwhile is saved, or refused
with one translated line, never a raw sqlite error. Locking does not wait for a task: it is
told to stop, and what it delivers afterwards is dropped.
"""

from __future__ import annotations

import threading

from idtool import audit, database
from idtool.certificate import ledger
from idtool.certificate import pdf as certificate_pdf
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.support.cases import person_case
from tests.ui.drive import choose, click, new_interview, save_to, show, stored
from ui.cases.case_view import CaseView
from ui.tasks import Task, TaskState, run_task

BUSY = "Another task is saving; try again in a moment."


def hold_write_lock(session) -> tuple[Task, threading.Event, threading.Event, list[object]]:
    """A task in a write transaction on its own connection until `release` is set."""
    entered, release, delivered = threading.Event(), threading.Event(), []

    def work(worker, state: TaskState) -> str:
        with database.transaction(worker.conn):
            worker.audit("test.task_holds")
            entered.set()
            release.wait(30)
        return "committed"

    task = run_task(work, delivered.append, delivered.append, session=session)
    assert entered.wait(30)
    return task, release, delivered


def test_a_task_works_on_a_connection_of_its_own(qtbot, session):
    seen: list[object] = []

    def work(worker, state: TaskState) -> int:
        seen.extend([worker.conn is session.conn, threading.current_thread().name, worker.officer])
        return int(worker.conn.execute("SELECT count(*) FROM officers").fetchone()[0])

    delivered: list[object] = []
    task = run_task(work, delivered.append, delivered.append, session=session)
    qtbot.waitUntil(lambda: task.finished, timeout=10_000)
    assert delivered == [1]
    shared, thread, officer = seen
    assert not shared and thread != threading.main_thread().name and officer == session.officer
    assert session.conn.execute("SELECT 1").fetchone() == (1,)


def test_an_answer_given_while_a_task_writes_is_refused_in_one_line_then_saved(
    qtbot, session, make_wizard
):
    uuid = new_interview(session)
    wizard = make_wizard(session, uuid)
    session.conn.execute("PRAGMA busy_timeout = 50")  # the task holds on until told
    task, release, delivered = hold_write_lock(session)
    try:
        choose(qtbot, wizard, "urgent_medical", "yes")
        message = wizard.pages[wizard.current].blocks["urgent_medical"].error.text()
        assert message == BUSY  # the officer's line, not "cannot start a transaction..."
        assert "urgent_medical" not in stored(session, uuid)
    finally:
        release.set()
    qtbot.waitUntil(lambda: task.finished, timeout=10_000)
    assert delivered == ["committed"]
    choose(qtbot, wizard, "urgent_medical", "no")
    assert stored(session, uuid) == {"urgent_medical": "no"}  # saved once the task is done


def test_a_certificate_issued_while_a_task_writes_is_issued_or_refused_in_one_line(
    qtbot, session, tmp_path, monkeypatch
):
    case = person_case(session, decide=True)
    section = show(qtbot, CaseView(session, case.uuid, tab="decision")).certificate_section
    out = tmp_path / "certificate.pdf"
    save_to(monkeypatch, out)
    task, release, delivered = hold_write_lock(session)
    real = certificate_pdf.render

    def render(document):  # the task commits while ours renders (no transaction of ours open)
        data = real(document)
        release.set()
        return data

    monkeypatch.setattr(certificate_pdf, "render", render)
    try:
        click(qtbot, section.issue_button)
        qtbot.waitUntil(
            lambda: bool(section.message.text()) or section.error.isVisible(), timeout=20_000
        )
    finally:
        release.set()
    qtbot.waitUntil(lambda: task.finished, timeout=10_000)
    assert delivered == ["committed"]
    if section.error.isVisible():
        assert section.error.text() == BUSY
        assert ledger.get(session, case.uuid) is None and not out.exists()
    else:
        assert out.read_bytes().startswith(b"%PDF") and ledger.get(session, case.uuid)


def test_locking_does_not_wait_for_a_task_and_drops_what_it_delivers(
    qtbot, made_vault, make_window
):
    vault, _ = made_vault
    window = make_window(vault)
    session = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    window.start_unlocked(session)
    started, release, finished = threading.Event(), threading.Event(), threading.Event()
    told_to_stop: list[bool] = []
    delivered: list[object] = []

    def work(worker, state: TaskState) -> str:
        with database.transaction(worker.conn):
            worker.audit("test.task_runs")
            started.set()
            release.wait(5)  # longer than locking may take: it must not wait for this
        told_to_stop.append(state.cancelled())
        finished.set()
        return "late result"

    task = run_task(work, delivered.append, delivered.append, session=session, owner=window)
    assert started.wait(30)
    window.lock()
    assert not finished.is_set()  # locking returned while the task was still at work
    assert window.session is None and session.closed
    release.set()
    qtbot.waitUntil(lambda: task.finished, timeout=10_000)
    assert told_to_stop == [True]
    assert delivered == []  # the late result touched nothing
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as again:  # the task's change was committed
        assert "test.task_runs" in [e.action for e in audit.entries(again.conn)]
