"""Argon2id key derivation, calibrated to the machine it runs on."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

TARGET_SECONDS = (0.5, 1.0)
SALT_BYTES = 16


@dataclass(frozen=True)
class KdfParams:
    time_cost: int
    memory_kib: int
    parallelism: int
    alg: str = "argon2id"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> KdfParams:
        """From the JSON of a key slot (any value that int() takes is accepted)."""
        alg = str(d.get("alg", "argon2id"))
        if alg != "argon2id":
            raise ValueError(f"unsupported key derivation {alg!r}")
        return cls(int(d["time_cost"]), int(d["memory_kib"]), int(d["parallelism"]), alg)


# For tests only (IDTOOL_KDF=fast): derivation in a millisecond, never for real data.
FAST_PARAMS = KdfParams(time_cost=1, memory_kib=1024, parallelism=1)
_BASE = KdfParams(time_cost=2, memory_kib=64 * 1024, parallelism=2)


def derive(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
    from argon2.low_level import Type, hash_secret_raw  # imported on first use: start-up speed

    return hash_secret_raw(
        secret,
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def measure(params: KdfParams) -> float:
    start = time.perf_counter()
    derive(b"calibration", b"\x00" * SALT_BYTES, params)
    return time.perf_counter() - start


def calibrate(target: tuple[float, float] = TARGET_SECONDS) -> KdfParams:
    """Find Argon2id parameters taking between target[0] and about target[1] seconds here."""
    if os.environ.get("IDTOOL_KDF") == "fast":
        return FAST_PARAMS
    params = _BASE
    elapsed = measure(params)
    low, high = target
    for _ in range(12):
        if elapsed >= low:
            break
        goal = (low + high) / 2
        factor = max(goal / max(elapsed, 1e-3), 1.1)
        if params.memory_kib < 256 * 1024:
            memory = min(int(params.memory_kib * factor), 256 * 1024)
            params = KdfParams(params.time_cost, memory, params.parallelism)
        else:
            params = KdfParams(
                max(params.time_cost + 1, int(params.time_cost * factor)),
                params.memory_kib,
                params.parallelism,
            )
        elapsed = measure(params)
    return params


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)
