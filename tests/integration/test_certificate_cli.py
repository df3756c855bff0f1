"""`idtool certificate ...` as an officer runs it: files only where asked, one clear line."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pypdf
import pytest

from idtool import kdf, officers
from idtool.certificate import issuing_org
from idtool.vault import Vault
from tests.conftest import ISSUING_ORG
from tests.support.cases import BIRTH, HOLDER, decided_case
from tests.support.cli import AS_GUARD, SUP, SUP_PASS, Runner, assert_clean_failure, one_line, tree


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Runner, str]:
    """A database with an identified case and a border guard; returns the runner and case."""
    data = tmp_path / "data"
    vault = Vault(data, kdf_params=kdf.FAST_PARAMS)
    session, _ = vault.create(SUP, "supervisor", SUP_PASS)
    with session:
        issuing_org.set_organisation(session, ISSUING_ORG)
        officers.add_officer(session, "Guard One", "border_guard", "guard-pass-1")
        case = decided_case(session)
    for name in ("tmp", "cwd", "out"):
        (tmp_path / name).mkdir()
    return Runner(data, tmp_path / "tmp", tmp_path / "cwd"), case.number


def test_issue_reprint_verify_revoke(setup, tmp_path: Path):
    run, case = setup
    out = tmp_path / "out"
    data_before = tree(run.data)

    assert_clean_failure(
        run("certificate", "issue", case, "--out", str(out / "g.pdf"), env=AS_GUARD), 6
    )
    # (--lang after the command chooses the certificate's language, and the messages' too)
    proc = run("certificate", "issue", case, "--out", str(out / "original.pdf"), "--lang", "ky")
    assert proc.returncode == 0, proc.stderr
    original = (out / "original.pdf").read_bytes()
    text = pypdf.PdfReader(io.BytesIO(original)).pages[0].extract_text()
    assert HOLDER in text and "МААЛЫМКАТ" in text

    assert_clean_failure(run("certificate", "issue", case, "--out", str(out / "second.pdf")))
    assert_clean_failure(run("certificate", "reprint", case, "--out", str(out / "original.pdf")))
    proc = run("certificate", "reprint", case, "--out", str(out / "copy.pdf"))
    assert proc.returncode == 0, proc.stderr
    assert "not encrypted" in proc.stdout
    copy_text = pypdf.PdfReader(out / "copy.pdf").pages[0].extract_text()
    assert "COPY 2" in copy_text

    # Only the chosen files were written: nothing in the temporary or working folder, and
    # the data folder holds the same files as before.
    assert sorted(os.listdir(out)) == ["copy.pdf", "original.pdf"]
    assert tree(run.tmp) == set() and tree(run.cwd) == set()
    assert tree(run.data) == data_before

    proc = run("certificate", "verify", str(out / "original.pdf"), env=AS_GUARD)
    assert proc.returncode == 0, proc.stderr
    assert one_line(proc).startswith("VALID")
    proc = run(
        "certificate",
        "verify",
        str(out / "copy.pdf"),
        "--name",
        "Jyldyzkan Tunguchbaeva",
        "--birth-date",
        BIRTH,
    )
    assert proc.returncode == 0 and "match" in one_line(proc)
    proc = run(
        "certificate",
        "verify",
        str(out / "copy.pdf"),
        "--name",
        HOLDER,
        "--birth-date",
        "1999-01-01",
    )
    assert proc.returncode == 13 and "DO NOT match" in one_line(proc)
    assert HOLDER not in proc.stdout + proc.stderr

    proc = run("case", "list", "--json")
    listed = {row["case"]: row["certificate"] for row in json.loads(proc.stdout)}
    number = listed[case]
    assert number and number.startswith("KG-VS-")

    assert_clean_failure(run("certificate", "revoke", case, "--reason", " "))
    proc = run("certificate", "revoke", case, "--reason", "Decision reviewed")
    assert proc.returncode == 0, proc.stderr
    proc = run("certificate", "verify", str(out / "original.pdf"))
    assert proc.returncode == 11 and one_line(proc).startswith("REVOKED")
    assert tree(run.tmp) == set() and tree(run.cwd) == set()


def test_verify_code_text_and_failures(setup, tmp_path: Path):
    run, case = setup
    out = tmp_path / "out" / "c.pdf"
    assert run("certificate", "issue", case, "--out", str(out), "--lang", "ru").returncode == 0
    from idtool.certificate import qr

    code = qr.decode_file_bytes(out.read_bytes())[0]
    proc = run("certificate", "verify", code)
    assert proc.returncode == 0 and one_line(proc).startswith("VALID")
    proc = run("certificate", "verify", "-", stdin=code + "\n")
    assert proc.returncode == 0
    broken = code[:20] + ("A" if code[20] != "A" else "B") + code[21:]
    proc = run("certificate", "verify", broken)
    assert proc.returncode == 10 and one_line(proc).startswith("NOT VALID")
    assert_clean_failure(run("certificate", "verify", str(tmp_path / "missing.pdf")))
    assert_clean_failure(run("certificate", "verify", code, "--name", "X"))
    assert_clean_failure(
        run("certificate", "issue", "NO-SUCH-CASE", "--out", str(tmp_path / "out" / "x.pdf"))
    )
    assert_clean_failure(
        run("certificate", "issue", case, "--out", str(tmp_path / "nowhere" / "x.pdf"))
    )
    assert_clean_failure(run("certificate", "revoke", "NO-SUCH-CASE", "--reason", "x"))


def test_organisation_setting(setup):
    run, _ = setup
    proc = run("certificate", "organisation")
    assert proc.returncode == 0 and "anti-trafficking unit" in proc.stdout
    proc = run("certificate", "organisation", "prosecutor-general")
    assert proc.returncode == 0 and proc.stdout.strip() == "Prosecutor General's Office"
    # Free text is not an issuing body: only organisations of the NRM directory are.
    assert_clean_failure(run("certificate", "organisation", "IOM Bishkek"), 7)
    assert_clean_failure(run("certificate", "organisation", "iom", env=AS_GUARD), 6)


def test_discreet_copy_allow_new_and_legal_acts(setup, tmp_path: Path):
    run, case = setup
    out = tmp_path / "out"
    proc = run("certificate", "issue", case, "--out", str(out / "d.pdf"), "--discreet")
    assert proc.returncode == 0, proc.stderr
    text = " ".join(pypdf.PdfReader(out / "d.pdf").pages[0].extract_text().split())
    assert "of status under the National Referral Mechanism" in text
    assert "victim of trafficking in persons (identified" not in text
    proc = run("certificate", "reprint", case, "--out", str(out / "c.pdf"), "--discreet")
    assert proc.returncode == 0, proc.stderr
    assert "NRM status for assistance" in pypdf.PdfReader(out / "c.pdf").pages[0].extract_text()

    # The legal basis: the coordinator (here: a supervisor not enrolled anywhere) sets the
    # NRM act's number; a placeholder is refused with one line.
    assert_clean_failure(run("policy", "option", "legal_acts", "nrm-2019,,TODO"), 7)
    assert_clean_failure(run("policy", "option", "legal_acts", "nrm-2019"), 7)
    assert_clean_failure(run("policy", "option", "legal_acts", "nrm-2019,,1", env=AS_GUARD), 6)
    proc = run("policy", "option", "legal_acts", "nrm-2019,,493")
    assert proc.returncode == 0, proc.stderr
    assert "legal_acts\tnrm-2019,,493" in proc.stdout.splitlines()
    proc = run("certificate", "reprint", case, "--out", str(out / "c3.pdf"))
    text = " ".join(pypdf.PdfReader(out / "c3.pdf").pages[0].extract_text().split())
    assert 'in the Kyrgyz Republic" of 19.09.2019, No. 493' in text

    # Once per person, unless the coordinator allows a new one.
    assert run("certificate", "revoke", case, "--reason", "Reviewed").returncode == 0
    assert_clean_failure(run("certificate", "issue", case, "--out", str(out / "n.pdf")), 7)
    assert_clean_failure(run("certificate", "allow-new", case, "--reason", "x", env=AS_GUARD), 6)
    proc = run("certificate", "allow-new", case, "--reason", "Revoked for a typing error")
    assert proc.returncode == 0, proc.stderr
    assert "A new certificate may be issued after certificate KG-VS-" in one_line(proc)
    proc = run("certificate", "issue", case, "--out", str(out / "n.pdf"))
    assert proc.returncode == 0, proc.stderr
    proc = run("certificate", "verify", str(out / "n.pdf"))
    assert proc.returncode == 0 and one_line(proc).startswith("VALID")
    proc = run("certificate", "verify", str(out / "d.pdf"))
    assert proc.returncode == 11
