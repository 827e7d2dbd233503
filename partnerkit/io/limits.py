"""Size limits of the reader, each raisable through an environment variable."""

from __future__ import annotations

import os


def limit(name: str, default: int) -> int:
    """A size limit, from the environment variable ``name`` when set (a positive integer)."""
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else default


def max_unzipped_bytes() -> int:
    """Largest decompressed size of a workbook (``PARTNERKIT_MAX_UNZIPPED_MB``, default 1024)."""
    return limit("PARTNERKIT_MAX_UNZIPPED_MB", 1024) * 1024 * 1024


def max_cells() -> int:
    """Most cells in one sheet (``PARTNERKIT_MAX_CELLS``, default 50,000,000)."""
    return limit("PARTNERKIT_MAX_CELLS", 50_000_000)


def max_text_bytes() -> int:
    """Most text a sheet's shared strings may expand to (``PARTNERKIT_MAX_TEXT_MB``, default
    1024)."""
    return limit("PARTNERKIT_MAX_TEXT_MB", 1024) * 1024 * 1024
