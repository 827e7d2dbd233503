"""Every command in every output format on surveys of every shape (issue 19, point 3).

The shapes are generated here: no actor column, no round column, one round, one
group, a one-item dimension, an item nobody answered, no respondent ids. Each
command either succeeds with an output its format's parser reads, or stops with the
documented one-line ``Error:`` (exit 1); none crashes. The row ledger adds up in every
JSON output: rows read = rows scored + rows excluded.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from .conftest import invoke

#: An instrument of another field: no actor types, a one-item dimension, scale 1-4.
OTHER_TOML = """
id = "other"
version = "1"
language = "en"
min_n = 3

[title]
en = "Other"
da = "Andet"

[scale]
min = 1
max = 4

[[dimensions]]
id = "climate"
name = { en = "Climate", da = "Klima" }
items = [
  { id = "c1", text = { en = "People help each other.", da = "Folk hjælper hinanden." } },
  { id = "c2", text = { en = "People are heard.", da = "Folk bliver hørt." } },
  { id = "c3", text = { en = "People leave.", da = "Folk går." }, reverse = true },
]

[[dimensions]]
id = "tools"
name = { en = "Tools", da = "Værktøjer" }
items = [
  { id = "t1", text = { en = "The tools work.", da = "Værktøjerne virker." } },
  { id = "t2", text = { en = "The tools are new.", da = "Værktøjerne er nye." } },
]

[[dimensions]]
id = "overall"
name = { en = "Overall", da = "Samlet" }
items = [{ id = "o1", text = { en = "All in all good.", da = "Alt i alt godt." } }]
"""

ITEMS = ["c1", "c2", "c3", "t1", "t2", "o1"]


def _answers(rng, n: int) -> pd.DataFrame:
    base = rng.integers(1, 5, n)
    frame = pd.DataFrame({i: np.clip(base + rng.integers(-1, 2, n), 1, 4) for i in ITEMS})
    frame["c3"] = 5 - frame["c1"]
    return frame


def _shape(name: str, rng) -> pd.DataFrame:
    """The survey of one shape, 24 respondents (the last one answered nothing)."""
    n = 24
    frame = _answers(rng, n).astype("float64")
    frame.loc[n - 1, ITEMS] = np.nan  # an empty response: excluded, with its reason
    ids = [f"R{i:03d}" for i in range(n)]
    if name != "no_ids":
        frame.insert(0, "Respondent ID", ids)
    if name in {"rounds", "one_group", "missing_item", "no_ids", "one_item", "no_dimension"}:
        frame["Round"] = np.where(np.arange(n) < n // 2, "2023", "2024")
    if name == "one_round":
        frame["Round"] = "2024"
    if name == "one_group":
        frame["Team"] = "North"
    elif name != "no_actor":
        frame["Team"] = np.where(np.arange(n) % 2 == 0, "North", "South")
    if name == "missing_item":
        frame["t2"] = np.nan
    if name == "one_item":
        frame = frame.drop(columns=["c2", "c3", "t2"])
    if name == "no_dimension":  # the one item of "overall" under a header nobody declared
        frame = frame.rename(columns={"o1": "All things considered"})
    return frame


SHAPES = ["no_actor", "rounds", "one_round", "one_group", "missing_item", "one_item", "no_ids"]
SHAPES += ["no_dimension"]

#: (command, extra options); the formats each can write
COMMANDS = {
    "score": [],
    "reliability": [],
    "validate": [],
    "trend": [],
    "gaps": ["--between", "Team"],
    "areas": [],
}
FORMATS = ["table", "json", "csv", "markdown"]


@pytest.fixture(scope="module")
def shapes(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    folder = tmp_path_factory.mktemp("shapes")
    instrument = folder / "other.toml"
    instrument.write_text(OTHER_TOML, encoding="utf-8")
    rng = np.random.default_rng(19)
    out = {}
    for name in SHAPES:
        path = folder / f"{name}.csv"
        _shape(name, rng).to_csv(path, index=False)
        out[name] = (path, instrument)
    return out


class _Strict(HTMLParser):
    """Counts start tags; fails on anything html.parser cannot take."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)


def check_output(fmt: str, text: str | None = None, path: Path | None = None) -> None:
    """The output parses in its format and says something."""
    if fmt == "json":
        data = json.loads(text)
        meta = data.get("meta", data)
        if meta.get("rows_scored") is not None:  # commands that score respondents
            excluded = sum(e["rows"] for e in meta["excluded"])
            assert meta["rows_read"] == meta["rows_scored"] + excluded, meta
    elif fmt == "csv":
        frame = pd.read_csv(StringIO(text))
        assert len(frame.columns) >= 1
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path)
        assert book.sheetnames
    elif fmt == "html":
        parser = _Strict()
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        assert {"html", "table"} <= set(parser.tags)
    else:
        assert text.strip()


def run_checked(runner, args: list, fmt: str, path: Path | None = None) -> None:
    """Exit 0 with a parseable output, or exit 1 (2 for an option the data cannot take)
    with one ``Error:`` line; never a crash."""
    result = invoke(runner, *args)
    assert result.exit_code in (0, 1, 2), (args, result.output, result.exception)
    if result.exit_code:
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
        assert errors, (args, result.stderr)
        assert "unexpected" not in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        return
    if path is not None:
        check_output(fmt, path=path)
    else:
        check_output(fmt, text=result.stdout)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_and_format_on_every_shape(runner, shapes, shape, command):
    path, instrument = shapes[shape]
    for fmt in FORMATS:
        args = [command, path, "-i", instrument, "-f", fmt, *COMMANDS[command]]
        run_checked(runner, args, fmt)


@pytest.mark.parametrize("shape", SHAPES)
def test_report_on_every_shape(runner, shapes, shape, tmp_path):
    path, instrument = shapes[shape]
    xlsx, html = tmp_path / "r.xlsx", tmp_path / "r.html"
    args = ["report", path, "-i", instrument, "-o", xlsx, "-o", html, "-q"]
    run_checked(runner, args, "xlsx", xlsx)
    check_output("html", path=html)


def test_report_on_two_files_without_actors(runner, shapes, tmp_path):
    """The crash of issue 19: two files of an instrument without actor types."""
    first, instrument = shapes["no_actor"]
    second = tmp_path / "b.csv"
    pd.read_csv(first).to_csv(second, index=False)
    xlsx, html = tmp_path / "r.xlsx", tmp_path / "r.html"
    result = invoke(runner, "report", first, second, "-i", instrument, "-o", xlsx, "-o", html)
    assert result.exit_code == 0, result.output
    check_output("xlsx", path=xlsx)
    check_output("html", path=html)
