"""Text for ReportLab: escaping values into paragraph markup, and plain text for strings drawn
directly on the canvas."""

from __future__ import annotations

import html
import re
from xml.sax.saxutils import escape as _xml_escape

from reportlab.pdfbase.pdfmetrics import stringWidth

_TAG = re.compile(r"<[^>]+>")


def escape(text: str) -> str:
    """A value as paragraph markup (&, <, > escaped)."""
    return _xml_escape(text)


def plain(markup: str) -> str:
    """Template text without markup (for strings drawn directly on the canvas)."""
    return html.unescape(_TAG.sub("", markup))


def trim(text: str, font: str, size: float, width: float) -> str:
    """`text` shortened at the end until it fits `width` points in `font` at `size`."""
    while text and stringWidth(text, font, size) > width:
        text = text[:-1]
    return text
