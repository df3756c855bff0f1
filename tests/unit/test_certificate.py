"""The victim-status certificate in the core: payload, rules, PDF, QR, verification."""

from __future__ import annotations

import dataclasses
import io
import os

import base45
import cbor2
import pypdf
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from idtool import audit, database, decisions, migrations, officers
from idtool.certificate import eligibility, issuance, issuing_org, ledger, payload, qr, trust
from idtool.certificate.verify import Status, verify
from idtool.decisions import Decision
from idtool.errors import InvalidInput, NotPermitted
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.support.cases import BIRTH, HOLDER, decided_case

HOLDER_LATIN = "Zhyldyzkan Tunguchbaeva"


@pytest.fixture
def issued(session):
    case = decided_case(session)
    return case, issuance.issue(session, case.uuid, "ky")


def page_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def resign(signed: payload.Signed, claims: payload.Claims, kid: bytes | None = None) -> str:
    """A code with changed claims (or key id) but the old signature."""
    protected = payload.protected_header(kid or signed.kid)
    cose = cbor2.dumps(cbor2.CBORTag(18, [protected, {}, claims.to_cbor(), signed.signature]))
    return payload.PREFIX + base45.b45encode(cose).decode()


# -- payload ---------------------------------------------------------------------------------


def test_payload_round_trip_and_size():
    key = Ed25519PrivateKey.generate()
    kid = payload.key_id(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    salt = payload.new_salt()
    # The longest numbers the formats allow in practice (six-digit running numbers).
    claims = payload.Claims(
        "KG-VS-ABCD-2099-123456",
        "2099-12-31",
        kid,
        "ABCD-2099-123456",
        salt,
        payload.holder_hash(salt, HOLDER, BIRTH),
    )
    text = payload.encode(claims, kid, key.sign)
    assert text.startswith("NRM1:")
    assert len(text.encode("utf-8")) <= payload.MAX_TEXT_BYTES
    signed = payload.decode(text)
    assert signed.claims == claims and signed.kid == kid
    assert HOLDER not in text and "1998" not in text
    # The salted hash depends on the salt and matches any spelling of the name.
    assert payload.holder_hash(salt, HOLDER_LATIN, BIRTH) == claims.holder_hash
    assert payload.holder_hash(payload.new_salt(), HOLDER, BIRTH) != claims.holder_hash


def test_issued_code_is_at_most_300_bytes(issued):
    _, printed = issued
    assert len(printed.certificate.code.encode()) <= 300


# -- issuing rules ---------------------------------------------------------------------------


def test_issue_only_after_latest_identified_decision(session):
    case = decided_case(session, Decision.NOT_VICTIM)
    with pytest.raises(InvalidInput, match="identified victim"):
        issuance.issue(session, case.uuid, "ru")
    decisions.record(session, case.uuid, Decision.IDENTIFIED_VICTIM)
    decisions.record(session, case.uuid, Decision.NEEDS_INFORMATION, "missing documents")
    with pytest.raises(InvalidInput, match="identified victim"):
        issuance.issue(session, case.uuid, "ru")
    assert ledger.get(session, case.uuid) is None


def test_no_certificate_for_demo_cases(session):
    case = decided_case(session)
    session.conn.execute("UPDATE cases SET demo = 1 WHERE uuid = ?", (case.uuid,))
    with pytest.raises(InvalidInput, match="Demo"):
        issuance.issue(session, case.uuid, "ru")


def test_issue_needs_name_and_birth_date(session):
    case = decided_case(session, birth="")
    with pytest.raises(InvalidInput, match="date of birth"):
        issuance.issue(session, case.uuid, "ru")


def test_second_issue_is_refused(session, issued):
    case, printed = issued
    with pytest.raises(InvalidInput, match="only once") as info:
        issuance.issue(session, case.uuid, "ru")
    assert printed.certificate.number in info.value.message
    assert HOLDER not in info.value.message  # no personal data in messages
    # The same person met again in another case (another spelling) is refused too.
    again = decided_case(session, name="Jyldyzkan Tunguchbaeva")
    with pytest.raises(InvalidInput, match="only once"):
        issuance.issue(session, again.uuid, "en")
    assert session.conn.execute("SELECT count(*) FROM certificates").fetchone()[0] == 1


def test_numbers_are_unique_and_listed_per_case(session, issued):
    case, printed = issued
    other = decided_case(session, name="Асел Мисалова", birth="2001-02-03")
    second = issuance.issue(session, other.uuid, "ru")
    numbers = {printed.certificate.number, second.certificate.number}
    assert len(numbers) == 2
    assert all(n.startswith(f"KG-VS-{session.device_id[:8].upper()}-") for n in numbers)
    assert ledger.numbers_by_case(session) == {
        case.uuid: printed.certificate.number,
        other.uuid: second.certificate.number,
    }


def test_border_guard_may_not_issue_police_may(session, made_vault):
    case = decided_case(session)
    officers.add_officer(session, "Guard One", "border_guard", "guard-pass-1")
    officers.add_officer(session, "Police One", "police", "police-pass-1")
    vault, _ = made_vault
    with vault.unlock("Guard One", "guard-pass-1") as guard:
        with pytest.raises(NotPermitted):
            issuance.issue(guard, case.uuid, "ky")
        assert verify(guard, "NRM1:garbage").status is Status.INVALID  # anyone may verify
    with vault.unlock("Police One", "police-pass-1") as police:
        # Two officers here may issue: the supervisor confirms (the four-eyes rule).
        printed = issuance.issue(police, case.uuid, "ky", confirmer=(SUPERVISOR, SUPERVISOR_PASS))
        assert printed.certificate.officer_name == "Police One"
        with pytest.raises(NotPermitted):
            issuing_org.set_organisation(police, "prosecutor-general")


def test_failed_save_records_nothing(session):
    case = decided_case(session)

    def broken(data: bytes) -> None:
        assert data.startswith(b"%PDF-")
        raise OSError("disk full")

    with pytest.raises(OSError):
        issuance.issue(session, case.uuid, "ru", save=broken)
    assert ledger.get(session, case.uuid) is None
    saved = []
    printed = issuance.issue(session, case.uuid, "ru", save=saved.append)
    assert saved == [printed.pdf]


# -- the PDF ---------------------------------------------------------------------------------


def test_kyrgyz_pdf_text_and_embedded_fonts(issued):
    _, printed = issued
    text = " ".join(page_text(printed.pdf).split())
    for expected in (
        HOLDER,
        "МААЛЫМКАТ",
        "курмандыгы статусу жөнүндө",
        "Аты-жөнү",
        "Туулган күнү",
        "12.04.1998",
        printed.certificate.number,
        SUPERVISOR,
        "«Адамдарды сатуунун алдын алуу жана ага каршы күрөшүү жөнүндө» Мыйзамы (17.03.2005, № 55;",
    ):
        assert expected in text, expected
    assert "COPY" not in text
    reader = pypdf.PdfReader(io.BytesIO(printed.pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    embedded = 0
    for font in fonts.values():
        font = font.get_object()
        if font["/BaseFont"] == "/Courier":
            continue  # base-14 font, only for the ASCII code under the QR
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]
        assert "DejaVu" in font["/BaseFont"]
        embedded += 1
    assert embedded >= 2  # regular and bold, with the Kyrgyz and Cyrillic letters
    assert HOLDER not in str(reader.metadata)


def test_russian_pdf_and_organisation(session):
    case = decided_case(session, name="Нурлан Ханов", birth="1985-11-30")
    printed = issuance.issue(session, case.uuid, "ru")
    text = " ".join(page_text(printed.pdf).split())
    for expected in (
        "СПРАВКА",
        "о статусе жертвы торговли людьми",
        "Нурлан Ханов",
        "Дата рождения",
        "30.11.1985",
        "Правовое основание",
        "Закон Кыргызской Республики «О предупреждении и борьбе с торговлей людьми» от"
        " 17.03.2005 № 55 (с изменениями и дополнениями)",
        "МВД: подразделение по противодействию торговле людьми",
    ):
        assert expected in text, expected
    # The issuing body comes from the NRM directory, in the certificate's language.
    issuing_org.set_organisation(session, "prosecutor-general")
    copy = issuance.reprint(session, case.uuid)
    # The organisation is the one recorded at issue time.
    assert "Генеральная прокуратура" not in page_text(copy.pdf)
    assert issuing_org.organisation(session, "ru") == "Генеральная прокуратура"
    other = decided_case(session, name="Асел Мисалова", birth="2001-02-03")
    assert "Генеральная прокуратура" in page_text(issuance.issue(session, other.uuid, "ru").pdf)
    for bad in ("   ", "Кризисный центр «Сезим», Бишкек", "no-such-org"):
        with pytest.raises(InvalidInput):
            issuing_org.set_organisation(session, bad)
    # An organisation of a type that may not issue under the NRM policy cannot issue.
    issuing_org.set_organisation(session, "crisis-centre-bishkek")
    third = decided_case(session, name="Айнура Бекова", birth="1990-05-05")
    assert "may not issue" in eligibility.issue_blocked(session, third.uuid)
    with pytest.raises(InvalidInput, match="may not issue"):
        issuance.issue(session, third.uuid, "ru")


def test_reprints_are_marked_copies_and_audited(session, issued):
    case, printed = issued
    second = issuance.reprint(session, case.uuid)
    third = issuance.reprint(session, case.uuid, "en")
    assert (second.copy, third.copy) == (2, 3)
    assert "COPY 2" in page_text(second.pdf) and "КӨЧҮРМӨ 2" in page_text(second.pdf)
    assert "COPY 3" in page_text(third.pdf) and "CERTIFICATE" in page_text(third.pdf)
    assert printed.certificate.number in page_text(third.pdf)
    entries = [
        e for e in audit.entries(session.conn, case.uuid) if e.action.startswith("certificate.")
    ]
    assert [(e.action, e.details.get("copy")) for e in entries] == [
        ("certificate.issue", None),
        ("certificate.reprint", 2),
        ("certificate.reprint", 3),
    ]
    assert all(HOLDER not in str(e.details) for e in entries)
    assert audit.verify(session.conn).ok
    # The same certificate: the copy carries the same code.
    assert qr.decode_file_bytes(third.pdf) == [printed.certificate.code]


# -- verification ----------------------------------------------------------------------------


def test_qr_read_from_rendered_page_verifies(session, issued, tmp_path):
    _, printed = issued
    image = qr.render_pdf_page(printed.pdf)
    assert qr.decode_image(image) == [printed.certificate.code]
    result = verify(session, printed.pdf)
    assert result.status is Status.VALID and result.ok
    assert result.claims.number == printed.certificate.number
    # A scan or photo: the page as PNG and as JPEG files.
    for suffix, kind in ((".png", "PNG"), (".jpg", "JPEG")):
        path = tmp_path / f"scan{suffix}"
        image.save(path, kind)
        assert verify(session, str(path)).status is Status.VALID
    pdf_path = tmp_path / "certificate.pdf"
    pdf_path.write_bytes(printed.pdf)
    assert verify(session, pdf_path).status is Status.VALID
    assert verify(session, printed.certificate.code).status is Status.VALID


def test_holder_name_and_birth_date_match(session, issued):
    _, printed = issued
    code = printed.certificate.code
    assert verify(session, code, HOLDER, BIRTH).holder_match is True
    assert verify(session, code, HOLDER_LATIN, BIRTH).holder_match is True
    wrong_date = verify(session, code, HOLDER, "1998-04-13")
    assert wrong_date.status is Status.VALID and wrong_date.holder_match is False
    assert not wrong_date.ok and "DO NOT match" in wrong_date.message()
    assert verify(session, code, "Асел Мисалова", BIRTH).holder_match is False
    with pytest.raises(InvalidInput):
        verify(session, code, HOLDER, None)
    with pytest.raises(InvalidInput):
        verify(session, code, HOLDER, "12.13.1998")
    # The date as printed on a passport is read (issue 15, item 7).
    assert verify(session, code, HOLDER, "12.04.1998").holder_match is True


def test_every_changed_character_is_invalid(session, issued):
    _, printed = issued
    code = printed.certificate.code
    trust_list = trust.TrustList.load(session.conn)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    for i, ch in enumerate(code):
        changed = alphabet[(alphabet.index(ch) + 1) % len(alphabet)] if ch in alphabet else "A"
        result = verify(trust_list, code[:i] + changed + code[i + 1 :])
        assert result.status is Status.INVALID, (i, result)
    assert verify(trust_list, code + "0").status is Status.INVALID
    assert verify(trust_list, code[:-1]).status is Status.INVALID


def test_changed_claims_or_key_id_are_invalid(session, issued):
    _, printed = issued
    signed = payload.decode(printed.certificate.code)
    trust_list = trust.TrustList.load(session.conn)
    assert verify(trust_list, resign(signed, signed.claims)).status is Status.VALID
    c = signed.claims
    changes = {
        "number": c.number[:-1] + "9",
        "issue_date": "2020-01-01",
        "case_number": "X",
        "salt": bytes(16),
        "holder_hash": payload.holder_hash(c.salt, "Other Person", BIRTH),
        "status": 2,
        "issuer_key_id": os.urandom(8),
    }
    for field, value in changes.items():
        result = verify(trust_list, resign(signed, dataclasses.replace(c, **{field: value})))
        assert result.status is Status.INVALID, field
    # The key id in the header: another value, or another trusted issuer's key id.
    other = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    other_kid = payload.key_id(other)
    trust.add_key(session, other, "another post")
    trust_list = trust.TrustList.load(session.conn)
    for kid in (os.urandom(8), other_kid):
        assert verify(trust_list, resign(signed, c, kid)).status is Status.INVALID
    moved = dataclasses.replace(c, issuer_key_id=other_kid)
    assert verify(trust_list, resign(signed, moved, other_kid)).status is Status.INVALID


def test_unknown_issuer_until_trusted(session):
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    kid = payload.key_id(public)
    salt = payload.new_salt()
    claims = payload.Claims(
        "KG-VS-0000-2026-00001",
        "2026-01-15",
        kid,
        "0000-2026-00001",
        salt,
        payload.holder_hash(salt, HOLDER, BIRTH),
    )
    code = payload.encode(claims, kid, key.sign)
    result = verify(session, code, HOLDER, BIRTH)
    assert result.status is Status.UNKNOWN_ISSUER and result.key_id == kid.hex()
    assert result.claims is None and result.holder_match is None
    assert "UNKNOWN ISSUER" in result.message()
    trust.add_key(session, public, "Osh border post")
    result = verify(session, code, HOLDER, BIRTH)
    assert result.status is Status.VALID and result.issuer == "Osh border post" and result.ok
    with pytest.raises(InvalidInput):
        trust.add_key(session, public, "again")


def test_revocation(session, issued):
    case, printed = issued
    with pytest.raises(InvalidInput, match="reason"):
        issuance.revoke(session, case.uuid, "  ")
    revocation = issuance.revoke(session, case.uuid, "Decision reviewed by the commission")
    assert revocation.number == printed.certificate.number
    result = verify(session, printed.pdf, HOLDER, BIRTH)
    assert result.status is Status.REVOKED and not result.ok and result.holder_match is True
    assert "REVOKED" in result.message()
    with pytest.raises(InvalidInput, match="already revoked"):
        issuance.revoke(session, case.uuid, "again")
    with pytest.raises(InvalidInput, match="revoked"):
        issuance.reprint(session, case.uuid)
    with pytest.raises(InvalidInput, match="only once"):
        issuance.issue(session, case.uuid, "ky")
    assert ledger.get(session, case.uuid).revoked
    actions = [e.action for e in audit.entries(session.conn, case.uuid)]
    assert "certificate.revoke" in actions
    with pytest.raises(database.DatabaseError, match="never"):
        session.conn.execute("DELETE FROM certificate_revocations")
    with pytest.raises(database.DatabaseError, match="never"):
        session.conn.execute("DELETE FROM certificates")


def test_files_without_a_certificate(session, tmp_path):
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("L", (200, 200), 255).save(blank)
    result = verify(session, str(blank))
    assert result.status is Status.INVALID and result.reason == "no_qr"
    not_image = tmp_path / "notes.pdf"
    not_image.write_bytes(b"plain text")
    with pytest.raises(InvalidInput):
        verify(session, str(not_image))
    with pytest.raises(InvalidInput):
        verify(session, str(tmp_path / "missing.pdf"))
    assert verify(session, "hello").status is Status.INVALID


def test_migration_trusts_the_existing_device_key(tmp_path):
    conn = database.connect(tmp_path / "old.db", os.urandom(32), create=True)
    try:
        migrations.migrate(conn, target=2)
        private = Ed25519PrivateKey.generate()
        raw = private.private_bytes_raw()
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [
                ("device_id", "0123abcd-0000-4000-8000-000000000000"),
                ("device_signing_key", raw.hex()),
            ],
        )
        migrations.migrate(conn)
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        row = conn.execute("SELECT key_id, public_key FROM trusted_keys").fetchone()
        assert row == (payload.key_id(public).hex(), public.hex())
    finally:
        conn.close()


def test_documented_example_verifies():
    """docs/formats.md: the worked example and its standard-library procedure hold."""
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "formats.md").read_text("utf-8")
    code = re.search(r"<!-- example-code -->\n```\n(.+?)\n```", doc).group(1)
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert public.hex() in doc and payload.key_id(public).hex() in doc
    trust_list = trust.TrustList([trust.TrustedKey(payload.key_id(public), public, "example", "")])
    result = verify(trust_list, code, HOLDER, BIRTH)
    assert result.status is Status.VALID and result.holder_match is True
    assert payload.holder_fields(HOLDER, BIRTH).decode() == "jildizkan tunguchbaeva\n1998-04-12"
    snippet = re.search(r"```python\n(.+?)```", doc, re.S).group(1)
    exec(compile(snippet, "formats.md", "exec"), {"CODE": code, "print": lambda *a: None})


# -- strict decoding (found by fuzzing) --------------------------------------------------------


def _test_issuer():
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))  # the documented test key
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    kid = payload.key_id(public)
    trust_list = trust.TrustList([trust.TrustedKey(kid, public, "test", "")])
    salt = bytes(range(16))
    claims = payload.Claims(
        "KG-VS-1A2B-2026-00007",
        "2026-05-04",
        kid,
        "1A2B-2026-00007",
        salt,
        payload.holder_hash(salt, HOLDER, BIRTH),
    )
    return key, kid, trust_list, claims


def _code(key, protected: bytes, claims: bytes, unprotected: bytes = b"\xa0") -> str:
    """A code from raw CBOR pieces, signed again by the issuer's own key."""
    signature = key.sign(payload.sig_structure(protected, claims))
    cose = (
        b"\xd2\x84"
        + cbor2.dumps(protected)
        + unprotected
        + cbor2.dumps(claims)
        + cbor2.dumps(signature)
    )
    return payload.PREFIX + base45.b45encode(cose).decode()


def _claims_cbor(claims, replace=None, extra=()):
    """The claims map, canonical, with claim `k`'s key or value bytes replaced: {k: (kb, vb)}."""
    pairs = [(cbor2.dumps(int(k)), cbor2.dumps(v)) for k, v in claims.to_map().items()]
    for claim, (key, value) in (replace or {}).items():
        old_key, old_value = pairs[claim - 1]
        pairs[claim - 1] = (key or old_key, value or old_value)
    pairs += list(extra)
    return bytes((0xA0 | len(pairs),)) + b"".join(k + v for k, v in pairs)


def test_resigned_non_canonical_codes_are_invalid():
    key, kid, trust_list, claims = _test_issuer()
    protected = payload.protected_header(kid)
    assert verify(trust_list, _code(key, protected, _claims_cbor(claims))).status is Status.VALID
    number_again = (b"\x02", cbor2.dumps("KG-VS-1A2B-2026-99999"))
    bad_claims = {
        "version key true": _claims_cbor(claims, {1: (b"\xf5", None)}),
        "version key 1.0": _claims_cbor(claims, {1: (b"\xf9\x3c\x00", None)}),
        "version as a bignum": _claims_cbor(claims, {1: (None, b"\xc2\x41\x01")}),
        "version 1.0": _claims_cbor(claims, {1: (None, b"\xf9\x3c\x00")}),
        "version with a long head": _claims_cbor(claims, {1: (None, b"\x18\x01")}),
        "number twice": _claims_cbor(claims, extra=[number_again]),
        "a self-describe tag": b"\xd9\xd9\xf7" + _claims_cbor(claims),
        "issue date not a date": _claims_cbor(claims, {3: (None, cbor2.dumps("2026-13-45"))}),
        "issue date in other digits": _claims_cbor(claims, {3: (None, cbor2.dumps("٢٠٢٦-٠٥-٠٤"))}),
    }
    pairs = _claims_cbor(claims)
    bad_claims["keys out of order"] = pairs[:1] + pairs[2:4] + pairs[1:2] + pairs[4:]
    for why, data in bad_claims.items():
        result = verify(trust_list, _code(key, protected, data))
        assert result.status is Status.INVALID and result.claims is None, why
    claims_ok = _claims_cbor(claims)
    bad_headers = {
        "alg -8.0": b"\xa2\x01\xf9\xc8\x00\x04\x48" + kid,
        "alg key true": b"\xa2\xf5\x27\x04\x48" + kid,
        "keys out of order": b"\xa2\x04\x48" + kid + b"\x01\x27",
        "indefinite map": b"\xbf\x01\x27\x04\x48" + kid + b"\xff",
    }
    for why, header in bad_headers.items():
        result = verify(trust_list, _code(key, header, claims_ok))
        assert result.status is Status.INVALID and result.reason in (
            "header",
            "cbor",
            "canonical",
        ), why
    result = verify(trust_list, _code(key, protected, claims_ok, unprotected=b"\xb8\x00"))
    assert result.status is Status.INVALID  # an empty map written with a long head


def test_text_that_cannot_be_a_file_name_is_a_code():
    from pathlib import Path

    from idtool.certificate.verify import read_code

    _key, _kid, trust_list, _claims = _test_issuer()
    result = verify(trust_list, "x\0.pdf\n")
    assert result.status is Status.INVALID and result.reason == "prefix"
    with pytest.raises(InvalidInput):
        read_code(Path("x\0.pdf"))
