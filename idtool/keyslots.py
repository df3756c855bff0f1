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
and officer tag; the age plaintext repeats database id and slot id, so a slot edited, swapped
between officers or moved to another database fails to open. Officer names are not stored:
a slot carries an HMAC tag of the normalised name, so the file holds no personal data.
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

from idtool import kdf
from idtool.atomic import write_atomic
from idtool.errors import AuthenticationFailed, CorruptDatabase, StorageError
from idtool.i18n import _

FORMAT = 1
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

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class SlotsFile:
    db_id: str
    tag_salt: str
    slots: list[Slot]
    format: int = FORMAT
    # identities of slots added since loading (memory only, never saved): the officer who
    # just set a passphrase need not derive their key again
    fresh: dict[str, pyrage.x25519.Identity] = field(default_factory=dict, repr=False)

    # -- persistence -------------------------------------------------------------------------
    @classmethod
    def new(cls) -> SlotsFile:
        return cls(db_id=str(uuid.uuid4()), tag_salt=_b64(os.urandom(32)), slots=[])

    @classmethod
    def load(cls, path: Path) -> SlotsFile:
        try:
            raw = json.loads(Path(path).read_text("utf-8"))
            if raw.get("format") != FORMAT:
                raise ValueError("format")
            slots = [Slot(**s) for s in raw["slots"]]
            return cls(db_id=str(raw["db_id"]), tag_salt=str(raw["tag_salt"]), slots=slots)
        except FileNotFoundError:
            raise
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CorruptDatabase(_("The key file of this data folder is damaged.")) from exc

    def save(self, path: Path) -> None:
        doc = {
            "format": self.format,
            "db_id": self.db_id,
            "tag_salt": self.tag_salt,
            "slots": [s.to_dict() for s in self.slots],
        }
        data = json.dumps(doc, indent=1, sort_keys=True).encode("utf-8")
        try:
            write_atomic(Path(path), data)
        except OSError as exc:
            raise StorageError(_("The key file could not be written: {error}").format(
                error=exc.strerror or type(exc).__name__)) from exc

    # -- lookup ------------------------------------------------------------------------------
    def officer_tag(self, name: str) -> str:
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

    # -- wrapping ----------------------------------------------------------------------------
    def _aad(self, slot: Slot) -> bytes:
        doc = {"format": self.format, "db_id": self.db_id, "slot_id": slot.id,
               "kind": slot.kind, "tag": slot.tag}
        return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def _seal_db_key(self, slot: Slot, db_key: bytes) -> None:
        inner = json.dumps({"db_id": self.db_id, "slot_id": slot.id, "key": db_key.hex()})
        recipient = pyrage.x25519.Recipient.from_str(slot.recipient)
        slot.db_key = _b64(pyrage.encrypt(inner.encode("utf-8"), [recipient]))

    def _open_db_key(self, slot: Slot, identity: pyrage.x25519.Identity) -> bytes:
        try:
            inner = json.loads(pyrage.decrypt(_unb64(slot.db_key), [identity]))
            if inner["db_id"] != self.db_id or inner["slot_id"] != slot.id:
                raise ValueError("slot moved")
            key = bytes.fromhex(inner["key"])
            if len(key) != 32:
                raise ValueError("key length")
            return key
        except (pyrage.DecryptError, ValueError, KeyError, TypeError) as exc:
            raise AuthenticationFailed(_failed_message()) from exc

    def _wrap_identity(self, slot: Slot, identity: pyrage.x25519.Identity, secret: bytes,
                       params: kdf.KdfParams) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        salt = kdf.new_salt()
        kek = kdf.derive(secret, salt, params)
        nonce = os.urandom(12)
        slot.kdf = params.to_dict()
        slot.salt = _b64(salt)
        slot.nonce = _b64(nonce)
        slot.identity = _b64(AESGCM(kek).encrypt(nonce, str(identity).encode(), self._aad(slot)))

    def _unwrap_identity(self, slot: Slot, secret: bytes) -> pyrage.x25519.Identity:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            params = kdf.KdfParams.from_dict(slot.kdf)
            kek = kdf.derive(secret, _unb64(slot.salt), params)
            plain = AESGCM(kek).decrypt(_unb64(slot.nonce), _unb64(slot.identity), self._aad(slot))
            return pyrage.x25519.Identity.from_str(plain.decode("ascii"))
        except (InvalidTag, ValueError, KeyError, TypeError) as exc:
            raise AuthenticationFailed(_failed_message()) from exc

    # -- slot operations ---------------------------------------------------------------------
    def add_secret_slot(self, kind: str, secret: bytes, db_key: bytes, params: kdf.KdfParams,
                        tag: str = "") -> Slot:
        identity = pyrage.x25519.Identity.generate()
        slot = Slot(id=str(uuid.uuid4()), kind=kind, recipient=str(identity.to_public()),
                    db_key="", tag=tag)
        self._wrap_identity(slot, identity, secret, params)
        self._seal_db_key(slot, db_key)
        self.slots.append(slot)
        self.fresh[slot.id] = identity
        return slot

    def add_officer(self, name: str, passphrase: str, db_key: bytes,
                    params: kdf.KdfParams) -> Slot:
        if self.find_officer(name) is not None:
            raise ValueError("officer slot exists")
        return self.add_secret_slot(KIND_OFFICER, passphrase.encode("utf-8"), db_key, params,
                                    tag=self.officer_tag(name))

    def add_recovery_code(self, code: str, db_key: bytes, params: kdf.KdfParams) -> Slot:
        return self.add_secret_slot(KIND_RECOVERY_CODE, normalise_recovery_code(code).encode(),
                                    db_key, params)

    def add_age_recipient(self, recipient: str, db_key: bytes) -> Slot:
        slot = Slot(id=str(uuid.uuid4()), kind=KIND_AGE, recipient=recipient, db_key="")
        self._seal_db_key(slot, db_key)
        self.slots.append(slot)
        return slot

    def open_slot(self, slot: Slot, secret: bytes) -> bytes:
        """The database key, if `secret` opens `slot`; else AuthenticationFailed."""
        return self._open_db_key(slot, self._unwrap_identity(slot, secret))

    def unwrap_identity(self, slot: Slot, secret: bytes) -> pyrage.x25519.Identity:
        """The slot's identity, if `secret` opens it; else AuthenticationFailed."""
        return self._unwrap_identity(slot, secret)

    def open_with_identity(self, slot: Slot, identity: pyrage.x25519.Identity) -> bytes:
        return self._open_db_key(slot, identity)

    def change_secret(self, slot: Slot, old_secret: bytes, new_secret: bytes,
                      params: kdf.KdfParams) -> None:
        identity = self._unwrap_identity(slot, old_secret)
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
    return cleaned.translate(str.maketrans({"0": "O", "1": "I", "8": "B"}))
