"""`thaireport` command line: extract (JSON Lines on stdout, as ../shared/contract says), ingest,
reprocess, export and serve (the Prefect flows and the tables)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


def _extract(args: argparse.Namespace) -> int:
    from pipeline.run import expand_paths, run_document

    paths = expand_paths(args.paths)
    if not paths:
        print("thaireport: no supported files found", file=sys.stderr)
        return 2
    failed = 0
    t0 = time.perf_counter()
    out = sys.stdout
    for i, path in enumerate(paths, 1):
        record = run_document(path, with_text=args.with_text)
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
        if record["status"] == "failed":
            failed += 1
            print(f"thaireport: {path}: {record['error']}", file=sys.stderr)
        elif not args.quiet:
            for w in record["warnings"]:
                print(f"thaireport: {path}: warning: {w}", file=sys.stderr)
        if not args.quiet and sys.stderr.isatty():
            print(f"\r[{i}/{len(paths)}] {path[-60:]:<60}", end="", file=sys.stderr)
    if not args.quiet:
        print(f"\nthaireport: {len(paths)} document(s), {failed} failed, "
              f"{time.perf_counter() - t0:.2f} s", file=sys.stderr)
    return 1 if failed else 0


def _quiet_prefect(quiet: bool) -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if quiet or not sys.stderr.isatty():
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    else:
        os.environ["THAIREPORT_PROGRESS"] = "1"


def _local_pool(args: argparse.Namespace):
    """Extraction processes started now, before Prefect is imported: their fork server loads
    the extractors on one core while this process imports Prefect on the other."""
    if args.dask_address:
        return None
    from pipeline.pool import ExtractionPool

    return ExtractionPool(max(1, args.workers))


def _ingest(args: argparse.Namespace) -> int:
    _quiet_prefect(args.quiet)
    from pipeline.batch import discover

    paths = discover(args.paths)
    if not paths:
        print("thaireport: no supported files found", file=sys.stderr)
        return 2
    pool = _local_pool(args)
    from pipeline.storage import db_url

    if pool is not None:  # plan as the flow will, and start extracting while Prefect starts
        from pipeline.batch import balanced_batches, plan_ingest
        from pipeline.storage import engine_for, stored_versions

        todo, _ = plan_ingest(paths, stored_versions(engine_for(db_url(args.db))))
        pool.prefetch(balanced_batches(todo, max(1, args.workers)))
    from flows.ingest import run_ingest

    summary = run_ingest(args.paths, db_url(args.db), args.workers, args.dask_address, pool=pool)
    if not args.quiet:
        print(summary.table())
    return 1 if summary.failed else 0


def _reprocess(args: argparse.Namespace) -> int:
    _quiet_prefect(args.quiet)
    pool = _local_pool(args)
    from flows.ingest import run_reprocess
    from pipeline.storage import db_url

    summary = run_reprocess(db_url(args.db), args.force, args.workers, args.dask_address, pool=pool)
    if not args.quiet:
        print(summary.table())
    return 1 if summary.failed else 0


def _export(args: argparse.Namespace) -> int:
    from pipeline.storage import db_url, export

    for path in export(db_url(args.db), args.out, args.format):
        print(path)
    return 0


def _serve(args: argparse.Namespace) -> int:
    _quiet_prefect(False)
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from flows.ingest import nightly_ingest
    from pipeline.storage import db_url

    inbox = [str(os.path.abspath(p)) for p in args.inbox]
    nightly_ingest.serve(
        name=args.name,
        schedules=[Cron(args.cron, timezone=args.timezone)],
        parameters={"inbox": inbox, "db": db_url(args.db), "workers": args.workers},
        entrypoint_type=EntrypointType.MODULE_PATH,
        description="Nightly ingestion of new Thai progress reports into the thaireport tables",
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="thaireport", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="print one JSON record per document (JSON Lines)")
    ex.add_argument("paths", nargs="+", help="files or folders")
    ex.add_argument("--with-text", action="store_true", help="include the normalised text")
    ex.add_argument("--quiet", action="store_true", help="no progress or warnings on stderr")
    ex.add_argument("--no-ocr", action="store_true", help="never OCR a page (scans are reported, not read)")
    ex.set_defaults(func=_extract)

    def common(p: argparse.ArgumentParser, workers: bool = True) -> None:
        p.add_argument("--db", help="SQLAlchemy URL (default: $THAIREPORT_DB or sqlite:///thaireport.db)")
        p.add_argument("--quiet", action="store_true", help="no progress or summary")
        p.add_argument("--no-ocr", action="store_true", help="never OCR a page (scans are reported, not read)")
        if workers:
            p.add_argument("--workers", type=int, default=1, help="local worker processes")
            p.add_argument("--dask-address", help="run the tasks on an existing Dask cluster (tcp://HOST:PORT)")

    ing = sub.add_parser("ingest", help="extract files and folders into the database (Prefect flow)")
    ing.add_argument("paths", nargs="+", help="files, folders or globs")
    common(ing)
    ing.set_defaults(func=_ingest)
    rep = sub.add_parser("reprocess", help="re-extract stored documents made by an older pipeline version")
    rep.add_argument("--force", action="store_true", help="re-extract every stored document")
    common(rep)
    rep.set_defaults(func=_reprocess)
    exp = sub.add_parser("export", help="write every table as parquet or csv, one file per table")
    exp.add_argument("--db")
    exp.add_argument("--out", required=True)
    exp.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    exp.set_defaults(func=_export)
    srv = sub.add_parser("serve", help="serve the nightly ingestion as a scheduled Prefect deployment")
    srv.add_argument("--inbox", action="append", required=True, help="folder or glob (repeatable)")
    srv.add_argument("--cron", default="0 2 * * *")
    srv.add_argument("--timezone", default="Asia/Bangkok")
    srv.add_argument("--name", default="nightly")
    srv.add_argument("--db")
    srv.add_argument("--workers", type=int, default=1)
    srv.set_defaults(func=_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code not in (0, None) else 0
    if getattr(args, "no_ocr", False):  # read by pipeline/readers/pdf.py, inherited by the workers
        os.environ["THAIREPORT_OCR"] = "0"
    return args.func(args)


def entry() -> None:
    """The `thaireport` console script: main(), then a quick exit.

    After a flow run the interpreter's own teardown spent ~0.4 s (a third of a small run's
    tail) in cyclic-GC passes over Prefect's and spaCy's objects, for memory the OS takes back
    anyway. The database connections are closed first (SQLite checkpoints its WAL on close),
    then the heap is frozen so teardown frees by reference count only."""
    code = main()
    if "pipeline.storage" in sys.modules:
        sys.modules["pipeline.storage"].dispose_engines()
    import gc

    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    entry()
