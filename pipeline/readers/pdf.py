"""PDF: glyphs read by pdfium, lines rebuilt with Thai marks on their bases (pdf_layout)."""

from __future__ import annotations

from pipeline.model import Document, ReadError
from pipeline.readers.common import finish


def read_pdf(path: str, data: bytes) -> Document:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    from pipeline.readers.pdf_layout import (
        drop_running_lines,
        join_pages,
        page_grids,
        page_lines,
        page_text_blocks,
        read_glyphs,
    )

    if not data:
        raise ReadError("PDF file is empty (0 bytes)")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ReadError("not a PDF file (no %PDF header)")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise ReadError("PDF is encrypted (password required); ask the sender for an "
                            "unprotected copy") from e
        raise ReadError(f"PDF is damaged or truncated and cannot be opened ({msg})") from e
    warnings: list[str] = []
    pages: list = []  # each page's items (pdf_layout.PageItem)
    unmapped = recovered = 0
    empty_pages: list[int] = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            glyphs, u, r = read_glyphs(raw, textpage.raw)
            unmapped += u
            recovered += r
            lines = page_lines(glyphs, page_grids(page) if glyphs else None)
            if not lines:
                empty_pages.append(i + 1)
            pages.append(lines)
            textpage.close()
            page.close()
    finally:
        pdf.close()
    if len(pages) == 0:
        raise ReadError("PDF has no pages")
    pages, dropped = drop_running_lines(pages)
    if empty_pages:
        if len(empty_pages) == len(pages):
            raise ReadError("PDF has no text layer on any page (a scan?); run OCR first")
        warnings.append(f"no text layer on page(s) {', '.join(map(str, empty_pages))} "
                        "(scanned image?): not read")
    if recovered:
        warnings.append(f"{recovered} glyph(s) without a Unicode mapping recovered from the font family")
    if unmapped - recovered:
        warnings.append(f"{unmapped - recovered} glyph(s) without a Unicode mapping dropped")
    if dropped:
        warnings.append(f"{dropped} running header/footer/page-number line(s) left out")
    texts, blocks = zip(*(page_text_blocks(p) for p in join_pages(pages)), strict=True)
    return finish(path, data, "pdf", "", warnings, page_texts=list(texts), page_blocks=list(blocks))
