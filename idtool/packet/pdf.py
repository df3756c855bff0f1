"""The referral packet laid out with ReportLab, produced into memory.

Pages: the referral form (who, to whom, why, urgency, services, risks, legal basis), the
consent record, the certificate note and the minimised interview summary, flowing over as many
A4 pages as needed; then, when a copy goes with the packet, the victim-status certificate drawn
by the certificate's own layout and marked as a copy for this referral. The fonts are the
certificate's embedded DejaVu subsets; the PDF's metadata holds no personal data.
"""

from __future__ import annotations

import io
from functools import cache
from typing import TYPE_CHECKING, Any

from idtool.certificate import issuance
from idtool.certificate import pdf as cpdf
from idtool.documents import style
from idtool.documents import text as markup
from idtool.packet import wording
from idtool.packet.content import PacketContent

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

_RULE = (0.80, 0.82, 0.86)
_SHADE = (0.94, 0.95, 0.97)
_URGENT = (0.72, 0.08, 0.08)
# Empty cells would otherwise be set in Helvetica, a font the PDF does not embed.
_FONT = ("FONTNAME", (0, 0), (-1, -1), style.SANS)


@cache
def _styles() -> dict[str, Any]:
    from reportlab.lib.colors import Color
    from reportlab.lib.enums import TA_CENTER, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    base = style.styles()
    body = base["body"]
    return {
        **base,
        "title": ParagraphStyle("p-title", base["title"], fontSize=19, leading=23, spaceBefore=8),
        "ref": ParagraphStyle("p-ref", base["number"], spaceAfter=8),
        "section": ParagraphStyle(
            "p-section",
            base["heading"],
            fontSize=11.5,
            leading=15,
            spaceBefore=12,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "group": ParagraphStyle(
            "p-group",
            base["heading"],
            fontSize=9.5,
            leading=12,
            spaceBefore=6,
            spaceAfter=2,
            textColor=Color(*style.MUTED),
        ),
        "text": ParagraphStyle(
            "p-text", body, fontSize=10, leading=13.5, spaceAfter=4, alignment=TA_LEFT
        ),
        "intro": ParagraphStyle("p-intro", base["small"], alignment=TA_LEFT, keepWithNext=1),
        "cell": ParagraphStyle("p-cell", body, fontSize=8.5, leading=11, alignment=0, spaceAfter=0),
        "head": ParagraphStyle(
            "p-head",
            body,
            fontName=style.SANS_BOLD,
            fontSize=8,
            leading=10,
            alignment=0,
            spaceAfter=0,
            textColor=Color(*style.MUTED),
        ),
        "value": ParagraphStyle(
            "p-value", body, fontSize=10, leading=13, alignment=0, spaceAfter=0
        ),
        "notice": ParagraphStyle("p-notice", base["small"], alignment=TA_CENTER),
    }


def _esc(text: str) -> str:
    return markup.escape(text).replace("\n", "<br/>")


def _rows(rows: list[tuple[str, str]], width: float, split: float = 0.30) -> Any:
    """A label / value table; values are markup already escaped."""
    from reportlab.lib.colors import Color
    from reportlab.platypus import Paragraph, Table, TableStyle

    s = _styles()
    table = Table(
        [[Paragraph(label, s["label"]), Paragraph(value, s["value"])] for label, value in rows],
        colWidths=[width * split, width * (1 - split)],
    )
    table.setStyle(
        TableStyle(
            [
                _FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, Color(*_RULE)),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return table


def _hex(rgb: tuple[float, float, float]) -> str:
    return "".join(f"{round(v * 255):02x}" for v in rgb)


def _or(value: str, words: dict[str, str], key: str = "not_stated") -> str:
    return _esc(value) if value.strip() else f"<i>{words[key]}</i>"


def _form(c: PacketContent, words: dict[str, str], width: float) -> list[Any]:
    from reportlab.lib.colors import Color
    from reportlab.platypus import HRFlowable, Paragraph, Table, TableStyle

    s = _styles()
    notice = Table([[Paragraph(words["confidential"], s["notice"])]], colWidths=[width])
    notice.setStyle(
        TableStyle(
            [
                _FONT,
                ("BACKGROUND", (0, 0), (-1, -1), Color(*_SHADE)),
                ("BOX", (0, 0), (-1, -1), 0.5, Color(*_RULE)),
            ]
        )
    )
    urgency = f"<b>{_esc(c.urgency)}</b>"
    if c.urgency_code != "routine":
        urgency = f'<font color="#{_hex(_URGENT)}">{urgency}</font>'
    basis = words["basis_child" if c.legal_basis == "child_protection_law" else "basis_consent"]
    return [
        Paragraph(words["state"], s["state"]),
        Paragraph(_esc(c.organisation), s["org"]),
        HRFlowable(
            width="100%", thickness=1.2, color=Color(*style.ACCENT), spaceBefore=4, spaceAfter=0
        ),
        Paragraph(words["title"], s["title"]),
        Paragraph(words["subtitle"], s["subtitle"]),
        Paragraph(words["ref_line"], s["ref"]),
        notice,
        Paragraph(words["h_from"], s["section"]),
        _rows(
            [
                (words["label_officer"], _esc(c.officer)),
                (words["label_organisation"], _esc(c.organisation)),
                (words["label_date"], _esc(c.created)),
            ],
            width,
        ),
        Paragraph(words["h_to"], s["section"]),
        _rows(
            [
                (words["label_recipient"], f"<b>{_esc(c.recipient)}</b>"),
                (words["label_type"], _esc(c.recipient_type)),
                (words["label_region"], _esc(c.region)),
                (words["label_contact"], _or(c.contact, words, "no_contact")),
            ],
            width,
        ),
        Paragraph(words["h_why"], s["section"]),
        _rows(
            [
                (words["label_reason"], _or(c.reason, words)),
                (words["label_urgency"], urgency),
                (words["label_services"], "<br/>".join(_esc(x) for x in c.services)),
                (words["label_risks"], _or(c.risks, words)),
            ],
            width,
        ),
        Paragraph(words["h_basis"], s["section"]),
        Paragraph(basis, s["text"]),
    ]


def _consents(c: PacketContent, words: dict[str, str], width: float) -> list[Any]:
    from reportlab.lib.colors import Color
    from reportlab.platypus import Paragraph, Table, TableStyle

    s = _styles()
    out: list[Any] = [Paragraph(words["h_consent"], s["section"])]
    if not c.consents:
        return [*out, Paragraph(f"<i>{words['no_consent']}</i>", s["text"])]
    data: list[list[Any]] = [
        [
            Paragraph(words[k], s["head"])
            for k in ("col_purpose", "col_state", "col_told", "col_date", "col_officer")
        ]
    ]
    spans = []
    for line in c.consents:
        data.append(
            [
                Paragraph(_esc(v), s["cell"])
                for v in (line.purpose, line.state, line.told, line.recorded, line.officer)
            ]
        )
        extra = []
        if line.child_assent:
            extra.append(f"{words['label_assent']}: {_esc(line.child_assent)}")
        if line.guardian or line.guardian_withheld:
            shown = (
                f"<i>{words['withheld_mark']}</i>"
                if line.guardian_withheld
                else _esc(line.guardian)
            )
            extra.append(f"{words['label_guardian']}: {shown}")
        if extra:
            data.append([Paragraph("; ".join(extra), s["cell"]), "", "", "", ""])
            spans.append(("SPAN", (0, len(data) - 1), (-1, len(data) - 1)))
    table = Table(data, colWidths=[width * f for f in (0.27, 0.12, 0.29, 0.14, 0.18)], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                _FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, Color(*_RULE)),
                ("BACKGROUND", (0, 0), (-1, 0), Color(*_SHADE)),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                *spans,
            ]
        )
    )
    return [*out, table]


def _certificate_note(c: PacketContent, words: dict[str, str]) -> list[Any]:
    from reportlab.platypus import Paragraph

    s = _styles()
    if not c.certificate_number:
        key = "cert_none"
    elif c.certificate_revoked:
        key = "cert_revoked"
    else:
        key = "cert_attached" if c.certificate else "cert_not_attached"
    return [Paragraph(words["h_certificate"], s["section"]), Paragraph(words[key], s["text"])]


def _summary(c: PacketContent, words: dict[str, str], width: float) -> list[Any]:
    from reportlab.platypus import KeepTogether, Paragraph

    s = _styles()
    # The headings stay with the first rows; the rest of a long group flows on.
    head: list[Any] = [
        Paragraph(words["h_summary"], s["section"]),
        Paragraph(words["summary_intro"], s["intro"]),
    ]
    out: list[Any] = []
    if not c.summary:
        head.append(Paragraph(f"<i>{words['summary_empty']}</i>", s["text"]))
    for group in c.summary:
        rows = [(_esc(label), _esc(answer)) for label, answer in group.rows]
        if group.title:
            head.append(Paragraph(_esc(group.title), s["group"]))
        out.append(KeepTogether([*head, _rows(rows[:2], width, 0.40)]))
        head = []
        if rows[2:]:
            out.append(_rows(rows[2:], width, 0.40))
    if head:
        out.append(KeepTogether(head))
    out.append(Paragraph(f"<b>{words['withheld']}</b>", s["text"]))
    return out


def _signature(c: PacketContent, words: dict[str, str], width: float) -> list[Any]:
    from reportlab.lib.colors import Color
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    s = _styles()
    table = Table(
        [
            [Paragraph(_esc(c.officer), s["value"]), ""],
            [Paragraph(words["signature"], s["label"]), ""],
        ],
        colWidths=[width * 0.5, width * 0.5],
    )
    table.setStyle(
        TableStyle(
            [
                _FONT,
                ("LINEBELOW", (0, 0), (0, 0), 0.6, Color(*style.INK)),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [Spacer(1, 26), table]


def _page_footer(words: dict[str, str]) -> Any:
    def draw(canvas: Canvas, doc: Any) -> None:
        from reportlab.lib.units import mm

        canvas.saveState()
        canvas.setFont(style.SANS, 7.5)
        canvas.setFillColorRGB(*style.MUTED)
        canvas.drawString(doc.leftMargin, 10 * mm, markup.plain(words["footer"]))
        canvas.drawRightString(
            doc.leftMargin + doc.width,
            10 * mm,
            f"{markup.plain(words['page'])} {canvas.getPageNumber()}",
        )
        canvas.restoreState()

    return draw


def _certificate_page(c: PacketContent, words: dict[str, str]) -> Any:
    """Draw the certificate as `certificate.pdf.render` does, marked as this referral's copy."""
    assert c.certificate is not None
    doc = issuance.document(c.certificate, None, c.language)

    def draw(canvas: Canvas, _doc: Any) -> None:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm

        page_w, page_h = A4
        cpdf.draw_page(canvas, doc, copy_mark=words["copy_mark"])
        canvas.saveState()
        canvas.setFont(style.SANS_BOLD, 7.5)
        canvas.setFillColorRGB(*style.ALERT)
        canvas.drawCentredString(page_w / 2, page_h - 7 * mm, markup.plain(words["copy_note"]))
        canvas.restoreState()

    return draw


def render(c: PacketContent) -> bytes:
    """The packet as PDF bytes (never written anywhere by this function)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Spacer,
    )

    style.register_fonts()
    words = wording.render(
        c.language,
        reference=c.reference,
        created=c.created,
        case_number=c.case_number,
        withheld=c.withheld,
        certificate_number=c.certificate_number,
    )
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=markup.plain(words["meta_title"]),
        author="",
        subject="",
        keywords=[],
        creator="idtool",
        producer="idtool",
        pageCompression=1,
        initialFontName=style.SANS,
        lang=c.language,
    )
    width = doc.width
    body = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        width,
        doc.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
    )
    templates = [PageTemplate("packet", [body], onPage=_page_footer(words))]
    story = [
        *_form(c, words, width),
        *_consents(c, words, width),
        *_certificate_note(c, words),
        *_summary(c, words, width),
        *_signature(c, words, width),
    ]
    if c.certificate is not None:
        templates.append(
            PageTemplate(
                "certificate", [Frame(0, 0, A4[0], A4[1])], onPage=_certificate_page(c, words)
            )
        )
        story += [NextPageTemplate("certificate"), PageBreak(), Spacer(1, 1)]
    doc.addPageTemplates(templates)
    doc.build(story)
    return buffer.getvalue()
