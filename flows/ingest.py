"""Prefect flows: nightly ingestion of an inbox and reprocessing of the archive.

Thin on purpose: every decision lives in pipeline.batch / pipeline.storage. A task is a batch of
documents (a task run costs ~35 ms on a local server, a small report ~20 ms to extract). Only the
database writes are retried; an extraction that fails is a document's `failed` record, never a
task failure. Writes happen in the flow's own process, one transaction per document.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import asdict
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.states import State
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from pipeline import PIPELINE_VERSION
from pipeline.batch import Progress, RunSummary, balanced_batches, discover, extract_paths, file_doc_id, plan_ingest
from pipeline.pool import DEFAULT_DOC_TIMEOUT, DEFAULT_MEMORY_LIMIT, ExtractionPool, Limits
from pipeline.storage import content_hash, engine_for, prepare, skip_known_failures, store_prepared, stored_versions

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


# The flow run's local extraction processes (None on a Dask worker, where the task itself runs
# in the worker's process). Module state because a task's arguments are sent to the runner.
_POOL: ExtractionPool | None = None

# The running flow run's id: what an interrupted command marks Cancelled (pipeline.interrupt).
RUN_STATE: dict[str, Any] = {"flow_run_id": None}


def _note_flow_run() -> None:
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    RUN_STATE["flow_run_id"] = ctx.flow_run.id if ctx and ctx.flow_run else None


# NO_CACHE: Prefect's default policy hashes every task's inputs and source on each run to make a
# cache key; these results are never reused (the database is the record), and a cache keyed by
# paths would be wrong for a file rewritten in place.
@task(name="extract-batch", retries=0, cache_policy=NO_CACHE)
def extract_batch(paths: list[str]) -> list[dict[str, Any]]:
    pool = _POOL
    return pool.extract(paths) if pool is not None else extract_paths(paths)


@task(name="store-batch", retries=3, retry_delay_seconds=[1, 5, 15], cache_policy=NO_CACHE)
def store_batch(db: str | None, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate and write; each document in its own transaction, so a retry only redoes the rest.
    Returns what each write did (pipeline.storage.StoreResult), which the run summary counts."""
    eng = engine_for(db)
    return [asdict(store_prepared(eng, p)) for p in prepare(records)]


def task_runner_for(workers: int = 1, dask_address: str | None = None):
    """Locally: one task thread per worker, each feeding a forked extraction process
    (pipeline.pool). With a Dask address: the tasks run on that cluster's workers."""
    if dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=dask_address)
    return ThreadPoolTaskRunner(max_workers=max(1, workers))


def _limits(doc_timeout: float, memory_limit_mb: int) -> Limits:
    return Limits(doc_timeout=float(doc_timeout), memory_bytes=max(0, int(memory_limit_mb)) << 20)


def _run_batches(paths: list[str], db: str | None, workers: int, summary: RunSummary,
                 on_records=None, limits: Limits | None = None) -> None:
    global _POOL
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    local = ctx is None or type(ctx.task_runner).__name__ != "DaskTaskRunner"
    own_pool = local and bool(paths) and _POOL is None
    if own_pool:
        _POOL = ExtractionPool(max(1, workers), limits)
    try:
        progress = Progress(len(paths), summary.kind)
        futures = [extract_batch.submit(b) for b in balanced_batches(paths, workers)]
        pending = set(futures)

        def write(group: list) -> None:
            records = [r for f in group for r in f.result()]
            pending.difference_update(group)
            if on_records is not None:
                records = on_records(records)
            # quote(): Prefect would otherwise walk every value of every record looking for
            # futures to resolve (~3 s per 200 documents)
            stored = store_batch(db, quote(records))  # in the flow's thread, while the pool extracts the next
            summary.add_records(records, count_rows=False)
            summary.add_stored(stored)  # rows as written, not as extracted (a file twice is stored once)
            progress.advance(len(records))

        for fut in as_completed(futures):
            if fut not in pending:
                continue  # already stored with an earlier group
            # The future just yielded is always written. Other batches finished by now join its
            # write (fewer task runs), judged by the local future, never by the state the API
            # reports: that state lags, and a batch left out here was never written at all.
            write([fut, *(f for f in futures if f in pending and f is not fut and _finished_here(f))])
        if pending:  # as_completed never skips one, but storage must not depend on it
            write([f for f in futures if f in pending])
        progress.done()
    finally:
        if own_pool and _POOL is not None:
            _POOL.close()
            _POOL = None


def _finished_here(fut) -> bool:
    """Whether a task future's result is ready in this process (its local concurrent/Dask
    future), without asking the Prefect API."""
    wrapped = getattr(fut, "wrapped_future", None)
    done = getattr(wrapped, "done", None)
    return bool(done()) if callable(done) else False


# The final state of a run in which some documents failed. Completed, not Failed: the run did its
# job (every readable document is stored, every unreadable one is in `failures`), and a Failed
# state would also be what a broken run (database down) ends in, would trigger flow retries, and
# would mark the deployment as failing every night while one known-bad file sits in the inbox.
# Named, so an automation can still match it: the server emits `prefect.flow-run.CompletedWithFailures`.
COMPLETED_WITH_FAILURES = "CompletedWithFailures"
FAILED_DOCUMENT_EVENT = "thaireport.document.failed"


def _publish(summary: RunSummary, key: str) -> State:
    """Log the summary at INFO (it reaches the Prefect UI), keep it as an artifact with a table of
    failures, emit one event per failed document, and give the run's final state."""
    from prefect.events import emit_event
    from prefect.states import Completed

    logger = get_run_logger()
    logger.info(summary.log_line())
    ui_only = _ui_logger(logger)
    for source, error in summary.failures:
        ui_only.warning("failed: %s: %s", source, error)
        emit_event(event=FAILED_DOCUMENT_EVENT,
                   resource={"prefect.resource.id": f"thaireport.document.{source}",
                             "prefect.resource.name": os.path.basename(source)},
                   payload={"source": source, "error": error, "run": summary.kind})
    create_markdown_artifact(markdown=summary.markdown(), key=key, description=summary.log_line())
    if summary.failures:
        return Completed(name=COMPLETED_WITH_FAILURES, data=summary.__dict__,
                         message=f"{len(summary.failures)} document(s) failed: see the {key} artifact")
    return Completed(data=summary.__dict__, message=summary.log_line())


def _ui_logger(run_logger: logging.LoggerAdapter) -> logging.LoggerAdapter:
    """A run logger whose lines go to the Prefect server only, not the terminal: the CLI prints
    each failed document once, in its summary, and the UI still lists them in the run's logs."""
    from prefect.logging.handlers import APILogHandler

    lg = logging.getLogger("prefect.flow_runs.thaireport_documents")
    if not lg.handlers:
        lg.addHandler(APILogHandler())
        lg.propagate = False
    return logging.LoggerAdapter(lg, run_logger.extra)


def resolve_db(db: str | None, db_secret: str | None, db_env: str | None) -> str | None:
    """The database URL of a run: `db` when a run is given one; else from a Prefect Secret block
    or an environment variable named in the deployment, so the URL (its password) is never a
    deployment parameter; else THAIREPORT_DB or the default."""
    if db:
        return db
    if db_secret:
        from prefect.blocks.system import Secret

        return Secret.load(db_secret).get()
    if db_env:
        value = os.environ.get(db_env)
        if not value:
            raise RuntimeError(f"the deployment reads the database URL from ${db_env}, "
                               "which is not set on this worker")
        return value
    return None


def _account_for_paths(eng, inbox: list[str] | str, paths: list[str], skipped: list[str], prune: bool,
                       summary: RunSummary) -> None:
    """Every path a stored document was seen under is kept; stored paths this inbox names whose
    files are gone are reported (`source gone`), and forgotten with prune (a document no path
    is left for is deleted with its rows)."""
    from pipeline.batch import in_scope
    from pipeline.storage import note_paths, prune_paths, stored_paths

    note_paths(eng, [(file_doc_id(p), p) for p in skipped])
    present = {os.path.abspath(p) for p in paths}
    gone = [(d, sp) for d, sp in stored_paths(eng) if sp not in present and in_scope(sp, inbox)
            and not os.path.exists(sp)]
    if not gone:
        return
    summary.count("source gone", len(gone))
    logger = get_run_logger()
    for _, sp in gone[:20]:
        logger.info("source gone: %s", sp)
    if prune:
        forgotten, deleted = prune_paths(eng, gone)
        summary.count("pruned paths", forgotten)
        summary.count("pruned documents", deleted)


@flow(name="nightly-ingest", log_prints=False)
def nightly_ingest(inbox: list[str] | str, db: str | None = None, workers: int = 1,
                   db_secret: str | None = None, db_env: str | None = None,
                   retry_failed: bool = False, prune: bool = False,
                   doc_timeout: float = DEFAULT_DOC_TIMEOUT,
                   memory_limit_mb: int = DEFAULT_MEMORY_LIMIT >> 20) -> State:
    """Extract and store every supported file under the inbox folders/globs that is not yet stored
    by this pipeline version. The database: `db`, or the URL in the Prefect Secret block named
    `db_secret`, or in the environment variable named `db_env` (what deployments use).
    Unchanged files that failed before are skipped unless retry_failed; stored files the inbox
    no longer holds are reported, and forgotten with prune. Each document gets at most
    doc_timeout seconds and its worker memory_limit_mb of address space (0: no limit)."""
    t0 = time.perf_counter()
    _note_flow_run()
    db = resolve_db(db, db_secret, db_env)
    eng = engine_for(db)
    paths = discover(inbox)
    todo, skipped = plan_ingest(paths, stored_versions(eng))
    todo, known_bad = skip_known_failures(eng, todo, retry_failed)
    summary = RunSummary("nightly-ingest")
    if skipped:
        summary.count("skipped (already stored)", len(skipped))
    if known_bad:
        summary.count("skipped (failed before, unchanged)", len(known_bad))
    _account_for_paths(eng, inbox, paths, skipped, prune, summary)
    _run_batches(todo, db, workers, summary, limits=_limits(doc_timeout, memory_limit_mb))
    summary.seconds = time.perf_counter() - t0
    return _publish(summary, "nightly-ingest-summary")


@flow(name="reprocess-archive", log_prints=False)
def reprocess_archive(db: str | None = None, force: bool = False, workers: int = 1,
                      doc_timeout: float = DEFAULT_DOC_TIMEOUT,
                      memory_limit_mb: int = DEFAULT_MEMORY_LIMIT >> 20) -> State:
    """Re-extract stored documents made by an older pipeline version (all with force) from their
    source paths; their rows are replaced atomically, document by document."""
    from pipeline.storage import documents_to_reprocess

    t0 = time.perf_counter()
    _note_flow_run()
    eng = engine_for(db)
    summary = RunSummary("reprocess-archive")
    stored = documents_to_reprocess(eng, PIPELINE_VERSION, force)
    previous: dict[str, str] = {}
    given: dict[str, str] = {}
    todo: list[str] = []
    for _doc_id, source, source_path, digest in stored:
        if file_doc_id(source_path) is None:
            summary.count("source-missing")  # rows stay as they are: nothing better to put there
            continue
        previous[source_path] = digest
        given[source_path] = source
        todo.append(source_path)

    def compare(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for r in records:
            path = r["source"]
            if r["status"] != "failed":
                summary.count("changed" if content_hash(r) != previous.get(path) else "unchanged")
            # read from the absolute path, stored under the source as the user first gave it
            r["source"], r["source_path"] = given.get(path, path), path
        return records

    _run_batches(todo, db, workers, summary, on_records=compare, limits=_limits(doc_timeout, memory_limit_mb))
    summary.seconds = time.perf_counter() - t0
    return _publish(summary, "reprocess-archive-summary")


def _with_pool(pool: ExtractionPool | None, run):
    """Run a flow with processes started by the caller (the CLI starts them before Prefect is
    even imported, so their start-up overlaps Prefect's); the flow makes its own otherwise."""
    global _POOL
    _POOL = pool
    try:
        return run()
    finally:
        if _POOL is not None:
            _POOL.close()
        _POOL = None


def run_ingest(inbox: list[str], db: str | None, workers: int = 1, dask_address: str | None = None,
               pool: ExtractionPool | None = None, limits: Limits | None = None,
               retry_failed: bool = False, prune: bool = False) -> RunSummary:
    runner = task_runner_for(workers, dask_address)
    flow_fn = nightly_ingest.with_options(task_runner=runner)
    lim = _limit_params(limits)
    return RunSummary(**_with_pool(pool, lambda: flow_fn(inbox=inbox, db=db, workers=workers,
                                                         retry_failed=retry_failed, prune=prune, **lim)))


def run_reprocess(db: str | None, force: bool, workers: int = 1, dask_address: str | None = None,
                  pool: ExtractionPool | None = None, limits: Limits | None = None) -> RunSummary:
    runner = task_runner_for(workers, dask_address)
    flow_fn = reprocess_archive.with_options(task_runner=runner)
    lim = _limit_params(limits)
    return RunSummary(**_with_pool(pool, lambda: flow_fn(db=db, force=force, workers=workers, **lim)))


def _limit_params(limits: Limits | None) -> dict[str, Any]:
    limits = limits or Limits()
    return {"doc_timeout": limits.doc_timeout, "memory_limit_mb": limits.memory_bytes >> 20}
