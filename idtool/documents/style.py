"""Fonts, colours and the base paragraph styles of every printed document.

The fonts are the DejaVu TTFs shipped in `resources/fonts/`, embedded as subsets so that Kyrgyz
(ө ү ң) and Russian letters print the same on any machine.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.fonts import addMapping
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from idtool.paths import resources_dir

SANS = "IdtoolSans"
SANS_BOLD = "IdtoolSans-Bold"
# The certificate code under the QR is plain ASCII (base45): PDF's built-in Courier prints it in
# every reader without embedding a third font.
MONO = "Courier"

INK = (0.10, 0.12, 0.20)
ACCENT = (0.11, 0.23, 0.45)
MUTED = (0.35, 0.37, 0.42)
ALERT = (0.72, 0.08, 0.08)  # copy marks, urgency


@cache
def register_fonts() -> None:
    """Register the shipped fonts with ReportLab once per process."""
    folder = resources_dir() / "fonts"
    pdfmetrics.registerFont(TTFont(SANS, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(SANS_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    for italic in (0, 1):
        addMapping(SANS, 0, italic, SANS)
        addMapping(SANS, 1, italic, SANS_BOLD)


@cache
def styles() -> dict[str, Any]:
    """The base paragraph styles by name; a document derives its own from them."""
    ink, accent, muted = Color(*INK), Color(*ACCENT), Color(*MUTED)
    base = ParagraphStyle(
        "base", fontName=SANS, fontSize=10.5, leading=14, textColor=ink, bulletFontName=SANS
    )
    return {
        "state": ParagraphStyle(
            "state",
            base,
            fontName=SANS_BOLD,
            fontSize=11,
            leading=14,
            alignment=TA_CENTER,
            textColor=accent,
        ),
        "org": ParagraphStyle("org", base, fontSize=10, leading=13, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title",
            base,
            fontName=SANS_BOLD,
            fontSize=22,
            leading=27,
            alignment=TA_CENTER,
            textColor=accent,
            spaceBefore=14,
        ),
        "subtitle": ParagraphStyle(
            "subtitle", base, fontSize=12.5, leading=16, alignment=TA_CENTER
        ),
        "number": ParagraphStyle(
            "number",
            base,
            fontName=SANS_BOLD,
            fontSize=11,
            leading=15,
            alignment=TA_CENTER,
            spaceBefore=6,
            spaceAfter=14,
        ),
        "body": ParagraphStyle("body", base, alignment=TA_JUSTIFY, spaceAfter=6),
        "small": ParagraphStyle(
            "small", base, fontSize=9, leading=12, alignment=TA_JUSTIFY, spaceAfter=4
        ),
        "label": ParagraphStyle("label", base, fontSize=9, leading=12, textColor=muted),
        "value": ParagraphStyle("value", base, fontName=SANS_BOLD, fontSize=11.5, leading=15),
        "heading": ParagraphStyle(
            "heading",
            base,
            fontName=SANS_BOLD,
            fontSize=9.5,
            leading=13,
            spaceBefore=8,
            spaceAfter=2,
            textColor=accent,
        ),
        "basis": ParagraphStyle(
            "basis", base, fontSize=9, leading=12, leftIndent=10, bulletIndent=0, spaceAfter=2
        ),
        "caption": ParagraphStyle(
            "caption", base, fontSize=7.5, leading=9.5, textColor=muted, alignment=TA_JUSTIFY
        ),
    }
