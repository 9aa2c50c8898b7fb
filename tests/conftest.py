import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"
REALPDF = SHARED / "realpdf"


def need_shared(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests read the shared real documents from ../shared")
    return path


# --- real servers for the storage and flow tests ----------------------------------------------


BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout: float, what: str, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory):
    """A real `prefect server start` on a free loopback port, its own PREFECT_HOME; yields the env
    that points a subprocess at it."""
    import urllib.request

    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_API_URL": f"http://127.0.0.1:{port}/api", "PREFECT_LOGGING_LEVEL": "WARNING",
           "PREFECT_SERVER_UI_ENABLED": "false", "PYTHAINLP_OFFLINE": "1"}
    log = open(home / "server.log", "wb")
    proc = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def healthy() -> bool:
        if proc.poll() is not None:
            raise RuntimeError("prefect server exited: " + (home / "server.log").read_text()[-2000:])
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    try:
        wait_until(healthy, 180, "the Prefect server")
        yield env
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def prefect_api(env: dict, method: str, path: str, body: dict | None = None, attempts: int = 8):
    """One call to the test server's REST API. A 503 is retried: the server answers it when its
    SQLite database is locked, which happens on this 2-core machine under a burst of runs."""
    import json
    import urllib.error
    import urllib.request

    for attempt in range(attempts):
        req = urllib.request.Request(env["PREFECT_API_URL"] + path, method=method,
                                     data=json.dumps(body or {}).encode(),
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            if e.code != 503 or attempt == attempts - 1:
                raise
            time.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


def _start_own_postgres(tmp: Path) -> tuple[str, Callable[[], None]]:
    """initdb + pg_ctl in a temporary folder (as the postgres user when we are root)."""
    if not (PG_BIN / "initdb").exists():
        raise RuntimeError(f"no PostgreSQL binaries in {PG_BIN}")
    data = tmp / "pgdata"
    port = free_port()
    as_pg: list[str] = []
    if os.geteuid() == 0:
        as_pg = ["runuser", "-u", "postgres", "--"]
        tmp.chmod(0o777)
    subprocess.run([*as_pg, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
                   check=True, capture_output=True)
    subprocess.run([*as_pg, str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-l", str(tmp / "pg.log"),
                    "-o", f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1", "start"],
                   check=True, capture_output=True)

    def stop() -> None:
        subprocess.run([*as_pg, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True)

    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", stop


@pytest.fixture(scope="session")
def postgres_url():
    """THAIREPORT_TEST_PG (the server .ci/run starts), else a server started here. CI sets
    THAIREPORT_REQUIRE_PG=1: there a missing server fails the tests instead of skipping them."""
    url = os.environ.get("THAIREPORT_TEST_PG")
    stop = None
    tmp = None
    if not url:
        tmp = Path(tempfile.mkdtemp(prefix="thaireport-pg-"))
        try:
            url, stop = _start_own_postgres(tmp)
        except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
            if os.environ.get("THAIREPORT_REQUIRE_PG") == "1":
                pytest.fail(f"PostgreSQL is required here and could not be started: {e}")
            pytest.skip(f"no PostgreSQL server: {e}")
    try:
        yield url
    finally:
        if stop:
            stop()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def fresh_pg_database(url: str, name: str) -> str:
    """A new empty database on the server, so tests do not see each other's rows."""
    from sqlalchemy import create_engine, text

    eng = create_engine(url, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    eng.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


def thaireport(*args: str, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "thaireport"), *args], env=env, capture_output=True, text=True,
                          timeout=timeout)
