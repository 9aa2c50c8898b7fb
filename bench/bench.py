"""thaireport benchmark: throughput, memory and incremental runs against the physical limits.

    python bench/bench.py [--runs 3] [--quick] [--out bench/results.json]

Builds a deterministic corpus under bench/corpus/ from samples/ and ../shared/realpdf (read from
there, never copied into the repository): documents mixing txt/docx/html/pdf with distinct bytes,
the real Budget Bureau PDFs, and one ~500-page PDF made by repeating their pages. Every figure is
taken in this one run (medians of --runs, min–max beside them) so that ratios hold on a shared,
noisy machine. `make bench` runs it; the test suite runs `--quick` as a smoke test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
SAMPLES = ROOT / "samples"
REALPDF = ROOT.parent / "shared" / "realpdf"
SEED = 20661121

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


# --- corpus ------------------------------------------------------------------------------------

def _distinct(data: bytes, suffix: str, k: int, path: Path) -> None:
    """Write `data` so that copy k has its own bytes (so its own doc_id) and still reads the same."""
    if k == 0:
        path.write_bytes(data)
    elif suffix in (".txt", ".html"):
        path.write_bytes(data + (f"\n<!-- copy {k} -->\n" if suffix == ".html" else f"\n\n(สำเนา {k})\n").encode())
    elif suffix == ".pdf":
        path.write_bytes(data + f"\n% copy {k}\n".encode())  # bytes after %%EOF are ignored by readers
    elif suffix == ".docx":
        path.write_bytes(data)
        with zipfile.ZipFile(path, "a") as z:  # a zip comment: new bytes, same document
            z.comment = f"copy {k}".encode()
    else:
        raise ValueError(suffix)


def long_pdf(out: Path, pages: int) -> int:
    """One PDF of about `pages` pages: the real PDFs' pages repeated (page by page, not held whole)."""
    import pypdfium2 as pdfium

    sources = sorted(REALPDF.glob("*.pdf")) or sorted(SAMPLES.glob("*.pdf"))
    new = pdfium.PdfDocument.new()
    while len(new) < pages:
        for src in sources:
            doc = pdfium.PdfDocument(str(src))
            take = min(len(doc), pages - len(new))
            new.import_pages(doc, list(range(take)))
            doc.close()
            if len(new) >= pages:
                break
    new.save(str(out))
    n = len(new)
    new.close()
    return n


def build_corpus(root: Path, n_docs: int, long_pages: int, archive_docs: int) -> dict[str, Any]:
    rng = random.Random(SEED)
    if root.exists():
        shutil.rmtree(root)
    inbox, archive = root / "inbox", root / "archive"
    inbox.mkdir(parents=True)
    archive.mkdir()
    small = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".docx", ".html", ".pdf"))
    real = sorted(REALPDF.glob("*.pdf"))
    for src in real:  # the real PDFs, as they are
        shutil.copyfile(src, inbox / src.name)
    made = len(real) + 1  # and the long PDF below
    k = 0
    while made < n_docs:
        src = rng.choice(small)
        _distinct(src.read_bytes(), src.suffix, k + 1, inbox / f"{src.stem}-c{k:04d}{src.suffix}")
        made += 1
        k += 1
    # the archive: small documents only (a first ingest with 1 and 2 workers, then unchanged)
    for i in range(archive_docs):
        src = small[i % len(small)]
        _distinct(src.read_bytes(), src.suffix, i + 1, archive / f"{src.stem}-a{i:05d}{src.suffix}")
    # the long PDF is part of the inbox (a night may bring one), and is extracted alone for memory
    big = inbox / "long-500-pages.pdf"
    pages = long_pdf(big, long_pages)
    return {"inbox": inbox, "archive": archive, "long_pdf": big, "long_pages": pages,
            "pdfs": sorted(inbox.glob("*.pdf")), "docs": sorted(inbox.iterdir())}


# --- measurement helpers -----------------------------------------------------------------------

def stats(values: list[float], digits: int = 2) -> dict[str, float]:
    return {"median": round(statistics.median(values), digits), "min": round(min(values), digits),
            "max": round(max(values), digits), "runs": len(values)}


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def run_cli(args: list[str], env: dict[str, str]) -> tuple[float, int, float]:
    """(wall seconds, exit code, peak RSS MB) of one `thaireport` subprocess.

    Peak RSS is the child's own VmHWM, sampled from /proc until it exits: the rusage of a child
    forked from this (large) process would count the parent's pages it had before exec."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(BIN / "thaireport"), *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    status = Path(f"/proc/{proc.pid}/status")
    peak_kb = 0
    while proc.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb = max(peak_kb, int(line.split()[1]))
        except (OSError, ValueError):
            pass
        time.sleep(0.01)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"thaireport {' '.join(args)} exited {proc.returncode}: {err[-2000:]}")
    return wall, proc.returncode, peak_kb / 1024


def page_count(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    return sum(len(pdfium.PdfDocument(str(p))) for p in paths)


class PrefectServer:
    """A real local Prefect server for the ingest runs (or the one PREFECT_API_URL names)."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.home = Path(tempfile.mkdtemp(prefix="thaireport-bench-prefect-"))

    def __enter__(self) -> dict[str, str]:
        env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"}
        if env.get("PREFECT_API_URL"):
            return env
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env.update(PREFECT_HOME=str(self.home), PREFECT_API_URL=f"http://127.0.0.1:{port}/api",
                   PREFECT_SERVER_UI_ENABLED="false")
        self.proc = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                                      "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2):
                    return env
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("the Prefect server did not start in 180 s")

    def __exit__(self, *exc: object) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(30)
        shutil.rmtree(self.home, ignore_errors=True)


def ingest_1_and_2_workers(path: str, n_docs: int, prefix: str, runs: int, env: dict[str, str], work: Path,
                           res: dict[str, Any]) -> dict[int, list[float]]:
    """Wall seconds of `thaireport ingest` into a fresh SQLite file with 1 and 2 workers, runs
    interleaved; fills {prefix}ingest_docs_per_s_1_worker / _2_workers and {prefix}speedup_2_workers."""
    walls: dict[int, list[float]] = {1: [], 2: []}
    for r in range(runs):
        for workers in (1, 2):
            db = f"sqlite:///{work / f'{prefix}ingest-{workers}-{r}.db'}"
            walls[workers].append(run_cli(["ingest", path, "--db", db, "--workers", str(workers), "--quiet"],
                                          env)[0])
    for w in (1, 2):
        res[f"{prefix}ingest_docs_per_s_{w}_worker{'s' if w > 1 else ''}"] = stats([n_docs / t for t in walls[w]])
    res[f"{prefix}speedup_2_workers"] = round(statistics.median(walls[1]) / statistics.median(walls[2]), 2)
    return walls


# --- the figures ---------------------------------------------------------------------------------

def measure(corpus: dict[str, Any], runs: int, work: Path) -> dict[str, Any]:
    import pdfplumber
    import pypdfium2 as pdfium
    from pythainlp.tokenize import word_tokenize

    from pipeline.run import run_document

    pdfs, docs = corpus["pdfs"], corpus["docs"]
    pages = page_count(pdfs)
    res: dict[str, Any] = {"corpus": {"documents": len(docs), "pdfs": len(pdfs), "pdf_pages": pages,
                                      "long_pdf_pages": corpus["long_pages"],
                                      "archive_documents": len(list(corpus["archive"].iterdir()))}}
    print(f"corpus: {res['corpus']}", flush=True)

    # 1. extraction on the PDFs in one process, and the raw readers on the same files
    def extract_pdfs() -> None:
        for p in pdfs:
            run_document(p)

    def raw_pdfium() -> None:
        for p in pdfs:
            doc = pdfium.PdfDocument(str(p))
            for i in range(len(doc)):
                doc[i].get_textpage().get_text_range()
            doc.close()

    def raw_pdfplumber() -> None:
        for p in pdfs:
            with pdfplumber.open(p) as pdf:
                for page in pdf.pages:
                    page.extract_text()

    extract_pdfs()  # warm: imports, dictionaries
    t_extract = timed(extract_pdfs, runs)
    t_pdfium = timed(raw_pdfium, runs)
    t_plumber = timed(raw_pdfplumber, runs)
    res["extract_pages_per_s"] = stats([pages / t for t in t_extract], 1)
    res["extract_docs_per_s"] = stats([len(pdfs) / t for t in t_extract], 2)
    res["raw_pdfium_pages_per_s"] = stats([pages / t for t in t_pdfium], 1)
    res["raw_pdfplumber_pages_per_s"] = stats([pages / t for t in t_plumber], 1)
    res["ratio_extract_to_raw_pdf"] = round(res["extract_pages_per_s"]["median"]
                                            / res["raw_pdfplumber_pages_per_s"]["median"], 2)
    print(f"extract {res['extract_pages_per_s']} pages/s; pdfium {res['raw_pdfium_pages_per_s']}; "
          f"pdfplumber {res['raw_pdfplumber_pages_per_s']}", flush=True)

    # 2. tokenisation alone, on the text the corpus reads to
    from pipeline.readers import read_document

    text = "\n".join(read_document(p).text for p in docs[: min(len(docs), 60)])
    for engine in ("newmm", "nlpo3"):
        word_tokenize(text[:2000], engine=engine)
        t = timed(lambda e=engine: word_tokenize(text, engine=e), runs)
        res[f"tokenize_{engine}_chars_per_s"] = stats([len(text) / x for x in t], 0)
    print(f"tokenise newmm {res['tokenize_newmm_chars_per_s']} nlpo3 {res['tokenize_nlpo3_chars_per_s']} chars/s",
          flush=True)

    # 3. the CLI: extract vs ingest (1 and 2 workers) on the whole inbox, against a real Prefect server
    with PrefectServer() as env:
        inbox = str(corpus["inbox"])
        extract_wall = [run_cli(["extract", inbox, "--quiet"], env)[0] for _ in range(runs)]
        ingest = ingest_1_and_2_workers(inbox, len(docs), "", runs, env, work, res)
        res["extract_cli_s"] = stats(extract_wall)
        res["ingest_to_extract_time"] = round(statistics.median(ingest[1]) / statistics.median(extract_wall), 2)
        print(f"ingest 1 worker {res['ingest_docs_per_s_1_worker']}, 2 workers {res['ingest_docs_per_s_2_workers']}"
              f" docs/s; speedup {res['speedup_2_workers']}; ingest/extract {res['ingest_to_extract_time']}",
              flush=True)

        # 4. the first ingest of the 1,000-document archive with 1 and 2 workers (many small
        # documents: writes and task runs weigh more), then a second nightly ingest over it unchanged
        archive = str(corpus["archive"])
        ingest_1_and_2_workers(archive, res["corpus"]["archive_documents"], "archive_", runs, env, work, res)
        print(f"archive first ingest: 1 worker {res['archive_ingest_docs_per_s_1_worker']}, 2 workers "
              f"{res['archive_ingest_docs_per_s_2_workers']} docs/s; speedup {res['archive_speedup_2_workers']}",
              flush=True)
        db = f"sqlite:///{work / 'archive_ingest-2-0.db'}"
        res["unchanged_archive_s"] = stats([run_cli(["ingest", archive, "--db", db, "--quiet"], env)[0]
                                            for _ in range(runs)])
        print(f"unchanged archive {res['unchanged_archive_s']} s", flush=True)

        # 5. reprocess after a pipeline_version bump (rows marked as made by an older version)
        from sqlalchemy import update

        from pipeline import storage

        db = f"sqlite:///{work / 'ingest-1-0.db'}"
        rates = []
        for _ in range(runs):
            eng = storage.engine_for(db)
            with eng.begin() as conn:
                conn.execute(update(storage.documents).values(pipeline_version="0.0.0"))
            storage.dispose_engines()
            wall = run_cli(["reprocess", "--db", db, "--quiet"], env)[0]
            rates.append(len(docs) / wall)
        res["reprocess_docs_per_s"] = stats(rates)
        print(f"reprocess {res['reprocess_docs_per_s']} docs/s", flush=True)

    # 6. memory: extract of the long PDF in a fresh process
    rss = [run_cli(["extract", str(corpus["long_pdf"]), "--quiet"], os.environ.copy())[2] for _ in range(runs)]
    res["peak_rss_mb"] = stats(rss, 0)
    print(f"peak RSS on {corpus['long_pages']} pages: {res['peak_rss_mb']} MB", flush=True)
    return res


TARGETS = {
    "ratio_extract_to_raw_pdf": (">=", 8),
    "extract_pages_per_s": (">=", 200),
    "unchanged_archive_s": ("<=", 10),
    "speedup_2_workers": (">=", 1.6),
    "ingest_to_extract_time": ("<=", 1.25),
    "peak_rss_mb": ("<=", 1024),
}


def verdicts(res: dict[str, Any]) -> dict[str, str]:
    out = {}
    for key, (op, target) in TARGETS.items():
        v = res[key]["median"] if isinstance(res[key], dict) else res[key]
        ok = v >= target if op == ">=" else v <= target
        out[key] = f"{v} (target {op} {target}): {'met' if ok else 'MISSED'}"
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="a small smoke run (tests)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    ap.add_argument("--corpus", type=Path, default=ROOT / "bench" / "corpus")
    args = ap.parse_args(argv)
    size = dict(n_docs=12, long_pages=30, archive_docs=40) if args.quick else \
        dict(n_docs=200, long_pages=500, archive_docs=1000)
    t0 = time.perf_counter()
    corpus = build_corpus(args.corpus, **size)
    work = Path(tempfile.mkdtemp(prefix="thaireport-bench-"))
    try:
        res = measure(corpus, 1 if args.quick else args.runs, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    res["verdicts"] = verdicts(res)
    res["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                      "platform": platform.platform(), "date": time.strftime("%Y-%m-%d")}
    res["bench_seconds"] = round(time.perf_counter() - t0, 1)
    previous = json.loads(args.out.read_text("utf-8")) if args.out.exists() else {}
    if "ocr" in previous:  # bench/ocr_speed.py's figures (minutes of OCR) are kept, not re-measured
        res["ocr"] = previous["ocr"]
    args.out.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print("\n| figure | median | min–max |\n| --- | --- | --- |")
    for k, v in res.items():
        if isinstance(v, dict) and "median" in v:
            print(f"| {k} | {v['median']} | {v['min']}–{v['max']} |")
        elif isinstance(v, int | float):
            print(f"| {k} | {v} | |")
    for k, v in res["verdicts"].items():
        print(f"{k}: {v}")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
