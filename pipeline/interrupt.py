"""Ctrl-C (and SIGTERM) during `thaireport ingest` / `reprocess`: out within a few seconds.

The first signal kills the extraction workers at once (a batch waiting on a worker then ends
at once, so Prefect's task threads do not hold the exit for minutes), silences Prefect's crash
tracebacks and lets KeyboardInterrupt unwind the flow. The command then marks the flow run
`Cancelled`, stops the temporary Prefect server it started, and says in one line what was
stored; documents stored stay stored (each in its own transaction) and the next run picks up
the rest. A second Ctrl-C leaves at once.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable
from typing import Any


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread by the first Ctrl-C/SIGTERM."""


def run_interruptible(run: Callable[[], Any], pool, kind: str, db: str) -> Any:
    """run() with Ctrl-C/SIGTERM handled as the module says; returns run()'s result, or exit
    code 130 after an interrupt."""
    import datetime as dt

    from pipeline import tempserver

    started = dt.datetime.now(dt.UTC)
    if not os.environ.get("PREFECT_API_URL"):  # Prefect will start a temporary server: tie it to us
        tempserver.install()
    seen = []

    def on_signal(signum, _frame) -> None:
        if seen:
            os._exit(130)
        seen.append(signum)
        # first: the task threads log their batch's failure as soon as the workers are gone;
        # the one line printed at the end says what happened
        logging.disable(logging.CRITICAL)
        if pool is not None:
            pool.close(kill=True)
        raise Interrupted

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        return run()
    except KeyboardInterrupt:
        if not seen:  # a KeyboardInterrupt that did not come through the handler
            seen.append(signal.SIGINT)
            if pool is not None:
                pool.close(kill=True)
        return _after_interrupt(kind, db, started)
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def _after_interrupt(kind: str, db: str, started) -> int:
    from flows.ingest import RUN_STATE
    from pipeline import tempserver
    from pipeline.storage import engine_for, stored_since

    marked = _mark_cancelled(RUN_STATE.get("flow_run_id"))
    _flush_prefect_logs()  # before the server goes: its log handler would complain at exit
    tempserver.stop_started()
    stored = stored_since(engine_for(db), started)
    print(f"thaireport: interrupted: {stored} document(s) stored by this {kind} stay "
          f"stored; run it again to do the rest{'; flow run marked Cancelled' if marked else ''}",
          file=sys.stderr)
    return 130


def _flush_prefect_logs() -> None:
    try:
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=2)
    except Exception:
        pass


def _mark_cancelled(flow_run_id) -> bool:
    if flow_run_id is None:
        return False
    try:
        from prefect.client.orchestration import get_client
        from prefect.states import Cancelled

        with get_client(sync_client=True) as client:
            client.set_flow_run_state(flow_run_id, Cancelled(message="interrupted (Ctrl-C) by the user"),
                                      force=True)
        return True
    except Exception:  # the API is gone: the server marks it crashed by its heartbeats
        return False
