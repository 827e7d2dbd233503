"""Trend charts that separate what they show (issue 20, point 2), on a 1-7 instrument.

The report's HTML chart and the workbook's native charts are small multiples: one
panel (chart) per dimension, one line per actor group, the value axis spanning the
instrument's whole scale, every line with its own colour, marker and dash, and a
hidden round never drawn. The expected values are read from the trend's records (the
means the tables print and the ``suppressed`` flags the privacy pattern set), not
from the chart code.
"""

from __future__ import annotations

import re
import zipfile
from itertools import pairwise
from xml.etree import ElementTree

import numpy as np
import openpyxl
import pandas as pd
import pytest

from partnerkit import read_survey
from partnerkit.render import charts
from partnerkit.render.xlsx import render_xlsx
from partnerkit.report import build_report
from tests.conftest import TINY_TOML, write_table

#: The answer labels of a 7-point agreement scale (English, Danish).
LABELS_7 = (
    ("Strongly disagree", "Helt uenig"), ("Disagree", "Uenig"),
    ("Somewhat disagree", "Delvis uenig"),
    ("Neither agree nor disagree", "Hverken enig eller uenig"),
    ("Somewhat agree", "Delvis enig"), ("Agree", "Enig"), ("Strongly agree", "Helt enig"),
)  # fmt: skip
#: The tiny instrument on that scale: its [scale] table up to the missing label replaced.
SEVEN = re.sub(
    r"\[scale\]\n.*?(?=missing = )",
    "[scale]\nmin = 1\nmax = 7\nfavourable = 5\nmissing_codes = [8]\n\n[scale.labels]\n"
    + "".join(f'"{k}" = ["{en}", "{da}"]\n' for k, (en, da) in enumerate(LABELS_7, start=1)),
    TINY_TOML,
    count=1,
    flags=re.S,
)

#: Respondents per actor group and round: Police and Volunteer are below min_n = 5 in
#: 2023; the pattern hides others to protect them (read from the records), so some
#: lines are shown in some rounds only.
SIZES = {
    "Municipality": (14, 15, 13),
    "Housing": (12, 11, 12),
    "Resident": (10, 12, 11),
    "Volunteer": (16, 3, 16),
    "Police": (6, 2, 6),
}
ROUNDS = ("2022", "2023", "2024")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    assert "max = 7" in SEVEN
    rng = np.random.default_rng(20)
    frames = []
    for k, round_ in enumerate(ROUNDS):
        for actor, sizes in SIZES.items():
            n = sizes[k]
            base = np.clip(np.rint(4 + 0.5 * k + rng.normal(0, 1.2, n)), 1, 7)
            frame = pd.DataFrame({"Round": [round_] * n, "Actor": [actor] * n})
            for item in ("a1", "a2", "b1", "b2", "b3", "b4"):
                frame[item] = np.clip(base + rng.integers(-1, 2, n), 1, 7)
            frame["a3"] = 8 - np.clip(base + rng.integers(-1, 2, n), 1, 7)  # reverse-keyed
            frames.append(frame)
    folder = tmp_path_factory.mktemp("seven")
    instrument = folder / "seven.toml"
    instrument.write_text(SEVEN, encoding="utf-8")
    data = pd.concat(frames, ignore_index=True)
    survey = read_survey(write_table(folder / "survey.csv", data), instrument)
    return build_report(survey, lang="en", min_n=5)


def _cells(report) -> pd.DataFrame:
    """The trend by actor's round means: shown ones with their mean, hidden ones flagged."""
    rounds = report.trend_by_actor.rounds.copy()
    rounds["group"] = rounds["actor"].astype(object).where(rounds["actor"].notna(), "All")
    return rounds


def test_the_fixture_hides_what_the_tests_need(report):
    cells = _cells(report)
    hidden = cells[cells["suppressed"].astype(bool)]
    assert report.survey.instrument.scale.max == 7
    assert "2023" in set(hidden[hidden["group"] == "Police"]["round"])
    hidden = cells.groupby(["group", "dimension"])["suppressed"].sum()
    # some lines are partly hidden (shown in some rounds, hidden in others)
    assert ((hidden > 0) & (hidden < 3)).sum() >= 4


SVG = ""  # inline SVG in HTML has no namespace declaration (the page fetches nothing)


def _drawn(svg: str) -> dict[str, dict]:
    """What the SVG draws, read back from its geometry: per panel (``trend-panel-DIM``) the
    value of every y tick and round of every x tick (their ``data-value``) with their
    coordinates, and per line (``trend-line-DIM-LABEL``) the centres of its markers and
    the runs of its path, converted back to (round, value) through the ticks."""
    root = ElementTree.fromstring(svg)
    panels = {}
    for group in root.iter(f"{SVG}g"):
        ident = group.get("id", "")
        if not ident.startswith("trend-panel-"):
            continue
        ticks = [e for e in group.iter(f"{SVG}line") if e.get("class") == "ytick"]
        ys = {float(e.get("data-value")): float(e.get("y1")) for e in ticks}
        xs = {
            e.get("data-value"): float(e.get("x1"))
            for e in group.iter(f"{SVG}line")
            if e.get("class") == "xtick"
        }
        (v0, y0), (v1, y1) = min(ys.items()), max(ys.items())

        def value(y, v0=v0, y0=y0, v1=v1, y1=y1):
            return v0 + (y - y0) / (y1 - y0) * (v1 - v0)

        def round_at(x, xs=xs):
            found = [r for r, at in xs.items() if abs(at - x) < 0.05]
            assert len(found) == 1, (x, xs)
            return found[0]

        lines = {}
        for line in group.iter(f"{SVG}g"):
            name = line.get("id", "")
            if not name.startswith("trend-line-"):
                continue
            markers = [
                (round_at(float(u.get("x"))), value(float(u.get("y"))))
                for u in line.iter(f"{SVG}use")
            ]
            runs = []
            for path in line.iter(f"{SVG}path"):
                for run in re.findall(r"M([^M]+)", path.get("d")):
                    points = [p.split() for p in run.split("L")]
                    runs.append([round_at(float(x)) for x, _y in points])
            lines[name.removeprefix("trend-line-")] = {"markers": markers, "runs": runs}
        panels[ident.removeprefix("trend-panel-")] = {"yticks": ys, "xticks": xs, "lines": lines}
    return panels


def test_the_svg_chart_has_a_panel_per_dimension_on_the_whole_scale(report):
    order, dims, _lines = charts.trend_lines(report)
    assert order == list(ROUNDS) and dims == ["alpha", "beta"]
    svg = charts.trend_chart(report)
    panels = _drawn(svg)
    assert list(panels) == ["alpha", "beta"]
    root = ElementTree.fromstring(svg)
    for dim, panel in panels.items():
        assert list(panel["yticks"]) == [1, 2, 3, 4, 5, 6, 7]
        assert list(panel["xticks"]) == list(ROUNDS)
        # the value axis spans the scale: the plot's left spine runs from tick 7 to tick 1
        group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == f"trend-panel-{dim}")
        spans = [
            (float(e.get("y1")), float(e.get("y2")))
            for e in group.iter(f"{SVG}line")
            if e.get("x1") == e.get("x2") and e.get("class") is None
        ]
        assert (panel["yticks"][7], panel["yticks"][1]) in spans
    assert svg.count('<g id="trend-panel-') == 2
    assert 'data-panels="2"' in svg


def test_no_two_lines_look_alike(report):
    _order, _dims, lines = charts.trend_lines(report)
    looks = [(line.style["color"], line.style["marker"], str(line.style["ls"])) for line in lines]
    assert len(set(looks)) == len(looks)
    # and each of colour, marker and dash differs between any two groups on its own
    groups = [line.style for line in lines if line.group is not None]
    for key in ("marker", "ls"):
        assert len({str(s[key]) for s in groups}) == len(groups)
    assert len(charts.series_styles(len(charts.PALETTE))) == len(charts.PALETTE)
    colours = [s["color"] for s in charts.series_styles(len(charts.PALETTE))]
    assert len(set(colours)) == len(charts.PALETTE) and charts.OVERALL_COLOUR not in colours


def test_hidden_rounds_are_gaps_and_never_drawn(report):
    order, dims, lines = charts.trend_lines(report)
    cells = _cells(report).set_index(["group", "dimension", "round"])
    svg = charts.trend_chart(report)
    drawn = _drawn(svg)
    always = cells.groupby(level="group")["suppressed"].all()
    for group in always[always].index:  # a group hidden in every round: no line
        assert not any(group in name for panel in drawn.values() for name in panel["lines"])
    for dim in dims:
        assert set(drawn[dim]["lines"]) == {f"{dim}-{line.label}" for line in lines}
        for line in lines:
            group = line.group if line.group is not None else "All"
            found = drawn[dim]["lines"][f"{dim}-{line.label}"]
            shown = [r for r in order if not cells.loc[(group, dim, r)]["suppressed"]]
            # a marker at every shown round, at its mean (the coordinates have two
            # decimals on a panel about 90 units high: 0.002 scale points), and nowhere else
            assert [r for r, _ in found["markers"]] == shown, (group, dim)
            for round_, value in found["markers"]:
                mean = float(cells.loc[(group, dim, round_)]["mean"])
                assert value == pytest.approx(mean, abs=2e-3), (group, dim, round_)
            # the path runs through shown rounds only and never across a hidden one
            for run in found["runs"]:
                positions = [order.index(r) for r in run]
                assert all(r in shown for r in run), (group, dim, run)
                assert positions == list(range(positions[0], positions[0] + len(run)))
            joined = {r for run in found["runs"] for r in run}
            adjacent = {
                r for a, b in pairwise(shown)
                if order.index(b) == order.index(a) + 1 for r in (a, b)
            }  # fmt: skip
            assert joined == adjacent, (group, dim)


def _chart_parts(path):
    """Per chart on the trend sheet: its XML (axis bounds, series references, styles)."""
    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml", n))
        return {n: z.read(n).decode("utf-8") for n in names}


def test_the_workbook_draws_a_native_chart_per_dimension(report, tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(render_xlsx(report))
    book = openpyxl.load_workbook(path)
    trend = book["Trend"]
    assert [type(c).__name__ for c in trend._charts] == ["LineChart", "LineChart"]
    cells = _cells(report).set_index(["group", "dimension", "round"])
    names = {"Alpha": "alpha", "Beta": "beta"}
    # openpyxl writes the chart namespace as the default one (no "c:" prefix); the trend's
    # charts (a line per group shown) and those of the trajectory sheet (everyone) draw
    # from the chart-data sheet
    line_charts = [
        x for x in _chart_parts(path).values() if "<lineChart>" in x and "'Chart data'!" in x
    ]
    shown = cells.reset_index()
    shown = shown.loc[~shown["suppressed"].astype(bool) & (shown["group"] != "All"), "group"]
    # the trajectory's two charts draw everyone; the trend's a line per group shown and All
    expected = sorted([1, 1] + [shown.nunique() + 1] * 2)
    assert sorted(x.count("<ser>") for x in line_charts) == expected
    assert [type(c).__name__ for c in book["Trajectory per year"]._charts] == ["LineChart"] * 2
    for xml in line_charts:
        assert '<min val="1"' in xml and '<max val="7"' in xml
        assert 'dispBlanksAs val="gap"' in xml
        series = re.findall(r"<ser>(.*?)</ser>", xml, re.S)
        looks = []
        for ser in series:
            colour = re.search(r'<a:ln[^>]*>.*?<a:srgbClr val="(\w+)"', ser, re.S).group(1)
            dash = re.search(r'<a:prstDash val="(\w+)"', ser).group(1)
            symbol = re.search(r'<symbol val="(\w+)"', ser).group(1)
            looks.append((colour, dash, symbol))
            title = re.search(r"<tx>.*?<f>(.*?)</f>", ser, re.S).group(1)
            values = re.search(r"<val>.*?<f>(.*?)</f>", ser, re.S).group(1)
            sheet, first, last = re.match(r"'?(.*?)'?!\$(\w+\$\d+):\$(\w+\$\d+)", values).groups()
            row = book[sheet][f"{first.replace('$', '')}:{last.replace('$', '')}"][0]
            label = book[sheet][title.split("!")[1].replace("$", "")].value
            head = row[0].row
            dim_name = None
            for r in range(head, 0, -1):  # the block's header names the dimension
                if book[sheet].cell(row=r, column=2).value == ROUNDS[0]:
                    dim_name = book[sheet].cell(row=r, column=1).value
                    break
            dim = names[dim_name]
            group = {"All": "All"}.get(label, label)
            for round_, cell in zip(ROUNDS, row, strict=True):
                record = cells.loc[(group, dim, round_)]
                if record["suppressed"]:
                    assert cell.value is None, (group, dim, round_)  # a gap, never a number
                else:
                    assert cell.value == pytest.approx(float(record["mean"]))
        assert len(set(looks)) == len(looks)
        assert not any("Police" in s for s in series)
