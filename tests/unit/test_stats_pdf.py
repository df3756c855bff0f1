"""The statistics PDF as it prints: no text drawn over other text (Russian headers wrap in their
cells), long row names wrap, a breakdown whose counts are all hidden draws no chart with a
meaningless axis, and a period without cases says so."""

from __future__ import annotations

from datetime import date
from itertools import combinations

import pypdfium2 as pdfium
import pytest

from idtool.i18n import language
from idtool.stats import compute, report
from tests.support.cases import STRONG, assessed_case

Box = tuple[float, float, float, float]  # left, bottom, right, top


@pytest.fixture
def counted(session):
    for _i in range(6):
        assessed_case(session, STRONG, region="osh")
        assessed_case(session, dict(STRONG, sex="male"), region="batken")
    assessed_case(session, STRONG, region="chuy")
    return session


def glyphs(data: bytes) -> list[list[tuple[str, Box]]]:
    """Each page's visible characters with their boxes."""
    pdf = pdfium.PdfDocument(data)
    pages = []
    for page in pdf:
        text = page.get_textpage()
        chars = []
        for i in range(text.count_chars()):
            char = text.get_text_range(i, 1)
            if char.strip():
                chars.append((char, text.get_charbox(i)))
        pages.append(chars)
    pdf.close()
    return pages


def overprinted(chars: list[tuple[str, Box]]) -> list[str]:
    """Pairs of characters drawn over each other (more than a third of the smaller one)."""
    found = []
    for (a, (al, ab, ar, at)), (b, (bl, bb, br, bt)) in combinations(chars, 2):
        width = min(ar, br) - max(al, bl)
        height = min(at, bt) - max(ab, bb)
        if width <= 0 or height <= 0:
            continue
        smaller = min((ar - al) * (at - ab), (br - bl) * (bt - bb))
        if smaller > 0 and width * height > smaller / 3:
            found.append(a + b)
    return found


def text_of(data: bytes) -> str:
    return "".join(c for page in glyphs(data) for c, _box in page)


@pytest.mark.parametrize("lang", ["ru", "ky", "en"])
def test_no_text_is_printed_over_other_text(counted, lang):
    with language(lang):
        data = report.to_pdf(compute(counted).published(5))
    for page in glyphs(data):
        assert overprinted(page) == []


def test_a_long_header_wraps_between_words(counted):
    with language("ru"):
        data = report.to_pdf(compute(counted).published(5))
    assert "Идентифицированные" in text_of(data)  # whole, not cut inside the word
    pdf = pdfium.PdfDocument(data)
    lines = "\n".join(page.get_textpage().get_text_range() for page in pdf).splitlines()
    pdf.close()
    # "Возрастная группа во время эксплуатации" is the heading of its section on one line, and
    # heads its table's first column wrapped onto two.
    assert sum("Возрастная группа во время эксплуатации" in line for line in lines) == 1


def test_all_hidden_counts_draw_no_chart(counted):
    with language("en"):
        data = report.to_pdf(compute(counted).published(1000))  # every count hidden
    text = text_of(data).replace(" ", "")
    assert "Nochart:everycounthereishiddenor0." in text
    assert "0.002" not in text and "0.01" not in text  # the axis ReportLab drew for nothing


def test_an_empty_period_says_so(counted):
    with language("en"):
        empty = compute(counted, period_from=date(2001, 1, 1), period_to=date(2001, 2, 1))
        data = report.to_pdf(empty.published(5))
    text = text_of(data).replace(" ", "")
    assert "Nocasewasrecordedinthisperiod:everycountis0." in text
    assert len(glyphs(data)) == 1  # not pages of tables of zeros
    with language("en"):
        full = report.to_pdf(compute(counted).published(5))
    assert "Nocasewasrecorded" not in text_of(full).replace(" ", "")
