"""The bad-input suite: every defect issue 10 found, plus more, each between good documents, in
one real `thaireport ingest` (a real Prefect server, SQLite; the Unicode cases in PostgreSQL
too). Every good document is stored, every bad file has one `failures` row whose reason names
what is wrong, the run's memory stays under 1 GB, and no document runs past its deadline.

Every bad input is made here: sparse files, a FIFO, a link to /dev/zero, decompression bombs,
PDFs written by hand (a ToUnicode map with glyphs outside the BMP, 30,000 thin rules, a page
pdfium cannot load), DOCX with lying zip headers or absurd list numbering."""

import io
import json
import os
import re
import subprocess
import threading
import time
import zipfile
import zlib
from pathlib import Path

import psutil
import pytest
from conftest import BIN, SAMPLES, fresh_pg_database

from pipeline import storage

DOC_TIMEOUT = 8.0
GOOD = sorted(SAMPLES.glob("*.txt"))

# --- generators --------------------------------------------------------------------------------


def pdf_bytes(content: bytes, resources: bytes = b"", extra: list[bytes] | None = None,
              content_dict: bytes = b"") -> bytes:
    """A one-page PDF: objects 1-3 catalog/pages/page, 4 the content stream, then `extra`."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << "
            + resources + b" >> >>",
            b"<< /Length %d %s >>\nstream\n" % (len(content), content_dict) + content + b"\nendstream",
            *(extra or [])]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def text_pdf(shown: bytes, to_unicode: dict[int, str], more_content: bytes = b"") -> bytes:
    """Helvetica text whose ToUnicode CMap maps byte codes to UTF-16BE hex: a glyph outside the
    BMP is a surrogate pair there (how LibreOffice writes 𝐀), a lone half is a broken map."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /T def "
            b"1 begincodespacerange <00> <FF> endcodespacerange\n%d beginbfchar\n" % len(to_unicode)
            + b"".join(b"<%02X> <%s>\n" % (k, v.encode()) for k, v in to_unicode.items())
            + b"endbfchar endcmap CMapName currentdict /CMap defineresource pop end end")
    content = b"BT /F1 14 Tf 72 780 Td (" + shown + b") Tj ET\n" + more_content
    return pdf_bytes(content, b"/Font << /F1 5 0 R >>", [
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream"])


def flate_bomb_pdf(inflated: int) -> bytes:
    """A content stream that inflates to `inflated` bytes: one deflate block of 1 MiB of spaces,
    repeated (a full flush makes each copy stand alone), so building 3 GiB takes milliseconds."""
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = co.compress(b" " * (1 << 20)) + co.flush(zlib.Z_FULL_FLUSH)
    stream = b"\x78\xda" + block * (inflated >> 20) + b"\x03\x00" + b"\0\0\0\0"
    return pdf_bytes(stream, content_dict=b"/Filter /FlateDecode")


def thin_rules_pdf(rules: int) -> bytes:
    """A page of text over `rules` hairline rules with thousands of different left/right edges
    and a few vertical ones (ruled-table grouping compared every rule with every group)."""
    ops = [b"%.1f %.1f %.1f 0.1 re f\n" % (20 + (i % 170) * 3.1, 40 + (i * 0.025) % 760,
                                            25 + (i // 170 % 50) * 3.1) for i in range(rules)]
    ops += [b"%d 40 0.1 760 re f\n" % x for x in (20, 300, 560)]
    return text_pdf(b"Report 2566", {}, b"".join(ops))


def docx_from_sample(transform) -> bytes:
    """The sample DOCX rewritten member by member: transform(name, data) -> data."""
    src = zipfile.ZipFile(SAMPLES / "003_9c2777eec267e8c4.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, transform(info.filename, src.read(info)))
    return out.getvalue()


def numbered_docx(start: str, fmt: str) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("รายงานผลการดำเนินงาน ประจำปีงบประมาณ พ.ศ. 2566")
    for t in ("ตัวชี้วัด ร้อยละของโครงการที่แล้วเสร็จ", "ตัวชี้วัด จำนวนผู้เข้าร่วมโครงการ"):
        d.add_paragraph(t, style="List Number")
    buf = io.BytesIO()
    d.save(buf)
    src = zipfile.ZipFile(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/numbering.xml":
                data = re.sub(rb'<w:start w:val="\d+"/>', b'<w:start w:val="' + start.encode() + b'"/>', data)
                data = data.replace(b'<w:numFmt w:val="decimal"/>', b'<w:numFmt w:val="' + fmt.encode() + b'"/>')
            z.writestr(info, data)
    return out.getvalue()


def lying_zip_docx(inflated: int) -> bytes:
    """A member whose headers (local and central) say 1,000 bytes but which inflates to `inflated`."""
    data = bytearray(docx_from_sample(lambda n, d: d))
    buf = io.BytesIO(bytes(data))
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/media/blob.bin", b"\0" * inflated)
    data = bytearray(buf.getvalue())
    name = b"word/media/blob.bin"
    i = 0
    while (i := data.find(name, i)) != -1:
        if data[i - 30:i - 26] == b"PK\x03\x04":
            data[i - 30 + 22:i - 30 + 26] = (1000).to_bytes(4, "little")
        elif data[i - 46:i - 42] == b"PK\x01\x02":
            data[i - 46 + 24:i - 46 + 28] = (1000).to_bytes(4, "little")
        i += 1
    return bytes(data)


# Each case: file name -> (maker(path), expected). expected is a regex the failures row's reason
# must match, or None when the file must now be stored (a defect that used to fail or crash).
def _write(data: bytes):
    return lambda p: p.write_bytes(data)


def _sparse(size: int):
    def make(p: Path) -> None:
        with open(p, "wb") as f:
            f.truncate(size)
    return make


CASES = {
    "sparse-4gib.pdf": (_sparse(4 << 30), r"4096 MB; the limit is 200 MB"),
    "fifo.txt": (lambda p: os.mkfifo(p), r"FIFO \(named pipe\).*not a regular file"),
    "zero-link.pdf": (lambda p: p.symlink_to("/dev/zero"), r"character device \(a symbolic link to it\)"),
    "flate-bomb.pdf": (lambda p: p.write_bytes(flate_bomb_pdf(3 << 30)), r"memory limit of 896 MB"),
    "zip-lies.docx": (lambda p: p.write_bytes(lying_zip_docx(300 << 20)), r"damaged|zip bomb"),
    "zip-bomb.docx": (lambda p: p.write_bytes(docx_from_sample(
        lambda n, d: d + b"<!--" + b" " * (150 << 20) + b"-->" if n == "word/document.xml" else d)),
        r"expands to \d+ MB.*zip bomb"),
    "bad-magic.docx": (lambda p: p.write_bytes(docx_from_sample(lambda n, d: d).replace(
        b"PK\x03\x04", b"PK\x03\x05", 2).replace(b"PK\x03\x05", b"PK\x03\x04", 1)),
        r"damaged.*save it again"),
    "numbering-abc.docx": (_write(numbered_docx("abc", "decimal")), r"bad number in the document's list numbering"),
    "bad-page.pdf": (_write(text_pdf(b"Report 2566", {}).replace(b"/Type /Page /Parent", b"/Type /Pagex /Parent")),
                     r"PDF is damaged.*save or print it to a new PDF"),
    "empty.txt": (_write(b""), r"TXT file has no text"),
    # defects that lost documents or hung: these must now be stored
    "roman-10e12.docx": (_write(numbered_docx("1000000000000", "upperRoman")), None),
    "math-bold-AB.pdf": (_write(text_pdf(b"Report AB 2566", {0x41: "D835DC00", 0x42: "D835DC01"})), None),
    "lone-surrogate.pdf": (_write(text_pdf(b"Report AB 2566", {0x41: "D835"})), None),
    "nul-bytes.txt": (_write(("รายงานผลการดำเนินงาน\n" * 300 + "\x00\x00ตัวชี้วัดที่ 1 ร้อยละ 80\n").encode()), None),
    "long-number.txt": (_write(("ตัวชี้วัดที่ " + ".".join(str(i) for i in range(1, 40))
                                + " ร้อยละของงานที่แล้วเสร็จ\nผลการดำเนินงาน สำเร็จ\n").encode()), None),
    "thin-rules-30000.pdf": (_write(thin_rules_pdf(30000)), r"time limit \(8 s"),  # or stored when fast
}
BAD_NAME = os.fsdecode(b"name-\xff\xfe.txt")  # not valid UTF-8: kept, shown escaped


def build_inbox(root: Path) -> tuple[Path, list[str]]:
    """Each case between two good documents; returns the inbox and the good file names."""
    inbox = root / "inbox"
    inbox.mkdir()
    good = []
    for i, (name, (make, _)) in enumerate(sorted(CASES.items())):
        g = inbox / f"good-{i:02d}.txt"
        g.write_bytes(GOOD[i % len(GOOD)].read_bytes() + f"\n<!-- {i} -->\n".encode())
        good.append(g.name)
        make(inbox / name)
    last = inbox / "good-zz.txt"
    last.write_bytes(GOOD[0].read_bytes() + b"\n<!-- last -->\n")
    good.append(last.name)
    (inbox / BAD_NAME).write_bytes(GOOD[1].read_bytes() + b"\n<!-- bad name -->\n")
    return inbox, good


class PeakMemory:
    """Samples the process tree of `pid` every 50 ms: the largest RSS of any one process and
    the largest total PSS (shared pages counted once)."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.max_rss = self.max_total_pss = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for p in procs:
                try:
                    m = p.memory_full_info()
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                self.max_rss = max(self.max_rss, m.rss)
                total += m.pss
            self.max_total_pss = max(self.max_total_pss, total)
            self.stop.wait(0.05)


def ingest(inbox: Path, url: str, env: dict) -> tuple[subprocess.CompletedProcess, PeakMemory, float]:
    t0 = time.monotonic()
    proc = subprocess.Popen([str(BIN / "thaireport"), "ingest", str(inbox), "--db", url, "--quiet",
                             "--doc-timeout", str(DOC_TIMEOUT)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    peak = PeakMemory(proc.pid)
    out, err = proc.communicate(timeout=600)
    peak.stop.set()
    peak.thread.join()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), peak, time.monotonic() - t0


@pytest.fixture(scope="module")
def suite(tmp_path_factory, prefect_server):
    root = tmp_path_factory.mktemp("badinput")
    inbox, good = build_inbox(root)
    url = f"sqlite:///{root / 'db.sqlite'}"
    run, peak, took = ingest(inbox, url, prefect_server)
    frames = storage.tables(url)
    storage.dispose_engines()
    return inbox, good, run, peak, took, frames


def test_badinput_every_good_document_stored_every_bad_file_one_failure_with_its_reason(suite):
    _inbox, good, run, _peak, took, frames = suite
    docs, fails = frames["documents"], frames["failures"]
    stored = {Path(s).name for s in docs["source"]}
    print(f"\n{len(CASES)} cases + a file name that is not UTF-8 among {len(good)} good documents: "
          f"exit {run.returncode} in {took:.1f} s; {len(docs)} stored, {len(fails)} failures rows")
    for _, row in fails.sort_values("source").iterrows():
        print(f"  {Path(row['source']).name}: {row['error']}")
    assert run.returncode == 1, run.stderr[-3000:]  # some documents failed; the run completed
    assert set(good) <= stored
    expected_fail = {n: why for n, (_, why) in CASES.items() if why is not None}
    by_name = {Path(s).name: e for s, e in zip(fails["source"], fails["error"], strict=True)}
    assert len(fails) == len(by_name)  # one row per bad file
    for name, why in expected_fail.items():
        if name == "thin-rules-30000.pdf" and name in stored:
            continue  # read within its deadline (linear ruled-table grouping)
        assert name in by_name, f"{name} has no failures row"
        assert re.search(why, by_name[name]), (name, by_name[name])
    assert set(by_name) <= set(expected_fail)
    for name, (_, why) in CASES.items():
        if why is None:
            assert name in stored, f"{name} was not stored: {by_name.get(name)}"


def test_badinput_text_is_valid_unicode_and_names_are_kept_with_their_escapes(suite):
    _inbox, _good, _run, _peak, _took, frames = suite
    docs = frames["documents"].set_index(frames["documents"]["source"].map(lambda s: Path(s).name))
    assert "name-\\xff\\xfe.txt" in docs.index  # shown with its escapes, valid text
    warnings = {n: " ".join(json.loads(w) if isinstance(w, str) else w) for n, w in docs["warnings"].items()}
    assert "NUL character(s) removed" in warnings["nul-bytes.txt"]
    assert "without a Unicode mapping dropped" in warnings["lone-surrogate.pdf"]
    ind = frames["indicators"]
    long_doc = docs.loc["long-number.txt", "doc_id"]
    numbers = ind.loc[ind["doc_id"] == long_doc, "number"].dropna()
    print(f"\nlong indicator number stored: {numbers.tolist()[:1]}")
    for table in frames.values():
        for col in table.columns:
            if table[col].dtype == object:
                for v in table[col].dropna():
                    if isinstance(v, str):
                        v.encode("utf-8")  # no lone surrogates anywhere
                        assert "\x00" not in v


def test_badinput_peak_memory_under_1_gb_and_no_case_past_its_deadline(suite):
    _inbox, _good, _run, peak, took, _frames = suite
    print(f"\npeak RSS of one process {peak.max_rss / 1e6:.0f} MB, peak PSS of the whole run "
          f"{peak.max_total_pss / 1e6:.0f} MB, run {took:.1f} s")
    assert peak.max_rss < 1e9 and peak.max_total_pss < 1e9


def test_badinput_each_case_within_its_deadline(tmp_path):
    """Each bad case alone in a worker with the suite's limits: none takes longer than its
    deadline (plus the pool's kill grace for code stuck in C)."""
    from pipeline.pool import HARD_KILL_GRACE, ExtractionPool, Limits

    inbox, _ = build_inbox(tmp_path)
    pool = ExtractionPool(1, Limits(doc_timeout=DOC_TIMEOUT))
    times = {}
    try:
        pool.probe()
        for name in sorted(CASES):
            t0 = time.monotonic()
            rec = pool.extract([str(inbox / name)])[0]
            times[name] = (round(time.monotonic() - t0, 2), rec["status"])
    finally:
        pool.close()
    print("\n" + "\n".join(f"  {n}: {t} s, {s}" for n, (t, s) in times.items()))
    assert all(t <= DOC_TIMEOUT + HARD_KILL_GRACE for t, _ in times.values())


def test_badinput_postgres_stores_what_sqlite_stores(tmp_path, prefect_server, postgres_url):
    """The Unicode cases (NUL, surrogates, long numbers, a name that is not UTF-8) in PostgreSQL:
    they crashed the batch there, while SQLite stored them."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    keep = ["nul-bytes.txt", "long-number.txt", "math-bold-AB.pdf", "lone-surrogate.pdf"]
    for i, name in enumerate(keep):
        CASES[name][0](inbox / name)
        (inbox / f"good-{i}.txt").write_bytes(GOOD[i].read_bytes() + f"\n<!-- {i} -->\n".encode())
    (inbox / BAD_NAME).write_bytes(GOOD[1].read_bytes() + b"\n<!-- bad name -->\n")
    pg = fresh_pg_database(postgres_url, "thaireport_badinput")
    lite = f"sqlite:///{tmp_path / 'db.sqlite'}"
    for url in (pg, lite):
        run, _, _ = ingest(inbox, url, prefect_server)
        assert run.returncode == 0, run.stderr[-3000:]
    a, b = storage.tables(pg), storage.tables(lite)
    storage.dispose_engines()
    for name in ("documents", "indicators", "dates", "budgets", "entities"):
        cols = [c for c in a[name].columns if c not in ("stored_at", "source", "source_path")]
        key = [c for c in ("doc_id", "position") if c in cols]
        left = a[name][cols].sort_values(key).reset_index(drop=True)
        right = b[name][cols].sort_values(key).reset_index(drop=True)
        assert len(left) == len(right) == len(left.drop_duplicates(key)), name
        assert left.astype(str).equals(right.astype(str)), name
    print(f"\nPostgreSQL and SQLite hold the same rows: {storage.row_counts(storage.engine_for(pg))}")


def test_badinput_extract_prints_valid_json_for_a_name_that_is_not_utf8(tmp_path):
    path = tmp_path / BAD_NAME
    path.write_bytes(GOOD[0].read_bytes())
    run = subprocess.run([str(BIN / "thaireport"), "extract", str(path), "--quiet"], capture_output=True)
    assert run.returncode == 0, run.stderr[-2000:]
    record = json.loads(run.stdout.decode("utf-8"))  # strict UTF-8: no raw bytes in the JSON
    assert record["status"] == "ok" and record["source"].endswith("name-\\xff\\xfe.txt")
