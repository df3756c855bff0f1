"""`idtool conflicts list | resolve` on a post: the conflict the coordinator's update caused is
listed with the fields that differ and resolved keeping the post's version (issue 16, item 3)."""

from __future__ import annotations

from pathlib import Path

from idtool import cases, kdf
from idtool.sync import export, updates
from idtool.sync.importer import import_bundle
from idtool.vault import Vault
from tests.support.cases import assessed_case
from tests.support.cli import Runner, assert_clean_failure, one_line
from tests.support.sync import PASS, make_world


def _rename(session, case_uuid: str, name: str) -> None:
    cases.set_details(
        session, case_uuid, full_name=name, birth_date="", document_number="", working_name=""
    )


def test_list_and_keep_the_posts_version(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    (post,) = w.devs
    case = assessed_case(post, name="Айдай Мамытова")
    import_bundle(w.sup, export.export_cases(post, w.out))
    _rename(w.sup, case.uuid, "Айдай Мамытова (коорд.)")
    _rename(post, case.uuid, "Айдай Мамытовна")
    assert import_bundle(post, updates.export_update(w.sup, w.out, [post.device_id])).conflicts == 1
    post.close()
    temp = tmp_path / "tmp"
    temp.mkdir()
    run = Runner(tmp_path / "dev0", temp, tmp_path)
    officer = {"IDTOOL_OFFICER": "Officer 0", "IDTOOL_PASSPHRASE": PASS}

    proc = run("conflicts", "list", env=officer)
    assert proc.returncode == 0, proc.stderr
    head, *lines = proc.stdout.splitlines()
    fields = [line.strip() for line in lines]
    conflict, kind, _created = head.split("\t")
    assert kind == "Person"
    assert "Full name: here Айдай Мамытовна | incoming Айдай Мамытова (коорд.)" in fields
    assert not any(f.startswith("name_key") for f in fields)  # computed here: not shown

    assert_clean_failure(run("conflicts", "resolve", conflict, "--keep", "mine", env=officer))
    proc = run("conflicts", "resolve", conflict, "--keep", "local", env=officer)
    assert proc.returncode == 0, proc.stderr
    assert "version on this computer is kept" in one_line(proc)
    assert one_line(run("conflicts", "list", env=officer)) == "No open conflicts."
    assert_clean_failure(run("conflicts", "resolve", conflict, "--keep", "local", env=officer))

    again = Vault(tmp_path / "dev0", kdf_params=kdf.FAST_PARAMS).unlock("Officer 0", PASS)
    here = cases.get_case(again, case.uuid, audit_view=False)
    assert here.person.full_name == "Айдай Мамытовна"
