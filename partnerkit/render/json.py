"""JSON: ``{"meta": {...}, "results": [...]}``, the stable contract for scripts."""

from __future__ import annotations

import json

from .records import plain, to_records


def render(result, **_options) -> str:
    document = {"meta": result.meta(), "results": to_records(result.records)}
    return json.dumps(document, ensure_ascii=False, indent=2, default=plain) + "\n"
