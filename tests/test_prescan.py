"""The pre-scan's extents agree with what calamine builds (issue 18, point 1)."""

from __future__ import annotations

import io
import os
import zipfile
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from partnerkit.io.prescan import column_number, scan_sav, scan_worksheet
from tests.hostile import number, xlsx

_letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _ref(column: int, row: int) -> str:
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = _letters[rest] + out
    return f"{out}{row}"


def test_column_numbers_by_hand():
    assert [column_number(x) for x in ("A", "Z", "AA", "AZ", "ZZ", "AAA", "XFD")] == [
        1, 26, 27, 52, 702, 703, 16384,
    ]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 16384), st.integers(1, 1_048_576)), min_size=1, max_size=40),
    st.sampled_from(["", "x:"]),
    st.booleans(),
)
def test_the_extent_is_the_largest_row_and_column_of_any_cell(cells, prefix, style_first):
    # cells in any order, a namespace prefix or none, the style written before the reference
    body = "".join(
        f'<{prefix}row r="{r}"><{prefix}c '
        + ('s="1" ' if style_first and i % 2 else "")
        + f'r="{_ref(c, r)}"><{prefix}v>1</{prefix}v></{prefix}c></{prefix}row>'
        for i, (c, r) in enumerate(cells)
    )
    ns = 'xmlns:x="main"' if prefix else 'xmlns="main"'
    xml = f"<{prefix}worksheet {ns}><{prefix}sheetData>{body}</{prefix}sheetData>"
    xml += f"</{prefix}worksheet>"
    padding = "<!--" + " " * (1 << 20) + "-->"  # the cells straddle the first megabyte
    xml = xml.replace("<x:sheetData>" if prefix else "<sheetData>", padding + "<sheetData>", 1)
    with patch.dict(os.environ, {"PARTNERKIT_MAX_CELLS": str(2**40)}):
        rows, columns, _ = scan_worksheet(io.BytesIO(xml.encode()), "test")
    assert rows == max(r for _, r in cells)
    assert columns == max(c for c, _ in cells)


def test_a_chunk_boundary_inside_a_reference_is_seen(tmp_path):
    # "<c r="ZZ9"" cut by the end of the first megabyte
    head = '<worksheet xmlns="main"><sheetData><row r="1">'
    cell = '<c r="ZZ9"><v>1</v></c>'
    for shift in range(len(cell)):
        pad = (1 << 20) - len(head) - shift
        xml = head + "<!--" + " " * (pad - 7) + "-->" + cell + "</row></sheetData></worksheet>"
        rows, columns, _ = scan_worksheet(io.BytesIO(xml.encode()), "test")
        assert (rows, columns) == (9, 702), shift


def test_agrees_with_calamine_on_an_honest_sheet(tmp_path):
    rows = "".join(
        f'<row r="{r}">{number(f"A{r}", 1)}{number(f"C{r}", 2)}{number(f"AB{r}", 3)}</row>'
        for r in range(2, 400)
    )
    path = xlsx(tmp_path / "h.xlsx", [("Ark1", rows)])
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    with zipfile.ZipFile(path) as z, z.open("xl/worksheets/sheet1.xml") as part:
        high, wide, _ = scan_worksheet(part, "test")
    # rows 2-399 and columns A-AB (28, by hand); calamine's total_height and total_width
    # are the 0-based indices of the last row and column
    assert (high, wide) == (399, 28)
    assert (high - 1, wide - 1) == (sheet.total_height, sheet.total_width)


def test_cells_without_reference_count_along_their_row():
    xml = '<worksheet xmlns="m"><sheetData><row r="3">' + "<c><v>1</v></c>" * 50
    xml += "</row></sheetData></worksheet>"
    rows, columns, _ = scan_worksheet(io.BytesIO(xml.encode()), "test")
    assert rows == 3 and columns >= 50


def test_an_honest_sav_passes(tmp_path):
    from tests.exports import spss

    scan_sav(spss(tmp_path / "s.sav"))  # no error


def test_a_cell_just_before_a_chunk_is_cut_is_seen():
    # the scan carries the tail of each megabyte from its last "<": a far cell starting
    # anywhere in the last hundred bytes of the first megabyte, other cells after it
    head = '<worksheet xmlns="main"><sheetData><row r="9">'
    for shift in range(1, 100):
        pad = (1 << 20) - shift - len(head) - 7
        xml = head + "<!--" + " " * pad + "-->" + '<c r="ZZ9"/>' + '<c r="A9"/>' * 30
        xml += "</row></sheetData></worksheet>"
        assert xml.index('<c r="ZZ9"/>') == (1 << 20) - shift
        rows, columns, _ = scan_worksheet(io.BytesIO(xml.encode()), "test")
        assert (rows, columns) == (9, 702), shift
