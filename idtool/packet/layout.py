"""The referral packet's look: colours, paragraph styles and the label / value table its pages
are built from (fonts from the shared documents layer)."""

from __future__ import annotations

from functools import cache
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, Table, TableStyle

from idtool.documents import style
from idtool.documents import text as markup

RULE = (0.80, 0.82, 0.86)
SHADE = (0.94, 0.95, 0.97)
URGENT = (0.72, 0.08, 0.08)
# Empty cells would otherwise be set in Helvetica, a font the PDF does not embed.
FONT = ("FONTNAME", (0, 0), (-1, -1), style.SANS)


@cache
def styles() -> dict[str, Any]:
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


def esc(text: str) -> str:
    return markup.escape(text).replace("\n", "<br/>")


def rows(rows: list[tuple[str, str]], width: float, split: float = 0.30) -> Any:
    """A label / value table; values are markup already escaped."""
    s = styles()
    table = Table(
        [[Paragraph(label, s["label"]), Paragraph(value, s["value"])] for label, value in rows],
        colWidths=[width * split, width * (1 - split)],
    )
    table.setStyle(
        TableStyle(
            [
                FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, Color(*RULE)),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return table


def hex_colour(rgb: tuple[float, float, float]) -> str:
    return "".join(f"{round(v * 255):02x}" for v in rgb)


def or_not_stated(value: str, words: dict[str, str], key: str = "not_stated") -> str:
    return esc(value) if value.strip() else f"<i>{words[key]}</i>"
