"""The one-time victim-status certificate.

Modules, each small and named for what it holds:

- `payload`: the signed QR payload (CBOR claims in COSE_Sign1, EdDSA, base45 text);
- `trust`: the trust list of issuer keys and the revocations;
- `issuance`: issue, reprint and revoke, with the rules (one per person, role policy);
- `wording`: the per-language texts (Jinja2 templates) and the legal basis (data);
- `pdf`: the printed certificate, produced into memory;
- `qr`: drawing the QR code and reading it back from an image or a PDF page;
- `verify`: checking a code, a PDF or an image against the trust list.

Nothing is imported here, so importing one module does not load ReportLab or the QR libraries.
"""
