"""Exchange package container against bare age encryption of the same bytes, same run.

    .venv/bin/python benchmarks/bundle_bench.py

`bench_bundle_container(tmp)` returns rows for benchmarks/run.py's table: writing (streamed
encryption to a temporary file, hashing, signing, fsync, rename) and reading (caps, signature,
checksum pass, decryption) of a 20 MB payload, each against `pyrage.encrypt` / `pyrage.decrypt`
of the same bytes in memory. Goals: write <= 2x raw, read <= 3x raw (as for export/import).
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import run_module  # noqa: E402

SIZE = 20 * 1024 * 1024


def bench_bundle_container(tmp: Path) -> list:
    import pyrage
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from idtool.bundle import read_bundle, write_bundle

    run = run_module()
    Row, median_time = run.Row, run.median_time
    payload = os.urandom(SIZE)
    signing = Ed25519PrivateKey.generate()
    identity = pyrage.x25519.Identity.generate()
    recipient = identity.to_public()
    device = str(uuid.uuid4())
    trusted = {device: signing.public_key()}
    written: list[Path] = []

    def write() -> None:
        fields = {
            "kind": "case",
            "sender": device,
            "sequence": 1,
            "schema_version": 1,
            "audit_head": (0, "0" * 64),
        }
        written.append(write_bundle(tmp, fields, payload, signing, [recipient]))

    def read() -> None:
        read_bundle(written[-1], trusted, identity)

    raw_ct: list[bytes] = []

    def raw_encrypt() -> None:
        raw_ct.append(pyrage.encrypt(payload, [recipient]))

    def raw_decrypt() -> None:
        pyrage.decrypt(raw_ct[-1], [identity])

    repeat = 5
    w, rw = median_time(write, repeat), median_time(raw_encrypt, repeat)
    r, rr = median_time(read, repeat), median_time(raw_decrypt, repeat)
    rows = [
        Row(
            "bundle write, 20 MB payload",
            "ratio <= 2",
            w * 1000,
            "ms",
            rw * 1000,
            "pyrage.encrypt same bytes",
        ),
        Row(
            "bundle read, 20 MB payload",
            "ratio <= 3",
            r * 1000,
            "ms",
            rr * 1000,
            "pyrage.decrypt same bytes",
        ),
    ]
    rows[0].ok = w <= 2 * rw
    rows[1].ok = r <= 3 * rr
    return rows


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="idtool-bench-") as name:
        result = bench_bundle_container(Path(name))
    run_module().print_table(result)
