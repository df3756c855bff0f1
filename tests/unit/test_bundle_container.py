"""The exchange package container: round trip, every refusal, atomic writes, fuzzing, stock age."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cbor2
import pyrage
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idtool.bundle import (
    Kind,
    encode_manifest,
    extract_payload,
    key_id,
    open_manifest,
    payload_offset,
    read_bundle,
    read_unverified_header,
    write_bundle,
)
from idtool.bundle import header as hdr
from idtool.bundle import writer as bundle_writer
from idtool.errors import BundleError, StorageError

FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@dataclass(frozen=True)
class Party:
    device: str
    signing: Ed25519PrivateKey
    identity: pyrage.x25519.Identity

    @property
    def recipient(self) -> pyrage.x25519.Recipient:
        return self.identity.to_public()


def party() -> Party:
    return Party(str(uuid.uuid4()), Ed25519PrivateKey.generate(), pyrage.x25519.Identity.generate())


@cache
def parties() -> tuple[Party, Party, Party]:
    return party(), party(), party()  # sender, supervisor, outsider


def fields(sender: Party, seq: int = 1, kind: str = "case") -> dict[str, object]:
    return {
        "bundle_id": str(uuid.uuid4()),
        "kind": kind,
        "sender": sender.device,
        "sequence": seq,
        "previous": None if seq == 1 else "b" * 64,
        "schema_version": 4,
        "audit_head": (17, "c" * 64),
    }


RECORDS = [
    {"uuid": str(uuid.UUID(int=i)), "version": i, "name": "Айгүл", "photo": b"\x00\xff"}
    for i in range(3)
]


def make(folder: Path, records: list[dict[str, object]] = RECORDS) -> tuple[Path, dict]:
    sender, supervisor, _ = parties()
    f = fields(sender)
    path = write_bundle(
        folder,
        f,
        encode_manifest(f, records),
        sender.signing.private_bytes_raw(),
        [supervisor.recipient],
    )
    return path, f


def trusted() -> dict[str, object]:
    sender, _, _ = parties()
    return {sender.device: sender.signing.public_key()}


def read(path: Path, **kw: object) -> tuple[hdr.BundleHeader, bytes]:
    return read_bundle(path, trusted(), parties()[1].identity, **kw)  # type: ignore[arg-type]


@cache
def small_bundle() -> bytes:
    with tempfile.TemporaryDirectory() as d:
        return make(Path(d), [{"uuid": "u", "version": 1}])[0].read_bytes()


def refused(path: Path, reason: str | None = None) -> BundleError:
    with pytest.raises(BundleError) as info:
        read(path)
    assert info.value.message and "\n" not in info.value.message
    if reason:
        assert info.value.reason == reason, info.value.message
    return info.value


# -- round trip ----------------------------------------------------------------------------------
def test_round_trip(tmp_path: Path) -> None:
    path, f = make(tmp_path)
    assert path.parent == tmp_path and path.suffix == ".idtb"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
    header, payload = read(path)
    assert header.bundle_id == f["bundle_id"] and header.kind is Kind.CASE
    assert header.sender == parties()[0].device and header.sequence == 1
    assert header.audit_head == hdr.AuditHead(17, "c" * 64) and header.schema_version == 4
    assert header.digest == read_unverified_header(path).digest
    manifest = open_manifest(payload, header)
    assert manifest.records == RECORDS


def test_streamed_payload_with_progress_and_several_recipients(tmp_path: Path) -> None:
    sender, supervisor, other = parties()
    f = fields(sender, seq=2, kind="referral")
    body = encode_manifest(f, RECORDS * 2000)
    chunks = [body[i : i + 5000] for i in range(0, len(body), 5000)]
    seen: list[tuple[int, int]] = []
    path = write_bundle(
        tmp_path / "out.idtb",
        f,
        iter(chunks),
        sender.signing,
        [supervisor.recipient, str(other.recipient)],
        progress=lambda *a: seen.append(a),
    )
    assert seen[-1] == (len(body), 0)
    for who in (supervisor, other):
        header, payload = read_bundle(path, trusted(), str(who.identity))
        assert payload == body and header.previous == "b" * 64
    reads: list[tuple[int, int]] = []
    read(path, progress=lambda *a: reads.append(a))
    assert reads[-1][0] == reads[-1][1] == 2 * path.stat().st_size - 2 * payload_offset(path)


# -- refusals ------------------------------------------------------------------------------------
def test_unknown_signer_names_the_device(tmp_path: Path) -> None:
    path, _ = make(tmp_path)
    with pytest.raises(BundleError) as info:
        read_bundle(path, {}, parties()[1].identity)
    assert info.value.reason == "unknown_signer" and parties()[0].device in info.value.message


def test_forged_signature(tmp_path: Path) -> None:
    sender, supervisor, outsider = parties()
    f = fields(sender)  # claims to be the sender, signed by the outsider with the sender's key id
    path = write_bundle(
        tmp_path, f, encode_manifest(f, RECORDS), outsider.signing, [supervisor.recipient]
    )
    data = bytearray(path.read_bytes())
    region = len(data[14 : 14 + int.from_bytes(data[10:14], "big")].rstrip(b"\0"))
    outsider_id, sender_id = (key_id(k.signing.public_key()).encode() for k in (outsider, sender))
    text = bytes(data[14 : 14 + region]).replace(outsider_id, sender_id)
    assert outsider_id in data and len(text) == region
    data[14 : 14 + region] = text
    path.write_bytes(bytes(data))
    refused(path, "bad_signature")
    # signed with another key and declaring it: the key id is not the trusted one
    path2 = write_bundle(tmp_path, fields(sender), b"x", outsider.signing, [supervisor.recipient])
    refused(path2, "unknown_key")


def test_wrong_recipient(tmp_path: Path) -> None:
    sender, _, outsider = parties()
    f = fields(sender)
    path = write_bundle(
        tmp_path, f, encode_manifest(f, RECORDS), sender.signing, [outsider.recipient]
    )
    refused(path, "wrong_recipient")


def test_every_truncation_is_refused(tmp_path: Path) -> None:
    data = small_bundle()
    path = tmp_path / "cut.idtb"
    for n in range(len(data)):
        path.write_bytes(data[:n])
        error = refused(path)
        assert error.reason in {"truncated", "not_bundle"}, (n, error.reason)


def test_every_flipped_bit_is_refused(tmp_path: Path) -> None:
    data = small_bundle()
    path = tmp_path / "flip.idtb"
    for i in range(len(data)):
        for bit in range(8):
            changed = bytearray(data)
            changed[i] ^= 1 << bit
            path.write_bytes(bytes(changed))
            refused(path)


def test_extra_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.idtb"
    path.write_bytes(small_bundle() + b"\0")
    refused(path, "length")


def test_oversized_header_and_file(tmp_path: Path) -> None:
    path = tmp_path / "big.idtb"
    path.write_bytes(
        hdr.PREFIX.pack(hdr.MAGIC, hdr.FORMAT_VERSION, hdr.MAX_HEADER + 1) + b"{" * 100
    )
    refused(path, "header_too_large")
    path.write_bytes(small_bundle())
    with pytest.raises(BundleError) as info:
        read(path, max_size=len(small_bundle()) - 1)
    assert info.value.reason == "too_large"


def test_not_a_bundle_and_newer_version(tmp_path: Path) -> None:
    path = tmp_path / "x.idtb"
    path.write_bytes(b"%PDF-1.7 hello")
    refused(path, "not_bundle")
    path.write_bytes(hdr.PREFIX.pack(hdr.MAGIC, 2, 10) + b"0" * 200)
    assert "2" in refused(path, "version").message
    refused(tmp_path / "missing.idtb", "io")


def test_header_is_strict() -> None:
    sender = parties()[0]
    good = bundle_writer.build_header(fields(sender), sender.signing, [parties()[1].recipient])
    text = hdr.encode_header(good)
    assert hdr.parse_header_region(text + b"\0" * 3) == good
    base = good.to_json()
    bad_variants = [
        {**base, "extra": 1},
        {k: v for k, v in base.items() if k != "previous"},
        {**base, "sequence": "1"},
        {**base, "sequence": True},
        {**base, "kind": "other"},
        {**base, "recipients": []},
        {**base, "bundle_id": base["bundle_id"].upper()},
        {**base, "audit_head": {"seq": 1}},
    ]
    for variant in bad_variants:
        with pytest.raises(BundleError):
            hdr.parse_header_region(hdr.canonical_json(variant))
    for raw in (
        text.replace(b",", b", ", 1),
        text + b"\0" * 17,
        text[:-1] + b',"a":1}',
        b"1.5",
        text.replace(b'"sequence":1', b'"sequence":1.0'),
    ):
        with pytest.raises(BundleError):
            hdr.parse_header_region(raw)


def test_manifest_must_repeat_the_header_ids(tmp_path: Path) -> None:
    path, f = make(tmp_path)
    header, payload = read(path)
    for key, value in (
        ("bundle_id", str(uuid.uuid4())),
        ("kind", "update"),
        ("sender", "someone-else"),
        ("sequence", 2),
    ):
        other = encode_manifest({**f, key: value}, RECORDS)
        with pytest.raises(BundleError) as info:
            open_manifest(other, header)
        assert info.value.reason == "manifest_mismatch" and key in info.value.message
    body = cbor2.loads(payload)
    for changed in (
        {**body, "extra": 1},
        {**body, "records": [1]},
        {**body, "sequence": 1.0},
        {**body, "records": [{"a": float("nan")}]},
        [body],
    ):
        with pytest.raises(BundleError):
            open_manifest(cbor2.dumps(changed), header)
    cyclic = bytes.fromhex("d81c81d81d00")  # a list that contains itself
    with pytest.raises(BundleError):
        open_manifest(cbor2.dumps({**body, "records": [{"a": cbor2.CBORTag(1, 0)}]}), header)
    with pytest.raises(BundleError):
        open_manifest(cyclic, header)


def test_manifest_refuses_trailing_bytes_and_tags_cbor2_decodes_itself(tmp_path: Path) -> None:
    path, f = make(tmp_path)
    header, payload = read(path)
    assert open_manifest(payload, header).records == RECORDS
    for tail in (b"\x00", b"\xa0", b"\xff"):
        with pytest.raises(BundleError) as info:
            open_manifest(payload + tail, header)
        assert info.value.reason == "bad_manifest"
    good = encode_manifest(f, [{"a": 1}])
    one = cbor2.dumps("a") + b"\x01"
    assert good.count(one) == 1
    for tagged in (
        b"\xc2\x41\x01",
        b"\xc3\x41\x00",  # bignums
        b"\xd8\x1c\x01",
        b"\xd8\x1d\x00",  # shared value and reference
        b"\xd9\xd9\xf7\x01",  # self-describe
        b"\xc1\x01",
        b"\xd8\x20\x61\x78",
    ):  # a date, a URI
        with pytest.raises(BundleError) as info:
            open_manifest(good.replace(one, cbor2.dumps("a") + tagged), header)
        assert info.value.reason == "bad_manifest", tagged.hex()
    with pytest.raises(BundleError):  # a tag on the whole manifest
        open_manifest(b"\xd9\xd9\xf7" + good, header)


# -- atomic writes -------------------------------------------------------------------------------
def _write(folder: Path, payload: object, **kw: object) -> Path:
    sender, supervisor, _ = parties()
    return write_bundle(
        folder,
        fields(sender),
        payload,
        sender.signing,  # type: ignore[arg-type]
        [supervisor.recipient],
        **kw,
    )


def test_failing_payload_leaves_nothing(tmp_path: Path) -> None:
    def chunks():
        yield b"x" * 100_000
        raise OSError(5, "Input/output error")

    with pytest.raises(StorageError):
        _write(tmp_path, chunks())
    assert list(tmp_path.iterdir()) == []


def test_full_disk_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.write
    calls = {"n": 0}

    def failing(fd: int, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] > 3:
            raise OSError(28, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(bundle_writer.os, "write", failing)
    with pytest.raises(StorageError) as info:
        _write(tmp_path, os.urandom(300_000))
    assert "is full" in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_on_the_last_write_is_not_swallowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyrage may drop an error raised by the very last write (a small final chunk): the cut
    file must still never be signed and named as a finished package."""
    real_write = bundle_writer._Sink.write

    def write(self: object, data: bytes) -> int:
        if len(data) < 16_384 and getattr(self, "length", 0) > 0:  # the final, short chunk
            self.error = OSError(28, "No space left on device")  # type: ignore[attr-defined]
            return len(data)  # as if pyrage had swallowed the failure
        return real_write(self, data)

    monkeypatch.setattr(bundle_writer._Sink, "write", write)
    with pytest.raises(StorageError) as info:
        _write(tmp_path, os.urandom(65_536 + 4_000))
    assert "is full" in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_cancel_leaves_nothing(tmp_path: Path) -> None:
    seen: list[int] = []
    with pytest.raises(BundleError) as info:
        _write(
            tmp_path,
            [b"y" * 70_000] * 40,
            progress=lambda done, _t: seen.append(done),
            cancelled=lambda: bool(seen),
        )
    assert info.value.reason == "cancelled"
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError):
        _write(tmp_path / "gone" / "b.idtb", b"x")


# -- fuzzing -------------------------------------------------------------------------------------
_mutation = st.one_of(
    st.tuples(st.just("set"), st.integers(0, 10**6), st.integers(0, 255)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 64)),
    st.tuples(st.just("cut"), st.integers(0, 10**6), st.just(0)),
)


def _mutate(data: bytes, mutations: list[tuple]) -> bytes:
    out = bytearray(data)
    for op, pos, arg in mutations:
        pos %= len(out) + 1
        if op == "set" and pos < len(out):
            out[pos] = arg
        elif op == "insert":
            out[pos:pos] = arg
        elif op == "delete":
            del out[pos : pos + arg]
        elif op == "cut":
            del out[pos:]
    return bytes(out)


@FUZZ
@given(st.lists(_mutation, min_size=1, max_size=4))
def test_fuzz_container(tmp_path: Path, mutations: list[tuple]) -> None:
    original = small_bundle()
    data = _mutate(original, mutations)
    path = tmp_path / "fuzz.idtb"
    path.write_bytes(data)
    try:
        read(path)
    except BundleError:
        return
    assert data == original  # anything accepted is the untouched bundle


@FUZZ
@given(st.binary(max_size=400))
def test_fuzz_container_random_bytes(tmp_path: Path, tail: bytes) -> None:
    path = tmp_path / "rand.idtb"
    path.write_bytes(small_bundle()[:14] + tail)
    with pytest.raises(BundleError):
        read(path)


_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.binary(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)


@FUZZ
@given(st.data())
def test_fuzz_manifest(data: st.DataObject) -> None:
    sender = parties()[0]
    f = fields(sender)
    header = hdr.header_from_json(
        {**bundle_writer.build_header(f, sender.signing, [parties()[1].recipient]).to_json()}
    )
    records = data.draw(
        st.lists(st.dictionaries(st.text(max_size=4), _values, max_size=3), max_size=3)
    )
    good = encode_manifest(f, records)
    raw = data.draw(
        st.one_of(
            st.just(good),
            st.lists(_mutation, min_size=1, max_size=3).map(lambda m: _mutate(good, m)),
            st.binary(max_size=200),
            _values.map(cbor2.dumps),
        )
    )
    try:
        manifest = open_manifest(raw, header)
    except BundleError:
        return
    assert (manifest.bundle_id, manifest.kind, manifest.sender, manifest.sequence) == (
        header.bundle_id,
        header.kind,
        header.sender,
        header.sequence,
    )
    assert all(isinstance(r, dict) for r in manifest.records)


# -- the stock age command line -------------------------------------------------------------------
def _age() -> str:
    found = shutil.which("age")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "age"],
            capture_output=True,
            timeout=300,
            check=False,
        )
        found = shutil.which("age")
        if found:
            return found
    reason = "the age command is not installed (apt-get install age, or see age-encryption.org)"
    print(f"SKIPPED: {reason}")
    pytest.skip(reason)


def test_payload_decrypts_with_stock_age(tmp_path: Path) -> None:
    age = _age()
    path, _ = make(tmp_path)
    _, payload = read(path)
    key = tmp_path / "identity.txt"
    key.write_text(str(parties()[1].identity) + "\n")
    extracted = extract_payload(path, tmp_path / "payload.age")
    out = subprocess.run(
        [age, "-d", "-i", str(key), str(extracted)], capture_output=True, check=True, timeout=30
    ).stdout
    assert out == payload
    # The documented shell recipe, without any idtool code.
    if shutil.which("sh") and shutil.which("od") and shutil.which("tail"):
        script = (
            'H=$(od -An -tu4 --endian=big -j10 -N4 "$1" | tr -d " ")\n'
            'tail -c +$((14 + H + 64 + 1)) "$1" | "$2" -d -i "$3"\n'
        )
        out2 = subprocess.run(
            ["sh", "-c", script, "sh", str(path), age, str(key)],
            capture_output=True,
            check=True,
            timeout=30,
        ).stdout
        assert out2 == payload
