"""Update bundles from the coordinator: the directory, the policy and the questionnaire versions
they install, the permission to import them, and installed versions found again after a restart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from idtool import directory, interviews, permissions, policy
from idtool.errors import NotPermitted
from idtool.paths import questionnaires_dir
from idtool.questionnaire import registry
from idtool.sync import updates
from idtool.sync.importer import import_bundle
from tests.support.cases import person_case
from tests.support.sync import CRISIS, make_world, update_all


def test_update_installs_directory_policy_and_questionnaires(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    shipped = registry.load_shipped("nrm-screening").version
    newer_version, broken_version = str(int(shipped) + 1), str(int(shipped) + 2)
    case = person_case(dev, "Айпери Садырова")  # run with the shipped screening version
    old = next(i for i in interviews.for_case(dev, case.uuid) if i.form_id == "nrm-screening")
    org = directory.get(w.sup, CRISIS)
    directory.save(w.sup, directory.Organisation(**{**org.__dict__, "contact": "+996 555 000"}))
    assert permissions.change(w.sup, policy.Action.STATISTICS, policy.Role.POLICE, True)
    text = (questionnaires_dir() / "nrm-screening.yaml").read_text("utf-8")
    newer = text.replace(f'version: "{shipped}"', f'version: "{newer_version}"', 1)
    broken = text.replace(f'version: "{shipped}"', f'version: "{broken_version}"', 1).replace(
        "sections:", "sectionz:"
    )
    for version, body in ((newer_version, newer), (broken_version, broken)):
        # as if installed on the supervisor
        w.sup.conn.execute(
            "INSERT INTO questionnaires VALUES ('nrm-screening', ?, ?, 'x', 'b', 's', 'now')",
            (version, body),
        )

    update_all(w)

    assert directory.get(dev, CRISIS).contact == "+996 555 000"
    assert dev.can(policy.Action.STATISTICS)
    installed = dev.installed_forms
    assert registry.load_shipped("nrm-screening", installed=installed).version == newer_version
    # only this database has the newer version
    assert registry.load_shipped("nrm-screening").version == shipped
    assert registry.load_shipped("nrm-screening", shipped, installed=installed).version == shipped
    assert interviews.form_of(dev, old).version == shipped  # old version stays
    assert [f.version for f in interviews.forms_for(dev) if f.form_id == "nrm-screening"] == [
        newer_version
    ]
    with pytest.raises(registry.FormNotFound):
        registry.load_shipped("nrm-screening", broken_version, installed=installed)
    installed = dev.conn.execute("SELECT version FROM questionnaires").fetchall()
    assert installed == [(newer_version,)]
    quarantined = dev.conn.execute(
        "SELECT reason FROM sync_quarantine WHERE tbl = 'questionnaires'"
    ).fetchall()
    assert quarantined == [("invalid_questionnaire",)]
    actions = {r[0] for r in dev.conn.execute("SELECT action FROM audit")}
    assert {
        "questionnaire.install",
        "directory.update",
        "policy.update",
        "bundle.import",
    } <= actions
    # The same update again changes nothing; a second, newer update is all "unchanged".
    assert import_bundle(dev, next(w.out.glob("*.idtb"))).already_imported
    report = import_bundle(dev, updates.export_update_all(w.sup, w.out))
    assert report.imported == 0 and report.quarantined == 1  # the broken form, again


def test_update_import_needs_the_permission(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    path = updates.export_update_all(w.sup, w.out)
    for role in policy.Role:
        policy.set_allowed(dev.conn, policy.Action.IMPORT_UPDATE_BUNDLE, role, False, dev.device_id)
    with pytest.raises(NotPermitted):
        import_bundle(dev, path)


def test_installed_questionnaires_are_found_after_a_restart(tmp_path):
    """Unlocking activates the questionnaire versions that update bundles installed."""
    from idtool import kdf
    from idtool.questionnaire import registry
    from idtool.vault import Vault

    vault = Vault(tmp_path / "d", kdf_params=kdf.FAST_PARAMS)
    vault.create("Sup", "supervisor", "passphrase-1")[0].close()
    with vault.unlock("Sup", "passphrase-1") as session:
        text = (registry.questionnaires_dir() / "nrm-screening.yaml").read_text("utf-8")
        text = re.sub(r'^version: "[^"]*"', 'version: "77"', text, count=1, flags=re.M)
        import hashlib

        session.conn.execute(
            "INSERT INTO questionnaires (form_id, version, text, sha256, bundle_id, sender,"
            " installed_at) VALUES ('nrm-screening', '77', ?, ?, 'b', 's', '2026-01-01')",
            (text, hashlib.sha256(text.encode()).hexdigest()),
        )
    with vault.unlock("Sup", "passphrase-1") as session:
        found = registry.load_shipped("nrm-screening", "77", installed=session.installed_forms)
        assert found.version == "77"
        with pytest.raises(registry.FormNotFound):  # nothing global: another database's
            registry.load_shipped("nrm-screening", "77")
