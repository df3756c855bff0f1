"""Command: self-check. Does this installation work? Checked with fictional data only.

In a temporary folder, removed afterwards even when a step fails: make a fresh encrypted
database for a fictional officer, check that the file is encrypted and that it opens again with
the passphrase (and not with a wrong one); load every shipped questionnaire, the indicator
rules, the NRM directory, the legal basis and the document templates; check the ky and ru
translations; render the certificate for a fictional person in memory in every language and
verify its QR code from the PDF.

Each step prints one line, "<step>: ok" or "<step>: FAILED: <reason>" (translated, like every
word the officer reads). The exit status is 0 only when every step passed.
`idtool-gui --self-check` adds its Qt steps to the same report (see `Report`).

The key derivation is calibrated as for real use, which takes a few seconds; with
IDTOOL_KDF=fast (tests only) it takes a millisecond.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from idtool import __version__, audit, paths
from idtool.errors import AuthenticationFailed, IdtoolError
from idtool.i18n import LANGUAGES, _, catalog, gettext
from idtool.vault import Vault

if TYPE_CHECKING:
    from idtool.session import Session

# The core modules a command needs are imported inside it: `idtool` loads every command module to
# build its parser, and loading them (the questionnaires, ReportLab) would slow every command
# (start-up time).

# Fictional: nobody's data. The names follow the demo data's made-up words ("example", "sample").
OFFICER = "Self-check Officer"
HOLDER = "Айгүл Мисалова"
HOLDER_BIRTH_DATE = "2000-01-01"
ORGANISATION = "Self-check (fictional)"
CASE_NUMBER = "SELF-CHECK-1"

# A message every catalog translates; the check fails if ky or ru gives it back in English.
KNOWN_MESSAGE = "The officer name or passphrase is not correct."
TRANSLATED_LANGUAGES = ("ky", "ru")

# What the program reads at run time, relative to the folder holding resources/ and
# questionnaires/ (the source tree, or the frozen program's _internal folder).
SHIPPED_FILES = (
    "resources/fonts/DejaVuSans.ttf",
    "resources/fonts/DejaVuSans-Bold.ttf",
    "resources/legal/basis.yaml",
    "resources/directory/nrm-directory.yaml",
    *(
        f"resources/templates/{kind}/{lang}.j2"
        for kind in ("certificate", "referral")
        for lang in LANGUAGES
    ),
    "questionnaires/rules/ilo-ec-2009-1.yaml",
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "self-check", help=_("check that this installation works, with fictional data only")
    )
    p.set_defaults(func=cmd_self_check)


def cmd_self_check(args: argparse.Namespace) -> int:
    return run()


class StepFailed(Exception):
    """A step failed for a reason fit to print (translated, no personal data)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _describe(exc: BaseException) -> str:
    """One line for an unexpected failure: its type and the first line of its message. The
    self-check handles only fictional data, so the message is safe to show."""
    text = str(exc).strip().splitlines()
    line = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
    return line if len(line) <= 300 else line[:297] + "..."


class Report:
    """Runs steps and prints one line per step; counts the failures."""

    def __init__(self, stream: TextIO | None = None) -> None:
        if stream is None:
            # A windowed program (idtool-gui on Windows) has no sys.stdout: nothing is shown,
            # the exit status still tells.
            stream = sys.stdout if sys.stdout is not None else open(os.devnull, "w")  # noqa: SIM115
        self.stream = stream
        self.total = 0
        self.failed = 0
        self.started = False

    def start(self) -> None:
        """The heading line, once, before the first step."""
        if not self.started:
            self.started = True
            self.say(
                _("idtool {version}: self-check with fictional data only").format(
                    version=__version__
                )
            )

    def say(self, line: str) -> None:
        print(line, file=self.stream, flush=True)

    def step(self, label: str, check: Callable[[], str | None]) -> bool:
        """Run `check`; it returns an optional detail, or raises to fail the step."""
        self.start()
        self.total += 1
        try:
            detail = check()
        except StepFailed as exc:
            reason = exc.reason
        except IdtoolError as exc:
            reason = exc.message
        except Exception as exc:
            reason = _describe(exc)
        else:
            line = _("{step}: ok").format(step=label)
            self.say(line + (f" ({detail})" if detail else ""))
            return True
        self.failed += 1
        self.say(_("{step}: FAILED: {reason}").format(step=label, reason=reason))
        return False

    def finish(self) -> int:
        if self.failed:
            self.say(
                _("Self-check failed: {failed} of {total} steps did not pass.").format(
                    failed=self.failed, total=self.total
                )
            )
            return 1
        self.say(_("Self-check passed: all {total} steps.").format(total=self.total))
        return 0


class _Checks:
    """The core steps; they share a temporary folder, the vault and an open session."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="idtool-selfcheck-"))
        self.passphrase = secrets.token_urlsafe(18)
        self.vault: Vault | None = None
        self.session: Session | None = None

    def steps(self) -> list[tuple[str, Callable[[], str | None]]]:
        return [
            (_("Shipped files present"), self.shipped_files),
            (_("Encrypted database created"), self.create_database),
            (_("Database file is encrypted"), self.database_encrypted),
            (_("Database opens with the passphrase, not with a wrong one"), self.reopen),
            (_("Questionnaires load"), self.questionnaires),
            (_("Indicator rules load"), self.rules),
            (_("NRM directory, legal basis and referral templates load"), self.documents_data),
            (_("Translations (ky, ru, en)"), self.translations),
            (_("Certificate PDF with a verifiable QR code"), self.certificate),
        ]

    def cleanup(self) -> None:
        """Close the database and remove the temporary folder; never raises."""
        try:
            if self.session is not None:
                self.session.close()
        except Exception:  # the folder is removed all the same; the next step says if not
            pass
        self.session = None
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- steps -------------------------------------------------------------------------------
    def shipped_files(self) -> str | None:
        root = paths.project_root()
        missing = [name for name in SHIPPED_FILES if not (root / name).is_file()]
        for lang in LANGUAGES:
            folder = root / "resources" / "locale" / lang / "LC_MESSAGES"
            if not any((folder / f"idtool.{ext}").is_file() for ext in ("mo", "po")):
                missing.append(f"resources/locale/{lang}/LC_MESSAGES/idtool.mo")
        if not any((root / "questionnaires").glob("*.yaml")):
            missing.append("questionnaires/*.yaml")
        if missing:
            raise StepFailed(_("missing: {files}").format(files=", ".join(missing)))
        return None

    def create_database(self) -> str | None:
        vault = Vault(self.folder / "data")
        session, _code = vault.create(OFFICER, "supervisor", self.passphrase)
        session.close()
        self.vault = vault
        if os.environ.get("IDTOOL_KDF") == "fast":
            return _("fast key derivation, for tests only")
        return None

    def _vault(self) -> Vault:
        if self.vault is None:
            raise StepFailed(_("not run: the database could not be created"))
        return self.vault

    def database_encrypted(self) -> str | None:
        with self._vault().db_path.open("rb") as f:
            head = f.read(16)
        if len(head) < 16:
            raise StepFailed(_("the database file is empty"))
        if head.startswith(b"SQLite format 3"):
            raise StepFailed(_("the database file is not encrypted"))
        return None

    def reopen(self) -> str | None:
        vault = self._vault()
        try:
            vault.unlock(OFFICER, self.passphrase + "-wrong").close()
        except AuthenticationFailed:
            pass
        else:
            raise StepFailed(_("a wrong passphrase opened the database"))
        self.session = vault.unlock(OFFICER, self.passphrase)
        if not audit.verify(self.session.conn).ok:
            raise StepFailed(_("the audit log does not verify"))
        return None

    def questionnaires(self) -> str | None:
        from idtool.questionnaire import registry

        folder = paths.questionnaires_dir()  # the shipped files only, not those in a database
        forms = registry.available_forms(folder)
        if not forms:
            raise StepFailed(_("no questionnaire was found"))
        loaded = []
        for shipped in forms:
            versions = [shipped.version]
            for version in registry.archived_versions(shipped.form_id, folder):
                registry.load_shipped(shipped.form_id, version, folder)
                versions.append(version)
            loaded.append(f"{shipped.form_id} {', '.join(versions)}")
        return "; ".join(loaded)

    def rules(self) -> str | None:
        from idtool.assessment import assess, load_rules

        rules = load_rules()
        # One indicator of each dimension: enough to exercise the scoring and the wording.
        ids = [d.indicator_ids[0] for d in rules.dimensions.values() if d.indicator_ids]
        result = assess(ids, rules=rules)
        for lang in LANGUAGES:
            if not result.explain(lang).strip():
                raise StepFailed(_("the rules give no explanation in {lang}").format(lang=lang))
        return rules.version

    def documents_data(self) -> str | None:
        from idtool import directory
        from idtool.certificate import wording
        from idtool.packet import wording as packet_wording

        organisations = directory.shipped().organisations
        if not organisations:
            raise StepFailed(_("the NRM directory lists no organisation"))
        for lang in LANGUAGES:
            if not wording.legal_basis(lang):
                raise StepFailed(_("the legal basis is empty in {lang}").format(lang=lang))
            if not packet_wording.blocks(lang):
                raise StepFailed(_("the referral template for {lang} is empty").format(lang=lang))
        return None

    def translations(self) -> str | None:
        for lang in LANGUAGES:
            if not catalog(lang):
                raise StepFailed(_("no translations were found for {lang}").format(lang=lang))
        for lang in TRANSLATED_LANGUAGES:
            if gettext(KNOWN_MESSAGE, lang) == KNOWN_MESSAGE:
                raise StepFailed(
                    _("a known message is not translated into {lang}").format(lang=lang)
                )
        return None

    def certificate(self) -> str | None:
        from idtool.certificate import issuing, payload, pdf
        from idtool.certificate.verify import verify

        if self.session is None:
            raise StepFailed(_("not run: the database could not be opened"))
        session = self.session
        kid, signing = issuing.private_key(session)
        salt = payload.new_salt()
        today = date.today().isoformat()
        number = f"{date.today().year}-SELFCHECK-00001"
        claims = payload.Claims(
            number=number,
            issue_date=today,
            issuer_key_id=kid,
            case_number=CASE_NUMBER,
            salt=salt,
            holder_hash=payload.holder_hash(salt, HOLDER, HOLDER_BIRTH_DATE),
        )
        code = payload.encode(claims, kid, signing.sign)
        rendered = {}
        for lang in LANGUAGES:
            data = pdf.render(
                pdf.CertificateDocument(
                    number=number,
                    issue_date=today,
                    holder_name=HOLDER,
                    birth_date=HOLDER_BIRTH_DATE,
                    case_number=CASE_NUMBER,
                    officer=OFFICER,
                    organisation=ORGANISATION,
                    language=lang,
                    code=code,
                )
            )
            if not data.startswith(b"%PDF-"):
                raise StepFailed(_("the certificate in {lang} is not a PDF").format(lang=lang))
            rendered[lang] = data
        result = verify(session, rendered["ky"], HOLDER, HOLDER_BIRTH_DATE)
        if not result.ok:
            raise StepFailed(
                _("the QR code read back from the PDF does not verify: {result}").format(
                    result=result.message()
                )
            )
        return None

    def removed(self) -> str | None:
        if self.folder.exists():
            raise StepFailed(
                _("the temporary folder {folder} could not be removed").format(folder=self.folder)
            )
        return None


def run(report: Report | None = None) -> int:
    """Run the core steps (after any the caller has run on `report`); the exit status."""
    report = report if report is not None else Report()
    report.start()
    checks = _Checks()
    try:
        for label, check in checks.steps():
            report.step(label, check)
    finally:
        checks.cleanup()
    report.step(_("Temporary folder removed"), checks.removed)
    return report.finish()
