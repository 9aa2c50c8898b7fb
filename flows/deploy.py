"""The nightly ingest as a Prefect deployment on a work pool: how teams run it in production.

    prefect server start                                   # or an existing server: PREFECT_API_URL
    thaireport deploy --inbox /data/inbox --db-secret thaireport-db [--db URL] [--work-pool thaireport]
    prefect worker start --pool thaireport                 # on the machine that reads the inbox

The deployment's code is this checkout (`flow.from_source` on the project folder, entrypoint
`flows/ingest.py:nightly_ingest`), run by a `process` work pool's worker with the worker's Python.
The database URL is never a deployment parameter (parameters are shown in the UI and stored in
plain text): the deployment names a Prefect Secret block (`db_secret`) or an environment variable
of the worker (`db_env`) that holds it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from uuid import UUID

PROJECT = Path(__file__).resolve().parent.parent
ENTRYPOINT = "flows/ingest.py:nightly_ingest"

HOW_TO_START = (
    "start one with `prefect server start` (another terminal, or a service), then\n"
    "  export PREFECT_API_URL=http://127.0.0.1:4200/api\n"
    "or set PREFECT_API_URL to your team's server. Without a server Prefect only runs flows\n"
    "in a temporary one that lives as long as one command, and it cannot keep a schedule.")


class ServerUnavailable(RuntimeError):
    """No Prefect server to schedule on; the message says how to start one."""


def require_server(timeout: float = 5.0) -> str:
    """The API URL of a running Prefect server, or ServerUnavailable saying how to start one."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        raise ServerUnavailable("PREFECT_API_URL is not set: a schedule needs a running Prefect server;\n"
                                + HOW_TO_START)
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/health", timeout=timeout) as r:
            if r.status == 200 and json.loads(r.read() or b"true") is True:
                return url
    except (OSError, ValueError) as e:
        raise ServerUnavailable(f"no Prefect server answers at {url} ({e});\n" + HOW_TO_START) from e
    raise ServerUnavailable(f"the Prefect server at {url} is not healthy;\n" + HOW_TO_START)


def save_db_secret(name: str, url: str) -> None:
    """Keep the database URL in a Prefect Secret block (shown masked in the UI)."""
    from prefect.blocks.system import Secret

    Secret(value=url).save(name, overwrite=True)


def ensure_process_pool(name: str) -> bool:
    """Create the work pool (type `process`) if it does not exist; True when created."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(name)
            return False
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=name, type="process"))
            return True


def deploy(inbox: list[str], *, name: str = "nightly", work_pool: str = "thaireport",
           cron: str = "0 2 * * *", timezone: str = "Asia/Bangkok", workers: int = 1,
           db_secret: str | None = None, db_env: str | None = None, source: Path = PROJECT) -> UUID:
    """Create (or update) the `nightly-ingest/<name>` deployment on `work_pool`, scheduled by cron."""
    from prefect import flow
    from prefect.schedules import Cron

    if bool(db_secret) == bool(db_env):
        raise ValueError("give the database as exactly one of db_secret (a Secret block's name) or "
                         "db_env (an environment variable's name on the worker)")
    ensure_process_pool(work_pool)
    nightly = flow.from_source(source=str(source), entrypoint=ENTRYPOINT)
    return nightly.deploy(
        name=name, work_pool_name=work_pool, build=False, push=False, print_next_steps=False,
        schedules=[Cron(cron, timezone=timezone)],
        parameters={"inbox": [str(Path(p).resolve()) for p in inbox], "workers": workers,
                    "db_secret": db_secret, "db_env": db_env},
        description="Nightly ingestion of new Thai progress reports into the thaireport tables",
        tags=["thaireport"],
    )
