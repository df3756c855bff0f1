"""What someone holding the database key could read in the files: every page of the database
file and of its write-ahead log, decrypted one by one as SQLCipher 4 wrote them (AES-256-CBC,
the raw key, a 16-byte IV and a 64-byte HMAC reserved at the end of each 4096-byte page; the
first page starts with the 16-byte salt). Free pages and the unused space inside pages are
read too, which a logical copy (sqlcipher_export) never shows."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 16 + 64  # IV, HMAC-SHA512
SALT = 16
WAL_HEADER = 32
FRAME_HEADER = 24


def _decrypt(page: bytes, key: bytes, first: bool) -> bytes:
    start = SALT if first else 0
    iv = page[PAGE - RESERVE : PAGE - RESERVE + 16]
    body = page[start : PAGE - RESERVE]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(body) + decryptor.finalize()


def database_pages(path: Path, key: bytes) -> list[bytes]:
    data = path.read_bytes()
    return [_decrypt(data[i : i + PAGE], key, i == 0) for i in range(0, len(data) - PAGE + 1, PAGE)]


def wal_pages(path: Path, key: bytes) -> list[bytes]:
    if not path.exists():
        return []
    data = path.read_bytes()
    out = []
    at = WAL_HEADER
    while at + FRAME_HEADER + PAGE <= len(data):
        number = int.from_bytes(data[at : at + 4], "big")
        frame = data[at + FRAME_HEADER : at + FRAME_HEADER + PAGE]
        out.append(_decrypt(frame, key, number == 1))
        at += FRAME_HEADER + PAGE
    return out


def readable(db_path: Path, key: bytes) -> bytes:
    """Every decrypted page of the database and its log, one after another."""
    wal = db_path.with_name(db_path.name + "-wal")
    return b"".join(database_pages(db_path, key) + wal_pages(wal, key))


def traces(blob: bytes, *texts: str) -> list[str]:
    """Which of `texts` appear in `blob` (UTF-8, and UTF-16 as SQLite may store text)."""
    found = []
    for text in texts:
        forms = (text.encode(), text.encode("utf-16-le"), text.encode("utf-16-be"))
        if any(form in blob for form in forms):
            found.append(text)
    return found
