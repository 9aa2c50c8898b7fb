"""The tables: one row per contract object, keyed by doc_id (+ position), in any SQLAlchemy database.

Writes are per document, in one transaction, delete-then-insert by doc_id: a re-run never
duplicates a row, and a write that fails (or a process killed midway) leaves the previous rows
as they were. Extracted values are only ever bound as parameters (SQLAlchemy Core statements).

Policy for a changed file at the same path: the new bytes are a new document (new doc_id); the
old document's rows are deleted in the same transaction that stores the new one, because a
revised report supersedes the one it replaces. Identical bytes under another path are one
document (doc_id is the digest of the bytes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    Table,
    Text,
    create_engine,
    delete,
    event,
    insert,
    make_url,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError, ProgrammingError

from pipeline.validate import rejected_rows

DEFAULT_DB = "sqlite:///thaireport.db"

metadata = MetaData()

documents = Table(
    "documents", metadata,
    Column("doc_id", Text, primary_key=True),
    Column("source", Text, nullable=False),        # the path as given
    # absolute: where reprocess reads it again; indexed, each write looks up the path's versions
    Column("source_path", Text, nullable=False, index=True),
    Column("format", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("error", Text),
    Column("warnings", JSON, nullable=False),
    Column("pages", Integer),
    Column("title", Text),
    Column("agency", Text),
    Column("fiscal_year", Integer),
    Column("period_label", Text),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("pipeline_version", Text, nullable=False),
    Column("content_hash", Text, nullable=False),  # of the extracted fields: reprocess tells changed ones
    Column("stored_at", DateTime(timezone=True), nullable=False),
)


def _mention_columns() -> list[Column]:
    return [
        Column("doc_id", Text, primary_key=True),
        Column("position", Integer, primary_key=True),
        Column("text", Text, nullable=False),
        Column("span_start", Integer, nullable=False),
        Column("span_end", Integer, nullable=False),
        Column("page", Integer),
    ]


indicators = Table(
    "indicators", metadata, *_mention_columns(),
    Column("number", Text), Column("name", Text, nullable=False),
    Column("outcome", Text), Column("outcome_text", Text),
    Column("target", Text), Column("result", Text),
)
dates = Table(
    "dates", metadata, *_mention_columns(),
    Column("start", Date, nullable=False), Column("end", Date, nullable=False),
    Column("granularity", Text, nullable=False), Column("year_inferred", Boolean, nullable=False),
)
budgets = Table(
    "budgets", metadata, *_mention_columns(),
    Column("amount", Float, nullable=False),  # baht; a double holds every amount to the satang
    Column("role", Text, nullable=False),
)
entities = Table(
    "entities", metadata, *_mention_columns(),
    Column("label", Text, nullable=False),
)
failures = Table(
    "failures", metadata,
    Column("source", Text, primary_key=True),
    Column("doc_id", Text, primary_key=True),
    Column("error", Text, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False),
)

MENTION_TABLES: dict[str, Table] = {"indicators": indicators, "dates": dates, "budgets": budgets,
                                    "entities": entities}
TABLES: dict[str, Table] = {"documents": documents, **MENTION_TABLES, "failures": failures}


def db_url(explicit: str | None = None) -> str:
    """--db, else THAIREPORT_DB, else the embedded SQLite file in the working directory."""
    url = explicit or os.environ.get("THAIREPORT_DB") or DEFAULT_DB
    if url.startswith("postgresql://"):  # psycopg 3, not the psycopg2 SQLAlchemy defaults to
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


_ENGINES: dict[str, Engine] = {}


def engine_for(url: str | None = None) -> Engine:
    """One engine per URL per process, with the tables created."""
    url = db_url(url)
    eng = _ENGINES.get(url)
    if eng is None:
        eng = create_engine(url, pool_pre_ping=True)
        if eng.dialect.name == "sqlite":
            event.listen(eng, "connect", _sqlite_pragmas)
        try:
            _create_schema(eng)
        except DatabaseError as e:
            eng.dispose()
            raise StorageError(_unusable(url, e)) from e
        _ENGINES[url] = eng
    return eng


class StorageError(Exception):
    """The database cannot be used; the message says which one and what to do (one line)."""


def _unusable(url: str, e: Exception) -> str:
    where = make_url(url).render_as_string(hide_password=True)
    cause = str(getattr(e, "orig", e)).splitlines()[0]
    if make_url(url).get_backend_name() == "sqlite" and "not a database" in cause:
        return (f"{make_url(url).database} is not a SQLite database (damaged, or another kind of "
                "file): move it away to start a new one, or give another --db")
    return f"cannot use the database {where}: {cause}"


def _create_schema(eng: Engine, attempts: int = 6) -> None:
    """Tables and indexes, safe when two first runs start at once: each checks, then creates,
    and the slower one fails with "already exists" (SQLite) or a duplicate pg_type row
    (PostgreSQL); it tries again, sees the tables and creates nothing."""
    for attempt in range(attempts):
        try:
            metadata.create_all(eng)
            for index in documents.indexes:  # create_all adds none to a table made by an older version
                index.create(eng, checkfirst=True)
            if eng.dialect.name == "postgresql":
                _widen_varchar(eng)
            return
        except (OperationalError, ProgrammingError, IntegrityError) as e:
            text = str(e.orig if hasattr(e, "orig") else e).lower()
            if attempt == attempts - 1 or not ("already exists" in text or "duplicate key" in text
                                               or "locked" in text):
                raise
            time.sleep(0.05 * (attempt + 1))


def _widen_varchar(eng: Engine) -> None:
    """Databases made by earlier versions had varchar(n) columns (an indicator number overflowed
    varchar(32)); make them text, as the tables now declare (no rewrite in PostgreSQL)."""
    from sqlalchemy import text

    with eng.begin() as conn:
        narrow = conn.execute(text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = 'character varying' "
            "AND table_name = ANY(:names)"), {"names": list(TABLES)}).all()
        for table, column in narrow:
            conn.execute(text(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE text'))


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")     # readers (tables(), export) never block the ingest
    cur.execute("PRAGMA synchronous=NORMAL")   # durable at each commit under WAL, without an fsync per row
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def dispose_engines() -> None:
    for eng in _ENGINES.values():
        eng.dispose()
    _ENGINES.clear()


# --- records → rows ------------------------------------------------------------------------

def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def content_hash(record: dict[str, Any]) -> str:
    """Digest of what was extracted (not where from or by which version)."""
    keep = {k: record.get(k) for k in ("status", "error", "warnings", "pages", "title", "agency",
                                         "fiscal_year", "period", *MENTION_TABLES)}
    return hashlib.sha256(json.dumps(keep, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def document_row(record: dict[str, Any]) -> dict[str, Any]:
    period = record.get("period") or {}
    return {
        "doc_id": record["doc_id"], "source": record["source"],
        "source_path": str(Path(record["source"]).resolve()),
        "format": record["format"], "status": record["status"], "error": record["error"],
        "warnings": list(record["warnings"]), "pages": record["pages"], "title": record["title"],
        "agency": record["agency"], "fiscal_year": record["fiscal_year"],
        "period_label": period.get("label"), "period_start": _date(period.get("start")),
        "period_end": _date(period.get("end")),
        "pipeline_version": record["pipeline_version"], "content_hash": content_hash(record),
    }


def mention_rows(record: dict[str, Any], table: str) -> list[dict[str, Any]]:
    rows = []
    for pos, m in enumerate(record[table]):
        row = {k: v for k, v in m.items() if k != "span"}
        row.update(doc_id=record["doc_id"], position=pos, span_start=m["span"][0], span_end=m["span"][1])
        if table == "dates":
            row["start"], row["end"] = _date(m["start"]), _date(m["end"])
        rows.append(row)
    return rows


# --- writing ---------------------------------------------------------------------------------

def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class PreparedDocument:
    """One record turned into validated rows, ready for its transaction."""

    record: dict[str, Any]
    doc_row: dict[str, Any] | None
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)
    error: str | None = None  # set when the whole document goes to failures


def prepare(records: list[dict[str, Any]]) -> list[PreparedDocument]:
    """Rows of a batch of records, validated table by table in one pass per table."""
    prepared = []
    for rec in records:
        if rec["status"] == "failed":
            prepared.append(PreparedDocument(rec, None, error=rec["error"] or "failed"))
        else:
            prepared.append(PreparedDocument(rec, document_row(rec),
                                             {name: mention_rows(rec, name) for name in MENTION_TABLES}))
    live = [p for p in prepared if p.error is None]
    bad_docs = rejected_rows("documents", [p.doc_row for p in live])
    for i, why in bad_docs.items():
        live[i].error = f"document row rejected by validation: {why}"
    live = [p for p in live if p.error is None]
    for name in MENTION_TABLES:
        owners = [(p, row) for p in live for row in p.rows[name]]
        bad = rejected_rows(name, [row for _, row in owners])
        if not bad:
            continue
        for p in live:
            p.rows[name] = []
        for i, (p, row) in enumerate(owners):
            if i in bad:
                p.rejected.append(f"{name}[{row['position']}]: {bad[i]}")
            else:
                p.rows[name].append(row)
    return prepared


def store_prepared(eng: Engine, p: PreparedDocument) -> int:
    """Replace one document's rows in one transaction; returns the mention rows stored.

    A failed document only adds to `failures` (rows already stored stay). Rows that failed
    validation are kept out of the tables and listed in one `failures` row for the document.
    """
    rec = p.record
    now = _now()
    if p.error is not None or p.doc_row is None:
        record_failure(eng, rec["source"], rec["doc_id"], p.error or "failed", now)
        return 0
    doc_id = rec["doc_id"]
    with eng.begin() as conn:
        # what this document replaces: itself stored before, and older versions of the file at
        # the same path (superseded, see the module docstring). A new document replaces nothing,
        # and skipping its five no-op deletes halves the statements of a first ingest.
        replaced = [r[0] for r in conn.execute(
            select(documents.c.doc_id).where(or_(documents.c.source_path == p.doc_row["source_path"],
                                                 documents.c.doc_id == doc_id)))]
        if replaced:
            for table in (*MENTION_TABLES.values(), documents):
                conn.execute(delete(table).where(table.c.doc_id.in_(replaced)))
        conn.execute(delete(failures).where(failures.c.source == rec["source"]))  # it reads now
        conn.execute(insert(documents), [{**p.doc_row, "stored_at": now}])
        for name, table in MENTION_TABLES.items():
            if p.rows[name]:
                conn.execute(insert(table), p.rows[name])
        if p.rejected:
            conn.execute(insert(failures), [{
                "source": rec["source"], "doc_id": doc_id, "first_seen": now, "last_seen": now,
                "attempts": 1, "error": "rows rejected by validation: " + "; ".join(p.rejected)}])
    return sum(len(r) for r in p.rows.values())


def store_records(eng: Engine, records: list[dict[str, Any]]) -> int:
    """Validate and store a batch, one transaction per document; returns mention rows stored."""
    return sum(store_prepared(eng, p) for p in prepare(records))


def record_failure(eng: Engine, source: str, doc_id: str, error: str, now: dt.datetime | None = None) -> None:
    """Quarantine: one row per (source, doc_id), attempts counted; stored rows are untouched."""
    now = now or _now()
    key = (failures.c.source == source) & (failures.c.doc_id == doc_id)
    with eng.begin() as conn:
        seen = conn.execute(select(failures.c.attempts).where(key)).scalar()
        if seen is None:
            conn.execute(insert(failures), [{"source": source, "doc_id": doc_id, "error": error,
                                             "first_seen": now, "last_seen": now, "attempts": 1}])
        else:
            conn.execute(update(failures).where(key).values(error=error, last_seen=now, attempts=seen + 1))


# --- reading ---------------------------------------------------------------------------------

def stored_versions(eng: Engine) -> dict[str, str]:
    """doc_id → pipeline_version of every stored document."""
    with eng.connect() as conn:
        return dict(conn.execute(select(documents.c.doc_id, documents.c.pipeline_version)).all())


def documents_to_reprocess(eng: Engine, version: str, force: bool) -> list[tuple[str, str, str, str]]:
    """(doc_id, source, source_path, content_hash) of stored documents older than `version` (all with force)."""
    q = select(documents.c.doc_id, documents.c.source, documents.c.source_path, documents.c.content_hash)
    if not force:
        q = q.where(documents.c.pipeline_version != version)
    with eng.connect() as conn:
        return [tuple(r) for r in conn.execute(q.order_by(documents.c.source_path))]


def stored_since(eng: Engine, since: dt.datetime) -> int:
    """Documents written at or after `since` (what an interrupted run had stored)."""
    from sqlalchemy import func

    with eng.connect() as conn:
        return conn.execute(select(func.count()).select_from(documents)
                            .where(documents.c.stored_at >= since)).scalar_one()


def row_counts(eng: Engine) -> dict[str, int]:
    from sqlalchemy import func

    with eng.connect() as conn:
        return {name: conn.execute(select(func.count()).select_from(t)).scalar_one() for name, t in TABLES.items()}



def tables(url: str | None = None) -> dict[str, Any]:
    """Every table as a pandas DataFrame, for analysts: `pipeline.tables("sqlite:///thaireport.db")`."""
    import pandas as pd

    eng = engine_for(url)
    with eng.connect() as conn:
        return {name: pd.read_sql_table(name, conn) for name in TABLES}


def export(url: str | None, out_dir: str | Path, fmt: str) -> list[Path]:
    """One file per table (parquet or csv) under out_dir; returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables(url).items():
        if "warnings" in frame:
            frame["warnings"] = frame["warnings"].map(lambda w: json.dumps(w, ensure_ascii=False))
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            frame.to_parquet(path, index=False)
        elif fmt == "csv":
            frame.to_csv(path, index=False)
        else:
            raise ValueError(f"unknown export format {fmt!r}: parquet or csv")
        written.append(path)
    return written

