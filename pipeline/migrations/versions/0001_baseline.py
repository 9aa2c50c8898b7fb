"""Baseline: the tables of thaireport 0.2.0, made by metadata.create_all before migrations existed.

Databases made by that version are stamped with this revision, not run through it.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _mention(name: str, *extra: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column("doc_id", sa.String(71), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("span_start", sa.Integer, nullable=False),
        sa.Column("span_end", sa.Integer, nullable=False),
        sa.Column("page", sa.Integer),
        *extra,
    )


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("doc_id", sa.String(71), primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("source_path", sa.Text, nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.Column("pages", sa.Integer),
        sa.Column("title", sa.Text),
        sa.Column("agency", sa.Text),
        sa.Column("fiscal_year", sa.Integer),
        sa.Column("period_label", sa.Text),
        sa.Column("period_start", sa.Date),
        sa.Column("period_end", sa.Date),
        sa.Column("pipeline_version", sa.String(32), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_documents_source_path", "documents", ["source_path"])
    _mention("indicators", sa.Column("number", sa.String(32)), sa.Column("name", sa.Text, nullable=False),
             sa.Column("outcome", sa.String(16)), sa.Column("outcome_text", sa.Text),
             sa.Column("target", sa.Text), sa.Column("result", sa.Text))
    _mention("dates", sa.Column("start", sa.Date, nullable=False), sa.Column("end", sa.Date, nullable=False),
             sa.Column("granularity", sa.String(8), nullable=False),
             sa.Column("year_inferred", sa.Boolean, nullable=False))
    _mention("budgets", sa.Column("amount", sa.Float, nullable=False), sa.Column("role", sa.String(24), nullable=False))
    _mention("entities", sa.Column("label", sa.String(16), nullable=False))
    op.create_table(
        "failures",
        sa.Column("source", sa.Text, primary_key=True),
        sa.Column("doc_id", sa.String(71), primary_key=True),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for name in ("failures", "entities", "budgets", "dates", "indicators", "documents"):
        op.drop_table(name)
