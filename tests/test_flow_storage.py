"""The write path stores exactly what was extracted, whatever Prefect's API reports: the nightly
flow run many times on small inboxes, called directly and through a real served deployment,
stores every good document every time, and its summary counts equal the rows stored."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from conftest import BIN, ROOT, prefect_api, wait_until

from pipeline import storage

RUNS = 30

# One process calls the flow RUNS times, each on its own inbox and database (the way a script or
# a test would call it), and prints what the summary said and what the tables hold.
DIRECT = """
import json, sys
from pathlib import Path
if __name__ == "__main__":
    from flows.ingest import nightly_ingest
    from pipeline import storage
    for inbox in sys.argv[1:]:
        url = f"sqlite:///{Path(inbox).parent / 'db.sqlite'}"
        summary = nightly_ingest(inbox=inbox, db=url)
        print(json.dumps({"inbox": inbox, "by_status": summary["by_status"],
                          "rows": storage.row_counts(storage.engine_for(url))}), flush=True)
"""


def small_inbox(root: Path, i: int) -> Path:
    """Two good reports and one damaged file: three batches of one document for one worker."""
    inbox = root / f"run{i:02d}" / "inbox"
    inbox.mkdir(parents=True)
    for k in range(2):
        (inbox / f"good{k}.txt").write_text(
            f"รายงานผลการดำเนินงาน รอบ {i}\nตัวชี้วัดที่ {k + 1} ร้อยละของงานที่แล้วเสร็จ {i + k}\n"
            "ผลการดำเนินงาน สำเร็จตามเป้าหมาย\n", "utf-8")
    (inbox / "damaged.docx").write_bytes(b"PK\x03\x04 not a zip " + str(i).encode())
    return inbox


def check_run(inbox: Path, by_status: dict, rows: dict) -> str | None:
    """Why a run is wrong, or None: both good documents stored, the damaged one quarantined,
    and the summary counting exactly what the tables hold."""
    if rows["documents"] != 2 or rows["failures"] != 1:
        return f"{inbox}: stored {rows['documents']} of 2 good, {rows['failures']} failures rows"
    if by_status.get("ok", 0) + by_status.get("partial", 0) != rows["documents"]:
        return f"{inbox}: summary {by_status} but {rows['documents']} documents stored"
    if by_status.get("failed", 0) != rows["failures"]:
        return f"{inbox}: summary {by_status} but {rows['failures']} failures rows"
    return None


def test_flow_called_directly_stores_every_good_document_every_time(tmp_path, prefect_server):
    inboxes = [small_inbox(tmp_path, i) for i in range(RUNS)]
    script = tmp_path / "direct.py"
    script.write_text(DIRECT)
    run = subprocess.run([sys.executable, str(script), *map(str, inboxes)], env=prefect_server,
                         cwd=str(ROOT), capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(results) == RUNS
    wrong = [w for r in results if (w := check_run(Path(r["inbox"]), r["by_status"], r["rows"]))]
    print(f"\n{RUNS} direct runs, {len(wrong)} wrong")
    assert not wrong, wrong



def test_flow_served_deployment_stores_every_good_document_every_time(tmp_path, prefect_server):
    inboxes = [small_inbox(tmp_path, i) for i in range(RUNS)]
    log = open(tmp_path / "serve.log", "w")
    serve = subprocess.Popen([str(BIN / "thaireport"), "serve", "--inbox", str(inboxes[0]), "--name", "exactly",
                              "--db", f"sqlite:///{tmp_path / 'unused.sqlite'}"],
                             # the runner looks for runs to start every second, not every 10
                             env={**prefect_server, "PREFECT_RUNNER_POLL_FREQUENCY": "1"},
                             stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def deployment():
            if serve.poll() is not None:
                raise RuntimeError((tmp_path / "serve.log").read_text()[-3000:])
            try:
                return prefect_api(prefect_server, "GET", "/deployments/name/nightly-ingest/exactly")
            except OSError:
                return None

        dep = wait_until(deployment, 120, "the served deployment")
        wrong = []
        states = {}
        for wave in range(0, RUNS, 5):  # five at a time: each served run is a process on 2 cores
            runs = {}
            for inbox in inboxes[wave:wave + 5]:
                url = f"sqlite:///{inbox.parent / 'db.sqlite'}"
                run = prefect_api(prefect_server, "POST", f"/deployments/{dep['id']}/create_flow_run",
                           {"parameters": {"inbox": [str(inbox)], "db": url}})
                runs[run["id"]] = (inbox, url)

            def all_finished(runs=runs):
                done = {}
                for run_id in runs:
                    state = prefect_api(prefect_server, "GET", f"/flow_runs/{run_id}")["state"]["type"]
                    if state not in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                        return None
                    done[run_id] = state
                return done

            states.update(wait_until(all_finished, 300, "a wave of served runs", interval=0.5))
            for run_id, (inbox, url) in runs.items():
                summary = prefect_api(prefect_server, "POST", "/artifacts/filter",
                               {"artifacts": {"flow_run_id": {"any_": [run_id]},
                                              "key": {"any_": ["nightly-ingest-summary"]}}})
                by_status = _summary_from_artifact(summary)
                rows = storage.row_counts(storage.engine_for(url))
                storage.dispose_engines()
                if why := check_run(inbox, by_status, rows):
                    wrong.append(why)
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
        log.close()
    print(f"\n{RUNS} served runs: {sorted(states.values())[:1]} x{len(states)}, {len(wrong)} wrong")
    assert set(states.values()) == {"COMPLETED"}, (tmp_path / "serve.log").read_text()[-3000:]
    assert not wrong, wrong


def _summary_from_artifact(artifacts: list[dict]) -> dict[str, int]:
    """The run summary's document counts from its markdown artifact (`| ok | 2 |` rows)."""
    assert len(artifacts) == 1, artifacts
    counts = {}
    for line in artifacts[0]["data"].splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 2 and cells[0] in ("ok", "partial", "failed") and cells[1].isdigit():
            counts[cells[0]] = int(cells[1])
    return counts
