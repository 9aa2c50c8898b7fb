"""Typed tables, the same in SQLite, PostgreSQL, pandas and Parquet: dates as date32, nullable
integers as int64/Int64, money as exact decimals (decimal128(20, 2)), timestamps in UTC, no
reserved words as column names, and `thaireport schema` documenting every column."""

import datetime as dt
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from conftest import SAMPLES, fresh_pg_database, thaireport
from sqlalchemy.dialects.postgresql.base import RESERVED_WORDS as PG_RESERVED
from sqlalchemy.dialects.sqlite.base import SQLiteIdentifierPreparer
from sqlalchemy.sql.compiler import RESERVED_WORDS as ANSI_RESERVED

from pipeline import storage
from pipeline.run import run_document

REPORT = """รายงานผลการดำเนินงาน ประจำปีงบประมาณ พ.ศ. 2566 ไตรมาสที่ 2
หน่วยงาน กรมควบคุมมลพิษ
1. ร้อยละของหมู่บ้านที่มีการจัดการขยะมูลฝอยอย่างถูกต้อง
ผลการดำเนินงาน : สำเร็จตามเป้าหมาย
งบประมาณ 1,250,000.50 บาท เบิกจ่าย 800,000.05 บาท
ประชุมเมื่อวันที่ 15 มีนาคม 2566
"""

EXPECTED = {
    "documents": {"pages": pa.int64(), "fiscal_year": pa.int64(), "period_start": pa.date32(),
                  "period_end": pa.date32(), "stored_at": pa.timestamp("us", tz="UTC"), "warnings": pa.string()},
    "dates": {"start_date": pa.date32(), "end_date": pa.date32(), "page": pa.int64(), "year_inferred": pa.bool_()},
    "budgets": {"amount": pa.decimal128(20, 2), "page": pa.int64()},
    "failures": {"first_seen": pa.timestamp("us", tz="UTC"), "attempts": pa.int64()},
    "document_paths": {"last_seen": pa.timestamp("us", tz="UTC")},
}


def fill(url: str, tmp_path) -> None:
    txt = tmp_path / "report.txt"
    txt.write_text(REPORT, encoding="utf-8")
    records = [run_document(str(txt)), run_document(str(SAMPLES / "002_1f4f99ff3787c05c.pdf"))]
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 no")
    records.append(run_document(str(bad)))
    storage.store_records(storage.engine_for(url), records)


def check_parquet(out) -> dict[str, pa.Table]:
    read = {name: pq.read_table(out / f"{name}.parquet") for name in storage.TABLES}
    for table, columns in EXPECTED.items():
        for column, want in columns.items():
            assert read[table].schema.field(column).type == want, (table, column)
    amounts = sorted(read["budgets"].column("amount").to_pylist())
    assert Decimal("1250000.50") in amounts and Decimal("800000.05") in amounts
    assert Decimal("233000.00") in amounts  # 0.2330 ล้านบาท in the PDF
    docs = read["documents"].to_pylist()
    by_format = {d["format"]: d for d in docs}
    assert by_format["txt"]["pages"] is None and by_format["pdf"]["pages"] == 9
    assert by_format["txt"]["period_start"] == dt.date(2023, 1, 1)
    assert by_format["txt"]["stored_at"].tzinfo is not None
    assert read["documents"].schema.field("fiscal_year").metadata[b"doc"].startswith(b"Thai fiscal year")
    return read


def test_typed_parquet_and_pandas_same_in_sqlite_and_postgres(tmp_path, postgres_url):
    urls = {"sqlite": f"sqlite:///{tmp_path / 'db.sqlite'}",
            "postgresql": fresh_pg_database(postgres_url, "thaireport_typed")}
    read = {}
    try:
        for kind, url in urls.items():
            fill(url, tmp_path)
            out = tmp_path / f"out-{kind}"
            run = thaireport("export", "--db", url, "--out", str(out), "--format", "parquet")
            assert run.returncode == 0, run.stderr
            read[kind] = check_parquet(out)
            frames = storage.tables(url)
            docs, dates, budgets = frames["documents"], frames["dates"], frames["budgets"]
            assert str(docs["pages"].dtype) == "Int64" and str(docs["fiscal_year"].dtype) == "Int64"
            assert docs["pages"].isna().sum() == 1 and 2566 in set(docs["fiscal_year"].dropna())
            assert dates["start_date"].dtype == pd.ArrowDtype(pa.date32())
            assert budgets["amount"].dtype == pd.ArrowDtype(pa.decimal128(20, 2))
            assert str(docs["stored_at"].dtype) == "datetime64[us, UTC]"
            assert frames["failures"]["attempts"].tolist() == [1]
    finally:
        storage.dispose_engines()
    for name in storage.TABLES:  # the same schema, whichever database it came from
        assert read["sqlite"][name].schema.equals(read["postgresql"][name].schema, check_metadata=True), name
    same = [sorted(read[k]["budgets"].column("amount").to_pylist()) for k in urls]
    assert same[0] == same[1]


def test_csv_export_writes_exact_values(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    fill(url, tmp_path)
    storage.dispose_engines()
    run = thaireport("export", "--db", url, "--out", str(tmp_path / "csv"), "--format", "csv")
    assert run.returncode == 0, run.stderr
    text = (tmp_path / "csv" / "budgets.csv").read_text(encoding="utf-8")
    assert "1250000.50" in text and "800000.05" in text
    assert "2023-03-15" in (tmp_path / "csv" / "dates.csv").read_text(encoding="utf-8")


def test_no_reserved_words_as_column_names():
    reserved = {w.lower() for w in (*PG_RESERVED, *SQLiteIdentifierPreparer.reserved_words, *ANSI_RESERVED)}
    reserved |= {"start", "end", "date", "value", "user", "order"}  # SQL:2016 reserved, often clashing
    columns = {(t, c.name) for t, table in storage.TABLES.items() for c in table.columns}
    assert [tc for tc in columns if tc[1].lower() in reserved] == []


def test_schema_command_documents_every_column():
    run = thaireport("schema")
    assert run.returncode == 0
    for name, table in storage.TABLES.items():
        assert f"\n{name}\n" in run.stdout
        for c in table.columns:
            assert c.doc, (name, c.name)
    md = thaireport("schema", "--markdown").stdout
    assert md.count("\n") == 2 + sum(len(t.columns) for t in storage.TABLES.values())
    assert "| `budgets` | `amount` | NUMERIC(20, 2) not null | decimal128(20, 2) |" in md


def test_export_of_a_missing_database_is_an_error(tmp_path):
    run = thaireport("export", "--db", f"sqlite:///{tmp_path / 'typo.db'}", "--out", str(tmp_path / "o"))
    assert run.returncode == 2 and "no such database file" in run.stderr
    assert not (tmp_path / "typo.db").exists() and not (tmp_path / "o").exists()
    folder = thaireport("export", "--db", f"sqlite:///{tmp_path / 'nope' / 'x.db'}", "--out", str(tmp_path / "o"))
    assert folder.returncode == 2 and "does not exist" in folder.stderr
