"""JSON: ``{"meta": {...}, "results": [...]}``, the stable contract for scripts."""

from __future__ import annotations

from ..output import dumps
from .records import to_records


def render(result, **_options) -> str:
    if hasattr(result, "json_results"):  # nested results (validate, reliability)
        results = result.json_results()
    else:
        results = to_records(result.records)
    document = {"meta": result.meta(), "results": results}
    if hasattr(result, "tables"):  # further tables (trend: the means of every round)
        document |= {name: to_records(frame) for name, frame in result.tables().items()}
    return dumps(document)
