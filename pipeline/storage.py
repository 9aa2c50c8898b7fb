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
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Engine,
    Integer,
    MetaData,
    Numeric,
    Table,
    Text,
    TypeDecorator,
    create_engine,
    delete,
    event,
    insert,
    make_url,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DatabaseError as SQLDatabaseError

from pipeline.config import ConfigError
from pipeline.validate import rejected_rows

DEFAULT_DB = "sqlite:///thaireport.db"
CENT = Decimal("0.01")


class UTCDateTime(TypeDecorator):
    """A moment in UTC, time-zone aware on the way out in every database. PostgreSQL keeps
    `timestamptz`; SQLite has no time zones, so there the UTC wall time is stored and UTC put back
    on reading (before 0.3 SQLite gave naive datetimes and PostgreSQL aware ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime: give the time zone (thaireport stores UTC)")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Money(TypeDecorator):
    """Baht to the satang, exact: NUMERIC(20, 2), a Decimal in Python, decimal128(20, 2) in
    Parquet. SQLite has no decimal type (its NUMERIC stores a double): there the value goes in as
    its decimal digits and comes back rounded to the satang, exact below 10^13 baht (15 digits)."""

    impl = Numeric(20, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect):
        if dialect.name == "sqlite":  # no float-to-Decimal warning: the rounding happens here
            return dialect.type_descriptor(Numeric(20, 2, asdecimal=False))
        return dialect.type_descriptor(Numeric(20, 2))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = Decimal(str(value)).quantize(CENT)
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(str(value)).quantize(CENT)


metadata = MetaData()


def _col(name: str, type_: Any, doc: str, **kw: Any) -> Column:
    """A column with its documentation (`thaireport schema`, the README, Parquet field metadata)."""
    kw.setdefault("nullable", not kw.get("primary_key", False))
    return Column(name, type_, doc=doc, **kw)


documents = Table(
    "documents", metadata,
    _col("doc_id", Text, "sha256: + hex digest of the file's bytes", primary_key=True),
    _col("source", Text, "the path as given when it was first stored", nullable=False),
    # absolute: where reprocess reads it again; indexed, each write looks up the path's versions
    _col("source_path", Text, "absolute path it was stored from (every path seen: document_paths)",
         nullable=False, index=True),
    _col("format", Text, "pdf, docx, html or txt", nullable=False),
    _col("status", Text, "ok, or partial (something was skipped: see warnings)", nullable=False),
    _col("error", Text, "always null for a stored document (failed ones are in failures)"),
    _col("warnings", JSON, "list of what was skipped, repaired or doubtful (JSON text in exports)",
         nullable=False),
    _col("pages", Integer, "page count, null where the format has no pages"),
    _col("title", Text, "the report's title"),
    _col("agency", Text, "the reporting unit (หน่วยงาน) as written"),
    _col("fiscal_year", Integer, "Thai fiscal year, Buddhist Era (2565)"),
    _col("period_label", Text, "reporting period as written (ไตรมาสที่ 1, รอบ 6 เดือน)"),
    _col("period_start", Date, "first day of the period (Gregorian)"),
    _col("period_end", Date, "last day of the period (Gregorian)"),
    _col("pipeline_version", Text, "version of the extraction rules that made the rows", nullable=False),
    _col("content_hash", Text, "digest of the extracted fields: reprocess tells changed documents",
         nullable=False),
    _col("stored_at", UTCDateTime, "when the rows were written (UTC)", nullable=False),
)


def _mention_columns() -> list[Column]:
    return [
        _col("doc_id", Text, "the document (documents.doc_id)", primary_key=True),
        _col("position", Integer, "0-based order of the mention in its document", primary_key=True),
        _col("text", Text, "the words as written (the text between span_start and span_end)", nullable=False),
        _col("span_start", Integer, "offset of the first character in the normalised text", nullable=False),
        _col("span_end", Integer, "offset after the last character", nullable=False),
        _col("page", Integer, "1-based page, null where the format has no pages"),
    ]


indicators = Table(
    "indicators", metadata, *_mention_columns(),
    _col("number", Text, "numbering as written (4.1), or null"),
    _col("name", Text, "the indicator's name, without its numbering", nullable=False),
    _col("outcome", Text, "achieved, not_achieved, in_progress, not_started, or null"),
    _col("outcome_text", Text, "the phrase the outcome was read from"),
    _col("target", Text, "the target as written"),
    _col("result", Text, "the result as written"),
)
dates = Table(
    "dates", metadata, *_mention_columns(),
    _col("start_date", Date, "first day the mention covers (Gregorian)", nullable=False),
    _col("end_date", Date, "last day it covers (equal to start_date for one day)", nullable=False),
    _col("granularity", Text, "day, month or year", nullable=False),
    _col("year_inferred", Boolean, "true when the year was taken from context", nullable=False),
)
budgets = Table(
    "budgets", metadata, *_mention_columns(),
    _col("amount", Money, "baht, exact to the satang", nullable=False),
    _col("role", Text, "budget, disbursed, planned_disbursement or other", nullable=False),
)
entities = Table(
    "entities", metadata, *_mention_columns(),
    _col("label", Text, "ORG, PERSON or LOCATION", nullable=False),
)
failures = Table(
    "failures", metadata,
    _col("source", Text, "the path as given", primary_key=True),
    _col("doc_id", Text, "digest of the bytes that failed (a changed file is a new row)", primary_key=True),
    _col("error", Text, "why, in words a user can act on", nullable=False),
    _col("first_seen", UTCDateTime, "first failure (UTC)", nullable=False),
    _col("last_seen", UTCDateTime, "latest failure (UTC)", nullable=False),
    _col("attempts", Integer, "how many runs tried it", nullable=False),
)
document_paths = Table(
    "document_paths", metadata,
    _col("doc_id", Text, "the document (documents.doc_id)", primary_key=True),
    _col("source_path", Text, "an absolute path these bytes were seen under", primary_key=True),
    _col("source", Text, "that path as given", nullable=False),
    _col("first_seen", UTCDateTime, "first run that saw the bytes there (UTC)", nullable=False),
    _col("last_seen", UTCDateTime, "latest run that saw them there (UTC)", nullable=False),
)

MENTION_TABLES: dict[str, Table] = {"indicators": indicators, "dates": dates, "budgets": budgets,
                                    "entities": entities}
TABLES: dict[str, Table] = {"documents": documents, **MENTION_TABLES, "failures": failures,
                            "document_paths": document_paths}


def db_url(explicit: str | None = None) -> str:
    """--db, else THAIREPORT_DB, else the embedded SQLite file in the working directory."""
    url = explicit or os.environ.get("THAIREPORT_DB") or DEFAULT_DB
    if url.startswith("postgresql://"):  # psycopg 3, not the psycopg2 SQLAlchemy defaults to
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


_ENGINES: dict[str, Engine] = {}


class DatabaseError(ConfigError):
    """A database URL that cannot be what the user meant; the message says why (exit code 2)."""


def _check_sqlite_path(url: str, must_exist: bool) -> None:
    """A mistyped SQLite URL must not become a new empty database somewhere: the folder must
    exist, and commands that only read (export, show, failures) need the file itself."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return
    path = Path(u.database)
    if not path.parent.is_dir():
        raise DatabaseError(f"{url}: the folder {path.parent} does not exist (a typo in the URL?)")
    if must_exist and not path.is_file():
        raise DatabaseError(f"{url}: no such database file ({path.resolve()})")


def engine_for(url: str | None = None, must_exist: bool = False) -> Engine:
    """One engine per URL per process, its schema brought to the current version (Alembic)."""
    url = db_url(url)
    eng = _ENGINES.get(url)
    if eng is None:
        _check_sqlite_path(url, must_exist)
        eng = create_engine(url, pool_pre_ping=True)
        if eng.dialect.name == "sqlite":
            event.listen(eng, "connect", _sqlite_pragmas)
        from pipeline.migrations import migrate

        try:
            migrate(eng)
        except SQLDatabaseError as e:
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


def _money(amount: Any) -> Any:
    """Baht as an exact Decimal to the satang (the contract's JSON number read back by its
    shortest repr, so 1250000.5 is 1250000.50); anything else is left for validation to reject."""
    if isinstance(amount, int | float) and not isinstance(amount, bool):
        value = Decimal(repr(amount)) if isinstance(amount, float) else Decimal(amount)
        if value.is_finite() and abs(value) < 10**18:  # larger: no satang digits left; validation rejects it
            return value.quantize(CENT)
    return amount


def content_hash(record: dict[str, Any]) -> str:
    """Digest of what was extracted (not where from or by which version)."""
    keep = {k: record.get(k) for k in ("status", "error", "warnings", "pages", "title", "agency",
                                         "fiscal_year", "period", *MENTION_TABLES)}
    return hashlib.sha256(json.dumps(keep, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def document_row(record: dict[str, Any]) -> dict[str, Any]:
    period = record.get("period") or {}
    return {
        "doc_id": record["doc_id"], "source": record["source"],
        # reprocess reads a stored document from its absolute path and passes it along here, so a
        # relative `source` stays as the user gave it
        "source_path": record.get("source_path") or str(Path(record["source"]).resolve()),
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
            row["start_date"], row["end_date"] = _date(row.pop("start")), _date(row.pop("end"))
        elif table == "budgets":
            row["amount"] = _money(m["amount"])
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


@dataclass
class StoreResult:
    """What writing one document did, for counts that are true: `action` is `new` (nothing like it
    was stored), `again` (the same bytes were stored already: their rows are rewritten),
    `superseded` (it replaced an older version of the file at the same path) or `failed`; `rows`
    is the net change of each mention table (rows inserted minus rows deleted)."""

    action: str
    rows: dict[str, int] = field(default_factory=dict)


def store_prepared(eng: Engine, p: PreparedDocument) -> StoreResult:
    """Replace one document's rows in one transaction; returns what it did.

    A failed document only adds to `failures` (rows already stored stay). Rows that failed
    validation are kept out of the tables and listed in one `failures` row for the document.
    """
    rec = p.record
    now = _now()
    if p.error is not None or p.doc_row is None:
        record_failure(eng, rec["source"], rec["doc_id"], p.error or "failed", now)
        return StoreResult("failed")
    doc_id = rec["doc_id"]
    net = {name: len(rows) for name, rows in p.rows.items()}
    with eng.begin() as conn:
        # what this document replaces: itself stored before, and older versions of the file at
        # the same path (superseded, see the module docstring). A new document replaces nothing,
        # and skipping its five no-op deletes halves the statements of a first ingest.
        replaced = [r[0] for r in conn.execute(
            select(documents.c.doc_id).where(or_(documents.c.source_path == p.doc_row["source_path"],
                                                 documents.c.doc_id == doc_id)))]
        if replaced:
            for name, table in MENTION_TABLES.items():
                net[name] -= conn.execute(delete(table).where(table.c.doc_id.in_(replaced))).rowcount
            conn.execute(delete(documents).where(documents.c.doc_id.in_(replaced)))
            # the paths of superseded versions go with them; this document's own paths stay
            conn.execute(delete(document_paths).where(document_paths.c.doc_id.in_(replaced),
                                                      document_paths.c.doc_id != doc_id))
        _note_path(conn, doc_id, rec["source"], p.doc_row["source_path"], now)
        conn.execute(delete(failures).where(failures.c.source == rec["source"]))  # it reads now
        conn.execute(insert(documents), [{**p.doc_row, "stored_at": now}])
        for name, table in MENTION_TABLES.items():
            if p.rows[name]:
                conn.execute(insert(table), p.rows[name])
        if p.rejected:
            conn.execute(insert(failures), [{
                "source": rec["source"], "doc_id": doc_id, "first_seen": now, "last_seen": now,
                "attempts": 1, "error": "rows rejected by validation: " + "; ".join(p.rejected)}])
    action = "new" if not replaced else "again" if replaced == [doc_id] else "superseded"
    return StoreResult(action, net)


def _note_path(conn, doc_id: str, source: str, source_path: str, now: dt.datetime) -> bool:
    """Record that the bytes were seen at this path now; True when the path is new for them."""
    key = (document_paths.c.doc_id == doc_id) & (document_paths.c.source_path == source_path)
    if conn.execute(update(document_paths).where(key).values(last_seen=now, source=source)).rowcount:
        return False
    conn.execute(insert(document_paths), [{"doc_id": doc_id, "source_path": source_path, "source": source,
                                           "first_seen": now, "last_seen": now}])
    return True


def note_paths(eng: Engine, seen: list[tuple[str, str]]) -> int:
    """Record (doc_id, path) pairs seen in a run whose bytes were already stored (identical
    bytes under another name, or the same file again): every path a document was seen under is
    kept. Returns how many pairs were new."""
    if not seen:
        return 0
    now = _now()
    with eng.begin() as conn:
        stored = set(conn.execute(select(documents.c.doc_id).where(documents.c.doc_id.in_({d for d, _ in seen})))
                     .scalars())
        return sum(_note_path(conn, doc_id, source, str(Path(source).resolve()), now)
                   for doc_id, source in seen if doc_id in stored)


def store_records(eng: Engine, records: list[dict[str, Any]]) -> int:
    """Validate and store a batch, one transaction per document; returns the net mention rows
    the tables gained."""
    return sum(sum(store_prepared(eng, p).rows.values()) for p in prepare(records))


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


def known_failures(eng: Engine) -> set[str]:
    """doc_ids of files that failed to read and are not stored: the same bytes will fail again,
    so ingest skips them until they change or `--retry-failed` / `thaireport failures retry`."""
    with eng.connect() as conn:
        return set(conn.execute(select(failures.c.doc_id).where(
            failures.c.doc_id.not_in(select(documents.c.doc_id)))).scalars())


def skip_known_failures(eng: Engine, todo: list[str], retry_failed: bool = False) -> tuple[list[str], list[str]]:
    """(to extract, skipped): unchanged files that failed before are not read again every night."""
    if retry_failed or not todo:
        return todo, []
    bad = known_failures(eng)
    if not bad:
        return todo, []
    from pipeline.batch import file_doc_id

    skip = {p for p in todo if file_doc_id(p) in bad}
    return [p for p in todo if p not in skip], [p for p in todo if p in skip]


def list_failures(eng: Engine) -> list[dict[str, Any]]:
    with eng.connect() as conn:
        rows = conn.execute(select(failures).order_by(failures.c.last_seen.desc(), failures.c.source)).mappings()
        return [dict(r) for r in rows]


def clear_failures(eng: Engine, sources: list[str] | None = None) -> int:
    """Forget failures (all, or those of the given sources as stored); returns rows deleted."""
    q = delete(failures)
    if sources:
        q = q.where(failures.c.source.in_(sources))
    with eng.begin() as conn:
        return conn.execute(q).rowcount


def stored_paths(eng: Engine) -> list[tuple[str, str]]:
    """(doc_id, source_path) of every path a stored document was seen under."""
    with eng.connect() as conn:
        return [tuple(r) for r in conn.execute(select(document_paths.c.doc_id, document_paths.c.source_path))]


def prune_paths(eng: Engine, gone: list[tuple[str, str]]) -> tuple[int, int]:
    """Forget paths whose files disappeared; a document with no path left is deleted with its
    rows. Returns (paths forgotten, documents deleted)."""
    if not gone:
        return 0, 0
    with eng.begin() as conn:
        for doc_id, source_path in gone:
            conn.execute(delete(document_paths).where((document_paths.c.doc_id == doc_id)
                                                      & (document_paths.c.source_path == source_path)))
        candidates = {d for d, _ in gone}
        still = set(conn.execute(select(document_paths.c.doc_id).where(document_paths.c.doc_id.in_(candidates)))
                    .scalars())
        orphans = sorted(candidates - still)
        for doc_id in still:  # reprocess reads documents.source_path: point it at a path still there
            source, source_path = conn.execute(
                select(document_paths.c.source, document_paths.c.source_path).where(document_paths.c.doc_id == doc_id)
                .order_by(document_paths.c.last_seen.desc())).first()
            conn.execute(update(documents).where(documents.c.doc_id == doc_id)
                         .values(source=source, source_path=source_path))
        if orphans:
            for table in (*MENTION_TABLES.values(), documents):
                conn.execute(delete(table).where(table.c.doc_id.in_(orphans)))
    return len(gone), len(orphans)


def row_counts(eng: Engine) -> dict[str, int]:
    from sqlalchemy import func

    with eng.connect() as conn:
        return {name: conn.execute(select(func.count()).select_from(t)).scalar_one() for name, t in TABLES.items()}



# --- typed reading: pandas and Parquet see the same types as the database ---------------------

def arrow_type(column: Column):
    """The Arrow type of a column: what Parquet files hold and what pandas frames are built from."""
    import pyarrow as pa

    t = column.type
    if isinstance(t, Money):
        return pa.decimal128(20, 2)
    if isinstance(t, UTCDateTime):
        return pa.timestamp("us", tz="UTC")
    if isinstance(t, Date):
        return pa.date32()
    if isinstance(t, Boolean):
        return pa.bool_()
    if isinstance(t, Integer):
        return pa.int64()
    return pa.string()  # Text, and JSON as its JSON text


def arrow_schema(table: Table):
    import pyarrow as pa

    return pa.schema([pa.field(c.name, arrow_type(c), nullable=c.nullable, metadata={"doc": c.doc or ""})
                      for c in table.columns])


def read_arrow(eng: Engine, table: Table):
    """One table as a pyarrow Table with the types of arrow_schema (values come through the
    column types: Decimal money, aware UTC datetimes, dates, in SQLite and PostgreSQL alike)."""
    import pyarrow as pa

    with eng.connect() as conn:
        rows = conn.execute(select(table)).all()
    data = {}
    for i, c in enumerate(table.columns):
        values = [r[i] for r in rows]
        if isinstance(c.type, JSON):
            values = [None if v is None else json.dumps(v, ensure_ascii=False) for v in values]
        data[c.name] = values
    return pa.Table.from_pydict(data, schema=arrow_schema(table))


def pandas_dtype(arrow):
    """pandas dtype for an Arrow type: nullable Int64 and boolean, dates and exact decimals as
    Arrow-backed columns (numpy has neither), timestamps as datetime64[us, UTC]."""
    import pandas as pd
    import pyarrow as pa

    if pa.types.is_int64(arrow):
        return pd.Int64Dtype()
    if pa.types.is_boolean(arrow):
        return pd.BooleanDtype()
    if pa.types.is_date32(arrow) or pa.types.is_decimal(arrow):
        return pd.ArrowDtype(arrow)
    if pa.types.is_string(arrow):
        return pd.StringDtype()
    return None  # timestamps: pandas' own tz-aware datetime64


def tables(url: str | None = None) -> dict[str, Any]:
    """Every table as a pandas DataFrame, for analysts: `pipeline.tables("sqlite:///thaireport.db")`."""
    eng = engine_for(url, must_exist=True)
    return {name: read_arrow(eng, t).to_pandas(types_mapper=pandas_dtype) for name, t in TABLES.items()}


def export(url: str | None, out_dir: str | Path, fmt: str) -> list[Path]:
    """One file per table (parquet or csv) under out_dir; returns the paths written. Parquet keeps
    the column types (date32, int64, decimal128(20, 2), timestamp[us, UTC]) and each column's
    description in its field metadata."""
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"unknown export format {fmt!r}: parquet or csv")
    import pyarrow.parquet as pq

    eng = engine_for(url, must_exist=True)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in TABLES.items():
        path = out / f"{name}.{fmt}"
        data = read_arrow(eng, table)
        if fmt == "parquet":
            pq.write_table(data, path)
        else:
            data.to_pandas(types_mapper=pandas_dtype).to_csv(path, index=False)
        written.append(path)
    return written


def schema_rows() -> list[tuple[str, str, str, str, str, str]]:
    """(table, column, SQL type, Parquet type, pandas dtype, description) for `thaireport schema`."""
    from sqlalchemy.dialects import postgresql

    out = []
    for name, table in TABLES.items():
        for c in table.columns:
            arrow = arrow_type(c)
            sql = c.type.compile(dialect=postgresql.dialect())
            key = " (key)" if c.primary_key else ""
            null = "" if c.nullable else " not null"
            frame = str(pandas_dtype(arrow) or "datetime64[us, UTC]")
            out.append((name, c.name, f"{sql}{null}{key}", str(arrow), frame, c.doc or ""))
    return out
