"""`thaireport` command line: extract (JSON Lines on stdout, as ../shared/contract says), ingest,
reprocess, export, serve and deploy (the Prefect flows and the tables), show (one document's
values in context), schema and failures.

Exit codes: 0 done, 1 a document failed, 2 a usage error (bad arguments, a path that does not
exist, a database that cannot be opened). Prefect is imported only by the commands that run flows.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


class UsageError(Exception):
    """Bad input on the command line: reported with the usage line, exit code 2."""


def resolve_inputs(items: list[str]) -> list[str]:
    """Each argument as a literal path when it exists (so `report[1].pdf` is that file, not a
    pattern), else as a glob (quoted globs are expanded here, as shells do); a path that exists
    neither way is a usage error, not a document that failed. Returns arguments for
    pipeline.batch.discover, with literal names escaped so it takes them literally too."""
    out: list[str] = []
    missing: list[str] = []
    for item in items:
        if os.path.exists(item):
            out.append(glob.escape(item) if glob.has_magic(item) else item)
        elif glob.has_magic(item) and glob.glob(item, recursive=True):
            out.append(item)
        else:
            missing.append(item)
    if missing:
        raise UsageError("no such file or folder: " + ", ".join(missing))
    return out


def _extract(args: argparse.Namespace) -> int:
    from pipeline.batch import discover
    from pipeline.run import run_document_limited

    paths = discover(resolve_inputs(args.paths))
    if not paths:
        print("thaireport: no supported files found", file=sys.stderr)
        return 2
    failed = 0
    t0 = time.perf_counter()
    if args.doc_timeout > 0:  # the models load once, before any document's deadline runs
        from pipeline.pool import warm_up

        warm_up()
    out = sys.stdout
    for i, path in enumerate(paths, 1):
        record = run_document_limited(path, args.doc_timeout, with_text=args.with_text, with_blocks=args.with_blocks)
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


LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULTS = {"workers": 1, "cron": "0 2 * * *", "timezone": "Asia/Bangkok", "work_pool": "thaireport"}


def _quiet_prefect(quiet: bool) -> None:
    """Prefect settings for a run from the command line. Only the terminal is made quieter:
    the flow's logs still go to the Prefect server (the UI) at INFO, whatever stderr is."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    level = os.environ.get("THAIREPORT_LOG_LEVEL")
    if level is None:
        level = "WARNING" if quiet or not sys.stderr.isatty() else "INFO"
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", level)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "DEBUG" if level == "DEBUG" else "INFO")
    if not quiet and sys.stderr.isatty():
        os.environ["THAIREPORT_PROGRESS"] = "1"


def _limits(args: argparse.Namespace):
    from pipeline.pool import Limits

    return Limits(doc_timeout=args.doc_timeout, memory_bytes=max(0, args.memory_limit) << 20)


def _start_prefect_server() -> str:
    """The line the summary ends with: which Prefect server the run used and, for the temporary
    one Prefect starts when PREFECT_API_URL is unset, how long it took to start (it is not in the
    flow's own time; it was hidden before)."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if url:
        return f"Prefect server: {url}"
    from prefect.server.api.server import SubprocessASGIServer

    from pipeline import tempserver

    tempserver.install()  # its own session (Ctrl-C is ours to handle), gone when we are (kill -9)
    t0 = time.perf_counter()
    SubprocessASGIServer().start()  # the run's client finds it running (one per process)
    return (f"Prefect server: a temporary one, {time.perf_counter() - t0:.1f} s to start (not in the time above; "
            "set PREFECT_API_URL to a running server to skip it, see README 'Schedule')")


def _local_pool(args: argparse.Namespace):
    """Extraction processes started now, before Prefect is imported: their fork server loads
    the extractors on one core while this process imports Prefect on the other."""
    if args.dask_address:
        return None
    from pipeline.pool import ExtractionPool

    return ExtractionPool(max(1, args.workers), _limits(args))


def _ingest(args: argparse.Namespace) -> int:
    _quiet_prefect(args.quiet)
    from pipeline.batch import discover

    inputs = resolve_inputs(args.paths)
    paths = discover(inputs)
    if not paths:
        print("thaireport: no supported files found", file=sys.stderr)
        return 2
    pool = _local_pool(args)
    from pipeline.storage import db_url

    if pool is not None:  # plan as the flow will, and start extracting while Prefect starts
        from pipeline.batch import balanced_batches, plan_ingest
        from pipeline.storage import engine_for, skip_known_failures, stored_versions

        eng = engine_for(db_url(args.db))
        todo, _ = plan_ingest(paths, stored_versions(eng))
        todo, _ = skip_known_failures(eng, todo, args.retry_failed)
        pool.prefetch(balanced_batches(todo, max(1, args.workers)))
    from pipeline.interrupt import run_interruptible

    server: list[str] = []

    def run():  # the server's start-up is interruptible too (it takes 4-13 s)
        server.append(_start_prefect_server())
        from flows.ingest import run_ingest

        return run_ingest(inputs, db_url(args.db), args.workers, args.dask_address, pool=pool, limits=_limits(args),
                          retry_failed=args.retry_failed, prune=args.prune)

    summary = run_interruptible(run, pool, "ingest", db_url(args.db))
    if isinstance(summary, int):  # interrupted: its exit code
        return summary
    if not args.quiet:
        print(summary.table())
        print(server[0])
        if summary.outcome.get("skipped (failed before, unchanged)"):
            print("files that failed before were skipped: `thaireport failures list`, `--retry-failed` to read them")
    return 1 if summary.failed else 0


def _reprocess(args: argparse.Namespace) -> int:
    _quiet_prefect(args.quiet)
    pool = _local_pool(args)
    from pipeline.interrupt import run_interruptible
    from pipeline.storage import db_url

    server: list[str] = []

    def run():
        server.append(_start_prefect_server())
        from flows.ingest import run_reprocess

        return run_reprocess(db_url(args.db), args.force, args.workers, args.dask_address, pool=pool,
                             limits=_limits(args))

    summary = run_interruptible(run, pool, "reprocess", db_url(args.db))
    if isinstance(summary, int):  # interrupted: its exit code
        return summary
    if not args.quiet:
        print(summary.table())
        print(server[0])
    return 1 if summary.failed else 0


def _failures(args: argparse.Namespace) -> int:
    """list: what failed, when, how often, why; retry: ingest those files again (they are skipped
    while unchanged otherwise); clear: forget them (all, or the sources named)."""
    from pipeline.storage import clear_failures, db_url, engine_for, known_failures, list_failures

    eng = engine_for(db_url(args.db), must_exist=True)
    rows = list_failures(eng)
    if args.action == "list":
        if not rows:
            print("no failures")
        for r in rows:
            print(f"{r['attempts']:>3}×  last {r['last_seen']:%Y-%m-%d %H:%M} UTC  {r['source']}\n      {r['error']}")
        return 0
    if args.action == "clear":
        n = clear_failures(eng, args.sources or None)
        print(f"cleared {n} failure(s)")
        return 0
    unread = known_failures(eng)
    sources = sorted({r["source"] for r in rows if r["doc_id"] in unread
                      and (not args.sources or r["source"] in args.sources)})
    present = [s for s in sources if os.path.exists(s)]
    for s in sorted(set(sources) - set(present)):
        print(f"thaireport: {s}: gone (thaireport failures clear {s!r} forgets it)", file=sys.stderr)
    if not present:
        print("nothing to retry")
        return 0
    args.paths, args.retry_failed, args.prune, args.dask_address = present, True, False, None
    return _ingest(args)


def _schema(args: argparse.Namespace) -> int:
    """Every column of every table: SQL type, Parquet type, pandas dtype, meaning."""
    from pipeline.storage import schema_rows

    rows = schema_rows()
    if args.markdown:
        print("| table | column | SQL | Parquet | pandas | meaning |\n| --- | --- | --- | --- | --- | --- |")
        for r in rows:
            print("| " + " | ".join(f"`{v}`" if i < 2 else v for i, v in enumerate(r)) + " |")
        return 0
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    table = None
    for r in rows:
        if r[0] != table:
            table = r[0]
            print(f"\n{table}")
        print("  " + "  ".join(v.ljust(w) for v, w in zip(r[1:5], widths[1:], strict=True)) + "  " + r[5])
    return 0


def _export(args: argparse.Namespace) -> int:
    from pipeline.storage import db_url, export

    for path in export(db_url(args.db), args.out, args.format):
        print(path)
    return 0


def _serve(args: argparse.Namespace) -> int:
    """The schedule kept by this process (`Runner`): for one machine; `deploy` is the
    production path. Refuses to start without a running Prefect server."""
    _quiet_prefect(False)
    if not args.inbox:
        raise UsageError("give --inbox DIR (or inbox = [...] in thaireport.toml)")
    from flows.deploy import ServerUnavailable, require_server

    try:
        api = require_server()
    except ServerUnavailable as e:
        print(f"thaireport serve: {e}", file=sys.stderr)
        return 2
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from flows.ingest import nightly_ingest
    from pipeline.storage import db_url

    # the runs this process starts inherit its environment: the URL travels there, and the
    # deployment's parameters name the variable, so no password is stored on the server
    os.environ["THAIREPORT_DB"] = db_url(args.db)
    inbox = [str(os.path.abspath(p)) for p in args.inbox]
    print(f"thaireport serve: scheduling on {api}", file=sys.stderr)
    nightly_ingest.serve(
        name=args.name,
        schedules=[Cron(args.cron, timezone=args.timezone)],
        parameters={"inbox": inbox, "workers": args.workers, "db_env": "THAIREPORT_DB"},
        entrypoint_type=EntrypointType.MODULE_PATH,
        description="Nightly ingestion of new Thai progress reports into the thaireport tables",
    )
    return 0


def _deploy(args: argparse.Namespace) -> int:
    """Create the work pool and the scheduled deployment on the Prefect server (production)."""
    _quiet_prefect(False)
    if not args.inbox:
        raise UsageError("give --inbox DIR (or inbox = [...] in thaireport.toml)")
    if bool(args.db_secret) == bool(args.db_env):
        raise UsageError("name where workers find the database URL: --db-secret BLOCK or --db-env VARIABLE")
    from flows.deploy import ServerUnavailable, deploy, require_server, save_db_secret

    try:
        api = require_server()
    except ServerUnavailable as e:
        print(f"thaireport deploy: {e}", file=sys.stderr)
        return 2
    if args.db_secret and (args.db or os.environ.get("THAIREPORT_DB")):
        from pipeline.storage import db_url

        save_db_secret(args.db_secret, db_url(args.db))
        print(f"thaireport deploy: database URL saved in Secret block {args.db_secret!r}", file=sys.stderr)
    dep = deploy(args.inbox, name=args.name, work_pool=args.work_pool, cron=args.cron, timezone=args.timezone,
                 workers=args.workers, db_secret=args.db_secret, db_env=args.db_env)
    print(f"deployment nightly-ingest/{args.name} ({dep}) on {api}, pool {args.work_pool!r}, "
          f"cron {args.cron!r} {args.timezone}")
    print(f"start a worker where the inbox is:  prefect worker start --pool {args.work_pool}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from pipeline import review
    from pipeline.model import ReadError

    try:
        doc, record, notes = review.load(args.target, args.db)
    except review.NotFound as e:
        raise UsageError(str(e)) from e
    except ReadError as e:
        print(f"thaireport: {args.target}: {e}", file=sys.stderr)
        return 1
    marks, more = review.highlights(doc, record)
    notes += more
    if args.html:
        Path(args.html).write_text(review.render_html(doc, record, marks, notes), encoding="utf-8")
        print(f"thaireport: wrote {args.html} ({len(marks)} highlights)", file=sys.stderr)
    else:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        print(review.render_terminal(doc, record, marks, notes, color=color))
    return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    from pipeline import PIPELINE_VERSION

    try:
        package = version("thaireport")
    except PackageNotFoundError:
        package = "unknown"
    return f"thaireport {package} (extraction rules {PIPELINE_VERSION})"


class _VersionAction(argparse.Action):
    """--version without importing importlib.metadata on every start-up."""

    def __init__(self, option_strings, dest, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(_version())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="thaireport", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("--log-level", type=str.upper, choices=LEVELS,
                        help="what reaches the terminal (default: INFO on a terminal, WARNING otherwise; "
                             "the Prefect server always gets INFO)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="-v INFO, -vv DEBUG")
    parser.add_argument("--config", help="settings file (default: ./thaireport.toml, or [tool.thaireport] "
                                         "in ./pyproject.toml)")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="print one JSON record per document (JSON Lines)")
    ex.add_argument("paths", nargs="+", help="files or folders")
    ex.add_argument("--with-text", action="store_true", help="include the normalised text")
    ex.add_argument("--with-blocks", action="store_true",
                    help="include the blocks read (headings, paragraphs, list items, tables with cells, form fields)")
    ex.add_argument("--quiet", action="store_true", help="no progress or warnings on stderr")
    ex.add_argument("--no-ocr", action="store_true", help="never OCR a page (scans are reported, not read)")
    ex.add_argument("--doc-timeout", type=float, default=300.0, metavar="SECONDS",
                    help="time one document may take before it fails and the next is read (default 300)")
    ex.set_defaults(func=_extract)

    def common(p: argparse.ArgumentParser, workers: bool = True) -> None:
        p.add_argument("--db", help="SQLAlchemy URL (default: $THAIREPORT_DB or sqlite:///thaireport.db)")
        p.add_argument("--quiet", action="store_true", help="no progress or summary")
        p.add_argument("--no-ocr", action="store_true", help="never OCR a page (scans are reported, not read)")
        if workers:
            p.add_argument("--workers", type=int, help="local worker processes (default 1)")
            p.add_argument("--dask-address", help="run the tasks on an existing Dask cluster (tcp://HOST:PORT)")
            p.add_argument("--doc-timeout", type=float, default=300.0, metavar="SECONDS",
                           help="time one document may take before it fails (default 300)")
            p.add_argument("--memory-limit", type=int, default=896, metavar="MB",
                           help="address space of each extraction process (default 896; 0: none)")

    ing = sub.add_parser("ingest", help="extract files and folders into the database (Prefect flow)")
    ing.add_argument("paths", nargs="+", help="files, folders or globs")
    ing.add_argument("--retry-failed", action="store_true", help="read again files that failed before, unchanged")
    ing.add_argument("--prune", action="store_true",
                     help="forget stored documents whose files are gone from these folders/globs (rows deleted)")
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
    srv.add_argument("--inbox", action="append", help="folder or glob (repeatable)")
    srv.add_argument("--cron", help=f"default {DEFAULTS['cron']!r}")
    srv.add_argument("--timezone", help=f"default {DEFAULTS['timezone']}")
    srv.add_argument("--name", default="nightly")
    srv.add_argument("--db")
    srv.add_argument("--workers", type=int)
    srv.set_defaults(func=_serve)
    dep = sub.add_parser("deploy", help="create the scheduled deployment on a Prefect server and work pool")
    dep.add_argument("--inbox", action="append", help="folder or glob (repeatable)")
    dep.add_argument("--cron", help=f"default {DEFAULTS['cron']!r}")
    dep.add_argument("--timezone", help=f"default {DEFAULTS['timezone']}")
    dep.add_argument("--name", default="nightly")
    dep.add_argument("--work-pool", help=f"a process work pool, created if missing (default {DEFAULTS['work_pool']})")
    dep.add_argument("--db-secret", metavar="BLOCK", help="Prefect Secret block with the database URL "
                                                           "(saved there from --db / THAIREPORT_DB if given)")
    dep.add_argument("--db-env", metavar="VARIABLE", help="environment variable with the database URL on the worker")
    dep.add_argument("--db", help="the URL to save in --db-secret (never stored as a parameter)")
    dep.add_argument("--workers", type=int)
    dep.set_defaults(func=_deploy)
    fai = sub.add_parser("failures", help="list, retry or clear the files that failed")
    fai.add_argument("action", nargs="?", choices=["list", "retry", "clear"], default="list")
    fai.add_argument("sources", nargs="*", help="only these sources (as listed)")
    common(fai)
    fai.set_defaults(func=_failures)
    sch = sub.add_parser("schema", help="document every column of every table (types in SQL, Parquet, pandas)")
    sch.add_argument("--markdown", action="store_true", help="as a Markdown table (the README's)")
    sch.set_defaults(func=_schema)
    shw = sub.add_parser("show", help="one document's values in context (terminal, or --html OUT)")
    shw.add_argument("target", metavar="FILE_OR_DOC_ID", help="a file, or a stored doc_id (or 6+ of its hex digits)")
    shw.add_argument("--html", metavar="OUT", help="write a self-contained review page")
    shw.add_argument("--db", help="where to look a doc_id up")
    shw.set_defaults(func=_show)
    for command in sub.choices.values():  # a usage error prints its command's usage line
        command.set_defaults(command_parser=command)
    return parser


def _apply_settings(args: argparse.Namespace) -> None:
    """Fill what the command line left unset from the config file; set the terminal's log level."""
    from pipeline.config import find_config

    _, settings = find_config(args.config)
    if getattr(args, "db", "-") is None and not os.environ.get("THAIREPORT_DB"):
        args.db = settings.get("db")
    for key in ("workers", "cron", "timezone", "inbox", "work_pool", "db_secret", "db_env"):
        if getattr(args, key, "-") is None:
            setattr(args, key, settings.get(key, DEFAULTS.get(key)))
    level = args.log_level or ({1: "INFO"}.get(args.verbose) or ("DEBUG" if args.verbose > 1 else None))
    level = level or (settings.get("log_level") or "").upper() or None
    if level:
        if level not in LEVELS:
            raise UsageError(f"log level {level!r}: one of {', '.join(LEVELS)}")
        os.environ["THAIREPORT_LOG_LEVEL"] = level
        import logging

        logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code not in (0, None) else 0
    if getattr(args, "no_ocr", False):  # read by pipeline/readers/pdf.py, inherited by the workers
        os.environ["THAIREPORT_OCR"] = "0"
    from pipeline.config import ConfigError

    try:
        _apply_settings(args)
        return args.func(args)
    except (UsageError, ConfigError) as e:
        print(args.command_parser.format_usage().rstrip(), file=sys.stderr)
        print(f"thaireport {args.command}: error: {e}", file=sys.stderr)
        return 2
    except Exception as e:
        storage = sys.modules.get("pipeline.storage")
        if storage is not None and isinstance(e, storage.StorageError):  # one line, no traceback
            print(f"thaireport: {e}", file=sys.stderr)
            return 1
        raise


def entry() -> None:
    """The `thaireport` console script: main(), then a quick exit.

    After a flow run the interpreter's own teardown spent ~0.4 s (a third of a small run's
    tail) in cyclic-GC passes over Prefect's and spaCy's objects, for memory the OS takes back
    anyway. The database connections are closed first (SQLite checkpoints its WAL on close),
    then the heap is frozen so teardown frees by reference count only."""
    try:
        code = main()
    except BrokenPipeError:  # `thaireport ... | head`: the reader left; stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    except KeyboardInterrupt:  # Ctrl-C before a run began (imports, finding files): nothing was stored
        print("thaireport: interrupted before anything was stored", file=sys.stderr)
        code = 130
    if "pipeline.storage" in sys.modules:
        sys.modules["pipeline.storage"].dispose_engines()
    import gc

    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    entry()
