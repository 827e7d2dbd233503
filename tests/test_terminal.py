"""Terminal tables for any width (issue 20, point 5): continued panels instead of cut names
or marks, COLUMNS honoured in a pipe (default 100), no trailing spaces, and a compact
overview from a plain ``score``."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from rich.cells import cell_len

from partnerkit import read_survey
from partnerkit.areas import areas
from partnerkit.render.table import render
from tests.conftest import EXAMPLE_XLSX, EXAMPLES, invoke, write_table

AREAS = EXAMPLES / "areas"
NAMES = sorted(p.name for p in AREAS.iterdir() if p.is_dir())
MARKS = "●◐○"


@pytest.fixture(scope="module")
def areas_result():
    return areas(read_survey(AREAS), sort="equality", trend=True, lang="da", method="welch")


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_areas_table_fits_and_cuts_nothing(areas_result, width):
    text = render(areas_result, width=width)
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert not any(line != line.rstrip() for line in lines)
    # every area by its whole name, in each panel of means
    panels = text.count("boligområder side om side")
    for name in NAMES:
        assert sum(line.split()[0] == name for line in lines if line.strip()) >= panels
    assert "…" not in text
    # every zone mark: 12 areas and "Alle", 10 dimensions, all shown (none hidden here)
    assert sum(text.count(m) for m in MARKS) == 13 * 10
    # every dimension header whole, once per table
    for header in ("Mål", "Ligev.", "Tillid", "Forst.", "Læring", "Koord.", "Udbyt."):
        assert f" {header}" in text
    if width <= 80:
        assert panels >= 2 and "(fortsat)" in text
    if width >= 100:
        assert panels == 1


def test_score_table_at_80_columns_keeps_names_and_marks():
    result = invoke_score("--by", "actor", "--lang", "en", columns=80)
    lines = result.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    for actor in ("Municipality", "Police", "Housing org.", "Resident rep.", "All"):
        assert actor in result or actor.split()[0] in result
    assert "(continued)" in result


def invoke_score(*args, columns: int | None) -> str:
    """``partnerkit score EXAMPLE args`` in a pipe, with COLUMNS set (or unset)."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    out = subprocess.run(
        [sys.executable, "-m", "partnerkit", "score", str(EXAMPLE_XLSX), *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return out.stdout


def test_a_pipe_honours_columns_and_defaults_to_100():
    wide = invoke_score("--by", "actor", columns=None)
    narrow = invoke_score("--by", "actor", columns=70)
    assert 80 < max(cell_len(line) for line in wide.splitlines()) <= 100
    assert max(cell_len(line) for line in narrow.splitlines()) <= 70
    for text in (wide, narrow):
        assert all(line == line.rstrip() for line in text.splitlines())


def test_plain_score_is_one_compact_overview(runner):
    """The example printed 184 lines; the overview is the rounds side by side for all
    actors and says where each actor's scores are."""
    plain = invoke(runner, "score", EXAMPLE_XLSX, "--lang", "en")
    assert plain.exit_code == 0, plain.output
    lines = plain.stdout.splitlines()
    assert len(lines) <= 40
    assert "2022" in lines[3] and "2024" in lines[3] and "Overall" in lines[3]
    assert "--by actor (all rounds pooled) or --by actor --by round (per round)" in " ".join(
        plain.stdout.split()
    )
    assert "Municipality" not in plain.stdout
    detail = invoke(runner, "score", EXAMPLE_XLSX, "--by", "actor", "--by", "round")
    assert "Kommune" in detail.stdout and "Overblik" not in detail.stdout
    # the data formats keep every group
    data = invoke(runner, "score", EXAMPLE_XLSX, "--format", "csv").stdout
    assert "Kommune" in data


def test_plain_score_of_another_instrument_without_actor_or_round(runner, tmp_path, tiny_path):
    rng = np.random.default_rng(20)
    frame = pd.DataFrame({c: rng.integers(1, 6, 30) for c in ("a1", "a2", "b1", "b2")})
    path = write_table(tmp_path / "plain.csv", frame)
    result = invoke(runner, "score", path, "-i", tiny_path, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Overview." not in result.stdout  # one table already: nothing to point to
    assert "Alpha" in result.stdout and "Beta" in result.stdout
    assert all(line == line.rstrip() for line in result.stdout.splitlines())


def test_instrument_show_frame_in_danish_and_english(runner):
    """Issue 20, point 6 (in part): the frame of `instrument show` was English only."""
    da = invoke(runner, "instrument", "show", "partnerskab", "--lang", "da").stdout
    en = invoke(runner, "instrument", "show", "partnerskab", "--lang", "en").stdout
    assert "Skala: 1 Helt uenig" in da and "Zoner: styrke ≥ 4,0" in da and "Udsagn" in da
    assert "Scale:" not in da and "Zones:" not in da and "Statement" not in da
    assert "Scale: 1 Strongly disagree" in en and "Zones: strength ≥ 4.0" in en


LONG = EXAMPLES / "partnerskab_lang_2017-2024.csv"
COMMANDS = {
    "score --by actor": ["score", EXAMPLE_XLSX, "--by", "actor"],
    "score --by round": ["score", EXAMPLE_XLSX, "--by", "round"],
    "gaps": ["gaps", EXAMPLE_XLSX],
    "trend": ["trend", EXAMPLE_XLSX],
    "reliability": ["reliability", EXAMPLE_XLSX],
    "relations": ["relations", EXAMPLE_XLSX],
    "areas": ["areas", AREAS],
    "areas --trend": ["areas", AREAS, "--trend", "--method", "welch"],
    "trend --over-time": ["trend", LONG, "--over-time"],
    "instrument show": ["instrument", "show", "partnerskab"],
    "validate": ["validate", EXAMPLE_XLSX],
}
MARKS_AND_FLAGS = "●◐○▲▼⚑↺"


def _tokens(text: str) -> dict[str, int]:
    """Words of a rendering, with how often each occurs; box lines and the text
    caterpillars of ``areas`` (drawn to the width: ``──●──``) left out."""
    from collections import Counter

    return Counter(w for w in text.split() if "─" not in w)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_at_80_columns_keeps_every_word_and_mark(runner, monkeypatch, command):
    """A table too wide for 80 columns continues in panels: every name, header word, zone
    mark and flag of the 200-column rendering is in the 80-column one, whole (a cut
    "Kommu…" or a header broken inside a word loses the word), no line is longer than 80
    and none ends in spaces."""
    texts = {}
    for width in (200, 80):
        monkeypatch.setenv("COLUMNS", str(width))
        result = invoke(runner, *COMMANDS[command])
        assert result.exit_code == 0, result.output
        texts[width] = result.stdout
    narrow = texts[80].splitlines()
    assert max(cell_len(line) for line in narrow) <= 80
    assert all(line == line.rstrip() for line in narrow)
    wide, cut = _tokens(texts[200]), _tokens(texts[80])
    lost = {w: n for w, n in wide.items() if cut[w] < n}
    assert not lost, lost
    for mark in MARKS_AND_FLAGS:
        assert texts[80].count(mark) >= texts[200].count(mark), mark
