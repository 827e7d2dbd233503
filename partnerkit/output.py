"""What partnerkit writes: the output formats, atomic replacement of files, and text a
spreadsheet will not run.

Low in the layering so that any module that writes a file (renderers, the
template workbook, a new project or instrument file) uses the same rules, and the
library can choose a format (from ``-o``'s extension, say) without loading a renderer.
"""

from __future__ import annotations

import math
import os
import re
import stat
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
    from .i18n import Message

    if fmt is not None:
        return fmt
    if path is None:
        return Format.table
    try:
        return _EXTENSIONS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(_EXTENSIONS)
        raise OptionError(
            Message("error.output_format", path=path, suffix=path.suffix, known=known)
        ) from None


#: Leading characters that make a spreadsheet treat a text cell as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading ``'``; numbers pass unchanged.

    Control characters a workbook cannot hold (and a CSV reader should not meet) are
    spelt out as ``\\x1b`` (:func:`xlsx_clean`).

    >>> safe_text("=HYPERLINK(1)"), safe_text("-0.5 points"), safe_text(-0.5)
    ("'=HYPERLINK(1)", "'-0.5 points", -0.5)
    """
    if isinstance(value, str):
        value = xlsx_clean(value)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def xlsx_text(value: object) -> object:
    r"""What a workbook cell holds for ``value``: :func:`safe_text` of the text as it reads
    (bytes of a file name that are not UTF-8 as U+FFFD); numbers pass unchanged.

    >>> xlsx_text("Kommune\x07"), xlsx_text("=1+1"), xlsx_text(2.5)
    ('Kommune\\x07', "'=1+1", 2.5)
    """
    return safe_text(shown(value)) if isinstance(value, str) else value


def write_atomic(
    data: str | bytes, path: Path, inputs: tuple[Path, ...] = (), mode: int | None = None
) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file beside it, then a rename.

    An interrupted run never leaves half a file, and an existing file is only
    replaced once the new one is complete. Writing onto an input file is refused.
    The file gets ``mode``, else what the umask allows (``0666 & ~umask``; the
    temporary file is created 0600). :func:`write_output` applies the whole policy.
    """
    import tempfile

    from .i18n import Message

    target = path.resolve()
    if _same_file(path, tuple(inputs)) is not None:
        raise OutputError(Message("error.output_is_input", path=path))
    if not target.parent.is_dir():
        raise OutputError(Message("error.output_folder_missing", path=path, folder=path.parent))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        remove_if_interrupted(tmp)  # by the command line's Ctrl-C handler
        try:
            raw = shown(data).encode("utf-8") if isinstance(data, str) else data
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
                os.fchmod(fh.fileno(), 0o666 & ~_umask() if mode is None else mode)
            Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        finally:
            keep(tmp)
    except OSError as exc:
        raise OutputError(
            Message("error.output_unwritable", path=path, problem=exc.strerror or exc)
        ) from exc


# Strict JSON ------------------------------------------------------------------


def json_ready(value: object) -> object:
    """``value`` with every number a JSON number: NaN, ±inf, ``pd.NA`` and ``NaT`` as None.

    Walks dicts, lists and tuples (nested results such as reliability's items);
    numpy scalars are unwrapped, so a count stored as ``int64`` stays an integer.

    >>> json_ready({"sd": float("nan"), "n": [1, float("inf")], "mean": 4.0})
    {'sd': None, 'n': [1, None], 'mean': 4.0}
    """
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, str | bool | int) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item"):  # a numpy scalar
        return json_ready(value.item())
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(value, "isoformat"):  # dates and times
        return value.isoformat()
    return str(value)


def dumps(document: object) -> str:
    """``document`` as strict JSON (RFC 8259): the one encoder of every JSON partnerkit writes.

    ``allow_nan=False`` makes a value that slipped past :func:`json_ready` fail loudly
    instead of writing ``NaN``, which JavaScript's ``JSON.parse``, ``jq`` and Go reject.

    Indented by two spaces, except that a list of more than :data:`ONE_LINE_RECORDS`
    objects (the records of a large run) has one object per line, written by the
    standard library's C encoder: the indented encoder is pure Python, and took 0.5 s of
    the output of ``areas`` on 1,000 files (11,000 records; 0.05 s one per line, issue 23).
    """
    import json

    records: dict[str, str] = {}
    shell = _with_records_apart(document, records)
    text = json.dumps(json_ready(shell), ensure_ascii=False, indent=2, allow_nan=False)
    for token, lines in records.items():
        text = text.replace(json.dumps(token), lines, 1)
    return text + "\n"


#: lists of more objects than this are written one object per line (:func:`dumps`)
ONE_LINE_RECORDS = 500


def _with_records_apart(value: object, records: dict[str, str], depth: int = 1) -> object:
    """``value`` with each long list of objects replaced by a unique token; ``records``
    maps each token to the list's text, one object per line, indented for ``depth``."""
    if isinstance(value, dict):
        return {k: _with_records_apart(v, records, depth + 1) for k, v in value.items()}
    if not isinstance(value, list | tuple) or len(value) <= ONE_LINE_RECORDS:
        return value
    if not all(isinstance(v, dict) for v in value):
        return value
    import json
    import uuid

    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
    rows = value
    if not all(type(k) is str for row in rows for k in row):  # keys as json_ready makes them
        rows = json_ready(rows)
    try:
        lines = [encode(row) for row in rows]
    except (TypeError, ValueError):  # numpy scalars, NaN, dates...: made JSON-ready first
        lines = [encode(row) for row in json_ready(rows)]
    inner, outer = "  " * depth, "  " * (depth - 1)
    token = f"partnerkit-records-{uuid.uuid4().hex}"
    records[token] = "[\n" + ",\n".join(inner + line for line in lines) + "\n" + outer + "]"
    return token


# Neutralising texts for each target ---------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What openpyxl refuses in a cell (XML 1.0 forbids them): C0 controls but tab and newlines.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _escaped(match: re.Match) -> str:
    return f"\\x{ord(match.group()):02x}"


def terminal_text(text: str) -> str:
    """Control and escape characters shown as ``\\x1b`` etc., so no text can steer a terminal.

    Newlines and tabs stay; everything else below space, DEL and the C1 controls are spelt out.

    >>> terminal_text("Politi\\x1b[2J")
    'Politi\\\\x1b[2J'
    """
    return _CONTROL.sub(_escaped, text) if _CONTROL.search(text) else text


def xlsx_clean(text: str) -> str:
    """``text`` without the control characters an xlsx cell cannot hold (openpyxl raises
    ``IllegalCharacterError``): they are spelt out as ``\\x1b``; tab and newlines stay.

    For a text cell written with ``data_type = "s"`` (never a formula), and inside
    :func:`safe_text`.

    >>> xlsx_clean("Politi\\x00\\x1b")
    'Politi\\\\x00\\\\x1b'
    """
    return _XLSX_ILLEGAL.sub(_escaped, text) if _XLSX_ILLEGAL.search(text) else text


def markdown_text(text: object) -> str:
    """A text for a markdown table cell or heading: HTML escaped, pipes escaped, one line.

    >>> markdown_text("<img src=x onerror=alert(1)>|a")
    '&lt;img src=x onerror=alert(1)&gt;\\\\|a'
    """
    import html

    text = html.escape(str(text), quote=False).replace("|", "\\|")
    return terminal_text(" ".join(text.splitlines()))


# Writing files: the output policy ------------------------------------------------

#: The mark of a file partnerkit wrote: its version and a SHA-256 of the content
#: (of a workbook: of its cell values) computed with the 64 hex digits as zeros.
_MARK = re.compile(r"partnerkit (\S+) sha256=([0-9a-f]{64})")
_ZEROS = "0" * 64
#: Formats whose file carries no mark (starter files, meant to be edited): an existing
#: one is replaced only with --force.
UNMARKED = "toml"


def _mark_text(digest: str = _ZEROS) -> str:
    from ._version import __version__

    return f"partnerkit {__version__} sha256={digest}"


def _stamp_text(text: str, kind: str) -> str:
    """``text`` with a mark whose digest is zeros, where each format keeps it."""
    mark = _mark_text()
    if kind in ("csv", "table"):
        return f"# {mark}\n{text}"
    if kind == "markdown":
        return f"<!-- {mark} -->\n\n{text}"
    if kind == "json":
        head = '{\n  "meta": {\n'
        if not text.startswith(head):
            raise ValueError("a JSON output starts with its meta object")
        return f'{head}    "mark": "{mark}",\n{text[len(head) :]}'
    if kind == "html":
        head = text.find("<head>")
        if head < 0:
            raise ValueError("an HTML output has a <head>")
        at = head + len("<head>")
        return f'{text[:at]}\n<meta name="generator" content="{mark}">{text[at:]}'
    raise ValueError(f"no mark for {kind}")


def _text_digest(data: bytes, start: int) -> str:
    """SHA-256 of ``data`` with the 64 hex digits at ``start`` read as zeros."""
    import hashlib

    return hashlib.sha256(data[:start] + _ZEROS.encode() + data[start + 64 :]).hexdigest()


def _text_mark(data: bytes) -> re.Match | None:
    """The mark where partnerkit puts it: first line, JSON meta, HTML head."""
    head = data[:4096].decode("utf-8", errors="replace")
    first = head.split("\n", 1)[0]
    if first.startswith(("# partnerkit ", "<!-- partnerkit ")):
        return _MARK.search(head, 0, len(first))
    for before in ('{\n  "meta": {\n    "mark": "', '<meta name="generator" content="'):
        at = head.find(before)
        if at >= 0:
            return _MARK.match(head, at + len(before))
    return None


def _cells_digest(data: bytes) -> str:
    """SHA-256 of every sheet's name and cell values: what a user who fills in a workbook
    changes (read with python-calamine, as the readers do)."""
    import hashlib
    import io

    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    digest = hashlib.sha256()
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        digest.update(repr((name, rows)).encode("utf-8"))
    return digest.hexdigest()


_CORE = "docProps/core.xml"
_KEYWORDS = re.compile(rb"<cp:keywords>([^<]*)</cp:keywords>")


def _stamp_xlsx(data: bytes) -> bytes:
    """The workbook with its mark in the document properties (keywords)."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    mark = _mark_text(_cells_digest(data)).encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = source.read(info)
            if info.filename == _CORE:
                member = _KEYWORDS.sub(b"", member)
                member = member.replace(
                    b"</cp:coreProperties>",
                    b"<cp:keywords>" + escape(mark.decode()).encode() + b"</cp:keywords>"
                    b"</cp:coreProperties>",
                )
            target.writestr(info, member)
    return out.getvalue()


def _xlsx_marked(data: bytes) -> bool:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            core = book.read(_CORE)
        found = _KEYWORDS.search(core)
        mark = found and _MARK.fullmatch(found.group(1).decode("utf-8", "replace"))
        return bool(mark) and mark.group(2) == _cells_digest(data)
    except Exception:  # not a workbook, or one no reader can open: not ours
        return False


def stamp(data: str | bytes, kind: str) -> bytes:
    """The bytes of an output file of format ``kind``, carrying partnerkit's mark."""
    if kind == "xlsx":
        return _stamp_xlsx(data)
    raw = shown(data).encode("utf-8") if isinstance(data, str) else data  # file names as read
    if kind == UNMARKED:
        return raw
    raw = _stamp_text(raw.decode("utf-8"), kind).encode("utf-8")
    mark = _text_mark(raw)
    digest = _text_digest(raw, mark.start(2)).encode()
    return raw[: mark.start(2)] + digest + raw[mark.end(2) :]


def written_by_partnerkit(path: Path) -> bool:
    """Whether ``path`` carries partnerkit's mark and nobody changed it since.

    A text output's mark holds a SHA-256 of the whole file (with the digest read as
    zeros), a workbook's a SHA-256 of its cell values: a questionnaire someone filled
    in and saved, or a CSV edited by hand, is not partnerkit's any more.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if data.startswith(b"PK"):
        return _xlsx_marked(data)
    mark = _text_mark(data)
    return mark is not None and mark.group(2) == _text_digest(data, mark.start(2))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _special(path: Path) -> bool:
    """``-``, a FIFO, a device, or a stream such as ``/dev/stdout``: written to, never replaced."""
    if str(path) == "-":
        return True
    if str(path.parent) in ("/dev", "/dev/fd", "/proc/self/fd"):
        return path.exists()
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _same_file(target: Path, inputs: tuple[Path, ...]) -> Path | None:
    """The input that ``target`` is, by resolved path or by device and inode."""
    try:
        st = target.stat()
    except OSError:
        st = None
    resolved = target.resolve()
    for p in inputs:
        p = Path(p)
        if resolved == p.resolve():
            return p
        if st is not None:
            try:
                other = p.stat()
            except OSError:
                continue
            if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
                return p
    return None


def write_output(
    data: str | bytes,
    path: Path,
    kind: str,
    inputs: tuple[Path, ...] = (),
    force: bool = False,
) -> None:
    """Write an output file of format ``kind`` under partnerkit's one output policy.

    - ``-``, a FIFO, a device or ``/dev/stdout`` is written to (appended), not replaced,
      and carries no mark.
    - Never onto an input (by resolved path, or device and inode: a hard link too),
      never onto a write-protected file, not even with ``force``.
    - An existing file is replaced only when partnerkit wrote it and nobody changed it
      since (:func:`written_by_partnerkit`), or with ``force``.
    - Written atomically (a temporary file beside it, then a rename), with the mode the
      umask allows (``0666 & ~umask``) or, when replacing, the replaced file's mode.
    """
    from .i18n import Message

    if _special(path):
        raw = shown(data).encode("utf-8") if isinstance(data, str) else data
        if str(path) == "-":
            import sys

            sys.stdout.flush()
            sys.stdout.buffer.write(raw)
            sys.stdout.flush()
            return
        try:
            with path.open("ab") as fh:
                fh.write(raw)
        except OSError as exc:
            raise OutputError(
                Message("error.output_unwritable", path=path, problem=exc.strerror or exc)
            ) from exc
        return
    write_atomic(stamp(data, kind), path, inputs, mode=check_output(path, inputs, force))


def check_output(path: Path, inputs: tuple[Path, ...] = (), force: bool = False) -> int | None:
    """Raise the :class:`OutputError` that :func:`write_output` would raise for ``path``,
    without writing; the mode of the file it would replace (None: none, or a stream).

    A command that writes several files checks them all first, so that a refusal of the
    second leaves no first behind.
    """
    from .i18n import Message

    if _special(path):
        return None
    if path.is_dir():
        raise OutputError(Message("error.output_is_folder", path=path))
    same = _same_file(path, inputs)
    if same is not None:
        raise OutputError(Message("error.output_is_input", path=path))
    mode = None
    if path.exists():
        st = path.stat()
        if not st.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):
            raise OutputError(Message("error.output_protected", path=path))
        if not force and not written_by_partnerkit(path):
            raise OutputError(Message("error.output_exists", path=path))
        mode = stat.S_IMODE(st.st_mode)
    return mode
