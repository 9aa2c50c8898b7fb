"""Table validation before writing: rows that break a table's rules are kept out.

The rules restate ../shared/contract for the row form: enums, ISO dates in order, spans that
are ranges, non-negative finite money, Buddhist-Era fiscal years. A rejected row is reported
with its position and the checks it failed, so it can go to `failures` instead of into the
tables.

Plain Python rather than pandera (used up to 0.2.0): the same rules cost ~1 µs a row here,
where pandera cost 0.5 s of import (pandas with it) plus ~8 ms a table per batch, all of it in
the flow's single writing process (bench/: 1.2 s of CPU per 200 documents).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

OUTCOMES = ["achieved", "not_achieved", "in_progress", "not_started"]
ROLES = ["budget", "disbursed", "planned_disbursement", "other"]
LABELS = ["ORG", "PERSON", "LOCATION"]
GRANULARITIES = ["day", "month", "year"]
FORMATS = ["pdf", "docx", "html", "txt"]
STORED_STATUSES = ["ok", "partial"]  # failed documents go to `failures`, never to `documents`

_DOC_ID = re.compile(r"sha256:[0-9a-f]{64}")

Predicate = Callable[[Any], bool]


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    if isinstance(v, Decimal):  # money: storage makes amounts exact decimals
        return v.is_finite()
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _is_date(v: Any) -> bool:
    return isinstance(v, dt.date) and not isinstance(v, dt.datetime)


def _nonempty_str(v: Any) -> bool:
    return isinstance(v, str) and len(v) > 0


def _one_of(values: list[str]) -> tuple[str, Predicate]:
    allowed = frozenset(values)
    return f"in {'|'.join(values)}", lambda v: isinstance(v, str) and v in allowed


def _at_least(low: int) -> tuple[str, Predicate]:
    return f"integer >= {low}", lambda v: _is_int(v) and v >= low


@dataclass(frozen=True)
class Column:
    """A column's checks, each (description, predicate); None passes only when nullable."""

    checks: tuple[tuple[str, Predicate], ...]
    nullable: bool = False


@dataclass(frozen=True)
class Table:
    columns: dict[str, Column]
    row_checks: tuple[tuple[str, Predicate], ...] = ()


_DOC_ID_COLUMN = Column((("sha256:<64 hex>", lambda v: isinstance(v, str) and bool(_DOC_ID.fullmatch(v))),))


def _mention(row_checks: tuple[tuple[str, Predicate], ...] = (), **extra: Column) -> Table:
    return Table(
        {
            "doc_id": _DOC_ID_COLUMN,
            "position": Column((_at_least(0),)),
            "text": Column((("non-empty text", _nonempty_str),)),
            "span_start": Column((_at_least(0),)),
            "span_end": Column((_at_least(1),)),
            "page": Column((_at_least(1),), nullable=True),
            **extra,
        },
        (("span is a range", lambda r: r["span_end"] > r["span_start"]), *row_checks),
    )


_DATE = Column((("is a date", _is_date),))

SCHEMAS: dict[str, Table] = {
    "indicators": _mention(
        name=Column((("non-empty text", _nonempty_str),)),
        outcome=Column((_one_of(OUTCOMES),), nullable=True),
    ),
    "dates": _mention(
        (("start is not after end", lambda r: r["start_date"] <= r["end_date"]),),
        start_date=_DATE, end_date=_DATE, granularity=Column((_one_of(GRANULARITIES),)),
    ),
    "budgets": _mention(
        amount=Column((("finite number >= 0", lambda v: _is_number(v) and 0 <= v < 1e16),)),
        role=Column((_one_of(ROLES),)),
    ),
    "entities": _mention(label=Column((_one_of(LABELS),))),
    "documents": Table({
        "doc_id": _DOC_ID_COLUMN,
        "format": Column((_one_of(FORMATS),)),
        "status": Column((_one_of(STORED_STATUSES),)),
        # Buddhist Era: a CE year (2023) here means a conversion was missed
        "fiscal_year": Column((("Buddhist-Era year 2400-2700", lambda v: _is_int(v) and 2400 <= v <= 2700),),
                              nullable=True),
    }),
}


def row_problems(table: str, row: dict[str, Any]) -> list[str]:
    """The checks `row` fails under `table`'s rules ([] when it is fine)."""
    schema = SCHEMAS[table]
    problems = []
    for name, col in schema.columns.items():
        if name not in row:
            problems.append(f"{name} missing")
            continue
        value = row[name]
        if value is None:
            if not col.nullable:
                problems.append(f"{name} not null")
            continue
        problems += [f"{name} {what}" for what, ok in col.checks if not ok(value)]
    if not problems:  # row-wide checks compare columns already known to be well typed
        problems += [what for what, ok in schema.row_checks if not ok(row)]
    return problems


def rejected_rows(table: str, rows: list[dict[str, Any]]) -> dict[int, str]:
    """{index in `rows`: the checks it failed} for every row that breaks `table`'s rules."""
    bad = {}
    for i, row in enumerate(rows):
        problems = row_problems(table, row)
        if problems:
            bad[i] = ", ".join(sorted(problems))
    return bad
