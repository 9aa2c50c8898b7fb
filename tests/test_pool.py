"""Extraction processes: same records as in-process extraction, prefetched or not; workers that
start warm from the fork server; none left behind when their owner is killed."""

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


OWNER = """
import sys, time
from pipeline.pool import ExtractionPool
if __name__ == "__main__":
    pool = ExtractionPool(2)
    print(pool.extract([sys.argv[1]])[0]["status"], flush=True)
    pool.extract([sys.argv[1]])
    print(" ".join(str(pid) for pid in pool.pids()), flush=True)
    time.sleep(600)
"""


def test_pool_workers_leave_when_their_owner_is_killed(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "owner.py"
    script.write_text(OWNER)
    # stderr to a file: after the kill, the owner's resource tracker reports the semaphores the
    # owner never released (expected), and a failure's traceback is kept for the assertion
    err = (tmp_path / "owner.err").open("w+")
    owner = subprocess.Popen([sys.executable, str(script), str(SAMPLES / "003_9c2777eec267e8c4.txt")],
                             stdout=subprocess.PIPE, stderr=err, text=True, cwd=str(SAMPLES.parent))
    try:
        assert owner.stdout.readline().strip() == "ok", (tmp_path / "owner.err").read_text()
        workers = [int(pid) for pid in owner.stdout.readline().split()]
        assert workers and all(_alive(pid) for pid in workers)
    finally:
        owner.send_signal(signal.SIGKILL)
        owner.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    print(f"\nworkers {workers} gone {time.monotonic() - deadline + 10:.2f} s after kill -9 of their owner")
    assert not any(_alive(pid) for pid in workers)


def _alive(pid):

    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_pool_workers_are_forked_from_the_warm_fork_server():
    pool = ExtractionPool(1)
    try:
        pool.extract([str(SAMPLES / "003_9c2777eec267e8c4.txt")])
        frozen, spacy_loaded, _ = pool.probe()
    finally:
        pool.close()
    # objects frozen by pipeline/warm.py after loading the extractors: the worker inherited them
    print(f"\nworker inherited {frozen} frozen objects from the fork server")
    assert spacy_loaded and frozen > 10_000


def _slow_txt(path, seconds_hint: int = 1):
    """A text report that takes a few seconds to extract (many indicator lines)."""
    line = "ตัวชี้วัดที่ {n} ร้อยละของโครงการที่แล้วเสร็จตามแผน เป้าหมาย ร้อยละ 80 ผล 85 สำเร็จ งบประมาณ 1,200,000 บาท\n"
    path.write_text("".join(line.format(n=n) for n in range(1, 6000 * seconds_hint)), "utf-8")
    return str(path)


def test_pool_worker_killed_midway_its_document_is_retried_the_batch_goes_on(tmp_path):
    import os
    import signal
    import threading
    import time

    small = [str(p) for p in sorted(SAMPLES.glob("*.txt"))]
    slow = _slow_txt(tmp_path / "slow.txt", 3)
    batch = [small[0], slow, *small[1:]]
    pool = ExtractionPool(1)
    try:
        pool.probe()  # warm and idle
        (victim,) = pool.pids()
        out = {}
        t = threading.Thread(target=lambda: out.update(records=pool.extract(batch)))
        t.start()
        time.sleep(1.0)  # the first sample takes ~0.05 s: the worker is on the slow one
        os.kill(victim, signal.SIGKILL)
        t.join(120)
        records = out["records"]
        assert [r["source"] for r in records] == batch  # nothing lost, order kept
        failed = [r for r in records if r["status"] == "failed"]
        print(f"\nafter kill -9 of worker {victim}: {len(records) - len(failed)} of {len(batch)} read "
              f"(the slow one retried on the replacement), failed: {failed}")
        assert not failed
        assert pool.replaced == 1 and pool.pids() and victim not in pool.pids()
        assert pool.extract(small[:1])[0]["status"] == "ok"  # the replacement works
    finally:
        pool.close()


def test_pool_document_over_its_deadline_fails_naming_the_limit(tmp_path):
    import time

    from pipeline.pool import Limits

    slow = _slow_txt(tmp_path / "slow.txt", 3)
    good = str(SAMPLES / "003_9c2777eec267e8c4.txt")
    pool = ExtractionPool(1, Limits(doc_timeout=0.5))
    try:
        pool.probe()
        t0 = time.monotonic()
        records = pool.extract([slow, good])
        took = time.monotonic() - t0
    finally:
        pool.close()
    print(f"\nslow document stopped at its 0.5 s deadline; batch of 2 took {took:.2f} s")
    assert records[0]["status"] == "failed" and "time limit (0.5 s" in records[0]["error"]
    assert records[1]["status"] == "ok"
    assert took < 3


def test_pool_document_that_kills_its_worker_twice_fails_naming_the_memory_limit(tmp_path):
    """A document whose extraction dies each time (here: a PDF Flate bomb under the default
    address-space limit; pdfium aborts) is failed after one retry, and the next document is read."""
    import sys

    sys.path.insert(0, str(SAMPLES.parent / "tests"))
    from test_badinput import flate_bomb_pdf

    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(flate_bomb_pdf(3 << 30))
    good = str(SAMPLES / "003_9c2777eec267e8c4.txt")
    pool = ExtractionPool(1)
    try:
        records = pool.extract([str(bomb), good])
        replaced = pool.replaced
    finally:
        pool.close()
    print(f"\nbomb: {records[0]['error']}")
    assert records[0]["status"] == "failed" and "memory limit of 896 MB" in records[0]["error"]
    assert records[1]["status"] == "ok" and replaced == 2


def test_pool_workers_run_under_the_memory_limit():
    from pipeline.pool import Limits

    pool = ExtractionPool(1, Limits(memory_bytes=900 << 20))
    try:
        assert pool.probe()[2] == 900 << 20
    finally:
        pool.close()
