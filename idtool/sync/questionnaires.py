"""Questionnaires carried by update bundles: collected on the supervisor, checked and
installed on a device, and found again by `questionnaire.registry`.

Installed versions live in the database's `questionnaires` table (written in the import's
transaction, with the bundle and sender they came from); a version, once installed, never
changes. `activate(session)` reads them once into the session's `installed_forms`, which
callers hand to the registry (`installed=`); it writes
each text, when first asked for, to a private cache folder for the loader. Shipped files always
win for the same version, so old versions keep loading from the archive. A questionnaire that
fails the loader's checks, names itself differently than its record, or would change a known
version is quarantined, never installed.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

from idtool import database
from idtool.audit import now_iso
from idtool.database import Connection, DatabaseError
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.paths import questionnaires_dir
from idtool.policy import Action
from idtool.questionnaire import registry
from idtool.questionnaire.build import FORM_ID
from idtool.questionnaire.loader import load_form
from idtool.questionnaire.model import Form
from idtool.questionnaire.problems import FormError, Problem
from idtool.questionnaire.tables import table_names
from idtool.questionnaire.yaml_writer import to_yaml
from idtool.session import Session
from idtool.sync.apply import Applier

MAX_TEXT = 2 * 1024 * 1024
FIELDS = {"form_id", "version", "text"}
_cache_dir: Path | None = None


def _cache() -> Path:
    global _cache_dir
    if _cache_dir is None or not _cache_dir.is_dir():
        _cache_dir = Path(tempfile.mkdtemp(prefix="idtool-forms-"))
        atexit.register(shutil.rmtree, _cache_dir, True)
    return _cache_dir


def _file_for(text: str) -> Path:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    path = _cache() / f"{digest}.yaml"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, "utf-8")
        tmp.replace(path)
    return path


class DatabaseSource:
    """`registry.InstalledSource` over the questionnaires installed in a session's database,
    read once when activated: no connection is kept, so a form can be found from any thread.
    Nothing is found once that session is closed (the program was locked)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        try:
            rows = session.conn.execute("SELECT form_id, version, text FROM questionnaires")
            self._texts = {(str(f), str(v)): str(t) for f, v, t in rows}
        except DatabaseError:  # not yet migrated: no installed forms
            self._texts = {}

    def listing(self) -> list[tuple[str, str]]:
        return [] if self._session.closed else list(self._texts)

    def path(self, form_id: str, version: str) -> Path | None:
        text = None if self._session.closed else self._texts.get((form_id, version))
        return None if text is None else _file_for(text)


def activate(session: Session) -> None:
    """Let the registry find the questionnaires installed in this session's database (again
    after an import installed new ones)."""
    session.installed_forms = DatabaseSource(session)


def collect(conn: Connection) -> list[dict[str, Any]]:
    """Supervisor: every questionnaire version it has (shipped, archived, installed), as text."""
    found: dict[tuple[str, str], str] = {}
    folder = questionnaires_dir()
    paths = sorted(folder.glob("*.yaml")) + sorted((folder / "archive").glob("*/*.yaml"))
    for path in paths:
        form = registry.load_file(path)
        found[(form.form_id, form.version)] = path.read_text("utf-8")
    for form_id, version, text in conn.execute(
        "SELECT form_id, version, text FROM questionnaires ORDER BY form_id, version"
    ):
        found.setdefault((str(form_id), str(version)), str(text))
    return [
        {"table": "questionnaires", "row": {"form_id": f, "version": v, "text": t}}
        for (f, v), t in sorted(found.items())
    ]


def check(row: object) -> tuple[str, str, str] | tuple[None, str, str]:
    """(form_id, version, text) of a sound questionnaire, or (None, reason, detail)."""
    if (
        not isinstance(row, dict)
        or set(row) != FIELDS
        or not all(isinstance(v, str) for v in row.values())
    ):
        return None, "wrong_type", ""
    form_id, version, text = row["form_id"], row["version"], row["text"]
    if (
        not FORM_ID.fullmatch(form_id)
        or not registry.SAFE_VERSION.fullmatch(version)
        or len(version) > 40
    ):
        return None, "bad_name", ""
    if len(text.encode("utf-8")) > MAX_TEXT:
        return None, "too_large", ""
    with tempfile.TemporaryDirectory(prefix="idtool-form-check-") as tmp:
        path = Path(tmp) / f"{form_id}.yaml"
        path.write_text(text, "utf-8")
        try:
            form = load_form(path)
        except FormError as e:
            return (
                None,
                "invalid_questionnaire",
                "; ".join(str(p) for p in getattr(e, "problems", ()))[:500],
            )
        except Exception as e:  # a loader bug must not install or abort the import
            return None, "invalid_questionnaire", type(e).__name__
    if (form.form_id, form.version) != (form_id, version):
        return None, "id_mismatch", f"{form.form_id} {form.version}"
    return form_id, version, text


def _shipped_text(form_id: str, version: str) -> str | None:
    folder = questionnaires_dir()
    for path in [*folder.glob("*.yaml"), folder / "archive" / form_id / f"{version}.yaml"]:
        if path.is_file():
            form = registry.load_file(path)
            if (form.form_id, form.version) == (form_id, version):
                return path.read_text("utf-8")
    return None


def install(session: Session, applier: Applier, row: object) -> None:
    """Inside the import transaction: install one questionnaire record, or quarantine it."""
    form_id, version, text = check(row)
    if form_id is None:  # (None, reason, detail)
        applier.quarantine("questionnaires", row, version, text)
        return
    conn = session.conn
    known = conn.execute(
        "SELECT text FROM questionnaires WHERE form_id = ? AND version = ?", (form_id, version)
    ).fetchone()
    have = str(known[0]) if known is not None else _shipped_text(form_id, version)
    if have is not None:
        if have == text:
            applier.report.add("questionnaires", "unchanged")
        else:  # a published version never changes
            applier.quarantine("questionnaires", row, "version_changed", f"{form_id} {version}")
        return
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    conn.execute(
        "INSERT INTO questionnaires (form_id, version, text, sha256, bundle_id, sender,"
        " installed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (form_id, version, text, digest, applier.bundle_id, applier.sender, now_iso()),
    )
    session.audit(
        "questionnaire.install",
        form_id,
        {"version": version, "sha256": digest, "bundle": applier.bundle_id},
    )
    applier.report.add("questionnaires", "imported")


def publish(session: Session, path: Path) -> tuple[str, str, tuple[Problem, ...]]:
    """Coordinator: install a questionnaire file (YAML, or an XLSForm written out as YAML,
    `yaml_writer`) here, so the next update carries it to every device; returns its id,
    version and the loader's warnings. FormError if it does not load; InvalidInput if that
    version is already published (a version, once published, never changes)."""
    session.require(Action.TRUST_LIST)
    form = load_form(path)
    tables = sorted(table_names(form.expressions()))
    if tables:
        raise InvalidInput(
            _(
                "The questionnaire reads the table(s) {tables} with pulldata(): tables do not "
                "travel to the devices, where every such value would be empty, so it is not "
                "published. Put the values in a choice list or a calculation instead."
            ).format(tables=", ".join(tables))
        )
    text = to_yaml(form)
    _check_as_written(form, text)
    form_id, version, detail = check(
        {"form_id": form.form_id, "version": form.version, "text": text}
    )
    if form_id is None:  # what every device checks too: the id, the version, the size
        raise InvalidInput(
            _("The questionnaire cannot be published as written: {detail}").format(
                detail=detail or version
            )
        )
    known = session.conn.execute(
        "SELECT text FROM questionnaires WHERE form_id = ? AND version = ?", (form_id, version)
    ).fetchone()
    if known is not None or _shipped_text(form_id, version) is not None:
        raise InvalidInput(
            _(
                "Version {version} of questionnaire {form_id} is already published, and a "
                "published version never changes: give the form a new version "
                "(settings sheet, column version)."
            ).format(version=version, form_id=form_id)
        )
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with database.transaction(session.conn):
        session.conn.execute(
            "INSERT INTO questionnaires (form_id, version, text, sha256, bundle_id, sender,"
            " installed_at) VALUES (?, ?, ?, ?, '', ?, ?)",
            (form_id, version, text, digest, session.device_id, now_iso()),
        )
        session.audit("questionnaire.publish", form_id, {"version": version, "sha256": digest})
    activate(session)
    return form_id, version, form.warnings


def _check_as_written(form: Form, text: str) -> None:
    """InvalidInput, naming the questions, unless `text` loads as the devices will load it
    into a form equal to `form` (what an XLSForm allows and the YAML format does not, such as
    a choice name repeated under allow_choice_duplicates, is refused here)."""
    with tempfile.TemporaryDirectory(prefix="idtool-form-check-") as tmp:
        written = Path(tmp) / f"{form.form_id}.yaml"
        written.write_text(text, "utf-8")
        try:
            again = load_form(written)
        except FormError as error:
            found = [p for p in error.problems if not p.warning][:5]
            detail = "; ".join(
                f"{p.question}: {p.message}" if p.question else p.message for p in found
            )
            raise InvalidInput(
                _("The questionnaire cannot be published as written: {detail}").format(
                    detail=detail
                )
            ) from None
    if again != form:
        raise InvalidInput(
            _(
                "The questionnaire cannot be published as written: written out for the "
                "devices it would not be the same form."
            )
        )
