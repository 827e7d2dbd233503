"""The Excel report: sheets, native charts, conditional formatting, number formats, privacy."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import openpyxl
import pandas as pd
import pytest

from partnerkit import read_survey
from partnerkit.render import write_report
from partnerkit.report import build_report
from tests.conftest import EXAMPLE_XLSX, invoke, write_table


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.xlsx"
    write_report(build_report(read_survey(EXAMPLE_XLSX), lang="da"), path)
    return openpyxl.load_workbook(path), path


def test_sheets_charts_and_print_setup(workbook):
    book, _ = workbook
    assert book.sheetnames == [
        "Oversigt", "Scorer", "Udvikling", "Forskelle", "Pålidelighed", "Boligområder",
        "Udvikling pr. år", "Områder (model)",
        "Indflydelse", "Ønsket indflydelse", "Tillid", "Værdi af samarbejdet",  # relations
        "Metode", "Diagramdata",
    ]  # fmt: skip
    charts = {ws.title: [type(c).__name__ for c in ws._charts] for ws in book}
    assert charts["Oversigt"] == ["BarChart"]
    assert charts["Udvikling"] == ["LineChart"] * 10  # a chart per dimension (issue 20)
    assert charts["Boligområder"] == ["BarChart"]
    assert charts["Udvikling pr. år"] == ["LineChart"] * 10  # small multiples (issue 22)
    summary = book["Oversigt"]
    assert summary.freeze_panes == "B6"
    assert summary.print_area is not None
    assert summary["A1"].value == "Partnerskabsmåling"
    # each line chart has one series per actor group shown in some round (read from the
    # trend's records, which the pattern decides) and one of everyone
    rounds = build_report(read_survey(EXAMPLE_XLSX), lang="da").trend_by_actor.rounds
    shown = rounds.loc[~rounds["suppressed"].astype(bool), "actor"].dropna().nunique()
    assert 2 <= shown < rounds["actor"].dropna().nunique()  # some hidden, some shown
    assert [len(c.series) for c in book["Udvikling"]._charts] == [shown + 1] * 10


def test_zone_colours_are_conditional_formats_on_numbers(workbook):
    book, _ = workbook
    summary = book["Oversigt"]
    rules = [r for cf in summary.conditional_formatting for r in cf.rules]
    formulas = [r.formula[0] for r in rules]
    assert len(rules) == 3
    assert any(">=4.0" in f and "ISNUMBER" in f for f in formulas)  # strength from 4.0
    assert any("<3.0" in f for f in formulas)  # concern below 3.0
    means = [summary.cell(row=r, column=2) for r in range(6, 16)]  # Kommune's column
    # [$-406]: Danish (da-DK) formats, a decimal comma whatever the reader's locale
    assert all(isinstance(c.value, float) and c.number_format == "[$-406]0.00" for c in means)
    counts = [summary.cell(row=r, column=2) for r in range(18, 28)]
    assert all(isinstance(c.value, int | float) and c.number_format == "[$-406]0" for c in counts)
    # the zone of the number as shown: ROUND(x, 2) meets the bounds
    assert all("ROUND(B6,2)" in f for f in formulas)


def test_method_sheet_lists_version_rules_and_checksums(workbook):
    book, _ = workbook
    method = {row[0].value: row[1].value for row in book["Metode"].iter_rows(min_row=3)}
    import hashlib

    from partnerkit import __version__

    assert method["partnerkit"] == __version__
    digest = hashlib.sha256(EXAMPLE_XLSX.read_bytes()).hexdigest()
    assert method["Fil"].endswith(f"sha256 {digest}")
    assert "færre end 5 svar" in method["Anonymitet"]
    assert method["Instrument"].startswith("partnerskab 1.0")


def _hidden_survey(tmp_path):
    """Municipality and residents of 8, and two police who answer 1 to everything."""
    rng = np.random.default_rng(3)
    from partnerkit import load_instrument

    inst = load_instrument()
    rows = []
    for actor, n in (("Kommune", 8), ("Beboerrepræsentant", 8), ("Politi", 2)):
        for _ in range(n):
            row = {"Aktørtype": actor}
            for item in inst.items:
                row[item.id] = 1 if actor == "Politi" else int(rng.integers(3, 6))
            rows.append(row)
    return read_survey(write_table(tmp_path / "small.xlsx", pd.DataFrame(rows)))


def test_no_suppressed_value_appears_anywhere(tmp_path):
    report = build_report(_hidden_survey(tmp_path), lang="en")
    path = write_report(report, tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(path)
    police_mean_reversed = 5.0  # reverse-keyed items of a police officer answering 1 score 5
    for sheet in book:
        for row in sheet.iter_rows():
            labels = [c.value for c in row if isinstance(c.value, str)]
            if any(v == "Police" for v in labels):
                numbers = [c.value for c in row if isinstance(c.value, int | float)]
                assert numbers == [], (sheet.title, numbers)
        header = [c.value for c in sheet[1]]
        if "Police" in header:  # a column of the police group holds no number
            column = header.index("Police") + 1
            values = [sheet.cell(row=r, column=column).value for r in range(2, sheet.max_row + 1)]
            assert not any(isinstance(v, int | float) for v in values), sheet.title
    summary = book["Summary"]
    header = [c.value for c in summary[5]]
    police = header.index("Police") + 1
    cells = [summary.cell(row=r, column=police).value for r in range(6, 16)]
    assert cells == ["– n<5"] * 10  # marked, not blank, not zero
    chart_data = book["Chart data"]
    assert "Police" not in [c.value for c in chart_data[1]]
    assert not any(
        c.value in (1.0, police_mean_reversed) for r in chart_data.iter_rows() for c in r
    )


def test_report_command_writes_both_files_and_refuses_other_types(runner, tmp_path):
    xlsx, html = tmp_path / "r.xlsx", tmp_path / "r.html"
    result = invoke(runner, "report", EXAMPLE_XLSX, "-o", xlsx, "-o", html, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert xlsx.stat().st_size > 10_000 and html.read_text(encoding="utf-8").startswith("<!DOCTYPE")
    bad = invoke(runner, "report", EXAMPLE_XLSX, "-o", tmp_path / "r.pdf")
    assert (
        bad.exit_code == 2 and "a report is an Excel workbook (.xlsx) or a web page" in bad.stderr
    )
    none = invoke(runner, "report", EXAMPLE_XLSX)
    assert none.exit_code == 2 and "give -o report.xlsx" in none.stderr


@pytest.fixture(scope="module")
def workbook_pdf(workbook, tmp_path_factory):
    """The example's workbook as LibreOffice prints it (A4 PDF): converted once for the
    tests below (a conversion took 5-10 s)."""
    _, path = workbook
    return _to_pdf(path, tmp_path_factory.mktemp("pdf"))


def test_libreoffice_converts_the_workbook_to_pdf(workbook_pdf):
    assert workbook_pdf.read_bytes().startswith(b"%PDF")


# ------------------------------------------------------- board's language, LibreOffice (issue 20)

_LIGATURES = re.compile("ffi|ffl|ff|fi|fl|ft|tt")


def _header_cells(book):
    """Every header cell (the workbook's header fill) as (sheet, text)."""
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                rgb = cell.fill.fgColor.rgb if cell.fill is not None else None
                if isinstance(cell.value, str) and isinstance(rgb, str) and rgb.endswith("DDEBF7"):
                    yield sheet.title, cell.value


def test_danish_workbook_speaks_danish(workbook):
    book, _ = workbook
    headers = list(_header_cells(book))
    assert len(headers) > 40
    raw = [(s, h) for s, h in headers if re.fullmatch(r"[a-z]+(_[a-z]+)+|gap|mean|rank", h)]
    assert raw == []  # issue 20: gap, p_adj, alpha_ci_low, average_r were shown as such
    method = {r[0].value: r[1].value for r in book["Metode"].iter_rows() if r[0].value}
    rows = method["Rækker"]
    assert rows.startswith("Filerne har 293 rækker med svar; 99 indgår i resultaterne.")
    assert "--rounds" not in rows and "round" not in rows  # no English, no option not given
    assert "fra 4,0" in book["Oversigt"]["A3"].value  # a decimal comma in the text
    scores = book["Scorer"]
    number_formats = {c.number_format for row in scores.iter_rows(min_row=2) for c in row
                      if isinstance(c.value, float)}  # fmt: skip
    assert number_formats and all(f.startswith("[$-406]") for f in number_formats)


def _to_pdf(xlsx, folder):
    """``xlsx`` as LibreOffice prints it (A4 PDF) into ``folder``."""
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = folder / "lo-profile"
    out = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "pdf", "--outdir", str(folder), str(xlsx)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    pdf = folder / f"{xlsx.stem}.pdf"
    assert out.returncode == 0 and pdf.is_file(), out.stderr
    return pdf


def _pdf_text(pdf) -> str:
    """A PDF's text (Ghostscript's txtwrite)."""
    gs = shutil.which("gs")
    if not gs:
        pytest.skip("Ghostscript (gs) is not installed")
    out = subprocess.run(
        [gs, "-q", "-sDEVICE=txtwrite", "-o", "-", str(pdf)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out.stdout.decode("utf-8", "replace")


@pytest.mark.parametrize("which", ["example", "areas"])
def test_no_header_is_wider_than_its_column_in_libreoffice(which, request, tmp_path):
    """Rendered by LibreOffice, every word of every header cell appears whole: a header
    wider than its column would break inside a word ("Boligorganisa|tion") or be cut."""
    from tests.conftest import EXAMPLES

    if which == "example":  # the module's workbook, converted once
        path, pdf = request.getfixturevalue("workbook")[1], request.getfixturevalue("workbook_pdf")
    else:
        path = tmp_path / f"{which}.xlsx"
        write_report(build_report(read_survey(EXAMPLES / "areas"), lang="da"), path)
        pdf = _to_pdf(path, tmp_path)
    text = _pdf_text(pdf)
    words = set()
    for _sheet, header in _header_cells(openpyxl.load_workbook(path)):
        words |= {w for w in header.split() if len(w) >= 4}
    assert len(words) > 20
    missing = []
    for word in sorted(words):
        # the PDF's text spells ligatures (ff, fi, ...) as odd glyphs: those letters may vary
        parts = [re.escape(p) for p in _LIGATURES.split(word)]
        pattern = r"(?<!\w)" + ".{1,3}".join(parts) + r"(?!\w)"
        if not re.search(pattern, text):
            missing.append(word)
    assert missing == []
