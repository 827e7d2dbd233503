"""Outputs scripts and colleagues can rely on (issue 17): strict JSON against the published
schema, the output policy (no file lost), nothing injected, ``-q`` quiet."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys

import numpy as np
import openpyxl
import pandas as pd
import pytest

from partnerkit.output import written_by_partnerkit
from tests.conftest import EXAMPLE_CSV, EXAMPLE_XLSX, EXAMPLES, ROOT, TINY_TOML, invoke

SCHEMA = ROOT / "docs" / "schema" / "partnerkit-output.schema.json"
#: Fields that count respondents, items, rows or ranks: integers in JSON, never 64.0.
COUNTS = {"n", "k", "n_from", "n_to", "n_pairs", "rows", "rows_read", "rows_scored", "rank"}


def _reject(constant: str):
    raise ValueError(f"not strict JSON: {constant}")


def strict(text: str) -> dict:
    """Parse as a strict parser (JavaScript's JSON.parse, jq, Go) does: NaN and Infinity
    are errors; then check every count is an integer and validate against the schema."""
    import jsonschema

    document = json.loads(text, parse_constant=_reject)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    bad = []

    def walk(value, where):
        if isinstance(value, dict):
            for key, v in value.items():
                if key in COUNTS and isinstance(v, float):
                    bad.append(f"{where}.{key}={v}")
                walk(v, f"{where}.{key}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]")

    walk(document, "")
    assert not bad, f"counts written as floats: {bad[:5]}"
    return document


# --------------------------------------------------------------- strict JSON

EXAMPLE_RUNS = [
    ("score",),
    ("score", "--by", "actor"),
    ("score", "--by", "round"),
    ("score", "--by", "sector"),
    ("score", "--by", "actor", "--by", "round", "--merge-small"),
    ("trend",),
    ("trend", "--by", "actor"),
    ("trend", "--by", "sector", "--test", "mann-whitney", "--baseline", "first"),
    ("gaps",),
    ("gaps", "--by", "round"),
    ("gaps", "--between", "sector", "--test", "kruskal"),
    ("reliability",),
    ("reliability", "--by", "actor"),
    ("reliability", "--by", "round", "--items"),
    ("reliability", "--by", "sector"),
    ("validate",),
    ("relations",),
    ("relations", "--by", "round"),
]


@pytest.mark.parametrize("args", EXAMPLE_RUNS, ids=" ".join)
def test_every_command_writes_strict_json_on_the_example(runner, args):
    result = invoke(runner, *args, EXAMPLE_XLSX, "-f", "json")
    assert result.exit_code == 0, result.output
    document = strict(result.stdout)
    assert document["meta"]["command"] == args[0] and document["results"]


@pytest.mark.parametrize(
    "args",
    [(), ("--trend",), ("--focus", "Nordparken"), ("--sort", "trust"), ("--compare-round", "2023")],
    ids=str,
)
def test_areas_writes_strict_json(runner, args):
    areas = EXAMPLES / "areas"
    folder = next(p.name for p in areas.iterdir() if p.is_dir())
    args = tuple(folder if a == "Nordparken" else a for a in args)
    result = invoke(runner, "areas", areas, *args, "-f", "json")
    assert result.exit_code == 0, result.output
    strict(result.stdout)


def test_instrument_commands_write_strict_json(runner):
    for args in (("instrument", "list"), ("instrument", "show")):
        result = invoke(runner, *args, "-f", "json")
        assert result.exit_code == 0, result.output
        strict(result.stdout)


#: The tiny instrument plus a one-item dimension: alpha is undefined there.
ONE_ITEM_TOML = (
    TINY_TOML
    + """
[[dimensions]]
id = "gamma"
name = { en = "Gamma", da = "Gamma" }

[[dimensions.items]]
id = "c1"
text = { en = "One item only.", da = "Kun ét item." }
"""
)


@pytest.fixture
def degenerate(tmp_path):
    """Another instrument, no actor or round column (the round from the file names): a
    team of one, a constant item (b3: everyone answered 3), a one-item dimension (gamma)."""
    instrument = tmp_path / "tiny1.toml"
    instrument.write_text(ONE_ITEM_TOML, encoding="utf-8")
    rng = np.random.default_rng(17)
    n = 12
    for year in ("2023", "2024"):
        frame = pd.DataFrame(
            {
                "Team": ["solo"] + ["north"] * 6 + ["south"] * 5,
                **{i: rng.integers(1, 6, n) for i in ("a1", "a2", "a3", "b1", "b2", "b4", "c1")},
                "b3": [3] * n,
            }
        )
        frame.to_csv(tmp_path / f"other_{year}.csv", index=False)
    return str(tmp_path / "other_*.csv"), instrument


@pytest.mark.parametrize(
    "args",
    [
        ("score", "--by", "Team"),
        ("score", "--by", "Team", "--by", "round"),
        ("gaps", "--between", "Team"),
        ("gaps", "--between", "Team", "--by", "round", "--test", "kruskal"),
        ("reliability",),
        ("reliability", "--by", "Team", "--items"),
        ("trend",),
        ("trend", "--by", "Team"),
    ],
    ids=" ".join,
)
def test_degenerate_shapes_write_strict_json(runner, degenerate, args):
    pattern, instrument = degenerate
    result = invoke(runner, *args, pattern, "-i", instrument, "--min-n", "1", "-f", "json")
    assert result.exit_code == 0, result.output
    document = strict(result.stdout)
    if args[0] == "score":  # the team of one (in a round): no sd, null (not NaN)
        ones = [r for r in document["results"] if r["n"] == 1]
        assert all(r["sd"] is None and r["Team"] == "solo" for r in ones)
        assert ones or "round" not in args
    if args[0] == "reliability":  # one item: alpha undefined; constant item: r.drop undefined
        gamma = [r for r in document["results"] if r["dimension"] == "gamma"]
        assert gamma and all(r["alpha"] is None for r in gamma)
        b3 = [i for r in document["results"] for i in r["items"] if i["item"] == "b3"]
        assert b3 and all(i["r_drop"] is None for i in b3 if not i["suppressed"])


def test_reliability_counts_are_integers_in_every_format(runner):
    """`reliability --by actor` printed n as 64.0 in the table, CSV and JSON."""
    table = invoke(runner, "reliability", EXAMPLE_XLSX, "--by", "actor")
    assert ".0 " not in table.stdout.replace(",0 ", "") and "64.0" not in table.stdout
    text = invoke(runner, "reliability", EXAMPLE_XLSX, "--by", "actor", "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert all(r["n"] == "" or r["n"].isdigit() for r in rows)
    assert all(r["k"] == "" or r["k"].isdigit() for r in rows)


def test_the_encoder_fails_loudly_on_what_it_cannot_make_strict():
    """allow_nan=False: a NaN the walk missed raises instead of writing `NaN`."""
    from partnerkit.output import dumps, json_ready

    assert json.loads(dumps({"x": np.float64("nan"), "y": [np.inf, -np.inf], "n": np.int64(3)}))
    assert json_ready({"n": np.int64(3)}) == {"n": 3}
    assert type(json_ready(np.int64(3))) is int
    assert json.loads(dumps({"a": float("nan")}), parse_constant=_reject) == {"a": None}


def test_long_record_lists_are_one_object_per_line_and_read_back_the_same():
    """A list of more than ONE_LINE_RECORDS objects is written one object per line by the C
    encoder (issue 23); the reference is the standard library's indented encoder on the
    document json_ready made, which must read back equal; shorter lists keep the indent."""
    from partnerkit.output import ONE_LINE_RECORDS, dumps, json_ready

    many = ONE_LINE_RECORDS + 1
    document = {
        "meta": {"files": [{"path": f"Område {i}/2024.xlsx", "rows": 30} for i in range(many)]},
        "results": [
            {"mean": i / 3, "p": None, "text": 'æ"\n\t', "list": [1, 2.5], "nested": {"a": i}}
            for i in range(many)
        ],
        "numpy": [{"n": np.int64(3), "sd": np.nan, "df": np.inf, "x": np.float64(0.1)}] * many,
        "short": [{"a": 1}, {"b": np.nan}],
    }
    text = dumps(document)
    reference = json.dumps(json_ready(document), ensure_ascii=False, indent=2, allow_nan=False)
    assert json.loads(text, parse_constant=_reject) == json.loads(reference)
    lines = text.splitlines()
    assert '      {"path": "Område 0/2024.xlsx", "rows": 30},' in lines
    assert '    {"n": 3, "sd": null, "df": null, "x": 0.1},' in lines
    assert sum(line.startswith('    {"mean": ') for line in lines) == many
    small = {k: v[:2] if isinstance(v, list) else v for k, v in document.items()}
    small["meta"] = {"files": document["meta"]["files"][:2]}
    expected = json.dumps(json_ready(small), ensure_ascii=False, indent=2, allow_nan=False)
    assert dumps(small) == expected + "\n"


# ------------------------------------------------------------ no file lost


@pytest.mark.parametrize("suffix", [".json", ".csv", ".md", ".txt"])
def test_a_daily_rerun_replaces_partnerkits_own_file(runner, tmp_path, suffix):
    out = tmp_path / f"scores{suffix}"
    for _ in range(2):
        result = invoke(runner, "score", EXAMPLE_XLSX, "-o", out)
        assert result.exit_code == 0, result.stderr
    assert written_by_partnerkit(out)


@pytest.mark.parametrize("suffix", [".json", ".csv", ".md", ".txt"])
def test_a_changed_output_is_not_replaced_without_force(runner, tmp_path, suffix):
    out = tmp_path / f"scores{suffix}"
    invoke(runner, "score", EXAMPLE_XLSX, "-o", out)
    # "Fælles" is in every format (the .txt overview names no actor)
    edited = out.read_text(encoding="utf-8").replace("Fælles", "Falles", 1)
    out.write_text(edited, encoding="utf-8")
    result = invoke(runner, "score", EXAMPLE_XLSX, "-o", out)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {out}: exists and was not written by partnerkit (or was changed since); "
        "use --force to replace it.\n"
    )
    assert out.read_text(encoding="utf-8") == edited
    assert invoke(runner, "score", EXAMPLE_XLSX, "-o", out, "--force").exit_code == 0
    assert written_by_partnerkit(out)


def test_the_marks_are_where_the_issue_says(runner, tmp_path):
    """CSV/markdown/text: the first line; JSON: meta.mark; HTML: the generator meta tag;
    xlsx: the document properties (keywords), with a hash of the cell values."""
    for suffix, start in ((".csv", "# partnerkit "), (".md", "<!-- partnerkit "),
                          (".txt", "# partnerkit ")):  # fmt: skip
        out = tmp_path / f"s{suffix}"
        invoke(runner, "score", EXAMPLE_XLSX, "-o", out)
        assert out.read_text(encoding="utf-8").startswith(start)
    out = tmp_path / "s.json"
    invoke(runner, "score", EXAMPLE_XLSX, "-o", out)
    assert json.loads(out.read_text())["meta"]["mark"].startswith("partnerkit ")
    html, xlsx = tmp_path / "r.html", tmp_path / "r.xlsx"
    result = invoke(runner, "report", EXAMPLE_XLSX, "-o", html, "-o", xlsx)
    assert result.exit_code == 0, result.stderr
    assert '<meta name="generator" content="partnerkit ' in html.read_text(encoding="utf-8")
    assert openpyxl.load_workbook(xlsx).properties.keywords.startswith("partnerkit ")
    assert written_by_partnerkit(html) and written_by_partnerkit(xlsx)
    again = invoke(runner, "report", EXAMPLE_XLSX, "-o", xlsx)  # (the page's mark: above)
    assert again.exit_code == 0, again.stderr


def test_a_filled_in_questionnaire_is_never_replaced_without_force(runner, tmp_path):
    out = tmp_path / "survey.xlsx"
    assert invoke(runner, "template", "-o", out).exit_code == 0
    assert invoke(runner, "template", "-o", out).exit_code == 0  # untouched: partnerkit's
    book = openpyxl.load_workbook(out)
    book.worksheets[1]["E2"] = "Helt enig"  # a respondent's answer, saved
    book.save(out)
    before = out.read_bytes()
    result = invoke(runner, "template", "-o", out)
    assert result.exit_code == 1
    assert "exists and was not written by partnerkit" in result.stderr
    assert out.read_bytes() == before
    assert invoke(runner, "template", "-o", out, "--force").exit_code == 0


def test_another_export_is_not_overwritten(runner, tmp_path):
    other = tmp_path / "other_export.csv"
    other.write_bytes(EXAMPLE_CSV.read_bytes())
    result = invoke(runner, "score", EXAMPLE_XLSX, "-o", other)
    assert result.exit_code == 1 and "use --force" in result.stderr
    assert other.read_bytes() == EXAMPLE_CSV.read_bytes()


@pytest.fixture
def folder(tmp_path):
    surveys = tmp_path / "surveys"
    surveys.mkdir()
    (surveys / "a.csv").write_bytes(EXAMPLE_CSV.read_bytes())
    return surveys


@pytest.mark.parametrize("how", ["folder", "glob", "project"])
def test_inputs_are_protected_however_they_were_found(runner, tmp_path, folder, monkeypatch, how):
    target = folder / "a.csv"
    before = target.read_bytes()
    monkeypatch.chdir(tmp_path)
    if how == "project":
        (tmp_path / "partnerkit.toml").write_text('inputs = ["surveys"]\n', encoding="utf-8")
        args = ()
    else:
        args = (folder,) if how == "folder" else (str(folder / "*.csv"),)
    result = invoke(runner, "score", *args, "-o", target, "--force")
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {target}: is one of the input files; choose another output path.\n"
    )
    assert target.read_bytes() == before


def test_a_hard_link_to_an_input_is_the_input(runner, tmp_path, folder):
    link = tmp_path / "link.csv"
    os.link(folder / "a.csv", link)
    result = invoke(runner, "score", folder, "-o", link, "--force")
    assert result.exit_code == 1 and "is one of the input files" in result.stderr


def test_a_write_protected_file_is_refused_even_with_force(runner, tmp_path):
    out = tmp_path / "scores.json"
    invoke(runner, "score", EXAMPLE_XLSX, "-o", out)
    out.chmod(0o444)
    before = out.read_bytes()
    result = invoke(runner, "score", EXAMPLE_XLSX, "-o", out, "--force")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {out}: is write-protected")
    assert out.read_bytes() == before


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_files_get_the_mode_the_umask_allows(runner, tmp_path, umask):
    old = os.umask(umask)
    try:
        for out in (tmp_path / "s.csv", tmp_path / "t.xlsx"):
            args = ("template",) if out.suffix == ".xlsx" else ("score", EXAMPLE_XLSX)
            assert invoke(runner, *args, "-o", out).exit_code == 0
            assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    finally:
        os.umask(old)


def test_replacing_keeps_the_files_mode(runner, tmp_path):
    out = tmp_path / "s.csv"
    invoke(runner, "score", EXAMPLE_XLSX, "-o", out)
    out.chmod(0o640)
    assert invoke(runner, "score", EXAMPLE_XLSX, "-o", out).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def _score_csv_to(target: object, **streams) -> subprocess.CompletedProcess:
    """``partnerkit score EXAMPLE -f csv -o target -q`` in a process of its own."""
    command = ["score", str(EXAMPLE_XLSX), "-f", "csv", "-o", str(target), "-q"]
    streams.setdefault("stdout", subprocess.PIPE)
    streams.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "partnerkit", *command], text=True, **streams)


def test_a_fifo_is_written_to_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    run = _score_csv_to(fifo)
    out, _ = reader.communicate(timeout=60)
    assert run.returncode == 0, run.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert out.decode().startswith("dimension,dimension_name,")  # no mark on a stream


def test_dev_stdout_and_dash_are_streams(tmp_path):
    redirected = tmp_path / "out.csv"
    for target in ("/dev/stdout", "-"):
        with redirected.open("w") as fh:
            run = _score_csv_to(target, stdout=fh)
        assert run.returncode == 0, run.stderr
        text = redirected.read_text(encoding="utf-8")
        assert text.startswith("dimension,") and text.count("\ndimension,") == 0
        assert not list(tmp_path.glob(".*.tmp"))


def test_init_commands_still_refuse_without_force(runner, tmp_path):
    project = tmp_path / "partnerkit.toml"
    assert invoke(runner, "init", project).exit_code == 0
    assert stat.S_IMODE(project.stat().st_mode) == 0o666 & ~_umask()
    assert invoke(runner, "init", project).exit_code == 2


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --------------------------------------------------------------- injection

HOSTILE = '=HYPERLINK("http://evil")<img src=x onerror=alert(1)>|\x1b[2J\x07'
SHORT = "-2+3\x1b[1m"  # short enough to be shown whole in a table column


@pytest.fixture
def hostile(tmp_path):
    """The example with a team column whose one big group has a hostile name, and a
    header that is a formula (it becomes a --by key, so a CSV header)."""
    frame = pd.read_excel(EXAMPLE_XLSX)
    frame["@SUM(1+1)"] = np.where(np.arange(len(frame)) % 2 == 0, HOSTILE, SHORT)
    path = tmp_path / "hostile.csv"
    frame.to_csv(path, index=False)
    return path


def test_a_hostile_name_is_neutralised_in_every_output(runner, tmp_path, hostile):
    by = ("--by", "@SUM(1+1)")
    # terminal: control characters spelt out
    table = invoke(runner, "score", hostile, *by)
    assert table.exit_code == 0, table.output
    assert "\x1b" not in table.stdout and "\x07" not in table.stdout
    assert "-2+3\\x1b[1m" in table.stdout
    # CSV: header and cells formula-escaped
    rows = list(csv.reader(io.StringIO(invoke(runner, "score", hostile, *by, "-f", "csv").stdout)))
    assert "'@SUM(1+1)" in rows[0] and "@SUM(1+1)" not in rows[0]
    cells = [c for row in rows[1:] for c in row]
    assert "'-2+3\\x1b[1m" in cells and not any(c.startswith(("=", "@", "+", "-")) for c in cells
                                        if not _number(c))  # fmt: skip
    assert not any("\x1b" in c for c in cells)
    # markdown: HTML escaped, pipes escaped, no control characters
    md = invoke(runner, "score", hostile, *by, "-f", "markdown").stdout
    assert "<img" not in md and "&lt;img src=x onerror=alert(1)&gt;\\|" in md
    assert "\x1b" not in md
    md_table = invoke(runner, "gaps", hostile, "--between", "@SUM(1+1)", "-f", "markdown").stdout
    assert "\x1b" not in md_table and "```" in md_table
    # JSON: the exact text, as data (JSON escapes the control characters itself)
    document = strict(invoke(runner, "score", hostile, *by, "-f", "json").stdout)
    assert HOSTILE in {r["@SUM(1+1)"] for r in document["results"]}
    # report: xlsx strings stay strings, HTML escaped
    xlsx, html = tmp_path / "r.xlsx", tmp_path / "r.html"
    frame = pd.read_csv(hostile)
    area = next(c for c in frame.columns if (frame[c] == "Nørrevang").any())  # the example's
    frame[area] = frame[area].replace("Nørrevang", HOSTILE)
    areas = tmp_path / "areas.csv"
    frame.to_csv(areas, index=False)
    result = invoke(runner, "report", areas, "-o", xlsx, "-o", html)
    assert result.exit_code == 0, result.output
    texts = []
    for sheet in openpyxl.load_workbook(xlsx).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert any("HYPERLINK" in t for t in texts)
    assert not any("\x1b" in t for t in texts)
    page = html.read_text(encoding="utf-8")
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    # the page's texts, the charts' SVG text included, spell control characters out
    assert "\x1b" not in page


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_a_hostile_file_name_does_not_reach_the_terminal_raw(runner, tmp_path):
    bad = tmp_path / "evil\x1b[2J.csv"
    bad.write_text("no,items\n1,2\n", encoding="utf-8")
    result = invoke(runner, "score", bad)
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\\x1b[2J" in result.stderr


@pytest.mark.parametrize("prefix", ["-", "+", "=", "@"])
def test_the_template_round_trip_keeps_texts_that_look_like_formulas(runner, tmp_path, prefix):
    """Items and answer labels beginning with - + = @ come back exactly (text cells)."""
    toml = TINY_TOML.replace('en = "The partners agree on the goals."',
                             f'en = "{prefix}The partners agree on the goals."')  # fmt: skip
    toml = toml.replace('"5" = ["Strongly agree"', f'"5" = ["{prefix}Strongly agree"')
    instrument = tmp_path / "tiny.toml"
    instrument.write_text(toml, encoding="utf-8")
    out = tmp_path / "q.xlsx"
    assert invoke(runner, "template", "-o", out, "-i", instrument, "--lang", "en").exit_code == 0
    book = openpyxl.load_workbook(out)
    sheet = book.worksheets[1]
    assert sheet.cell(row=1, column=5).value == f"{prefix}The partners agree on the goals."
    lists = book.worksheets[2]
    assert lists["A5"].value == f"{prefix}Strongly agree" and lists["A5"].data_type == "s"
    for row in range(2, 8):  # six respondents answer every item with the top label
        sheet.cell(row=row, column=3, value="Municipality")
        for col in range(5, 5 + 7):
            cell = sheet.cell(row=row, column=col, value=f"{prefix}Strongly agree")
            cell.data_type = "s"
    book.save(out)
    result = invoke(runner, "score", out, "-i", instrument, "--lang", "en", "-f", "json")
    assert result.exit_code == 0, result.output
    document = strict(result.stdout)
    assert document["meta"]["rows_scored"] == 6 and document["meta"]["invalid_cells"] == []
    overall = [r for r in document["results"] if r["dimension"] == "alpha" and not r["suppressed"]]
    # a1, a2 = 5 and a3 reverse-keyed 5 -> 1: mean (5 + 5 + 1) / 3, by hand
    assert overall and overall[0]["mean"] == pytest.approx(11 / 3)


# ------------------------------------------------------------------- quiet


@pytest.mark.parametrize("command", ["score", "trend", "gaps", "reliability"])
def test_quiet_prints_only_the_result(runner, command):
    loud = invoke(runner, command, EXAMPLE_XLSX)
    quiet = invoke(runner, command, EXAMPLE_XLSX, "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert "skjult: færre end" in loud.stdout  # the legend of hidden groups
    assert "skjult: færre end" not in quiet.stdout
    assert "Læst " not in quiet.stdout  # the row summary of score
    assert len(quiet.stdout) < len(loud.stdout)


def test_quiet_writes_only_the_file(runner, tmp_path):
    out = tmp_path / "s.md"
    result = invoke(runner, "score", EXAMPLE_XLSX, "-q", "-o", out)
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""
    assert "n<" in out.read_text(encoding="utf-8")  # the table's cells, not the legend
    template = invoke(runner, "template", "-q", "-o", tmp_path / "t.xlsx")
    assert template.stdout == "" and template.stderr == ""


# ------------------------------------------------------- the real exports


@pytest.mark.parametrize("command", ["score", "reliability", "validate"])
def test_real_surveyxact_exports_write_strict_json(runner, tmp_path, command):
    """The real SurveyXact samples (read in place, never copied) with their own instrument."""
    from tests.conftest import SHARED_DATA
    from tests.test_layouts import ELEV, VARIANTS

    surveyxact = SHARED_DATA / "surveyxact"
    if not surveyxact.is_dir():
        pytest.skip("../shared/data/surveyxact is not present")
    instrument = tmp_path / "elev.toml"
    instrument.write_text(ELEV, encoding="utf-8")
    for variant in VARIANTS:
        result = invoke(runner, command, surveyxact / variant, "-i", instrument, "-f", "json")
        assert result.exit_code == 0, result.output
        document = strict(result.stdout)
        assert document["results"]
