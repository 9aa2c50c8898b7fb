"""Storage without Prefect: rows per contract object, delete-then-insert, validation, failures,
SQLite and a real PostgreSQL server, values only ever bound as parameters."""

import copy

import pytest
from conftest import SAMPLES, fresh_pg_database
from sqlalchemy import insert

from pipeline import storage
from pipeline.run import run_document

INJECTION = "'; DROP TABLE documents; --"


@pytest.fixture(scope="module")
def records():
    return [run_document(p) for p in sorted(SAMPLES.glob("*.txt"))]


def _counts_expected(records):
    return {t: sum(len(r[t]) for r in records if r["status"] != "failed")
            for t in ("indicators", "dates", "budgets", "entities")}


def _sqlite(tmp_path):
    return f"sqlite:///{tmp_path / 'db.sqlite'}"


def test_storage_rows_match_records_and_rerun_never_duplicates(tmp_path, records):
    eng = storage.engine_for(_sqlite(tmp_path))
    storage.store_records(eng, records)
    first = storage.row_counts(eng)
    storage.store_records(eng, records)
    second = storage.row_counts(eng)
    print(f"\nrow counts after two writes of {len(records)} samples: {second}")
    assert first == second
    assert first["documents"] == len(records)
    for table, n in _counts_expected(records).items():
        assert first[table] == n, table
    import pipeline

    frames = pipeline.tables(_sqlite(tmp_path))  # the analysts' entry point
    assert set(frames) == set(storage.TABLES)
    budgets = frames["budgets"]
    assert set(budgets["role"]) <= {"budget", "disbursed", "planned_disbursement", "other"}
    assert (frames["dates"]["start_date"] <= frames["dates"]["end_date"]).all()


def test_storage_failed_write_leaves_previous_rows(tmp_path, records):
    eng = storage.engine_for(_sqlite(tmp_path))
    rec = next(r for r in records if r["indicators"])
    storage.store_records(eng, [rec])
    before = storage.row_counts(eng)
    broken = copy.deepcopy(rec)
    broken["indicators"].append(broken["indicators"][0])
    prepared = storage.prepare([broken])[0]
    prepared.rows["indicators"][-1]["position"] = 0  # a primary-key clash inside the transaction
    with pytest.raises(Exception, match=r"(?i)unique|constraint"):
        storage.store_prepared(eng, prepared)
    assert storage.row_counts(eng) == before


def test_storage_invalid_rows_go_to_failures_not_tables(tmp_path, records):
    eng = storage.engine_for(_sqlite(tmp_path))
    rec = copy.deepcopy(next(r for r in records if r["budgets"]))
    rec["budgets"][0]["amount"] = -5
    rec["budgets"][0]["role"] = "stolen"
    storage.store_records(eng, [rec])
    frames = storage.tables(_sqlite(tmp_path))
    assert len(frames["budgets"]) == len(rec["budgets"]) - 1
    (reason,) = frames["failures"]["error"]
    print(f"\nrejected: {reason}")
    assert "budgets[0]" in reason and "amount" in reason and "role" in reason


def test_storage_failed_document_is_quarantined_and_counted(tmp_path):
    eng = storage.engine_for(_sqlite(tmp_path))
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7 truncated")
    for _ in range(2):
        storage.store_records(eng, [run_document(bad)])
    frames = storage.tables(_sqlite(tmp_path))
    assert len(frames["documents"]) == 0
    (row,) = frames["failures"].to_dict("records")
    assert row["attempts"] == 2 and "PDF" in row["error"]


def test_storage_changed_file_supersedes_old_document(tmp_path):
    eng = storage.engine_for(_sqlite(tmp_path))
    doc = tmp_path / "report.txt"
    doc.write_text((SAMPLES / "003_9c2777eec267e8c4.txt").read_text("utf-8"), "utf-8")
    old = run_document(doc)
    storage.store_records(eng, [old])
    doc.write_text(doc.read_text("utf-8") + "\nแก้ไขเพิ่มเติม 1 ตุลาคม 2566\n", "utf-8")
    new = run_document(doc)
    assert new["doc_id"] != old["doc_id"]
    storage.store_records(eng, [new])
    frames = storage.tables(_sqlite(tmp_path))
    assert list(frames["documents"]["doc_id"]) == [new["doc_id"]]
    assert set(frames["dates"]["doc_id"]) == {new["doc_id"]}
    assert len(frames["dates"]) == len(new["dates"]) == len(old["dates"]) + 1


def _injection_record(records):
    rec = copy.deepcopy(next(r for r in records if r["indicators"]))
    rec["title"] = INJECTION
    rec["source"] = f"/tmp/{INJECTION}.txt"
    rec["indicators"][0]["name"] = INJECTION
    return rec


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_storage_sql_injection_text_is_only_data(backend, tmp_path, records, request):
    url = _sqlite(tmp_path) if backend == "sqlite" else fresh_pg_database(
        request.getfixturevalue("postgres_url"), "thaireport_injection")
    eng = storage.engine_for(url)
    storage.store_records(eng, [_injection_record(records)])
    storage.store_records(eng, [_injection_record(records)])
    frames = storage.tables(url)
    assert frames["documents"]["title"].tolist() == [INJECTION]
    assert INJECTION in frames["indicators"]["name"].tolist()
    storage.dispose_engines()


def test_storage_postgres_rows_and_idempotency(postgres_url, records):
    url = fresh_pg_database(postgres_url, "thaireport_rows")
    eng = storage.engine_for(url)
    assert eng.dialect.name == "postgresql"
    storage.store_records(eng, records)
    first = storage.row_counts(eng)
    storage.store_records(eng, records)
    assert storage.row_counts(eng) == first
    for table, n in _counts_expected(records).items():
        assert first[table] == n, table
    with eng.begin() as conn:  # the driver binds parameters: a quote in a value is just a quote
        conn.execute(insert(storage.failures), [{"source": INJECTION, "doc_id": "x", "error": INJECTION,
                                                 "first_seen": storage._now(), "last_seen": storage._now(),
                                                 "attempts": 1}])
    assert storage.row_counts(eng)["documents"] == len(records)
    storage.dispose_engines()


def test_storage_export_parquet_and_csv(tmp_path, records):
    url = _sqlite(tmp_path)
    storage.store_records(storage.engine_for(url), records)
    import pandas as pd

    for fmt in ("parquet", "csv"):
        paths = storage.export(url, tmp_path / fmt, fmt)
        assert sorted(p.stem for p in paths) == sorted(storage.TABLES)
        reader = pd.read_parquet if fmt == "parquet" else pd.read_csv
        assert len(reader(tmp_path / fmt / f"indicators.{fmt}")) == _counts_expected(records)["indicators"]


# One broken value per rule of pipeline.validate, applied to a real extracted row: the row is
# rejected and the reason names the column (or the cross-column rule) that broke.
BROKEN_ROWS = [
    ("indicators", {"outcome": "done"}, "outcome in achieved"),
    ("indicators", {"name": ""}, "name non-empty"),
    ("indicators", {"doc_id": "md5:abc"}, "doc_id sha256"),
    ("indicators", {"span_start": 9, "span_end": 3}, "span is a range"),
    ("indicators", {"page": 0}, "page integer >= 1"),
    ("indicators", {"position": -1}, "position integer >= 0"),
    ("indicators", {"text": None}, "text not null"),
    ("dates", {"start_date": "2566-01-01"}, "start_date is a date"),
    ("dates", {"granularity": "week"}, "granularity in day"),
    ("budgets", {"amount": float("inf")}, "amount finite number"),
    ("budgets", {"amount": "233000"}, "amount finite number"),
    ("budgets", {"role": "stolen"}, "role in budget"),
    ("entities", {"label": "GPE"}, "label in ORG"),
    ("documents", {"fiscal_year": 2023}, "fiscal_year Buddhist-Era"),
    ("documents", {"status": "failed"}, "status in ok"),
    ("documents", {"format": "xlsx"}, "format in pdf"),
]


@pytest.mark.parametrize(("table", "change", "reason"), BROKEN_ROWS)
def test_validation_rejects_each_broken_rule(records, table, change, reason):
    from pipeline.validate import rejected_rows

    rec = next(r for r in records if r["dates"] and r["budgets"] and r["entities"] and r["indicators"])
    good = [storage.document_row(rec)] if table == "documents" else storage.mention_rows(rec, table)
    assert rejected_rows(table, good) == {}
    broken = [*good[:1], {**good[0], **change}]
    assert list(rejected_rows(table, broken)) == [1]
    assert reason in rejected_rows(table, broken)[1]


def test_validation_reversed_date_range_is_rejected(records):
    from pipeline.validate import rejected_rows

    row = next(r for rec in records for r in storage.mention_rows(rec, "dates") if r["start_date"] < r["end_date"])
    swapped = {**row, "start_date": row["end_date"], "end_date": row["start_date"]}
    assert rejected_rows("dates", [swapped]) == {0: "start is not after end"}
