"""Typed columns and every path a document was seen under.

- dates.start / dates.end → start_date / end_date (END is reserved in SQL);
- budgets.amount: a double → NUMERIC(20, 2), baht exact to the satang;
- every VARCHAR(n) → TEXT (a longer doc_id, label or version must not fail a write);
- new table document_paths (doc_id, source_path), filled from documents.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# table → its VARCHAR(n) columns in 0001
NARROW = {
    "documents": {"doc_id": 71, "format": 8, "status": 8, "pipeline_version": 32, "content_hash": 64},
    "indicators": {"doc_id": 71, "number": 32, "outcome": 16},
    "dates": {"doc_id": 71, "granularity": 8},
    "budgets": {"doc_id": 71, "role": 24},
    "entities": {"doc_id": 71, "label": 16},
    "failures": {"doc_id": 71},
}


def upgrade() -> None:
    for table, columns in NARROW.items():
        with op.batch_alter_table(table) as batch:
            for name, width in columns.items():
                batch.alter_column(name, existing_type=sa.String(width), type_=sa.Text)
            if table == "dates":
                for old in ("start", "end"):
                    batch.alter_column(old, new_column_name=f"{old}_date", existing_type=sa.Date,
                                       existing_nullable=False)
            if table == "budgets":
                batch.alter_column("amount", existing_type=sa.Float, type_=sa.Numeric(20, 2), existing_nullable=False,
                                   postgresql_using="round(amount::numeric, 2)")
    op.create_table(
        "document_paths",
        sa.Column("doc_id", sa.Text, primary_key=True),
        sa.Column("source_path", sa.Text, primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
    )
    # databases made before 0.2.0's index existed lack it
    op.create_index("ix_documents_source_path", "documents", ["source_path"], if_not_exists=True)
    op.execute("INSERT INTO document_paths (doc_id, source_path, source, first_seen, last_seen) "
               "SELECT doc_id, source_path, source, stored_at, stored_at FROM documents")


def downgrade() -> None:
    op.drop_table("document_paths")
    for table, columns in NARROW.items():
        with op.batch_alter_table(table) as batch:
            for name, width in columns.items():
                batch.alter_column(name, existing_type=sa.Text, type_=sa.String(width))
            if table == "dates":
                batch.alter_column("start_date", new_column_name="start", existing_type=sa.Date)
                batch.alter_column("end_date", new_column_name="end", existing_type=sa.Date)
            if table == "budgets":
                batch.alter_column("amount", existing_type=sa.Numeric(20, 2), type_=sa.Float)
