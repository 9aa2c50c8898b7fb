"""Alembic migrations of the thaireport tables, run by `pipeline.storage.engine_for` on first use.

- a new database: the tables from `pipeline.storage.metadata`, stamped at the head revision;
- a database made before migrations existed (thaireport ≤ 0.2.0, no `alembic_version` table):
  stamped `0001` (that schema) and upgraded;
- otherwise: upgraded to the head revision (nothing to do, and Alembic not even imported, when it
  is there already: one small query).

Two processes opening a new database at once must not both create it: the work happens under a
lock (PostgreSQL: a transaction-level advisory lock; SQLite: BEGIN IMMEDIATE, the write lock),
and the revision is read again once the lock is held. `alembic` commands work too:
`alembic -c pipeline/migrations/alembic.ini -x url=sqlite:///thaireport.db history`.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

HEAD = "0002"
LOCATION = Path(__file__).resolve().parent
_PG_LOCK = 0x7468_6169  # "thai": any constant shared by every thaireport process


def revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _config(conn: Connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(LOCATION))
    cfg.attributes["connection"] = conn
    return cfg


def migrate(eng: Engine) -> str:
    """Bring the database to HEAD; returns what was done (for logs and tests)."""
    with eng.connect() as conn:
        if revision(conn) == HEAD:
            return "current"
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
        elif eng.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        return _migrate_locked(conn)


def _migrate_locked(conn: Connection) -> str:
    from alembic import command

    from pipeline.storage import metadata

    current = revision(conn)
    if current == HEAD:
        return "current"
    cfg = _config(conn)
    if current is None and not inspect(conn).has_table("documents"):
        metadata.create_all(conn)
        command.stamp(cfg, HEAD)
        return "created"
    if current is None:
        command.stamp(cfg, "0001")
        current = "0001"
    command.upgrade(cfg, HEAD)
    return f"upgraded from {current}"
