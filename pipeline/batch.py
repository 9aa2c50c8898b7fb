"""What the flows do, without Prefect: find files, decide what to (re)extract, extract batches,
store them, count what happened. flows/ only wires these into tasks."""

from __future__ import annotations

import functools
import glob
import hashlib
import os
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import PIPELINE_VERSION
from pipeline.model import ReadError
from pipeline.readers import MAX_FILE_BYTES, READERS, open_regular
from pipeline.run import run_document


def discover(inputs: list[str] | str) -> list[str]:
    """Supported files under folders, matching globs, or named directly; sorted, no repeats."""
    if isinstance(inputs, str):
        inputs = [inputs]
    found: dict[str, None] = {}
    for item in inputs:
        matches = sorted(glob.glob(item, recursive=True)) if glob.has_magic(item) else [item]
        for m in matches:
            p = Path(m)
            if p.is_dir():
                for f in sorted(p.rglob("*")):
                    # not only regular files: a FIFO or a link to a device named like a report
                    # is listed, so that the reader refuses it by name (a `failures` row)
                    if f.suffix.lower() in READERS and not f.is_dir():
                        found[str(f)] = None
            elif p.is_file() or not glob.has_magic(item):
                found[str(p)] = None  # a missing named file fails visibly later, it is not skipped
    return list(found)


def in_scope(path: str, inputs: list[str] | str) -> bool:
    """Whether an absolute path is one the inputs name (a file, under a folder, or matching a
    glob): how an ingest tells which stored documents it is responsible for (gone sources)."""
    import fnmatch

    for item in [inputs] if isinstance(inputs, str) else inputs:
        if glob.has_magic(item):
            if fnmatch.fnmatchcase(path, os.path.abspath(item)):
                return True
        else:
            root = os.path.abspath(item)
            if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
                return True
    return False


def file_doc_id(path: str) -> str | None:
    """doc_id of a file's current bytes (streamed: a 200 MB PDF is not held), None if unreadable.
    Remembered per (path, size, mtime) in this process: the CLI plans a run and the flow plans
    it again, and hashing the inbox twice is the bulk of an unchanged night's work."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
        return None  # never read: the reader refuses it, by name, before reading a byte
    return _digest(path, st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=65536)
def _digest(path: str, _size: int, _mtime_ns: int) -> str | None:
    h = hashlib.sha256()
    try:
        fd, _ = open_regular(path)
        with os.fdopen(fd, "rb") as f:
            left = MAX_FILE_BYTES + 1
            while left > 0 and (chunk := f.read(min(1 << 20, left))):
                h.update(chunk)
                left -= len(chunk)
    except (OSError, ReadError):
        return None
    return "sha256:" + h.hexdigest()


def plan_ingest(paths: list[str], stored: dict[str, str], version: str = PIPELINE_VERSION
                ) -> tuple[list[str], list[str]]:
    """(to extract, skipped): a file is skipped when its bytes are stored by this pipeline version."""
    todo, skipped = [], []
    for p in paths:
        did = file_doc_id(p)
        (skipped if did is not None and stored.get(did) == version else todo).append(p)
    return todo, skipped


def batches(items: list[Any], workers: int, max_size: int = 64) -> list[list[Any]]:
    """Batches for tasks: a Prefect task run costs 35–100 ms of API calls, so a task is many
    documents, but enough batches that every worker stays busy to the end (4 per worker) and
    writing overlaps extraction."""
    if not items:
        return []
    size = max(1, min(max_size, -(-len(items) // (4 * max(workers, 1)))))
    return [items[i:i + size] for i in range(0, len(items), size)]


def extract_paths(paths: list[str]) -> list[dict[str, Any]]:
    """One record per path; never raises for a bad document (see pipeline.run)."""
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    return [run_document(p) for p in paths]


def balanced_batches(paths: list[str], workers: int, max_docs: int = 64) -> list[list[str]]:
    """Batches of about equal bytes, biggest first (longest-processing-time-first scheduling):
    one 300-page PDF in the last batch would otherwise leave every other worker idle at the end."""
    if not paths:
        return []
    sizes = {}
    for p in paths:
        try:
            sizes[p] = os.path.getsize(p)
        except OSError:
            sizes[p] = 0
    n = max(len(batches(paths, workers, max_docs)), 1)
    bins: list[tuple[int, list[str]]] = [(0, []) for _ in range(n)]
    for p in sorted(paths, key=lambda q: -sizes[q]):
        i = min(range(n), key=lambda k: (bins[k][0], len(bins[k][1])))
        bins[i] = (bins[i][0] + sizes[p], [*bins[i][1], p])
    return [b for _, b in sorted(bins, key=lambda b: -b[0]) if b]


class Progress:
    """A one-line progress bar on stderr, only when THAIREPORT_PROGRESS=1 (the CLI sets it when
    stderr is a terminal and --quiet is not given): never in logs, pipes or served runs."""

    def __init__(self, total: int, label: str) -> None:
        self.total, self.label, self.n = total, label, 0
        self.on = os.environ.get("THAIREPORT_PROGRESS") == "1" and total > 0
        self.t0 = time.monotonic()

    def advance(self, k: int) -> None:
        self.n += k
        if self.on:
            width = 30
            filled = int(width * self.n / self.total)
            rate = self.n / max(time.monotonic() - self.t0, 1e-9)
            sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                             f"{self.n}/{self.total} documents, {rate:.1f}/s")
            sys.stderr.flush()

    def done(self) -> None:
        if self.on:
            sys.stderr.write("\n")


# How the summary names what a write did (pipeline.storage.StoreResult.action).
_STORED_AS = {"new": "stored (new)", "again": "stored (same bytes again)",
              "superseded": "stored (replacing an older version)"}


@dataclass
class RunSummary:
    """What one ingest or reprocess run did, for the artifact, the log and the CLI table."""

    kind: str
    by_status: dict[str, int] = field(default_factory=dict)
    new_rows: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)
    outcome: dict[str, int] = field(default_factory=dict)  # reprocess: changed / unchanged / source-missing
    seconds: float = 0.0

    def add_records(self, records: list[dict[str, Any]], count_rows: bool = True) -> None:
        for r in records:
            self.by_status[r["status"]] = self.by_status.get(r["status"], 0) + 1
            if r["status"] == "failed":
                self.failures.append((r["source"], r["error"] or "failed"))
            elif count_rows:
                for t in ("indicators", "dates", "budgets", "entities"):
                    self.new_rows[t] = self.new_rows.get(t, 0) + len(r[t])

    def add_stored(self, results: list[dict[str, Any]]) -> None:
        """Count what the writes did (pipeline.storage.StoreResult as dicts): documents by action,
        and the net rows each table gained."""
        for r in results:
            if r["action"] == "failed":
                continue  # counted from its record
            self.count(_STORED_AS[r["action"]])
            for t, n in r["rows"].items():
                self.new_rows[t] = self.new_rows.get(t, 0) + n

    def count(self, key: str, n: int = 1) -> None:
        self.outcome[key] = self.outcome.get(key, 0) + n

    @property
    def failed(self) -> int:
        return self.by_status.get("failed", 0)

    def log_line(self) -> str:
        parts = [f"{k}={v}" for k, v in sorted(self.by_status.items())]
        parts += [f"{k}={v}" for k, v in sorted(self.outcome.items())]
        parts += [f"new_{k}={v}" for k, v in sorted(self.new_rows.items())]
        return f"{self.kind}: " + " ".join(parts) + f" in {self.seconds:.1f} s"

    def markdown(self) -> str:
        lines = [f"# thaireport {self.kind}", "", "| documents | count |", "| --- | --- |"]
        lines += [f"| {k} | {v} |" for k, v in sorted({**self.by_status, **self.outcome}.items())]
        lines += ["", "| new rows | count |", "| --- | --- |"]
        lines += [f"| {k} | {v} |" for k, v in sorted(self.new_rows.items())]
        if self.failures:
            lines += ["", "## Failures", "", "| source | reason |", "| --- | --- |"]
            lines += [f"| `{s}` | {e.replace('|', '/')} |" for s, e in self.failures]
        return "\n".join(lines)

    def table(self) -> str:
        rows = [(k, v) for k, v in sorted({**self.by_status, **self.outcome}.items())]
        rows += [(f"new {k}", v) for k, v in sorted(self.new_rows.items())]
        width = max((len(k) for k, _ in rows), default=10)
        out = [f"{'':<{width}}  count", *(f"{k:<{width}}  {v:>5}" for k, v in rows)]
        out += [f"FAILED {s}: {e}" for s, e in self.failures]
        out.append(f"{self.kind} took {self.seconds:.1f} s")
        return "\n".join(out)
