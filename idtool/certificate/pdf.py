"""The printed certificate: one A4 page laid out with ReportLab, produced into memory.

Words come from `wording` (Jinja2 templates per language, legal basis from data); the fonts are
the DejaVu TTFs shipped in `resources/fonts/`, embedded as subsets so that Kyrgyz (ө ү ң) and
Russian letters print the same on any machine. The PDF holds no personal data in its metadata.

The code under the QR is printed across the foot of the page in black at `CODE_SIZE` points
(at least 8), so that it can be read and typed in where the QR code cannot be scanned.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, HRFlowable, KeepInFrame, Paragraph, Spacer, Table, TableStyle

from idtool import legal_acts
from idtool.certificate import qr, wording
from idtool.documents import style
from idtool.documents.style import MONO, SANS, SANS_BOLD, register_fonts
from idtool.documents.text import escape as _escape
from idtool.documents.text import plain as _plain
from idtool.documents.text import trim as _trim

if TYPE_CHECKING:
    from reportlab.platypus import Flowable


@dataclass(frozen=True)
class CertificateDocument:
    """What one printed certificate shows."""

    number: str
    issue_date: str  # ISO date
    holder_name: str
    birth_date: str  # ISO date
    case_number: str
    officer: str
    organisation: str
    language: str
    code: str
    copy: int | None = None  # None for the original, n for "COPY n"
    discreet: bool = False  # no "victim of trafficking" in large letters
    legal_acts: tuple[legal_acts.Details, ...] = ()  # the coordinator's dates and numbers


# The code text at the foot of the page: large and dark enough to read and type in.
CODE_SIZE = 8.0
CODE_LEADING = 10.0
CODE_COLOUR = (0.0, 0.0, 0.0)
QR_SIZE_MM = 44


def _field_table(rows: list[tuple[str, str]], width: float) -> Flowable:
    styles = style.styles()
    data = [
        [Paragraph(label, styles["label"]), Paragraph(value, styles["value"])]
        for label, value in rows
    ]
    table = Table(data, colWidths=[width * 0.32, width * 0.68])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SANS),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, Color(0.80, 0.82, 0.86)),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return table


def _story(doc: CertificateDocument, words: dict[str, str], width: float) -> list[Flowable]:
    s = style.styles()
    esc = _escape
    story: list[Flowable] = [
        Paragraph(words["state"], s["state"]),
        Paragraph(esc(doc.organisation), s["org"]),
        Spacer(1, 4),
        HRFlowable(
            width="100%", thickness=1.2, color=Color(*style.ACCENT), spaceBefore=2, spaceAfter=0
        ),
        Paragraph(words["title"], s["title"]),
        Paragraph(words["subtitle"], s["subtitle"]),
        Paragraph(words["number_line"], s["number"]),
        Paragraph(words["intro"], s["body"]),
        _field_table(
            [
                (words["label_name"], esc(doc.holder_name)),
                (words["label_birth"], wording.format_date(doc.birth_date)),
                (words["label_status"], words["status_value"]),
                (words["label_case"], esc(doc.case_number)),
            ],
            width,
        ),
        Spacer(1, 10),
        Paragraph(words["statement"], s["body"]),
        Paragraph(words["distinction"], s["small"]),
        Paragraph(words["notice"], s["small"]),
        Paragraph(words["label_basis"], s["heading"]),
    ]
    story += [
        Paragraph(esc(line), s["basis"], bulletText="•")
        for line in wording.legal_basis(doc.language, doc.legal_acts)
    ]
    story += [
        Spacer(1, 8),
        _field_table(
            [
                (words["label_officer"], esc(doc.officer)),
                (words["label_organisation"], esc(doc.organisation)),
                (words["label_date"], wording.format_date(doc.issue_date)),
            ],
            width,
        ),
    ]
    return story


def render(doc: CertificateDocument) -> bytes:
    """The certificate as PDF bytes (never written anywhere by this function)."""
    register_fonts()
    words = _words(doc)
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=A4,
        pageCompression=1,
        initialFontName=SANS,  # type: ignore[arg-type]  # the stubs say float; it is a name
        invariant=False,
    )
    canvas.setTitle(doc.number)
    canvas.setCreator("idtool")
    canvas.setSubject(_plain(words["title"] + " " + words["subtitle"]))
    draw_page(canvas, doc, copy_mark=words["copy_mark"] if doc.copy else None)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _words(doc: CertificateDocument) -> dict[str, str]:
    return wording.render(
        doc.language,
        doc.discreet,
        number=doc.number,
        issue_date=wording.format_date(doc.issue_date),
        holder_name=doc.holder_name,
        birth_date=wording.format_date(doc.birth_date),
        case_number=doc.case_number,
        officer=doc.officer,
        organisation=doc.organisation,
        copy=doc.copy or 1,
    )


def draw_page(canvas: Canvas, doc: CertificateDocument, copy_mark: str | None = None) -> None:
    """Draw the certificate on the canvas's current A4 page (also used for the copy that goes
    with a referral packet); `copy_mark` marks it as a copy."""
    register_fonts()
    words = _words(doc)
    page_w, page_h = A4
    margin = 18 * mm
    bottom_zone = 78 * mm  # the signature, seal and QR area under the text
    width = page_w - 2 * margin
    canvas.saveState()
    _draw_border(canvas, page_w, page_h)
    story = _story(doc, words, width - 12)
    frame = Frame(
        margin,
        margin + bottom_zone,
        width,
        page_h - 2 * margin - bottom_zone,
        leftPadding=6,
        rightPadding=6,
        topPadding=4,
        bottomPadding=0,
        showBoundary=0,
    )
    height = frame._aH  # type: ignore[attr-defined]  # the height left: not in the stubs
    frame.addFromList([KeepInFrame(width - 12, height, story, mode="shrink")], canvas)
    _draw_bottom(canvas, doc, words, margin, width)
    if copy_mark:
        _draw_copy_mark(canvas, copy_mark, page_w, page_h, margin)
    canvas.restoreState()


def _draw_border(canvas: Canvas, page_w: float, page_h: float) -> None:
    canvas.saveState()
    canvas.setStrokeColorRGB(*style.ACCENT)
    canvas.setLineWidth(1.6)
    canvas.rect(10 * mm, 10 * mm, page_w - 20 * mm, page_h - 20 * mm)
    canvas.setLineWidth(0.5)
    canvas.rect(12 * mm, 12 * mm, page_w - 24 * mm, page_h - 24 * mm)
    canvas.restoreState()


def code_lines(code: str, width: float) -> list[str]:
    """The code cut into lines that fit `width` at `CODE_SIZE`. The spaces are part of the code
    (base45): a line never starts or ends with one, where a reader could not see it."""
    per_line = max(3, int(width // stringWidth("M", MONO, CODE_SIZE)))
    lines, rest = [], code
    while len(rest) > per_line:
        cut = per_line
        while cut > 1 and (rest[cut - 1] == " " or rest[cut] == " "):
            cut -= 1
        lines.append(rest[:cut])
        rest = rest[cut:]
    return [*lines, rest] if rest else lines


def _draw_code(canvas: Canvas, code: str, x: float, y: float, width: float) -> float:
    """The code in lines from `y` upwards (the last line's baseline at `y`); returns the top."""
    lines = code_lines(code, width)
    canvas.saveState()
    canvas.setFont(MONO, CODE_SIZE)
    canvas.setFillColorRGB(*CODE_COLOUR)
    top = y + (len(lines) - 1) * CODE_LEADING
    for i, line in enumerate(lines):  # in reading order, as text is extracted
        canvas.drawString(x, top - i * CODE_LEADING, line)
    canvas.restoreState()
    return top + CODE_SIZE


def _draw_bottom(
    canvas: Canvas, doc: CertificateDocument, words: dict[str, str], margin: float, width: float
) -> None:
    """The code across the foot of the page, above it the QR code (right) with the
    verification note (left), and above the note the signature line and the place for the
    seal."""
    s = style.styles()
    x = margin + 6
    code_top = _draw_code(canvas, doc.code, x, margin + 2, width - 12)
    qr_size = QR_SIZE_MM * mm
    qr_x = margin + width - 6 - qr_size
    qr_y = code_top + 3 * mm
    qr.draw(canvas, doc.code, qr_x, qr_y, qr_size)

    left_w = qr_x - x - 8 * mm
    sign_y = margin + 66 * mm
    canvas.saveState()
    canvas.setStrokeColorRGB(*style.INK)
    canvas.setLineWidth(0.6)
    canvas.line(x, sign_y, x + 62 * mm, sign_y)
    canvas.setFont(SANS, 8)
    canvas.setFillColorRGB(*style.MUTED)
    canvas.drawString(x, sign_y - 10, _plain(words["signature"]))
    canvas.setFont(SANS_BOLD, 10)
    canvas.setFillColorRGB(*style.INK)
    canvas.drawString(x, sign_y + 4, _trim(doc.officer, SANS_BOLD, 10, left_w))
    seal_x, seal_y = x + 88 * mm, sign_y - 6 * mm
    canvas.setDash(2, 2)
    canvas.setStrokeColorRGB(*style.MUTED)
    canvas.circle(seal_x, seal_y, 14 * mm)
    canvas.setFont(SANS, 9)
    canvas.setFillColorRGB(*style.MUTED)
    canvas.drawCentredString(seal_x, seal_y - 3, _plain(words["stamp"]))
    canvas.restoreState()

    caption = Paragraph(words["qr_caption"], s["caption"])
    caption.wrap(left_w, 40 * mm)
    caption.drawOn(canvas, x, qr_y)


def _draw_copy_mark(canvas: Canvas, text: str, page_w: float, page_h: float, margin: float) -> None:
    """A boxed "COPY n" at the top right and a faint diagonal one across the page."""
    plain = _plain(text)
    size = 11
    w = stringWidth(plain, SANS_BOLD, size) + 12
    x, y = page_w - margin - w, page_h - margin - 4
    canvas.saveState()
    canvas.setStrokeColorRGB(*style.ALERT)
    canvas.setFillColorRGB(*style.ALERT)
    canvas.setLineWidth(1.2)
    canvas.rect(x, y - 6, w, size + 9)
    canvas.setFont(SANS_BOLD, size)
    canvas.drawString(x + 6, y, plain)
    canvas.setFillAlpha(0.10)
    canvas.translate(page_w / 2, page_h / 2)
    canvas.rotate(35)
    canvas.setFont(SANS_BOLD, 64)
    canvas.drawCentredString(0, -20, plain.split(" · ")[0])
    canvas.restoreState()
