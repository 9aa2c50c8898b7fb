"""Table validation before writing (pandera): rows that break a table's rules are kept out.

The rules restate ../shared/contract for the row form: enums, ISO dates in order, spans that
are ranges, non-negative money, Buddhist-Era fiscal years. A rejected row is reported with its
position and the checks it failed, so it can go to `failures` instead of into the tables.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

OUTCOMES = ["achieved", "not_achieved", "in_progress"]
ROLES = ["budget", "disbursed", "planned_disbursement", "other"]
LABELS = ["ORG", "PERSON", "LOCATION"]
GRANULARITIES = ["day", "month", "year"]


@functools.cache
def _schemas() -> dict[str, Any]:
    import pandera.pandas as pa

    def mention(checks: tuple = (), **extra: pa.Column) -> pa.DataFrameSchema:
        return pa.DataFrameSchema(
            {
                "doc_id": pa.Column(str, pa.Check.str_matches(r"^sha256:[0-9a-f]{64}$")),
                "position": pa.Column(int, pa.Check.ge(0)),
                "text": pa.Column(str, pa.Check.str_length(min_value=1)),
                "span_start": pa.Column(int, pa.Check.ge(0)),
                "span_end": pa.Column(int, pa.Check.ge(1)),
                "page": pa.Column(float, pa.Check.ge(1), nullable=True, coerce=True),
                **extra,
            },
            checks=[pa.Check(lambda df: df["span_end"] > df["span_start"], name="span is a range"), *checks],
            strict=False,
        )

    date_type = pa.Column(None, pa.Check(lambda s: s.map(lambda v: isinstance(v, dt.date)), name="is a date"))
    return {
        "indicators": mention(
            name=pa.Column(str, pa.Check.str_length(min_value=1)),
            outcome=pa.Column(None, pa.Check.isin(OUTCOMES), nullable=True),
        ),
        "dates": mention(
            (pa.Check(lambda df: df["start"] <= df["end"], name="start is not after end"),),
            start=date_type, end=date_type, granularity=pa.Column(str, pa.Check.isin(GRANULARITIES)),
        ),
        "budgets": mention(
            amount=pa.Column(float, [pa.Check.ge(0), pa.Check(lambda s: s < 1e16, name="finite amount")],
                             coerce=True),
            role=pa.Column(str, pa.Check.isin(ROLES)),
        ),
        "entities": mention(label=pa.Column(str, pa.Check.isin(LABELS))),
        "documents": pa.DataFrameSchema({
            "doc_id": pa.Column(str, pa.Check.str_matches(r"^sha256:[0-9a-f]{64}$")),
            "format": pa.Column(str, pa.Check.isin(["pdf", "docx", "html", "txt"])),
            "status": pa.Column(str, pa.Check.isin(["ok", "partial"])),
            "fiscal_year": pa.Column(float, pa.Check.in_range(2400, 2700), nullable=True, coerce=True),
        }),
    }


def rejected_rows(table: str, rows: list[dict[str, Any]]) -> dict[int, str]:
    """{index in `rows`: the checks it failed} for every row that breaks `table`'s rules.

    Call it on many documents' rows at once: one pandera pass costs ~8 ms whatever its length.
    """
    if not rows:
        return {}
    import pandas as pd
    import pandera.errors as pe

    try:
        _schemas()[table].validate(pd.DataFrame(rows), lazy=True)
        return {}
    except pe.SchemaErrors as err:
        cases = err.failure_cases
    bad: dict[int, set[str]] = {}
    for _, case in cases.iterrows():
        idx = case.get("index")
        check = str(case.get("check"))
        frame_wide = case.get("schema_context") == "DataFrameSchema"  # a check across columns
        where = check if frame_wide else f"{case.get('column') or ''} {check}".strip()
        targets = range(len(rows)) if idx is None or pd.isna(idx) else [int(idx)]
        for i in targets:
            bad.setdefault(i, set()).add(where)
    return {i: ", ".join(sorted(why)) for i, why in sorted(bad.items())}
