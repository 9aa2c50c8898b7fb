"""OCR of one PDF page: pdfium renders it, Tesseract 5 reads it with its Thai model.

Through tesserocr (Tesseract's C++ API in-process; one engine per process, models loaded once)
rather than pytesseract (a `tesseract` process per page that reloads the Thai model each time and
parses TSV back): see the README's OCR section for the figures. The Thai and English models come
from Debian's `tesseract-ocr-tha` / `tesseract-ocr-eng` (tessdata found under /usr/share/tesseract-ocr,
or $TESSDATA_PREFIX).

`OcrUnavailable` says which package is missing; the reader turns it into a warning, never a crash.
"""

from __future__ import annotations

import functools
import glob
import os
import threading
from dataclasses import dataclass

OCR_DPI = 200          # render resolution: see README (CER and score measured at 150, 200, 300)
LANGS = "tha+eng"      # reports mix Thai with English names, codes and Arabic digits
PACKAGES = "tesseract-ocr-tha (and tesserocr from pip)"


class OcrUnavailable(Exception):
    """Tesseract or its Thai model is not installed; the message names the package."""


@dataclass(frozen=True)
class OcrPage:
    text: str
    confidence: float  # mean word confidence, 0-100
    seconds: float
    glyphs: tuple = ()   # the words as pdf_layout glyphs in page space (ocr_layout.words)
    h_rules: tuple = ()  # table rules drawn in the image, page space (ocr_image.rules)
    v_rules: tuple = ()
    problems: tuple = ()  # corrections of Tesseract's reading that failed (the reading kept)


def tessdata_dir() -> str | None:
    """Where the Thai model is: $TESSDATA_PREFIX, else Debian's /usr/share/tesseract-ocr/<v>/tessdata."""
    candidates = [os.environ.get("TESSDATA_PREFIX", "")]
    candidates += sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True)
    candidates += ["/usr/share/tessdata", "/usr/local/share/tessdata"]
    for d in candidates:
        if d and os.path.isfile(os.path.join(d, "tha.traineddata")):
            return d
    return None


_local = threading.local()


def _engine():
    """One Tesseract engine per process (and thread): loading the Thai model costs ~0.3 s."""
    api = getattr(_local, "api", None)
    if api is not None:
        return api
    try:
        import tesserocr
    except ImportError as e:  # pragma: no cover - a dependency in pyproject.toml
        raise OcrUnavailable(f"OCR needs the tesserocr package and {PACKAGES}") from e
    path = tessdata_dir()
    if path is None:
        raise OcrUnavailable(f"OCR needs Tesseract's Thai model: apt-get install {PACKAGES}")
    langs = LANGS if os.path.isfile(os.path.join(path, "eng.traineddata")) else "tha"
    api = tesserocr.PyTessBaseAPI(path=path.rstrip("/") + "/", lang=langs, psm=tesserocr.PSM.AUTO)
    _local.api = api
    return api


def thai_engine():
    """A second engine with the Thai model alone, for words the mixed one read as Latin
    (`ocr_layout.reread_latin`); None where the mixed engine is Thai alone already."""
    api = getattr(_local, "thai", None)
    if api is None:
        import tesserocr

        path = tessdata_dir()
        if path is None or "+" not in LANGS:
            return None
        api = tesserocr.PyTessBaseAPI(path=path.rstrip("/") + "/", lang="tha", psm=tesserocr.PSM.SINGLE_LINE)
        _local.thai = api
    return api


@functools.cache
def available() -> str | None:
    """None when OCR can run here, else the reason (naming the package to install)."""
    try:
        _engine()
    except OcrUnavailable as e:
        return str(e)
    return None


def render(page, dpi: int = OCR_DPI):
    """The page as a grey PIL image at `dpi`."""
    return page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")


def read_image(image) -> OcrPage:
    """One image read by Tesseract as it is: its text and mean confidence (no layout)."""
    import time

    t0 = time.perf_counter()
    api = _engine()
    api.SetImage(image)
    text = api.GetUTF8Text()
    conf = api.MeanTextConf()
    api.Clear()
    return OcrPage(text=text, confidence=float(max(conf, 0)), seconds=time.perf_counter() - t0)


MISSED_MIN_CONFIDENCE = 60  # a word of a region read on its own is kept when Tesseract is this sure of it


def _read_missed(api, image, regions: list, dpi: int, box: tuple, problems: list[str]) -> list[tuple]:
    """The glyphs of ink the page's layout left unread (`ocr_image.missed_regions`), each region
    read on its own as one block of text; what a picture, a stamp or a signature reads as has
    little confidence and is left out, word by word."""
    import tesserocr

    from pipeline.readers import ocr_layout

    out: list[tuple] = []
    if not regions:
        return out
    api.SetPageSegMode(tesserocr.PSM.SINGLE_BLOCK)
    try:
        for region in regions:
            crop, text, shifted = _read_region(api, image, region, dpi, box)
            out += ocr_layout.words(api, dpi, shifted, text, crop, min_confidence=MISSED_MIN_CONFIDENCE,
                                    problems=problems)
    finally:
        api.SetPageSegMode(tesserocr.PSM.AUTO)
    return out


def _read_region(api, image, region: tuple[int, int, int, int], dpi: int, box: tuple):
    """One pixel region of the page read on its own (in the engine's current page segmentation
    mode), with a margin of a quarter of its height: (the crop, Tesseract's text, the crop's
    place as a page box for `ocr_layout.words`)."""
    from pipeline.readers import ocr_image

    x0, y0, x1, y1 = region
    s = 72.0 / dpi
    pad = max((y1 - y0) // 4, 4)
    left, top = max(x0 - pad, 0), max(y0 - pad, 0)
    crop = ocr_image.crop(image, (left, top, x1 + pad, y1 + pad))
    api.SetImage(crop)
    return crop, api.GetUTF8Text(), (box[0] + left * s, box[1], box[2], box[3] - top * s)


def _reread_split_lines(api, image, split: list[tuple], glyphs: list[tuple], dpi: int, box: tuple,
                        problems: list[str]) -> list[tuple]:
    """Lines whose marks Tesseract's layout read as a line of their own (`ocr_layout.words`'s
    `split_marks`: the two lines' pixel box, the letters' line's middle and confidence), read
    again as one line; the new reading replaces the letters' line when Tesseract is surer of it
    (Garuda's `ตัวชี้วัด`, read `IIa` under a line `wo สณัณ ๓ ew`, comes out whole, 92 -> 93)."""
    import tesserocr

    from pipeline.readers import ocr_layout

    if not split:
        return glyphs
    s = 72.0 / dpi
    api.SetPageSegMode(tesserocr.PSM.SINGLE_LINE)
    try:
        for region, middle, confidence in split:
            crop, text, shifted = _read_region(api, image, region, dpi, box)
            if api.MeanTextConf() <= confidence:
                continue
            line = ocr_layout.words(api, dpi, shifted, text, crop, problems=problems)
            if not line:
                continue
            page_x0, page_x1 = box[0] + region[0] * s, box[0] + region[2] * s
            glyphs = [g for g in glyphs  # the letters' line's runs, mostly inside the two lines' box
                      if not (abs(g[4] - middle) < 0.01
                              and min(g[2], page_x1) - max(g[1], page_x0) > 0.5 * (g[2] - g[1]))]
            glyphs += [(t, a, b, h, middle, sp) for t, a, b, h, _, sp in line]
    finally:
        api.SetPageSegMode(tesserocr.PSM.AUTO)
    return glyphs


def ocr_page(page, dpi: int = OCR_DPI) -> OcrPage:
    """Render one pdfium page and read it with Tesseract: its text, and its layout (words placed
    on the page, the table rules of the image) once the scanner's skew is turned back."""
    import time

    from pipeline.readers import ocr_image, ocr_layout

    t0 = time.perf_counter()
    api = _engine()
    box = page.get_cropbox()
    try:
        image = ocr_image.deskew(api, render(page, dpi))
        runs = ocr_image.rule_runs(image, dpi)
        clean = ocr_image.flat_paper(ocr_image.without_rules(image, runs))
        if clean is not image:
            api.SetImage(clean)
        try:
            api.Recognize()
        except RuntimeError:  # tesserocr: nothing recognised on the page (a blank image)
            return OcrPage(text="", confidence=0.0, seconds=time.perf_counter() - t0)
        text, conf = api.GetUTF8Text(), api.MeanTextConf()
        problems: list[str] = []
        split: list[tuple] = []
        glyphs = ocr_layout.words(api, dpi, box, text, clean, problems=problems, split_marks=split) \
            if page.get_rotation() == 0 else []
        if glyphs:
            boxes = ocr_layout.word_boxes(api)
            glyphs += _read_missed(api, clean, ocr_image.missed_regions(clean, boxes, dpi), dpi, box, problems)
            glyphs = _reread_split_lines(api, clean, split, glyphs, dpi, box, problems)
    finally:
        api.Clear()
    h, v = ocr_image.rules(runs, dpi, box) if glyphs else ([], [])
    glyphs = ocr_layout.join_runs(glyphs, v, problems)
    return OcrPage(text=text, confidence=float(max(conf, 0)), seconds=time.perf_counter() - t0,
                   glyphs=tuple(glyphs), h_rules=tuple(h), v_rules=tuple(v), problems=tuple(problems))
