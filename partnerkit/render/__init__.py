"""Renderers: one result object in, text in a format out.

A small registry (after tablib's): each :class:`Format` names a module that
is imported on first use and exposes ``render(result, **options) -> str``.
"""

from __future__ import annotations

import os
from enum import StrEnum
from importlib import import_module
from pathlib import Path

from ..errors import OptionError, OutputError


class Format(StrEnum):
    """Output formats of ``--format``."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


_MODULES = {
    Format.table: ".table",
    Format.json: ".json",
    Format.csv: ".csv",
    Format.markdown: ".markdown",
}
_EXTENSIONS = {
    ".json": Format.json,
    ".csv": Format.csv,
    ".md": Format.markdown,
    ".markdown": Format.markdown,
    ".txt": Format.table,
}


def render(result, fmt: Format, **options) -> str:
    """Render ``result`` (a result object such as ``ScoreResult``) as text in ``fmt``."""
    module = import_module(_MODULES[Format(fmt)], __name__)
    return module.render(result, **options)


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
        try:
            raw = data.encode("utf-8") if isinstance(data, str) else data
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
            Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc}).") from exc
