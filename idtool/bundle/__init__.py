"""Exchange packages ("bundles"): signed, age-encrypted files carried between devices on USB.

Layout and checks are documented in docs/formats.md ("Bundle container"). The core API:

- `write_bundle(dest, header_fields, payload, signing_key, recipients)` -> final path
- `read_bundle(path, trusted_senders, identity)` -> (header, plaintext payload)
- `encode_manifest(header, records)` / `open_manifest(payload, header)` for the inner manifest
"""

from __future__ import annotations

from idtool.bundle.header import FORMAT_VERSION, MAGIC, AuditHead, BundleHeader, Kind
from idtool.bundle.keys import key_id, recipient_fingerprint
from idtool.bundle.manifest import Manifest, encode_manifest, open_manifest
from idtool.bundle.reader import (
    DEFAULT_MAX_SIZE,
    extract_payload,
    payload_offset,
    read_bundle,
    read_unverified_header,
)
from idtool.bundle.writer import bundle_name, write_bundle

__all__ = [
    "DEFAULT_MAX_SIZE",
    "FORMAT_VERSION",
    "MAGIC",
    "AuditHead",
    "BundleHeader",
    "Kind",
    "Manifest",
    "bundle_name",
    "encode_manifest",
    "extract_payload",
    "key_id",
    "open_manifest",
    "payload_offset",
    "read_bundle",
    "read_unverified_header",
    "recipient_fingerprint",
    "write_bundle",
]
