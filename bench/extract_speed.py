"""Extraction speed on samples/ (reading + every extractor), one process: documents/s and
characters/s per format, medians of --runs with min–max; the same from the process's CPU time
(what a busy shared machine does not distort); beside it, the time nlpo3 takes to tokenise the
whole text as a share of the whole extraction (an upper bound: entities tokenise only the lines
that can hold one).

    python bench/extract_speed.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.readers import read_document  # noqa: E402
from pipeline.run import build_record  # noqa: E402
from pipeline.tokenize import tokens  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    files = sorted((ROOT / "samples").glob("*.*"))
    build_record(read_document(files[0]))  # warm: dictionaries, spaCy pipeline
    print(f"{'format':<6} {'docs':>4} {'docs/s':>8} {'chars/s':>10} {'min–max docs/s':>16} {'CPU docs/s':>11} "
          f"{'tokenise/total':>15}")
    for fmt in ("txt", "docx", "html", "pdf", "all"):
        group = [f for f in files if fmt == "all" or f.suffix == f".{fmt}"]
        rates, cpu_rates, chars, share = [], [], 0, []
        for _ in range(args.runs):
            t0, c0 = time.perf_counter(), time.process_time()
            docs = [read_document(f) for f in group]
            for d in docs:
                build_record(d)
            total = time.perf_counter() - t0
            cpu_rates.append(len(group) / (time.process_time() - c0))
            t1 = time.perf_counter()
            for d in docs:
                tokens(d.text)
            share.append((time.perf_counter() - t1) / total)
            rates.append(len(group) / total)
            chars = sum(len(d.text) for d in docs)
        med = statistics.median(rates)
        print(f"{fmt:<6} {len(group):>4} {med:>8.1f} {med * chars / len(group):>10.0f} "
              f"{min(rates):>7.1f}–{max(rates):<8.1f} {statistics.median(cpu_rates):>11.1f} "
              f"{100 * statistics.median(share):>14.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
