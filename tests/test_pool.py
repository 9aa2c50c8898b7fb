"""Forked extraction processes: same records as in-process extraction, prefetched or not."""

from conftest import SAMPLES

from pipeline.batch import balanced_batches, extract_paths
from pipeline.pool import ExtractionPool


def _strip(records):
    return [{k: v for k, v in r.items()} for r in records]


def test_pool_matches_in_process_extraction_and_uses_prefetched_batches():
    paths = [str(p) for p in sorted(SAMPLES.glob("*.txt"))] + [str(SAMPLES / "002_1f4f99ff3787c05c.pdf")]
    batches = balanced_batches(paths, 2)
    assert sorted(p for b in batches for p in b) == sorted(paths)  # every file once
    assert len(batches) >= 2
    pool = ExtractionPool(2)
    try:
        pool.prefetch(batches[:1])
        assert tuple(batches[0]) in pool._prefetched
        first = pool.extract(batches[0])         # the prefetched result
        assert tuple(batches[0]) not in pool._prefetched
        rest = [pool.extract(b) for b in batches[1:]]  # computed on demand
    finally:
        pool.close()
    assert _strip(first) == _strip(extract_paths(batches[0]))
    assert [_strip(r) for r in rest] == [_strip(extract_paths(b)) for b in batches[1:]]


def test_pool_balanced_batches_are_balanced_by_bytes_largest_first():
    import os

    paths = [str(p) for p in sorted(SAMPLES.iterdir())]
    batches = balanced_batches(paths, 2)
    loads = [sum(os.path.getsize(p) for p in b) for b in batches]
    assert loads == sorted(loads, reverse=True)
    # longest-processing-time-first: no batch exceeds another by more than the largest file
    assert loads[0] - loads[-1] <= max(os.path.getsize(p) for p in paths)
