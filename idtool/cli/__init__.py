"""The command line: `idtool` (also `python -m idtool`).

Expected failures print one clear line and exit non-zero. An unexpected failure prints only its
type and place, never its message or a traceback, because those may hold personal data.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Mapping

from idtool import __version__
from idtool import settings as settings_mod
from idtool.errors import IdtoolError
from idtool.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    _,
    language_from_environment,
    set_language,
)

COMMAND_MODULES = (
    "idtool.cli.admin",
    "idtool.cli.questionnaires",
    "idtool.cli.cases",
    "idtool.cli.interview",
    "idtool.cli.casework",
    "idtool.cli.erase",
    "idtool.cli.retention",
    "idtool.cli.certificates",
    "idtool.cli.referrals",
    "idtool.cli.sync",
    "idtool.cli.oversight",
    "idtool.cli.stats",
    "idtool.cli.htcds",
    "idtool.cli.cj",
    "idtool.cli.loop",
    "idtool.cli.selfcheck",
    "idtool.cli.backup",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="idtool",
        description=_("Identification of victims of trafficking (NRM): command line."),
    )
    parser.add_argument("--version", action="version", version=f"idtool {__version__}")
    parser.add_argument("--data", metavar="DIR", help=_("data folder (default: the user's)"))
    parser.add_argument("--officer", metavar="NAME", help=_("officer name (or IDTOOL_OFFICER)"))
    parser.add_argument(
        "--passphrase-file", metavar="FILE", help=_("read the passphrase from this file")
    )
    parser.add_argument("--lang", choices=LANGUAGES, help=_("language of messages"))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


# The options before the command that take a value (the command's own options come after it:
# `certificate issue --lang` is the certificate's language, not the messages').
_GLOBAL_WITH_VALUE = ("--data", "--officer", "--passphrase-file", "--lang")


def message_language(argv: list[str], environ: Mapping[str, str]) -> str:
    """The language of the messages: --lang before the command, else the one chosen in the
    settings, else the user's locale (LANG, LC_MESSAGES, LC_ALL, LANGUAGE), else the default."""
    given = None
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--lang" and i + 1 < len(argv):
            given = argv[i + 1]
        elif arg.startswith("--lang="):
            given = arg.split("=", 1)[1]
        elif not arg.startswith("-"):
            break  # the command
        i += 2 if arg in _GLOBAL_WITH_VALUE else 1
    if given in LANGUAGES:
        return str(given)
    return settings_mod.chosen_language() or language_from_environment(environ) or DEFAULT_LANGUAGE


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(message_language(argv, os.environ))
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except IdtoolError as exc:
        print(f"idtool: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # the reader went away (e.g. `| head`): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(_("idtool: interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say where, never what (it may hold personal data)
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        place = f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
        print(
            _(
                "idtool: unexpected error {kind} at {place}; nothing else is shown to protect "
                "personal data."
            ).format(kind=type(exc).__name__, place=place),
            file=sys.stderr,
        )
        return 70
