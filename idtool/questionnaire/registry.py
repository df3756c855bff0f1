"""The questionnaires shipped with the program, current and archived.

The current version of each form is a `*.yaml` file at the top of `questionnaires/`; older
versions stay loadable (interviews keep the version they were run with) under
`questionnaires/archive/<form_id>/<version>.yaml`. Versions installed later by a supervisor's
update bundle come from an installed-forms source passed in by the caller (`installed=`: the
session's `installed_forms`, over the open database's `questionnaires` table); a shipped file wins
for the same version. Nothing here is global: a closed or other database is never consulted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.paths import questionnaires_dir
from idtool.questionnaire.build import FORM_ID
from idtool.questionnaire.loader import load_form
from idtool.questionnaire.model import Form

SAFE_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class FormNotFound(InvalidInput):
    """No shipped form has this id (and version)."""


@dataclass(frozen=True)
class ShippedForm:
    form_id: str
    version: str
    path: Path
    form: Form


def load_file(path: Path) -> Form:
    """A questionnaire file, read once while it does not change (cached by time and size)."""
    stat = path.stat()
    return _load_cached(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _load_cached(path: Path, mtime_ns: int, size: int) -> Form:
    return load_form(path)


class InstalledSource(Protocol):
    def listing(self) -> list[tuple[str, str]]: ...  # (form_id, version), checked on install

    def path(self, form_id: str, version: str) -> Path | None: ...  # a YAML file to load


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order of versions: "2" < "10", "1.9" < "1.10"."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[._-]", version))


def _installed_form(
    installed: InstalledSource | None, form_id: str, version: str
) -> ShippedForm | None:
    path = installed.path(form_id, version) if installed is not None else None
    if path is None:
        return None
    form = load_file(path)
    if form.form_id != form_id or form.version != version:
        return None
    return ShippedForm(form_id, version, path, form)


def _directory(directory: Path | None) -> Path:
    return directory if directory is not None else questionnaires_dir()


def available_forms(
    directory: Path | None = None, installed: InstalledSource | None = None
) -> list[ShippedForm]:
    """The current version of every shipped form (or a newer installed one), by form id
    (FormError if one is broken)."""
    found = []
    for path in sorted(_directory(directory).glob("*.yaml")):
        form = load_file(path)
        found.append(ShippedForm(form.form_id, form.version, path, form))
    if installed is not None:  # a newer installed version is current
        current = {f.form_id: f for f in found}
        for form_id, version in installed.listing():
            have = current.get(form_id)
            if have is None or version_key(version) > version_key(have.version):
                newer = _installed_form(installed, form_id, version)
                if newer is not None:
                    current[form_id] = newer
        found = list(current.values())
    return sorted(found, key=lambda f: f.form_id)


def archived_versions(form_id: str, directory: Path | None = None) -> list[str]:
    """The versions kept in the archive for `form_id` (the current one not included)."""
    folder = _directory(directory) / "archive" / form_id
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def load_shipped(
    form_id: str,
    version: str | None = None,
    directory: Path | None = None,
    installed: InstalledSource | None = None,
) -> Form:
    """The current form `form_id`, or the given version of it (current, archived or installed)."""
    for shipped in available_forms(directory, installed):
        if shipped.form_id == form_id and version in (None, shipped.version):
            return shipped.form
    if version is not None and FORM_ID.fullmatch(form_id) and SAFE_VERSION.fullmatch(version):
        for path in sorted(_directory(directory).glob("*.yaml")):  # shipped, now superseded
            form = load_file(path)
            if form.form_id == form_id and form.version == version:
                return form
        path = _directory(directory) / "archive" / form_id / f"{version}.yaml"
        if path.is_file():
            form = load_file(path)
            if form.form_id == form_id and form.version == version:
                return form
        found = _installed_form(installed, form_id, version)
        if found is not None:
            return found.form
    if version is None:
        raise FormNotFound(_("No questionnaire {form_id} is installed").format(form_id=form_id))
    raise FormNotFound(
        _("Questionnaire {form_id} version {version} is not installed").format(
            form_id=form_id, version=version
        )
    )
