"""The referral packet laid out with ReportLab, produced into memory.

Pages: the referral form (who, to whom, why, urgency, services, risks, legal basis), the
consent record, the certificate note and the minimised interview summary, flowing over as many
A4 pages as needed; then, when a copy goes with the packet, the victim-status certificate drawn
by the certificate's own layout and marked as a copy for this referral. The fonts are the
certificate's embedded DejaVu subsets; the PDF's metadata holds no personal data.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    HRFlowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from idtool.certificate import issuance
from idtool.certificate import pdf as cpdf
from idtool.documents import style
from idtool.documents import text as markup
from idtool.packet import layout, wording
from idtool.packet.content import PacketContent

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas


def _form(c: PacketContent, words: dict[str, str], width: float) -> list[Any]:
    s = layout.styles()
    notice = Table([[Paragraph(words["confidential"], s["notice"])]], colWidths=[width])
    notice.setStyle(
        TableStyle(
            [
                layout.FONT,
                ("BACKGROUND", (0, 0), (-1, -1), Color(*layout.SHADE)),
                ("BOX", (0, 0), (-1, -1), 0.5, Color(*layout.RULE)),
            ]
        )
    )
    urgency = f"<b>{layout.esc(c.urgency)}</b>"
    if c.urgency_code != "routine":
        urgency = f'<font color="#{layout.hex_colour(layout.URGENT)}">{urgency}</font>'
    basis = words["basis_child" if c.legal_basis == "child_protection_law" else "basis_consent"]
    return [
        Paragraph(words["state"], s["state"]),
        Paragraph(layout.esc(c.organisation), s["org"]),
        HRFlowable(
            width="100%", thickness=1.2, color=Color(*style.ACCENT), spaceBefore=4, spaceAfter=0
        ),
        Paragraph(words["title"], s["title"]),
        Paragraph(words["subtitle"], s["subtitle"]),
        Paragraph(words["ref_line"], s["ref"]),
        notice,
        Paragraph(words["h_from"], s["section"]),
        layout.rows(
            [
                (words["label_officer"], layout.esc(c.officer)),
                (words["label_organisation"], layout.esc(c.organisation)),
                (words["label_date"], layout.esc(c.created)),
            ],
            width,
        ),
        Paragraph(words["h_to"], s["section"]),
        layout.rows(
            [
                (words["label_recipient"], f"<b>{layout.esc(c.recipient)}</b>"),
                (words["label_type"], layout.esc(c.recipient_type)),
                (words["label_region"], layout.esc(c.region)),
                (words["label_contact"], layout.or_not_stated(c.contact, words, "no_contact")),
            ],
            width,
        ),
        Paragraph(words["h_why"], s["section"]),
        layout.rows(
            [
                (words["label_reason"], layout.or_not_stated(c.reason, words)),
                (words["label_urgency"], urgency),
                (words["label_services"], "<br/>".join(layout.esc(x) for x in c.services)),
                (words["label_risks"], layout.or_not_stated(c.risks, words)),
            ],
            width,
        ),
        Paragraph(words["h_basis"], s["section"]),
        Paragraph(basis, s["text"]),
    ]


def _consents(c: PacketContent, words: dict[str, str], width: float) -> list[Any]:
    s = layout.styles()
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
                Paragraph(layout.esc(v), s["cell"])
                for v in (line.purpose, line.state, line.told, line.recorded, line.officer)
            ]
        )
        extra = []
        if line.child_assent:
            extra.append(f"{words['label_assent']}: {layout.esc(line.child_assent)}")
        if line.guardian or line.guardian_withheld:
            shown = (
                f"<i>{words['withheld_mark']}</i>"
                if line.guardian_withheld
                else layout.esc(line.guardian)
            )
            extra.append(f"{words['label_guardian']}: {shown}")
        if extra:
            data.append([Paragraph("; ".join(extra), s["cell"]), "", "", "", ""])
            spans.append(("SPAN", (0, len(data) - 1), (-1, len(data) - 1)))
    table = Table(data, colWidths=[width * f for f in (0.27, 0.12, 0.29, 0.14, 0.18)], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                layout.FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, Color(*layout.RULE)),
                ("BACKGROUND", (0, 0), (-1, 0), Color(*layout.SHADE)),
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
    s = layout.styles()
    if not c.certificate_number:
        key = "cert_none"
    elif c.certificate_revoked:
        key = "cert_revoked"
    else:
        key = "cert_attached" if c.certificate else "cert_not_attached"
    return [Paragraph(words["h_certificate"], s["section"]), Paragraph(words[key], s["text"])]


def _summary(c: PacketContent, words: dict[str, str], width: float) -> list[Any]:
    s = layout.styles()
    # The headings stay with the first rows; the rest of a long group flows on.
    head: list[Any] = [
        Paragraph(words["h_summary"], s["section"]),
        Paragraph(words["summary_intro"], s["intro"]),
    ]
    out: list[Any] = []
    if not c.summary:
        head.append(Paragraph(f"<i>{words['summary_empty']}</i>", s["text"]))
    for group in c.summary:
        rows = [(layout.esc(label), layout.esc(answer)) for label, answer in group.rows]
        if group.title:
            head.append(Paragraph(layout.esc(group.title), s["group"]))
        out.append(KeepTogether([*head, layout.rows(rows[:2], width, 0.40)]))
        head = []
        if rows[2:]:
            out.append(layout.rows(rows[2:], width, 0.40))
    if head:
        out.append(KeepTogether(head))
    out.append(Paragraph(f"<b>{words['withheld']}</b>", s["text"]))
    return out


def _signature(c: PacketContent, words: dict[str, str], width: float) -> list[Any]:
    s = layout.styles()
    table = Table(
        [
            [Paragraph(layout.esc(c.officer), s["value"]), ""],
            [Paragraph(words["signature"], s["label"]), ""],
        ],
        colWidths=[width * 0.5, width * 0.5],
    )
    table.setStyle(
        TableStyle(
            [
                layout.FONT,
                ("LINEBELOW", (0, 0), (0, 0), 0.6, Color(*style.INK)),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [Spacer(1, 26), table]


def _page_footer(words: dict[str, str]) -> Any:
    def draw(canvas: Canvas, doc: Any) -> None:
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
    doc = issuance.document(
        c.certificate,
        None,
        c.language,
        acts=c.legal_acts,
        organisation=c.certificate_organisation,
    )

    def draw(canvas: Canvas, _doc: Any) -> None:
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
