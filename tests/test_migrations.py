"""Alembic migrations, on SQLite and a real PostgreSQL server: a database made by thaireport
0.2.0 (its tables from the DDL that version's metadata.create_all emitted, saved in
tests/data/, with rows in them) is brought to the current schema on first use, its rows kept and
converted; afterwards the database and the model agree exactly (Alembic's own comparison)."""

import datetime as dt
import multiprocessing
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import ROOT, fresh_pg_database
from sqlalchemy import create_engine, inspect, select, text

from pipeline import migrations, storage

DOC = "sha256:" + "ab" * 32
OLD_ROWS = [
    "INSERT INTO documents VALUES ('{doc}', 'inbox/r.txt', '/data/inbox/r.txt', 'txt', 'ok', NULL, '[]', NULL,"
    " 'title', 'agency', 2565, 'ไตรมาสที่ 1', '2021-10-01', '2021-12-31', '0.2.0', 'h', '{stored}')",
    "INSERT INTO dates VALUES ('{doc}', 0, '5 เมษายน 2565', 10, 23, NULL, '2022-04-05', '2022-04-05', 'day', {false})",
    "INSERT INTO budgets VALUES ('{doc}', 0, '1,250,000.50 บาท', 30, 46, 2, 1250000.5, 'budget')",
    "INSERT INTO budgets VALUES ('{doc}', 1, '0.2330 ล้านบาท', 50, 64, NULL, 233000.0, 'disbursed')",
    "INSERT INTO failures VALUES ('bad.docx', 'sha256:{zeros}', 'not a zip', '{stored}', '{stored}', 3)",
]


def make_old_database(url: str) -> None:
    """What thaireport 0.2.0 left behind: its DDL, and rows written the way it wrote them."""
    eng = create_engine(url)
    dialect = eng.dialect.name
    ddl = (ROOT / "tests" / "data" / f"schema-0.2.0.{dialect}.sql").read_text()
    stored = "2026-11-20 01:02:03.000000" if dialect == "sqlite" else "2026-11-20 01:02:03+00"
    with eng.begin() as conn:
        for stmt in ddl.split(";"):
            body = "\n".join(line for line in stmt.splitlines() if not line.startswith("--")).strip()
            if body:
                conn.exec_driver_sql(body)
        for row in OLD_ROWS:
            conn.exec_driver_sql(row.format(doc=DOC, stored=stored, zeros="0" * 64,
                                            false="0" if dialect == "sqlite" else "false"))
    eng.dispose()


def schema_differences(eng) -> list:
    with eng.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), storage.metadata)


def check_migrated(url: str) -> None:
    make_old_database(url)
    eng = storage.engine_for(url)
    try:
        assert schema_differences(eng) == []
        with eng.connect() as conn:
            assert migrations.revision(conn) == migrations.HEAD
            assert conn.execute(select(storage.dates.c.start_date, storage.dates.c.end_date)).one() == \
                (dt.date(2022, 4, 5), dt.date(2022, 4, 5))
            amounts = conn.execute(select(storage.budgets.c.amount).order_by(storage.budgets.c.position)).scalars()
            assert list(amounts) == [Decimal("1250000.50"), Decimal("233000.00")]
            stored_at = conn.execute(select(storage.documents.c.stored_at)).scalar_one()
            assert stored_at == dt.datetime(2026, 11, 20, 1, 2, 3, tzinfo=dt.UTC)
            paths = conn.execute(select(storage.document_paths)).all()
            assert [(p.doc_id, p.source_path, p.source) for p in paths] == [(DOC, "/data/inbox/r.txt", "inbox/r.txt")]
            assert conn.execute(select(storage.failures.c.attempts)).scalar_one() == 3
        assert {ix["name"] for ix in inspect(eng).get_indexes("documents")} == {"ix_documents_source_path"}
        frames = storage.tables(url)
        assert frames["budgets"]["amount"].tolist() == [Decimal("1250000.50"), Decimal("233000.00")]
    finally:
        storage.dispose_engines()


def test_migrate_a_0_2_0_sqlite_database(tmp_path):
    check_migrated(f"sqlite:///{tmp_path / 'old.db'}")


def test_migrate_a_0_2_0_postgres_database(postgres_url):
    check_migrated(fresh_pg_database(postgres_url, "thaireport_migrate_old"))


def test_migrate_a_0_2_0_database_without_its_index(tmp_path):
    """Databases made before 0.2.0 added documents.source_path's index get it."""
    url = f"sqlite:///{tmp_path / 'older.db'}"
    make_old_database(url)
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(text("DROP INDEX ix_documents_source_path"))
    eng.dispose()
    try:
        assert schema_differences(storage.engine_for(url)) == []
    finally:
        storage.dispose_engines()


def test_migration_chain_from_empty_equals_the_model(tmp_path, postgres_url):
    """0001 then 0002 on an empty database make exactly what create_all makes for a new one."""
    from alembic import command

    for url in (f"sqlite:///{tmp_path / 'chain.db'}", fresh_pg_database(postgres_url, "thaireport_chain")):
        eng = create_engine(url)
        with eng.begin() as conn:
            command.upgrade(migrations._config(conn), "head")
        assert schema_differences(eng) == [], url
        eng.dispose()


def _open(url: str) -> str:
    storage.dispose_engines()
    return migrations.migrate(create_engine(url, connect_args={"timeout": 30}))


def test_two_processes_opening_a_new_database_at_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'race.db'}"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_open, [url] * 4)
    assert sorted(results).count("created") == 1, results
    assert schema_differences(create_engine(url)) == []


@pytest.mark.parametrize("url_end", ["missing-folder/x.db"])
def test_mistyped_sqlite_url_is_an_error(tmp_path, url_end):
    with pytest.raises(storage.DatabaseError, match="does not exist"):
        storage.engine_for(f"sqlite:///{tmp_path / url_end}")
    with pytest.raises(storage.DatabaseError, match="no such database file"):
        storage.engine_for(f"sqlite:///{tmp_path / 'not-there.db'}", must_exist=True)
    assert not (tmp_path / "not-there.db").exists()
