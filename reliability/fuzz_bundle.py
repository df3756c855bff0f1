"""Fuzz targets for exchange packages: the container (`read_bundle`) and the inner manifest
(`open_manifest`). Both judge what the parser accepted with an oracle written from
docs/formats.md ("Bundle container"), independent of idtool's own checks.

Which bytes of a container may change without the reader noticing? None: the Ed25519 signature
covers bytes 0 .. 14+H (magic, version, H, header, padding), the header commits to the
payload's length and SHA-256, and Ed25519 signatures are not malleable (OpenSSL checks S < L
and compares R's encoding). So any changed byte must be refused, and a mutated file that
reads successfully must be byte-identical to a seed.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import re
import struct
import uuid
from pathlib import Path
from typing import Any

import cbor2
import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from reliability.fuzz import Case, Verdict
from reliability.fuzz_cbor import NonTextMap, OracleError, StrictCbor, head, random_cbor
from reliability.fuzz_mutate import mutate

MAGIC = b"IDTBNDL\0"
DEVICE = "fuzz-device-1"
FIELDS = (
    "audit_head",
    "bundle_id",
    "created",
    "kind",
    "payload_length",
    "payload_sha256",
    "previous",
    "recipients",
    "schema_version",
    "sender",
    "sender_key_id",
    "sequence",
)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX16 = re.compile(r"[0-9a-f]{16}")
_DEVICE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def _key(label: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(label.encode()).digest())


def _fingerprint(identity: pyrage.x25519.Identity) -> str:
    return hashlib.sha256(str(identity.to_public()).encode("ascii")).hexdigest()[:16]


def _records(rng: random.Random, n: int) -> list[dict[str, Any]]:
    """Fictional records of the shapes case bundles carry."""
    out: list[dict[str, Any]] = []
    for i in range(n):
        out.append(
            {
                "table": rng.choice(("persons", "cases", "answers", "audit")),
                "row": {
                    "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                    "version": i,
                    "full_name": "Тестбек Фаззов",
                    "note": "ө" * rng.randint(0, 40),
                    "photo": rng.randbytes(rng.randint(0, 24)),
                    "score": i / 7,
                    "flags": [True, None, -i],
                    "details": {"a": {"b": [1, 2]}},
                },
            }
        )
    return out


# ------------------------------------------------------------------------------- container


def header_problem(region: bytes) -> str:
    """Why a header region breaks docs/formats.md ("" when it follows it)."""
    text = region.rstrip(b"\0")
    if len(region) - len(text) > 16:
        return "padding"
    if any(b > 0x7F for b in text):
        return "not ASCII"

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        if len({k for k, _ in items}) != len(items):
            raise ValueError("duplicate key")
        return dict(items)

    def no_float(_text: str) -> None:
        raise ValueError("float")

    try:
        data = json.loads(
            text.decode("ascii"),
            object_pairs_hook=pairs,
            parse_float=no_float,
            parse_constant=no_float,
        )
    except (ValueError, RecursionError):
        return "JSON"
    if not isinstance(data, dict):
        return "not an object"
    if sorted(data) != sorted(FIELDS):
        return "fields"
    if json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode() != text:
        return "not canonical"

    def integer(value: object, low: int, high: float = math.inf) -> bool:
        return type(value) is int and low <= value <= high

    head = data["audit_head"]
    checks = {
        "bundle_id": isinstance(data["bundle_id"], str) and _UUID.fullmatch(data["bundle_id"]),
        "kind": data["kind"] in ("case", "update", "referral", "enrol"),
        "sender": isinstance(data["sender"], str) and _DEVICE.fullmatch(data["sender"]),
        "sequence": integer(data["sequence"], 1, 2**53 - 1),
        "previous": data["previous"] is None
        or (isinstance(data["previous"], str) and _HEX64.fullmatch(data["previous"])),
        "recipients": isinstance(data["recipients"], list)
        and 1 <= len(data["recipients"]) <= 64
        and all(isinstance(r, str) and _HEX16.fullmatch(r) for r in data["recipients"])
        and data["recipients"] == sorted(set(data["recipients"])),
        "payload_length": integer(data["payload_length"], 0),
        "payload_sha256": isinstance(data["payload_sha256"], str)
        and _HEX64.fullmatch(data["payload_sha256"]),
        "schema_version": integer(data["schema_version"], -(2**63)),
        "audit_head": isinstance(head, dict)
        and sorted(head) == ["hash", "seq"]
        and integer(head["seq"], -(2**63))
        and isinstance(head["hash"], str)
        and _HEX64.fullmatch(head["hash"]),
        "created": isinstance(data["created"], str),
        "sender_key_id": isinstance(data["sender_key_id"], str)
        and _HEX16.fullmatch(data["sender_key_id"]),
    }
    bad = [name for name, ok in checks.items() if not ok]
    return bad[0] if bad else ""


_JSON_VALUES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    1,
    2**53 - 1,
    2**53,
    2**64,
    10**30,
    "",
    "x" * 70,
    "CASE",
    "case ",
    "ө",
    "\u0000",
    "\n",
    [],
    ["a" * 16],
    {},
    {"seq": 0},
    [[[[[]]]]],
    "0" * 64,
)


def _mutate_header(rng: random.Random, data: dict[str, Any]) -> None:
    """One structural change to a parsed header: a field removed, added, retyped or bent."""
    key = rng.choice(FIELDS)
    roll = rng.random()
    if roll < 0.1:
        data.pop(key, None)
    elif roll < 0.15:
        data[rng.choice(("extra", "Kind", "bundle_id ", "z"))] = rng.choice(_JSON_VALUES)
    elif roll < 0.45:
        data[key] = rng.choice(_JSON_VALUES)
    else:
        value = data.get(key)
        items = value if isinstance(value, list) else []
        number = value if type(value) is int else 0
        bent: dict[str, list[Any]] = {
            "bundle_id": [
                str(value).upper(),
                str(value).replace("-", ""),
                f"{{{value}}}",
                "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
                str(value)[:-1] + "g",
            ],
            "kind": ["enrol", "update", "referral", "other", "Case", 1],
            "sender": ["-dev", "d" * 64, "d" * 65, "dev ice", "dév", "", "a.b_c-d"],
            "sequence": [0, -1, 2**53 - 1, 2**53, True, "1", 1],
            "previous": [None, "A" * 64, "a" * 63, "", "0" * 64],
            "recipients": [
                [],
                items[::-1] * 2,
                ["A" * 16],
                ["0" * 16] * 65,
                [f"{i:016x}" for i in range(64)],
                [*items, "f" * 16],
            ],
            "payload_length": [0, -1, 10**15 - 1, 10**15, number + 1, number - 1],
            "payload_sha256": ["0" * 64, "A" * 64, "0" * 63],
            "schema_version": [0, -1, 2**31 - 1, 2**31, 1],
            "audit_head": [
                {"seq": -1, "hash": "0" * 64},
                {"seq": 2**53, "hash": "0" * 64},
                {"hash": "0" * 64},
                {"seq": 0, "hash": "0" * 64, "x": 1},
                {"seq": True, "hash": "0" * 64},
            ],
            "created": ["", "x" * 64, "x" * 65, "2026-01-01\n", "\u00e9", 20260101],
            "sender_key_id": ["A" * 16, "0" * 15, "0" * 16],
        }
        data[key] = rng.choice(bent[key])


def _encode_header(rng: random.Random, data: dict[str, Any]) -> tuple[bytes, str]:
    roll = rng.random()
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    if roll < 0.75:
        return canonical.encode(), "canonical"
    if roll < 0.8:
        return json.dumps(data, sort_keys=True).encode(), "spaces"
    if roll < 0.85:
        return json.dumps(data, separators=(",", ":")).encode(), "unsorted"
    if roll < 0.9:
        text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.encode("utf-8"), "utf-8"
    if roll < 0.95 and '"kind":"' in canonical:  # a duplicate key, or an escaped letter
        if rng.random() < 0.5:
            return canonical.replace('"kind":"', '"kind":"case","kind":"', 1).encode(), "dup"
        return canonical.replace('"kind":"c', '"kind":"\\u0063', 1).encode(), "escape"
    return canonical.replace(":1,", ":1.0,", 1).replace(":0,", ":0e0,", 1).encode(), "float"


class ContainerTarget:
    name = "fuzz bundle container"

    def setup(self, work: Path) -> None:
        from idtool.bundle import encode_manifest, write_bundle

        self.sender = _key("fuzz sender")
        self.other = _key("fuzz other signer")
        self.identity = pyrage.x25519.Identity.generate()
        self.outsider = pyrage.x25519.Identity.generate()
        self.trusted = {DEVICE: self.sender.public_key()}
        self.work = work
        seeds_dir = work / "seeds"
        seeds_dir.mkdir(exist_ok=True)
        rng = random.Random(1)
        self.seeds: list[bytes] = []
        self.plain: list[bytes] = []
        variants = (
            ("case", 1, None, 3, [self.identity]),
            ("update", 7, "ab" * 32, 0, [self.identity]),
            ("referral", 2, "cd" * 32, 2, [self.identity, self.outsider]),
            ("enrol", 3, None, 120, [self.identity]),
        )
        for kind, seq, previous, n, recipients in variants:
            fields = {
                "bundle_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "kind": kind,
                "sender": DEVICE,
                "sequence": seq,
                "previous": previous,
                "schema_version": 7,
                "audit_head": (seq * 3, "e" * 64),
            }
            payload = encode_manifest(fields, _records(rng, n))
            path = write_bundle(
                seeds_dir, fields, payload, self.sender, [r.to_public() for r in recipients]
            )
            self.seeds.append(path.read_bytes())
            self.plain.append(payload)
        self.known = set(self.seeds)

    # -- generation -----------------------------------------------------------------------
    def _parts(self, data: bytes) -> tuple[int, bytes, bytes]:
        length = struct.unpack(">I", data[10:14])[0]
        return length, data[14 : 14 + length], data[78 + length :]

    def _assemble(
        self,
        rng: random.Random,
        region: bytes,
        payload: bytes,
        key: Ed25519PrivateKey | None = None,
    ) -> tuple[bytes, bool]:
        version, length, proper = 1, len(region), True
        if rng.random() < 0.05:
            version = rng.choice((0, 2, 0xFFFF))
            proper = False
        if rng.random() < 0.05:
            length = rng.choice((0, len(region) - 1, len(region) + 1, 65536, 65537, 2**32 - 1))
            proper = proper and length == len(region)
        signed = MAGIC + struct.pack(">HI", version, length) + region
        return signed + (key or self.sender).sign(signed) + payload, proper

    def make(self, rng: random.Random, index: int) -> Case:
        which = rng.randrange(len(self.seeds))
        seed = self.seeds[which]
        length, region, payload = self._parts(seed)
        roll = rng.random()
        if roll < 0.45:  # bytes changed anywhere, or inside one chosen area
            areas = [
                None,
                (0, 14),
                (14, 14 + length),
                (14 + length - 16, 14 + length),
                (14 + length, 78 + length),
                (78 + length, 78 + length + 200),
                (78 + length, len(seed)),
            ]
            data, label = mutate(rng, seed, self.seeds, (b"[", b"]"), region=rng.choice(areas))
            return Case(data, f"bytes:{label}", {"mode": "bytes"})
        if roll < 0.72:  # the header changed in structure, then signed again properly
            data = json.loads(region.rstrip(b"\0"))
            for _ in range(rng.choice((1, 1, 2, 3))):
                _mutate_header(rng, data)
            text, how = _encode_header(rng, data)
            pad = len(region) - len(region.rstrip(b"\0"))
            if rng.random() < 0.2:
                pad = rng.choice((0, 1, 16, 17, 40))
            filler = b"\0" if rng.random() < 0.9 else rng.choice((b" ", b"\n", b"\0\x01"))
            new_region = text + filler * pad
            out, proper = self._assemble(rng, new_region, payload)
            return Case(
                out,
                f"header:{how}",
                {
                    "mode": "header",
                    "proper": proper,
                    "region": new_region,
                    "plain": self.plain[which],
                    "payload": payload,
                },
            )
        if roll < 0.9:  # the payload changed, the header updated to match, signed again
            data = json.loads(region.rstrip(b"\0"))
            sub = rng.random()
            expect: bytes | None = self.plain[which]
            if sub < 0.5:
                new_payload, label = mutate(
                    rng,
                    payload,
                    region=rng.choice([None, (0, 120), (len(payload) - 40, len(payload))]),
                )
                kind = f"payload:{label}"
            elif sub < 0.8:
                expect = rng.randbytes(rng.choice((0, 1, 100, 5000)))
                to = rng.choice(([self.identity], [self.outsider], [self.outsider, self.identity]))
                new_payload = pyrage.encrypt(expect, [r.to_public() for r in to])
                if self.identity not in to:
                    expect = None
                kind = "payload:fresh"
            else:
                new_payload, expect = rng.randbytes(rng.choice((0, 10, 300))), None
                kind = "payload:random"
            if rng.random() < 0.9:
                data["payload_length"] = len(new_payload)
                data["payload_sha256"] = hashlib.sha256(new_payload).hexdigest()
            text = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
            out, proper = self._assemble(
                rng,
                text.ljust(len(region), b"\0") if len(text) <= len(region) else text,
                new_payload,
            )
            return Case(
                out,
                kind,
                {
                    "mode": "payload",
                    "expect": expect,
                    "proper": proper,
                    "region": text,
                    "payload": new_payload,
                },
            )
        if roll < 0.95:  # signed by a key that is not the trusted one
            data = json.loads(region.rstrip(b"\0"))
            if rng.random() < 0.5:
                other_id = hashlib.sha256(self.other.public_key().public_bytes_raw())
                data["sender_key_id"] = other_id.hexdigest()[:16]
            if rng.random() < 0.3:
                data["sender"] = "someone-else"
            text = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
            out, _ = self._assemble(rng, text, payload, self.other)
            return Case(out, "other-signer", {"mode": "refuse"})
        if roll < 0.98:
            data = rng.randbytes(rng.choice((0, 13, 14, 78, 500)))
            if rng.random() < 0.5:
                data = MAGIC + data
            return Case(data, "random", {"mode": "bytes"})
        return Case(seed, "valid", {"mode": "valid", "plain": self.plain[which]})

    # -- judging --------------------------------------------------------------------------
    def _should_accept(self, case: Case) -> str:
        """For a re-signed case: why a correct reader must refuse it ("" = must accept)."""
        extra = case.extra
        if not extra["proper"]:
            return "prefix"
        problem = header_problem(extra["region"])
        if problem:
            return f"header {problem}"
        data = json.loads(extra["region"].rstrip(b"\0"))
        if (
            data["sender"] != DEVICE
            or data["sender_key_id"]
            != hashlib.sha256(self.sender.public_key().public_bytes_raw()).hexdigest()[:16]
        ):
            return "signer"
        payload = extra["payload"]
        if (
            data["payload_length"] != len(payload)
            or data["payload_sha256"] != hashlib.sha256(payload).hexdigest()
        ):
            return "payload digest"
        if _fingerprint(self.identity) not in data["recipients"]:
            return "recipient"
        return ""

    def run(self, case: Case) -> Verdict:
        from idtool.bundle import read_bundle
        from idtool.errors import BundleError

        path = self.work / f"case-{os.getpid()}.idtb"  # one file per worker process
        path.write_bytes(case.data)  # type: ignore[arg-type]
        mode = case.extra["mode"]
        try:
            header, plain = read_bundle(path, self.trusted, self.identity)
        except BundleError as e:
            if mode == "valid":
                return Verdict(False, f"a valid bundle was refused ({e.reason})")
            if mode == "header" and not self._should_accept(case):
                return Verdict(False, note=f"header valid by the format, refused ({e.reason})")
            return Verdict(False)
        signed_len = 14 + struct.unpack(">I", case.data[10:14])[0]  # type: ignore[arg-type]
        if header.digest != hashlib.sha256(case.data[:signed_len]).hexdigest():
            return Verdict(True, "the header's digest is not SHA-256 of the signed bytes")
        if mode in ("bytes", "refuse"):
            if case.data in self.known:
                return Verdict(True, note="mutation left a seed unchanged")
            return Verdict(True, "a changed bundle was accepted")
        if mode == "valid":
            return (
                Verdict(True)
                if plain == case.extra["plain"]
                else Verdict(True, "a valid bundle decrypted to other bytes")
            )
        why = self._should_accept(case)
        if why:
            return Verdict(True, f"accepted a re-signed bundle the format refuses ({why})")
        expect = case.extra.get("expect", case.extra.get("plain"))
        if plain != expect:
            return Verdict(True, "accepted a changed ciphertext, decrypted to other bytes")
        return Verdict(True)


# -------------------------------------------------------------------------------- manifest


def manifest_problem(data: bytes, ids: dict[str, Any]) -> tuple[str, str]:
    """(why the payload breaks the manifest format or "", a non-canonical encoding or "")."""
    reader = StrictCbor(data)
    try:
        value = reader.whole()
    except OracleError as e:
        return str(e), ""
    if not isinstance(value, dict) or sorted(value) != sorted([*ids, "records"]):
        return "fields", reader.noncanonical
    for key, expected in ids.items():
        if type(value[key]) is not type(expected) or value[key] != expected:
            return f"{key} differs from the header", reader.noncanonical
    records = value["records"]
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        return "records", reader.noncanonical

    def deep(item: Any, level: int) -> str:
        if level > 32:
            return "nesting deeper than 32"
        if isinstance(item, NonTextMap):
            return "non-text key"
        if isinstance(item, dict):
            return next((p for v in item.values() if (p := deep(v, level + 1))), "")
        if isinstance(item, list):
            return next((p for v in item if (p := deep(v, level + 1))), "")
        return ""

    for record in records:
        problem = deep(record, 1)
        if problem:
            return problem, reader.noncanonical
    return "", reader.noncanonical


class ManifestTarget:
    name = "fuzz bundle manifest"

    def setup(self, work: Path) -> None:
        from idtool.bundle import BundleHeader, Kind, encode_manifest
        from idtool.bundle.header import AuditHead

        self.header = BundleHeader(
            bundle_id="2b0f7c36-3d6e-4f0e-9d55-0c7a1c1f0a11",
            kind=Kind.CASE,
            sender=DEVICE,
            sequence=5,
            previous=None,
            recipients=("0" * 16,),
            payload_length=0,
            payload_sha256="0" * 64,
            schema_version=7,
            audit_head=AuditHead(1, "0" * 64),
            created="2026-01-01T00:00:00Z",
            sender_key_id="0" * 16,
        )
        self.ids = {
            "bundle_id": self.header.bundle_id,
            "kind": "case",
            "sender": DEVICE,
            "sequence": 5,
        }
        rng = random.Random(2)
        nested: Any = "leaf"
        for _ in range(30):
            nested = {"n": nested}
        self.seeds = [
            encode_manifest(self.header, records)
            for records in (
                [],
                _records(rng, 3),
                _records(rng, 20),
                [{"table": "audit", "row": nested}],
                [{"x": [1.5, -(2**63), 2**64 - 1, b"", "", None, False]}],
            )
        ]
        self.encode = encode_manifest

    def _ids_raw(self, rng: random.Random) -> list[bytes]:
        pairs = []
        for key, value in self.ids.items():
            if rng.random() < 0.1:
                value = rng.choice((None, True, "CASE", 5.0, 6, "x" * 40, b"case"))
            if rng.random() < 0.03:
                continue
            pairs.append(cbor2.dumps(key) + cbor2.dumps(value))
        return pairs

    def make(self, rng: random.Random, index: int) -> Case:
        roll = rng.random()
        if roll < 0.45:
            seed = rng.choice(self.seeds)
            data, label = mutate(rng, seed, self.seeds, (b"\x81", b""))
            if rng.random() < 0.3:  # a CBOR head with an extreme argument or a tag, inserted
                at = rng.randrange(len(data) + 1)
                data = data[:at] + random_cbor(rng, 6) + data[at:]
                label += "+cbor"
            return Case(data, f"bytes:{label}", "mutated")
        if roll < 0.85:
            pairs = self._ids_raw(rng)
            records = [
                random_cbor(rng, 1)
                if rng.random() < 0.15
                else head(5, 2, rng)
                + cbor2.dumps("row")
                + random_cbor(rng, 2)
                + cbor2.dumps("table")
                + cbor2.dumps("persons")
                for _ in range(rng.choice((0, 1, 3, 8)))
            ]
            body = head(4, len(records), rng) + b"".join(records)
            if rng.random() < 0.02:
                body = b"\x81" * rng.choice((33, 40, 1000, 100_000)) + b"\xa0"
                body = head(4, 1, rng) + body
            pairs.insert(rng.randrange(len(pairs) + 1), cbor2.dumps("records") + body)
            if rng.random() < 0.03:
                pairs.append(pairs[0])  # a duplicate key
            if rng.random() < 0.05:
                pairs.append(cbor2.dumps("extra") + b"\x00")
            data = head(5, len(pairs), rng) + b"".join(pairs)
            if rng.random() < 0.03:
                data += rng.choice((b"\x00", b"\xff", rng.randbytes(5)))
            return Case(data, "generated", "generated")
        if roll < 0.95:
            return Case(random_cbor(rng), "random", "random")
        records = _records(rng, rng.randint(0, 5))
        return Case(self.encode(self.header, records), "valid", "valid")

    def run(self, case: Case) -> Verdict:
        from idtool.bundle import open_manifest
        from idtool.errors import BundleError

        try:
            manifest = open_manifest(case.data, self.header)  # type: ignore[arg-type]
        except BundleError:
            if case.extra == "valid":
                return Verdict(False, "a valid manifest was refused")
            return Verdict(False)
        problem, noncanonical = manifest_problem(case.data, self.ids)  # type: ignore[arg-type]
        if problem:
            return Verdict(True, f"accepted a manifest the format refuses: {problem}")
        if not isinstance(manifest.records, list):
            return Verdict(True, "records are not a list")
        return Verdict(True, note="accepted a non-canonical encoding" if noncanonical else "")
