"""The production path, end to end: a real `prefect server start` (the prefect_server fixture),
`thaireport deploy` (work pool + deployment from this checkout, the database URL in a Secret
block), a real `prefect worker start` process, and the run the schedule fires, which stores rows,
ends in the named state automations match, logs at INFO, emits an event per failed document and
keeps the summary artifact. Also: `serve` and `deploy` refuse to start without a server."""

import json
import os
import signal
import subprocess
import time

from conftest import BIN, SAMPLES, prefect_api, thaireport, wait_until

from pipeline import storage


def test_serve_and_deploy_refuse_without_a_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(tmp_path)  # no profile pointing anywhere
    no_url = thaireport("serve", "--inbox", str(tmp_path), env=env, timeout=120)
    assert no_url.returncode == 2
    assert "prefect server start" in no_url.stderr and "PREFECT_API_URL" in no_url.stderr
    env["PREFECT_API_URL"] = "http://127.0.0.1:9/api"  # nothing listens on the discard port
    down = thaireport("deploy", "--inbox", str(tmp_path), "--db-env", "THAIREPORT_DB", env=env, timeout=120)
    assert down.returncode == 2 and "no Prefect server answers at http://127.0.0.1:9/api" in down.stderr


def test_deployment_on_a_work_pool_runs_on_schedule_and_stores_rows(tmp_path, prefect_server):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("000_5bb0787697d1afdd.txt", "002_1f4f99ff3787c05c.html"):
        (inbox / name).write_bytes((SAMPLES / name).read_bytes())
    (inbox / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    db = tmp_path / "night.db"
    url = f"sqlite:///{db}"
    pool = "thaireport-test"
    made = thaireport("deploy", "--inbox", str(inbox), "--db", url, "--db-secret", "thaireport-test-db",
                      "--work-pool", pool, "--cron", "* * * * *", "--timezone", "UTC", "--name", "scheduled-test",
                      env=prefect_server)
    assert made.returncode == 0, made.stderr[-3000:]
    # its own name: the server is shared with the other flow tests, whose served "nightly"
    # deployment's runs (made by hand, cancelled when serve stops) must not be taken for ours
    dep = prefect_api(prefect_server, "GET", "/deployments/name/nightly-ingest/scheduled-test")
    assert dep["work_pool_name"] == pool and dep["schedules"][0]["schedule"]["cron"] == "* * * * *"
    assert dep["parameters"]["db_secret"] == "thaireport-test-db"
    assert str(db) not in json.dumps(dep)  # the URL lives in the Secret block only

    log = open(tmp_path / "worker.log", "w")
    # the fixture quietens its own clients to WARNING; a worker runs with Prefect's default, INFO
    worker_env = {**prefect_server, "PREFECT_LOGGING_LEVEL": "INFO",
                  "PREFECT_WORKER_QUERY_SECONDS": "2", "PREFECT_WORKER_PREFETCH_SECONDS": "5"}
    worker = subprocess.Popen([str(BIN / "prefect"), "worker", "start", "--pool", pool, "--type", "process"],
                              env=worker_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    t0 = time.monotonic()
    try:
        def finished_scheduled_run():
            if worker.poll() is not None:
                raise RuntimeError((tmp_path / "worker.log").read_text()[-3000:])
            runs = prefect_api(prefect_server, "POST", "/flow_runs/filter",
                       {"flow_runs": {"deployment_id": {"any_": [dep["id"]]}}, "sort": "EXPECTED_START_TIME_ASC"})
            done = [r for r in runs if r["auto_scheduled"]
                    and r["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")]
            return done[0] if done else None

        run = wait_until(finished_scheduled_run, 200, "a scheduled run finished by the worker", interval=2)

        def run_logs():  # the flow process sends its logs in batches; the server may store them late
            logs = prefect_api(prefect_server, "POST", "/logs/filter", {"logs": {"flow_run_id": {"any_": [run["id"]]}}})
            summary = [e for e in logs if e["level"] == 20 and e["message"].startswith("nightly-ingest:")]
            failed = [e for e in logs if e["level"] == 30 and "broken.docx" in e["message"]]
            return summary and failed and logs

        # before the worker (and its flow process, which sends its last logs as it exits) is stopped
        logs = wait_until(run_logs, 60, "the run's INFO summary and WARNING failure logs on the server")
        print(f"{len(logs)} log lines on the server, e.g. {[e['message'] for e in logs if e['level'] == 20][-1]!r}")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        log.close()
        # the session's server is shared: stop the every-minute schedule from filling it with runs
        prefect_api(prefect_server, "PATCH", f"/deployments/{dep['id']}", {"paused": True})
    print(f"\nscheduled run {run['name']}: {run['state']['type']}/{run['state']['name']} "
          f"{time.monotonic() - t0:.0f} s after the worker started")
    assert run["auto_scheduled"] is True, run  # fired by the schedule, not created by hand
    assert run["state"]["type"] == "COMPLETED", (tmp_path / "worker.log").read_text()[-3000:]
    assert run["state"]["name"] == "CompletedWithFailures"

    c = storage.row_counts(storage.engine_for(url))
    storage.dispose_engines()
    print(f"rows stored by the scheduled run: {c}")
    assert c["documents"] == 2 and c["indicators"] > 0 and c["failures"] == 1

    def failed_event():
        events = prefect_api(prefect_server, "POST", "/events/filter",
                     {"filter": {"event": {"name": ["thaireport.document.failed"]},
                                 "related": {"resources_in_roles": [[f"prefect.flow-run.{run['id']}", "flow-run"]]}}})
        return events.get("events")

    (event,) = wait_until(failed_event, 30, "the failed-document event")
    assert event["payload"]["source"].endswith("broken.docx") and "zip" in event["payload"]["error"]

    def state_event():  # what an automation on the named state matches
        events = prefect_api(prefect_server, "POST", "/events/filter",
                     {"filter": {"event": {"name": ["prefect.flow-run.CompletedWithFailures"]},
                                 "resource": {"id": [f"prefect.flow-run.{run['id']}"]}}})
        return events.get("events")

    wait_until(state_event, 30, "the CompletedWithFailures state event")

    (artifact,) = prefect_api(prefect_server, "POST", "/artifacts/filter",
                      {"artifacts": {"flow_run_id": {"any_": [run["id"]]}}})
    assert artifact["key"] == "nightly-ingest-summary" and "## Failures" in artifact["data"]
    assert "broken.docx" in artifact["data"]
