"""`idtool case new | interview ... | decide` as an officer's script runs them: the whole
workflow without Python, one clear line per step, nothing half-written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from idtool import cases, decisions, interviews, kdf, referrals
from idtool.certificate import issuing_org, ledger
from idtool.cli import casework, interview
from idtool.paths import project_root
from idtool.vault import Vault
from tests.conftest import ISSUING_ORG
from tests.support.cli import SUP, SUP_PASS, Runner, assert_clean_failure, one_line, tree

EXAMPLES = project_root() / "docs" / "examples"
ANSWERS = json.loads((EXAMPLES / "screening-answers.json").read_text("utf-8"))


@pytest.fixture
def run(tmp_path: Path) -> Runner:
    """The command line on a new database of a supervisor whose device may issue."""
    data = tmp_path / "data"
    session, _code = Vault(data, kdf_params=kdf.FAST_PARAMS).create(SUP, "supervisor", SUP_PASS)
    with session:
        issuing_org.set_organisation(session, ISSUING_ORG)
    for name in ("tmp", "cwd", "out"):
        (tmp_path / name).mkdir()
    return Runner(data, tmp_path / "tmp", tmp_path / "cwd")


def unlocked(run: Runner):  # type: ignore[no-untyped-def]
    return Vault(run.data, kdf_params=kdf.FAST_PARAMS).unlock(SUP, SUP_PASS)


def started(run: Runner, *person: str) -> tuple[str, str]:
    """A new case (with `person` options) and a screening started on it: (number, interview)."""
    proc = run("case", "new", "--region", "osh", *person, "--quiet")
    assert proc.returncode == 0, proc.stderr
    number = one_line(proc)
    proc = run("interview", "start", number, "--quiet")
    assert proc.returncode == 0, proc.stderr
    return number, one_line(proc)


def test_the_readme_script_runs_from_opening_to_referral(run: Runner, tmp_path: Path):
    """docs/examples/scripted-case.sh, as the README shows it, run for real."""
    if shutil.which("bash") is None:
        pytest.skip("needs bash")
    bin_dir = tmp_path / "bin"  # `idtool` on the PATH is this Python's, whatever is installed
    bin_dir.mkdir()
    (bin_dir / "idtool").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m idtool "$@"\n')
    (bin_dir / "idtool").chmod(0o755)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("IDTOOL_", "LC_", "LANG")) or k in ("IDTOOL_KDF", "IDTOOL_CONFIG")
    }
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        IDTOOL_DATA=str(run.data),
        IDTOOL_OFFICER=SUP,
        IDTOOL_PASSPHRASE=SUP_PASS,
        LANG="en_US.UTF-8",  # the messages follow the user's language
        TMPDIR=str(run.tmp),
    )
    out = tmp_path / "out"
    proc = subprocess.run(
        ["bash", str(EXAMPLES / "scripted-case.sh"), str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=run.cwd,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Interview completed on case" in proc.stdout and "Recommendation:" in proc.stdout
    assert "Referral " in proc.stdout and "Crisis centre (Osh)" in proc.stdout

    with unlocked(run) as session:
        (case,) = [cases.get_case(session, c) for c in _case_uuids(session)]
        assert case.status == cases.Status.REFERRED
        assert (case.person.full_name, case.person.birth_date) == ("Асель Мисалова", "1998-04-12")
        assert case.person.document_number == "ID0000001"
        (done,) = interviews.for_case(session, case.uuid)
        assert done.state == "completed" and done.language == "ky"
        assert interviews.answers(session, done.uuid)["age_now"] == ANSWERS["age_now"]
        assert decisions.history(session, case.uuid)[-1].decision == "identified_victim"
        (sent,) = referrals.for_case(session, case.uuid)
        assert sent.recipient_id == "crisis-centre-osh" and sent.services == ("shelter",)
        number = ledger.numbers_by_case(session)[case.uuid]
    assert sorted(os.listdir(out)) == [
        f"certificate-{case.number}.pdf",
        f"referral-{case.number}.pdf",
    ]
    certificate = pypdf.PdfReader(out / f"certificate-{case.number}.pdf").pages[0].extract_text()
    assert number in " ".join(certificate.split())
    assert (out / f"referral-{case.number}.pdf").read_bytes().startswith(b"%PDF-")
    assert tree(run.tmp) == set() and tree(run.cwd) == set()


def test_the_readme_shows_the_script_as_it_is():
    readme = (project_root() / "README.md").read_text("utf-8")
    shown = readme.split("### A scripted case", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    script = (EXAMPLES / "scripted-case.sh").read_text("utf-8")
    assert shown.count("idtool ") >= 10
    for line in shown.splitlines():
        assert line in script, line


def _case_uuids(session) -> list[str]:  # type: ignore[no-untyped-def]
    from idtool import case_list

    query = case_list.CaseQuery()
    return [r.uuid for r in query.page(session, 0, query.count(session))]


def test_case_new_keeps_the_persons_details(run: Runner):
    proc = run(
        "case",
        "new",
        "--region",
        "bishkek",
        "--name",
        "  Асель   Мисалова ",
        "--sex",
        "female",
        "--birth-date",
        "1998-04-12",
        "--document",
        "AN 123",
    )
    assert proc.returncode == 0, proc.stderr
    line = one_line(proc)
    assert line.startswith("Case ") and line.endswith(" opened.")
    number = line.split()[1]
    proc = run("case", "new", "--region", "osh", "--working-name", "Bird", "-q")
    assert proc.returncode == 0 and one_line(proc) != number
    with unlocked(run) as session:
        person = cases.get_case(session, ledger.case_uuid_for_number(session, number)).person
        unnamed = cases.get_case(session, ledger.case_uuid_for_number(session, one_line(proc)))
    assert (person.full_name, person.sex, person.birth_date) == (
        "Асель Мисалова",
        "female",
        "1998-04-12",
    )
    assert person.document_number == "AN 123"
    assert (unnamed.person.full_name, unnamed.person.working_name) == ("", "Bird")


def test_case_new_refuses_bad_details_before_writing(run: Runner):
    before = run("case", "list", "--json").stdout
    for bad in (
        ("--birth-date", "2999-01-01"),
        ("--birth-date", "yesterday"),
        ("--document", "x" * 65),
        ("--name", "\u202eavoraydaS"),
    ):
        proc = run("case", "new", "--region", "osh", *bad)
        assert_clean_failure(proc, 7)
        assert "Sadyrova"[::-1] not in proc.stderr and bad[1] not in proc.stderr
    proc = run("case", "new", "--region", "atlantis")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr  # argparse: the choices
    assert run("case", "list", "--json").stdout == before == "[]\n"


def test_answers_one_by_one_then_complete_and_decide(run: Runner):
    number, interview = started(run, "--name", "Асель Мисалова")
    proc = run("interview", "answer", interview, "age_now", "27")
    assert proc.returncode == 0, proc.stderr
    assert one_line(proc) == "Answer to age_now saved. Required answers given: 1 of 7."
    proc = run(
        "interview", "answer", interview, "exploitation_type", "forced_labour forced_begging"
    )
    assert proc.returncode == 0, proc.stderr

    # Completing too early names what is missing; the interview stays open.
    proc = run("interview", "complete", interview)
    assert_clean_failure(proc, 7)
    assert "5 answer(s) are missing" in proc.stderr and "consent_referral" in proc.stderr
    proc = run("interview", "show", interview)
    assert proc.returncode == 0, proc.stderr
    assert "Required answers given: 2 of 7." in proc.stdout
    missing = {ln.split("\t")[0].strip() for ln in proc.stdout.splitlines() if "\t" in ln}
    assert missing == {
        "urgent_medical",
        "safe_place",
        "under_18_at_exploitation",
        "information_given",
        "consent_referral",
    }
    assert_clean_failure(run("decide", number, "identified_victim"), 7)  # nothing assessed yet

    rest = {q: v for q, v in ANSWERS.items() if q not in ("age_now", "exploitation_type")}
    proc = run("interview", "answer", interview, "--file", "-", stdin=json.dumps(rest))
    assert proc.returncode == 0, proc.stderr
    proc = run("interview", "complete", interview)
    assert proc.returncode == 0, proc.stderr
    assert one_line(proc) == (
        f"Interview completed on case {number}. "
        "Recommendation: presumed victim of trafficking in persons."
    )
    # A completed interview takes no answer and is not completed twice.
    assert_clean_failure(run("interview", "answer", interview, "age_now", "28"), 6)
    assert_clean_failure(run("interview", "complete", interview), 6)
    listed = run("interview", "list", number).stdout.splitlines()
    assert listed == [f"{interview}\tnrm-screening\t2\ten\tcompleted"]
    rows = json.loads(run("interview", "list", number, "--json").stdout)
    assert rows[0]["interview"] == interview and rows[0]["state"] == "completed"

    # Against the recommendation: a reason, and the supervisor's review.
    proc = run("decide", number, "not_victim")
    assert_clean_failure(proc, 7)
    assert "give the reason" in proc.stderr
    proc = run("decide", number, "not_victim", "--reason", "checked with the employer")
    assert proc.returncode == 0, proc.stderr
    line = one_line(proc)
    assert f"Decision on case {number} recorded: Not identified as a victim." in line
    assert "review queue" in line
    proc = run("decide", number, "identified_victim")
    assert proc.returncode == 0 and "review" not in one_line(proc)
    with unlocked(run) as session:
        case_uuid = ledger.case_uuid_for_number(session, number)
        assert [d.decision for d in decisions.history(session, case_uuid)] == [
            "not_victim",
            "identified_victim",
        ]
        assert cases.get_case(session, case_uuid).status == cases.Status.IDENTIFIED


def test_an_answers_file_is_saved_all_or_none(run: Runner, tmp_path: Path):
    number, interview = started(run)
    bad = dict(ANSWERS, age_now="twenty-seven")
    (tmp_path / "bad.json").write_text(json.dumps(bad), "utf-8")
    proc = run("interview", "answer", interview, "--file", str(tmp_path / "bad.json"))
    assert_clean_failure(proc, 7)
    assert "Nothing was saved" in proc.stderr and "age_now" in proc.stderr
    assert "twenty-seven" not in proc.stderr  # the refusal never repeats the answer
    unknown = dict(ANSWERS, favourite_colour="blue")
    (tmp_path / "unknown.json").write_text(json.dumps(unknown), "utf-8")
    proc = run("interview", "answer", interview, "--file", str(tmp_path / "unknown.json"))
    assert_clean_failure(proc, 7)
    assert "favourite_colour" in proc.stderr
    for name, text in (("broken.json", '{"age_now": 27,'), ("list.json", "[1, 2]")):
        (tmp_path / name).write_text(text, "utf-8")
        assert_clean_failure(run("interview", "answer", interview, "--file", str(tmp_path / name)))
    assert_clean_failure(run("interview", "answer", interview, "--file", str(tmp_path / "no.json")))
    assert_clean_failure(
        run("interview", "answer", interview, "age_now", "--file", str(tmp_path / "bad.json"))
    )
    assert_clean_failure(run("interview", "answer", interview, "age_now"))
    with unlocked(run) as session:
        assert interviews.answers(session, interview) == {}  # nothing half-written

    # From standard input, as a script pipes it; then completed.
    proc = run("interview", "answer", interview, "--file", "-", stdin=json.dumps(ANSWERS))
    assert proc.returncode == 0, proc.stderr
    assert one_line(proc) == f"Answers saved: {len(ANSWERS)}. Required answers given: 7 of 7."
    assert run("interview", "complete", interview).returncode == 0
    with unlocked(run) as session:
        stored = interviews.answers(session, interview)
    assert stored["age_now"] == 27 and stored["exploitation_type"] == ["forced_labour"]
    assert number


def test_start_chooses_the_form_and_language(run: Runner):
    number, screening = started(run)
    proc = run("interview", "start", number, "--form", "nrm-identification", "--lang", "ky")
    assert proc.returncode == 0, proc.stderr
    line = one_line(proc)  # the messages stay English: --lang after the command is the interview's
    assert line.startswith("Interview ") and "version" in line and "Кыргызча" in line
    identification = line.split()[1]
    proc = run("interview", "start", number, "--form", "no-such-form")
    assert_clean_failure(proc, 7)
    assert "nrm-screening" in proc.stderr  # the forms one may run
    assert_clean_failure(run("interview", "start", "NO-SUCH-CASE"), 7)
    assert_clean_failure(run("interview", "answer", "no-such-interview", "age_now", "3"), 7)
    with unlocked(run) as session:
        found = {i.uuid: i for i in interviews.for_case(session, _uuid(session, number))}
    assert (found[screening].form_id, found[screening].language) == ("nrm-screening", "en")
    assert (found[identification].form_id, found[identification].language) == (
        "nrm-identification",
        "ky",
    )


def _uuid(session, number: str) -> str:  # type: ignore[no-untyped-def]
    return ledger.case_uuid_for_number(session, number)


def test_cli_choices_match_the_core():
    from ui.cases.new_case_dialog import SEXES

    assert set(casework.DECISIONS) == {d.value for d in decisions.Decision}
    assert tuple(value for value, _label in SEXES if value) == casework.SEXES
    assert set(interview.STATE_LABELS) == {"in_progress", "completed"}


def test_messages_follow_the_users_language(run: Runner, tmp_path: Path):
    """--lang > settings > LANG / LC_MESSAGES / LC_ALL > the default (Russian)."""
    config = tmp_path / "config"
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("IDTOOL_", "LC_", "LANG")) or k == "IDTOOL_KDF"
    }
    base.update(IDTOOL_CONFIG=str(config), IDTOOL_OFFICER=SUP)  # no passphrase: refused

    def refusal(*before: str, **env: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-m", "idtool", "--data", str(run.data), *before, "audit", "verify"],
            capture_output=True,
            text=True,
            env=base | env,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        assert_clean_failure(proc, 7)
        return proc.stderr.lower()

    ky, ru, en = "сырсөз берилген жок", "парольная фраза не указана", "no passphrase given"
    assert ru in refusal()  # nothing says otherwise: the default
    assert ru in refusal(LANG="C.UTF-8")
    assert ky in refusal(LANG="ky_KG.UTF-8")
    assert en in refusal(LANG="ky_KG.UTF-8", LC_MESSAGES="en_GB.UTF-8")
    assert ru in refusal(LANG="ky_KG.UTF-8", LC_MESSAGES="en_GB.UTF-8", LC_ALL="ru_RU.UTF-8")
    config.mkdir()
    (config / "settings.json").write_text('{"language": "ky"}', "utf-8")
    assert ky in refusal(LANG="en_US.UTF-8")  # the settings win over the environment
    assert en in refusal("--lang", "en", LANG="ru_RU.UTF-8")  # and --lang over the settings


def test_a_name_given_only_in_an_answers_file_reaches_the_person(run: Runner):
    """The README's advice for a real person: no name in the arguments (`ps`, shell history);
    the name and date of birth on standard input, through the identification interview."""
    proc = run("case", "new", "--region", "osh", "--quiet")
    assert proc.returncode == 0, proc.stderr
    number = one_line(proc)
    proc = run("interview", "start", number, "--form", "nrm-identification", "--quiet")
    assert proc.returncode == 0, proc.stderr
    given = {"full_name": "Асель Мисалова", "date_of_birth": "12.04.1998"}
    proc = run("interview", "answer", one_line(proc), "--file", "-", stdin=json.dumps(given))
    assert proc.returncode == 0, proc.stderr
    assert "Асель" not in proc.stdout + proc.stderr
    with unlocked(run) as session:
        person = cases.get_case(session, _uuid(session, number)).person
    assert (person.full_name, person.birth_date) == ("Асель Мисалова", "1998-04-12")
