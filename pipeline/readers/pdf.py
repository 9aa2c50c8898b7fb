"""PDF: glyphs read by pdfium, lines rebuilt with Thai marks on their bases (pdf_layout), every
page checked (pagecheck) and, where its text layer fails the check, read another way.

Per page, cheapest first:
1. `text`: glyph boxes (`read_glyphs`), the reading that is exact on LibreOffice, Word and the
   Budget Bureau's PDFs;
2. `clusters`: /ActualText spans as units (`read_glyph_clusters`), for Chromium/Skia pages whose
   clusters pdfium cuts apart, and a text drawn twice (shadow, fake bold) read once; tried only on
   a page whose first reading is doubtful or garbage;
3. `ocr`: the page rendered and read by Tesseract (`ocr`), for a page with no text layer over its
   ink (a scan), a junk Latin OCR layer, or glyphs without a Unicode mapping.
The reading with the better self-check wins. A page whose every reading is garbage is left out
with a warning; no page is handed on as `ok` with garbage.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections import Counter
from collections.abc import Callable

from pipeline.model import Document, ReadError
from pipeline.readers import marks, pagecheck
from pipeline.readers.common import finish
from pipeline.thai import normalize_text

# An empty page is worth OCR when something is drawn on it: a scan (images) or text drawn as
# outlines (many path objects); a blank page is not.
MIN_IMAGE_COVER = 0.05
MIN_OUTLINE_PATHS = 200
# A browser sets a wrapped paragraph's lines one CSS line-height apart: `normal` is the font's
# ascent to descent, what pdfium's loose box spans (1.03 box heights measured on Chromium's
# pages), and even `line-height: 2` is ~1.25 boxes for a Thai font (its box is ~1.6 em high);
# paragraphs are that plus their margins apart (1.65). On a Skia page, lines farther apart than
# this are not one paragraph wrapped.
SKIA_MAX_PITCH = 1.35


def ocr_enabled() -> bool:
    """`--no-ocr` (or THAIREPORT_OCR=0) turns OCR off for the whole run, workers included."""
    return os.environ.get("THAIREPORT_OCR", "1") != "0"


def _progress(msg: str) -> None:
    if os.environ.get("THAIREPORT_PROGRESS") == "1" or sys.stderr.isatty():
        print(f"thaireport: {msg}", file=sys.stderr, flush=True)


def _pages_list(pages: list[int]) -> str:
    return ", ".join(map(str, pages))


class _PageReader:
    """Reads one page by the strategies above; keeps what a document-level warning needs."""

    def __init__(self, path: str, ocr: bool, spans_first: bool = False) -> None:
        self.path = path
        self.ocr = ocr
        # Skia (every Chromium-based browser's "Save as PDF") wraps each Thai cluster whose glyphs
        # are not one-to-one with its characters in an /ActualText span: its pages are read by
        # spans first, glyph boxes second (a page of them reads plausibly but with `สำ เร็จ`)
        self.spans_first = spans_first
        self.max_pitch = SKIA_MAX_PITCH if spans_first else None
        self.unmapped = self.recovered = self.named = 0
        self.ocr_missing: str | None = None
        self.ocr_problems: list[tuple[int, str]] = []  # (page, first failure) of OCR's corrections
        # glyphs without a Unicode mapping: a placeholder per (font, code), named once per document
        self.placeholders: dict[tuple[str, int], str] = {}
        self.solved: dict[str, str] = {}
        # marks drawn on the wrong side for their label: (label, side) -> character, per document
        self.mark_labels: dict[tuple[str, str], str] = {}
        self.misplaced_marks: dict[int, tuple] = {}  # page -> (glyphs, misplaced marks, grids)
        self.applied: dict[int, dict[tuple[str, str], str]] = {}  # page -> the mapping it was laid out with

    def _name_unmapped(self, items: list, unmapped: int, recovered: int) -> tuple[list, int, int]:
        """(the page's items with unnamed glyphs named or dropped, glyphs named, glyphs still
        without a name). Solved on the whole page's text, then applied item by item (a table
        keeps its cells)."""
        if unmapped == recovered:
            return items, 0, 0
        from pipeline.readers import unmapped as unmapped_glyphs
        from pipeline.readers.pdf_layout import PageItem

        _, named, _ = unmapped_glyphs.decode("\n".join(items), self.solved)

        def name(text: str) -> str:
            return unmapped_glyphs.apply(text, self.solved)

        out = []
        for item in items:
            if getattr(item, "kind", "") == "table":
                rows = [[dataclasses.replace(c, text=name(c.text)) for c in row] for row in item.rows]
                out.append(PageItem.table(rows, item.xs, item.y, item.ruled))
            else:
                out.append(PageItem.text_item(name(item), getattr(item, "y", 0.0)))
        return out, named, unmapped - recovered - named

    def read(self, raw, page, number: int) -> tuple[list[str], pagecheck.PageQuality]:
        from pipeline.readers.pdf_layout import page_grids, page_lines, read_glyph_clusters, read_glyphs

        textpage = page.get_textpage()
        try:
            first, second = read_glyphs, read_glyph_clusters
            if self.spans_first:
                first, second = second, first
            glyphs, unmapped, recovered = self._glyphs(raw, textpage, page, first)
            grids = page_grids(page) if glyphs else None
            lines, named, unnamed = self._name_unmapped(page_lines(glyphs, grids, self.max_pitch), unmapped, recovered)
            text = normalize_text("\n".join(lines)) if self.spans_first else "\n".join(lines)
            q = pagecheck.measure(text, number, len(glyphs), unnamed, method="clusters" if self.spans_first else "text")
            paths = 0
            if pagecheck.needs_ink(q, text):
                q.image_cover, q.invisible_text, paths = pagecheck.ink(page)
            q.verdict = pagecheck.assess(q)
            if glyphs and pagecheck.worth_second_reading(q):
                lines, q = self._better(lines, q, lambda: self._reread(raw, textpage, page, grids, q, number, second))
            # once a document has mislabelled marks, each of its pages is checked for them
            if q.method == "text" and q.verdict != "garbage" and (q.ood_share > marks.TRIGGER_OOD or self.mark_labels):
                lines, q = self._relabel_marks(raw, textpage, glyphs, grids, lines, q, number)
        finally:
            textpage.close()
        if q.verdict in ("garbage", "empty") and self._worth_ocr(q, paths):
            lines, q = self._better(lines, q, lambda: self._ocr(page, q, number))
        if q.verdict == "empty" and not (q.image_cover or paths):
            q.method = "none"
        if q.method != "ocr":  # glyphs of a text layer that OCR replaced were not lost
            self.unmapped += unmapped
            self.recovered += recovered
            self.named += named
        return lines, q

    @staticmethod
    def _better(lines, q, other: Callable[[], tuple[list[str], pagecheck.PageQuality] | None]):
        got = other()
        if got is None:
            return lines, q
        lines2, q2 = got
        if q.verdict == "empty" or q2.badness < q.badness:
            return lines2, q2
        return lines, q

    def _glyphs(self, raw, textpage, page, read) -> tuple[list, int, int]:
        """The page's visible glyphs by one strategy (`read_glyphs` or `read_glyph_clusters`, which
        also reads a text drawn twice, a shadow or fake bold, once); (glyphs, unmapped, recovered)."""
        from pipeline.readers.pdf_layout import drop_overstruck, read_glyph_clusters, visible

        glyphs, unmapped, recovered = read(raw, textpage.raw, self.placeholders)
        glyphs = visible(glyphs, page.get_cropbox())
        return (drop_overstruck(glyphs) if read is read_glyph_clusters else glyphs), unmapped, recovered

    def _reread(self, raw, textpage, page, grids, q, number, read):
        """The page read by the other glyph strategy (`read_glyph_clusters` or `read_glyphs`)."""
        from pipeline.readers.pdf_layout import page_lines, read_glyphs

        glyphs, unmapped, recovered = self._glyphs(raw, textpage, page, read)
        lines, _, unnamed = self._name_unmapped(page_lines(glyphs, grids, self.max_pitch), unmapped, recovered)
        q2 = pagecheck.measure(normalize_text("\n".join(lines)), number, len(glyphs), unnamed,
                               method="text" if read is read_glyphs else "clusters")
        q2.image_cover, q2.invisible_text = q.image_cover, q.invisible_text
        q2.verdict = pagecheck.assess(q2)
        return lines, q2

    def _relabel_marks(self, raw, textpage, glyphs, grids, lines, q, number):
        """The page with its marks relabelled where their label contradicts where they are drawn
        (`marks`), when the words say which mark each is; otherwise as it was."""
        from pipeline.readers.pdf_layout import page_lines

        found = marks.misplaced(raw, textpage.raw)
        known = any((label, side) in self.mark_labels for (label, _, _), side in found.items())
        if len(found) < marks.MIN_MISPLACED and not known:
            return lines, q
        mapping = marks.solve(glyphs, found, self.mark_labels,
                              lambda gs: "\n".join(page_lines(gs, grids, self.max_pitch)),
                              lambda text: pagecheck.ood_share(text, sample=None))
        self.mark_labels.update(mapping)
        self.misplaced_marks[number] = (glyphs, found, grids)
        if not mapping:
            return lines, q
        lines = self._relaid(number, mapping)
        q2 = pagecheck.measure("\n".join(lines), number, len(glyphs), 0)
        q2.image_cover, q2.invisible_text = q.image_cover, q.invisible_text
        q2.verdict = pagecheck.assess(q2)
        return lines, q2

    def _relaid(self, number: int, mapping: dict[tuple[str, str], str]) -> list:
        """Page `number`'s items from its glyphs with its misplaced marks relabelled by `mapping`."""
        from pipeline.readers.pdf_layout import page_lines

        glyphs, found, grids = self.misplaced_marks[number]
        self.applied[number] = mapping
        return self._name_unmapped(page_lines(marks.relabel(glyphs, found, mapping), grids, self.max_pitch), 0, 0)[0]

    def revisit(self, pages: list[list]) -> None:
        """Pages read before one of their marks' labels was solved (on a later page), laid out again."""
        for number, (_, found, _) in self.misplaced_marks.items():
            mapping = {key: self.mark_labels[key] for key in {(lb, sd) for (lb, _, _), sd in found.items()}
                       if key in self.mark_labels}
            if pages[number - 1] and set(mapping) - set(self.applied.get(number, {})):
                pages[number - 1] = self._relaid(number, mapping)

    def relabelled(self) -> Counter[str]:
        """How many marks were relabelled as what ("ู→้": n), over the pages laid out with a mapping."""
        out: Counter[str] = Counter()
        for number, mapping in self.applied.items():
            out.update(f"{label}\u2192{mapping[(label, side)]}" for (label, _, _), side
                       in self.misplaced_marks[number][1].items() if (label, side) in mapping)
        return out

    def _worth_ocr(self, q: pagecheck.PageQuality, paths: int) -> bool:
        if q.image_cover is None:  # a garbage page with plenty of Thai-looking text: look at it now
            return True
        return (q.chars > 0 or (q.image_cover or 0) >= MIN_IMAGE_COVER or paths >= MIN_OUTLINE_PATHS)

    def _ocr(self, page, q: pagecheck.PageQuality, number: int):
        from pipeline.readers import ocr

        if not self.ocr:
            return None
        reason = ocr.available()
        if reason is not None:
            self.ocr_missing = reason
            return None
        _progress(f"{self.path}: OCR of page {number}")
        from pipeline.readers.pdf_layout import PageItem

        got = ocr.ocr_page(page)
        if got.problems:
            self.ocr_problems.append((number, got.problems[0]))
        if got.glyphs:  # laid out as a text layer is: paragraphs, ruled tables in cells
            from pipeline.readers.pdf_layout import grids_from_rules, page_lines

            lines = page_lines(list(got.glyphs), grids_from_rules(list(got.h_rules), list(got.v_rules)))
        else:
            lines = [PageItem.text_item(ln) for ln in got.text.splitlines() if ln.strip()]
        q2 = pagecheck.measure(normalize_text("\n".join(lines)), number, method="ocr")
        q2.image_cover, q2.invisible_text = q.image_cover, q.invisible_text
        q2.ocr_confidence = got.confidence
        q2.verdict = pagecheck.assess(q2)
        if q2.verdict == "garbage" and q.verdict == "garbage":
            return None
        return lines, q2


def read_pdf(path: str, data: bytes) -> Document:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    from pipeline.readers.pdf_layout import drop_running_lines, join_pages, page_text_blocks

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
    producer = pdf.get_metadata_dict().get("Producer") or ""
    reader = _PageReader(path, ocr_enabled(), spans_first=producer.startswith("Skia/PDF"))
    pages: list[list] = []  # each page's items (pdf_layout.PageItem)
    quality: list[pagecheck.PageQuality] = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                lines, q = reader.read(raw, page, i + 1)
            finally:
                page.close()
            if q.verdict == "garbage":
                lines = []  # never handed on: the page is reported as not read
            pages.append(lines)
            quality.append(q)
    finally:
        pdf.close()
    if len(pages) == 0:
        raise ReadError("PDF has no pages")
    reader.revisit(pages)
    pages, dropped = drop_running_lines(pages)
    warnings = _warnings(reader, quality)
    if not any(pages):
        if reader.ocr_missing:
            raise ReadError(f"PDF has no usable text layer on any page (a scan?) and OCR cannot run here: "
                            f"{reader.ocr_missing}")
        if not reader.ocr and any(q.verdict in ("empty", "garbage") for q in quality):
            raise ReadError("PDF has no usable text layer on any page (a scan?) and OCR is off (--no-ocr)")
        raise ReadError("PDF has no usable text layer on any page, and OCR found no readable text")
    if dropped:
        warnings.append(f"{dropped} running header/footer/page-number line(s) left out")
    texts, blocks = zip(*(page_text_blocks(p) for p in join_pages(pages)), strict=True)
    doc = finish(path, data, "pdf", "", warnings, page_texts=list(texts), page_blocks=list(blocks))
    return dataclasses.replace(doc, pages_quality=tuple(q.as_record() for q in quality))


def _warnings(reader: _PageReader, quality: list[pagecheck.PageQuality]) -> list[str]:
    warnings: list[str] = []
    by = {v: [q for q in quality if q.verdict == v] for v in ("garbage", "empty", "doubtful")}
    ocred = [q for q in quality if q.method == "ocr"]
    if ocred:
        confs = ", ".join(f"{q.page} ({q.ocr_confidence:.0f})" for q in ocred)
        mean = sum(q.ocr_confidence or 0.0 for q in ocred) / len(ocred)
        warnings.append(f"page(s) {_pages_list([q.page for q in ocred])} read by OCR, not from a text layer "
                        f"(Tesseract mean confidence {mean:.0f}; per page: {confs})")
    if reader.ocr_problems:
        page, problem = reader.ocr_problems[0]
        warnings.append(f"page(s) {_pages_list([p for p, _ in reader.ocr_problems])}: a correction of the OCR "
                        f"reading failed and Tesseract's own reading was kept there (page {page}: {problem})")
    unread = [q.page for q in by["garbage"]] + [q.page for q in by["empty"] if q.method != "none"]
    if unread:
        why = ("OCR is off (--no-ocr)" if not reader.ocr else
               f"OCR cannot run here: {reader.ocr_missing}" if reader.ocr_missing else
               "OCR found no readable Thai")
        warnings.append(f"page(s) {_pages_list(sorted(unread))} have no usable text layer (scan, junk OCR "
                        f"layer or glyphs without Unicode mapping) and were not read: {why}")
    if by["doubtful"]:
        figs = "; ".join(f"{q.page}: {q.damage_per_1000:.1f} faults/1000, {100 * q.ood_share:.0f}% outside "
                         "the dictionary" for q in by["doubtful"][:10])
        warnings.append(f"page(s) {_pages_list([q.page for q in by['doubtful']])} read with doubtful Thai "
                        f"({figs})")
    relabelled = reader.relabelled()
    if relabelled:
        what = ", ".join(f"{k} ×{n}" for k, n in relabelled.most_common())
        warnings.append(f"Thai marks whose Unicode label contradicts where they are drawn relabelled from the "
                        f"words around them ({what}): the PDF's ToUnicode map is wrong for them")
    if reader.recovered:
        warnings.append(f"{reader.recovered} glyph(s) without a Unicode mapping recovered from the font family")
    if reader.named:
        warnings.append(f"{reader.named} glyph(s) without a Unicode mapping named from the words around them")
    if reader.unmapped - reader.recovered - reader.named:
        warnings.append(f"{reader.unmapped - reader.recovered - reader.named} glyph(s) without a Unicode "
                        "mapping dropped")
    return warnings
