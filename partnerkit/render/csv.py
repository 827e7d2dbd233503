"""CSV: the result records, one per line, with the same columns as the JSON records."""

from __future__ import annotations

import csv
import io

from ..output import json_ready, safe_text
from .records import to_records


def render(result, **_options) -> str:
    records = to_records(result.records)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_text(str(c)) for c in result.records.columns])
    for record in records:
        writer.writerow(["" if v is None else safe_text(_cell(v)) for v in record.values()])
    return buffer.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        import json

        return json.dumps(json_ready(value), ensure_ascii=False, allow_nan=False)
    return value
