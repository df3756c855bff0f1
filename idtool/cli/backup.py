"""Commands: backup create, backup restore."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from idtool.cli import common
from idtool.i18n import _

# The backup modules (crypto, database) are imported inside the commands: `idtool` loads every
# command module to build its parser (start-up time).


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    b = sub.add_parser("backup", help=_("encrypted backup of the data folder, and its restore"))
    bsub = b.add_subparsers(dest="backup_command", required=True)
    p = bsub.add_parser(
        "create",
        help=_(
            "write one encrypted backup file that an officer's passphrase or the recovery "
            "code opens"
        ),
    )
    p.add_argument("--out", required=True, metavar="DIR", help=_("folder for the backup file"))
    p.add_argument(
        "--to-coordinator",
        action="store_true",
        help=_("also encrypt it to the coordinator's key"),
    )
    p.set_defaults(func=cmd_backup_create)
    p = bsub.add_parser(
        "restore", help=_("bring a backup back into a data folder that holds no database")
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--data-dir", metavar="DIR", help=_("the folder to restore into (default: the data folder)")
    )
    p.add_argument(
        "--recovery-code",
        action="store_true",
        help=_("open it with the recovery code (IDTOOL_RECOVERY_CODE or typed)"),
    )
    p.set_defaults(func=cmd_backup_restore)


def cmd_backup_create(args: argparse.Namespace) -> int:
    from idtool import backup

    with common.unlock(args) as session:
        result = backup.create_backup(session, Path(args.out), to_coordinator=args.to_coordinator)
    print(_("Backup written: {path}").format(path=result.path))
    return 0


def cmd_backup_restore(args: argparse.Namespace) -> int:
    from idtool import backup

    folder = Path(args.data_dir) if args.data_dir else common.data_dir(args)
    info = backup.read_info(args.file)  # a clear "not a backup" before asking for a secret
    if args.recovery_code:
        code = os.environ.get("IDTOOL_RECOVERY_CODE")
        if code is None:
            code = common.prompt_secret(_("Recovery code: "), "IDTOOL_RECOVERY_CODE")
        result = backup.restore_backup(args.file, folder, recovery_code=code)
    else:
        result = backup.restore_backup(
            args.file,
            folder,
            officer=common.officer_name(args),
            passphrase=common.passphrase(args),
        )
    print(
        _("Restored the backup of {date} into {folder}.").format(
            date=info.created[:10], folder=result.folder
        )
    )
    return 0
