"""Bad and hostile files: one clear error line, exit 1, nothing written, for every command."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from partnerkit import read_survey
from tests.conftest import EXAMPLE_XLSX, invoke, write_table

A1 = "The partners agree on the goals."
GOOD = pd.DataFrame({"a1": [4, 5, 3], "a2": [3, 4, 4], "a3": [2, 1, 2]})


def _xlsx_bytes(frame: pd.DataFrame = GOOD) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The workbook ``data`` with some of its parts replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, replace.get(item.filename, src.read(item.filename)))
    return out.getvalue()


def corpus(folder: Path) -> list[tuple[str, Path, str]]:
    """(case, path, expected message after 'Error: <path>') for every bad file."""
    cases = []

    def add(name: str, filename: str, data: bytes | str | None, message: str) -> None:
        path = folder / filename
        if isinstance(data, bytes):
            path.write_bytes(data)
        elif isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        cases.append((name, path, message))

    add("missing file", "missing.xlsx", None, ": no such file.")
    (folder / "afolder").mkdir()
    add("empty folder", "afolder", None, ": is a folder with no survey files in it")
    add("empty file", "empty.csv", b"", ": the file is empty (0 bytes).")
    add("empty workbook file", "empty.xlsx", b"", ": the file is empty (0 bytes).")
    add(
        "text renamed .xlsx",
        "text.xlsx",
        "a1,a2\n4,5\n",
        ": cannot read the workbook: it is not a spreadsheet; if it is a CSV file",
    )
    good = _xlsx_bytes()
    add(
        "truncated xlsx",
        "truncated.xlsx",
        good[: len(good) // 2],
        ": cannot read the workbook: it may be damaged",
    )
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088)  # an OLE container, as
    add(  # Excel writes a password-protected workbook
        "password-protected xlsx",
        "protected.xlsx",
        encrypted,
        ": cannot read the workbook: it looks password-protected (encrypted)",
    )
    no_sheets = _rezip(
        good,
        {
            "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>'
        },
    )
    add("xlsx without sheets", "nosheets.xlsx", no_sheets, "")
    empty_sheets = io.BytesIO()
    book = openpyxl.Workbook()
    book.create_sheet("Ark2")
    book.save(empty_sheets)
    add(
        "only empty sheets",
        "emptysheets.xlsx",
        empty_sheets.getvalue(),
        ", sheet 'Sheet': is empty.",
    )
    add(
        "headers only",
        "headers.xlsx",
        _xlsx_bytes(GOOD.iloc[:0]),
        ", sheet 'Sheet1': has a header row but no answers.",
    )
    add("NUL byte", "nul.csv", b"a1,a2\n4,5\n3,\x004\n", ": contains a NUL byte on line 3")
    add(
        "mixed encodings",
        "mixed.csv",
        "a1,Område\n4,Nørrebro\n".encode() + "5,Århus\n".encode("cp1252"),
        ": mixes UTF-8 text with another encoding (first non-UTF-8 byte on line 3)",
    )
    add(
        "rows of different lengths",
        "ragged.csv",
        "a1,a2,a3\n4,5,3\n3,4,2,1,5\n",
        ": row 3 has 5 cells but the header has 3.",
    )
    add(
        "a header cell over 128 KB",
        "hugecell.csv",
        ("a1," + "x" * 140_000 + "\n4,5\n").encode(),
        ": the first rows cannot be read as CSV (field larger than field limit (131072)).",
    )
    add(
        "duplicated headers",
        "dup.csv",
        "a1,a2,a1\n4,5,3\n3,4,2\n",
        ": the header 'a1' appears 2 times (columns 1, 3)",
    )
    add(
        "header row not first",
        "title.csv",
        "Partnerskabsmåling 2024,,\n,,\na1,a2,a3\n4,5,3\n",
        ": the header row seems to be row 3, not row 1.",
    )
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{"&lol" + (str(i - 1) if i > 1 else "") + ";" * 1}'.encode() * 1
            + b'">'
            for i in range(1, 10)
        )
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row><c t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
        b"</worksheet>"
    )
    add(
        "billion laughs",
        "laughs.xlsx",
        _rezip(good, {"xl/worksheets/sheet1.xml": laughs}),
        ": the workbook declares XML entities (xl/worksheets/sheet1.xml)",
    )
    return cases


COMMANDS = [["score"], ["validate"], ["reliability"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_bad_files_give_one_error_line_exit_1_and_write_nothing(
    runner, tmp_path, tiny_path, command
):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for name, path, message in corpus(inputs):
        out = out_dir / "result.json"
        result = invoke(runner, *command, path, "-i", tiny_path, "-o", out)
        assert result.exit_code == 1, (name, result.output)
        lines = result.stderr.splitlines()
        assert len(lines) == 1, (name, result.stderr)
        assert lines[0].startswith(f"Error: {path}{message}"), (name, lines[0])
        assert "Traceback" not in result.output, name
        assert list(out_dir.iterdir()) == [], name  # nothing written, no temporary left


def test_zip_bomb_and_cell_limits_are_refused_before_reading(tmp_path, tiny, monkeypatch):
    big = pd.DataFrame({"a1": [4] * 20000, "a2": [3] * 20000, "note": ["x" * 60] * 20000})
    path = write_table(tmp_path / "big.xlsx", big)
    monkeypatch.setenv("PARTNERKIT_MAX_UNZIPPED_MB", "1")
    with pytest.raises(Exception, match=r"unpacks to \d+ MB, more than the limit of 1 MB"):
        read_survey(path, tiny)
    monkeypatch.delenv("PARTNERKIT_MAX_UNZIPPED_MB")
    monkeypatch.setenv("PARTNERKIT_MAX_CELLS", "1000")
    with pytest.raises(
        Exception, match=r"more than the limit of 1,000 cells.*PARTNERKIT_MAX_CELLS"
    ):
        read_survey(path, tiny)


def test_a_real_zip_bomb_is_refused_with_the_default_limit(tmp_path, tiny):
    # a sheet part that unpacks to 1.1 GB of blanks but takes ~1 MB on disk
    path = tmp_path / "bomb.xlsx"
    chunk = b" " * (64 * 2**20)
    with (
        zipfile.ZipFile(io.BytesIO(_xlsx_bytes())) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(item, src.read(item.filename))
        with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for _ in range(18):
                part.write(chunk)
    assert path.stat().st_size < 5 * 2**20
    with pytest.raises(Exception, match=r"unpacks to 1,152 MB, more than the limit of 1,024 MB"):
        read_survey(path, tiny)


def test_formula_cells_are_never_evaluated(tmp_path, tiny):
    path = tmp_path / "formula.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["a1", "a2"])
    sheet.append(["=2+2", 4])  # a formula without a cached value: nothing to read
    sheet.append([3, 5])
    book.save(path)
    survey = read_survey(path, tiny)
    assert survey.data["a1"].isna().sum() == 1  # blank, never 4
    assert survey.data["a1"].dropna().tolist() == [3.0]


def test_inputs_are_never_modified(runner, tmp_path):
    copy = tmp_path / EXAMPLE_XLSX.name
    copy.write_bytes(EXAMPLE_XLSX.read_bytes())
    before = copy.stat().st_mtime_ns, copy.read_bytes()
    for command in (["score"], ["validate"], ["reliability", "--items"]):
        invoke(runner, *command, copy, "-f", "json")
    assert (copy.stat().st_mtime_ns, copy.read_bytes()) == before
