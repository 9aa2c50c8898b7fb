"""PDF readers side by side on ../shared/realpdf: pages/s and Thai damage per 1000 Thai characters.

    python bench/pdf_readers.py [--runs 5] [PDF...]

Every reader is timed on the same files in the same process, alternating, so the ratios hold on a
noisy shared machine. Prints medians with min–max; `--json` prints the figures as JSON too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.readers import read_document  # noqa: E402
from pipeline.thai import thai_damage  # noqa: E402

DEFAULT_PDFS = sorted((ROOT.parent / "shared" / "realpdf").glob("*.pdf"))


def pdfplumber_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def pdfium_text(path: Path) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def thaireport_text(path: Path) -> str:
    return read_document(path).text


READERS: dict[str, Callable[[Path], str]] = {
    "pdfplumber extract_text()": pdfplumber_text,
    "pypdfium2 get_text_range()": pdfium_text,
    "thaireport read_pdf": thaireport_text,
}


def page_count(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    return sum(len(pdfium.PdfDocument(str(p))) for p in paths)


def measure(paths: list[Path], runs: int, slow_runs: int) -> dict[str, dict[str, float]]:
    pages = page_count(paths)
    times: dict[str, list[float]] = {name: [] for name in READERS}
    texts: dict[str, str] = {}
    for run in range(runs):
        for name, read in READERS.items():
            if name.startswith("pdfplumber") and run >= slow_runs:
                continue  # ~25 pages/s: a few runs give its median without taking minutes
            t0 = time.perf_counter()
            texts[name] = "\n".join(read(p) for p in paths)
            times[name].append(time.perf_counter() - t0)
    out = {}
    for name, ts in times.items():
        rates = sorted(pages / t for t in ts)
        out[name] = {
            "pages": pages,
            "pages_per_s": round(statistics.median(rates), 1),
            "min": round(rates[0], 1),
            "max": round(rates[-1], 1),
            "damage_per_1000": round(thai_damage(texts[name])["per_1000"], 2),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path, default=DEFAULT_PDFS)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--slow-runs", type=int, default=3, help="runs of pdfplumber (slow)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not args.pdfs:
        ap.error("no PDFs (../shared/realpdf is missing)")
    figures = measure(args.pdfs, args.runs, min(args.slow_runs, args.runs))
    print(f"{'reader':<30} {'pages/s':>8} {'min–max':>14} {'damage/1000':>12}")
    for name, f in figures.items():
        print(f"{name:<30} {f['pages_per_s']:>8.1f} {f['min']:>6.1f}–{f['max']:<7.1f} {f['damage_per_1000']:>12.2f}")
    ours = figures["thaireport read_pdf"]["pages_per_s"]
    print(f"thaireport / pdfplumber: {ours / figures['pdfplumber extract_text()']['pages_per_s']:.1f}x "
          f"on {figures['thaireport read_pdf']['pages']} pages")
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
