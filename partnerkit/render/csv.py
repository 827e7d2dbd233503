"""CSV: the result records, one per line, with the same columns as the JSON records."""

from __future__ import annotations

import csv
import io

from .records import to_records

#: Leading characters that make a spreadsheet treat a text cell as a formula (OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> object:
    """Neutralise text that a spreadsheet would run as a formula; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def render(result, **_options) -> str:
    records = to_records(result.records)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.records.columns)
    for record in records:
        writer.writerow(["" if v is None else safe_text(_cell(v)) for v in record.values()])
    return buffer.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        import json

        return json.dumps(value, ensure_ascii=False)
    return value
