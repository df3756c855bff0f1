"""The QR code: drawn as vector squares into the PDF, read back from an image or a PDF page.

Everything happens in memory: a PDF is rendered by pdfium from bytes, an image is opened by
Pillow from bytes, and zxing-cpp reads the QR code from the picture. Nothing touches disk.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, cast

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from idtool.errors import InvalidInput
from idtool.i18n import _

if TYPE_CHECKING:
    from PIL.Image import Image
    from reportlab.pdfgen.canvas import Canvas

PDF_MAGIC = b"%PDF-"
# Rendering scales for PDF pages (x 72 dpi): at 2 the certificate's 0.8 mm modules are ~4.6
# pixels; a QR code printed smaller (another issuer's layout) gets a second, finer try.
PDF_RENDER_SCALES = (2.0, 4.0)


def matrix(text: str) -> list[list[bool]]:
    """The QR symbol's modules (True = dark), without the quiet zone. Error correction M.

    Made by zxing-cpp, the library that also reads the codes back."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=False)
    # A 2-D buffer of bytes: zxing-cpp's stubs leave out the buffer protocol, and typeshed
    # types tolist() as one-dimensional.
    pixels = cast("list[list[int]]", memoryview(image).tolist())  # type: ignore[arg-type]
    return [[value == 0 for value in row] for row in pixels]


def draw(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw the QR code for `text` as a `size` square with its lower-left corner at (x, y).

    Drawn in module units (one module = 1 x 1 after scaling): each horizontal run of dark
    modules is one integer rectangle, all filled at once. Fewer and shorter PDF operators, and
    no hairline gaps between neighbouring modules when printed."""
    modules = matrix(text)
    n = len(modules)
    ops = []
    for r, row in enumerate(modules):
        bottom = n - 1 - r
        c = 0
        while c < n:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < n and row[c]:
                c += 1
            ops.append(f"{start} {bottom} {c - start} 1 re")
    unit = size / n
    canvas.addLiteral(
        f"q 0 g {unit:.6f} 0 0 {unit:.6f} {x:.4f} {y:.4f} cm\n" + "\n".join(ops) + "\nf Q"
    )


def decode_image(image: Image) -> list[str]:
    """Texts of every QR code found in a picture."""
    results = zxingcpp.read_barcodes(
        image.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    return [r.text for r in results if r.valid and r.text]


MAX_PDF_PAGES = 20


def render_pdf_page(data: bytes, page: int = 0, scale: float = PDF_RENDER_SCALES[0]) -> Image:
    """One page of a PDF (given as bytes) as a greyscale picture."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise InvalidInput(_("The PDF file cannot be read.")) from None
    try:
        if len(pdf) <= page:
            raise InvalidInput(_("The PDF file has no pages."))
        bitmap = pdf[page].render(scale=scale, grayscale=True)
        picture: Image = bitmap.to_pil()
        return picture
    finally:
        pdf.close()


def decode_file_bytes(data: bytes) -> list[str]:
    """QR texts in a PDF or a picture (PNG, JPEG, ...), given as bytes. In a PDF the pages are
    read in turn (a referral packet carries the certificate copy on its last page)."""
    if data.startswith(PDF_MAGIC):
        for page in range(MAX_PDF_PAGES):
            for scale in PDF_RENDER_SCALES:
                try:
                    found = decode_image(render_pdf_page(data, page=page, scale=scale))
                except InvalidInput:
                    if page == 0:
                        raise
                    return []  # past the last page
                if found:
                    return found
        return []

    try:
        with PILImage.open(io.BytesIO(data)) as image:
            image.load()
            return decode_image(image)
    except (UnidentifiedImageError, PILImage.DecompressionBombError, OSError, ValueError):
        raise InvalidInput(_("The file is neither a PDF nor a picture that can be read.")) from None
