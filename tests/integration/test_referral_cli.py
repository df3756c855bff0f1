"""`idtool referral | consent | directory` as an officer runs them: files only where asked."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pypdf
import pytest

from idtool import kdf
from idtool.certificate import issuance, issuing_org
from idtool.cli import referrals as cli
from idtool.vault import Vault
from tests.conftest import ISSUING_ORG
from tests.support.cases import DOCUMENT, HOLDER, person_case
from tests.support.cli import (
    AS_SUP,
    SUP,
    SUP_PASS,
    Runner,
    assert_clean_failure,
    one_line,
    tree,
)

TOLD = "purpose,use,retention,withdrawal"


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Runner, str, str]:
    """An identified adult with a certificate and a child; returns the runner and cases."""
    data = tmp_path / "data"
    vault = Vault(data, kdf_params=kdf.FAST_PARAMS)
    session, _ = vault.create(SUP, "supervisor", SUP_PASS)
    with session:
        issuing_org.set_organisation(session, ISSUING_ORG)
        adult = person_case(session, HOLDER, decide=True)
        issuance.issue(session, adult.uuid, "ru")
        child = person_case(session, "Бала Мисалова", child=True)
    for name in ("tmp", "cwd", "out"):
        (tmp_path / name).mkdir()
    return Runner(data, tmp_path / "tmp", tmp_path / "cwd"), adult.number, child.number


def test_consent_preview_make_list_status(setup, tmp_path: Path):
    run, case, _child = setup
    out = tmp_path / "out"

    # Without consent: refused with the reason, nothing written.
    proc = run("referral", "preview", case, "--to", "crisis-centre-osh")
    assert_clean_failure(proc, 6)
    assert "not consented" in proc.stderr
    proc = run("referral", "make", case, "--to", "crisis-centre-osh", "--out", str(out / "a.pdf"))
    assert_clean_failure(proc, 6)
    assert "not consented" in proc.stderr and not (out / "a.pdf").exists()

    assert_clean_failure(
        run(
            "consent",
            "record",
            case,
            "--purpose",
            "referral",
            "--state",
            "given",
            "--to",
            "crisis-centre-osh",
            "--told",
            "purpose,use",
        ),
        7,
    )
    assert_clean_failure(
        run(
            "consent",
            "record",
            case,
            "--purpose",
            "statistics",
            "--state",
            "given",
            "--to",
            "ombudsman",
            "--told",
            TOLD,
        ),
        7,
    )
    assert_clean_failure(
        run(
            "consent",
            "record",
            case,
            "--purpose",
            "referral",
            "--state",
            "given",
            "--to",
            "no-such-org",
            "--told",
            TOLD,
        ),
        7,
    )
    for org in ("crisis-centre-osh", "ombudsman"):
        proc = run(
            "consent",
            "record",
            case,
            "--purpose",
            "referral",
            "--state",
            "given",
            "--to",
            org,
            "--told",
            TOLD,
        )
        assert proc.returncode == 0 and "Consent recorded" in one_line(proc)

    proc = run("referral", "preview", case, "--to", "crisis-centre-osh")
    assert proc.returncode == 0, proc.stderr
    assert "with the person's consent" in proc.stdout
    listed = {
        line.split("\t")[0].strip() for line in proc.stdout.splitlines() if line.startswith("  ")
    }
    assert {"full_name", "document_number"} <= listed
    assert HOLDER not in proc.stdout and DOCUMENT not in proc.stdout  # labels, not answers
    proc = run("referral", "preview", case, "--to", "ombudsman")
    assert proc.returncode == 0 and "full_name" not in proc.stdout

    data_before = tree(run.data)
    proc = run(
        "referral",
        "make",
        case,
        "--to",
        "crisis-centre-osh",
        "--out",
        str(out / "crisis.pdf"),
        "--service",
        "shelter",
        "--service",
        "medical",
        "--urgency",
        "urgent",
        "--reason",
        "Needs a safe place",
    )
    assert proc.returncode == 0, proc.stderr
    assert "not encrypted" in one_line(proc)
    reader = pypdf.PdfReader(out / "crisis.pdf")
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert HOLDER in text and DOCUMENT in text and "Shelter" in text
    assert "COPY" in reader.pages[-1].extract_text()  # the certificate copy

    assert_clean_failure(
        run(
            "referral", "make", case, "--to", "crisis-centre-osh", "--out", str(out / "crisis.pdf")
        ),
        7,
    )
    proc = run(
        "referral", "make", case, "--to", "ombudsman", "--out", str(out / "omb.pdf"), "--lang", "ru"
    )
    assert proc.returncode == 0, proc.stderr
    text = " ".join(
        " ".join(p.extract_text() for p in pypdf.PdfReader(out / "omb.pdf").pages).split()
    )
    assert "ПЕРЕНАПРАВЛЕНИЕ" in text  # the first service:
    assert "Рассмотрение жалоб на нарушение прав" in text
    assert HOLDER not in text and DOCUMENT not in text

    # Only the chosen files were written.
    assert sorted(os.listdir(out)) == ["crisis.pdf", "omb.pdf"]
    assert tree(run.tmp) == set() and tree(run.cwd) == set()
    assert tree(run.data) == data_before

    rows = json.loads(run("referral", "list", case, "--json").stdout)
    assert [r["to"] for r in rows] == ["crisis-centre-osh", "ombudsman"]
    assert rows[0]["services"] == ["shelter", "medical"] and rows[0]["status"] == "sent"
    proc = run("referral", "list", case)
    assert len(proc.stdout.splitlines()) == 2 and rows[0]["referral"] in proc.stdout
    proc = run("referral", "status", rows[0]["referral"], "accepted", "--note", "bed found")
    assert proc.returncode == 0 and "Accepted" in one_line(proc)
    assert json.loads(run("referral", "list", case, "--json").stdout)[0]["status"] == "accepted"
    assert_clean_failure(run("referral", "status", "ffffffff", "accepted"), 7)
    assert_clean_failure(run("referral", "status", "x", "accepted"), 7)


def test_child_protection_without_consent(setup, tmp_path: Path):
    run, _case_number, child = setup
    proc = run("referral", "preview", child, "--to", "child-protection")
    assert proc.returncode == 0 and "required by law, without consent" in proc.stdout
    proc = run(
        "referral",
        "make",
        child,
        "--to",
        "child-protection",
        "--out",
        str(tmp_path / "out" / "child.pdf"),
        "--urgency",
        "immediate",
    )
    assert proc.returncode == 0, proc.stderr
    assert "without consent" in proc.stdout
    assert (tmp_path / "out" / "child.pdf").read_bytes().startswith(b"%PDF-")
    assert_clean_failure(
        run(
            "referral",
            "make",
            child,
            "--to",
            "crisis-centre-osh",
            "--out",
            str(tmp_path / "out" / "x.pdf"),
        ),
        6,
    )
    assert tree(run.tmp) == set() and tree(run.cwd) == set()


def test_failures_are_one_clear_line(setup, tmp_path: Path):
    run, case, _child = setup
    out = str(tmp_path / "out" / "x.pdf")
    assert_clean_failure(
        run("referral", "make", "NO-SUCH-CASE", "--to", "ombudsman", "--out", out), 7
    )
    assert_clean_failure(run("referral", "make", case, "--to", "no-such-org", "--out", out), 7)
    assert_clean_failure(
        run("referral", "make", case, "--to", "ombudsman", "--out", out, "--service", "spa"), 7
    )
    assert_clean_failure(
        run(
            "referral",
            "make",
            case,
            "--to",
            "ombudsman",
            "--out",
            str(tmp_path / "nowhere" / "x.pdf"),
        ),
        7,
    )
    assert os.listdir(tmp_path / "out") == []


def test_guardian_with_hidden_characters_is_one_clear_line(setup):
    run, _case_number, child = setup
    proc = run(
        "consent",
        "record",
        child,
        "--purpose",
        "statistics",
        "--state",
        "given",
        "--told",
        TOLD,
        "--child-assent",
        "yes",
        "--guardian",
        "\u202eahtom, avoraydaS",
        env=AS_SUP,
    )
    assert_clean_failure(proc, 7)
    assert "direction" in proc.stderr and "Sadyrova" not in proc.stderr


def test_directory_list(setup):
    run, _case_number, _child = setup
    rows = json.loads(run("directory", "list", "--json", env=AS_SUP).stdout)
    ids = {r["id"] for r in rows}
    assert {"crisis-centre-osh", "ombudsman", "child-protection"} <= ids
    assert all({"id", "type", "region", "name", "services"} <= set(r) for r in rows)
    proc = run("--lang", "ru", "directory", "list")
    assert proc.returncode == 0
    line = next(x for x in proc.stdout.splitlines() if x.startswith("crisis-centre-osh\t"))
    assert "Кризисный центр (Ош)" in line and "Приют" in line


def test_cli_choices_match_the_core():
    from idtool import consent, referrals

    assert cli.URGENCIES == referrals.URGENCIES
    assert tuple(s.value for s in referrals.RefStatus) == cli.STATUSES
    assert tuple(p.value for p in consent.Purpose) == cli.PURPOSES
    assert tuple(s.value for s in consent.State) == cli.STATES
    assert cli.TOLD == consent.TOLD
