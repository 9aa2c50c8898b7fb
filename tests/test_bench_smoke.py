"""`bench/bench.py --quick`: the benchmark script runs end to end and writes every figure."""

import json
import subprocess
import sys

from conftest import REALPDF, ROOT, need_shared


def test_bench_quick_run_writes_every_figure(tmp_path, prefect_server):
    need_shared(REALPDF)
    out = tmp_path / "results.json"
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "bench.py"), "--quick", "--out", str(out),
                          "--corpus", str(tmp_path / "corpus")],
                         env=prefect_server, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    print("\n" + run.stdout[-2500:])
    res = json.loads(out.read_text("utf-8"))
    for key in ("extract_pages_per_s", "extract_docs_per_s", "raw_pdfium_pages_per_s", "raw_pdfplumber_pages_per_s",
                "tokenize_newmm_chars_per_s", "tokenize_nlpo3_chars_per_s", "ingest_docs_per_s_1_worker",
                "ingest_docs_per_s_2_workers", "archive_ingest_docs_per_s_1_worker",
                "archive_ingest_docs_per_s_2_workers", "unchanged_archive_s", "peak_rss_mb", "reprocess_docs_per_s"):
        assert res[key]["median"] > 0, key
    for key in ("ratio_extract_to_raw_pdf", "speedup_2_workers", "archive_speedup_2_workers",
                "ingest_to_extract_time"):
        assert res[key] > 0, key
    assert set(res["verdicts"]) >= {"ratio_extract_to_raw_pdf", "unchanged_archive_s", "peak_rss_mb"}
