"""The reader per PDF producer, on the same reports as text: CER, Thai damage, words outside the
dictionary, dev score; and the archive of real files as published.

    python scripts/make_pdf_variants.py            # builds bench/variants/ (LibreOffice, Chromium, ...)
    python bench/pdf_producers.py [--variants bench/variants] [--only chromium,scan] [--archive] [--json]

Reference for every figure: the same report's .txt read by the text reader (samples/*.txt and
../shared/eval/dev/real/*.txt). CER ignores whitespace and table borders (pipeline/textcompare).
Scores: ../shared/eval/score.py against gold.jsonl (samples) + real-gold.jsonl (real reports).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.readers import pagecheck  # noqa: E402
from pipeline.run import run_document  # noqa: E402
from pipeline.textcompare import cer, squeeze  # noqa: E402
from pipeline.thai import thai_damage  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
REAL = EVAL / "dev" / "real"
ARCHIVE = EVAL / "dev" / "archive"


def scorer():
    spec = importlib.util.spec_from_file_location("score", EVAL / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def reference(stem: str) -> Path:
    sample = ROOT / "samples" / f"{stem}.txt"
    return sample if sample.exists() else REAL / f"{stem}.txt"


def gold() -> list[dict]:
    sc = scorer()
    return sc.load_jsonl(EVAL / "dev" / "gold.jsonl") + sc.load_jsonl(EVAL / "dev" / "real-gold.jsonl")


def ood_of(text: str) -> float:
    """Whole-text share outside the dictionary (pagecheck samples a page; here every character)."""
    return pagecheck.ood_share(text, sample=None)


def measure_set(paths: list[Path], golds: list[dict]) -> dict:
    """Figures of one producer's PDFs against the same reports as .txt."""
    records, edits, ref_chars, texts = [], 0.0, 0, []
    t0 = time.perf_counter()
    pages = 0
    for p in paths:
        rec = run_document(p, with_text=True)
        records.append(rec)
        pages += rec.get("pages") or 0
        ref = run_document(reference(p.stem), with_text=True)["text"]
        text = rec.get("text", "")
        n = len(squeeze(ref))
        edits += cer(ref, text) * n
        ref_chars += n
        texts.append(text)
    seconds = time.perf_counter() - t0
    whole = "\n".join(texts)
    stems = {p.stem for p in paths}
    res, _, _ = scorer().score([g for g in golds if g["id"] in stems], records)
    return {"docs": len(paths), "pages": pages, "cer_pct": round(100 * edits / max(ref_chars, 1), 3),
            "damage_per_1000": round(thai_damage(whole)["per_1000"], 2), "ood_pct": round(100 * ood_of(whole), 2),
            "score": round(res["overall"], 3), "seconds": round(seconds, 1),
            "failed": sum(r["status"] == "failed" for r in records),
            "partial": sum(r["status"] == "partial" for r in records)}


def text_baseline(stems: list[str], golds: list[dict]) -> dict:
    records = [run_document(reference(s), with_text=True) for s in stems]
    whole = "\n".join(r["text"] for r in records)
    res, _, _ = scorer().score([g for g in golds if g["id"] in set(stems)], records)
    return {"docs": len(stems), "pages": 0, "cer_pct": 0.0, "damage_per_1000": round(thai_damage(whole)["per_1000"], 2),
            "ood_pct": round(100 * ood_of(whole), 2), "score": round(res["overall"], 3), "seconds": 0.0,
            "failed": 0, "partial": 0}


def archive() -> dict:
    """Every file of ../shared/eval/dev/archive: Thai characters per page, how pages were read, score."""
    sc = scorer()
    records, rows = [], []
    for p in sorted(ARCHIVE.iterdir()):
        if p.suffix.lower() not in (".pdf", ".docx", ".txt", ".html"):
            continue
        t0 = time.perf_counter()
        rec = run_document(p, with_text=True)
        records.append(rec)
        quality = rec.get("pages_quality") or []
        rows.append({"file": p.name, "status": rec["status"], "pages": rec["pages"],
                     "thai_per_page": [q["thai"] for q in quality] or [pagecheck.measure(rec.get("text", ""), 1).thai],
                     "methods": [q["method"] for q in quality],
                     "ocr_confidence": [q["ocr_confidence"] for q in quality if q["method"] == "ocr"],
                     "warnings": rec["warnings"], "seconds": round(time.perf_counter() - t0, 1)})
    res, _, _ = sc.score(sc.load_jsonl(EVAL / "dev" / "archive-gold.jsonl"), records)
    return {"files": rows, "score": round(res["overall"], 3)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", type=Path, default=ROOT / "bench" / "variants")
    ap.add_argument("--only", default="", help="comma-separated producers (folders under --variants)")
    ap.add_argument("--archive", action="store_true", help="also read ../shared/eval/dev/archive")
    ap.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = ap.parse_args(argv)
    golds = gold()
    only = [p for p in args.only.split(",") if p]
    dirs = sorted(d for d in args.variants.iterdir() if d.is_dir() and (not only or d.name in only))
    figures: dict[str, dict] = {}
    stems = sorted({p.stem for d in dirs for p in d.glob("*.pdf")})
    figures["txt (reference)"] = text_baseline(stems, golds)
    head = f"{'producer':<16} {'docs':>4} {'pages':>5} {'CER %':>6} {'dmg/1000':>8} {'OOD %':>6} {'score':>6} " \
           f"{'Δ txt':>6} {'partial':>7} {'s':>6}"
    print(head)
    for d in [None, *dirs]:
        name = "txt (reference)" if d is None else d.name
        if d is not None:
            paths = sorted(d.glob("*.pdf"))
            figures[name] = measure_set(paths, golds)
            figures[name]["score_txt"] = text_baseline([p.stem for p in paths], golds)["score"]
        f = figures[name]
        delta = f["score"] - f.get("score_txt", f["score"])
        print(f"{name:<16} {f['docs']:>4} {f['pages']:>5} {f['cer_pct']:>6.2f} {f['damage_per_1000']:>8.2f} "
              f"{f['ood_pct']:>6.2f} {f['score']:>6.3f} {delta:>+6.3f} {f['partial']:>7} {f['seconds']:>6.1f}",
              flush=True)
    if args.archive:
        arch = archive()
        figures["archive"] = arch
        for row in arch["files"]:
            print(f"{row['file'][:44]:<44} {row['status']:<8} thai/page {row['thai_per_page']} "
                  f"{','.join(sorted(set(row['methods'])))} conf {row['ocr_confidence']} {row['seconds']} s")
        print(f"archive score {arch['score']:.3f}")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
