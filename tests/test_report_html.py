"""The HTML report: self-contained, in both languages, leak-free, and sound in a real browser.

The browser test opens the written file in Chromium (playwright), checks that
nothing is fetched and nothing errs, counts each chart's series against the
report's own records, and prints the page to an A4 PDF.
"""

from __future__ import annotations

import re
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from partnerkit import read_survey
from partnerkit.render import charts
from partnerkit.render.html import render_html
from partnerkit.report import build_report
from tests.conftest import EXAMPLE_XLSX, EXAMPLES, ROOT, invoke, write_table

CHART_IDS = ("profile", "gaps", "trend", "trajectory", "areas", "caterpillar-equality")


# ----------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def example_survey():
    return read_survey(EXAMPLE_XLSX)


@pytest.fixture(scope="module")
def report_da(example_survey):
    return build_report(example_survey, lang="da")


@pytest.fixture(scope="module")
def report_en(example_survey):
    return build_report(example_survey, lang="en")


@pytest.fixture(scope="module")
def html_da(report_da):
    return render_html(report_da)


@pytest.fixture(scope="module")
def html_en(report_en):
    return render_html(report_en)


@pytest.fixture(scope="module")
def areas_report():
    return build_report(read_survey(EXAMPLES / "areas"), lang="en")


def _tiny_frame() -> pd.DataFrame:
    """Two rounds of Municipality 12, Housing 11, Resident 10 and Police 2 respondents.

    The two police respondents answer (almost) only "Strongly disagree": their
    means, 1.17 on alpha (1 and 1.33) and 1.25 on beta (1 and 1.5), are numbers
    no other group comes near, so any trace of them in the report is a leak.
    Police is hidden for min_n; Resident, the next smallest, is hidden so the
    police mean cannot be worked out from the total.
    """
    rng = np.random.default_rng(7)
    frames = []
    for round_ in ("2023", "2024"):
        actors = ["Municipality"] * 12 + ["Housing"] * 11 + ["Resident"] * 10 + ["Police"] * 2
        frame = pd.DataFrame({"Round": round_, "Actor": actors})
        for item in ("a1", "a2", "a3", "b1", "b2", "b3", "b4"):
            frame[item] = rng.integers(3, 6, len(actors))
        frame["a3"] = 8 - frame["a3"]  # reverse-keyed: 3-5 after turning, like the rest
        police = frame.index[frame["Actor"] == "Police"]
        answers = [[1, 1, 5, 1, 1, 1, 1], [1, 2, 5, 1, 1, 2, 2]]
        frame.loc[police, ["a1", "a2", "a3", "b1", "b2", "b3", "b4"]] = answers
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def tiny_reports(tmp_path_factory):
    from tests.conftest import TINY_TOML

    folder = tmp_path_factory.mktemp("tiny")
    instrument = folder / "tiny.toml"
    instrument.write_text(TINY_TOML, encoding="utf-8")
    survey = read_survey(write_table(folder / "survey.csv", _tiny_frame()), instrument)
    return {lang: build_report(survey, lang=lang, min_n=5) for lang in ("da", "en")}


# ------------------------------------------------------------------ helpers


class _Tables(HTMLParser):
    """Every table as (header texts, [(row header, cell texts)]), and every SVG's text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[list[str], list[tuple[str, list[str]]]]] = []
        self.svgs: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._svg_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self._svg_depth += 1
            if self._svg_depth == 1:
                self.svgs.append("")
        elif tag == "table":
            self.tables.append(([], []))
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg_depth -= 1
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).replace("\xad", "").strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            head, rows = self.tables[-1]
            if not head:
                head.extend(self._row)
            else:
                rows.append((self._row[0], self._row[1:]))
            self._row = None

    def handle_data(self, data):
        if self._svg_depth:
            self.svgs[-1] += data
        if self._cell is not None:
            self._cell.append(data)


def _parse(html: str) -> _Tables:
    parser = _Tables()
    parser.feed(html)
    return parser


def _column_cells(parsed: _Tables, group: str) -> list[str]:
    """Every body cell under a column headed ``group``, in every table."""
    cells = []
    for head, rows in parsed.tables:
        if group in head:
            index = head.index(group) - 1
            cells += [row[index] for _, row in rows if index < len(row)]
    return cells


def _visible(value) -> bool:
    return value is not None and value == value


def _expected_series(report) -> dict[str, int]:
    """How many series each chart must draw, counted from the report's records."""
    rec = report.scores.records
    shown = rec[~rec["suppressed"].astype(bool)]
    expected = {"profile": shown["actor"].dropna().nunique() + int(shown["actor"].isna().any())}
    expected["gaps"] = sum(
        sum(not g["suppressed"] and _visible(g["mean"]) for g in groups) >= 2
        for groups in report.gaps.records["groups"]
    )
    if report.trend is not None:  # a line per actor group with a visible mean, and everyone
        rounds = report.trend_by_actor.rounds
        shown = rounds[~rounds["suppressed"].astype(bool) & rounds["mean"].notna()]
        expected["trend"] = shown["actor"].dropna().nunique() + 1
    if report.areas is not None:
        focus = report.survey.instrument.focus
        part = report.areas.records
        part = part[(part["dimension"] == focus) & ~part["suppressed"].astype(bool)]
        areas = part[part["area"].notna()]
        flagged = areas[areas["flagged"].astype(bool)]
        expected["areas"] = (
            int((~areas["flagged"].astype(bool)).any())
            + int((flagged["benchmark_diff"] > 0).any())
            + int((flagged["benchmark_diff"] < 0).any())
            + int(part["area"].isna().any())
        )
    if report.trajectory is not None:  # small multiples: a panel per dimension (issue 22)
        lines = report.trajectory.records
        for key in report.trajectory.keys:
            lines = lines[lines[key.name].isna()]
        expected["trajectory"] = lines["dimension"].nunique()
    if report.area_model is not None:  # estimate with interval, the areas' mean, any flag
        focus = report.survey.instrument.focus
        model = report.area_model.records
        shown = model[(model["dimension"] == focus) & model["estimate"].notna()]
        expected[f"caterpillar-{focus}"] = 2 + int((shown["flagged"] == True).any())  # noqa: E712
    return expected


# -------------------------------------------------------------------- tests


def test_the_page_fetches_nothing(html_da, areas_report):
    for html in (html_da, render_html(areas_report)):
        links = re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]*)""", html)
        links += re.findall(r"""url\(\s*["']?([^"')\s]*)""", html)
        assert links, "the page has internal links (contents, chart references)"
        assert all(link.startswith("#") for link in links), [
            x for x in links if not x.startswith("#")
        ]
        assert "http://" not in html and "https://" not in html
        for external in ("<script", "<link", "<img", "@import", "@font-face"):
            assert external not in html
        assert html.startswith("<!DOCTYPE html>")
        assert "@page { size: A4; margin: 15mm; }" in html


def test_every_chart_is_inline_svg_with_a_title(html_da, areas_report):
    # the example has relation grids: their balance chart and trust diagram (issue 21)
    example_ids = (*CHART_IDS, "balance", "trust")
    for html, ids in ((html_da, example_ids), (render_html(areas_report), CHART_IDS)):
        for chart in ids:
            tag = re.search(rf'<svg id="chart-{chart}"[^>]*>', html)
            assert tag is not None, chart
            assert 'role="img"' in tag.group(0) and "data-series=" in tag.group(0)
            assert f'<title id="{chart}-title">' in html
        assert html.count("<svg") == len(ids)
        assert "<?xml" not in html and "<!DOCTYPE svg" not in html


@pytest.mark.parametrize(
    ("lang", "headings"),
    [
        (
            "da",
            ["Hovedfund", "Sådan vurderer partnerne partnerskabet",
             "Hvor ser partnerne forskelligt på samarbejdet?", "Udvikling fra runde til runde",
             "Udvikling over alle runder", "Boligområderne side om side",
             "Boligområder i en flerniveaumodel", "Relationer mellem aktørerne",
             "Måler udsagnene det samme?", "Metode"],
        ),
        (
            "en",
            ["Findings", "How the partners rate the partnership", "Where do the partners disagree?",
             "Change between rounds", "Trajectory over all rounds", "Housing areas side by side",
             "Areas in a multilevel model", "Relations between actors",
             "Do the statements measure one thing?", "Method"],
        ),
    ],
)  # fmt: skip
def test_headings_in_each_language(lang, headings, html_da, html_en):
    html = html_da if lang == "da" else html_en
    assert f'<html lang="{lang}">' in html
    found = re.findall(r"<h2>(.*?)</h2>", html)
    assert [unescape(h) for h in found] == headings


def test_numbers_follow_the_language(html_da, html_en, report_da):
    overall = report_da.scores.records
    first = overall[overall["actor"].isna()].iloc[0]["mean"]
    assert f"{first:.2f}".replace(".", ",") in html_da
    assert f"{first:.2f}" in html_en
    assert "Welchs ANOVA" in html_da and "Welch's ANOVA" in unescape(html_en)
    assert "Benjamini-Hochberg" in html_da and "Benjamini-Hochberg" in html_en


def test_findings_come_first(report_en, html_en):
    findings = html_en.index('<section id="findings"')
    assert findings < html_en.index('<section id="profile"')
    summary = unescape(html_en[findings : html_en.index('<section id="profile"')])
    groups, rest = report_en.finding_groups
    for _section, found in groups:
        for finding in found:
            assert finding in summary
    more = sum(rest.values())
    assert (f"… and {more} more: " in summary) == bool(more)


def test_method_notes_name_version_checksums_and_ledger(report_da, html_da):
    import partnerkit

    method = html_da[html_da.index('<section id="method"') :]
    assert f"partnerkit {partnerkit.__version__}" in method
    for path, digest in report_da.checksums:
        assert digest in method and Path(path).name in method
    ledger = report_da.trend.ledger
    assert f"Læst {ledger.rows_read} rækker" in method
    assert "halvdelen" in method and "Ved ikke" in method
    assert "n&lt;5" in method


def test_hidden_groups_show_a_dash_in_every_table(report_da, html_da):
    # the relations section rates the police as a *target* (the others' ratings of it,
    # published); its hidden *rater* rows are checked in tests/test_relations.py
    parsed = _parse(re.sub(r'<section id="relations">.*?</section>', "", html_da, flags=re.S))
    rec = report_da.scores.records
    hidden = rec[rec["suppressed"].astype(bool) & rec["actor"].notna()]
    assert not hidden.empty  # Politi and Virksomhed in the example
    short = {a.label("da"): a.short_label("da") for a in report_da.survey.instrument.actors}
    for actor in hidden["actor"].unique():
        cells = _column_cells(parsed, actor) or _column_cells(parsed, short[actor])
        assert cells and all(c in ("–n<5", "–") for c in cells), (actor, cells)
        assert all(actor not in svg for svg in parsed.svgs), actor


@pytest.mark.parametrize("lang", ["da", "en"])
def test_no_trace_of_a_tiny_groups_numbers(tiny_reports, lang):
    report = tiny_reports[lang]
    rec = report.scores.records
    small = rec[rec["suppressed_reason"] == "min_n"]
    secondary = rec[rec["suppressed_reason"] == "secondary"]
    assert set(small["actor"]) == {"Police"} and len(small) == 2  # both dimensions
    assert len(secondary) == 2 and secondary["actor"].nunique() == 1  # Resident/Beboer
    other = secondary["actor"].iloc[0]
    html = render_html(report)
    body = html[html.index("<body>") :]  # the style sheet has numbers of its own
    for mean in (7 / 6, 1.25):  # the police means
        text = f"{mean:.2f}"
        assert text not in body and text.replace(".", ",") not in body
    assert not re.search(r"n=2\b", body)
    parsed = _parse(html)
    police_cells = _column_cells(parsed, "Police")
    other_cells = _column_cells(parsed, other)
    assert police_cells and set(police_cells) == {"–n<5"}
    assert other_cells and set(other_cells) == {"–"}  # secondary: no n either
    for svg in parsed.svgs:
        assert "Police" not in svg and other not in svg
    for tag in re.findall(r"<[^>]+>", body):  # no hidden group in any attribute
        assert "Police" not in tag and other not in tag


def test_charts_are_deterministic(report_en):
    assert charts.profile_chart(report_en) == charts.profile_chart(report_en)


def test_every_chart_of_the_example_is_well_formed(report_da):
    report = report_da
    from xml.etree import ElementTree

    drawn = {
        "profile": charts.profile_chart(report),
        "gaps": charts.gaps_chart(report),
        "trend": charts.trend_chart(report),
        "trajectory": charts.trajectory_chart(report.trajectory),
        "balance": charts.relations_balance_chart(report),
        "trust": charts.trust_diagram(report),
    }
    if report.areas is not None:
        drawn["areas"] = charts.areas_chart(report)
    for name, svg in drawn.items():
        root = ElementTree.fromstring(svg)  # well-formed XML: every text escaped
        assert root.get("id") == f"chart-{name}" and root.get("role") == "img"
        assert root.find("title").text and root.find("desc").text
        width, height = map(float, root.get("viewBox").split()[2:])
        assert width == 576 and 100 < height < 1400, (name, height)
        texts = "".join(root.itertext())
        assert texts.strip(), name


def test_the_page_needs_no_plotting_library(report_en, monkeypatch):
    """Issue 23: the charts are hand-written SVG; matplotlib (1.8 s of the example's 4.6 s
    report) is neither imported nor a dependency (issue 20's set-up point holds)."""
    import tomllib

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # any import of it would raise
    page = render_html(report_en)
    assert page.count("<svg") >= 4
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert not any(d.startswith("matplotlib") for d in project["dependencies"])


def test_no_report_file_is_written_unless_every_one_can_be(tmp_path, monkeypatch):
    """Issue 20: `-o r.xlsx -o r.html` without matplotlib wrote the workbook, then failed;
    the page no longer needs it, and a refused path still stops every output."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    xlsx, page = tmp_path / "r.xlsx", tmp_path / "r.html"
    result = invoke(CliRunner(), "report", EXAMPLE_XLSX, "-o", xlsx, "-o", page)
    assert result.exit_code == 0, result.stderr
    assert xlsx.exists() and page.exists()
    xlsx.unlink()
    # a refused second path (someone else's file) stops the first as well
    page.write_text("the board's own notes", encoding="utf-8")
    result = invoke(CliRunner(), "report", EXAMPLE_XLSX, "-o", xlsx, "-o", page)
    assert result.exit_code == 1 and "was not written by partnerkit" in result.stderr
    assert not xlsx.exists() and page.read_text(encoding="utf-8") == "the board's own notes"


@pytest.mark.parametrize("which", ["example", "areas"])
def test_the_report_in_a_browser(which, report_da, areas_report, tmp_path, chromium):
    report = report_da if which == "example" else areas_report
    path = tmp_path / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    url = path.resolve().as_uri()
    expected = _expected_series(report)
    errors: list[str] = []
    requests: list[str] = []
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url) if r.url != url else None)
        page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
        page.goto(url, wait_until="load")
        for chart, count in expected.items():
            svg = page.locator(f"svg#chart-{chart}")
            assert svg.count() == 1, chart
            assert svg.get_attribute("data-series") == str(count), chart
            if chart == "trend":  # small multiples: a panel per dimension shown
                dims = report.trend.rounds
                dims = dims[~dims["suppressed"].astype(bool)]["dimension"].nunique()
                assert svg.get_attribute("data-panels") == str(dims)
            box = svg.bounding_box()
            assert box is not None and box["width"] > 600, (chart, box)
        relation_charts = 2 if report.relations is not None else 0  # balance, trust
        assert page.locator("svg").count() == len(expected) + relation_charts
        assert page.title() == report.title
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
    finally:
        page.close()
    assert errors == []
    assert requests == []


def test_findings_name_their_family_round_and_are_capped(report_en, html_en):
    from dataclasses import replace

    from partnerkit.report import FINDINGS_PER_GROUP

    family = report_en.gaps.family
    assert report_en.gaps.family_scope == "report" and report_en.trend.family == family
    assert f"Benjamini-Hochberg across all {family} tests of this output" in unescape(html_en)
    groups = dict(report_en.finding_groups[0])
    assert all(f.startswith("2024: ") for f in groups["gaps"])
    many = replace(
        report_en, gaps=replace(report_en.gaps, findings=tuple(f"g{i}" for i in range(20)))
    )
    found = many.findings
    shown = len(found) - 1
    rest = len(many.all_findings) - shown
    assert sum(f.startswith("2024: g") for f in found) == FINDINGS_PER_GROUP
    assert found[-1].startswith(f"… and {rest} more: 17 under “Gaps”")


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="fork: POSIX")
def test_with_both_files_the_page_comes_from_a_child_and_is_the_same(
    report_da, html_da, tmp_path, monkeypatch
):
    """With a workbook and a page, write_reports renders the page in a child process
    while it builds the workbook (issue 23). The reference is the page written as
    before, rendered in this process after the workbook (can_fork False): the same
    text, byte for byte, and render_html's page inside it; the workbook opens with every
    sheet. (can_fork is forced: the test runner's worker has threads of its own.)"""
    import openpyxl

    from partnerkit import parallel
    from partnerkit.render import write_reports

    forked = []
    real = parallel.in_child
    monkeypatch.setattr(parallel, "in_child", lambda *a, **k: forked.append(a) or real(*a, **k))
    pages = {}
    for fork in (False, True):
        monkeypatch.setattr(parallel, "can_fork", lambda fork=fork: fork)
        xlsx, page = tmp_path / f"r{fork}.xlsx", tmp_path / f"r{fork}.html"
        write_reports(report_da, [xlsx, page])
        pages[fork] = page.read_text(encoding="utf-8")
        assert "Metode" in openpyxl.load_workbook(xlsx).sheetnames
    assert [a[1:] for a in forked] == [(report_da, "html")]  # only with can_fork
    assert pages[True] == pages[False]
    assert html_da.split("\n", 3)[3] in pages[True]
