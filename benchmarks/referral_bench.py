"""Referral packet generation against a bare ReportLab page with the same font, same run.

    .venv/bin/python benchmarks/referral_bench.py

`bench_referral_packet(tmp)` returns rows for benchmarks/run.py's table. The packet measured is
the largest usual one: a crisis centre receives every field class, so the packet holds the
referral form, the consent record, the full interview summary (about 20 fields over three
pages) and the certificate copy as a fourth page. Goal: under 300 ms, from the database to the
PDF bytes (gathering, layout, audit entry, one transaction).
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import run_module  # noqa: E402
from idtool import demo  # noqa: E402

HOLDER = "Жылдызкан Түңгүчбаева"
RECIPIENT = "crisis-centre-osh"
# Screening answers that lead to "presumed victim" (as in the tests).
STRONG = demo.STRONG_SCREENING


def _bare_page() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from idtool.certificate import pdf

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=pdf.SANS)
    canvas.setFont(pdf.SANS, 12)
    canvas.drawString(72, 760, "Перенаправление · Кайра багыттоо · Курмандык статусу")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _referral(tmp: Path) -> tuple[Any, str]:
    """A session and a referral with consent, interviews and an issued certificate."""
    from idtool import cases, consent, decisions, interviews, kdf, referrals
    from idtool.certificate import issuance, issuing_org
    from idtool.questionnaire.registry import load_shipped
    from idtool.vault import Vault

    vault = Vault(tmp / "referral-bench", kdf_params=kdf.FAST_PARAMS)
    session, _ = vault.create("Айгүл Өмүрбекова", "supervisor", "bench-pass-1")
    issuing_org.set_organisation(session, "mvd-anti-trafficking")
    case = cases.open_case(session, full_name=HOLDER, region="osh", birth_date="1998-04-12")
    ident = interviews.start(session, case.uuid, load_shipped("nrm-identification"), "ky")
    for question, value in (
        ("full_name", HOLDER),
        ("document_type", "id_card"),
        ("document_number", "ID1234567"),
    ):
        interviews.save_answer(session, ident, question, value)
    screening = interviews.start(session, case.uuid, load_shipped("nrm-screening"), "ky")
    for question, value in STRONG.items():
        if question not in interviews.computed(session, screening):  # the age, worked out
            interviews.save_answer(session, screening, question, value)
    interviews.complete(session, screening)
    decisions.record(session, case.uuid, decisions.Decision.IDENTIFIED_VICTIM)
    issuance.issue(session, case.uuid, "ky")
    consent.record(session, case.uuid, consent.Purpose.INTERVIEW, consent.State.GIVEN)
    consent.record(
        session, case.uuid, consent.Purpose.REFERRAL, consent.State.GIVEN, recipient_id=RECIPIENT
    )
    ref = referrals.make(
        session,
        case.uuid,
        RECIPIENT,
        services=("shelter", "medical"),
        urgency="urgent",
        reason="Коопсуз жай керек",
        risks="Вербовщик знает адрес",
    )
    return session, ref.uuid


def bench_referral_packet(tmp: Path) -> list[Any]:
    from idtool.certificate import pdf as cpdf
    from idtool.packet import content, packet_pdf
    from idtool.packet import pdf as ppdf

    os.environ.setdefault("IDTOOL_KDF", "fast")
    run = run_module()
    cpdf.register_fonts()
    session, referral_uuid = _referral(tmp)
    try:
        ref = content.referral(session, referral_uuid)
        shown = content.gather(session, ref, "ky")
        for _ in range(3):  # warm caches (templates, styles, font subsets) for both
            _bare_page()
            packet_pdf(session, referral_uuid, "ky")
        bare = run.median_time(_bare_page, 30)
        packet = run.median_time(lambda: packet_pdf(session, referral_uuid, "ky"), 15)
        layout = run.median_time(lambda: ppdf.render(shown), 15)
        gather = run.median_time(lambda: content.gather(session, ref, "ky"), 15)
    finally:
        session.close()
    return [
        run.Row(
            "referral packet PDF (4 pages, certificate copy)",
            "< 300 ms",
            packet * 1000,
            "ms",
            bare * 1000,
            "bare ReportLab page, same font",
            packet < 0.300,
        ),
        run.Row("  of which: layout (ReportLab)", "-", layout * 1000, "ms"),
        run.Row("  of which: gathering (preview, consent, sections)", "-", gather * 1000, "ms"),
    ]


def main() -> int:
    import tempfile

    run = run_module()
    with tempfile.TemporaryDirectory(prefix="idtool-bench-") as tmp:
        os.environ.setdefault("IDTOOL_CONFIG", str(Path(tmp) / "config"))
        run.print_table(bench_referral_packet(Path(tmp)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
