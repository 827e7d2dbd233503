"""Nothing disappears quietly (issue 19, point 4): a dimension whose items have no column
shows as a row saying so, the warning names its items and the unused item-like columns,
``-q`` keeps it, ``--strict`` makes it an error, and the default instrument that finds
fewer than half its items suggests ``--instrument`` and ``partnerkit instrument init``."""

from __future__ import annotations

import json
from io import StringIO

import numpy as np
import pandas as pd
import pytest

from .conftest import EXAMPLE_XLSX, invoke
from .test_outputs import strict
from .test_shapes import OTHER_TOML, _shape

NOTE_EN = "no columns for this dimension's items: wrong --instrument?"
NOTE_DA = "ingen kolonner til denne dimensions udsagn: forkert --instrument?"


@pytest.fixture
def reworded(tmp_path):
    """The "overall" dimension's one item under a header the instrument does not know."""
    instrument = tmp_path / "other.toml"
    instrument.write_text(OTHER_TOML, encoding="utf-8")
    path = tmp_path / "survey.csv"
    _shape("no_dimension", np.random.default_rng(7)).to_csv(path, index=False)
    return path, instrument


@pytest.mark.parametrize("quiet", [[], ["-q"]])
def test_the_warning_names_items_and_unused_columns_even_with_q(runner, reworded, quiet):
    path, instrument = reworded
    result = invoke(runner, "trend", path, "-i", instrument, *quiet)
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.stderr.splitlines() if "no column for any" in line)
    assert "'Overall' (overall; items o1)" in warning
    assert "Columns that look like items but match none: 'All things considered'" in warning
    assert NOTE_EN.capitalize() in warning


@pytest.mark.parametrize(
    "command", ["score", "trend", "reliability", "gaps", "areas", "privacy-check"]
)
def test_strict_makes_it_an_error(runner, reworded, command, tmp_path):
    path, instrument = reworded
    extra = ["-p", tmp_path / "none.json"] if command == "privacy-check" else []
    result = invoke(runner, command, path, "-i", instrument, "--strict", *extra)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: instrument 'other': 1 of 3 dimension(s)")
    assert "(--strict)" in result.stderr


def test_report_strict(runner, reworded, tmp_path):
    path, instrument = reworded
    out = tmp_path / "r.html"
    result = invoke(runner, "report", path, "-i", instrument, "--strict", "-o", out)
    assert result.exit_code == 1 and "Error: instrument 'other'" in result.stderr
    assert not out.exists()


def test_every_score_format_shows_the_row(runner, reworded):
    path, instrument = reworded
    base = ["score", path, "-i", instrument, "-q"]
    table = invoke(runner, *base).stdout
    assert f"Overall: {NOTE_EN}" in table
    assert "no columns" in table.split("Overall", 1)[1].splitlines()[0]  # in the table's row
    markdown = invoke(runner, *base, "-f", "markdown").stdout
    assert f"| Overall |  |  | {NOTE_EN} |" in markdown
    records = json.loads(invoke(runner, *base, "-f", "json").stdout)["results"]
    row = [r for r in records if r["dimension"] == "overall"]
    assert row == [
        {
            "dimension": "overall",
            "dimension_name": "Overall",
            "round": None,
            "n": None,
            "mean": None,
            "sd": None,
            "ci_low": None,
            "ci_high": None,
            "pct_favourable": None,
            "zone": None,
            "suppressed": True,
            "suppressed_reason": "no_columns",
        }
    ]
    assert [r["dimension"] for r in records][-1] == "overall"  # in the instrument's order
    frame = pd.read_csv(StringIO(invoke(runner, *base, "-f", "csv").stdout))
    assert frame.loc[frame["dimension"] == "overall", "suppressed_reason"].tolist() == [
        "no_columns"
    ]
    danish = invoke(runner, *base, "--lang", "da").stdout
    assert f"Samlet: {NOTE_DA}" in danish


def test_report_shows_the_row(runner, reworded, tmp_path):
    from openpyxl import load_workbook

    path, instrument = reworded
    xlsx, html = tmp_path / "r.xlsx", tmp_path / "r.html"
    result = invoke(runner, "report", path, "-i", instrument, "-o", xlsx, "-o", html, "-q")
    assert result.exit_code == 0, result.output
    from html import unescape

    assert NOTE_EN in unescape(html.read_text(encoding="utf-8"))
    book = load_workbook(xlsx)
    texts = {c.value for sheet in book for row in sheet.iter_rows() for c in row}
    assert NOTE_EN in texts


def test_the_default_instrument_finding_few_items_suggests_instrument(runner, tmp_path):
    """The example keeping the items of three of the ten dimensions: 9 of 30 items."""
    from partnerkit.instrument import load_instrument

    inst = load_instrument()
    frame = pd.read_excel(EXAMPLE_XLSX)
    drop = [
        column
        for dim in inst.dimensions[3:]
        for item in dim.items
        for column in frame.columns
        if column.strip() == item.label("da").strip()
    ]
    assert len(drop) == 21  # the 21 items of seven dimensions, by their Danish text
    path = tmp_path / "few.csv"
    frame.drop(columns=drop).to_csv(path, index=False)
    result = invoke(runner, "score", path, "-q")
    assert result.exit_code == 0
    assert "7 of 10 dimension(s) have no column" in result.stderr
    assert "found only 9 of its 30 items" in result.stderr
    assert "--instrument FILE" in result.stderr
    assert "partnerkit instrument init" in result.stderr


COMMANDS = {  # every command with its two views where it has two (issue 19, point 4)
    "reliability": [],
    "gaps": ["--between", "Team"],
    "trend": [],
    "trend-over-time": ["--over-time"],
    "areas": ["--method", "model"],
    "areas-welch": ["--method", "welch"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("fmt", ["table", "markdown", "json", "csv"])
def test_every_command_and_format_shows_the_row(runner, reworded, tmp_path, command, fmt):
    path, instrument = reworded
    if command.startswith("areas"):  # the team is the housing area
        frame = pd.read_csv(path).rename(columns={"Team": "Area"})
        path = tmp_path / "areas.csv"
        frame.to_csv(path, index=False)
    name = command.split("-")[0]
    result = invoke(runner, name, path, "-i", instrument, "-q", "-f", fmt, *COMMANDS[command])
    assert result.exit_code == 0, result.output
    assert "no column for any item" in result.stderr  # -q keeps the warning
    if fmt in ("table", "markdown"):
        assert f"Overall: {NOTE_EN}" in result.stdout
        return
    if fmt == "json":  # strict JSON, valid against docs/schema (null round_from and all)
        records = strict(result.stdout)["results"]
    else:
        records = pd.read_csv(StringIO(result.stdout), dtype=str, keep_default_na=False)
        records = records.to_dict("records")
    rows = [r for r in records if r["dimension"] == "overall"]
    assert len(rows) == 1  # one record for the dimension, in the instrument's order (last)
    assert records[-1]["dimension"] == "overall"
    row = rows[0]
    assert row["suppressed_reason"] == "no_columns"
    empty = None if fmt == "json" else ""
    for stat in ("n", "mean", "alpha", "diff", "slope", "gap", "p", "estimate"):
        if stat in row:
            assert row[stat] == empty, stat
    if fmt == "json":  # the privacy counts ignore the reason: nothing is hidden for privacy
        hidden = json.loads(result.stdout)["meta"]["privacy"]["hidden"]
        assert "no_columns" not in hidden


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_row_in_danish(runner, reworded, tmp_path, command):
    path, instrument = reworded
    if command.startswith("areas"):
        frame = pd.read_csv(path).rename(columns={"Team": "Area"})
        path = tmp_path / "areas.csv"
        frame.to_csv(path, index=False)
    name = command.split("-")[0]
    result = invoke(runner, name, path, "-i", instrument, "--lang", "da", *COMMANDS[command])
    assert result.exit_code == 0, result.output
    assert f"Samlet: {NOTE_DA}" in result.stdout


@pytest.mark.parametrize("column", ["Aktørtype", "Area"])
def test_every_report_section_shows_the_row(runner, reworded, tmp_path, column):
    """The report's page and workbook: the row in the scores, gaps (with an actor column),
    trend, reliability and area sheets (with an area column), not only the scores."""
    from html import unescape

    from openpyxl import load_workbook

    path, instrument = reworded
    frame = pd.read_csv(path).rename(columns={"Team": column})
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    xlsx, html = tmp_path / "r.xlsx", tmp_path / "r.html"
    result = invoke(runner, "report", path, "-i", instrument, "-o", xlsx, "-o", html, "-q")
    assert result.exit_code == 0, result.output
    page = unescape(html.read_text(encoding="utf-8"))
    sections = page.split("<h2")
    with_row = {s.split(">", 1)[1].split("<", 1)[0] for s in sections[1:] if NOTE_EN in s}
    assert {"How the partners rate the partnership", "Change between rounds",
            "Do the statements measure one thing?"} <= with_row  # fmt: skip
    if column == "Aktørtype":
        assert "Where do the partners disagree?" in with_row
    book = load_workbook(xlsx)
    sheets = {
        sheet.title
        for sheet in book
        if any(c.value == NOTE_EN for row in sheet.iter_rows() for c in row)
    }
    expected = {"Scores", "Trend", "Reliability"}
    expected |= {"Gaps"} if column == "Aktørtype" else {"Areas", "Areas (model)"}
    assert expected <= sheets


def test_privacy_check_reads_the_rows(runner, reworded, tmp_path):
    """The published JSON of every command, with its no_columns record, attacked together:
    the record is no figure (no n, no mean) and no hidden group, so nothing breaks."""
    path, instrument = reworded
    frame = pd.read_csv(path).rename(columns={"Team": "Aktørtype"})
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    published = []
    for k, args in enumerate(
        [["gaps"], ["trend"], ["trend", "--over-time"], ["reliability"], ["score", "--by", "actor"]]
    ):
        out = tmp_path / f"p{k}.json"
        result = invoke(
            runner, *args[:1], path, "-i", instrument, "-f", "json", "-o", out, *args[1:]
        )
        assert result.exit_code == 0, result.output
        assert [r["dimension"] for r in json.loads(out.read_text())["results"]][-1] == "overall"
        published += ["-p", out]
    result = invoke(runner, "privacy-check", path, "-i", instrument, *published)
    assert result.exit_code == 0, result.output
    assert "0 hidden groups attacked" in result.stdout
