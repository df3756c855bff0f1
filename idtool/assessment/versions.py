"""The rules versions this program ships, found by their version string.

Every stored assessment names the version it was made with (`ilo-ec-2009/1`); the file of a
version is its name with "/" written "-" (`questionnaires/rules/ilo-ec-2009-1.yaml`), and the
version inside the file must match. A version string read from a database or a package is
checked before it names a file.
"""

from __future__ import annotations

import re
from pathlib import Path

from idtool.assessment.rules import Rules, RulesError
from idtool.assessment.rules_file import default_rules_path, load_rules

VERSION_1 = "ilo-ec-2009/1"
VERSION_2 = "ilo-ec-2009/2"
SHIPPED_VERSIONS: tuple[str, ...] = (VERSION_1, VERSION_2)
_VERSION = re.compile(r"[a-z][a-z0-9.-]{0,40}/[0-9]{1,4}")


def current_version() -> str:
    """The version new assessments are made with."""
    return load_rules().version


def rules_path(version: str) -> Path:
    """The file of a rules version (which may not exist); RulesError for a malformed version."""
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        raise RulesError(f"unknown rules version {version!r}")
    return default_rules_path().with_name(version.replace("/", "-") + ".yaml")


def rules_for(version: str | None = None) -> Rules:
    """The rules of `version` (None: the current rules); RulesError for an unknown version."""
    if version is None:
        return load_rules()
    path = rules_path(version)
    if not path.is_file():
        known = ", ".join(SHIPPED_VERSIONS)
        raise RulesError(f"unknown rules version {version!r} (this program has {known})")
    rules = load_rules(path)
    if rules.version != version:
        raise RulesError(f"{path.name}: holds version {rules.version!r}, not {version!r}")
    return rules
