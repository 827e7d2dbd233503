"""The ``partnerkit score`` command: outputs, the JSON/CSV contract, errors and exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from partnerkit import PartnerkitError
from tests.conftest import EXAMPLE_CSV, EXAMPLE_XLSX, invoke, max_width, write_table

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PARTNERKIT_UPDATE_GOLDEN") == "1"


def check_golden(name: str, text: str) -> None:
    """Compare ``text`` with ``tests/golden/<name>``; set PARTNERKIT_UPDATE_GOLDEN=1 to rewrite."""
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_score_table_of_the_example_at_width_100(runner):
    result = invoke(runner, "score", EXAMPLE_XLSX)
    assert result.exit_code == 0, result.output
    assert max_width(result.stdout) <= 100
    check_golden("score_example_da.txt", result.stdout)
    assert "Overblik." in result.stdout and "--by actor --by round" in result.stdout
    assert "● styrke ≥ 4,0" in result.stdout
    assert "Læst 293 rækker: 291 scoret, 2 udeladt" in result.stdout


def test_score_table_in_english_by_actor(runner):
    result = invoke(runner, "score", EXAMPLE_CSV, "--by", "actor", "--lang", "en")
    assert result.exit_code == 0, result.output
    check_golden("score_example_actor_en.txt", result.stdout)
    assert "Equality and shared" in result.stdout
    assert "Read 293 rows: 291 scored, 2 excluded" in result.stdout


def test_json_contract(runner):
    result = invoke(runner, "score", EXAMPLE_XLSX, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    meta = document["meta"]
    for key in (
        "partnerkit_version",
        "instrument",
        "files",
        "rows_read",
        "rows_scored",
        "excluded",
        "invalid_cells",
        "min_n",
        "group_by",
        "warnings",
    ):
        assert key in meta, key
    assert meta["instrument"] == {"id": "partnerskab", "version": "1.0"}
    assert meta["group_by"] == ["actor", "round"]
    assert meta["min_n"] == 5
    assert meta["rows_read"] == meta["rows_scored"] + sum(e["rows"] for e in meta["excluded"])
    assert {e["reason"] for e in meta["excluded"]} == {"no_item_answered", "too_few_items"}
    assert meta["invalid_cells"][0] | {"examples": None} == {
        "column": "Det er klart, hvem der gør hvad i partnerskabet.",
        "value": "?",
        "count": 1,
        "examples": None,
    }
    record_keys = [
        "dimension", "dimension_name", "actor", "round", "n", "mean", "sd", "ci_low",
        "ci_high", "pct_favourable", "zone", "suppressed", "suppressed_reason",
    ]  # fmt: skip
    assert all(list(r) == record_keys for r in document["results"])
    suppressed = [r for r in document["results"] if r["suppressed"]]
    assert suppressed and all(
        r["n"] is None and r["mean"] is None and r["zone"] is None for r in suppressed
    )
    overall = [r for r in document["results"] if r["actor"] is None and r["round"] is None]
    assert len(overall) == 10


def test_csv_has_the_record_columns(runner, tmp_path):
    out = tmp_path / "scores.csv"
    result = invoke(runner, "score", EXAMPLE_XLSX, "--by", "area", "-o", out)
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.stderr
    mark, text = out.read_text(encoding="utf-8").split("\n", 1)
    assert mark.startswith("# partnerkit ")  # a written file's first line is partnerkit's mark
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "dimension", "dimension_name", "area", "n", "mean", "sd", "ci_low", "ci_high",
        "pct_favourable", "zone", "suppressed", "suppressed_reason",
    ]  # fmt: skip
    assert len(rows) == 30  # 10 dimensions x (2 areas + overall)
    assert rows[0]["suppressed"] == "false"


def test_markdown_output(runner):
    result = invoke(runner, "score", EXAMPLE_XLSX, "--by", "area", "-f", "markdown")
    assert result.exit_code == 0, result.output
    check_golden("score_example_area.md", result.stdout)
    assert result.stdout.startswith("### Partnerskabsmåling: gennemsnit pr. boligområde")


def test_personal_data_never_reaches_any_output(runner, tmp_path):
    frame = pd.DataFrame(
        {
            "ID": range(1, 11),
            "Navn": [f"Hemmelig Person{i}" for i in range(10)],
            "Email": [f"hemmelig{i}@example.dk" for i in range(10)],
            "Aktørtype": ["Kommune"] * 5 + ["Politi"] * 5,
            "Partnerne trækker i hver sin retning.": [2, 3, 4, 5, 1] * 2,
            "Alle partnere kender partnerskabets mål.": [4] * 10,
        }
    )
    path = write_table(tmp_path / "p.xlsx", frame)
    for fmt in ("table", "json", "csv", "markdown"):
        result = invoke(runner, "score", path, "-f", fmt)
        assert result.exit_code == 0, result.output
        assert "hemmelig" not in result.output.lower(), fmt
    meta = json.loads(invoke(runner, "score", path, "-f", "json").stdout)["meta"]
    assert meta["dropped_columns"] == ["Navn", "Email"]


def test_formula_text_is_neutralised_in_csv(runner, tmp_path):
    frame = pd.DataFrame({"Aktørtype": ["=HYPERLINK(1)"] * 5, "a1": [4] * 5})
    frame = frame.rename(columns={"a1": "shared_purpose_1"})
    frame["shared_purpose_2"] = 4
    path = write_table(tmp_path / "f.csv", frame)
    result = invoke(runner, "score", path, "-f", "csv")
    assert result.exit_code == 0, result.output
    assert "'=HYPERLINK(1)" in result.stdout
    assert "\n=HYPERLINK" not in result.stdout and ",=HYPERLINK" not in result.stdout


def _error_cases(tmp_path: Path) -> list[tuple[list, str]]:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    empty_book = tmp_path / "empty.xlsx"
    with pd.ExcelWriter(empty_book) as writer:
        pd.DataFrame().to_excel(writer, sheet_name="Ark1", index=False)
    headers = write_table(tmp_path / "headers.xlsx", pd.DataFrame(columns=["a", "b"]))
    no_items = write_table(tmp_path / "noitems.csv", pd.DataFrame({"x": [1], "y": [2]}))
    twice = write_table(
        tmp_path / "twice.csv",
        pd.DataFrame({"equality_1": [4], "Q - Alle partnere har reel indflydelse på "
                      "partnerskabets beslutninger.": [5]}),
    )  # fmt: skip
    broken = tmp_path / "broken.toml"
    broken.write_text('id = "x"\ntitle = "X"\n[scale]\nmin = 1\n', encoding="utf-8")
    return [
        ([tmp_path / "missing.xlsx"], f"Error: {tmp_path / 'missing.xlsx'}: no such file."),
        ([tmp_path / "empty"], f"Error: {tmp_path / 'empty'}: is a folder with no survey files"),
        ([fake], f"Error: {fake}: cannot read the workbook: it is not a spreadsheet;"),
        ([empty_book], f"Error: {empty_book}, sheet 'Ark1': is empty."),
        ([headers], f"Error: {headers}, sheet 'Sheet1': has a header row but no answers."),
        ([no_items], f"Error: {no_items}: no column matches any item of instrument 'partnerskab'."),
        ([twice], f"Error: {twice}: columns 'equality_1' and 'Q - Alle partnere"),
        ([EXAMPLE_XLSX, "--sheet", "Ark9"], f"Error: {EXAMPLE_XLSX}: no sheet 'Ark9'."),
        ([EXAMPLE_CSV, "-i", broken], f"Error: {broken}: scale.max: missing"),
        ([EXAMPLE_CSV, "-i", "nosuch"], "Error: nosuch: no such instrument file"),
    ]


def test_bad_input_gives_one_error_line_and_exit_1(runner, tmp_path):
    for args, message in _error_cases(tmp_path):
        result = invoke(runner, "score", *args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(message), (lines[0], message)
        assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "Hobby"], "Error: --by Hobby: no such column in"),
        (["--by", "respondent"], "Error: --by respondent would show single persons' answers"),
        (["-o", "out.pdf"], "Error: out.pdf: cannot tell the format from the extension '.pdf'"),
    ],
)
def test_option_errors_exit_2(runner, args, message):
    result = invoke(runner, "score", EXAMPLE_CSV, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(message)


def test_click_usage_errors_exit_2(runner):
    assert invoke(runner, "score", EXAMPLE_CSV, "--format", "xml").exit_code == 2
    assert invoke(runner, "score", EXAMPLE_CSV, "--min-n", "0").exit_code == 2
    assert invoke(runner, "score").exit_code == 2
    assert invoke(runner, "score", EXAMPLE_CSV, "--nonsense").exit_code == 2


def test_traceback_option_re_raises(runner, tmp_path):
    result = invoke(runner, "score", tmp_path / "missing.csv", "--traceback")
    assert result.exit_code == 1
    assert isinstance(result.exception, PartnerkitError)


def test_min_n_below_five_warns(runner):
    result = invoke(runner, "score", EXAMPLE_CSV, "--min-n", "3", "-f", "json")
    assert result.exit_code == 0
    assert "Warning: min_n is 3, below the recommended 5" in result.stderr
    assert json.loads(result.stdout)["meta"]["min_n"] == 3


def test_output_is_never_written_onto_an_input(runner, tmp_path):
    copy = tmp_path / "survey.csv"
    copy.write_bytes(EXAMPLE_CSV.read_bytes())
    result = invoke(runner, "score", copy, "-o", copy, "-f", "csv")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {copy}: is one of the input files")
    assert copy.read_bytes() == EXAMPLE_CSV.read_bytes()


def test_failed_run_leaves_an_existing_output_alone(runner, tmp_path):
    out = tmp_path / "out.json"
    out.write_text("previous", encoding="utf-8")
    result = invoke(runner, "score", tmp_path / "missing.csv", "-o", out)
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary left behind


def test_version(runner):
    from partnerkit import __version__

    result = invoke(runner, "--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"partnerkit {__version__}"


def test_records_are_plain_python_values():
    """JSON and CSV see Python scalars: whole counts as int (also in nullable Int64
    columns), NaN and NA as None, texts as given."""
    import numpy as np

    from partnerkit.render.records import to_records

    frame = pd.DataFrame(
        {
            "n": pd.array([9, None], dtype="Int64"),
            "mean": [3.25, np.nan],
            "rank": np.array([1, 2], dtype=np.int16),
            "flagged": [True, False],
            "area": pd.Categorical(["Område 1", None]),
            "note": pd.array(["a", None], dtype="string"),
        }
    )
    records = to_records(frame)
    assert records == [
        {"n": 9, "mean": 3.25, "rank": 1, "flagged": True, "area": "Område 1", "note": "a"},
        {"n": None, "mean": None, "rank": 2, "flagged": False, "area": None, "note": None},
    ]
    assert [type(v) for v in records[0].values()] == [int, float, int, bool, str, str]


def test_object_columns_of_python_values_are_kept_as_they_are():
    """An object column of Python texts, numbers and None (the areas' model columns) is
    taken whole, NaN as None; one with a numpy scalar or pd.NA goes cell by cell: both
    give what :func:`plain` gives each cell (the reference, a call per cell)."""
    import numpy as np

    from partnerkit.render.records import plain, to_records

    columns = {
        "native": np.array([1.5, None, float("nan"), "x", True, 7], dtype=object),
        "numpy": np.array([np.float64(2.5), np.nan, None, np.int64(3), "y", False], dtype=object),
        "na": np.array([pd.NA, 1.0, None, pd.NaT, 2, "z"], dtype=object),
    }
    records = to_records(pd.DataFrame(columns))
    for name, cells in columns.items():
        expected = [plain(v) for v in cells]
        got = [r[name] for r in records]
        assert got == expected, name
        assert [type(v) for v in got] == [type(v) for v in expected], name
    assert [r["native"] for r in records] == [1.5, None, None, "x", True, 7]
