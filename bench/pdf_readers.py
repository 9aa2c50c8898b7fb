"""PDF readers side by side on ../shared/realpdf: pages/s and Thai damage per 1000 Thai characters.

    python bench/pdf_readers.py [--runs 5] [PDF...]

Every reader runs in its own worker process (this script with `--worker NAME`), warmed up on the
smallest file first, and the workers are timed alternately, run by run, so the ratios hold on a
noisy shared machine. Each reader in its own process: in one shared process, the objects
pdfplumber leaves behind made every full garbage collection during our reader's runs ~3× dearer
(54 -> 160 ms a run, 372 pages) and our figure ~10 % lower than on its own.

After its warm-up each worker freezes its heap (`gc.freeze()`), as the extraction workers do
(`pipeline/warm.py`: they are forked from a warm, frozen fork server), so the cyclic GC does not
walk the modules' objects on every full pass (~5 % of our reader's time); `--no-freeze` leaves
the heap as it is. Prints medians with min–max; `--json` prints the figures as JSON too.

Two clocks: wall time (`pages/s`, the figure quoted so far) and the worker's CPU time
(`cpu pages/s`, `time.process_time`): on a machine shared with other work (OCR on both cores)
the wall figure also counts the time the worker waited for a core, the CPU figure does not.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
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
    from pipeline.readers import pagecheck, read_document  # here, not above: only its own worker loads it

    # the self-check's per-run cache starts empty for each file, as if a worker met it first:
    # the runs repeat the same files, which would otherwise find every run counted already
    pagecheck.clear_caches()
    return read_document(path).text


READERS: dict[str, Callable[[Path], str]] = {
    "pdfplumber extract_text()": pdfplumber_text,
    "pypdfium2 get_text_range()": pdfium_text,
    "thaireport read_pdf": thaireport_text,
}


def page_counts(paths: list[Path]) -> list[int]:
    import pypdfium2 as pdfium

    return [len(pdfium.PdfDocument(str(p))) for p in paths]


def worker(name: str, paths: list[Path], freeze: bool) -> int:
    """One reader, in a process of its own: each `run` line on stdin reads every file once and
    answers with the seconds it took (and, the first time, the text's Thai damage)."""
    read = READERS[name]
    read(min(paths, key=lambda p: page_counts([p])[0]))  # imports, dictionaries, caches
    if freeze:
        gc.collect()
        gc.freeze()
    damage = None
    for line in sys.stdin:
        if line.strip() != "run":
            continue
        t0, c0 = time.perf_counter(), time.process_time()
        text = "\n".join(read(p) for p in paths)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        if damage is None:
            from pipeline.thai import thai_damage

            damage = thai_damage(text)["per_1000"]
        print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "damage_per_1000": damage}), flush=True)
    return 0


def measure(paths: list[Path], runs: int, slow_runs: int, freeze: bool = True) -> dict[str, dict[str, float]]:
    pages = sum(page_counts(paths))
    flags = [] if freeze else ["--no-freeze"]
    workers = {name: subprocess.Popen([sys.executable, __file__, "--worker", name, *flags, *map(str, paths)],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
               for name in READERS}
    times: dict[str, list[float]] = {name: [] for name in READERS}
    cpu_times: dict[str, list[float]] = {name: [] for name in READERS}
    damage: dict[str, float] = {}
    try:
        for run in range(runs):
            for name, proc in workers.items():
                if name.startswith("pdfplumber") and run >= slow_runs:
                    continue  # ~20 pages/s: a few runs give its median without taking minutes
                assert proc.stdin is not None and proc.stdout is not None
                proc.stdin.write("run\n")
                proc.stdin.flush()
                answer = proc.stdout.readline()
                if not answer:
                    raise RuntimeError(f"the worker for {name} stopped (exit code {proc.wait()})")
                got = json.loads(answer)
                times[name].append(got["seconds"])
                cpu_times[name].append(got["cpu_seconds"])
                damage[name] = got["damage_per_1000"]
    finally:
        for proc in workers.values():
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait()
    out = {}
    for name, ts in times.items():
        rates = sorted(pages / t for t in ts)
        cpu_rates = sorted(pages / t for t in cpu_times[name])
        out[name] = {
            "pages": pages,
            "pages_per_s": round(statistics.median(rates), 1),
            "min": round(rates[0], 1),
            "max": round(rates[-1], 1),
            "cpu_pages_per_s": round(statistics.median(cpu_rates), 1),
            "cpu_min": round(cpu_rates[0], 1),
            "cpu_max": round(cpu_rates[-1], 1),
            "damage_per_1000": round(damage[name], 2),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path, default=DEFAULT_PDFS)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--slow-runs", type=int, default=3, help="runs of pdfplumber (slow)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-freeze", action="store_true", help="leave each worker's heap unfrozen")
    ap.add_argument("--worker", choices=list(READERS), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if not args.pdfs:
        ap.error("no PDFs (../shared/realpdf is missing)")
    if args.worker:
        return worker(args.worker, args.pdfs, not args.no_freeze)
    figures = measure(args.pdfs, args.runs, min(args.slow_runs, args.runs), not args.no_freeze)
    print(f"{'reader':<30} {'pages/s':>8} {'min–max':>14} {'cpu pages/s':>12} {'min–max':>14} {'damage/1000':>12}")
    for name, f in figures.items():
        print(f"{name:<30} {f['pages_per_s']:>8.1f} {f['min']:>6.1f}–{f['max']:<7.1f} {f['cpu_pages_per_s']:>12.1f} "
              f"{f['cpu_min']:>6.1f}–{f['cpu_max']:<7.1f} {f['damage_per_1000']:>12.2f}")
    ours = figures["thaireport read_pdf"]["pages_per_s"]
    print(f"thaireport / pdfplumber: {ours / figures['pdfplumber extract_text()']['pages_per_s']:.1f}x "
          f"on {figures['thaireport read_pdf']['pages']} pages")
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
