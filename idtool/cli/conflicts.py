"""Commands: conflicts list | resolve (the conflict queue: on the coordinator, records a device
changed that were changed here too; on a post, records of its own cases the coordinator changed
while they were changed here, from its update package)."""

from __future__ import annotations

import argparse

from idtool.cli import common
from idtool.i18n import _

# The exchange modules are imported inside the commands: `idtool` loads every command module to
# build its parser (start-up time).


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    c = sub.add_parser(
        "conflicts", help=_("records changed here and on another device: choose which to keep")
    )
    csub = c.add_subparsers(dest="conflicts_command", required=True, metavar="COMMAND")
    p = csub.add_parser("list", help=_("list the open conflicts with the fields that differ"))
    p.set_defaults(func=cmd_list)
    p = csub.add_parser("resolve", help=_("resolve a conflict, keeping one version"))
    p.add_argument("conflict", metavar="ID", help=_("the conflict's id (as listed)"))
    p.add_argument(
        "--keep",
        required=True,
        metavar="local|incoming",  # checked by the core, with its translated message
        help=_("local: the version on this computer; incoming: the one from the package"),
    )
    p.set_defaults(func=cmd_resolve)


def cmd_list(args: argparse.Namespace) -> int:
    from idtool.sync import conflicts
    from idtool.sync.labels import field_name, field_value, table_name

    def shown(column: str, value: object) -> str:
        words = field_value(column, value)
        return words if words is not None else ("—" if value in (None, "") else str(value))

    with common.unlock(args) as session:
        found = conflicts.open_conflicts(session)
    if not found:
        print(_("No open conflicts."))
        return 0
    for conflict in found:
        print("\t".join((conflict.uuid, table_name(conflict.table), conflict.created_at[:16])))
        names = list(conflict.local) + [k for k in conflict.incoming if k not in conflict.local]
        for name in names:
            here, there = conflict.local.get(name), conflict.incoming.get(name)
            if here != there and not name.endswith("_key"):  # search keys: computed here
                print(
                    "  "
                    + _("{field}: here {local} | incoming {incoming}").format(
                        field=field_name(name), local=shown(name, here), incoming=shown(name, there)
                    )
                )
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from idtool.sync import conflicts

    with common.unlock(args) as session:
        conflicts.resolve_conflict(session, args.conflict, keep=args.keep)
    if args.keep == "local":
        print(_("Conflict resolved: the version on this computer is kept."))
    else:
        print(_("Conflict resolved: the incoming version is taken."))
    return 0
