"""Local extraction processes for the flows.

Extraction is CPU-bound Python, so parallelism needs processes. Prefect's ProcessPoolTaskRunner
spawns each worker afresh (a new interpreter importing Prefect, PyThaiNLP and spaCy: ~3 s
before the first document), which a night's inbox of a few hundred reports never wins back.
Here the flow keeps Prefect's thread runner for its tasks and each task hands its batch to a
pool of processes forked from the flow process: a worker starts in milliseconds and loads the
dictionaries and the spaCy pipeline while the flow is still finding and hashing files. The
flow's own thread meanwhile validates and writes the batches that are done, so even one
worker overlaps extraction with storage.
"""

from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from pipeline.batch import extract_paths


def warm_up() -> None:
    """Load what extraction needs (word lists, nlpo3 dictionary, spaCy pipeline, patterns)."""
    from extractors.nlp import nlp, trigger_pattern
    from pipeline.run import build_record  # noqa: F401  (imports every extractor)
    from pipeline.tokenize import tokens

    nlp()
    trigger_pattern()
    tokens("ตัวชี้วัด")


class ExtractionPool:
    """`workers` processes that turn lists of paths into records."""

    def __init__(self, workers: int) -> None:
        # fork where there is one: a child starts in milliseconds and loads the extractors in
        # parallel with its siblings while this process goes on finding and hashing files
        self._prefetched: dict[tuple[str, ...], Future] = {}
        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=warm_up)
        for _ in range(workers):  # start them all now rather than at the first submit
            self._executor.submit(int)

    def prefetch(self, batches: list[list[str]]) -> None:
        """Start batches now, before anyone asks for them: the CLI plans the run and starts
        extracting while Prefect is still importing and creating the flow run (~1.5 s). A
        batch nobody asks for is wasted work, never a wrong result: results are keyed by the
        exact list of paths, and the flow plans from the same files and database."""
        for batch in batches:
            self._prefetched[tuple(batch)] = self._executor.submit(extract_paths, batch)

    def extract(self, paths: list[str]) -> list[dict[str, Any]]:
        fut = self._prefetched.pop(tuple(paths), None)
        return (fut or self._executor.submit(extract_paths, paths)).result()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
