"""Local extraction processes for the flows.

Extraction is CPU-bound Python, so parallelism needs processes. Prefect's ProcessPoolTaskRunner
spawns each worker afresh (a new interpreter importing Prefect, PyThaiNLP and spaCy: ~3 s
before the first document), which a night's inbox of a few hundred reports never wins back.
Here the flow keeps Prefect's thread runner for its tasks and each task hands its batch to a
pool of processes made for extraction only.

The workers come from a fork server (multiprocessing's "forkserver"): one fresh interpreter
that imports the extractors and loads the dictionaries and the spaCy pipeline once (~1 s of
CPU), then forks every worker from that warm state. So the load is paid once however many
workers there are (it was once per worker when they were forked bare from the flow process),
the workers share its pages copy-on-write, and it runs while the flow process imports Prefect.
No worker is forked from a process with Prefect's threads in it.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import select
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from pipeline.batch import extract_paths

# imported by the fork server before it forks the first worker (see pipeline/warm.py)
PRELOAD = ["pipeline.warm"]


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
    killed (kill -9, OOM) would otherwise wait on its task queue for ever, and keep the fork
    server alive with it."""

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


def _init_worker(owner_pid: int) -> None:
    _leave_with(owner_pid)
    warm_up()


def _context() -> mp.context.BaseContext:
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return mp.get_context("spawn")  # each worker then warms itself (initializer)


def _copy_outcome(source: Future, target: Future) -> None:
    if target.done():  # cancelled by close()
        return
    if source.cancelled():
        target.cancel()
    elif source.exception() is not None:
        target.set_exception(source.exception())
    else:
        target.set_result(source.result())


class ExtractionPool:
    """`workers` processes that turn lists of paths into records.

    Nothing here blocks the caller: starting a worker waits for the fork server to be warm
    (~1 s the first time in a process), so workers are started, and prefetched batches
    submitted, from a background thread while the caller goes on (the CLI imports Prefect)."""

    def __init__(self, workers: int) -> None:
        self._prefetched: dict[tuple[str, ...], Future] = {}
        self._submitters: list[threading.Thread] = []
        self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                                             initializer=_init_worker, initargs=(os.getpid(),))
        self._starter = threading.Thread(target=self._start_workers, args=(workers,), daemon=True,
                                         name="thaireport-pool-start")
        self._starter.start()

    def _start_workers(self, workers: int) -> None:
        # a spawning executor starts a process per submit while none is idle: one each.
        # A failure here (e.g. a script without `if __name__ == "__main__":`, which every
        # process re-imports) surfaces at the first extract(), which submits again.
        try:
            for _ in range(workers):
                self._executor.submit(int)
        except Exception:
            return

    def prefetch(self, batches: list[list[str]]) -> None:
        """Start batches now, before anyone asks for them: the CLI plans the run and starts
        extracting while Prefect is still importing and creating the flow run (~1.5 s). A
        batch nobody asks for is wasted work, never a wrong result: results are keyed by the
        exact list of paths, and the flow plans from the same files and database."""
        placeholders = {tuple(b): Future() for b in batches}
        self._prefetched.update(placeholders)

        def submit_all() -> None:
            self._starter.join()
            for key, placeholder in placeholders.items():
                try:
                    real = self._executor.submit(extract_paths, list(key))
                except Exception as exc:  # no process could start: whoever waits gets why
                    if not placeholder.done():
                        placeholder.set_exception(exc)
                    continue
                real.add_done_callback(lambda f, p=placeholder: _copy_outcome(f, p))

        submitter = threading.Thread(target=submit_all, daemon=True, name="thaireport-prefetch")
        submitter.start()
        self._submitters.append(submitter)

    def extract(self, paths: list[str]) -> list[dict[str, Any]]:
        fut = self._prefetched.pop(tuple(paths), None)
        if fut is None:
            self._starter.join()
            fut = self._executor.submit(extract_paths, paths)
        return fut.result()

    def close(self) -> None:
        for t in (self._starter, *self._submitters):
            t.join()
        self._executor.shutdown(wait=True, cancel_futures=True)
        for fut in self._prefetched.values():  # batches nobody asked for
            fut.cancel()
