"""Extractors: each module exposes `extract(doc) -> (mentions, warnings)`.

A new field is one module and one entry in `EXTRACTORS`.
"""

from extractors import budgets, dates, entities, indicators

EXTRACTORS = (dates, budgets, indicators, entities)
