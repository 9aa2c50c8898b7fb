"""OCR of scanned pages: tesserocr against pytesseract, render resolution against CER, pages/s per
worker count. Writes the figures under "ocr" in bench/results.json.

    python scripts/make_pdf_variants.py --only scan      # bench/variants/scan/ (200-dpi scans)
    python bench/ocr_speed.py [--pages 8] [--dpis 150,200,300] [--no-write]

Reference text per page: the text layer of the LibreOffice PDF the scan was made from
(bench/variants/lo-laksaman), read by read_pdf; CER as in pipeline/textcompare.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.readers import ocr  # noqa: E402
from pipeline.textcompare import cer  # noqa: E402
from pipeline.thai import normalize_text  # noqa: E402

VARIANTS = ROOT / "bench" / "variants"


def pages(n: int) -> list[tuple[Path, int, str]]:
    """The first `n` scan pages (round-robin over documents) with their reference text."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    from pipeline.readers.pdf_layout import page_lines, read_glyphs

    out = []
    docs = sorted((VARIANTS / "scan").glob("*.pdf"))
    for k in range(3):
        for scan in docs:
            src = pdfium.PdfDocument(str(VARIANTS / "lo-laksaman" / scan.name))
            if k < len(src):
                tp = src[k].get_textpage()
                glyphs, _, _ = read_glyphs(raw, tp.raw)
                out.append((scan, k, normalize_text("\n".join(page_lines(glyphs)))))
            src.close()
            if len(out) == n:
                return out
    return out


def _image(scan: Path, index: int, dpi: int):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(scan))
    try:
        return ocr.render(doc[index], dpi)
    finally:
        doc.close()


def run_tesserocr(job: tuple[Path, int, int]) -> tuple[str, float]:
    scan, index, dpi = job
    t0 = time.perf_counter()
    got = ocr.read_image(_image(scan, index, dpi))
    return got.text, time.perf_counter() - t0


def run_pytesseract(job: tuple[Path, int, int]) -> tuple[str, float]:
    import pytesseract

    scan, index, dpi = job
    t0 = time.perf_counter()
    text = pytesseract.image_to_string(_image(scan, index, dpi), lang=ocr.LANGS)
    return text, time.perf_counter() - t0


def measure(work, sample, dpi: int, workers: int = 1) -> dict:
    jobs = [(scan, index, dpi) for scan, index, _ in sample]
    t0 = time.perf_counter()
    if workers == 1:
        results = [work(j) for j in jobs]
    else:
        with mp.get_context("fork").Pool(workers) as pool:
            results = pool.map(work, jobs, chunksize=1)
    wall = time.perf_counter() - t0
    edits = chars = 0.0
    for (text, _), (_, _, ref) in zip(results, sample, strict=True):
        n = len(ref.replace(" ", "").replace("\n", ""))
        edits += cer(ref, normalize_text(text)) * n
        chars += n
    return {"dpi": dpi, "workers": workers, "pages": len(jobs), "cer_pct": round(100 * edits / chars, 2),
            "s_per_page_median": round(statistics.median(t for _, t in results), 2),
            "pages_per_s": round(len(jobs) / wall, 3)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=8)
    ap.add_argument("--dpis", default="150,200,300")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one core per Tesseract, as in the workers
    sample = pages(args.pages)
    rows = []
    for dpi in map(int, args.dpis.split(",")):
        rows.append({"engine": "tesserocr", **measure(run_tesserocr, sample, dpi)})
        print(rows[-1], flush=True)
    try:
        import pytesseract  # noqa: F401

        rows.append({"engine": "pytesseract", **measure(run_pytesseract, sample, ocr.OCR_DPI)})
        print(rows[-1], flush=True)
    except ImportError:
        print("pytesseract not installed: comparison skipped")
    rows.append({"engine": "tesserocr", **measure(run_tesserocr, sample, ocr.OCR_DPI, workers=2)})
    print(rows[-1], flush=True)
    if not args.no_write:
        path = ROOT / "bench" / "results.json"
        results = json.loads(path.read_text("utf-8")) if path.exists() else {}
        results["ocr"] = {"machine": f"2-core shared VM, load average {os.getloadavg()[0]:.1f} at the end",
                          "date": time.strftime("%Y-%m-%d"), "rows": rows}
        path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
