"""What an operator acts on: failures listed, retried and cleared; unchanged known-bad files
skipped (exit 0) until --retry-failed; every path a document was seen under kept; sources that
disappeared reported and, with --prune, removed; reprocess keeps a relative source as given.
All through the `thaireport` command against a real Prefect server."""

import shutil
import subprocess

from conftest import BIN, SAMPLES
from test_flows import summary_counts

from pipeline import storage

TXT = SAMPLES / "000_5bb0787697d1afdd.txt"
DOCX = SAMPLES / "000_5bb0787697d1afdd.docx"


def run(cwd, env, *args):
    return subprocess.run([str(BIN / "thaireport"), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


def frames(url):
    out = storage.tables(url)
    storage.dispose_engines()
    return out


def test_failures_list_retry_clear_and_known_bad_skipped(tmp_path, prefect_server):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(TXT, inbox / "good.txt")
    (inbox / "report.docx").write_bytes(b"PK\x03\x04 truncated download")
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    first = run(tmp_path, prefect_server, "ingest", "inbox", "--db", url)
    assert first.returncode == 1
    assert first.stdout.count("report.docx") == 1 and "report.docx" not in first.stderr  # said once
    again = run(tmp_path, prefect_server, "ingest", "inbox", "--db", url)
    assert again.returncode == 0, again.stdout + again.stderr  # nothing new failed
    counts = summary_counts(again.stdout)
    print(f"\nsecond night: {counts}")
    assert counts["skipped (failed before, unchanged)"] == 1 and counts["skipped (already stored)"] == 1
    assert frames(url)["failures"]["attempts"].tolist() == [1]  # not read again

    listed = run(tmp_path, prefect_server, "failures", "list", "--db", url)
    assert listed.returncode == 0 and "1×" in listed.stdout and "inbox/report.docx" in listed.stdout
    retried = run(tmp_path, prefect_server, "failures", "retry", "--db", url)
    assert retried.returncode == 1 and summary_counts(retried.stdout)["failed"] == 1
    assert frames(url)["failures"]["attempts"].tolist() == [2]
    forced = run(tmp_path, prefect_server, "ingest", "inbox", "--db", url, "--retry-failed")
    assert forced.returncode == 1 and frames(url)["failures"]["attempts"].tolist() == [3]

    shutil.copy(DOCX, inbox / "report.docx")  # the download is repaired: new bytes, read at once
    fixed = run(tmp_path, prefect_server, "ingest", "inbox", "--db", url)
    assert fixed.returncode == 0, fixed.stdout
    f = frames(url)
    assert len(f["documents"]) == 2 and len(f["failures"]) == 0

    (inbox / "other.docx").write_bytes(b"not a zip either")
    assert run(tmp_path, prefect_server, "ingest", "inbox", "--db", url).returncode == 1
    cleared = run(tmp_path, prefect_server, "failures", "clear", "--db", url)
    assert cleared.returncode == 0 and "cleared 1" in cleared.stdout
    assert len(frames(url)["failures"]) == 0
    missing_db = run(tmp_path, prefect_server, "failures", "--db", f"sqlite:///{tmp_path / 'typo.db'}")
    assert missing_db.returncode == 2 and "no such database file" in missing_db.stderr


def test_paths_kept_gone_sources_reported_and_pruned(tmp_path, prefect_server):
    inbox = tmp_path / "inbox"
    (inbox / "a").mkdir(parents=True)
    (inbox / "b").mkdir()
    shutil.copy(TXT, inbox / "a" / "report.txt")
    shutil.copy(TXT, inbox / "b" / "report-copy.txt")  # identical bytes: one document, two paths
    shutil.copy(SAMPLES / "001_277ab32ad220cba8.txt", inbox / "b" / "other.txt")
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    first = run(tmp_path, prefect_server, "ingest", "inbox", "--db", url)
    assert first.returncode == 0
    again = run(tmp_path, prefect_server, "ingest", "inbox", "--db", url)
    assert again.returncode == 0
    f = frames(url)
    assert len(f["documents"]) == 2
    # counts that are true: what the tables gained, not what was extracted (the copy is one document)
    counts, counts_again = summary_counts(first.stdout), summary_counts(again.stdout)
    print(f"\nfirst ingest: {counts}\nsecond: {counts_again}")
    stored = sum(v for k, v in counts.items() if k.startswith("stored ("))
    assert stored == counts.get("ok", 0) + counts.get("partial", 0)
    assert counts.get("stored (new)", 0) + counts.get("stored (replacing an older version)", 0) == 2
    for table in ("indicators", "dates", "budgets", "entities"):
        assert counts.get(f"new {table}", 0) == len(f[table]), (table, first.stdout)
        assert counts_again.get(f"new {table}", 0) == 0
    paths = sorted(p.rsplit("/inbox/", 1)[1] for p in f["document_paths"]["source_path"])
    assert paths == ["a/report.txt", "b/other.txt", "b/report-copy.txt"]

    (inbox / "a" / "report.txt").unlink()
    (inbox / "b" / "other.txt").unlink()
    gone = run(tmp_path, prefect_server, "ingest", "inbox", "--db", url)
    counts = summary_counts(gone.stdout)
    print(f"\nafter deleting two files: {counts}")
    assert gone.returncode == 0 and counts["source gone"] == 2
    assert len(frames(url)["documents"]) == 2  # reported, not removed
    narrower = run(tmp_path, prefect_server, "ingest", "inbox/b", "--db", url)
    assert summary_counts(narrower.stdout)["source gone"] == 1  # only what inbox/b held

    pruned = run(tmp_path, prefect_server, "ingest", "inbox", "--db", url, "--prune")
    counts = summary_counts(pruned.stdout)
    assert counts["pruned paths"] == 2 and counts["pruned documents"] == 1
    f = frames(url)
    assert len(f["documents"]) == 1 and len(f["document_paths"]) == 1
    assert set(f["indicators"]["doc_id"]) <= set(f["documents"]["doc_id"])
    assert f["documents"]["source_path"].iloc[0].endswith("b/report-copy.txt")


def test_reprocess_keeps_a_relative_source(tmp_path, prefect_server):
    (tmp_path / "in").mkdir()
    shutil.copy(TXT, tmp_path / "in" / "r.txt")
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert run(tmp_path, prefect_server, "ingest", "in/r.txt", "--db", url).returncode == 0
    again = run(tmp_path, prefect_server, "reprocess", "--force", "--db", url)
    assert again.returncode == 0, again.stderr[-2000:]
    docs = frames(url)["documents"]
    assert docs["source"].tolist() == ["in/r.txt"]
    assert docs["source_path"].tolist() == [str(tmp_path / "in" / "r.txt")]
