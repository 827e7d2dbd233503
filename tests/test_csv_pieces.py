"""Large CSV files are parsed in pieces on threads (partnerkit.io.csv_pieces).

The reference here is pandas itself: every file read in pieces must give the frame
that one ``pandas.read_csv`` of the whole file gives (partnerkit's reader with the
piece path switched off), or the piece path must step aside. Pieces are made tiny
so that small files cross many piece boundaries.
"""

from __future__ import annotations

import csv
import io
import sys
from contextlib import contextmanager
from functools import partial
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerkit.errors import SurveyReadError
from partnerkit.instrument import load_instrument
from partnerkit.io import csv_pieces, files, read_survey
from partnerkit.io.layouts import detect_header
from partnerkit.io.part import _preparer
from partnerkit.scoring import score_survey

from . import exports
from .conftest import EXAMPLE_CSV

#: the CSV reader as the layouts call it: header rows (and layout) recognised
read_csv = partial(files.read_csv, header=detect_header)


@contextmanager
def pieces(size: int | None):
    """Parse in pieces of ``size`` bytes whatever the file size; ``None``: never."""
    minimum = 0 if size else 1 << 62
    with (
        mock.patch.object(csv_pieces, "MIN_BYTES", minimum),
        mock.patch.object(csv_pieces, "PIECE_BYTES", size or csv_pieces.PIECE_BYTES),
    ):
        yield


def read_both(path, size: int, prepare=None):
    """The table read whole and read in pieces of ``size`` bytes."""
    with pieces(None):
        whole = read_csv(path, prepare=prepare)
    with pieces(size):
        split = read_csv(path, prepare=prepare)
    return whole, split


def took_pieces(path, size: int, prepare=None) -> bool:
    calls = []
    original = csv_pieces.parse_in_pieces

    def spy(*args, **kwargs):
        result = original(*args, **kwargs)
        calls.append(result is not None)
        return result

    with pieces(size), mock.patch.object(csv_pieces, "parse_in_pieces", spy):
        read_csv(path, prepare=prepare)
    return any(calls)


def test_example_export_read_in_pieces_equals_one_read():
    prepare = _preparer(load_instrument())
    whole, split = read_both(EXAMPLE_CSV, 4096, prepare)
    pd.testing.assert_frame_equal(split.frame, whole.frame)
    assert took_pieces(EXAMPLE_CSV, 4096, prepare)
    # the item and relation columns, allocated once
    cells = 30 + len(load_instrument().relation_columns)
    assert len(split.owned) == cells and not whole.owned
    for name, values in split.owned.items():
        assert np.shares_memory(values, split.frame[name].to_numpy())


def test_scores_from_pieces_equal_scores_from_one_read():
    inst = load_instrument()
    results = []
    for size in (None, 2048):
        with pieces(size):
            survey = read_survey([EXAMPLE_CSV], inst)
        result = score_survey(survey, ["actor", "round"])
        results.append((result.records.to_json(), survey.ledger))
    assert results[0] == results[1]


def write(tmp_path, text: str, name="survey.csv", encoding="utf-8", newline="\n"):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


HEADER = "id;group;note;q1;q2\n"


def rows(count: int, note=lambda i: f"n{i}") -> str:
    return "".join(f"{i};g{i % 3};{note(i)};{1 + i % 5};{1 + i % 4}\n" for i in range(count))


FLOATS = lambda names, alternates: {"q1": "float64", "q2": "float64", "group": "category"}  # noqa: E731


def error_read_both_ways(path, size: int, prepare=FLOATS) -> str:
    """The error reading ``path`` whole and in pieces of ``size`` bytes: the same message."""
    messages = set()
    for each in (None, size):
        with pieces(each), pytest.raises(SurveyReadError) as caught:
            read_csv(path, prepare=prepare)
        messages.add(str(caught.value))
    assert len(messages) == 1, messages
    return messages.pop()


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_quoted_line_breaks_delimiters_and_quotes_across_pieces(tmp_path, newline):
    note = lambda i: '"line one\nline ""two""; three"' if i % 4 == 0 else f"n{i}"  # noqa: E731
    path = write(tmp_path, HEADER + rows(200, note), newline=newline)
    whole, split = read_both(path, 97, FLOATS)
    pd.testing.assert_frame_equal(split.frame, whole.frame)
    assert took_pieces(path, 97, FLOATS)
    assert split.frame["note"].iloc[0] == f'line one{newline}line "two"; three'


def test_blank_lines_and_no_final_line_break(tmp_path):
    text = HEADER + rows(50) + "\n\n" + rows(50) + "\n" + "99;g1;last;3;2"
    path = write(tmp_path, text)
    whole, split = read_both(path, 64, FLOATS)
    pd.testing.assert_frame_equal(split.frame, whole.frame)
    assert len(split.frame) == 104  # the blank lines are rows, as in one read


def test_bare_carriage_returns_are_read_in_one_piece(tmp_path):
    path = write(tmp_path, HEADER + rows(100), newline="\r")
    whole, split = read_both(path, 64, FLOATS)
    pd.testing.assert_frame_equal(split.frame, whole.frame)
    assert not took_pieces(path, 64, FLOATS)


def test_answer_labels_in_a_later_piece_fall_back_to_texts(tmp_path):
    text = HEADER + rows(100) + "100;g1;x;Agree;2\n" + rows(20)
    path = write(tmp_path, text)
    whole, split = read_both(path, 128, FLOATS)
    pd.testing.assert_frame_equal(split.frame, whole.frame)
    assert split.frame["q1"].dtype != "float64" and not split.owned


def test_column_typed_differently_in_two_pieces_is_read_in_one(tmp_path):
    text = HEADER + rows(100) + "abc;g1;x;3;2\n"  # ids: numbers, then a text
    path = write(tmp_path, text)
    whole, split = read_both(path, 128, FLOATS)
    pd.testing.assert_frame_equal(split.frame, whole.frame)
    assert not took_pieces(path, 128, FLOATS)


def test_text_column_empty_in_some_pieces(tmp_path):
    text = HEADER + rows(100, note=lambda i: "" if i < 60 else f"n{i}")
    path = write(tmp_path, text)
    whole, split = read_both(path, 128, FLOATS)
    pd.testing.assert_frame_equal(split.frame, whole.frame)
    assert took_pieces(path, 128, FLOATS)


def test_whole_numbers_with_blanks_in_some_pieces_are_floats(tmp_path):
    text = HEADER + "".join(f"{'' if i > 80 else i};g;n;3;2\n" for i in range(100))
    path = write(tmp_path, text)
    whole, split = read_both(path, 128, FLOATS)
    pd.testing.assert_frame_equal(split.frame, whole.frame)
    assert split.frame["id"].dtype == "float64"


def test_first_row_longer_than_the_header_is_an_error_not_a_loss(tmp_path):
    path = write(tmp_path, HEADER + "0;g0;n0;3;2;7\n" + rows(100))
    assert error_read_both_ways(path, 128) == (
        f"{path}: row 2 has 6 cells but the header has 5. Check the delimiter, or quote "
        "text that contains it, and export again."
    )


def test_trailing_delimiters_on_the_rows_lose_nothing(tmp_path):
    plain = write(tmp_path, HEADER + rows(100), name="plain.csv")
    trailing = write(tmp_path, HEADER + rows(100).replace("\n", ";\n"), name="trailing.csv")
    for size in (None, 128):
        with pieces(size):
            pd.testing.assert_frame_equal(
                read_csv(trailing, prepare=FLOATS).frame, read_csv(plain, prepare=FLOATS).frame
            )


def test_trailing_delimiters_on_every_row_still_split_into_pieces(tmp_path):
    path = write(tmp_path, HEADER + rows(100).replace("\n", ";\n"))
    assert took_pieces(path, 128, FLOATS)


def test_a_trailing_delimiter_on_a_later_row_only_loses_nothing(tmp_path):
    plain = write(tmp_path, HEADER + rows(100), name="plain.csv")
    text = HEADER + rows(100).replace("\n7;g1;n7;3;4\n", "\n7;g1;n7;3;4;;\n")
    later = write(tmp_path, text, name="later.csv")
    for size in (None, 128):
        with pieces(size):
            pd.testing.assert_frame_equal(
                read_csv(later, prepare=FLOATS).frame, read_csv(plain, prepare=FLOATS).frame
            )


def test_labels_with_a_wide_first_row_lose_nothing(tmp_path):
    labels = HEADER + rows(100).replace(";3;", ";Agree;")  # q1 as labels: floats fail
    path = write(tmp_path, labels.replace("\n0;g0;n0;1;1\n", "\n0;g0;n0;1;1;;kept\n"))
    for size in (None, 128):
        with pieces(size), pytest.raises(SurveyReadError, match="row 2 has 7 cells but the h"):
            read_csv(path, prepare=FLOATS)


def test_a_quoted_line_break_in_the_first_header_cell_after_a_bom(tmp_path):
    from partnerkit.io.csv_pieces import _data_start

    header = b'\xef\xbb\xbf"Start\nDate";group;note;q1;q2\n'
    assert _data_start(header + b"0;g0;n0;1;1\n", 1, ";") == len(header)
    path = write(tmp_path, '"Start\nDate";group;note;q1;q2\n' + rows(100), encoding="utf-8-sig")
    whole, split = read_both(path, 128, FLOATS)
    pd.testing.assert_frame_equal(split.frame, whole.frame)
    assert len(split.frame) == 100 and split.frame.iloc[0, 0] == 0


def test_a_value_past_the_header_after_a_trailing_delimiter_is_an_error(tmp_path):
    text = HEADER + rows(100).replace("\n", ";\n")
    text = text.replace("\n3;g0;n3;4;4;\n", "\n3;g0;n3;4;4;lost\n")  # row 5 of the file
    path = write(tmp_path, text)
    for size in (None, 128):
        with pieces(size), pytest.raises(SurveyReadError, match="row 5 has 6 cells but the h"):
            read_csv(path, prepare=FLOATS)


def test_a_quote_inside_a_header_cell_does_not_hide_rows(tmp_path):
    # a quote opens quoting only at the start of a cell, as pandas reads it
    header = 'id;group;note (max 5");q1;q2\n'
    path = write(tmp_path, header + rows(100), name="header.csv")
    whole, split = read_both(path, 128, FLOATS)
    pd.testing.assert_frame_equal(split.frame, whole.frame)
    assert took_pieces(path, 128, FLOATS)
    assert len(split.frame) == 100 and split.frame.iloc[0, 0] == 0
    # a stray quote in the rows too: pieces cut by quote parity could be wrong, so the
    # file is read in one piece
    text = header + rows(100, note=lambda i: '27" screen' if i == 2 else f"n{i}")
    path = write(tmp_path, text, name="rows.csv")
    whole, split = read_both(path, 128, FLOATS)
    pd.testing.assert_frame_equal(split.frame, whole.frame)
    assert len(split.frame) == 100 and split.frame.iloc[2, 2] == '27" screen'


def test_building_a_part_twice_gives_the_same_part(tmp_path):
    """Only read_part, which owns the table, decodes in place; build_part on a table
    the caller keeps leaves it as it was."""
    from partnerkit.io import build_part, inspect_sheet

    inst = load_instrument()
    with pieces(4096):
        table, plan, warnings = inspect_sheet(EXAMPLE_CSV, inst)
    assert table.owned
    first = build_part(0, table, plan, warnings, inst)
    again = build_part(0, table, plan, warnings, inst)
    pd.testing.assert_frame_equal(first.data.to_frame(), again.data.to_frame())
    assert first.dont_know == again.dont_know and sum(first.dont_know.values()) > 0
    assert first.excluded == again.excluded and first.invalid == again.invalid


@pytest.mark.parametrize("at", [0, 50, 100])
def test_row_longer_than_the_header_in_any_piece_is_an_error(tmp_path, at):
    path = write(tmp_path, HEADER + rows(at) + "100;g1;x;3;2;7;8\n" + rows(20))
    for size in (None, 128):
        with pieces(size), pytest.raises(SurveyReadError, match=f"row {at + 2} has"):
            read_csv(path, prepare=FLOATS)


def test_parser_error_names_the_line_of_the_file(tmp_path):
    text = HEADER + rows(100) + "100;g1;x;3;2;7;8\n" + rows(10)
    path = write(tmp_path, text)
    messages = []
    for size in (None, 128):
        with pieces(size), pytest.raises(SurveyReadError) as caught:
            read_csv(path, prepare=FLOATS)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert "row 102 has 7 cells but the header has 5" in messages[1]


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_danish_letters_in_other_encodings(tmp_path, encoding):
    text = HEADER + rows(100, note=lambda i: f"Område {i} æøå")
    path = write(tmp_path, text, encoding=encoding)
    whole, split = read_both(path, 128, FLOATS)
    pd.testing.assert_frame_equal(split.frame, whole.frame)
    assert whole.encoding == encoding and split.frame["note"].iloc[3] == "Område 3 æøå"


FLOAT_ITEMS = {"b": "float64", "c": "float64"}
cells = st.one_of(
    st.sampled_from(["", "1", "2", "5", "6", "2.5", "x", "Agree"]),
    st.text(alphabet='ab;"\n ,', max_size=6),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=st.lists(st.lists(cells, min_size=4, max_size=4), min_size=1, max_size=40),
    size=st.integers(min_value=8, max_value=300),
    dtypes=st.sampled_from([{}, {"a": "category"}, {"a": "category"} | FLOAT_ITEMS]),
)
def test_any_table_reads_the_same_in_pieces(tmp_path_factory, table, size, dtypes):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerows([["id", "a", "b", "c"], *([str(i), *r[1:]] for i, r in enumerate(table))])
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    prepare = (lambda n, a: dtypes) if dtypes else None
    try:
        with pieces(None):
            whole = read_csv(path, prepare=prepare)
    except SurveyReadError:
        with pieces(size), pytest.raises(SurveyReadError):
            read_csv(path, prepare=prepare)
        return
    with pieces(size):
        split = read_csv(path, prepare=prepare)
    pd.testing.assert_frame_equal(split.frame, whole.frame)


def test_decoding_in_place_keeps_the_row_ledger(tmp_path):
    """Items decoded in place lose their don't-know codes; rows must still be told apart:
    a row of only "don't know" answers is no_item_answered, a row of nothing is empty."""
    frame = pd.read_csv(EXAMPLE_CSV, sep=";", encoding="cp1252", dtype=str)
    items = [c for c in frame.columns if " - " in c]
    dont_know = dict.fromkeys(frame.columns, "") | dict.fromkeys(items, "6")
    invalid = dont_know | {items[0]: "7"}
    blank = dict.fromkeys(frame.columns, "")
    # a real row last: empty rows at the end are no rows at all (as a LimeSurvey blank line)
    frame = pd.concat([frame, pd.DataFrame([dont_know, blank, invalid, blank]), frame.tail(1)])
    path = tmp_path / "survey.csv"
    frame.to_csv(path, sep=";", index=False, encoding="cp1252")
    inst = load_instrument()
    ledgers = []
    for size in (None, 4096):
        with pieces(size):
            ledgers.append(read_survey([path], inst).ledger)
    assert ledgers[0] == ledgers[1]
    before = {e.reason: e.rows for e in read_survey([EXAMPLE_CSV], inst).ledger.excluded}
    after = {e.reason: e.rows for e in ledgers[1].excluded}
    assert after["empty_row"] == before.get("empty_row", 0) + 2
    assert after["no_item_answered"] == before.get("no_item_answered", 0) + 2


@pytest.mark.parametrize(
    "export",
    [
        lambda d: exports.google_forms(d / "google.csv"),
        lambda d: exports.qualtrics(d / "qualtrics.csv"),  # three header rows, JSON in quotes
        lambda d: exports.qualtrics(d / "labels.csv", answers="labels"),
        lambda d: exports.surveymonkey(d / "monkey.csv"),  # two header rows
        lambda d: exports.surveyxact_csv(d / "sx") / "dataset.csv",
    ],
    ids=["google", "qualtrics", "qualtrics-labels", "surveymonkey", "surveyxact"],
)
def test_platform_exports_read_the_same_in_pieces(tmp_path, export):
    path = export(tmp_path)
    prepare = _preparer(load_instrument())
    size = path.stat().st_size // 5  # about five pieces
    whole, split = read_both(path, size, prepare)
    pd.testing.assert_frame_equal(split.frame, whole.frame)
    assert split.header_row == whole.header_row and split.layout == whole.layout
    assert took_pieces(path, size, prepare)


def test_threads_follow_pandas_max_threads_option():
    import threading

    from partnerkit.parallel import cores, thread_map

    with pd.option_context("mode.max_threads", 1):
        assert cores() == 1
        assert len(set(thread_map(lambda _: threading.get_ident(), range(8)))) == 1
    assert thread_map(lambda x: x * x, range(5)) == [0, 1, 4, 9, 16]  # order kept


def test_a_piece_read_ending_between_cr_and_lf_still_splits(tmp_path):
    line = "1;g1;note;3;2\r\n"  # 15 bytes: a read of 15k + 14 bytes ends after the CR
    path = write(tmp_path, HEADER + "".join(line for _ in range(200)), newline="\n")
    size = 15 * 7 + 14
    whole, split = read_both(path, size, FLOATS)
    pd.testing.assert_frame_equal(split.frame, whole.frame)
    assert took_pieces(path, size, FLOATS)


def test_a_worker_process_takes_its_share_of_the_cores():
    from partnerkit import parallel

    try:
        parallel.share_cores(1)
        assert parallel.cores() == 1
        assert pd.get_option("mode.max_threads") == 1  # pandas' own threads too
    finally:
        parallel._share = None
        pd.reset_option("mode.max_threads")
    assert parallel.cores() >= 1


def test_a_later_row_wider_still_names_the_header_width(tmp_path):
    text = HEADER + rows(10).replace("\n", ";\n") + "10;g1;x;3;2;;;z\n"  # 8 cells, header 5
    path = write(tmp_path, text)
    for size in (None, 64):
        with pieces(size), pytest.raises(SurveyReadError) as caught:
            read_csv(path, prepare=FLOATS)
        assert "row 12 has 8 cells but the header has 5." in str(caught.value)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(st.text(alphabet="ab;", max_size=12), min_size=1, max_size=40),
    ends=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=40, max_size=40),
    last=st.booleans(),
    size=st.integers(min_value=2, max_value=60),
)
def test_blocks_scanned_apart_tile_the_file_at_line_breaks(
    tmp_path_factory, lines, ends, last, size
):
    """With no quotes the file is scanned in fixed blocks on threads; the pieces must
    tile the file, end at line breaks (never between \\r and \\n), and bound the rows
    as the scan from the start does; bare carriage returns or a line longer than a
    piece make both scans give up."""
    text = "".join(line + end for line, end in zip(lines, ends, strict=False))
    if not last:  # the last line has no line break
        text = text.rstrip("\r\n") + "x"
    data = text.encode()
    path = tmp_path_factory.mktemp("blocks") / "t.csv"
    path.write_bytes(data)
    with path.open("rb") as fh, mock.patch.object(csv_pieces, "PIECE_BYTES", size):
        found = csv_pieces._pieces(fh.fileno(), 0, len(data)).pieces
        in_turn = csv_pieces._pieces_in_turn(fh.fileno(), 0, len(data)).pieces
    bare_cr = data.count(b"\r") != data.count(b"\r\n")
    longest = max(len(line) for line in data.split(b"\n"))  # with its \r, not its \n
    if bare_cr or longest >= size:
        assert found is None or not bare_cr
        return
    assert found is not None and in_turn is not None
    at = 0
    for k, (offset, length, rows) in enumerate(found):
        piece = data[offset : offset + length]
        assert offset == at and length > 0
        final = k == len(found) - 1
        assert final or piece.endswith(b"\n")
        assert rows == piece.count(b"\n") + (final and not piece.endswith(b"\n"))
        at += length
    assert at == len(data)
    assert sum(r for *_, r in found) == sum(r for *_, r in in_turn)


@pytest.mark.parametrize("quoted", [False, True])
@pytest.mark.parametrize("where", [3, 20_000])
def test_a_nul_byte_in_a_large_file_is_named_by_its_line(tmp_path, quoted, where):
    """A large file is looked through for NUL bytes by the scan that cuts it into pieces
    (while pandas is imported); the error must be the one the whole-file check gives."""
    note = (lambda i: f'"n {i}"') if quoted else (lambda i: f"n{i}")
    lines = (HEADER + rows(30_000, note)).splitlines(keepends=True)  # over the sniffed head
    lines[where - 1] = lines[where - 1].replace(";g", ";\0g", 1)
    path = write(tmp_path, "".join(lines))
    assert path.stat().st_size > 256 * 1024
    assert error_read_both_ways(path, 4096) == (
        f"{path}: contains a NUL byte on line {where}; the file is damaged or not a CSV "
        "file. Export it again."
    )
    with path.open("rb") as fh, mock.patch.object(csv_pieces, "PIECE_BYTES", 4096):
        assert csv_pieces._pieces(fh.fileno(), len(HEADER), path.stat().st_size).nul


@pytest.mark.parametrize("size", range(6, 31))
def test_a_crlf_cut_by_a_block_end_is_not_a_bare_carriage_return(tmp_path, size):
    """Blocks are read several at a time; a \\r\\n cut by the end of a block, inside
    such a read or at its end, is one line break (some sizes cut every line so)."""
    data = b"ab;c\r\n" * 200  # 6 bytes a line: a size of 6k + 5 cuts after the \r
    path = tmp_path / "crlf.csv"
    path.write_bytes(data)
    with path.open("rb") as fh, mock.patch.object(csv_pieces, "PIECE_BYTES", size):
        found = csv_pieces._pieces(fh.fileno(), 0, len(data))
    assert found.pieces is not None and found.nul is False
    assert sum(rows for *_, rows in found.pieces) == 200


def test_a_header_of_300_kb_is_read_and_looked_through_for_nul_bytes(tmp_path):
    """A header longer than the sniffed 256 KB (3,000 columns of long question texts):
    the delimiter is found on whole lines, and a NUL byte in the header past the sniffed
    bytes is reported even when the rows are scanned on a thread."""
    names = [f"question {k:05d} " + "x" * 90 for k in range(3000)]
    header = ",".join(names) + "\n"
    assert len(header) > 256 * 1024
    path = write(tmp_path, header + ",".join("1" for _ in names) + "\n", name="wide.csv")
    table = read_csv(path)
    assert table.delimiter == "," and table.frame.shape == (1, 3000)
    names[2700] = "quest\0ion"
    path = write(tmp_path, ",".join(names) + "\n" + "1\n" * 10, name="nul.csv")
    for size in (None, 4096):
        with pieces(size), pytest.raises(SurveyReadError, match="NUL byte on line 1;"):
            read_csv(path)


def test_a_short_read_sends_the_scan_back_to_the_start(tmp_path, monkeypatch):
    """os.preadv may return fewer bytes than asked (a network file system): the block
    scan must not report a file clean or cut it where it did not look."""
    lines = (HEADER + rows(3000)).splitlines(keepends=True)
    lines[2500] = lines[2500].replace(";g", ";\0g", 1)
    data = "".join(lines).encode()
    path = tmp_path / "short.csv"
    path.write_bytes(data)
    real = csv_pieces.os.preadv

    def short(fd, buffers, offset):
        return real(fd, [memoryview(buffers[0])[:1000]], offset)

    monkeypatch.setattr(csv_pieces.os, "preadv", short)
    with path.open("rb") as fh, mock.patch.object(csv_pieces, "PIECE_BYTES", 4096):
        found = csv_pieces._pieces(fh.fileno(), len(HEADER), len(data))
    assert found.nul and found.complete
    assert sum(rows for *_, rows in found.pieces) == 3000


def test_a_file_read_in_pieces_imports_the_patterns_modules_meanwhile(tmp_path):
    # while the pieces parse in C, the interpreter is free: the modules every command's
    # anonymity pattern needs next are imported then (a file read whole does not)
    line = "1;g1;note;3;2\n"
    path = write(tmp_path, HEADER + "".join(line for _ in range(200)), newline="\n")
    started = []
    with mock.patch.object(files, "in_background", lambda f, *a: started.append(a)):
        with pieces(None):
            read_csv(path, prepare=FLOATS)
        assert started == []
        with pieces(15 * 7), mock.patch.dict(sys.modules):
            sys.modules.pop("scipy.sparse", None)  # as in a fresh process
            read_csv(path, prepare=FLOATS)
    assert started == [(name,) for name in files.IMPORT_WHILE_PARSING]
