"""The pre-scan's extents agree with what calamine builds (issue 18, point 1)."""

from __future__ import annotations

import io
import os
import zipfile
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from partnerkit import read_survey
from partnerkit.io.prescan import _sst_lengths, _types, column_number, scan_sav, scan_worksheet
from tests import hostile
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


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"t", b"=", b'"', b"s", b"e", b"b", b"x", b't="']), max_size=40))
def test_cell_types_are_counted_as_a_substring_search_counts_them(pieces):
    """``_types`` against Python's own substring search (``bytes.count`` and ``in``), which
    the pre-scan used before, on texts dense in partial matches."""
    data = b"".join(pieces)
    assert _types(data) == (data.count(b't="s"'), b't="e"' in data or b't="b"' in data)


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


# ------------------------------------------- error cells in every workbook format


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".xlsb", ".ods"])
def test_error_cells_are_invalid_cells_with_their_rows_in_every_format(tmp_path, tiny, suffix):
    """#DIV/0!, #N/A and #VALUE! are counted as invalid cells with their rows (calamine
    reads them blank in every format: they were lost in .xls, .xlsb and .ods)."""
    writer = {".xlsx": hostile.errors_xlsx, ".xls": hostile.errors_xls,
              ".xlsb": hostile.errors_xlsb, ".ods": hostile.errors_ods}[suffix]  # fmt: skip
    path = writer(tmp_path / f"errors{suffix}")
    survey = read_survey(path, tiny)
    found = {(c.column, c.value, c.count, c.examples) for c in survey.ledger.invalid_cells}
    # by hand from hostile.ERRORS: (0-based row 2, a1), (3, a2), (4, a2); the header is row 1
    assert found == {
        ("a1", "#DIV/0!", 1, (f"{path}:3",)),
        ("a2", "#N/A", 1, (f"{path}:4",)),
        ("a2", "#VALUE!", 1, (f"{path}:5",)),
    }
    assert survey.ledger.rows_read == 5
    # the numbers around them are read as numbers: a1 = 4, 3, 4, 5 and a2 = 3, 4, 2
    assert survey.data["a1"].dropna().tolist() == [4.0, 3.0, 4.0, 5.0]
    assert survey.data["a2"].dropna().tolist() == [3.0, 4.0, 2.0]


@pytest.fixture(scope="session")
def libreoffice_files(tmp_path_factory):
    """The error workbook as LibreOffice itself converts it to .xls and .ods."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("libreoffice")
    source = hostile.errors_xlsx(folder / "errors.xlsx")
    profile = (folder / "profile").as_uri()  # its own profile: workers run side by side
    for kind in ("xls", "ods"):
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", kind,
             "--outdir", str(folder), str(source)],
            capture_output=True, timeout=120, check=True,
        )  # fmt: skip
    return folder


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_error_cells_as_libreoffice_writes_them(libreoffice_files, tiny, suffix):
    path = libreoffice_files / f"errors{suffix}"
    survey = read_survey(path, tiny)
    values = sorted(c.value for c in survey.ledger.invalid_cells)
    assert values == ["#DIV/0!", "#N/A", "#VALUE!"]


def test_xls_shared_string_lengths_across_continue_records():
    """A string cut by a CONTINUE record goes on with its own flags byte (MS-XLS 2.4.265):
    here 'abc' (8-bit) then 'déf' split after 'dé' as UTF-16, then 'g' after a CONTINUE
    whose flags byte says 8-bit; lengths counted by hand."""
    import struct

    first = struct.pack("<II", 3, 3) + struct.pack("<HB", 3, 0) + b"abc"
    first += struct.pack("<HB", 3, 1) + "dé".encode("utf-16-le")
    second = b"\x01" + "f".encode("utf-16-le") + struct.pack("<HB", 1, 0) + b"g"
    assert _sst_lengths([first, second]) == [3, 3, 1]
