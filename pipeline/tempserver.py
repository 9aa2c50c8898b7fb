"""The temporary Prefect server a `thaireport ingest` starts when no PREFECT_API_URL is set,
tied to the command that started it.

Prefect starts it (prefect.server.api.server.SubprocessASGIServer) as a plain child process: in
the terminal's process group, so Ctrl-C reached it first and the client then retried a dead API
for tens of seconds; and it outlived a `kill -9` of the command. Here it runs in its own
session (the terminal's Ctrl-C is not sent to it; the command stops it on its way out) and
exits by itself when the command is gone (a pidfd on the owner).

    python -m pipeline.tempserver OWNER_PID UVICORN_ARGS...
"""

from __future__ import annotations

import os
import runpy
import select
import signal
import subprocess
import sys
import threading
from typing import Any


def _exit_with(owner_pid: int) -> None:
    def watch() -> None:
        try:
            fd = os.pidfd_open(owner_pid)
            select.select([fd], [], [])
        except OSError:  # already gone (or no pidfd): nothing to serve
            pass
        os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's own graceful stop
        threading.Timer(3.0, os._exit, args=(0,)).start()

    threading.Thread(target=watch, daemon=True, name="thaireport-owner-watch").start()


def install() -> None:
    """Make Prefect start its temporary server through this module (CLI only)."""
    from prefect.server.api import server

    original = server.SubprocessASGIServer._run_uvicorn_command
    if getattr(original, "_thaireport", False):
        return

    def run_tied(self) -> subprocess.Popen[Any]:
        real_popen = subprocess.Popen

        def popen(args, **kwargs):
            if list(args[:3]) == [sys.executable, "-m", "uvicorn"]:
                args = [sys.executable, "-m", "pipeline.tempserver", str(os.getpid()), *args[3:]]
                kwargs["start_new_session"] = True
            return real_popen(args, **kwargs)

        server.subprocess.Popen = popen
        try:
            return original(self)
        finally:
            server.subprocess.Popen = real_popen

    run_tied._thaireport = True  # type: ignore[attr-defined]
    server.SubprocessASGIServer._run_uvicorn_command = run_tied


def stop_started() -> None:
    """Stop a temporary server this process started (at once; Prefect's atexit would too)."""
    server = sys.modules.get("prefect.server.api.server")
    if server is None:
        return
    for instance in list(server.SubprocessASGIServer._instances.values()):
        proc = instance.server_process
        if proc is not None and proc.poll() is None:
            proc.terminate()
    for instance in list(server.SubprocessASGIServer._instances.values()):
        proc = instance.server_process
        if proc is not None:
            try:
                proc.wait(3)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    _exit_with(int(sys.argv[1]))
    sys.argv = ["uvicorn", *sys.argv[2:]]
    runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)
