"""Commands: enrol create | join | approve, device list | revoke, export, import."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from idtool.atomic import write_atomic
from idtool.cli import common
from idtool.errors import BundleError, InvalidInput, StorageError
from idtool.i18n import _

if TYPE_CHECKING:
    from idtool.session import Session

# The core modules a command needs are imported inside it: `idtool` loads every command module to
# build its parser, and loading the exchange modules (and with them the questionnaires) would slow
# every command (start-up time).


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    e = sub.add_parser("enrol", help=_("enrol devices with a supervisor"))
    esub = e.add_subparsers(dest="enrol_command", required=True, metavar="COMMAND")

    p = esub.add_parser("create", help=_("supervisor: write the enrolment file for devices"))
    p.add_argument("--out", required=True, metavar="FILE", help=_("where to save the file"))
    p.add_argument("--label", default="", help=_("a name for this supervisor"))
    p.set_defaults(func=cmd_create)

    p = esub.add_parser("join", help=_("device: trust a supervisor and write the request"))
    p.add_argument("file", metavar="FILE", help=_("the supervisor's enrolment file"))
    p.add_argument(
        "--out",
        required=True,
        metavar="REQUEST",
        help=_("where to save the request for the supervisor"),
    )
    p.add_argument("--label", default="", help=_("a name for this device"))
    p.add_argument(
        "--yes", action="store_true", help=_("do not ask: the fingerprint was compared already")
    )
    p.set_defaults(func=cmd_join)

    p = esub.add_parser("approve", help=_("supervisor: trust a device, write its update"))
    p.add_argument("request", metavar="REQUEST", help=_("the device's enrolment request"))
    p.add_argument(
        "--out",
        required=True,
        metavar="UPDATE",
        help=_("where to save the update exchange package for the device"),
    )
    p.add_argument(
        "--yes", action="store_true", help=_("do not ask: the fingerprint was compared already")
    )
    p.set_defaults(func=cmd_approve)

    d = sub.add_parser("device", help=_("the devices this one exchanges packages with"))
    dsub = d.add_subparsers(dest="device_command", required=True, metavar="COMMAND")
    p = dsub.add_parser("list", help=_("list the known devices and whether they are trusted"))
    p.set_defaults(func=cmd_device_list)
    p = dsub.add_parser(
        "organisation",
        help=_("supervisor: name the organisation a device works for (sent in the next update)"),
    )
    p.add_argument("device", metavar="DEVICE_ID", help=_("the device"))
    p.add_argument(
        "organisation",
        metavar="ORG_ID",
        help=_("its id in the NRM directory (see 'idtool directory list')"),
    )
    p.set_defaults(func=cmd_device_organisation)
    p = dsub.add_parser(
        "revoke", help=_("supervisor: stop trusting a device for good (stolen or retired)")
    )
    p.add_argument("device", metavar="DEVICE_ID", help=_("the device to revoke"))
    p.add_argument(
        "--reason",
        required=True,
        metavar="TEXT",
        help=_("why the device is revoked (no personal data)"),
    )
    p.set_defaults(func=cmd_device_revoke)

    k = sub.add_parser("keys", help=_("the coordinator's own keys"))
    ksub = k.add_subparsers(dest="keys_command", required=True, metavar="COMMAND")
    p = ksub.add_parser(
        "rotate",
        help=_(
            "coordinator: make new keys (after an officer is "
            "removed) and write the key-change package"
        ),
    )
    p.add_argument("--out", required=True, metavar="DIR", help=_("folder to write it into"))
    p.set_defaults(func=cmd_keys_rotate)
    p = ksub.add_parser(
        "change-package",
        help=_("coordinator: write the key-change package again, for a device that missed it"),
    )
    p.add_argument("--out", required=True, metavar="DIR", help=_("folder to write it into"))
    p.set_defaults(func=cmd_keys_change_package)

    p = sub.add_parser(
        "export", help=_("write an exchange package with the changes since the last one")
    )
    p.add_argument("--out", required=True, metavar="DIR", help=_("folder to write it into"))
    p.add_argument(
        "--referral",
        metavar="CASE",
        help=_("write a referral exchange package for this case instead"),
    )
    p.add_argument("--to", metavar="ORG_ID", help=_("the organisation the case is referred to"))
    p.add_argument(
        "--device",
        metavar="DEVICE_ID",
        help=_("the organisation's device (when more than one is known)"),
    )
    p.add_argument(
        "--service",
        action="append",
        default=[],
        metavar="SERVICE",
        help=_("a service asked for, if no referral is recorded yet (repeatable)"),
    )
    p.add_argument(
        "--update",
        action="store_true",
        help=_("supervisor: write an update exchange package for all devices"),
    )
    p.add_argument(
        "--resend-from",
        type=int,
        metavar="N",
        help=_("packages from N on were lost: write one package that carries them all again"),
    )
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help=_("import exchange packages"))
    p.add_argument("files", nargs="+", metavar="FILE", help=_("exchange package files"))
    p.set_defaults(func=cmd_import)


def _read(path: str) -> bytes:
    try:
        return Path(path).expanduser().read_bytes()
    except OSError:
        raise InvalidInput(
            _("The file {name} cannot be read.").format(name=Path(path).name)
        ) from None


def _new_file(out: str) -> Path:
    path = Path(out).expanduser()
    if path.exists():
        raise InvalidInput(_("The file already exists; choose another name."))
    if not path.parent.is_dir():
        raise InvalidInput(_("The folder for the file does not exist."))
    return path


def _save(path: Path, data: bytes) -> None:
    try:
        write_atomic(path, data, mode=0o644)
    except OSError as e:
        raise StorageError(
            _("The file could not be saved: {error}.").format(error=e.strerror or type(e).__name__)
        ) from None


def confirm_fingerprint(fingerprint: str, yes: bool) -> None:
    """Show the fingerprint and have it confirmed (or --yes); stop the enrolment otherwise."""
    print(_("Fingerprint: {fingerprint}").format(fingerprint=fingerprint))
    if yes:
        return
    if not sys.stdin.isatty():
        raise InvalidInput(_("Compare the fingerprint, then run again with --yes."))
    answer = input(_("Is it the same as on the other screen? Type yes to confirm: "))
    if answer.strip().lower() not in {"yes", "y", _("yes")}:
        raise BundleError(
            _("Enrolment stopped: the fingerprint was not confirmed."), "not_confirmed"
        )


def cmd_create(args: argparse.Namespace) -> int:
    from idtool.sync import devices, enrol

    path = _new_file(args.out)
    with common.unlock(args) as session:
        data = enrol.create_enrolment(session, args.label)
        own = devices.own_device(session.conn, devices.DeviceRole.SUPERVISOR)
    _save(path, data)
    print(_("Enrolment file saved to {path}.").format(path=path))
    print(_("Fingerprint: {fingerprint}").format(fingerprint=own.fingerprint))
    return 0


def cmd_join(args: argparse.Namespace) -> int:
    from idtool.sync import enrol

    data = _read(args.file)
    path = _new_file(args.out)
    offer = enrol.read_enrolment(data)
    print(
        _("Supervisor: {label} ({device})").format(
            label=offer.device.label, device=offer.device.device_id
        )
    )
    confirm_fingerprint(offer.fingerprint, args.yes)
    with common.unlock(args) as session:
        request = enrol.accept_enrolment(session, data, args.label)
    _save(path, request)
    print(
        _("The supervisor is trusted. Request saved to {path}: take it to the supervisor.").format(
            path=path
        )
    )
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    from idtool.sync import enrol

    request = _read(args.request)
    path = _new_file(args.out)
    offer = enrol.read_request(request)
    print(
        _("Device: {label} ({device})").format(
            label=offer.device.label, device=offer.device.device_id
        )
    )
    confirm_fingerprint(offer.fingerprint, args.yes)
    with common.unlock(args) as session:
        written = enrol.approve(session, request, path)
    print(
        _("The device is trusted. Update saved to {path}: import it on the device.").format(
            path=written
        )
    )
    return 0


def status_label(status: object) -> str:
    from idtool.sync.devices import DeviceStatus

    return _("trusted") if status is DeviceStatus.TRUSTED else _("revoked")


def cmd_device_list(args: argparse.Namespace) -> int:
    from idtool.sync import devices

    with common.unlock(args) as session:
        for dev in devices.all_devices(session.conn):
            status = status_label(dev.status)
            if dev.status is devices.DeviceStatus.REVOKED:
                date = devices.revoked_on(session.conn, dev.device_id)
                status = f"{status} {date}".strip()
            print("\t".join((dev.device_id, dev.label, dev.role.value, status, dev.org_id or "-")))
    return 0


def cmd_device_organisation(args: argparse.Namespace) -> int:
    from idtool.sync import devices

    with common.unlock(args) as session:
        devices.set_organisation(session, args.device, args.organisation)
    print(
        _(
            "The organisation of device {device} is set. Send updates to all devices so that "
            "they learn it."
        ).format(device=args.device)
    )
    return 0


def cmd_device_revoke(args: argparse.Namespace) -> int:
    from idtool.sync import devices

    with common.unlock(args) as session:
        if not devices.revoke(session, args.device, args.reason):
            print(
                _("Device {device} was revoked already: nothing changed.").format(
                    device=args.device
                )
            )
            return 0
    print(
        _(
            "Device {device} is revoked: its exchange packages are refused from now on. Send "
            "updates to all devices so that they refuse them too."
        ).format(device=args.device)
    )
    return 0


def _folder(out: str) -> Path:
    folder = Path(out).expanduser()
    if not folder.is_dir():
        raise InvalidInput(_("The folder for the exchange package does not exist."))
    return folder


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    from idtool.sync import keychange

    folder = _folder(args.out)
    with common.unlock(args) as session:
        fingerprint = keychange.rotate(session)
        print(
            _("New keys made; fingerprint to compare: {fingerprint}").format(
                fingerprint=fingerprint
            )
        )
        path = keychange.write_key_change(session, folder)
    print(
        _(
            "Key-change package written: {path}. Every device imports it; until then a copy of "
            "the old keys can still sign updates they accept."
        ).format(path=path)
    )
    return 0


def cmd_keys_change_package(args: argparse.Namespace) -> int:
    from idtool.sync import keychange

    folder = _folder(args.out)
    with common.unlock(args) as session:
        path = keychange.write_key_change(session, folder)
    print(_("Key-change package written: {path}.").format(path=path))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from idtool.sync.export import export_cases
    from idtool.sync.updates import export_updates

    folder = Path(args.out).expanduser()
    if not folder.is_dir():
        raise InvalidInput(_("The folder for the exchange package does not exist."))
    if args.referral is None and (args.to or args.device or args.service):
        raise InvalidInput(_("--to, --device and --service go with --referral CASE."))
    if args.referral is not None and not args.to:
        raise InvalidInput(_("Name the organisation with --to ORG_ID."))
    if args.referral is not None and args.update:
        raise InvalidInput(_("Choose either --referral or --update."))
    if args.resend_from is not None and (args.referral is not None or args.update):
        raise InvalidInput(_("--resend-from goes with case exchange packages only."))
    with common.unlock(args) as session:
        if args.referral is not None:
            from idtool.sync.referral_out import export_referral

            path = export_referral(
                session,
                _case_uuid(session, args.referral),
                args.to,
                args.device,
                folder,
                services=tuple(args.service),
            )
        elif args.update:
            path, own = export_updates(session, folder)
            for device_path in own.values():  # a device's own, with the coordinator's edits
                print(device_path)
        else:
            path = export_cases(session, folder, resend_from=args.resend_from)
    print(path)
    return 0


def _case_uuid(session: Session, ref: str) -> str:
    """A case by its number or uuid."""
    conn = session.conn
    row = conn.execute("SELECT uuid FROM cases WHERE number = ? OR uuid = ?", (ref, ref)).fetchone()
    if row is None:
        raise InvalidInput(_("No case {case}.").format(case=ref))
    return str(row[0])


def cmd_import(args: argparse.Namespace) -> int:
    from idtool.sync.importer import import_bundle

    failed = 0
    with common.unlock(args) as session:
        for name in args.files:
            try:
                report = import_bundle(session, name)
            except BundleError as e:
                print(f"idtool: {Path(name).name}: {e.message}", file=sys.stderr)
                failed = e.exit_code
                continue
            print("\n".join(report.lines()))
    return failed
