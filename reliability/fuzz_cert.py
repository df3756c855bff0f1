"""Fuzz target for the certificate code ("NRM1:" + base45(COSE_Sign1)) and `certificate.verify`.

Cases: the text mutated character by character; the COSE bytes mutated and encoded again (not
signed again: any change to the signed bytes must make the code invalid); codes rebuilt with
changed CBOR/COSE fields and signed again by the test key (the verifier must still refuse what
docs/formats.md forbids); texts that look like file names. The oracle is the verification
procedure of docs/formats.md written out here, independent of idtool's code.
"""

from __future__ import annotations

import hashlib
import random
import string
import struct
from pathlib import Path
from typing import Any

import base45
import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from reliability.fuzz import Case, Verdict
from reliability.fuzz_cbor import OracleError, Pairs, StrictCbor
from reliability.fuzz_mutate import mutate, mutate_text

ALPHABET = string.digits + string.ascii_uppercase + " $%*+-./:"
PREFIX = "NRM1:"


def _key(seed: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(seed)


def key_id(key: Ed25519PrivateKey) -> bytes:
    return hashlib.sha256(key.public_key().public_bytes_raw()).digest()[:8]


class PairsCbor(StrictCbor):
    """What the certificate format allows: indefinite lengths are not forbidden there."""

    allow_indefinite = True
    pairs_maps = True


def signed_parts(text: str) -> tuple[bytes, ...] | None:
    """(protected, payload, signature) read leniently: what a change must not leave alone."""
    try:
        item = cbor2.loads(base45.b45decode(text.strip()[len(PREFIX) :]))
        protected, _unprotected, payload, signature = item.value
    except Exception:
        return None
    return protected, payload, signature


def _strict(data: bytes) -> Any:
    reader = PairsCbor(data)
    return reader.whole(), reader.noncanonical


def _is_int(value: object, wanted: int | None = None) -> bool:
    return type(value) is int and (wanted is None or value == wanted)


def oracle(
    text: str, trusted: dict[bytes, Ed25519PrivateKey]
) -> tuple[str, str, tuple[bytes, ...]]:
    """docs/formats.md, "Verification procedure": (status, why, signed parts).

    status is valid / invalid / unknown_issuer (revocation is left to the caller)."""
    text = text.strip()
    if not text.startswith(PREFIX):
        return "invalid", "prefix", ()
    try:
        cose = base45.b45decode(text[len(PREFIX) :])
    except (ValueError, KeyError):
        return "invalid", "base45", ()
    reader = PairsCbor(cose)
    try:
        major, _info, tag = reader.head()
        if (major, tag) != (6, 18):
            return "invalid", "not tag 18", ()
        envelope = reader.whole_rest()
    except OracleError as e:
        return "invalid", f"COSE {e}", ()
    if not isinstance(envelope, list) or len(envelope) != 4:
        return "invalid", "COSE array", ()
    protected, unprotected, payload, signature = envelope
    if not (
        isinstance(protected, bytes)
        and isinstance(unprotected, Pairs)
        and not unprotected
        and isinstance(payload, bytes)
        and isinstance(signature, bytes)
        and len(signature) == 64
    ):
        return "invalid", "COSE fields", ()
    parts = (protected, payload, signature)
    try:
        header, _ = _strict(protected)
        claims, _ = _strict(payload)
    except OracleError as e:
        return "invalid", f"inner CBOR {e}", parts
    if (
        not isinstance(header, Pairs)
        or len(header) != 2
        or sorted((k for k, _ in header), key=repr) != [1, 4]
        or not all(_is_int(k) for k, _ in header)
    ):
        return "invalid", "protected header keys", parts
    values = dict(header)
    if not _is_int(values[1], -8) or not isinstance(values[4], bytes) or len(values[4]) != 8:
        return "invalid", "protected header values", parts
    kid = values[4]
    if (
        not isinstance(claims, Pairs)
        or len(claims) != 8
        or not all(_is_int(k) for k, _ in claims)
        or {k for k, _ in claims} != set(range(1, 9))
    ):
        return "invalid", "claim keys", parts
    c = dict(claims)
    types = {1: int, 2: str, 3: str, 4: bytes, 5: str, 6: int, 7: bytes, 8: bytes}
    if not all(type(c[k]) is t for k, t in types.items()):
        return "invalid", "claim types", parts
    if c[1] != 1 or c[4] != kid or len(c[7]) != 16 or len(c[8]) != 16:
        return "invalid", "claim values", parts
    key = trusted.get(kid)
    if key is None:
        return "unknown_issuer", "", parts
    to_be_signed = cbor2.dumps(["Signature1", protected, b"", payload])
    try:
        key.public_key().verify(signature, to_be_signed)
    except InvalidSignature:
        return "invalid", "signature", parts
    if c[6] != 1:
        return "invalid", "status", parts
    return "valid", "", parts


def _cbor_int_variants(value: int) -> list[bytes]:
    """Ways to write the integer key or value `value`, most of them not an integer."""
    canonical = cbor2.dumps(value)
    out = [
        canonical,
        cbor2.dumps(float(value)),
        b"\xf9" + struct.pack(">e", float(value)),
        cbor2.dumps(str(value)),
        cbor2.dumps(bytes([value & 0xFF])),
    ]
    if value >= 0:
        out += [b"\x18" + bytes([value]), b"\xc2\x41" + bytes([value])]  # long head; bignum
    if value in (0, 1):
        out.append(b"\xf5" if value else b"\xf4")  # true / false
    return out


_VALUES = (
    b"\x00",
    b"\x01",
    b"\x02",
    b"\x20",
    b"\xf5",
    b"\xf4",
    b"\xf6",
    b"\xf7",
    b"\x60",
    b"\x40",
    b"\x80",
    b"\xa0",
    b"\x48" + bytes(8),
    b"\x47" + bytes(7),
    b"\x49" + bytes(9),
    b"\x50" + bytes(16),
    b"\x4f" + bytes(15),
    b"\x51" + bytes(17),
    b"\x58\x20" + bytes(32),
    b"\x6a2026-01-01",
    b"\x6a2026-13-45",
    b"\x68" + "٢٠٢٦".encode(),
    b"\x78\xff" + b"A" * 255,
    b"\xfb\x3f\xf0\x00\x00\x00\x00\x00\x00",
    b"\xc1\x1a\x60\x00\x00\x00",
    b"\x9f\xff",
    b"\x1b\xff\xff\xff\xff\xff\xff\xff\xff",
    b"\x3b\xff\xff\xff\xff\xff\xff\xff\xff",
)


class CertificateTarget:
    name = "fuzz certificate code"

    def setup(self, work: Path) -> None:
        from idtool.certificate import payload, trust

        self.key = _key(bytes(range(1, 33)))  # the documented test key
        self.key2 = _key(hashlib.sha256(b"second issuer").digest())
        self.untrusted = _key(hashlib.sha256(b"not trusted").digest())
        self.trusted = {key_id(k): k for k in (self.key, self.key2)}
        rng = random.Random(3)
        self.seeds: list[str] = []
        self.claims: list[Any] = []
        for i in range(8):
            key = self.key if i % 3 else self.key2
            claims = payload.Claims(
                number=f"KG-VS-1A2B-20{20 + i}-{rng.randrange(10**5, 10**7)}",
                issue_date=f"20{20 + i}-0{1 + i}-1{i}",
                issuer_key_id=key_id(key),
                case_number=f"1A2B-2026-{rng.randrange(10**5):05d}",
                salt=rng.randbytes(16),
                holder_hash=rng.randbytes(16),
            )
            self.seeds.append(payload.encode(claims, key_id(key), key.sign))
            self.claims.append(claims)
        revoked = self.claims[1].number
        self.trust = trust.TrustList(
            [
                trust.TrustedKey(kid, k.public_key().public_bytes_raw(), f"issuer {n}", "")
                for n, (kid, k) in enumerate(self.trusted.items())
            ],
            [trust.Revocation(revoked, "fuzz", "Тест Текшерүүчү", "2026-01-01T00:00:00Z")],
        )
        self.signed = {signed_parts(s) for s in self.seeds}

    # -- generation -----------------------------------------------------------------------
    def _resigned(self, rng: random.Random, claims: Any) -> tuple[str, str]:
        pairs = [(cbor2.dumps(int(k)), cbor2.dumps(v)) for k, v in claims.to_map().items()]
        labels = []
        for _ in range(rng.choice((1, 1, 2, 3))):
            roll = rng.random()
            i = rng.randrange(len(pairs))
            if roll < 0.1:
                del pairs[i]
                labels.append("drop")
            elif roll < 0.2:
                pairs.append(
                    (
                        rng.choice((b"\x09", b"\x00", b"\x20", b"\x61\x31", b"\xf5")),
                        rng.choice(_VALUES),
                    )
                )
                labels.append("extra")
            elif roll < 0.27:
                pairs.append(pairs[i])
                labels.append("dup")
            elif roll < 0.45:
                key = cbor2.loads(pairs[i][0])
                if type(key) is int:
                    pairs[i] = (rng.choice(_cbor_int_variants(key)), pairs[i][1])
                labels.append("key")
            elif roll < 0.55:
                value = cbor2.loads(pairs[i][1])
                if type(value) is int:
                    variants = [*_cbor_int_variants(value), b"\x00", b"\x02", b"\x20"]
                    pairs[i] = (pairs[i][0], rng.choice(variants))
                labels.append("int")
            elif roll < 0.6:
                rng.shuffle(pairs)
                labels.append("order")
            else:
                pairs[i] = (pairs[i][0], rng.choice(_VALUES))
                labels.append("value")
        label = "resigned:" + ",".join(labels)
        head = bytes((0xA0 | len(pairs),)) if len(pairs) < 24 else b"\xb8" + bytes([len(pairs)])
        if rng.random() < 0.05:
            head = rng.choice((b"\xbf", b"\xb8" + bytes([len(pairs)]), b"\xa0", b"\x88"))
        payload = head + b"".join(k + v for k, v in pairs)
        if head == b"\xbf":
            payload += b"\xff"
        kid = key_id(self.key)
        protected = cbor2.dumps({1: -8, 4: kid}, canonical=True)
        if rng.random() < 0.3:
            label += "+protected"
            protected = rng.choice(
                (
                    b"\xa2\x01\x26\x04\x48" + kid,  # alg -7
                    b"\xa2\x01\xf9\xc8\x00\x04\x48" + kid,  # alg -8.0 (half float)
                    b"\xa2\xf5\x27\x04\x48" + kid,  # key `true` for 1
                    b"\xa2\x04\x48" + kid + b"\x01\x27",  # keys out of order
                    b"\xa2\x01\x27\x04\x47" + kid[:7],
                    b"\xa2\x01\x27\x04\x68" + b"A" * 8,
                    b"\xa3\x01\x27\x04\x48" + kid + b"\x03\x00",
                    b"\xa1\x01\x27",
                    b"\xa2\x01\x27\x01\x27",
                    b"\x82\x01\x27",
                    b"",
                    b"\xa2\x01\x38\x07\x04\x48" + kid,
                    b"\xa2\x18\x01\x27\x04\x48" + kid,
                    b"\xbf\x01\x27\x04\x48" + kid + b"\xff",
                )
            )
        unprotected = b"\xa0"
        if rng.random() < 0.08:
            unprotected = rng.choice(
                (b"\xa1\x04\x48" + kid, b"\xb8\x00", b"\xf6", b"\x80", b"\xbf\xff")
            )
            label += "+unprotected"
        signer = self.key
        context = "Signature1"
        if rng.random() < 0.08:
            signer = rng.choice((self.key2, self.untrusted))
            label += "+signer"
        if rng.random() < 0.03:
            context = rng.choice(("Signature", "Signature1 ", "CounterSignature"))
            label += "+context"
        signature = signer.sign(cbor2.dumps([context, protected, b"", payload]))
        if rng.random() < 0.03:
            signature = signature[: rng.choice((0, 63))] + (b"\0" if rng.random() < 0.5 else b"")
        env = [protected, unprotected, payload, signature]
        body = b"".join(
            cbor2.dumps(x) if isinstance(x, bytes) and x is not unprotected else x for x in env
        )
        head = b"\x84"
        if rng.random() < 0.04:
            head = rng.choice((b"\x83", b"\x85", b"\x98\x04", b"\x9f"))
            body += b"\xff" if head == b"\x9f" else b""
        tag = b"\xd2"
        if rng.random() < 0.04:
            tag = rng.choice((b"", b"\xd1", b"\xd8\x12", b"\xd2\xd2", b"\xd8\x62"))
        cose = tag + head + body
        if rng.random() < 0.03:
            cose += rng.choice((b"\x00", b"\xff", rng.randbytes(3)))
        return PREFIX + base45.b45encode(cose).decode("ascii"), label

    def make(self, rng: random.Random, index: int) -> Case:
        which = rng.randrange(len(self.seeds))
        seed = self.seeds[which]
        roll = rng.random()
        if roll < 0.3:
            text, label = mutate_text(rng, seed, ALPHABET)
            if rng.random() < 0.1:
                text = rng.choice(("nrm1:", "NRM2:", "NRM1", " NRM1:", "HC1:")) + text[5:]
                label = "prefix"
            return Case(text, f"text:{label}", "mutated")
        if roll < 0.6:
            cose = base45.b45decode(seed[len(PREFIX) :])
            data, label = mutate(
                rng, cose, [base45.b45decode(s[5:]) for s in self.seeds[:2]], (b"\x81", b"")
            )
            return Case(PREFIX + base45.b45encode(data).decode("ascii"), f"cose:{label}", "mutated")
        if roll < 0.92:
            text, label = self._resigned(rng, self.claims[which])
            return Case(text, label, "resigned")
        if roll < 0.96:
            stem = "".join(rng.choice(ALPHABET + "\0/.\\ ") for _ in range(rng.randint(0, 12)))
            suffix = rng.choice(("", ".pdf", ".PNG", ".jpg", ".webp", ".txt", "/"))
            return Case(
                rng.choice(("", PREFIX, "/tmp/", "./")) + stem + suffix, "path-like", "mutated"
            )
        if roll < 0.98:
            return Case(
                PREFIX
                + "".join(rng.choice(ALPHABET) for _ in range(rng.choice((0, 1, 2, 3, 287, 600)))),
                "random",
                "mutated",
            )
        return Case(seed, "valid", "valid")

    # -- judging --------------------------------------------------------------------------
    def run(self, case: Case) -> Verdict:
        from idtool.certificate.verify import Status, verify
        from idtool.errors import InvalidInput

        text = str(case.data)
        try:
            result = verify(self.trust, text)
        except InvalidInput:  # documented: a file name that cannot be read
            return Verdict(False)
        message = result.message()  # must never fail either
        accepted = result.status in (Status.VALID, Status.REVOKED)
        expected, why, _parts = oracle(text, self.trusted)
        if case.extra == "valid" and not accepted:
            return Verdict(False, f"a genuine code was refused ({result.reason})")
        if not accepted:
            if expected == "valid":
                return Verdict(False, note=f"valid by the format, refused ({result.reason})")
            return Verdict(False)
        if not message or result.claims is None:
            return Verdict(True, "a valid result without claims or message")
        if case.extra == "mutated" and signed_parts(text) not in self.signed:
            return Verdict(True, "a code with changed signed bytes verified as valid")
        if expected != "valid":
            return Verdict(True, f"verified a code the format refuses ({why})")
        if case.extra == "mutated" and text.strip() not in self.seeds:
            return Verdict(True, note="another text of the same signed bytes verified")
        return Verdict(True)
