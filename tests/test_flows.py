"""The Prefect flows end to end, as users run them: `thaireport ingest / reprocess / serve` in
subprocesses against a real `prefect server start`, into SQLite and a real PostgreSQL server."""

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import BIN, SAMPLES, fresh_pg_database, prefect_api, thaireport, wait_until
from sqlalchemy import update

from pipeline import storage


def make_inbox(root: Path, copies: int = 1, with_pdf: bool = True) -> Path:
    """Samples (txt, html, docx, and pdf), each copy with distinct bytes (a trailing comment)."""
    inbox = root / "inbox"
    inbox.mkdir()
    for k in range(copies):
        for src in sorted(SAMPLES.iterdir()):
            if src.suffix == ".pdf" and not with_pdf:
                continue
            dst = inbox / f"{src.stem}-{k}{src.suffix}"
            data = src.read_bytes()
            if src.suffix == ".txt":
                data += f"\n<!-- copy {k} -->\n".encode() if k else b""
            elif src.suffix == ".html":
                data += f"<!-- copy {k} -->".encode()
            elif k:  # docx/pdf: the same document under another name is the same doc_id; keep one
                continue
            dst.write_bytes(data)
    return inbox


def summary_counts(stdout: str) -> dict[str, int]:
    """The CLI's summary table (`name  count` lines) as a dict."""
    out = {}
    for line in stdout.splitlines():
        name, _, n = line.rstrip().rpartition(" ")
        if n.isdigit() and name.strip():
            out[name.strip()] = int(n)
    return out


def counts(url: str) -> dict[str, int]:
    c = storage.row_counts(storage.engine_for(url))
    storage.dispose_engines()
    return c


def test_flow_ingest_twice_same_counts_and_corrupt_file_quarantined(tmp_path, prefect_server):
    inbox = make_inbox(tmp_path)
    (inbox / "corrupt.docx").write_bytes(b"PK\x03\x04 not really a zip")
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    first = thaireport("ingest", str(inbox), "--db", url, env=prefect_server)
    print("\n" + first.stdout)
    assert first.returncode == 1, first.stderr[-3000:]
    c1 = counts(url)
    good = len(list(inbox.iterdir())) - 1
    assert c1["documents"] == good
    assert c1["failures"] == 1
    fail = storage.tables(url)["failures"].iloc[0]
    assert fail["source"].endswith("corrupt.docx") and "zip" in fail["error"].lower()
    # the unchanged bad file is not read again every night: skipped, counted, exit 0
    second = thaireport("ingest", str(inbox), "--db", url, env=prefect_server)
    assert second.returncode == 0, second.stdout + second.stderr[-3000:]
    assert summary_counts(second.stdout).get("skipped (failed before, unchanged)") == 1, second.stdout
    c2 = counts(url)
    print(f"after run 1: {c1}\nafter run 2: {c2}")
    assert c2 == c1
    assert storage.tables(url)["failures"].iloc[0]["attempts"] == 1
    # until asked: --retry-failed reads it again, it fails again, attempts counted
    third = thaireport("ingest", str(inbox), "--db", url, "--retry-failed", env=prefect_server)
    assert third.returncode == 1
    assert counts(url) == c1
    assert storage.tables(url)["failures"].iloc[0]["attempts"] == 2


def test_flow_kill9_midway_then_rerun_stores_each_document_once(tmp_path, prefect_server):
    inbox = make_inbox(tmp_path, copies=12, with_pdf=False)
    files = sorted(inbox.iterdir())
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    proc = subprocess.Popen([str(BIN / "thaireport"), "ingest", str(inbox), "--db", url, "--quiet"],
                            env=prefect_server, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        def some_stored() -> bool:
            if proc.poll() is not None:
                return True
            try:
                return counts(url)["documents"] >= 3
            except Exception:  # the tables may not exist yet
                return False

        wait_until(some_stored, 300, "the first documents to be stored", interval=0.05)
        assert proc.poll() is None, "ingest finished before it could be killed; make the inbox bigger"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    partial = counts(url)["documents"]
    print(f"\nkilled with {partial} of {len(files)} documents stored")
    assert 0 < partial < len(files)
    rerun = thaireport("ingest", str(inbox), "--db", url, env=prefect_server)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    frames = storage.tables(url)
    docs = frames["documents"]
    assert len(docs) == len(files) and docs["doc_id"].is_unique
    # no half-written document: each one has exactly the rows its extraction gives
    expected = {json.loads(line)["doc_id"]: json.loads(line)
                for line in thaireport("extract", *map(str, files), "--quiet").stdout.splitlines()}
    for table in ("indicators", "dates", "budgets", "entities"):
        got = frames[table].groupby("doc_id").size().to_dict()
        for doc_id, rec in expected.items():
            assert got.get(doc_id, 0) == len(rec[table]), (table, rec["source"])


def test_flow_changed_file_and_reprocess_after_version_bump(tmp_path, prefect_server):
    inbox = make_inbox(tmp_path, with_pdf=False)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert thaireport("ingest", str(inbox), "--db", url, env=prefect_server).returncode == 0
    before = storage.tables(url)["documents"]

    # a changed file at the same path: the new doc_id replaces the old one (documented policy)
    changed = inbox / "003_9c2777eec267e8c4-0.txt"
    old_id = before.loc[before["source"].str.endswith(changed.name), "doc_id"].item()
    changed.write_text(changed.read_text("utf-8") + "\nปรับปรุงเมื่อ 5 ตุลาคม 2566\n", "utf-8")
    assert thaireport("ingest", str(inbox), "--db", url, env=prefect_server).returncode == 0
    docs = storage.tables(url)["documents"]
    assert old_id not in set(docs["doc_id"]) and len(docs) == len(before)

    # no version bump: reprocess re-extracts nothing
    same = thaireport("reprocess", "--db", url, env=prefect_server)
    assert same.returncode == 0 and "changed" not in same.stdout and "unchanged" not in same.stdout, same.stdout

    # rows made by an older pipeline version are re-extracted and replaced
    eng = storage.engine_for(url)
    with eng.begin() as conn:
        conn.execute(update(storage.documents).values(pipeline_version="0.0.1", title="stale"))
    storage.dispose_engines()
    counts_before = counts(url)
    bumped = thaireport("reprocess", "--db", url, "--workers", "2", env=prefect_server)
    print("\n" + bumped.stdout)
    assert bumped.returncode == 0, bumped.stderr[-3000:]
    docs = storage.tables(url)["documents"]
    assert (docs["pipeline_version"] != "0.0.1").all() and "stale" not in set(docs["title"])
    assert summary_counts(bumped.stdout)["unchanged"] == len(docs) and counts(url) == counts_before

    # a source that is gone is reported and its rows are kept
    changed.unlink()
    with eng.begin() as conn:
        conn.execute(update(storage.documents).values(pipeline_version="0.0.1"))
    storage.dispose_engines()
    gone = thaireport("reprocess", "--db", url, env=prefect_server)
    assert "source-missing" in gone.stdout and counts(url)["documents"] == len(before)


def test_flow_ingest_into_postgres_twice(tmp_path, prefect_server, postgres_url):
    inbox = make_inbox(tmp_path)
    (inbox / "injection.txt").write_text("ตัวชี้วัด 1. '; DROP TABLE documents; -- สำเร็จตามเป้าหมาย\n", "utf-8")
    url = fresh_pg_database(postgres_url, "thaireport_flows")
    for _ in range(2):
        run = thaireport("ingest", str(inbox), "--db", url, env=prefect_server)
        assert run.returncode == 0, run.stderr[-3000:]
    c = counts(url)
    print(f"\npostgres after two ingests: {c}")
    assert c["documents"] == len(list(inbox.iterdir())) and c["failures"] == 0


def test_flow_reprocess_on_dask_cluster(tmp_path, prefect_server):
    from distributed import LocalCluster

    inbox = make_inbox(tmp_path, with_pdf=False)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert thaireport("ingest", str(inbox), "--db", url, env=prefect_server).returncode == 0
    before = counts(url)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        run = thaireport("reprocess", "--db", url, "--force", "--dask-address", cluster.scheduler_address,
                         env=prefect_server)
        print("\n" + run.stdout)
        assert run.returncode == 0, run.stderr[-3000:]
        # the work really ran on the cluster's workers
        from distributed import Client

        with Client(cluster.scheduler_address) as client:
            prefixes = client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.task_prefixes))
    print(f"task prefixes on the scheduler: {prefixes}")
    assert prefixes
    assert summary_counts(run.stdout)["unchanged"] == before["documents"]
    assert counts(url) == before



def test_flow_served_deployment_runs_on_the_server(tmp_path, prefect_server):
    inbox = make_inbox(tmp_path, with_pdf=False)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    log = open(tmp_path / "serve.log", "w")
    serve = subprocess.Popen([str(BIN / "thaireport"), "serve", "--inbox", str(inbox), "--db", url,
                              "--cron", "0 2 * * *", "--timezone", "Asia/Bangkok"],
                             env=prefect_server, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def deployment():
            if serve.poll() is not None:
                raise RuntimeError((tmp_path / "serve.log").read_text()[-3000:])
            try:
                return prefect_api(prefect_server, "GET", "/deployments/name/nightly-ingest/nightly")
            except OSError:
                return None

        dep = wait_until(deployment, 120, "the served deployment")
        (schedule,) = dep["schedules"]
        assert schedule["schedule"]["cron"] == "0 2 * * *"
        assert schedule["schedule"]["timezone"] == "Asia/Bangkok"
        run = prefect_api(prefect_server, "POST", f"/deployments/{dep['id']}/create_flow_run", {})

        def finished():
            state = prefect_api(prefect_server, "GET", f"/flow_runs/{run['id']}")["state"]["type"]
            return state if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None

        assert wait_until(finished, 300, "the flow run to finish", interval=1) == "COMPLETED", \
            (tmp_path / "serve.log").read_text()[-3000:]
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
        log.close()
    c = counts(url)
    print(f"\nserved run stored: {c}")
    assert c["documents"] == len(list(inbox.iterdir())) and c["indicators"] > 0


def test_flow_make_run_command_works_from_a_copy(tmp_path, prefect_server):
    """`thaireport ingest samples/` (what `make run` does) in a fresh folder."""
    work = tmp_path / "w"
    shutil.copytree(SAMPLES, work / "samples")
    env = {**prefect_server, "THAIREPORT_DB": f"sqlite:///{work / 'thaireport.db'}"}
    t0 = time.perf_counter()
    run = thaireport("ingest", str(work / "samples"), env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    print(f"\ningest of samples/ took {time.perf_counter() - t0:.1f} s\n{run.stdout}")
    assert counts(env["THAIREPORT_DB"])["documents"] == len(list(SAMPLES.iterdir()))


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_flow_export_command(tmp_path, fmt):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    storage.store_records(storage.engine_for(url), [])
    out = thaireport("export", "--db", url, "--out", str(tmp_path / "out"), "--format", fmt)
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.split()) == len(storage.TABLES)
