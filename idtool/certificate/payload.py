"""The signed payload of the certificate's QR code (specified in docs/formats.md).

    text = "NRM1:" + base45(COSE_Sign1)

Not zlib-compressed: it would save about 6 % here (most bytes are a signature, a salt and a
hash) but deflate's padding bits would let a changed character go unnoticed.

COSE_Sign1 (RFC 9052, tag 18) with EdDSA over Ed25519 (alg -8); the protected header holds the
algorithm and the 8-byte key id; the payload is a CBOR map of integer-keyed claims. No names:
the holder is represented by a salted, truncated SHA-256 of the normalised name and birth date.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import TypeVar

import base45
import cbor2

from idtool import dates
from idtool.cbor_strict import NO_TAGS, refuse_tag
from idtool.translit import search_key

PREFIX = "NRM1:"
VERSION = 1
COSE_SIGN1_TAG = 18
ALG_EDDSA = -8
HEADER_ALG = 1
HEADER_KID = 4
KEY_ID_BYTES = 8
SALT_BYTES = 16
HOLDER_HASH_BYTES = 16
SIGNATURE_BYTES = 64
MAX_TEXT_BYTES = 300
STATUS_IDENTIFIED_VICTIM = 1


class Claim(IntEnum):
    VERSION = 1
    NUMBER = 2
    ISSUE_DATE = 3
    ISSUER_KEY_ID = 4
    CASE_NUMBER = 5
    STATUS = 6
    SALT = 7
    HOLDER_HASH = 8


class PayloadError(ValueError):
    """The text is not a well-formed certificate code; `reason` is a short fixed code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Claims:
    number: str
    issue_date: str
    issuer_key_id: bytes
    case_number: str
    salt: bytes
    holder_hash: bytes
    status: int = STATUS_IDENTIFIED_VICTIM
    version: int = VERSION

    def to_map(self) -> dict[int, object]:
        return {
            Claim.VERSION: self.version,
            Claim.NUMBER: self.number,
            Claim.ISSUE_DATE: self.issue_date,
            Claim.ISSUER_KEY_ID: self.issuer_key_id,
            Claim.CASE_NUMBER: self.case_number,
            Claim.STATUS: self.status,
            Claim.SALT: self.salt,
            Claim.HOLDER_HASH: self.holder_hash,
        }

    def to_cbor(self) -> bytes:
        return cbor2.dumps({int(k): v for k, v in self.to_map().items()}, canonical=True)

    @classmethod
    def from_map(cls, value: object) -> Claims:
        value = _int_keyed(value, {int(c) for c in Claim})
        if value is None:
            raise PayloadError("claims")
        claims = cls(
            number=_claim(value, Claim.NUMBER, str),
            issue_date=_claim(value, Claim.ISSUE_DATE, str),
            issuer_key_id=_claim(value, Claim.ISSUER_KEY_ID, bytes),
            case_number=_claim(value, Claim.CASE_NUMBER, str),
            salt=_claim(value, Claim.SALT, bytes),
            holder_hash=_claim(value, Claim.HOLDER_HASH, bytes),
            status=_claim(value, Claim.STATUS, int),
            version=_claim(value, Claim.VERSION, int),
        )
        if (
            claims.version != VERSION
            or not _is_date(claims.issue_date)
            or len(claims.issuer_key_id) != KEY_ID_BYTES
            or len(claims.salt) != SALT_BYTES
            or len(claims.holder_hash) != HOLDER_HASH_BYTES
        ):
            raise PayloadError("claims")
        return claims


_T = TypeVar("_T")


def _claim(claims: dict[int, object], claim: Claim, kind: type[_T]) -> _T:
    """The value of `claim`, which must be of exactly the type `kind` (a bool is no int)."""
    value = claims[int(claim)]
    if type(value) is not kind:
        raise PayloadError("claims")
    return value


NUMBER_PREFIX = "KG-VS"


def number_prefixes(device_id: str) -> list[str]:
    """The starts of the certificate numbers `device_id` may issue: 8 characters of its id
    (4 before issuing keys), so each device numbers in its own namespace (the coordinator
    refuses to enrol a device whose 8 characters another already has)."""
    return [f"{NUMBER_PREFIX}-{device_id[:n].upper()}-" for n in (8, 4)]


def key_id(public_key_raw: bytes) -> bytes:
    """The first 8 bytes of SHA-256 over the raw 32-byte Ed25519 public key."""
    return hashlib.sha256(public_key_raw).digest()[:KEY_ID_BYTES]


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def holder_fields(full_name: str, birth_date: str) -> bytes:
    """Normalised holder fields: the name's search key, a newline, the ISO birth date."""
    return f"{search_key(full_name)}\n{birth_date.strip()}".encode()


def holder_hash(salt: bytes, full_name: str, birth_date: str) -> bytes:
    return hashlib.sha256(salt + holder_fields(full_name, birth_date)).digest()[:HOLDER_HASH_BYTES]


def protected_header(kid: bytes) -> bytes:
    return cbor2.dumps({HEADER_ALG: ALG_EDDSA, HEADER_KID: kid}, canonical=True)


def sig_structure(protected: bytes, payload: bytes) -> bytes:
    """RFC 9052 section 4.4: ["Signature1", protected, external_aad = b"", payload]."""
    return cbor2.dumps(["Signature1", protected, b"", payload])


@dataclass(frozen=True)
class Signed:
    """A decoded code: what was signed, the signature, and the claims (not yet verified)."""

    protected: bytes
    kid: bytes
    payload: bytes
    signature: bytes
    claims: Claims

    def to_be_signed(self) -> bytes:
        return sig_structure(self.protected, self.payload)


def encode(claims: Claims, kid: bytes, sign: Callable[[bytes], bytes]) -> str:
    """The code text for `claims`, signed by `sign` (an Ed25519 private key's sign method)."""
    protected = protected_header(kid)
    payload = claims.to_cbor()
    signature = sign(sig_structure(protected, payload))
    cose = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))
    code: bytes = base45.b45encode(cose)  # base45 has no type information
    return PREFIX + code.decode("ascii")


def _loads_exact(data: bytes) -> object:
    """Decode one CBOR item strictly: no tags, no indefinite lengths, no duplicate keys, no
    trailing bytes (cbor2.loads would ignore them), and the bytes must be the canonical
    (deterministic, RFC 8949 section 4.2.1) encoding of what they hold, so each value has
    exactly one encoding (`1` is never also `1.0`, `true` or `c2 41 01`)."""
    stream = io.BytesIO(data)
    try:
        value = cbor2.CBORDecoder(
            stream,
            tag_hook=refuse_tag,
            semantic_decoders=NO_TAGS,
            max_depth=16,
            allow_indefinite=False,
            allow_duplicate_keys=False,
        ).decode()
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError, RecursionError):
        raise PayloadError("cbor") from None
    if stream.tell() != len(data):
        raise PayloadError("cbor")
    try:
        canonical = cbor2.dumps(value, canonical=True)
    except (cbor2.CBOREncodeError, ValueError, TypeError, OverflowError, RecursionError):
        raise PayloadError("cbor") from None
    if canonical != data:
        raise PayloadError("canonical")
    return value


def _is_date(text: str) -> bool:
    return dates.parse_iso(text) is not None  # exactly "YYYY-MM-DD", ASCII digits


def _int_keyed(value: object, keys: set[int]) -> dict[int, object] | None:
    """`value` if it is a map whose keys are exactly `keys`, each a plain int (not a bool or a
    float, which compare equal to one); else None."""
    if isinstance(value, dict) and all(type(k) is int for k in value) and set(value) == keys:
        return value
    return None


def decode(text: str) -> Signed:
    """Parse a code text strictly; the signature is checked by `verify`, not here."""
    text = text.strip()
    if not text.startswith(PREFIX):
        raise PayloadError("prefix")
    try:
        cose = base45.b45decode(text[len(PREFIX) :])
    except (ValueError, KeyError):
        raise PayloadError("base45") from None
    # Tag 18 is the only tag in a code, and only here: its canonical head is the one byte d2.
    if cose[:1] != bytes((0xC0 | COSE_SIGN1_TAG,)):
        raise PayloadError("cose")
    parts = _loads_exact(cose[1:])
    if not isinstance(parts, list) or len(parts) != 4:
        raise PayloadError("cose")
    protected, unprotected, payload, signature = parts
    if not (
        isinstance(protected, bytes)
        and isinstance(unprotected, Mapping)
        and not unprotected
        and isinstance(payload, bytes)
        and isinstance(signature, bytes)
        and len(signature) == SIGNATURE_BYTES
    ):
        raise PayloadError("cose")
    header = _int_keyed(_loads_exact(protected), {HEADER_ALG, HEADER_KID})
    if header is None:
        raise PayloadError("header")
    alg, kid = header[HEADER_ALG], header[HEADER_KID]
    if (
        type(alg) is not int
        or alg != ALG_EDDSA
        or type(kid) is not bytes
        or len(kid) != KEY_ID_BYTES
    ):
        raise PayloadError("header")
    claims = Claims.from_map(_loads_exact(payload))
    return Signed(protected, kid, payload, signature, claims)
