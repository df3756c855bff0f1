"""What every command needs: the data folder, the passphrase, an unlocked session."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from idtool import settings as settings_mod
from idtool.audit_anchor import cli_warning
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.paths import default_data_dir
from idtool.session import Session
from idtool.vault import Vault


def data_dir(args: argparse.Namespace) -> Path:
    if args.data:
        return Path(args.data)
    configured = settings_mod.load().data_dir
    return Path(configured) if configured else default_data_dir()


def vault(args: argparse.Namespace) -> Vault:
    return Vault(data_dir(args))


def officer_name(args: argparse.Namespace) -> str:
    name = args.officer or os.environ.get("IDTOOL_OFFICER", "")
    if not name:
        if sys.stdin.isatty():
            name = input(_("Officer name: "))
        else:
            raise InvalidInput(_("Give the officer name with --officer or IDTOOL_OFFICER."))
    return name


def passphrase(args: argparse.Namespace, prompt: str | None = None) -> str:
    """The unlocking passphrase: IDTOOL_PASSPHRASE, --passphrase-file, or a prompt."""
    env = os.environ.get("IDTOOL_PASSPHRASE")
    if env is not None:
        return env
    if args.passphrase_file:
        try:
            text = Path(args.passphrase_file).read_text("utf-8")
        except OSError:
            raise InvalidInput(_("The passphrase file cannot be read.")) from None
        return text.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InvalidInput(
            _("No passphrase given: use IDTOOL_PASSPHRASE, --passphrase-file or a terminal.")
        )
    return getpass.getpass(prompt or _("Passphrase: "))


def new_passphrase(env_name: str = "IDTOOL_NEW_PASSPHRASE") -> str:
    """A passphrase being set: from the environment, or typed twice at a prompt."""
    env = os.environ.get(env_name)
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise InvalidInput(
            _("No new passphrase given: use {variable} or a terminal.").format(variable=env_name)
        )
    first = getpass.getpass(_("New passphrase: "))
    second = getpass.getpass(_("Repeat the new passphrase: "))
    if first != second:
        raise InvalidInput(_("The two passphrases differ."))
    return first


def unlock(args: argparse.Namespace) -> Session:
    v = vault(args)
    v.load_slots()  # a clear "no database" before asking for anything
    session = v.unlock(officer_name(args), passphrase(args))
    warning = cli_warning(session)
    if warning:
        print(warning, file=sys.stderr)
    return session


def new_file(out: str) -> Path:
    """Where a command writes a file the officer asked for: a new file in a folder that
    exists (never overwriting one)."""
    path = Path(out).expanduser()
    if path.exists():
        raise InvalidInput(_("The file already exists; choose another name."))
    if not path.parent.is_dir():
        raise InvalidInput(_("The folder for the file does not exist."))
    return path


def prompt_secret(prompt: str, env_name: str) -> str:
    if not sys.stdin.isatty():
        raise InvalidInput(
            _("Nothing typed: use {variable} or a terminal.").format(variable=env_name)
        )
    return getpass.getpass(prompt)


def passphrase_for_new_database(args: argparse.Namespace) -> str:
    """init: the first officer's passphrase (IDTOOL_PASSPHRASE, file, or typed twice)."""
    if os.environ.get("IDTOOL_PASSPHRASE") is not None or args.passphrase_file:
        return passphrase(args)
    return new_passphrase("IDTOOL_PASSPHRASE")
