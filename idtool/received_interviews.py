"""Interviews received from another organisation: the answers a referral or a partner's record
carries, kept as a completed (read-only) interview so nobody asks them again."""

from __future__ import annotations

import uuid

from idtool import cases
from idtool.session import Session


def record_received(
    session: Session,
    case_uuid: str,
    form: tuple[str, str, str],
    answers: list[tuple[str, str]],
) -> str:
    """A completed (read-only) interview holding the answers another organisation's referral
    carries, so nobody asks them again: `form` is (form id, version, language), `answers`
    (question, JSON text) pairs checked by the caller. Call inside the import's transaction;
    returns the interview's uuid."""
    form_id, version, language = form
    now = cases.now_iso()
    interview_uuid = str(uuid.uuid4())
    session.conn.execute(
        "INSERT INTO interviews (uuid, case_uuid, form_id, form_version, language, state,"
        " current_section, started_at, completed_at, officer_uuid, device_id)"
        " VALUES (?, ?, ?, ?, ?, 'completed', '', ?, ?, ?, ?)",
        (
            interview_uuid,
            case_uuid,
            form_id,
            version,
            language,
            now,
            now,
            session.officer.uuid,
            session.device_id,
        ),
    )
    session.conn.executemany(
        "INSERT OR REPLACE INTO answers (interview_uuid, question, value, updated_at)"
        " VALUES (?, ?, ?, ?)",
        [(interview_uuid, question, value, now) for question, value in answers],
    )
    return interview_uuid
