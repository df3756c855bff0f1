"""Key slots: the database key, wrapped once per officer (and for recovery), like LUKS.

Each slot has its own age X25519 identity. The database key is encrypted to the slot's public
recipient with age; the identity itself is wrapped with AES-256-GCM under a key derived from the
officer's passphrase (Argon2id, parameters stored in the slot). So:

- changing a passphrase rewraps one identity and touches no other slot;
- re-keying the database (after an officer is removed) re-encrypts the new key to the public
  recipients of the remaining slots, with no passphrase needed, and the removed officer's old
  slot copy then decrypts only the old, useless key;
- a recovery slot for a supervisor's age key (no passphrase) fits the same structure.

The associated data of the GCM wrap binds the format version, database id, slot id, slot kind
and officer tag; the age plaintext repeats database id and slot id (and, from format 2, the
file's format), so a slot edited, swapped between officers or moved to another database fails
to open, and so does every slot of a format-2 file edited back to format 1.

Officer names are not stored: a slot carries a tag of the normalised name. In format 2 the tag
is Argon2id of the name with the file's salt and parameters (`tag_kdf`, calibrated like the
slots), so confirming a guessed name from a copy of the file costs a full key derivation per
guess. Format 1 (earlier versions) used HMAC-SHA256, a fast hash: `upgrade` replaces every such
tag when the database is open (the officers' names are in it). A slot wrapped under format 1
keeps its associated data, which held the HMAC tag: it is recomputed from the name typed at
unlock (`aad_format` 1), so the HMAC tag itself is no longer written anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pyrage
from cryptography.exceptions import InvalidTag

from idtool import kdf
from idtool.atomic import write_atomic
from idtool.errors import AuthenticationFailed, CorruptDatabase, StorageError
from idtool.i18n import _

# AES-GCM is imported inside the two methods that use it: the command line loads this module
# when it starts (to register its commands) and does not need it then (start-up time).

FORMAT = 2
FORMATS = (1, 2)  # what `load` accepts: format 1 is upgraded at the next unlock
KIND_OFFICER = "officer"
KIND_RECOVERY_CODE = "recovery_code"
KIND_AGE = "age_recipient"
RECOVERY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def normalise_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


@dataclass
class Slot:
    id: str
    kind: str
    recipient: str
    db_key: str  # base64 age ciphertext
    tag: str = ""
    kdf: dict[str, object] = field(default_factory=dict)
    salt: str = ""
    nonce: str = ""
    identity: str = ""  # base64 AES-GCM ciphertext of the age identity
    aad_format: int = 1  # the format whose associated data the identity was wrapped with

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class SlotsFile:
    db_id: str
    tag_salt: str
    slots: list[Slot]
    format: int = FORMAT
    tag_kdf: dict[str, object] = field(default_factory=dict)  # format 2: the name tags' Argon2
    _tags: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    # identities of slots added since loading (memory only, never saved): the officer who
    # just set a passphrase need not derive their key again
    fresh: dict[str, pyrage.x25519.Identity] = field(
        default_factory=dict, repr=False, compare=False
    )

    # -- persistence -------------------------------------------------------------------------
    @classmethod
    def new(cls, tag_params: kdf.KdfParams) -> SlotsFile:
        return cls(
            db_id=str(uuid.uuid4()),
            tag_salt=_b64(os.urandom(32)),
            slots=[],
            tag_kdf=tag_params.to_dict(),
        )

    @classmethod
    def load(cls, path: Path) -> SlotsFile:
        try:
            raw = json.loads(Path(path).read_text("utf-8"))
        except FileNotFoundError:
            raise
        except (OSError, ValueError) as exc:
            raise CorruptDatabase(_("The key file of this data folder is damaged.")) from exc
        return cls.from_dict(raw)

    @classmethod
    def from_dict(cls, raw: object) -> SlotsFile:
        """A key-slots file from its parsed JSON (also the copy a backup carries)."""
        try:
            if not isinstance(raw, dict):
                raise TypeError("not a mapping")
            fmt = raw.get("format")
            if fmt not in FORMATS:
                raise ValueError("format")
            tag_kdf = dict(raw["tag_kdf"]) if fmt >= 2 else {}
            if fmt >= 2:
                kdf.KdfParams.from_dict(tag_kdf)
            slots = [Slot(**s) for s in raw["slots"]]
            return cls(
                db_id=str(raw["db_id"]),
                tag_salt=str(raw["tag_salt"]),
                slots=slots,
                format=int(fmt),
                tag_kdf=tag_kdf,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CorruptDatabase(_("The key file of this data folder is damaged.")) from exc

    def save(self, path: Path) -> None:
        doc = {
            "format": self.format,
            "db_id": self.db_id,
            "tag_salt": self.tag_salt,
            "slots": [s.to_dict() for s in self.slots],
        }
        if self.format >= 2:
            doc["tag_kdf"] = self.tag_kdf
        data = json.dumps(doc, indent=1, sort_keys=True).encode("utf-8")
        try:
            write_atomic(Path(path), data)
        except OSError as exc:
            raise StorageError(
                _("The key file could not be written: {error}").format(
                    error=exc.strerror or type(exc).__name__
                )
            ) from exc

    # -- lookup ------------------------------------------------------------------------------
    def officer_tag(self, name: str) -> str:
        """The tag of an officer name in this file: Argon2id (format 2) or HMAC (format 1)."""
        if self.format < 2:
            return self.legacy_tag(name)
        key = normalise_name(name)
        if key not in self._tags:  # add_officer looks the name up, then tags the new slot
            params = kdf.KdfParams.from_dict(self.tag_kdf)
            self._tags[key] = kdf.derive(key.encode("utf-8"), _unb64(self.tag_salt), params).hex()
        return self._tags[key]

    def legacy_tag(self, name: str) -> str:
        """Format 1: HMAC-SHA256 of the name, fast to compute (so no longer stored)."""
        mac = hmac.new(_unb64(self.tag_salt), normalise_name(name).encode("utf-8"), hashlib.sha256)
        return mac.hexdigest()

    def find_officer(self, name: str) -> Slot | None:
        tag = self.officer_tag(name)
        for slot in self.slots:
            if slot.kind == KIND_OFFICER and hmac.compare_digest(slot.tag, tag):
                return slot
        return None

    def get(self, slot_id: str) -> Slot:
        for slot in self.slots:
            if slot.id == slot_id:
                return slot
        raise KeyError(slot_id)

    def remove(self, slot_id: str) -> None:
        self.slots = [s for s in self.slots if s.id != slot_id]

    # -- upgrade -----------------------------------------------------------------------------
    def upgrade(self, names: dict[str, str], db_key: bytes, tag_params: kdf.KdfParams) -> bool:
        """Format 1 -> 2, with the database open: `names` maps each officer slot id to the
        officer's name. Every HMAC tag is replaced by an Argon2id tag, and the database key is
        sealed again to every slot with the format inside, so the file cannot be edited back to
        format 1 (whose missing unlock counter meant no failures). Returns False, changing
        nothing, when a slot's tag does not match the name given for it."""
        if self.format >= 2:
            return False
        officer_slots = [s for s in self.slots if s.kind == KIND_OFFICER]
        for slot in officer_slots:
            name = names.get(slot.id)
            if name is None or not hmac.compare_digest(slot.tag, self.legacy_tag(name)):
                return False
        self.format = 2
        self.tag_kdf = tag_params.to_dict()
        for slot in officer_slots:
            slot.tag = self.officer_tag(names[slot.id])
        self.reseal_all(db_key)
        return True

    # -- wrapping ----------------------------------------------------------------------------
    def _aad(self, slot: Slot, name: str) -> bytes:
        tag = slot.tag
        if slot.aad_format < 2 and slot.kind == KIND_OFFICER and self.format >= 2:
            tag = self.legacy_tag(name)  # wrapped under format 1: the tag was the HMAC
        doc = {
            "format": slot.aad_format,
            "db_id": self.db_id,
            "slot_id": slot.id,
            "kind": slot.kind,
            "tag": tag,
        }
        return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def _seal_db_key(self, slot: Slot, db_key: bytes) -> None:
        fields: dict[str, object] = {"db_id": self.db_id, "slot_id": slot.id, "key": db_key.hex()}
        if self.format >= 2:
            fields["format"] = self.format
        inner = json.dumps(fields)
        recipient = pyrage.x25519.Recipient.from_str(slot.recipient)
        slot.db_key = _b64(pyrage.encrypt(inner.encode("utf-8"), [recipient]))

    def _open_db_key(self, slot: Slot, identity: pyrage.x25519.Identity) -> bytes:
        try:
            inner = json.loads(pyrage.decrypt(_unb64(slot.db_key), [identity]))
            if inner["db_id"] != self.db_id or inner["slot_id"] != slot.id:
                raise ValueError("slot moved")
            if inner.get("format", 1) != self.format:
                raise ValueError("format edited")
            key = bytes.fromhex(inner["key"])
            if len(key) != 32:
                raise ValueError("key length")
            return key
        except (pyrage.DecryptError, ValueError, KeyError, TypeError) as exc:
            raise AuthenticationFailed(_failed_message()) from exc

    def _wrap_identity(
        self, slot: Slot, identity: pyrage.x25519.Identity, secret: bytes, params: kdf.KdfParams
    ) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        salt = kdf.new_salt()
        kek = kdf.derive(secret, salt, params)
        nonce = os.urandom(12)
        slot.kdf = params.to_dict()
        slot.salt = _b64(salt)
        slot.nonce = _b64(nonce)
        slot.aad_format = self.format
        aad = self._aad(slot, "")
        slot.identity = _b64(AESGCM(kek).encrypt(nonce, str(identity).encode(), aad))

    def _unwrap_identity(self, slot: Slot, secret: bytes, name: str) -> pyrage.x25519.Identity:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            params = kdf.KdfParams.from_dict(slot.kdf)
            kek = kdf.derive(secret, _unb64(slot.salt), params)
            aad = self._aad(slot, name)
            plain = AESGCM(kek).decrypt(_unb64(slot.nonce), _unb64(slot.identity), aad)
            return pyrage.x25519.Identity.from_str(plain.decode("ascii"))
        except (InvalidTag, ValueError, KeyError, TypeError) as exc:
            raise AuthenticationFailed(_failed_message()) from exc

    # -- slot operations ---------------------------------------------------------------------
    def add_secret_slot(
        self, kind: str, secret: bytes, db_key: bytes, params: kdf.KdfParams, tag: str = ""
    ) -> Slot:
        identity = pyrage.x25519.Identity.generate()
        slot = Slot(
            id=str(uuid.uuid4()), kind=kind, recipient=str(identity.to_public()), db_key="", tag=tag
        )
        self._wrap_identity(slot, identity, secret, params)
        self._seal_db_key(slot, db_key)
        self.slots.append(slot)
        self.fresh[slot.id] = identity
        return slot

    def add_officer(self, name: str, passphrase: str, db_key: bytes, params: kdf.KdfParams) -> Slot:
        if self.find_officer(name) is not None:
            raise ValueError("officer slot exists")
        return self.add_secret_slot(
            KIND_OFFICER, passphrase.encode("utf-8"), db_key, params, tag=self.officer_tag(name)
        )

    def add_recovery_code(self, code: str, db_key: bytes, params: kdf.KdfParams) -> Slot:
        return self.add_secret_slot(
            KIND_RECOVERY_CODE, normalise_recovery_code(code).encode(), db_key, params
        )

    def add_age_recipient(self, recipient: str, db_key: bytes) -> Slot:
        slot = Slot(id=str(uuid.uuid4()), kind=KIND_AGE, recipient=recipient, db_key="")
        self._seal_db_key(slot, db_key)
        self.slots.append(slot)
        return slot

    def open_slot(self, slot: Slot, secret: bytes, name: str = "") -> bytes:
        """The database key, if `secret` opens `slot`; else AuthenticationFailed. An officer
        slot wrapped under format 1 needs the officer's `name` as well."""
        return self._open_db_key(slot, self._unwrap_identity(slot, secret, name))

    def unwrap_identity(self, slot: Slot, secret: bytes, name: str = "") -> pyrage.x25519.Identity:
        """The slot's identity, if `secret` opens it; else AuthenticationFailed. An officer
        slot wrapped under format 1 needs the officer's `name` as well."""
        return self._unwrap_identity(slot, secret, name)

    def open_with_identity(self, slot: Slot, identity: pyrage.x25519.Identity) -> bytes:
        return self._open_db_key(slot, identity)

    def change_secret(
        self,
        slot: Slot,
        old_secret: bytes,
        new_secret: bytes,
        params: kdf.KdfParams,
        name: str = "",
    ) -> None:
        identity = self._unwrap_identity(slot, old_secret, name)
        self._wrap_identity(slot, identity, new_secret, params)

    def reseal_all(self, new_db_key: bytes) -> None:
        """After a re-key: encrypt the new database key to every remaining slot."""
        for slot in self.slots:
            self._seal_db_key(slot, new_db_key)


def _failed_message() -> str:
    return _("The officer name or passphrase is not correct.")


def dummy_derivation(params: kdf.KdfParams) -> None:
    """Spend the same time as a real unlock, so timing does not tell whether a name exists."""
    kdf.derive(b"no such officer", kdf.new_salt(), params)


def new_recovery_code() -> str:
    """160 random bits as 8 groups of 4 base32 characters, e.g. ABCD-EF23-..."""
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(32))
    return "-".join(chars[i : i + 4] for i in range(0, 32, 4))


def normalise_recovery_code(code: str) -> str:
    """Upper case, no separators; digits that look like letters are read as those letters."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("018", "OIB"))
