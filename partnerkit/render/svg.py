"""A small SVG drawing kit for the report's charts: shapes, text, markers, dashes, legends.

Hand-written SVG replaced matplotlib in the HTML report (issue 23): the example's eight
charts took 1.9 s through matplotlib, its import included, and take 0.03 s this way
(in-process, medians of 3 runs under /tmp/quiet.sh). Coordinates are user units of a
``viewBox`` 576 wide (8 inches of 72 points, as matplotlib drew them), so font sizes are
points; the page scales the drawing to its column. Text stays text (selectable, read by
screen readers, searched by the tests); every text and attribute is escaped here
(:func:`esc`), and nowhere else.

Text widths are estimated from DejaVu Sans' advance widths (the sans-serif of the
Chromium the screenshots use; Verdana is as wide), so margins and label places are
decided without a font engine; a wider font only narrows the white space.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Sequence

from ..output import terminal_text

WIDTH = 576.0
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
TEXT = "#222222"

#: DejaVu Sans advance widths in em, by character; others count as ``_WIDE``.
_EM = {
    **dict.fromkeys(" .,:;'!|ijlIíì", 0.29),
    **dict.fromkeys('()[]{}-/ftr"', 0.38),
    **dict.fromkeys("sczJ*", 0.53),
    **dict.fromkeys("abdeghnopquvxykåøéáäöü0123456789+=<>≥≤−?_$#", 0.62),
    **dict.fromkeys("ABCDEFGHKLNOPQRSTUVXYZÅØÆÉÖÄ%&", 0.72),
    **dict.fromkeys("mwMWæ…", 0.93),
    **dict.fromkeys("▲▼●◐○⚑", 0.78),
}
_WIDE = 0.65


def esc(text: object) -> str:
    """Escaped for SVG text and attributes, control characters spelt out as the page's
    own texts are (``\\x1b``; XML forbids them)."""
    return html.escape(terminal_text(str(text)), quote=True)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The estimated width of one line of ``text`` at ``size`` points."""
    em = sum(_EM.get(ch, _WIDE) for ch in text)
    return em * size * (1.07 if bold else 1.0)


def room(text: str, size: float, bold: bool = False) -> float:
    """The width to keep free for ``text``: its estimate and 10%. Checked in Chromium on
    the example's 197 chart texts, the estimate was within 9% of the drawn width (median
    1.5% under)."""
    return 1.1 * text_width(text, size, bold)


def fmt(value: float) -> str:
    """A coordinate with two decimals at most (deterministic, short)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


#: Dash patterns (matplotlib's names and (offset, (on, off, ...)) tuples, in multiples of
#: the line width, as matplotlib scales them) as SVG dash arrays.
_NAMED_DASHES = {"-": (), "--": (3.7, 1.6), ":": (1.0, 1.65), "-.": (6.4, 1.6, 1.0, 1.6)}


def dasharray(style, width: float) -> str | None:
    pattern = _NAMED_DASHES[style] if isinstance(style, str) else style[1]
    if not pattern:
        return None
    return " ".join(fmt(v * width) for v in pattern)


#: Marker outlines on a unit of one point, centred on 0: matplotlib's marker names and sizes
#: (a square's side and a triangle's width and height are the marker size, a diamond's
#: diagonal 1.41 times it).
def _polygon(corners: int, start: float = 90.0, radius: float = 0.5) -> list[tuple]:
    return [
        (
            radius * math.cos(math.radians(start + 360 * k / corners)),
            -radius * math.sin(math.radians(start + 360 * k / corners)),
        )
        for k in range(corners)
    ]


def _star() -> list[tuple]:
    points = []
    for k in range(10):
        r = 0.5 if k % 2 == 0 else 0.2
        a = math.radians(90 + 36 * k)
        points.append((r * math.cos(a), -r * math.sin(a)))
    return points


_SHAPES: dict[str, list[tuple] | None] = {
    "o": None,  # a circle
    "s": [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)],
    "^": [(0, -0.5), (0.5, 0.5), (-0.5, 0.5)],
    "v": [(0, 0.5), (0.5, -0.5), (-0.5, -0.5)],
    "D": [(0, -0.71), (0.71, 0), (0, 0.71), (-0.71, 0)],
    "P": [
        (-0.17, -0.5),
        (0.17, -0.5),
        (0.17, -0.17),
        (0.5, -0.17),
        (0.5, 0.17),
        (0.17, 0.17),
        (0.17, 0.5),
        (-0.17, 0.5),
        (-0.17, 0.17),
        (-0.5, 0.17),
        (-0.5, -0.17),
        (-0.17, -0.17),
    ],
    "X": [
        (-0.38, -0.5),
        (0, -0.12),
        (0.38, -0.5),
        (0.5, -0.38),
        (0.12, 0),
        (0.5, 0.38),
        (0.38, 0.5),
        (0, 0.12),
        (-0.38, 0.5),
        (-0.5, 0.38),
        (-0.12, 0),
        (-0.5, -0.38),
    ],
    "h": _polygon(6, 90),
    "p": _polygon(5, 90),
    "*": _star(),
}


def marker_path(shape: str, size: float) -> str:
    """The outline of marker ``shape`` ``size`` points across, centred on (0, 0)."""
    corners = _SHAPES[shape]
    if corners is None:
        r = fmt(size / 2)
        return f"M-{r} 0a{r} {r} 0 1 0 {fmt(size)} 0a{r} {r} 0 1 0 -{fmt(size)} 0z"
    return "M" + "L".join(f"{fmt(x * size)} {fmt(y * size)}" for x, y in corners) + "z"


class Svg:
    """One chart being drawn: elements in order (later ones on top), marker outlines
    defined once and placed with ``<use>``, ids prefixed with the chart's name."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.parts: list[str] = []
        self._defs: dict[tuple, str] = {}

    def add(self, element: str) -> None:
        self.parts.append(element)

    def open(self, ident: str | None = None, **attrs) -> None:
        head = f' id="{esc(self.name + "-" + ident)}"' if ident is not None else ""
        self.add(f"<g{head}{_attrs(attrs)}>")

    def close(self) -> None:
        self.add("</g>")

    def rect(self, x: float, y: float, w: float, h: float, fill: str, **attrs) -> None:
        self.add(
            f'<rect x="{fmt(x)}" y="{fmt(y)}" width="{fmt(max(w, 0))}" '
            f'height="{fmt(max(h, 0))}" fill="{fill}"{_attrs(attrs)}/>'
        )

    def line(self, x1, y1, x2, y2, stroke: str, width: float = 1.0, dash=None, **attrs) -> None:
        extra = {"stroke_dasharray": dasharray(dash, width)} if dash is not None else {}
        self.add(
            f'<line x1="{fmt(x1)}" y1="{fmt(y1)}" x2="{fmt(x2)}" y2="{fmt(y2)}" '
            f'stroke="{stroke}" stroke-width="{fmt(width)}"{_attrs(extra | attrs)}/>'
        )

    def path(
        self,
        d: str,
        stroke: str = "none",
        width: float = 1.0,
        fill: str = "none",
        dash=None,
        **attrs,
    ) -> None:
        extra = {"stroke_dasharray": dasharray(dash, width)} if dash is not None else {}
        self.add(
            f'<path d="{d}" fill="{fill}" stroke="{stroke}" stroke-width="{fmt(width)}"'
            f"{_attrs(extra | attrs)}/>"
        )

    def polyline(
        self,
        points: Sequence[tuple[float, float] | None],
        stroke: str,
        width: float,
        dash=None,
        **attrs,
    ) -> None:
        """A line through ``points``; a None breaks it (a gap, never drawn across)."""
        runs: list[list[tuple[float, float]]] = [[]]
        for point in points:
            if point is None:
                runs.append([])
            else:
                runs[-1].append(point)
        d = "".join(
            "M" + "L".join(f"{fmt(x)} {fmt(y)}" for x, y in run) for run in runs if len(run) > 1
        )
        if d:
            self.path(d, stroke=stroke, width=width, dash=dash, stroke_linejoin="round", **attrs)

    def marker(
        self,
        shape: str,
        x: float,
        y: float,
        size: float,
        fill: str,
        edge: str = "none",
        edge_width: float = 0.0,
    ) -> None:
        key = (shape, fmt(size))
        if key not in self._defs:
            ident = f"{self.name}-m{len(self._defs)}"
            self._defs[key] = f'<path id="{esc(ident)}" d="{marker_path(shape, size)}"/>'
        ident = f"{self.name}-m{list(self._defs).index(key)}"
        stroke = "" if edge == "none" else f' stroke="{edge}" stroke-width="{fmt(edge_width)}"'
        self.add(f'<use href="#{esc(ident)}" x="{fmt(x)}" y="{fmt(y)}" fill="{fill}"{stroke}/>')

    def text(
        self,
        x: float,
        y: float,
        text: str | Sequence[str],
        size: float = 10.0,
        *,
        anchor: str = "start",
        fill: str = TEXT,
        bold: bool = False,
        valign: str = "middle",
        line_height: float = 1.2,
        **attrs,
    ) -> None:
        """Text at (x, y): one line, or a list of lines stacked around ``valign``
        (middle, top: y is the first line's top, bottom: y is the last line's bottom)."""
        lines = [text] if isinstance(text, str) else list(text)
        step = size * line_height
        if valign == "middle":
            first = y - step * (len(lines) - 1) / 2
        elif valign == "top":
            first = y + size * 0.5
        else:
            first = y - step * (len(lines) - 1) - size * 0.5
        weight = ' font-weight="bold"' if bold else ""
        head = (
            f'<text x="{fmt(x)}" y="{fmt(first)}" font-size="{fmt(size)}" fill="{fill}" '
            f'text-anchor="{anchor}" dominant-baseline="central"{weight}{_attrs(attrs)}>'
        )
        if len(lines) == 1:
            self.add(f"{head}{esc(lines[0])}</text>")
            return
        spans = "".join(
            f'<tspan x="{fmt(x)}" dy="{fmt(0 if k == 0 else step)}">{esc(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        self.add(f"{head}{spans}</text>")

    def render(
        self,
        width: float,
        height: float,
        *,
        title: str,
        desc: str,
        series: int,
        panels: int | None = None,
    ) -> str:
        """The chart as an inlinable ``<svg>`` element with its title and description."""
        name = esc(self.name)
        more = "" if panels is None else f' data-panels="{panels}"'
        head = (
            f'<svg id="chart-{name}" class="chart" role="img" '
            f'aria-labelledby="{name}-title {name}-desc" data-series="{series}"{more} '
            f'viewBox="0 0 {fmt(width)} {fmt(math.ceil(height))}" '
            f'font-family="{FONT}">\n'
            f'<title id="{name}-title">{esc(title)}</title>'
            f'<desc id="{name}-desc">{esc(desc)}</desc>\n'
        )
        defs = f"<defs>{''.join(self._defs.values())}</defs>\n" if self._defs else ""
        return head + defs + "\n".join(self.parts) + "\n</svg>\n"


def _attrs(attrs: dict) -> str:
    """Attributes from keywords: ``stroke_width`` is ``stroke-width``, ``class_`` ``class``."""
    return "".join(
        f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items() if v is not None
    )


class Scale:
    """A linear map from data values ``lo``-``hi`` to user units ``start``-``end``."""

    def __init__(self, lo: float, hi: float, start: float, end: float) -> None:
        self.lo, self.hi, self.start, self.end = lo, hi, start, end

    def __call__(self, value: float) -> float:
        return self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start)


# ------------------------------------------------------------------ legends

#: A legend entry: its label and a function drawing its key at (x, y), 18 units wide.
Entry = tuple[str, Callable[[Svg, float, float], None]]


def legend_size(entries: Sequence[Entry], ncol: int, size: float) -> tuple[list[float], float]:
    """Column widths and height of a legend of ``entries`` in ``ncol`` columns."""
    ncol = max(1, min(ncol, len(entries)))
    rows = math.ceil(len(entries) / ncol) if entries else 0
    widths = []
    for c in range(ncol):
        column = entries[c * rows : (c + 1) * rows]
        widths.append(max((24 + text_width(label, size) for label, _ in column), default=0))
    return widths, rows * size * 1.7


def legend(
    svg: Svg, entries: Sequence[Entry], centre: float, top: float, ncol: int, size: float = 9.5
) -> float:
    """Entries in ``ncol`` columns filled downwards (as matplotlib fills them), centred
    on ``centre`` from ``top``; returns the legend's bottom."""
    if not entries:
        return top
    widths, height = legend_size(entries, ncol, size)
    gap = 16.0
    rows = math.ceil(len(entries) / len(widths))
    x = centre - (sum(widths) + gap * (len(widths) - 1)) / 2
    svg.open("legend")
    for c, width in enumerate(widths):
        for r, (label, key) in enumerate(entries[c * rows : (c + 1) * rows]):
            y = top + size * 0.85 + r * size * 1.7
            key(svg, x + 9, y)
            svg.text(x + 24, y, label, size)
        x += width + gap
    svg.close()
    return top + height


def fits(columns: Iterable[Entry], ncol: int, size: float, room: float) -> int:
    """The most columns, up to ``ncol``, whose legend fits in ``room`` units."""
    entries = list(columns)
    for n in range(max(1, ncol), 0, -1):
        widths, _ = legend_size(entries, n, size)
        if sum(widths) + 16 * (len(widths) - 1) <= room:
            return n
    return 1
