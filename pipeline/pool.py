"""Local extraction processes for the flows, each document under limits.

Extraction is CPU-bound Python, so parallelism needs processes. Prefect's ProcessPoolTaskRunner
spawns each worker afresh (a new interpreter importing Prefect, PyThaiNLP and spaCy: ~3 s
before the first document), which a night's inbox of a few hundred reports never wins back.
Here the flow keeps Prefect's thread runner for its tasks and each task hands its batch to a
pool of processes made for extraction only.

The workers come from a fork server (multiprocessing's "forkserver"): one fresh interpreter
that imports the extractors and loads the dictionaries and the spaCy pipeline once (~1 s of
CPU), then forks every worker from that warm state. So the load is paid once however many
workers there are, the workers share its pages copy-on-write, and it runs while the flow
process imports Prefect. No worker is forked from a process with Prefect's threads in it.

One document at a time goes to a worker over its own pipe, so the pool always knows which
document a worker is on. That is what makes a bad document contained (see `Limits`):
- a worker that dies (killed, out of memory, a crash in C) is replaced and the document it was
  reading is tried once more; if that kills a worker too, only that document becomes a
  `failed` record; the batch goes on;
- a document over its time limit is stopped in the worker (an alarm: a clean `failed` record),
  and if the worker is stuck in C code and does not answer, it is killed and replaced;
- each worker runs under an address-space limit (RLIMIT_AS), so a decompression bomb ends in a
  MemoryError or a dead worker, not in the machine swapping.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import select
import signal
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

# imported by the fork server before it forks the first worker (see pipeline/warm.py)
PRELOAD = ["pipeline.warm"]

DEFAULT_DOC_TIMEOUT = 300.0         # seconds one document may take; the 500-page bench PDF takes ~3
# Address space of one worker. A warm worker maps ~0.45 GB of it (RSS ~0.16 GB, mostly shared with
# the fork server); reading the 500-page bench PDF adds < 0.1 GB. A decompression bomb meets the
# limit at ~0.7 GB of RSS (a 3 GiB Flate stream: < 1 s, then pdfium aborts or Python raises
# MemoryError), where it used to take 4.3 GB; with the flow process beside it the whole run
# stays under 1 GB (1024 MB here put the run at 0.95 GB).
DEFAULT_MEMORY_LIMIT = 896 << 20
HARD_KILL_GRACE = 5.0               # seconds past the deadline before a silent worker is killed


@dataclass(frozen=True)
class Limits:
    """Per-document limits in the workers. memory_bytes=0 means no address-space limit."""

    doc_timeout: float = DEFAULT_DOC_TIMEOUT
    memory_bytes: int = DEFAULT_MEMORY_LIMIT


def warm_up() -> None:
    """Load what extraction needs (word lists, nlpo3 dictionary, spaCy pipeline, patterns).
    Every step is cached, so in a worker forked from the warm fork server this costs nothing."""
    from extractors.nlp import nlp, trigger_pattern
    from pipeline.run import build_record  # noqa: F401  (imports every extractor)
    from pipeline.tokenize import tokens

    nlp()
    trigger_pattern()
    tokens("ตัวชี้วัด")


def _leave_with(owner_pid: int) -> None:
    """Exit when the process that owns the pool is gone. A worker of a flow process that was
    killed (kill -9, OOM) would otherwise wait on its pipe for ever, and keep the fork server
    alive with it."""

    def watch() -> None:
        try:
            fd = os.pidfd_open(owner_pid)  # Linux: readable when the process exits
        except (AttributeError, OSError):
            fd = None
        if fd is not None:
            select.select([fd], [], [])
        else:
            while True:
                try:
                    os.kill(owner_pid, 0)
                except ProcessLookupError:
                    break
                except PermissionError:
                    pass
                time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="thaireport-owner-watch").start()


def limit_memory(nbytes: int) -> None:
    """Cap this process's address space (RLIMIT_AS) at `nbytes` (0: leave it)."""
    if nbytes <= 0:
        return
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = nbytes if hard == resource.RLIM_INFINITY else min(nbytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


_PROBE = "\0probe"  # not a path: asks a worker what it inherited (tests)


def _worker_state() -> tuple[int, bool, int]:
    import gc
    import resource
    import sys

    return gc.get_freeze_count(), "spacy" in sys.modules, resource.getrlimit(resource.RLIMIT_AS)[0]


def _worker_main(conn, owner_pid: int, limits: Limits) -> None:
    """A worker: paths in, records out, one at a time, each under the time limit."""
    from pipeline.run import run_document_limited

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the owner's to handle; it stops us
    _leave_with(owner_pid)
    warm_up()
    limit_memory(limits.memory_bytes)
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        if path == _PROBE:
            conn.send(_worker_state())
            continue
        conn.send(run_document_limited(path, limits.doc_timeout, limits.memory_bytes))


def _context() -> mp.context.BaseContext:
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        _start_fork_server()
        return ctx
    return mp.get_context("spawn")  # each worker then warms itself


def _start_fork_server() -> None:
    """Start the fork server now, from the main thread, with Ctrl-C ignored: it inherits that,
    so a terminal's Ctrl-C (sent to the whole process group) cannot break it mid-import with a
    traceback of its own; Ctrl-C is the owner's to handle (the workers ignore it too)."""
    if threading.current_thread() is not threading.main_thread():
        return  # started by the first worker then
    from multiprocessing import forkserver

    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, old)


class _Worker:
    """One extraction process and the parent's end of its pipe."""

    def __init__(self, ctx: mp.context.BaseContext, limits: Limits) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, os.getpid(), limits), daemon=True,
                                name="thaireport-extract")
        self.proc.start()
        child.close()

    def stop(self, kill: bool = False) -> None:
        if kill and self.proc.is_alive():
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.proc.join(2)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(2)
        self.conn.close()


def _death_reason(code: int | None, memory_bytes: int) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
    else:
        name = f"exit code {code}"
    limit = (f"the worker's memory limit of {memory_bytes / 2**20:.0f} MB (--memory-limit)"
             if memory_bytes else "the machine's memory")
    if code == -signal.SIGKILL:
        return f"{name}: killed, or out of memory"
    # pdfium aborts when an allocation fails: a decompression bomb or a huge page met the limit
    return f"{name}: most likely the document needed more than {limit}"


class ExtractionPool:
    """`workers` processes that turn lists of paths into records, one document at a time.

    Nothing here blocks the caller: starting a worker waits for the fork server to be warm
    (~1 s the first time in a process), so workers are started, and prefetched batches run,
    from background threads while the caller goes on (the CLI imports Prefect)."""

    def __init__(self, workers: int, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._ctx = _context()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._prefetched: dict[tuple[str, ...], Future] = {}
        self._threads: list[threading.Thread] = []
        self._size = max(1, workers)
        self.replaced = 0  # workers that died or were killed and were replaced
        self._starter = threading.Thread(target=self._start_workers, args=(workers,), daemon=True,
                                         name="thaireport-pool-start")
        self._starter.start()

    def _new_worker(self) -> _Worker:
        w = _Worker(self._ctx, self.limits)
        with self._lock:
            self._all.add(w)
            if self._closed:  # closed while this one started
                self._all.discard(w)
                w.stop(kill=True)
                raise RuntimeError("extraction pool is closed")
        return w

    def _start_workers(self, workers: int) -> None:
        # A failure here (e.g. a script without `if __name__ == "__main__":`, which every
        # process re-imports) surfaces at the first extract(), which starts one again.
        try:
            for _ in range(workers):
                self._idle.put(self._new_worker())
        except Exception:
            return

    def pids(self) -> list[int]:
        with self._lock:
            return [w.proc.pid for w in self._all if w.proc.pid is not None]

    def _take(self) -> _Worker:
        self._starter.join()
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            short = len(self._all) < self._size
        if short:  # the start-up failed, or a replacement did: start one here
            return self._new_worker()
        while True:  # a worker comes back when its batch ends; nothing comes back once closed
            try:
                return self._idle.get(timeout=0.2)
            except queue.Empty:
                if self._closed:
                    raise RuntimeError("extraction pool is closed") from None

    def _replace(self, w: _Worker) -> _Worker:
        with self._lock:
            self._all.discard(w)
        w.stop(kill=True)
        self.replaced += 1
        return self._new_worker()

    def _one(self, w: _Worker, path: str, retry: bool = True) -> tuple[_Worker, dict[str, Any]]:
        """Extract one document on worker w; returns the worker to use next and the record.
        A worker that dies is replaced and its document tried once more on the new one (a
        worker killed from outside, or by the OOM killer for another process's sake, says
        nothing about the document); a second death makes the document `failed`."""
        from pipeline.run import failed_record

        try:
            w.conn.send(path)
            if w.conn.poll(self.limits.doc_timeout + HARD_KILL_GRACE):
                return w, w.conn.recv()
            why = (f"took longer than the per-document time limit ({self.limits.doc_timeout:g} s, "
                   "--doc-timeout); the extraction was stopped")
        except (EOFError, OSError):
            w.proc.join(1)
            if self._closed:
                raise RuntimeError("extraction pool is closed") from None
            reason = _death_reason(w.proc.exitcode, self.limits.memory_bytes)
            if retry:
                return self._one(self._replace(w), path, retry=False)
            why = (f"the extraction process died while reading this document, twice ({reason}); "
                   "the other documents went on")
        if self._closed:
            raise RuntimeError("extraction pool is closed")
        return self._replace(w), failed_record(path, why)

    def _run_batch(self, paths: list[str]) -> list[dict[str, Any]]:
        w = self._take()
        records = []
        try:
            for p in paths:
                if self._closed:  # a prefetched batch nobody asked for: stop it
                    raise RuntimeError("extraction pool is closed")
                w, rec = self._one(w, p)
                records.append(rec)
        finally:
            if not self._closed:
                self._idle.put(w)
        return records

    def prefetch(self, batches: list[list[str]]) -> None:
        """Start batches now, before anyone asks for them: the CLI plans the run and starts
        extracting while Prefect is still importing and creating the flow run (~1.5 s). A
        batch nobody asks for is wasted work, never a wrong result: results are keyed by the
        exact list of paths, and the flow plans from the same files and database."""
        for batch in batches:
            fut: Future = Future()
            self._prefetched[tuple(batch)] = fut

            def run(batch=batch, fut=fut) -> None:
                if not fut.set_running_or_notify_cancel():
                    return
                try:
                    fut.set_result(self._run_batch(batch))
                except BaseException as exc:  # whoever waits gets why
                    fut.set_exception(exc)

            t = threading.Thread(target=run, daemon=True, name="thaireport-prefetch")
            t.start()
            self._threads.append(t)

    def extract(self, paths: list[str]) -> list[dict[str, Any]]:
        fut = self._prefetched.pop(tuple(paths), None)
        if fut is not None:
            return fut.result()
        return self._run_batch(paths)

    def probe(self) -> tuple[int, bool, int]:
        """(objects frozen in the worker's heap, spaCy loaded, its RLIMIT_AS) of one idle worker."""
        w = self._take()
        try:
            w.conn.send(_PROBE)
            return w.conn.recv()
        finally:
            self._idle.put(w)

    def close(self, kill: bool = False) -> None:
        """Stop every worker: politely after the last batch, at once with kill (Ctrl-C)."""
        self._closed = True
        for fut in self._prefetched.values():  # batches nobody asked for
            fut.cancel()
        if not kill:
            for t in self._threads:
                t.join()
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.stop(kill=kill)
