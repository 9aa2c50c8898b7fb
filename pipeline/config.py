"""Defaults for the `thaireport` command from a file, so a team's database, inboxes, schedule and
worker count live in the repository instead of in every command line.

Looked for in this order: `--config PATH`, `$THAIREPORT_CONFIG`, `./thaireport.toml`, then a
`[tool.thaireport]` table in `./pyproject.toml`. A flag on the command line beats an environment
variable (`THAIREPORT_DB`), which beats the file, which beats the built-in default. Unknown keys are
an error: a misspelt `databse = …` must not be ignored silently.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

# key → (type, what it sets)
KEYS: dict[str, tuple[type, str]] = {
    "db": (str, "database URL (SQLAlchemy); THAIREPORT_DB and --db override it"),
    "inbox": (list, "folders or globs the scheduled ingest reads (serve, deploy)"),
    "cron": (str, "schedule of the nightly ingest, cron syntax"),
    "timezone": (str, "time zone of the schedule (IANA name)"),
    "workers": (int, "local extraction processes"),
    "log_level": (str, "DEBUG, INFO, WARNING or ERROR on the terminal"),
    "work_pool": (str, "Prefect work pool of the deployment (deploy)"),
    "db_secret": (str, "name of a Prefect Secret block holding the database URL (deploy)"),
    "db_env": (str, "name of an environment variable holding the database URL on the worker (deploy)"),
}


class ConfigError(ValueError):
    """The config file cannot be used; the message says which file and why."""


def find_config(explicit: str | None = None, cwd: Path | None = None) -> tuple[Path | None, dict[str, Any]]:
    """(the file used, its settings); (None, {}) when there is none."""
    cwd = cwd or Path.cwd()
    named = explicit or os.environ.get("THAIREPORT_CONFIG")
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigError(f"config file {named} does not exist")
        return path, _read(path, path.name == "pyproject.toml")
    if (cwd / "thaireport.toml").is_file():
        return cwd / "thaireport.toml", _read(cwd / "thaireport.toml", False)
    if (cwd / "pyproject.toml").is_file():
        settings = _read(cwd / "pyproject.toml", True)
        if settings:
            return cwd / "pyproject.toml", settings
    return None, {}


def _read(path: Path, in_pyproject: bool) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: {e}") from e
    if in_pyproject:
        data = data.get("tool", {}).get("thaireport", {})
    for key, value in data.items():
        if key not in KEYS:
            raise ConfigError(f"{path}: unknown setting {key!r} (known: {', '.join(KEYS)})")
        want = KEYS[key][0]
        if want is list and isinstance(value, str):
            data[key] = value = [value]
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise ConfigError(f"{path}: {key} must be a {want.__name__}, not {type(value).__name__}")
    return data
