"""Shared fixtures. Tests use a fast key-derivation setting and never touch the user's folders.

Builders that several test modules use live in tests/support; a test module imports from there
or from a conftest, never from another test module (tests/unit/test_test_layout.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["IDTOOL_KDF"] = "fast"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from idtool import kdf
from idtool.i18n import set_language
from idtool.session import Session
from idtool.vault import Vault

SUPERVISOR = "Айгүл Өмүрбекова"
SUPERVISOR_PASS = "тоо-суу-2026"
POLICE = "Бакыт Садыров"
ISSUING_ORG = "mvd-anti-trafficking"  # an organisation of a type that may issue by default
POLICE_PASS = "police-pass-1"


@pytest.fixture(autouse=True)
def _isolated_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDTOOL_CONFIG", str(tmp_path / "config"))
    monkeypatch.setenv("IDTOOL_DATA", str(tmp_path / "data"))
    for name in ("IDTOOL_PASSPHRASE", "IDTOOL_NEW_PASSPHRASE", "IDTOOL_OFFICER"):
        monkeypatch.delenv(name, raising=False)
    set_language("en")  # tests read English messages unless they choose a language


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def vault(data_dir: Path) -> Vault:
    return Vault(data_dir, kdf_params=kdf.FAST_PARAMS)


@pytest.fixture
def made_vault(vault: Vault) -> tuple[Vault, str]:
    """A vault with a supervisor, working for an organisation that may issue certificates;
    returns it with its recovery code."""
    from idtool.certificate import issuing_org

    session, code = vault.create(SUPERVISOR, "supervisor", SUPERVISOR_PASS)
    issuing_org.set_organisation(session, ISSUING_ORG)
    session.close()
    return vault, code


@pytest.fixture
def session(made_vault: tuple[Vault, str]) -> Iterator[Session]:
    """The supervisor's session on `made_vault`, closed after the test."""
    vault, _ = made_vault
    s = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    yield s
    s.close()
