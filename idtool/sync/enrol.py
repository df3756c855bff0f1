"""Enrolment: a device comes to trust its supervisor, and the supervisor the device.

1. The supervisor writes an enrolment file (`create_enrolment`): its device id, label and
   public keys (Ed25519 for signatures, age X25519 for encryption), self-signed.
2. The device reads it (`read_enrolment`), shows the fingerprint, and only once an officer has
   compared it aloud with the supervisor's screen calls `accept_enrolment`: the supervisor is
   trusted, a recovery slot for this database is wrapped to the supervisor's age key, and a
   request with the device's public keys is returned (self-signed as well).
3. The supervisor reads the request (`read_request`, fingerprint compared the same way) and
   `approve`s it: the device joins the trust list and receives an update bundle.

The self-signature proves the sender holds the private key; only the fingerprint comparison
proves the file came from the right person.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature

from idtool import database
from idtool.audit import now_iso
from idtool.bundle import keys
from idtool.bundle.header import canonical_json
from idtool.errors import AuthenticationFailed, BundleError
from idtool.i18n import _
from idtool.keyslots import KIND_AGE, SlotsFile
from idtool.policy import Action
from idtool.session import Session
from idtool.sync import devices
from idtool.sync.devices import Device, DeviceRole, DeviceStatus
from idtool.sync.updates import export_update

ENROLMENT = "idtool-enrolment"
REQUEST = "idtool-enrolment-request"
VERSION = 1
MAX_FILE = 16 * 1024
_BODY_KEYS = {
    "format",
    "version",
    "device_id",
    "label",
    "signing_key",
    "age_recipient",
    "supervisor",
}


@dataclass(frozen=True)
class Offer:
    """A checked enrolment file or request: who it names, and the fingerprint to compare."""

    device: Device
    supervisor: str  # for a request: the supervisor it is addressed to; else ""

    @property
    def fingerprint(self) -> str:
        return self.device.fingerprint


def _bad(kind: str) -> BundleError:
    if kind == ENROLMENT:
        return BundleError(_("This file is not a valid enrolment file."), "bad_enrolment")
    return BundleError(_("This file is not a valid enrolment request."), "bad_enrolment")


def _sign(session: Session, body: dict[str, object]) -> bytes:
    key = keys.signing_key(devices.own_signing_key(session.conn))
    signed = canonical_json(body)
    doc = {"body": body, "signature": key.sign(signed).hex()}
    return canonical_json(doc) + b"\n"


def _parse(data: bytes, kind: str, role: DeviceRole) -> Offer:
    if len(data) > MAX_FILE:
        raise _bad(kind)
    try:
        doc = json.loads(data.decode("utf-8"))
        body, signature = doc["body"], bytes.fromhex(doc["signature"])
        if set(doc) != {"body", "signature"} or set(body) != _BODY_KEYS:
            raise ValueError("fields")
        version = body["version"]
        if body["format"] != kind or type(version) is not int or version != VERSION:
            raise ValueError("format")
        fields = {
            k: body[k] for k in ("device_id", "label", "signing_key", "age_recipient", "supervisor")
        }
        if not all(isinstance(v, str) and len(v) <= 200 for v in fields.values()):
            raise ValueError("types")
        public = keys.public_key(fields["signing_key"])
        keys.recipient(fields["age_recipient"])
        public.verify(signature, canonical_json(body))
    except (
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        UnicodeDecodeError,
        InvalidSignature,
        BundleError,
    ):
        raise _bad(kind) from None
    if not fields["device_id"] or not fields["label"].isprintable():
        raise _bad(kind)
    device = Device(
        fields["device_id"], fields["label"], fields["signing_key"], fields["age_recipient"], role
    )
    return Offer(device, fields["supervisor"])


def _body(device: Device, kind: str, supervisor: str) -> dict[str, object]:
    return {
        "format": kind,
        "version": VERSION,
        "device_id": device.device_id,
        "label": device.label,
        "signing_key": device.signing_key,
        "age_recipient": device.age_recipient,
        "supervisor": supervisor,
    }


def create_enrolment(session: Session, label: str = "") -> bytes:
    """Supervisor: the enrolment file devices read to trust this supervisor."""
    session.require(Action.TRUST_LIST)
    me = devices.own_device(session.conn, DeviceRole.SUPERVISOR, label)
    with database.transaction(session.conn):
        session.audit("sync.enrolment_create", me.device_id)
    return _sign(session, _body(me, ENROLMENT, ""))


def read_enrolment(data: bytes) -> Offer:
    """Check an enrolment file's self-signature; show `.fingerprint` before accepting it."""
    return _parse(data, ENROLMENT, DeviceRole.SUPERVISOR)


def read_request(data: bytes) -> Offer:
    """Check a device's enrolment request; show `.fingerprint` before approving it."""
    return _parse(data, REQUEST, DeviceRole.DEVICE)


def accept_enrolment(session: Session, data: bytes, label: str = "") -> bytes:
    """Device, after the fingerprint was compared: trust the supervisor, add a recovery slot
    wrapped to its age key, and return the signed request to carry back to it."""
    session.require(Action.EXPORT_OWN_BUNDLE)
    offer = read_enrolment(data)
    sup = offer.device
    conn = session.conn
    if sup.device_id == session.device_id:
        raise BundleError(_("A device cannot enrol with itself."), "bad_enrolment")
    for known in devices.all_devices(conn):
        if (
            known.role is DeviceRole.SUPERVISOR
            and known.status is DeviceStatus.TRUSTED
            and (known.device_id != sup.device_id or known.signing_key != sup.signing_key)
        ):
            raise BundleError(
                _("This device is already enrolled with another supervisor."), "other_supervisor"
            )
    me = devices.own_device(conn, DeviceRole.DEVICE, label)
    vault = session.vault
    slots = vault.load_slots()
    with database.transaction(conn):
        devices.upsert(conn, sup, now_iso())
        if not any(s.kind == KIND_AGE and s.recipient == sup.age_recipient for s in slots.slots):
            slots.add_age_recipient(sup.age_recipient, session.db_key)
            slots.save(vault.slots_path)
        session.audit("sync.enrolment_accept", sup.device_id, {"fingerprint": sup.fingerprint})
    return _sign(session, _body(me, REQUEST, sup.device_id))


def join(
    session: Session, data: bytes, confirm: Callable[[str], bool], label: str = ""
) -> tuple[str, bytes]:
    """`read_enrolment`, ask `confirm(fingerprint)`, then `accept_enrolment`."""
    fingerprint = read_enrolment(data).fingerprint
    if not confirm(fingerprint):
        raise BundleError(
            _("Enrolment stopped: the fingerprint was not confirmed."), "not_confirmed"
        )
    return fingerprint, accept_enrolment(session, data, label)


def approve(session: Session, request: bytes, out: str | Path) -> Path:
    """Supervisor: trust the requesting device and write its first update bundle to `out`."""
    session.require(Action.TRUST_LIST)
    offer = read_request(request)
    dev = offer.device
    if offer.supervisor != session.device_id:
        raise BundleError(
            _("This enrolment request is addressed to another supervisor."), "other_supervisor"
        )
    if dev.device_id == session.device_id:
        raise BundleError(_("A device cannot enrol with itself."), "bad_enrolment")
    conn = session.conn
    known = devices.get(conn, dev.device_id)
    if known is not None and known.signing_key != dev.signing_key:
        raise BundleError(
            _("A device with this id is already enrolled with other keys."), "key_changed"
        )
    # Certificate numbers start with 8 characters of the issuing device's id: two devices
    # may not share them (a device could otherwise number, and revoke, in another's name).
    start = dev.device_id[:8].upper()
    if any(
        d.device_id != dev.device_id and d.device_id[:8].upper() == start
        for d in [devices.own_device(conn, DeviceRole.SUPERVISOR), *devices.all_devices(conn)]
    ):
        raise BundleError(
            _(
                "Another enrolled device's id begins like this one's, so their "
                "certificate numbers could be confused. Set this device up again "
                "(a new data folder gets a new id), then enrol it."
            ),
            "id_collision",
        )
    with database.transaction(conn):
        devices.upsert(conn, dev, now_iso())
        session.audit("sync.device_approve", dev.device_id, {"fingerprint": dev.fingerprint})
    return export_update(session, out, [dev.device_id])


def recovery_key(slots_path: str | Path, identity: keys.Identity) -> bytes:
    """The database key of a device, from its key-slot file and the supervisor's age identity."""
    slots = SlotsFile.load(Path(slots_path))
    ident = keys.identity(identity)
    mine = str(ident.to_public())
    for slot in slots.slots:
        if slot.kind == KIND_AGE and slot.recipient == mine:
            return slots.open_with_identity(slot, ident)
    raise AuthenticationFailed(_("This database has no recovery slot for this key."))
