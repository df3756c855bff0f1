"""Certificate PDF generation against a bare ReportLab page with the same font, same run.

    .venv/bin/python benchmarks/certificate_bench.py

`bench_certificate(tmp)` returns rows for benchmarks/run.py's table. Goal: the certificate
(signed code + one A4 page with text, tables and a vector QR code) costs at most 5 times a bare
one-page document using the same embedded font, and under 100 ms.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import run_module  # noqa: E402


def _bare_page() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from idtool.certificate import pdf

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=pdf.SANS)
    canvas.setFont(pdf.SANS, 12)
    canvas.drawString(72, 760, "Справка о статусе жертвы · Курмандык статусу жөнүндө маалымкат")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _certificate_page(private_key: Any, kid: bytes) -> bytes:
    from idtool.certificate import payload, pdf

    salt = payload.new_salt()
    claims = payload.Claims(
        "KG-VS-ABCD-2026-00042",
        "2026-05-04",
        kid,
        "ABCD-2026-00042",
        salt,
        payload.holder_hash(salt, "Жылдызкан Түңгүчбаева", "1998-04-12"),
    )
    code = payload.encode(claims, kid, private_key.sign)
    return pdf.render(
        pdf.CertificateDocument(
            number=claims.number,
            issue_date=claims.issue_date,
            holder_name="Жылдызкан Түңгүчбаева",
            birth_date="1998-04-12",
            case_number=claims.case_number,
            officer="Айгүл Өмүрбекова",
            organisation="Кризисный центр «Сезим», Бишкек",
            language="ky",
            code=code,
        )
    )


def bench_certificate(tmp: Path) -> list[Any]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from idtool.certificate import payload, pdf, qr

    run = run_module()
    pdf.register_fonts()
    key = Ed25519PrivateKey.generate()
    kid = payload.key_id(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    for _ in range(3):  # warm caches (templates, styles, font subsets) for both
        _bare_page()
        _certificate_page(key, kid)
    bare = run.median_time(_bare_page, 30)
    cert = run.median_time(lambda: _certificate_page(key, kid), 30)
    code = payload.encode(
        payload.Claims(
            "KG-VS-ABCD-2026-00042", "2026-05-04", kid, "ABCD-2026-00042", bytes(16), bytes(16)
        ),
        kid,
        key.sign,
    )
    matrix = run.median_time(lambda: qr.matrix(code), 30)
    ok = cert / bare <= 5 and cert < 0.100
    return [
        run.Row(
            "certificate PDF (sign + A4 page + QR)",
            "ratio <= 5, < 100 ms",
            cert * 1000,
            "ms",
            bare * 1000,
            "bare ReportLab page, same font",
            ok,
        ),
        run.Row("  of which: QR symbol (zxing-cpp)", "-", matrix * 1000, "ms"),
    ]


def main() -> int:
    import tempfile

    run = run_module()
    with tempfile.TemporaryDirectory(prefix="idtool-bench-") as tmp:
        run.print_table(bench_certificate(Path(tmp)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
