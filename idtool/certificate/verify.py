"""Verify a certificate: from its code text, a PDF of it, or a photo or scan of the QR code.

The answer is valid / invalid / revoked / unknown issuer and, when the holder's name and date of
birth are given, whether they match the salted hash in the code. Verification reads only.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from idtool import dates
from idtool.certificate import payload, qr
from idtool.certificate.trust import TrustList
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.session import Session

IMAGE_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp")
MAX_FILE_BYTES = 50 * 1024 * 1024


class Status(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    REVOKED = "revoked"
    UNKNOWN_ISSUER = "unknown_issuer"
    # signed with a key that stopped being trusted (its device revoked, or the key retired),
    # and not among the certificates issued with it before
    ISSUER_REVOKED = "issuer_revoked"


@dataclass(frozen=True)
class VerificationResult:
    status: Status
    reason: str = ""  # why a code is invalid: a short fixed code ("signature", "base45", ...)
    claims: payload.Claims | None = None  # only once the signature was checked
    issuer: str = ""  # the trusted key's label
    issuer_is_this_device: bool = False
    key_id: str = ""
    revoked_at: str = ""
    holder_match: bool | None = None  # None when no name and date of birth were given
    issuer_status: str = "active"  # the key's status: active, retired or revoked

    @property
    def ok(self) -> bool:
        """Valid, and the holder matches when a name and date of birth were compared."""
        return self.status is Status.VALID and self.holder_match is not False

    def message(self) -> str:
        """One line for the officer (in the current language); no personal data."""
        if self.status is Status.INVALID:
            if self.reason == "no_qr":
                return _("No certificate QR code was found.")
            return _(
                "NOT VALID: this is not a genuine certificate code, or it has been "
                "altered or damaged."
            )
        if self.status is Status.UNKNOWN_ISSUER:
            return _(
                "UNKNOWN ISSUER: the code is signed with a key that is not on the trust "
                "list (key {key})."
            ).format(key=self.key_id)
        assert self.claims is not None
        if self.status is Status.ISSUER_REVOKED:
            if self.issuer_status == "revoked":
                return _(
                    "NOT VALID: certificate {number} is signed with the key of a device "
                    "that was revoked ({issuer}), and it is not among the certificates "
                    "that device issued before."
                ).format(number=self.claims.number, issuer=self.issuer)
            return _(
                "NOT VALID: certificate {number} is signed with a key its device no "
                "longer uses ({issuer}), and it is not among the certificates issued with "
                "it."
            ).format(number=self.claims.number, issuer=self.issuer)
        if self.status is Status.REVOKED:
            line = _("REVOKED: certificate {number} was revoked on {date}.").format(
                number=self.claims.number, date=self.revoked_at[:10]
            )
        else:
            issuer = _("this device") if self.issuer_is_this_device else self.issuer
            line = _("VALID: certificate {number}, issued on {date} by {issuer}.").format(
                number=self.claims.number, date=self.claims.issue_date, issuer=issuer
            )
        if self.holder_match is True:
            line += " " + _("The name and date of birth match.")
        elif self.holder_match is False:
            line += " " + _("The name and date of birth DO NOT match this certificate.")
        return line


def read_code(source: str | Path | bytes) -> str | None:
    """The code text in `source`: the text itself, or the QR code in a PDF or picture file
    (a path, or the file's bytes). None when a file holds no certificate QR code."""
    if isinstance(source, str):
        text = source.strip()
        if text.startswith(payload.PREFIX) or "\0" in text:
            return text  # a code, or a (malformed) one: no file name holds a NUL
        path = Path(text)
        if not (_is_file(path) or path.suffix.lower() in IMAGE_SUFFIXES):
            return text  # not a file: a (malformed) code
        source = path
    if isinstance(source, Path):
        try:
            if source.stat().st_size > MAX_FILE_BYTES:
                raise InvalidInput(_("The file is too large to be a certificate."))
            data = source.read_bytes()
        except (OSError, ValueError):  # ValueError: a path the system cannot take (a NUL)
            raise InvalidInput(_("The file cannot be read.")) from None
    else:
        data = source
    found = [t for t in qr.decode_file_bytes(data) if t.startswith(payload.PREFIX[:3])]
    return found[0] if found else None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # e.g. a name too long to be a file: a code
        return False


def _check_birth_date(text: str) -> str:
    return dates.parse(text, day_first=True).isoformat()  # as the certificate prints it


def verify(
    trust: Session | TrustList,
    source: str | Path | bytes,
    holder_name: str | None = None,
    birth_date: str | None = None,
) -> VerificationResult:
    """Check a certificate code, PDF or picture against the trust list (or a session's)."""
    if (holder_name is None) != (birth_date is None) or (
        holder_name is not None and not holder_name.strip()
    ):
        raise InvalidInput(_("Give both the holder's name and date of birth to compare them."))
    birth = None if birth_date is None else _check_birth_date(birth_date)
    trust_list = TrustList.load(trust.conn) if isinstance(trust, Session) else trust
    code = read_code(source)
    if code is None:
        return VerificationResult(Status.INVALID, "no_qr")
    try:
        signed = payload.decode(code)
    except payload.PayloadError as exc:
        return VerificationResult(Status.INVALID, exc.reason)
    claims = signed.claims
    if claims.issuer_key_id != signed.kid:
        return VerificationResult(Status.INVALID, "key_id")
    key = trust_list.key(signed.kid)
    if key is None:
        return VerificationResult(Status.UNKNOWN_ISSUER, key_id=signed.kid.hex())
    try:
        Ed25519PublicKey.from_public_bytes(key.public_key).verify(
            signed.signature, signed.to_be_signed()
        )
    except (InvalidSignature, ValueError):
        return VerificationResult(Status.INVALID, "signature", key_id=signed.kid.hex())
    if claims.status != payload.STATUS_IDENTIFIED_VICTIM:
        return VerificationResult(Status.INVALID, "status", key_id=signed.kid.hex())
    match = None
    if holder_name is not None and birth is not None:
        expected = payload.holder_hash(claims.salt, holder_name, birth)
        match = hmac.compare_digest(expected, claims.holder_hash)
    revocation = trust_list.revocation(claims.number)
    if revocation is None and not key.vouches_for(code):
        return VerificationResult(
            Status.ISSUER_REVOKED,
            claims=claims,
            issuer=key.label,
            key_id=signed.kid.hex(),
            holder_match=match,
            issuer_status=key.status,
        )
    if revocation is not None:
        return VerificationResult(
            Status.REVOKED,
            claims=claims,
            issuer=key.label,
            key_id=signed.kid.hex(),
            revoked_at=revocation.revoked_at,
            holder_match=match,
        )
    return VerificationResult(
        Status.VALID,
        claims=claims,
        issuer=key.label,
        issuer_is_this_device=key.own,
        key_id=signed.kid.hex(),
        holder_match=match,
    )
