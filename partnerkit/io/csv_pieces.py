"""Parsing a large CSV file in byte ranges on several threads, into columns allocated once.

pandas' own reader parses a large file into pieces and then concatenates every
column, so each answer column is written twice and both copies are alive at the
peak. Here the float columns the header plan names (the items) are allocated once
for an upper bound of the rows, and each thread copies its piece's floats straight
into place; only the few other columns (roles, ids, texts) are concatenated.
pandas' C tokenizer and float conversion release the GIL, so threads parse in
parallel.

A piece ends at a line break outside quotes (the count of quote characters before
it is even, which holds for RFC 4180 quoting, where a quote inside a field is
doubled). Whenever the result could differ from a plain ``pandas.read_csv`` of the
whole file (a parser error, whose line number would be counted from the piece; a
column typed differently in two pieces; bare carriage returns as line ends), this
gives up and returns ``None``, and the caller parses the file in one piece.

:func:`.files.read_csv` asks :func:`worth_splitting` whether to split a file,
starts :func:`start_scan` (which also looks for NUL bytes) on a thread while
pandas is imported, and hands the pieces to :func:`parse_in_pieces`. Measured on
the 1,000,000-row benchmark with pandas 3.1, which parses a large file on threads
itself: 12-16 % faster than a plain ``pandas.read_csv``, and 600 MB at the peak
rather than 710-780 MB (the items' floats are written once).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from ..parallel import cores, in_background, thread_map

if TYPE_CHECKING:
    from concurrent.futures import Future

    import pandas as pd

#: files smaller than this are parsed in one piece (pandas' own reader is as fast there)
MIN_BYTES = 24 * 1024 * 1024
PIECE_BYTES = 16 * 1024 * 1024
_QUOTE, _NL = b'"', b"\n"
NUL = b"\x00"
#: encodings whose line breaks and quotes are single bytes, so a file can be cut anywhere
PIECE_ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")


class _GiveUp(Exception):
    """The file cannot be parsed in pieces with the same result as in one."""


class Scan(NamedTuple):
    """Where a file's rows can be cut into pieces, and what the scan saw of its bytes."""

    pieces: list[tuple[int, int, int]] | None  # (offset, length, most rows); None: one piece
    nul: bool  # a NUL byte after the start
    complete: bool  # every byte after the start was looked at


class _Block(NamedTuple):
    """What :func:`_scan` saw in one block of :data:`PIECE_BYTES`."""

    lines: int  # line breaks
    last: int  # the offset just past the last line break (0: none)
    bare_cr: bool  # a carriage return that ends a line alone
    nul: bool  # a NUL byte


def worth_splitting(path: Path, encoding: str) -> bool:
    """Whether a CSV file is large enough to parse in pieces, in an encoding that can be
    cut at any line break."""
    return encoding in PIECE_ENCODINGS and path.stat().st_size >= MIN_BYTES


def start_scan(
    path: Path, head: bytes, header_rows: int, delimiter: str, checked: int
) -> Future[Scan] | None:
    """:func:`scan` of the rows after the header, on a thread of its own.

    ``head``: the first bytes of the file; ``checked``: how many bytes were looked
    through for NUL bytes already. ``None`` when the header rows run on past them:
    the caller then looks through the whole file and parses it in one piece.
    """
    start = _data_start(head, header_rows, delimiter)
    if start is None:  # header rows longer than the sniffed bytes: as far as read_csv reads
        with path.open("rb") as fh:
            start = _data_start(fh.read(64 * len(head)), header_rows, delimiter)
    if start is None or start > checked:
        return None
    return in_background(scan, path, start)


def _data_start(head: bytes, rows: int, delimiter: str) -> int | None:
    """Byte offset just past the first ``rows`` records of ``head``; ``None`` when
    ``head`` does not hold them all.

    Quoting as pandas' tokenizer reads it: a quote opens a quoted cell only at the
    start of a cell (``27" screen`` is plain text), a doubled quote inside one is a
    quote, and a line break inside one does not end the record. A few header rows
    are read, so a loop over their bytes costs nothing.
    """
    quote, newline, separator = ord('"'), ord("\n"), ord(delimiter)
    quoted, cell_start = False, True
    i = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    while i < len(head):
        byte = head[i]
        if quoted:
            if byte == quote:
                if i + 1 < len(head) and head[i + 1] == quote:
                    i += 1  # a doubled quote: a quote in the text
                else:
                    quoted = False
        elif byte == quote and cell_start:
            quoted = True
        elif byte == newline:
            rows -= 1
            if rows == 0:
                return i + 1
        cell_start = not quoted and byte in (separator, newline, ord("\r"))
        i += 1
    return None


def scan(path, data_start: int) -> Scan:
    """Cut the rows after byte ``data_start`` of ``path`` into pieces of about
    :data:`PIECE_BYTES` for :func:`parse_in_pieces`, looking for NUL bytes on the way.

    Needs no pandas: the reader runs it on a thread while pandas is imported.
    """
    if not hasattr(os, "preadv"):  # not POSIX: read in one piece
        return Scan(None, False, False)
    with Path(path).open("rb") as fh:
        fd = fh.fileno()
        return _pieces(fd, data_start, os.fstat(fd).st_size)


def parse_in_pieces(
    path,
    pieces: list[tuple[int, int, int]] | None,
    options: Mapping,
    names: Sequence[str],
    dtypes: Mapping[str, str],
) -> tuple[pd.DataFrame, dict[str, np.ndarray]] | None:
    """The rows of ``path`` in ``pieces`` (from :func:`scan`) parsed with
    ``pandas.read_csv(**options)``.

    Returns the frame and the float64 arrays it was built from (the columns with
    dtype ``float64`` in ``dtypes``); nothing else holds these arrays, so a caller
    may overwrite them in place. Returns ``None`` when the file should be parsed in
    one piece instead. Exceptions of the parser other than ``ParserError`` (a
    ``ValueError`` for text in a float column, a ``UnicodeDecodeError``) propagate
    as they would from a plain read.
    """
    import pandas as pd

    if pieces is None or len(pieces) < 2:
        return None
    with Path(path).open("rb") as fh:
        fd = fh.fileno()
        floats = [n for n in names if dtypes.get(n) == "float64"]
        bound = sum(rows for _, _, rows in pieces)
        arrays = {name: np.empty(bound) for name in floats}
        offsets = np.cumsum([0] + [rows for _, _, rows in pieces[:-1]])

        def parse(k: int) -> pd.DataFrame:
            start, length, rows = pieces[k]
            data = os.pread(fd, length, start)
            if _width(data, options) > len(names):  # pandas would warn and drop cells
                raise _GiveUp
            try:
                part = pd.read_csv(io.BytesIO(data), names=names, dtype=dtypes or None, **options)
            except pd.errors.ParserError as exc:
                raise _GiveUp from exc  # a row too long: one read names its line
            if len(part) > rows:  # a line break the count did not see
                raise _GiveUp
            at = offsets[k]
            for name in floats:
                arrays[name][at : at + len(part)] = part[name].to_numpy()
            return part.drop(columns=floats)

        try:
            parts = thread_map(parse, range(len(pieces)))
            others = {name: _join([p[name] for p in parts]) for name in parts[0].columns}
        except _GiveUp:
            return None
    counts = [len(p) for p in parts]
    total = sum(counts)
    if total < bound:  # fewer rows than line breaks: close the gaps, front to back
        at = 0
        for k, count in enumerate(counts):
            if offsets[k] != at:
                for values in arrays.values():
                    values[at : at + count] = values[offsets[k] : offsets[k] + count]
            at += count
        arrays = {name: values[:total] for name, values in arrays.items()}
    columns = {name: arrays[name] if name in arrays else others[name] for name in names}
    return pd.DataFrame(columns, copy=False), arrays


def _pieces(fd: int, start: int, size: int) -> Scan:
    """Pieces of about :data:`PIECE_BYTES` that end at a line break outside quotes
    (``None`` when the file cannot be split safely), and NUL bytes seen."""
    blocks = range(start, size, PIECE_BYTES)
    threads = max(1, min(cores(), len(blocks)))
    scans = thread_map(partial(_scan, fd, size), [blocks[k::threads] for k in range(threads)])
    if None in scans:  # quotes (a line break may be inside them), or a short read
        return _pieces_in_turn(fd, start, size)
    found: list[_Block] = [None] * len(blocks)  # type: ignore[list-item]
    for k, scan in enumerate(scans):
        found[k::threads] = scan
    return _pieces_of_blocks(blocks, found, size)


def _scan(fd: int, size: int, blocks: Sequence[int]) -> list[_Block] | None:
    """What each block of :data:`PIECE_BYTES` at the offsets ``blocks`` holds. ``None``
    when a block holds a quote (then a line break may be inside quotes, which only a
    scan from the start can tell), or when a read comes back short."""
    buffer = bytearray(PIECE_BYTES + 1)  # one more byte: the \n after a \r at the end
    codes = np.frombuffer(buffer, np.uint8)
    newlines = np.empty(PIECE_BYTES, dtype=bool)  # reused: fresh memory costs page faults
    found = []
    for at in blocks:
        read = os.preadv(fd, [buffer], at)
        if read < min(PIECE_BYTES + 1, size - at):
            return None
        length = min(read, PIECE_BYTES)
        if buffer.find(_QUOTE, 0, length) >= 0:
            return None
        found.append(
            _Block(
                lines=_line_breaks(codes, newlines, length),
                last=buffer.rfind(_NL, 0, length) + 1,
                bare_cr=_bare_cr(buffer, length, read),
                nul=buffer.find(NUL, 0, length) >= 0,
            )
        )
    return found


def _line_breaks(codes: np.ndarray, mask: np.ndarray, length: int) -> int:
    """Line breaks in ``codes[:length]`` (``mask``: room for the comparison)."""
    np.equal(codes[:length], _NL[0], out=mask[:length])  # numpy lets go of the GIL
    return int(np.count_nonzero(mask[:length]))


def _bare_cr(data: bytearray, end: int, limit: int) -> bool:
    """Whether a carriage return before ``end`` ends a line alone, not followed by a
    line break (which may be the byte at ``end``, when ``limit`` reaches past it)."""
    return data.find(b"\r", 0, end) >= 0 and data.count(b"\r", 0, end) != data.count(
        b"\r\n", 0, limit
    )


def _pieces_of_blocks(blocks: range, found: list[_Block], size: int) -> Scan:
    """Pieces ending at the last line break of each block (the last piece at the end of
    the file), from :func:`_scan` of a file with no quotes."""
    nul = any(block.nul for block in found)
    pieces, begin = [], blocks.start
    for at, block in zip(blocks, found, strict=True):
        if block.bare_cr:  # bare carriage returns end lines for the parser, not for the split
            return Scan(None, nul, complete=True)
        if at + PIECE_BYTES >= size:  # the last block: its piece runs to the end
            unended = block.last != size - at  # the last line has no line break
            pieces.append((begin, size - begin, block.lines + unended))
        elif block.last == 0:  # a line longer than a piece
            return Scan(None, nul, complete=True)
        else:
            pieces.append((begin, at + block.last - begin, block.lines))
            begin = at + block.last
    return Scan(pieces, nul, complete=True)


def _pieces_in_turn(fd: int, start: int, size: int) -> Scan:
    """:func:`_pieces` by reading the file from the start, piece after piece, so that the
    quotes before a line break can be counted."""
    pieces: list[tuple[int, int, int]] = []
    nul = False
    buffer = bytearray(PIECE_BYTES)  # one buffer for all: fresh memory costs page faults
    codes = np.frombuffer(buffer, np.uint8)
    newlines = np.empty(PIECE_BYTES, dtype=bool)
    while start < size:
        read = os.preadv(fd, [buffer], start)
        if not read:
            break
        nul = nul or buffer.find(NUL, 0, read) >= 0
        end = read if start + read >= size else _last_break(buffer, read)
        if end is None or _bare_cr(buffer, end, end):  # no line break; bare CRs end lines
            return Scan(None, nul, complete=False)  # for the parser, not for the split
        rows = _line_breaks(codes, newlines, end)
        pieces.append((start, end, rows + (buffer[end - 1] != _NL[0])))
        start += end
    return Scan(pieces, nul, complete=start >= size)


def _width(data: bytes, options: Mapping) -> int:
    """Cells in the first record of ``data``: pandas drops those of a first record
    wider than the names with no more than a warning, so a piece must not start so."""
    if data.find(b"\n", 0, 65536) < 0:
        return 1 << 30  # a first line of 64 KB: too odd to split, read in one piece
    text = data[:65536].decode(options["encoding"], errors="ignore")
    records = csv.reader(io.StringIO(text, newline=""), delimiter=options["sep"])
    return len(next(records, []))


def _last_break(data: bytearray, size: int) -> int | None:
    """Just past the last line break in ``data[:size]`` outside quotes (``data`` starts
    outside quotes)."""
    at = data.rfind(_NL, 0, size)
    if at < 0 or data.find(_QUOTE, 0, size) < 0:  # the usual case: no quotes to count
        return at + 1 if at >= 0 else None
    quotes = data.count(_QUOTE, 0, at)
    while at >= 0 and quotes % 2:
        before = data.rfind(_NL, 0, at)
        quotes -= data.count(_QUOTE, before + 1, at)
        at = before
    return at + 1 if at >= 0 else None


def _join(pieces: list[pd.Series]) -> pd.Series:
    """One column from its pieces, typed as one parse of the whole column would type it."""
    import pandas as pd

    if any(isinstance(p.dtype, pd.CategoricalDtype) for p in pieces):
        kinds = {p.cat.categories.dtype for p in pieces if len(p.cat.categories)}
        if len(kinds) == 1:  # a piece where the column is empty has categories of no type
            empty = pd.Index([], dtype=kinds.pop())
            pieces = [p if len(p.cat.categories) else p.cat.set_categories(empty) for p in pieces]
        try:
            joined = pd.api.types.union_categoricals(pieces, sort_categories=True)
        except TypeError as exc:  # categories of different types: a whole parse decides
            raise _GiveUp from exc
        return pd.Series(joined, copy=False)
    dtypes = {str(p.dtype) for p in pieces}
    if len(dtypes) == 1 or dtypes == {"int64", "float64"}:  # whole numbers and blanks: floats
        return pd.concat(pieces, ignore_index=True)
    filled = [p for p in pieces if p.notna().any()]
    kind = filled[0].dtype if filled else None
    texts = isinstance(kind, pd.StringDtype) or kind == np.dtype(object)
    if not texts or any(p.dtype != kind for p in filled):
        raise _GiveUp  # e.g. numbers in one piece and texts in another
    pieces = [p if p.dtype == kind else p.astype(kind) for p in pieces]  # pieces with no text
    return pd.concat(pieces, ignore_index=True)
