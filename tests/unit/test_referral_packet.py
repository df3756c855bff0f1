"""The referral packet PDF: content, data minimisation, consent, certificate copy, atomicity."""

from __future__ import annotations

import io

import pypdf
import pytest

from idtool import audit, cases, consent, referrals
from idtool.certificate import issuance, ledger, qr
from idtool.certificate.verify import Status, verify
from idtool.consent import Purpose, State
from idtool.errors import InvalidInput, NotPermitted, StorageError
from idtool.packet import content, make_and_render, packet_pdf, wording
from tests.conftest import SUPERVISOR
from tests.support.cases import DOCUMENT, HOLDER, agree, person_case

GUARDIAN = "Гүлнара Асанова"


def text_of(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Extracted text with line breaks joined (long values wrap in table cells)."""
    return " ".join(text.split())


def actions(session, case):
    return [e.action for e in audit.entries(session.conn, case.uuid)]


def test_pdf_valid_with_kyrgyz_and_russian_text_and_embedded_fonts(session):
    case = person_case(session)
    agree(session, case, "crisis-centre-osh")
    ky = make_and_render(
        session,
        case.uuid,
        "crisis-centre-osh",
        services=("shelter",),
        urgency="urgent",
        reason="Коопсуз жай керек",
        lang="ky",
    )
    text = flat(text_of(ky.pdf))
    for expected in (
        "КАЙРА БАГЫТТОО",
        "Кризистик борбор (Ош)",
        "Баш калкалоочу жай",
        "Шашылыш",
        "Коопсуз жай керек",
        "адамдын маалымдуу макулдугу менен",
        "Макулдук жөнүндө жазуу",
        HOLDER,
        DOCUMENT,
        "Маалыматтарды минималдаштыруу боюнча берилбеген талаалар: 0.",
    ):
        assert expected in text, expected
    assert ky.content.reference in text and case.number in text

    ru = packet_pdf(session, ky.referral.uuid, "ru")
    text = flat(text_of(ru))
    for expected in (
        "ПЕРЕНАПРАВЛЕНИЕ",
        "Кризисный центр (Ош)",
        "Приют",
        "Срочная",
        "с информированного согласия человека",
        "Запись о согласии",
        "Перенаправление в Кризисный центр (Ош)",
        HOLDER,
    ):
        assert expected in text, expected

    reader = pypdf.PdfReader(io.BytesIO(ru))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert "DejaVu" in font["/BaseFont"]
            assert "/FontFile2" in font["/FontDescriptor"].get_object()
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    for secret in (HOLDER, case.number, DOCUMENT, "Кризисный", SUPERVISOR):
        assert secret not in meta
    assert reader.metadata.title == "Перенаправление"
    assert [e for e in actions(session, case) if e == "referral.packet"] == [
        "referral.packet",
        "referral.packet",
    ]


def test_identifying_fields_never_reach_a_recipient_not_allowed_them(session):
    case = person_case(session, decide=True)
    issuance.issue(session, case.uuid, "ru")
    agree(session, case, "crisis-centre-osh", "ombudsman", guardian=GUARDIAN)
    crisis = make_and_render(
        session, case.uuid, "crisis-centre-osh", services=("shelter",), lang="en"
    )
    ombudsman = make_and_render(session, case.uuid, "ombudsman", services=("legal_aid",), lang="en")
    crisis_text, ombudsman_text = flat(text_of(crisis.pdf)), flat(text_of(ombudsman.pdf))
    assert HOLDER in crisis_text and DOCUMENT in crisis_text and GUARDIAN in crisis_text
    assert {"full_name", "document_number"} <= set(crisis.content.shared)

    for secret in (HOLDER, DOCUMENT, GUARDIAN, "12.04.1998"):
        assert secret not in ombudsman_text
    assert not {"full_name", "document_number"} & set(ombudsman.content.shared)
    shown = referrals.preview(session, case.uuid, "ombudsman", "en")
    assert set(ombudsman.content.shared) == {f.question for f in shown.included()}
    assert all(f.sensitivity == "ordinary" for f in shown.included())
    withheld = len(shown.fields) - len(shown.included())
    assert withheld > 0
    assert f"Fields withheld by data minimisation: {withheld}." in ombudsman_text
    assert "withheld (data minimisation)" in ombudsman_text  # the guardian's name
    # Which fields were withheld is not said: no identifying label is printed.
    assert "Document number" not in ombudsman_text
    # No certificate copy (it carries the name), but its number is stated.
    assert len(pypdf.PdfReader(io.BytesIO(ombudsman.pdf)).pages) < len(
        pypdf.PdfReader(io.BytesIO(crisis.pdf)).pages
    )
    assert "No copy is attached" in ombudsman_text


def test_no_referral_and_no_packet_without_consent(session):
    case = person_case(session)
    saved = []
    with pytest.raises(NotPermitted, match="not consented"):
        make_and_render(
            session,
            case.uuid,
            "crisis-centre-osh",
            services=("shelter",),
            lang="ru",
            save=saved.append,
        )
    assert saved == [] and referrals.for_case(session, case.uuid) == []
    assert not any(a.startswith("referral.") for a in actions(session, case))
    assert cases.get_case(session, case.uuid, audit_view=False).status != "referred"


def test_child_protection_path_without_consent_is_explicit_and_audited(session):
    child = person_case(session, "Бала Мисалова", child=True)
    made = make_and_render(
        session,
        child.uuid,
        "child-protection",
        services=("child_protection",),
        urgency="immediate",
        lang="ru",
    )
    assert made.referral.legal_basis == "child_protection_law"
    text = flat(text_of(made.pdf))
    assert "требуемое законом, без согласия" in text
    assert "Записей о согласии, касающихся этого получателя, нет." in text
    found = actions(session, child)
    assert "referral.child_protection_without_consent" in found
    assert "referral.packet" in found
    entry = [e for e in audit.entries(session.conn, child.uuid) if e.action == "referral.packet"][
        -1
    ]
    assert entry.details["legal_basis"] == "child_protection_law"
    # Only for child protection: a crisis centre still needs consent.
    with pytest.raises(NotPermitted):
        make_and_render(session, child.uuid, "crisis-centre-osh", services=("shelter",), lang="ru")


def test_certificate_copy_attached_not_counted_as_a_reprint(session):
    case = person_case(session, decide=True)
    issued = issuance.issue(session, case.uuid, "ky").certificate
    agree(session, case, "crisis-centre-osh")
    made = make_and_render(
        session, case.uuid, "crisis-centre-osh", services=("shelter",), lang="ky"
    )
    reader = pypdf.PdfReader(io.BytesIO(made.pdf))
    last = flat(reader.pages[-1].extract_text())
    assert "МААЛЫМКАТ" in last and HOLDER in last and issued.number in last
    assert "КӨЧҮРМӨ" in last and made.content.reference in last
    assert ledger.get(session, case.uuid).prints == 1
    assert "certificate.reprint" not in actions(session, case)
    entry = [e for e in audit.entries(session.conn, case.uuid) if e.action == "referral.packet"][-1]
    assert entry.details["certificate_copy"] == issued.number
    # The copy's QR code still verifies.
    image = qr.render_pdf_page(made.pdf, page=len(reader.pages) - 1, scale=3)
    (code,) = qr.decode_image(image)
    assert verify(session, code).status is Status.VALID
    # Verifying the packet file itself finds the copy's code on its last page.
    assert verify(session, made.pdf).status is Status.VALID


def test_failed_save_records_nothing(session):
    case = person_case(session)
    agree(session, case, "crisis-centre-osh")
    before = actions(session, case)

    def refuse(data: bytes) -> None:
        assert data.startswith(b"%PDF-")
        raise StorageError("disk full")

    with pytest.raises(StorageError):
        make_and_render(
            session, case.uuid, "crisis-centre-osh", services=("shelter",), lang="en", save=refuse
        )
    assert referrals.for_case(session, case.uuid) == []
    assert actions(session, case) == before


def test_withdrawn_consent_stops_a_new_packet(session):
    case = person_case(session)
    agree(session, case, "crisis-centre-osh")
    made = make_and_render(
        session, case.uuid, "crisis-centre-osh", services=("shelter",), lang="en"
    )
    assert packet_pdf(session, made.referral.uuid, "en").startswith(b"%PDF-")
    consent.record(
        session,
        case.uuid,
        Purpose.REFERRAL,
        State.WITHDRAWN,
        told=(),
        recipient_id="crisis-centre-osh",
    )
    with pytest.raises(NotPermitted):
        packet_pdf(session, made.referral.uuid, "en")
    with pytest.raises(InvalidInput):
        packet_pdf(session, "no-such-referral", "en")


def test_bad_language_and_service_are_refused(session):
    case = person_case(session)
    agree(session, case, "crisis-centre-osh")
    with pytest.raises(InvalidInput):
        make_and_render(session, case.uuid, "crisis-centre-osh", services=("shelter",), lang="de")
    with pytest.raises(InvalidInput, match="Unknown service"):
        make_and_render(session, case.uuid, "crisis-centre-osh", services=("spa",), lang="en")
    assert referrals.for_case(session, case.uuid) == []


def test_templates_agree_and_consent_records_of_other_recipients_stay_out(session):
    assert wording.blocks("ky") == wording.blocks("ru") == wording.blocks("en")
    ky = wording.render(
        "ky",
        reference="X",
        created="01.01.2026",
        case_number="N",
        withheld=3,
        certificate_number="C",
    )
    assert all(letter in " ".join(ky.values()) for letter in "өүң")
    case = person_case(session)
    agree(session, case, "crisis-centre-osh", "iom")
    made = make_and_render(
        session, case.uuid, "crisis-centre-osh", services=("shelter",), lang="en"
    )
    purposes = [line.purpose for line in made.content.consents]
    assert purposes == ["The interview", "Referral to Crisis centre (Osh)"]
    assert content.region_label("national", "ru") in ("Вся страна", "Whole country")
