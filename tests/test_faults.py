"""Faults a nightly run must survive, as users meet them: Ctrl-C, `kill -9` of the command or of
one extraction worker, two first ingests at once on one database. Real `thaireport` processes,
a real Prefect server (or the temporary one the command starts), SQLite and PostgreSQL."""

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import psutil
import pytest
from conftest import BIN, SAMPLES, fresh_pg_database, prefect_api, thaireport, wait_until

from pipeline import storage


def txt_inbox(root: Path, copies: int, name: str = "inbox") -> Path:
    """The sample text reports, `copies` times each with distinct bytes."""
    inbox = root / name
    inbox.mkdir()
    for k in range(copies):
        for src in sorted(SAMPLES.glob("*.txt")):
            (inbox / f"{src.stem}-{k:03d}.txt").write_bytes(src.read_bytes() + f"\n<!-- {k} -->\n".encode())
    return inbox


def counts(url: str) -> dict[str, int]:
    c = storage.row_counts(storage.engine_for(url))
    storage.dispose_engines()
    return c


def stored(url: str) -> int:
    try:
        return counts(url)["documents"]
    except Exception:  # the tables may not exist yet
        return 0


def _as_from_a_terminal() -> None:
    # a suite started in the background by a script (`cmd &`) ignores SIGINT, and a child
    # inherits that: Python then installs no KeyboardInterrupt handler and the Ctrl-C tests
    # would test nothing (exit 0). A terminal's command gets SIGINT's default.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_ingest(inbox: Path, url: str, env: dict, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "thaireport"), "ingest", str(inbox), "--db", url, "--quiet", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_as_from_a_terminal)


def reference_counts(tmp_path: Path, inbox: Path, env: dict) -> dict[str, int]:
    """Row counts of one clean ingest of the inbox into a new database."""
    url = f"sqlite:///{tmp_path / ('ref-' + uuid.uuid4().hex[:6] + '.sqlite')}"
    run = thaireport("ingest", str(inbox), "--db", url, "--quiet", env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    return counts(url)



def test_ctrl_c_exits_within_5_s_marks_the_run_cancelled_and_rerun_stores_each_document_once(
        tmp_path, prefect_server):
    inbox = txt_inbox(tmp_path, 40)  # 200 documents
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    proc = start_ingest(inbox, url, prefect_server, "--workers", "2")
    try:
        wait_until(lambda: proc.poll() is not None or stored(url) >= 5, 300, "the first documents", interval=0.05)
        assert proc.poll() is None, "the ingest ended before it could be interrupted"
        t0 = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
        _out, err = proc.communicate(timeout=30)
        took = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    partial = stored(url)
    print(f"\nCtrl-C: exit {proc.returncode} after {took:.2f} s with {partial} of 200 stored; stderr:\n{err}")
    assert took < 5
    assert proc.returncode == 130
    assert err.strip().count("\n") == 0 and "interrupted" in err and "Cancelled" in err  # one line
    assert 0 < partial < 200
    # runs made by a command, not by a deployment: the session's server is shared with the
    # schedule tests, whose scheduled runs would otherwise fill a short page
    runs = prefect_api(prefect_server, "POST", "/flow_runs/filter",
                {"flow_runs": {"deployment_id": {"is_null_": True}}, "sort": "START_TIME_DESC", "limit": 200})
    mine = [r for r in runs if r["parameters"].get("db") == url]
    assert mine and mine[0]["state"]["type"] == "CANCELLED", [r["state"]["type"] for r in mine]
    rerun = thaireport("ingest", str(inbox), "--db", url, "--quiet", env=prefect_server)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    docs = storage.tables(url)["documents"]
    assert len(docs) == 200 and docs["doc_id"].is_unique
    assert counts(url) == reference_counts(tmp_path, inbox, prefect_server)


def _ours(tag: str) -> list[int]:
    """Processes whose environment carries the tag (every child inherits it)."""
    found = []
    for p in psutil.process_iter(["pid"]):
        try:
            if p.environ().get("THAIREPORT_TEST_TAG") == tag:
                found.append(p.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def _own_server_env(tmp_path: Path) -> tuple[dict, str]:
    """No PREFECT_API_URL (the command starts Prefect's temporary server), and a tag every
    process of the command inherits (`_ours`)."""
    tag = uuid.uuid4().hex
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), THAIREPORT_TEST_TAG=tag,
               PREFECT_SERVER_ANALYTICS_ENABLED="false")
    return env, tag


def _left_running(tag: str) -> list[int]:
    return [p for p in _ours(tag) if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]


def _assert_none_left(left: list[int]) -> None:
    """No process of ours is left; any that is gets killed either way."""
    try:
        assert not left, [psutil.Process(p).cmdline() for p in left]
    finally:
        for p in left:
            os.kill(p, signal.SIGKILL)


def test_kill_9_of_the_command_leaves_no_process_of_ours(tmp_path):
    """No PREFECT_API_URL: the command starts Prefect's temporary server too."""
    inbox = txt_inbox(tmp_path, 40)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    env, tag = _own_server_env(tmp_path)
    proc = start_ingest(inbox, url, env, "--workers", "2")
    try:
        wait_until(lambda: proc.poll() is not None or stored(url) >= 3, 300, "the first documents", interval=0.05)
        assert proc.poll() is None, "the ingest ended before it could be killed"
        before = _ours(tag)
        names = sorted({" ".join(psutil.Process(p).cmdline()[1:4]) for p in before if psutil.pid_exists(p)})
        os.kill(proc.pid, signal.SIGKILL)  # the command only, as an OOM killer would
        proc.wait()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    time.sleep(5)
    left = _left_running(tag)
    print(f"\nbefore kill -9: {len(before)} processes of ours ({names}); 5 s after: {left}")
    assert len(before) >= 4  # the command, the fork server, 2 workers, the temporary server
    _assert_none_left(left)


@pytest.mark.parametrize("when", ["importing", "server starting"])
def test_ctrl_c_before_the_run_exits_in_one_line_and_leaves_no_process(tmp_path, when):
    """No PREFECT_API_URL: Ctrl-C while the command imports, or while Prefect's temporary server
    starts (4-13 s): exit 130, one line, no traceback, nothing of ours left running."""
    inbox = txt_inbox(tmp_path, 2)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    env, tag = _own_server_env(tmp_path)
    proc = start_ingest(inbox, url, env, "--workers", "1")
    try:
        if when == "importing":
            time.sleep(0.3)
        else:
            def server_starting() -> bool:
                return any("pipeline.tempserver" in " ".join(psutil.Process(p).cmdline())
                           for p in _ours(tag) if psutil.pid_exists(p))
            wait_until(lambda: proc.poll() is not None or server_starting(), 120, "the temporary server",
                       interval=0.05)
            assert proc.poll() is None, "the ingest ended before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    time.sleep(5)
    left = _left_running(tag)
    print(f"\nCtrl-C while {when}: exit {proc.returncode}; stderr: {err!r}; left: {left}")
    try:
        assert proc.returncode == 130
        assert "Traceback" not in err and "interrupted" in err and err.strip().count("\n") == 0
    finally:
        _assert_none_left(left)


def _workers_of(cli_pid: int) -> list[psutil.Process]:
    """The extraction workers: children of the command's fork server."""
    out = []
    for child in psutil.Process(cli_pid).children():
        if "forkserver" in " ".join(child.cmdline()):
            out.extend(child.children())
    return out


def test_kill_9_of_a_worker_mid_run_the_run_completes_its_document_retried_nothing_lost(tmp_path, prefect_server):
    inbox = txt_inbox(tmp_path, 6)
    line = "ตัวชี้วัดที่ {n} ร้อยละของโครงการที่แล้วเสร็จตามแผน เป้าหมาย ร้อยละ 80 ผล 85 สำเร็จ\n"
    (inbox / "long-report.txt").write_text("".join(line.format(n=n) for n in range(1, 12000)), "utf-8")
    files = sorted(inbox.iterdir())
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    proc = start_ingest(inbox, url, prefect_server)
    try:
        # the largest file goes first (batches are balanced, biggest first): kill the worker on it
        workers = wait_until(lambda: _workers_of(proc.pid), 120, "the extraction worker", interval=0.05)
        time.sleep(1.5)
        victim = workers[0].pid
        os.kill(victim, signal.SIGKILL)
        _out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    c = counts(url)
    print(f"\nworker {victim} killed mid-run: exit {proc.returncode}, {c['documents']} stored of {len(files)} "
          f"(its document retried on the replacement), {c['failures']} failures rows")
    assert proc.returncode == 0, err[-3000:]  # the run completed
    assert c["documents"] == len(files) and c["failures"] == 0  # nothing lost
    assert c == reference_counts(tmp_path, inbox, prefect_server)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_two_concurrent_first_ingests_both_finish_rows_exactly_once(tmp_path, prefect_server, dialect, request):
    inbox = txt_inbox(tmp_path, 3)
    if dialect == "sqlite":
        url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    else:
        url = fresh_pg_database(request.getfixturevalue("postgres_url"), "thaireport_concurrent")
    procs = [start_ingest(inbox, url, prefect_server) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    for p, (_out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err[-3000:]
    c = counts(url)
    print(f"\ntwo concurrent first ingests on {dialect}: {c}")
    assert c == reference_counts(tmp_path, inbox, prefect_server)
    assert storage.tables(url)["documents"]["doc_id"].is_unique


def test_corrupt_sqlite_file_is_named_in_one_line(tmp_path):
    db = tmp_path / "broken.db"
    db.write_bytes(b"this is not a SQLite database at all" * 200)
    run = thaireport("ingest", str(SAMPLES / "003_9c2777eec267e8c4.txt"), "--db", f"sqlite:///{db}")
    print(f"\n{run.stderr}")
    assert run.returncode == 1
    assert run.stderr.strip().count("\n") == 0 and str(db) in run.stderr and "not a SQLite database" in run.stderr
