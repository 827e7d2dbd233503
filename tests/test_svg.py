"""The hand-written SVG kit of the report's charts (issue 23): gaps, escaping, dashes,
markers, text widths. Every chart of the example is parsed as XML in test_report_html."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from partnerkit.render import charts
from partnerkit.render.svg import Svg, dasharray, marker_path, text_width


def _parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def _render(svg: Svg) -> ElementTree.Element:
    return _parse(svg.render(100, 100, title="t", desc="d", series=1))


def test_a_missing_point_breaks_the_line():
    svg = Svg("x")
    svg.polyline([(0, 0), (10, 5), None, (30, 5), (40, 0), None, (60, 1)], "#000", 1.0)
    (path,) = _render(svg).iter("path")
    # two runs (the single point after the second gap draws no segment), none across a gap
    assert path.get("d") == "M0 0L10 5M30 5L40 0"


def test_text_is_escaped_and_controls_spelt_out():
    name = "<script>alert('x')</script> & \"Kommune\"\x1b[2J"
    svg = Svg("x")
    svg.text(5, 5, name)
    svg.text(5, 5, [name, "second line"])
    svg.open(name)
    svg.close()
    text = svg.render(100, 100, title=name, desc=name, series=1)
    assert "<script" not in text and "\x1b" not in text
    root = _parse(text)
    expected = name.replace("\x1b", "\\x1b")
    assert root.find("title").text == expected and root.find("desc").text == expected
    first, second = root.iter("text")
    assert first.text == expected
    assert [s.text for s in second.iter("tspan")] == [expected, "second line"]
    assert root.find("g").get("id") == "x-" + expected


def test_dashes_are_matplotlibs_scaled_by_the_line_width():
    # matplotlib's rcParams defaults: lines.dashed_pattern [3.7, 1.6], lines.dotted_pattern
    # [1, 1.65], lines.dashdot_pattern [6.4, 1.6, 1, 1.6]; scaled by the line width
    # (lines.scale_dashes = True)
    assert dasharray("-", 2) is None
    assert dasharray("--", 2) == "7.4 3.2"
    assert dasharray(":", 2) == "2 3.3"
    assert dasharray("-.", 1) == "6.4 1.6 1 1.6"
    assert dasharray((0, (4, 3)), 1.4) == "5.6 4.2"


@pytest.mark.parametrize("shape", charts.MARKERS)
def test_every_marker_fits_its_size(shape):
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", marker_path(shape, 10))]
    if shape == "o":  # a circle of radius 5 drawn as two arcs
        assert numbers[:2] == [-5, 0]
    else:  # matplotlib's outlines: within the size, a diamond's diagonal 1.41 times it
        limit = 7.1 if shape == "D" else 5
        assert max(abs(v) for v in numbers) <= limit + 1e-9


def test_text_width_grows_with_text_and_size():
    assert text_width("Kommune", 10) < text_width("Boligorganisation", 10)
    assert text_width("Kommune", 10) == pytest.approx(2 * text_width("Kommune", 5))
    assert text_width("Kommune", 10, bold=True) > text_width("Kommune", 10)
