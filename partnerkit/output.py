"""What partnerkit writes: the output formats, atomic replacement of files, and text a
spreadsheet will not run.

Low in the layering so that any module that writes a file (renderers, the
template workbook, a new project or instrument file) uses the same rules, and the
library can choose a format (from ``-o``'s extension, say) without loading a renderer.
"""

from __future__ import annotations

import os
import re
from enum import StrEnum
from pathlib import Path

from .errors import OptionError, OutputError
from .interrupts import keep, remove_if_interrupted
from .text import shown


class Format(StrEnum):
    """Output formats of ``--format``."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


_EXTENSIONS = {
    ".json": Format.json,
    ".csv": Format.csv,
    ".md": Format.markdown,
    ".markdown": Format.markdown,
    ".txt": Format.table,
}


def format_for(path: Path | None, fmt: Format | None) -> Format:
    """The format to write: ``fmt`` if given, else from the output file's extension."""
    if fmt is not None:
        return fmt
    if path is None:
        return Format.table
    try:
        return _EXTENSIONS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(_EXTENSIONS)
        raise OptionError(
            f"{path}: cannot tell the format from the extension '{path.suffix}'. "
            f"Use one of {known}, or give --format."
        ) from None


#: Leading characters that make a spreadsheet treat a text cell as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading ``'``; numbers pass unchanged.

    >>> safe_text("=HYPERLINK(1)"), safe_text("-0.5 points"), safe_text(-0.5)
    ("'=HYPERLINK(1)", "'-0.5 points", -0.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


#: characters an xlsx cell cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE, which raises
#: IllegalCharacterError on them)
_XLSX_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def xlsx_text(value: object) -> object:
    """:func:`safe_text`, and without the control characters an xlsx cell cannot hold.

    >>> xlsx_text("Kommune\x07"), xlsx_text("=1+1"), xlsx_text(2.5)
    ('Kommune', "'=1+1", 2.5)
    """
    if isinstance(value, str):
        value = shown(_XLSX_ILLEGAL.sub("", value))
    return safe_text(value)


def write_atomic(data: str | bytes, path: Path, inputs: tuple[Path, ...] = ()) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file beside it, then a rename.

    An interrupted run never leaves half a file, and an existing file is only
    replaced once the new one is complete. Writing onto an input file is refused.
    """
    import tempfile

    target = path.resolve()
    if any(target == Path(p).resolve() for p in inputs):
        raise OutputError(f"{path}: is one of the input files; choose another output path.")
    if not target.parent.is_dir():
        raise OutputError(f"{path}: the folder {path.parent} does not exist.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        remove_if_interrupted(tmp)  # by the command line's Ctrl-C handler
        try:
            raw = shown(data).encode("utf-8") if isinstance(data, str) else data
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
            Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        finally:
            keep(tmp)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc}).") from exc
