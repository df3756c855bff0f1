"""The command line, run as a user runs it: one clear line for every expected failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import assert_clean_failure

SUP = "Айгүл Өмүрбекова"


def run(
    data: Path, *args: str, env: dict[str, str] | None = None, input_text: str | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("IDTOOL_") or k in ("IDTOOL_KDF", "IDTOOL_CONFIG")
    }
    full_env.update(env or {})
    lang = [] if "--lang" in args else ["--lang", "en"]
    return subprocess.run(
        [sys.executable, "-m", "idtool", "--data", str(data), *lang, *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        input=input_text,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    proc = run(
        data,
        "init",
        "--officer",
        SUP,
        "--role",
        "supervisor",
        env={"IDTOOL_PASSPHRASE": "sup-pass-123"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "Recovery code" in proc.stdout
    return data


AS_SUP = {"IDTOOL_OFFICER": SUP, "IDTOOL_PASSPHRASE": "sup-pass-123"}


def test_version():
    proc = subprocess.run(
        [sys.executable, "-m", "idtool", "--version"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0
    assert proc.stdout.startswith("idtool ")


def test_officer_lifecycle(db: Path):
    proc = run(
        db,
        "officer",
        "add",
        "Бакыт Садыров",
        "--role",
        "police",
        env=AS_SUP | {"IDTOOL_NEW_PASSPHRASE": "police-pass-1"},
    )
    assert proc.returncode == 0, proc.stderr
    proc = run(db, "officer", "list", env=AS_SUP)
    assert proc.returncode == 0
    assert "Бакыт Садыров\tpolice" in proc.stdout
    assert f"{SUP}\tsupervisor" in proc.stdout
    police = {"IDTOOL_OFFICER": "Бакыт Садыров", "IDTOOL_PASSPHRASE": "police-pass-1"}
    assert_clean_failure(run(db, "officer", "list", env=police))
    proc = run(db, "officer", "passwd", env=police | {"IDTOOL_NEW_PASSPHRASE": "police-pass-2"})
    assert proc.returncode == 0, proc.stderr
    assert_clean_failure(run(db, "audit", "verify", env=police))
    police["IDTOOL_PASSPHRASE"] = "police-pass-2"
    assert run(db, "audit", "verify", env=police).returncode == 0
    proc = run(db, "officer", "remove", "Бакыт Садыров", env=AS_SUP)
    assert proc.returncode == 0, proc.stderr
    assert_clean_failure(run(db, "audit", "verify", env=police))
    proc = run(db, "audit", "verify", env=AS_SUP)
    assert proc.returncode == 0
    assert "intact" in proc.stdout


def test_passphrase_file(db: Path, tmp_path: Path):
    pw = tmp_path / "pw.txt"
    pw.write_text("sup-pass-123\n")
    proc = run(db, "--officer", SUP, "--passphrase-file", str(pw), "audit", "verify")
    assert proc.returncode == 0, proc.stderr


def test_expected_failures_are_one_line(db: Path, tmp_path: Path):
    assert_clean_failure(run(db, "audit", "verify", env=AS_SUP | {"IDTOOL_PASSPHRASE": "no"}))
    assert_clean_failure(run(tmp_path / "empty", "audit", "verify", env=AS_SUP))
    # No passphrase and no terminal.
    assert_clean_failure(run(db, "audit", "verify", env={"IDTOOL_OFFICER": SUP}))
    # init twice
    assert_clean_failure(
        run(
            db,
            "init",
            "--officer",
            "X",
            "--role",
            "supervisor",
            env={"IDTOOL_PASSPHRASE": "another-pass"},
        )
    )
    # locked out after repeated failures
    for _ in range(3):
        run(db, "audit", "verify", env=AS_SUP | {"IDTOOL_PASSPHRASE": "wrong-pass"})
    proc = run(db, "audit", "verify", env=AS_SUP)
    assert_clean_failure(proc)
    assert "Too many failed attempts" in proc.stderr


# Officer names holding control, text-direction or invisible characters, or far too long
# (an argument cannot hold NUL, and one argument is at most 128 KiB on Linux).
HIDDEN_NAMES = {
    "escape": ("Bakyt\x1b[2JSadyrov", "control"),
    "right_to_left_override": ("Bakyt \u202evoryd", "direction"),
    "zero_width_space": ("Bakyt\u200bSadyrov", "invisible"),
    "too_long": ("B" * 100_000, "1 to 100 characters"),
}


@pytest.mark.parametrize("variant", sorted(HIDDEN_NAMES))
def test_officer_name_with_hidden_characters_is_one_clear_line(
    db: Path, tmp_path: Path, variant: str
):
    name, words = HIDDEN_NAMES[variant]
    proc = run(
        db,
        "officer",
        "add",
        name,
        "--role",
        "police",
        env=AS_SUP | {"IDTOOL_NEW_PASSPHRASE": "police-pass-1"},
    )
    assert_clean_failure(proc)
    assert proc.returncode == 7 and words in proc.stderr
    assert name not in proc.stderr and "Bakyt" not in proc.stderr
    assert "police" not in run(db, "officer", "list", env=AS_SUP).stdout
    proc = run(
        tmp_path / "other",
        "init",
        "--officer",
        name,
        "--role",
        "supervisor",
        env={"IDTOOL_PASSPHRASE": "sup-pass-123"},
    )
    assert_clean_failure(proc)
    assert words in proc.stderr and not (tmp_path / "other" / "idtool.db").exists()


def test_corrupt_database_is_one_line(db: Path):
    raw = bytearray((db / "idtool.db").read_bytes())
    raw[100:4000] = os.urandom(3900)
    (db / "idtool.db").write_bytes(bytes(raw))
    proc = run(db, "audit", "verify", env=AS_SUP)
    assert_clean_failure(proc)
    broken = db / "keyslots.json"
    broken.write_text("{broken")
    assert_clean_failure(run(db, "audit", "verify", env=AS_SUP))


def test_messages_follow_the_language(db: Path):
    proc = run(db, "--lang", "ru", "audit", "verify", env=AS_SUP | {"IDTOOL_PASSPHRASE": "no"})
    assert_clean_failure(proc)
    assert "парольная фраза" in proc.stderr.lower()
    proc = run(db, "--lang", "ky", "audit", "verify", env=AS_SUP | {"IDTOOL_PASSPHRASE": "no"})
    assert_clean_failure(proc)
    assert "сырсөз" in proc.stderr.lower()


def test_policy_show_and_set(db: Path):
    proc = run(db, "policy", "show", env=AS_SUP)
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split("\t", 1) for line in proc.stdout.splitlines())
    assert lines["statistics"] == "no\tno\tno\tyes\tno"  # the prosecutor last
    proc = run(db, "policy", "set", "statistics", "police", "allow", env=AS_SUP)
    assert proc.returncode == 0, proc.stderr
    lines = dict(
        line.split("\t", 1) for line in run(db, "policy", "show", env=AS_SUP).stdout.splitlines()
    )
    assert lines["statistics"] == "no\tyes\tno\tyes\tno"
    assert_clean_failure(run(db, "policy", "set", "manage_officers", "police", "allow", env=AS_SUP))


def test_policy_options_and_organisation_at_set_up(db: Path, tmp_path: Path):
    proc = run(db, "policy", "option", env=AS_SUP)
    assert proc.returncode == 0, proc.stderr
    assert "four_eyes\tauto" in proc.stdout
    proc = run(db, "policy", "option", "issuing_types", "police,crisis_centre", env=AS_SUP)
    assert proc.returncode == 0 and "issuing_types\tcrisis_centre,police" in proc.stdout
    assert_clean_failure(run(db, "policy", "option", "four_eyes", "sometimes", env=AS_SUP))
    assert_clean_failure(run(db, "policy", "option", "four_eyes", env=AS_SUP))
    # The organisation chosen at set-up is the issuing body; an unknown one is refused.
    other = tmp_path / "other"
    env = {"IDTOOL_PASSPHRASE": "sup-pass-123"}
    assert_clean_failure(
        run(
            other,
            "init",
            "--officer",
            SUP,
            "--role",
            "supervisor",
            "--organisation",
            "no-such-org",
            env=env,
        )
    )
    assert not (other / "keyslots.json").exists()
    proc = run(
        other,
        "init",
        "--officer",
        SUP,
        "--role",
        "supervisor",
        "--organisation",
        "prosecutor-general",
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    proc = run(other, "certificate", "organisation", env=AS_SUP)
    assert proc.stdout.strip() == "Prosecutor General's Office"


def test_questionnaire_check(tmp_path: Path):
    root = Path(__file__).resolve().parents[2]
    proc = run(
        tmp_path, "questionnaire", "check", str(root / "questionnaires" / "nrm-identification.yaml")
    )
    assert proc.returncode == 0, proc.stderr
    assert "Indicators covered: 80 of 80" in proc.stdout
    broken = root / "tests" / "fixtures" / "forms" / "broken" / "bad_default.yaml"
    proc = run(tmp_path, "questionnaire", "check", str(broken))
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "bad_default.yaml" in proc.stderr and "q2" in proc.stderr
    proc = run(tmp_path, "questionnaire", "check", str(tmp_path / "missing.yaml"))
    assert proc.returncode != 0 and "Traceback" not in proc.stderr


def test_assess_command(tmp_path: Path):
    ids = (
        "dr.nature_of_job,cd.documents_confiscated,cd.violence,ec.excessive_hours,"
        "ec.low_or_no_salary,act.recruitment"
    )
    proc = run(tmp_path, "assess", "--indicators", ids)
    assert proc.returncode == 0, proc.stderr
    assert "presumed victim" in proc.stdout.lower()
    proc = run(tmp_path, "assess", "--indicators", ids, "--lang", "ru")
    assert "рекомендуется идентифицировать как жертву" in proc.stdout
    proc = run(tmp_path, "assess", "--indicators", "ec.excessive_hours", "--child")
    assert proc.returncode == 0
    assert_clean_failure(run(tmp_path, "assess", "--indicators", "no.such_id"))


def test_assess_command_names_the_rules_version_and_reproduces_version_1(tmp_path: Path):
    # an ordinary migrant: long hours, low pay and a hard life
    ids = (
        "act.recruitment,ec.excessive_hours,ec.low_or_no_salary,ec.bad_living_conditions,"
        "rv.economic,rv.family_situation,rv.lack_of_information,vd.unknown_area,vd.economic"
    )
    proc = run(tmp_path, "assess", "--indicators", ids, "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert "Assessment under rules ilo-ec-2009/2" in proc.stdout
    assert "Recommendation: possible victim" in proc.stdout
    assert "not enough on its own" in proc.stdout  # what is missing, in plain words
    assert "would establish it" not in proc.stdout  # no form given
    proc = run(tmp_path, "assess", "--indicators", ids, "--rules-version", "ilo-ec-2009/1")
    assert proc.returncode == 0, proc.stderr
    assert "Assessment under rules ilo-ec-2009/1" in proc.stdout
    assert "Recommendation: presumed victim" in proc.stdout
    proc = run(
        tmp_path, "assess", "--indicators", ids, "--form", "nrm-identification", "--lang", "ru"
    )
    assert proc.returncode == 0, proc.stderr
    assert "Установить это может один ответ на любой из этих вопросов:" in proc.stdout
    bad = run(tmp_path, "assess", "--indicators", ids, "--rules-version", "ilo-ec-2009/9")
    assert_clean_failure(bad)
    assert "ilo-ec-2009/9" in bad.stderr
    assert_clean_failure(run(tmp_path, "assess", "--indicators", ids, "--form", "no-such-form"))
