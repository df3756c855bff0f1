"""Erasure reaches the records of later features too: the criminal-justice link, prosecutors'
reviews, a partner import, referral outcomes; retention drops the reviews' free-text notes."""

from __future__ import annotations

from idtool import cj_link, erasure, officers
from idtool.htcds import importer
from tests.support.cj import case_with
from tests.support.htcds import GOOD, partner_sheet

MIGRATION = {"opened": "misconduct", "articles": ("cm_illegal_migration",)}


def _count(session, table, case_uuid):
    sql = f"SELECT count(*) FROM {table} WHERE case_uuid = ?"
    return session.conn.execute(sql, (case_uuid,)).fetchone()[0]


def test_erasure_removes_the_link_and_the_reviews(session):
    case = case_with(session, link=MIGRATION)
    officers.add_officer(session, "Prosecutor One", "prosecutor", "prosecutor-pass-1")
    with session.vault.unlock("Prosecutor One", "prosecutor-pass-1") as prosecutor:
        cj_link.record_review(prosecutor, case.uuid, "sent_back", "look at forced labour")
    erasure.erase_on_request(session, case.uuid, "request received in writing")
    assert _count(session, "criminal_links", case.uuid) == 0
    assert _count(session, "prosecutor_reviews", case.uuid) == 0


def test_erasure_removes_a_partner_import(session, tmp_path):
    path = tmp_path / "partner.xlsx"
    partner_sheet(path, [GOOD])
    (made,) = importer.import_cases(session, importer.preview(session, path), "NGO", "osh")
    erasure.erase_on_request(session, made, "request received in writing")
    assert _count(session, "partner_imports", made) == 0
    assert session.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 0
