"""The report's first page (issue 20, point 4): findings grouped and capped, two areas
said once, and a print layout whose first A4 page holds the title and the summary,
with tables that never hyphenate a word or break a number.

The expected findings are worked out here from the analyses' own records (the
flagged rows and the differences the texts cite), not from the report's selection.
"""

from __future__ import annotations

import re
import shutil
from html import unescape

import pytest

from partnerkit import read_survey
from partnerkit.render.html import render_html
from partnerkit.report import FINDINGS_PER_GROUP, FINDINGS_SHOWN, build_report
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def areas_report():
    return build_report(read_survey(EXAMPLES / "areas"), lang="da")


@pytest.fixture(scope="module")
def two_areas(tmp_path_factory):
    """Two of the example's areas: each is compared with the other."""
    root = tmp_path_factory.mktemp("two")
    for area in ("Toftegården", "Møllehøj"):
        shutil.copytree(EXAMPLES / "areas" / area, root / area)
    return build_report(read_survey(root), lang="en")


def _sections(html: str) -> str:
    """The summary's text, tags left out."""
    start = html.index('<section id="findings"')
    return unescape(re.sub(r"<[^>]+>", "", html[start : html.index("</section>", start)]))


def test_findings_are_capped_per_area_and_in_all(areas_report):
    groups, rest = areas_report.finding_groups
    shown = [f for _section, found in groups for f in found]
    everything = areas_report.all_findings
    # the example's 2024 round flags 7 area differences in 5 areas, 6 of them Toftegården
    rec = areas_report.areas.records
    flagged = rec[rec["flagged"].astype(bool)]
    assert len(flagged) == sum(f.section == "areas" for f in everything) == 10
    assert flagged["area"].value_counts()["Toftegården"] == 6
    assert len(shown) == FINDINGS_SHOWN and sum(rest.values()) == len(everything) - len(shown)
    per_group: dict = {}
    for f in shown:
        per_group[(f.section, f.area)] = per_group.get((f.section, f.area), 0) + 1
    assert max(per_group.values()) == FINDINGS_PER_GROUP
    assert per_group[("areas", "Toftegården")] == 3
    # Toftegården's three are its largest: 0.64, 0.63, 0.62 of the record's differences
    toft = flagged[flagged["area"] == "Toftegården"]["benchmark_diff"].abs()
    top3 = sorted(toft, reverse=True)[:3]
    mine = [f.size for f in shown if f.area == "Toftegården"]
    assert mine == pytest.approx(top3)
    # the twelve shown are the largest of the capped candidates: nothing left out is larger
    # than the smallest shown, unless its own group had three larger ones already
    smallest = min(f.size for f in shown)
    for f in everything:
        if f not in shown and f.size > smallest:
            bigger = [g for g in shown if (g.section, g.area) == (f.section, f.area)]
            assert len(bigger) == FINDINGS_PER_GROUP and min(g.size for g in bigger) >= f.size


def test_findings_are_grouped_by_area_and_dimension(areas_report):
    groups, _rest = areas_report.finding_groups
    assert [s for s, _ in groups] == ["gaps", "trend", "areas"]
    for _section, found in groups:
        areas = [f.area for f in found]
        runs = [a for i, a in enumerate(areas) if i == 0 or areas[i - 1] != a]
        assert len(runs) == len(set(runs)), areas  # one area's findings stand together
        for area in set(areas):
            sizes = [f.size for f in found if f.area == area]
            dims = [f.dimension for f in found if f.area == area]
            firsts = [d for i, d in enumerate(dims) if i == 0 or dims[i - 1] != d]
            assert len(firsts) == len(set(firsts)), dims  # and one dimension's
            if len(set(dims)) == len(dims):
                assert sizes == sorted(sizes, reverse=True)
    trend = dict(groups)["trend"]
    # three changes in "Equality" (the largest, 1.11) come before the others
    assert [f.dimension for f in trend] == ["equality"] * 3


def test_the_rest_is_counted_and_linked(areas_report):
    html = render_html(areas_report)
    summary = _sections(html)
    _groups, rest = areas_report.finding_groups
    assert rest == {"trend": 5, "areas": 4}
    assert "… og 9 flere: 5 under «Udvikling fra runde til runde» og 4 under «Boligområderne" in (
        summary
    )
    more = html[html.index('<p class="more">') :]
    assert '<a href="#trend">' in more.split("</p>")[0] and '<a href="#areas">' in more
    # the workbook's summary names its sheets instead
    sheets = "5 under «Udvikling» og 4 under «Boligområder»"
    assert areas_report.findings[-1] == f"… og 9 flere: {sheets}."


def test_two_areas_are_compared_once(two_areas):
    areas = two_areas.areas
    rec = areas.records
    flagged = rec[rec["flagged"].astype(bool)]
    # each flagged dimension is flagged for both areas, with opposite signs
    # (5 dimensions in the report's family; 7 with the areas' own adjustment)
    assert len(flagged) == 10
    by_dim = flagged.groupby("dimension")["benchmark_diff"].apply(sorted)
    assert all(a == pytest.approx(-b) for a, b in by_dim)
    found = [f for f in two_areas.all_findings if f.section == "areas"]
    assert len(found) == 5
    assert all(" above Møllehøj on " in f and f.area == "Toftegården" for f in found)
    assert not any("below" in f for f in areas.findings)
    assert sorted(f.dimension for f in found) == sorted(by_dim.index)
    # the model's findings are said once too
    model = two_areas.area_model
    assert [f.area for f in model.findings] == ["Toftegården"] * len(model.findings)


def test_tables_never_hyphenate_and_numbers_never_break(areas_report):
    from partnerkit.render.html import _css

    css = _css()
    html = render_html(areas_report)
    assert "\xad" not in html and "&shy;" not in html
    assert not re.search(r"hyphens:\s*auto", css)
    assert re.search(r"table \{[^}]*hyphens: manual", css)
    assert re.search(r"(^|\n)td \{ white-space: nowrap; \}", css)


def test_the_first_print_page_holds_title_and_summary(areas_report, tmp_path, chromium):
    """In Chromium's print layout (A4 less 15 mm margins: 680 × 1009 CSS px) the summary
    ends on the first page and the first section starts the second; no table cell
    hyphenates, no cell holding a number wraps, and no value, zone word or n runs out of
    its column ("opmærksomhed" did in a column of eight)."""
    path = tmp_path / "report.html"
    path.write_text(render_html(areas_report), encoding="utf-8")
    page = chromium.new_page(viewport={"width": 680, "height": 1009})
    try:
        page.emulate_media(media="print")
        page.goto(path.resolve().as_uri())
        box = page.evaluate(
            """() => {
              const r = document.querySelector('#findings').getBoundingClientRect();
              const s = getComputedStyle(document.querySelector('#findings'));
              return {bottom: r.bottom + window.scrollY, after: s.breakAfter};
            }"""
        )
        cells = page.evaluate(
            """() => [...document.querySelectorAll('td')].map(td => {
              const s = getComputedStyle(td);
              return [td.className, s.hyphens, s.whiteSpace, td.textContent];
            })"""
        )
        overflowing = page.evaluate(
            """() => [...document.querySelectorAll('td .v, td .zw, td .n')]
              .filter(s => s.scrollWidth > s.clientWidth + 1).map(s => s.textContent)"""
        )
        pdf = page.pdf(format="A4", margin={"top": "15mm", "bottom": "15mm"})
    finally:
        page.close()
    assert box["after"] == "page"
    assert box["bottom"] <= 1009, box
    assert pdf.startswith(b"%PDF")
    assert overflowing == []  # a value, zone word or n wider than its column
    assert cells
    for cls, hyphens, space, text in cells:
        assert hyphens == "manual", (cls, text)
        if re.search(r"\d", text) and "text" not in cls.split() and "hidden" not in cls.split():
            assert space == "nowrap", (cls, text)
