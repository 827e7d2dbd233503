"""Charts of a report as inline SVG, drawn by hand (:mod:`partnerkit.render.svg`).

Each function takes a :class:`~partnerkit.report.Report` (or an analysis result) and
returns one ``<svg>`` element as text, ready to paste into HTML: no XML prolog, no
metadata, no external references, ids prefixed so several charts can share a page. The
root element carries ``role="img"``, a ``<title>`` and ``<desc>`` and ``data-series``
(how many data series are drawn); text is text, escaped.

Colour is never the only signal: series use the Okabe-Ito palette (safe for the common
colour-vision deficiencies) *and* distinct marker shapes and dashes, every series is
named in a legend or labelled directly, and the zone bands carry their words. Hidden
(suppressed) groups are never drawn.

matplotlib drew these until issue 23: 1.9 s for the example's eight charts, its import
included; drawn here they take 0.03 s, and the report needs no plotting library.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..i18n import ZONE_MARK, bound, number, signed, t
from .svg import WIDTH, Entry, Scale, Svg, fits, legend, legend_size, room

if TYPE_CHECKING:
    from ..report import Report

#: Okabe & Ito (2008), without black (kept for the overall) and yellow last (low contrast).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h", "p", "*")
#: Dash patterns of group lines, one per line with the markers (greyscale print), in
#: multiples of the line width (matplotlib's names and tuples, as :func:`svg.dasharray`
#: reads them).
DASHES = ("-", "--", ":", "-.", (0, (5, 1.5, 1, 1.5, 1, 1.5)), (0, (8, 2)), (0, (1, 3)),
          (0, (3, 1, 1, 1)), (0, (6, 2, 2, 2)), (0, (2, 1)))  # fmt: skip
OVERALL_COLOUR = "#000000"
#: All respondents: black, thick and solid, small white-edged dots (no group uses black).
OVERALL_STYLE = {"color": OVERALL_COLOUR, "marker": "o", "ls": "-"}
#: Direct labels in a colour too light to read as text are written darker.
LABEL_COLOUR = {"#F0E442": "#8A7F00", "#56B4E9": "#1F7FB8", "#E69F00": "#A86B00"}
FLAG_COLOUR = "#D55E00"  # vermillion: flagged gaps, significant changes, flagged areas
FLAG_TEXT = "#A33F00"
LINE_COLOUR = "#0072B2"
ZONE_FILL = {"concern": "#FBE5D9", "attention": "#FDF3D2", "strength": "#DCEFE6"}
AXIS = "#555555"
EDGE = "#1A1A1A"
GREY = "#7A7A7A"


# ------------------------------------------------------------------ helpers


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=False) or [text]


def _visible(value) -> bool:
    return value is not None and value == value


def _mean_label(inst, lang: str) -> str:
    scale = inst.scale
    return t(
        "chart.mean_axis",
        lang,
        lo=scale.min,
        hi=scale.max,
        lo_name=scale.name(scale.min, lang).lower(),
        hi_name=scale.name(scale.max, lang).lower(),
    )


def profile_groups(report: Report) -> tuple[list[str], list[str]]:
    """Dimension order and the actor groups with at least one visible mean, in table order."""
    rec = report.scores.records
    dims = list(dict.fromkeys(rec["dimension"]))
    if "actor" not in rec.columns:
        return dims, []
    shown = rec[rec["actor"].notna() & ~rec["suppressed"].astype(bool)]
    groups = [g for g in dict.fromkeys(rec["actor"].dropna()) if g in set(shown["actor"])]
    return dims, groups


@dataclass(frozen=True)
class TrendLine:
    """One group's line in the trend chart: its label, its style and, per dimension,
    the mean of every round in order (None where the round is hidden or missing: a gap,
    never a drawn point), with ▲/▼ where a change into that round is significant."""

    group: str | None  # None: all respondents
    label: str
    style: dict
    means: dict[str, list[float | None]]
    changes: dict[str, list[str]]


def trend_lines(report: Report) -> tuple[list[str], list[str], list[TrendLine]]:
    """The rounds, the dimensions (panels) with a visible mean, and the lines: every actor
    group with a visible mean (from the trend by actor), then all respondents."""
    if report.trend is None:
        return [], [], []
    lang = report.lang
    result = report.trend_by_actor if report.trend_by_actor is not None else report.trend
    order = [str(r) for r in result.round_order]
    key = result.keys[0].name if result.keys else None
    rounds = result.rounds
    shown = rounds[~rounds["suppressed"].astype(bool) & rounds["mean"].notna()]
    dims = [d for d in dict.fromkeys(rounds["dimension"]) if d in set(shown["dimension"])]
    if key is None:
        groups: list = [None]
    else:
        visible = set(shown[key].dropna())
        groups = [g for g in dict.fromkeys(rounds[key].dropna()) if g in visible] + [None]
    means: dict[tuple, float] = {}
    for r in shown.to_dict("records"):
        group = r[key] if key is not None and _visible(r[key]) else None
        means[(group, r["dimension"], str(r["round"]))] = float(r["mean"])
    marks: dict[tuple, str] = {}
    for r in result.records.to_dict("records"):
        if r["significant"] is True and not r["suppressed"]:
            group = r[key] if key is not None and _visible(r[key]) else None
            marks[(group, r["dimension"], str(r["round_to"]))] = "▲" if r["diff"] > 0 else "▼"
    short = {a.label(lang): a.short_label(lang) for a in report.survey.instrument.actors}
    styles = series_styles(len(groups) - 1)
    lines = []
    for j, group in enumerate(groups):
        style = styles[j] if group is not None else OVERALL_STYLE
        lines.append(
            TrendLine(
                group=group,
                label=t("all", lang) if group is None else short.get(group, str(group)),
                style=style,
                means={d: [means.get((group, d, r)) for r in order] for d in dims},
                changes={
                    d: [marks[(group, d, r)] for r in order if (group, d, r) in marks] for d in dims
                },
            )
        )
    return order, dims, lines


def series_styles(count: int) -> list[dict]:
    """Colour, marker and dash of ``count`` group lines: the Okabe-Ito colours, and a
    marker and a dash pattern that both change with every line, so no two lines look
    alike in colour or in greyscale print."""
    return [
        {
            "color": PALETTE[j % len(PALETTE)],
            "marker": MARKERS[j % len(MARKERS)],
            "ls": DASHES[j % len(DASHES)],
        }
        for j in range(count)
    ]


def _spread(wanted: list[float], gap: float, lo: float, hi: float) -> list[float]:
    """Label heights near ``wanted``, at least ``gap`` apart, inside ``lo``-``hi``."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = [wanted[i] for i in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + gap)
    if placed and placed[-1] > hi:
        placed[-1] = hi
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - gap)
    if placed and placed[0] < lo:
        shift = lo - placed[0]
        placed = [min(y + shift, hi) for y in placed]
    out = [0.0] * len(wanted)
    for k, i in enumerate(order):
        out[i] = placed[k]
    return out


def gap_ranges(report: Report) -> list[tuple[dict, list[tuple[str, float]]]]:
    """Per dimension of the gaps view: its record and the visible groups' means (2 or more)."""
    if report.gaps is None:
        return []
    out = []
    for rec in report.gaps.records.to_dict("records"):
        shown = [
            (str(g["group"]), float(g["mean"]))
            for g in rec["groups"]
            if not g["suppressed"] and _visible(g["mean"])
        ]
        if len(shown) >= 2:
            out.append((rec, shown))
    return out


def areas_focus(report: Report) -> str | None:
    """The dimension the areas chart shows: the instrument's focus, else the first one."""
    if report.areas is None:
        return None
    dims = list(dict.fromkeys(report.areas.records["dimension"]))
    focus = report.survey.instrument.focus
    return focus if focus in dims else (dims[0] if dims else None)


def areas_series(report: Report) -> dict[str, int]:
    """The series of the areas chart and how many areas each holds."""
    focus = areas_focus(report)
    if focus is None:
        return {}
    rec = report.areas.records
    part = rec[(rec["dimension"] == focus) & ~rec["suppressed"].astype(bool) & rec["mean"].notna()]
    counts = {"plain": 0, "above": 0, "below": 0, "all": 0}
    for r in part.to_dict("records"):
        if r["area"] is None or r["area"] != r["area"]:
            counts["all"] += 1
        elif r["flagged"] is True:
            counts["above" if r["benchmark_diff"] > 0 else "below"] += 1
        else:
            counts["plain"] += 1
    return {k: v for k, v in counts.items() if v}


def _zone_bands(inst, lang: str) -> list[tuple[str, float, float, str]]:
    lo, hi = inst.scale.min, inst.scale.max
    z = inst.zones
    bands = (
        ("concern", lo, z.attention, f"< {bound(z.attention, lang)}"),
        ("attention", z.attention, z.strength, ""),
        ("strength", z.strength, hi, f"≥ {bound(z.strength, lang)}"),
    )
    return [b for b in bands if b[2] > b[1]]


def _zone_word(zone: str, limit: str, lang: str) -> str:
    return f"{ZONE_MARK[zone]} {t('zone.' + zone, lang)}" + (f" {limit}" if limit else "")


def _zone_entries(inst, lang: str) -> list[Entry]:
    """Legend entries naming the zone bands (for charts that do not label them in place)."""
    z = inst.zones
    words = {
        "strength": f"≥ {bound(z.strength, lang)}",
        "attention": "",
        "concern": f"< {bound(z.attention, lang)}",
    }
    return [
        (_zone_word(zone, limit, lang), _patch(ZONE_FILL[zone])) for zone, limit in words.items()
    ]


def _patch(fill: str):
    return lambda svg, x, y: svg.rect(x - 8, y - 4.5, 16, 9, fill, stroke="#999999",
                                      stroke_width=0.5)  # fmt: skip


def _dot(shape: str, size: float, fill: str, edge: str = EDGE, edge_width: float = 0.6,
         line: tuple | None = None):  # fmt: skip
    """A legend key: a marker, over a short line (colour, width, dash) if given."""

    def key(svg: Svg, x: float, y: float) -> None:
        if line is not None:
            svg.line(x - 9, y, x + 9, y, line[0], line[1], dash=line[2] if len(line) > 2 else None)
        if shape:
            svg.marker(shape, x, y, size, fill, edge, edge_width)

    return key


def _stroke(colour: str, width: float, dash=None, cap: str | None = None):
    return lambda svg, x, y: svg.line(x - 9, y, x + 9, y, colour, width, dash=dash,
                                      stroke_linecap=cap)  # fmt: skip


def _ticks(lo: float, hi: float) -> list[int]:
    return list(range(math.ceil(lo), math.floor(hi) + 1))


@dataclass
class _Rows:
    """The frame of a chart of labelled rows over a value axis (profile, gaps, areas,
    the area model, the influence balance): where each row and value is drawn."""

    svg: Svg
    x: Scale
    top: float  # the plot's top (above row 0: the zone words)
    step: float  # one row, in units
    head: float  # rows above row 0's centre
    rows: int
    lang: str

    def y(self, row: float) -> float:
        return self.top + (row + self.head) * self.step

    @property
    def bottom(self) -> float:
        return self.y(self.rows - 0.5)


def _rows(name: str, labels: list[list[str]], lo: float, hi: float, *, step: float,
          head: float, right: float = 10.0, inst=None, lang: str = "en",
          words_at: float | None = None) -> _Rows:  # fmt: skip
    """Draw the frame: zone bands (with their words at row ``words_at``) over the plot,
    white rules between rows, the row labels at the left."""
    svg = Svg(name)
    left = 6 + max((room(line, 10) for lines in labels for line in lines), default=0) + 8
    frame = _Rows(
        svg, Scale(lo, hi, left, WIDTH - right), 4.0, step, head, max(len(labels), 1), lang
    )
    top, bottom = frame.top, frame.bottom
    if inst is not None:
        for zone, start, end, limit in _zone_bands(inst, lang):
            x0, x1 = frame.x(start), frame.x(end)
            svg.rect(x0, top, x1 - x0, bottom - top, ZONE_FILL[zone])
            if words_at is not None:
                svg.text((x0 + x1) / 2, frame.y(words_at), _zone_word(zone, limit, lang), 9,
                         anchor="middle", fill="#333333")  # fmt: skip
        for edge in (inst.zones.attention, inst.zones.strength):
            if lo < edge < hi:
                svg.line(frame.x(edge), top, frame.x(edge), bottom, "#FFFFFF", 1.2)
        for i in range(len(labels) - 1):
            svg.line(frame.x(lo), frame.y(i + 0.5), frame.x(hi), frame.y(i + 0.5), "#FFFFFF", 1.4)
    svg.open("labels")
    for i, lines in enumerate(labels):
        svg.text(left - 6, frame.y(i), lines, 10, anchor="end")
    svg.close()
    return frame


def _value_axis(frame: _Rows, ticks: list[float], lang: str, label: str) -> float:
    """The value axis under the rows, its ticks and label; returns its bottom."""
    svg, x, y = frame.svg, frame.x, frame.bottom
    svg.open("axis")
    svg.line(x.start, y, x.end, y, AXIS, 0.8)
    for tick in ticks:
        svg.line(x(tick), y, x(tick), y + 3.5, AXIS, 0.8)
        svg.text(x(tick), y + 11, number(tick, lang, 0), 10, anchor="middle", fill="#333333")
    svg.text((x.start + x.end) / 2, y + 27, label, 10, anchor="middle")
    svg.close()
    return y + 36


def _finish(svg: Svg, top: float, entries: list[Entry], ncol: int, *, title: str, desc: str,
            series: int, size: float = 9.5, panels: int | None = None) -> str:  # fmt: skip
    """The legend under ``top``, centred, then the ``<svg>`` element."""
    ncol = fits(entries, ncol, size, WIDTH - 8)
    bottom = legend(svg, entries, WIDTH / 2, top + 2, ncol, size) if entries else top
    return svg.render(WIDTH, bottom + 6, title=title, desc=desc, series=series, panels=panels)


def profile_chart(report: Report) -> str:
    """Dot plot of each visible actor group's mean per dimension, with the overall as a tick."""
    lang = report.lang
    inst = report.survey.instrument
    rec = report.scores.records
    dims, groups = profile_groups(report)
    names = dict(zip(rec["dimension"], rec["dimension_name"], strict=False))
    has_actor = "actor" in rec.columns
    cells = {}
    for r in rec.to_dict("records"):
        if r["suppressed"] or not _visible(r["mean"]):
            continue
        group = r["actor"] if has_actor and _visible(r["actor"]) else None
        cells[(group, r["dimension"])] = float(r["mean"])
    lo, hi = inst.scale.min, inst.scale.max
    frame = _rows("profile", [_wrap(names[d], 26) for d in dims], lo, hi, step=34.5, head=1.35,
                  inst=inst, lang=lang, words_at=-0.95)  # fmt: skip
    svg = frame.svg
    spread = 0.62
    step = spread / max(len(groups) - 1, 1)
    entries: list[Entry] = []
    overall = [(i, cells[(None, d)]) for i, d in enumerate(dims) if (None, d) in cells]
    if overall:
        svg.open("all")
        for i, mean in overall:
            x = frame.x(mean)
            svg.line(x, frame.y(i) - 12, x, frame.y(i) + 12, OVERALL_COLOUR, 2.6)
        svg.close()
    for j, group in enumerate(groups):
        style = _series_style(j)
        offset = (j - (len(groups) - 1) / 2) * step if len(groups) > 1 else 0.0
        svg.open(f"group-{j}")
        for i, dim in enumerate(dims):
            if (group, dim) in cells:
                svg.marker(style["marker"], frame.x(cells[(group, dim)]), frame.y(i + offset),
                           7.5, style["color"], EDGE, 0.6)  # fmt: skip
        svg.close()
        entries.append((group, _dot(style["marker"], 7.5, style["color"])))
    if overall:
        entries.append((t("all", lang), _bar))
    bottom = _value_axis(frame, _ticks(lo, hi), lang, _mean_label(inst, lang))
    names_text = ", ".join(groups) or "–"
    zones = ", ".join(t(f"zone.{z}", lang) for z in ("concern", "attention", "strength"))
    title = t("chart.profile_title", lang)
    if report.round:
        title += f" ({t('round', lang).lower()} {report.round})"
    return _finish(svg, bottom, entries, min(4, max(len(entries), 1)), title=title,
                   desc=t("chart.profile_desc", lang, groups=names_text, all=t("all", lang),
                          zones=zones),
                   series=len(groups) + (1 if overall else 0))  # fmt: skip


def _series_style(index: int) -> dict:
    """Colour and marker of the ``index``-th group series (colour and shape both change)."""
    return {"color": PALETTE[index % len(PALETTE)], "marker": MARKERS[index % len(MARKERS)]}


def _bar(svg: Svg, x: float, y: float) -> None:
    svg.line(x, y - 6, x, y + 6, OVERALL_COLOUR, 2.4)


@dataclass
class _Panel:
    """One small multiple: its plot box and the maps from rounds and values into it."""

    x: Scale
    y: Scale
    top: float
    bottom: float


def _panels(svg: Svg, ids: list[str], *, ncols: int, top: float, height: float,
            titles: list[list[str]], title_size: float, bold: bool, space: float,
            lo: float, hi: float, xlo: float, xhi: float, inst, lang: str,
            xticks: list[tuple[float, str]], bands: bool,
            tick_labels_below: str = "every") -> Iterator[_Panel]:  # fmt: skip
    """Small multiples in ``ncols`` columns, one group ``<g id="NAME-panel-ID">`` each:
    a title, a value axis on the scale (labelled in the first column), the zone bands,
    ticks on the rounds; ``space`` units are kept right of each plot (for the lines'
    labels). Yields each panel with its group open, for the caller to draw into. The
    ticks carry their value (``data-value``), so a reader maps coordinates to values."""
    width = WIDTH / ncols
    ticks = _ticks(lo, hi)
    label_w = 4 + max(room(number(v, lang, 0), 8.5) for v in ticks)
    tallest = max((len(lines) for lines in titles), default=1)
    head = tallest * title_size * 1.25 + 4
    for k, ident in enumerate(ids):
        row, col = divmod(k, ncols)
        x0 = col * width + label_w + 6
        x1 = (col + 1) * width - space - 6
        y0 = top + row * height + head
        y1 = top + (row + 1) * height - 22
        panel = _Panel(Scale(xlo, xhi, x0, x1), Scale(lo, hi, y1, y0), y0, y1)
        svg.open(f"panel-{ident}")
        svg.text(x0 - label_w + 2, y0 - 4, titles[k], title_size, bold=bold, valign="bottom",
                 line_height=1.25)  # fmt: skip
        if bands:
            for zone, start, end, _limit in _zone_bands(inst, lang):
                svg.rect(x0, panel.y(end), x1 - x0, panel.y(start) - panel.y(end),
                         ZONE_FILL[zone])  # fmt: skip
            for edge in (inst.zones.attention, inst.zones.strength):
                if lo < edge < hi:
                    svg.line(x0, panel.y(edge), x1, panel.y(edge), "#FFFFFF", 1.2)
        svg.line(x0, y0, x0, y1, AXIS, 0.8)
        svg.line(x0, y1, x1, y1, AXIS, 0.8)
        for v in ticks:
            svg.line(x0 - 3.5, panel.y(v), x0, panel.y(v), AXIS, 0.8, class_="ytick",
                     data_value=v)  # fmt: skip
            if col == 0:
                svg.text(x0 - 5, panel.y(v), number(v, lang, 0), 8.5, anchor="end")
        below = tick_labels_below == "every" or k + ncols >= len(ids)
        for at, label in xticks:
            svg.line(panel.x(at), y1, panel.x(at), y1 + 3.5, AXIS, 0.8, class_="xtick",
                     data_value=label)  # fmt: skip
            if below:
                svg.text(panel.x(at), y1 + 11, label, 8.5, anchor="middle", fill="#333333")
        yield panel
        svg.close()


def trend_chart(report: Report) -> str | None:
    """Small multiples: one panel per dimension, each actor group a line labelled at its
    end (▲/▼ after a name: a significant change), all respondents in black; the value axis
    spans the instrument's scale; hidden rounds are gaps in a line."""
    if report.trend is None:
        return None
    lang = report.lang
    inst = report.survey.instrument
    lo, hi = inst.scale.min, inst.scale.max
    order, dims, lines = trend_lines(report)
    names = dict(zip(report.trend.rounds["dimension"], report.trend.rounds["dimension_name"],
                     strict=False))  # fmt: skip
    ncols = 2 if len(dims) > 1 else 1
    labels = {
        (dim, line.label): f"{line.label} {''.join(dict.fromkeys(line.changes[dim]))}".strip()
        for dim in dims
        for line in lines
    }
    space = 8 + max((room(v, 7.5, bold=True) for v in labels.values()), default=0)
    svg = Svg("trend")
    last = len(order) - 1
    panels = _panels(
        svg, dims, ncols=ncols, top=4, height=130, titles=[_wrap(names[d], 44) for d in dims],
        title_size=9.5, bold=True, space=space, lo=lo, hi=hi, xlo=-0.2, xhi=last + 0.15,
        inst=inst, lang=lang, xticks=list(enumerate(order)), bands=True,
    )  # fmt: skip
    for panel, dim in zip(panels, dims, strict=True):
        ends = []
        for line in lines:
            means = line.means[dim]
            shown = [i for i, v in enumerate(means) if v is not None]
            if not shown:
                continue
            overall = line.group is None
            style = line.style
            svg.open(f"line-{dim}-{line.label}")
            points = [None if v is None else (panel.x(i), panel.y(v)) for i, v in enumerate(means)]
            svg.polyline(points, style["color"], 2.6 if overall else 1.5, dash=style["ls"])
            for point in points:
                if point is not None:
                    svg.marker(style["marker"], *point, 4.5 if overall else 5, style["color"],
                               "#FFFFFF" if overall else EDGE, 0.5)  # fmt: skip
            svg.close()
            ends.append((line, shown[-1], means[shown[-1]]))
        gap = 9 / (panel.bottom - panel.top) * (hi - lo)  # one label's height, in points
        heights = _spread([y for _, _, y in ends], gap, lo + gap / 2, hi - gap / 2)
        for (line, x, y), at in zip(ends, heights, strict=True):
            colour = line.style["color"]
            svg.line(panel.x(x), panel.y(y), panel.x(last + 0.18), panel.y(at), colour, 0.6,
                     dash=":")  # fmt: skip
            svg.text(panel.x(last + 0.22), panel.y(at), labels[(dim, line.label)], 7.5,
                     fill=LABEL_COLOUR.get(colour, colour), bold=line.group is None)  # fmt: skip
    bottom = 4 + max(1, math.ceil(len(dims) / ncols)) * 130
    entries: list[Entry] = []
    changes = [c for line in lines for cs in line.changes.values() for c in cs]
    if "▲" in changes:
        entries.append((t("chart.trend_up", lang), _dot("^", 7, "#222222", "none", 0)))
    if "▼" in changes:
        entries.append((t("chart.trend_down", lang), _dot("v", 7, "#222222", "none", 0)))
    entries += _zone_entries(inst, lang)
    scale = inst.scale
    desc = t("chart.trend_desc", lang, dims=", ".join(names[d] for d in dims),
             rounds=", ".join(order), groups=", ".join(line.label for line in lines),
             lo=scale.min, hi=scale.max)  # fmt: skip
    return _finish(svg, bottom, entries, 3, size=8.5, title=t("chart.trend_title", lang),
                   desc=desc, series=len(lines), panels=len(dims))  # fmt: skip


def gaps_chart(report: Report) -> str | None:
    """Per dimension, the range from the lowest to the highest visible group mean."""
    if report.gaps is None:
        return None
    lang = report.lang
    inst = report.survey.instrument
    ranges = gap_ranges(report)
    records = report.gaps.records.to_dict("records")
    dims = [r["dimension"] for r in records]
    names = {r["dimension"]: r["dimension_name"] for r in records}
    lo, hi = inst.scale.min, inst.scale.max
    column = t("gaps.gap", lang)
    gaps = {}
    for rec in records:
        flagged = rec["flagged"] is True
        text = "–" if not _visible(rec["gap"]) else number(rec["gap"], lang) + (" ⚑" * flagged)
        gaps[rec["dimension"]] = (text, flagged)
    right = 14 + max(room(column, 9, True), *(room(v, 9.5, f) for v, f in gaps.values()))
    frame = _rows("gaps", [_wrap(names[d], 26) for d in dims], lo, hi, step=36, head=1.35,
                  right=right, inst=inst, lang=lang, words_at=-0.95)  # fmt: skip
    svg, x = frame.svg, frame.x
    for k, (rec, shown) in enumerate(ranges):
        i = dims.index(rec["dimension"])
        y = frame.y(i)
        flagged = rec["flagged"] is True
        low = min(shown, key=lambda g: g[1])
        high = max(shown, key=lambda g: g[1])
        svg.open(f"range-{k}")
        svg.line(x(low[1]), y, x(high[1]), y, FLAG_COLOUR if flagged else GREY,
                 5 if flagged else 2.2, stroke_linecap="round")  # fmt: skip
        for _group, mean in shown:
            svg.marker("o", x(mean), y, 6, "#333333", "#FFFFFF", 0.8)
        for (group, mean), side in ((low, -1), (high, 1)):
            at = x(mean) + 6 * side
            width = room(group, 9, flagged)
            if (side > 0 and at + width > x.end - 2) or (side < 0 and at - width < x.start + 2):
                # it would run out of the plot: above its dot, inward
                svg.text(x(mean), y - 5, group, 9, anchor="end" if side > 0 else "start",
                         bold=flagged, valign="bottom")  # fmt: skip
            else:
                svg.text(at, y, group, 9, anchor="start" if side > 0 else "end", bold=flagged)
        svg.close()
    svg.open("gap-column")
    svg.text(x.end + 0.02 * (x.end - x.start), frame.y(-0.95), column, 9, bold=True)
    for dim in dims:
        text, flagged = gaps[dim]
        svg.text(x.end + 0.02 * (x.end - x.start), frame.y(dims.index(dim)), text, 9.5,
                 bold=flagged, fill=FLAG_TEXT if flagged else "#222222")  # fmt: skip
    svg.close()
    bottom = _value_axis(frame, _ticks(lo, hi), lang, _mean_label(inst, lang))
    entries = [
        (t("chart.gaps_range", lang), _stroke(GREY, 2.2)),
        (t("chart.gaps_flag", lang), _stroke(FLAG_COLOUR, 5)),
        (t("chart.gaps_group", lang), _dot("o", 6, "#333333", "none", 0)),
    ]
    return _finish(svg, bottom, entries, 3, title=t("chart.gaps_title", lang),
                   desc=t("chart.gaps_desc", lang), series=len(ranges))  # fmt: skip


def _flag_key(shape: str):
    return _dot(shape, 10, FLAG_COLOUR, EDGE, 0.7)


def _interval_rows(frame: _Rows, rows: list[dict], mean: str, low: str, high: str, diff: str,
                   *, labels: bool) -> None:  # fmt: skip
    """Each row's interval and mean, flagged rows as a triangle pointing their way (with
    the difference written at the right when ``labels``)."""
    svg, x = frame.svg, frame.x
    for i, r in enumerate(rows):
        y = frame.y(i)
        flagged = r["flagged"] is True
        up = flagged and r[diff] > 0
        svg.open(f"row-{i}")
        if _visible(r[low]) and _visible(r[high]):
            svg.line(x(r[low]), y, x(r[high]), y, AXIS, 1.3)
        if flagged:
            svg.marker("^" if up else "v", x(r[mean]), y, 11, FLAG_COLOUR, EDGE, 0.6)
            if labels:
                svg.text(x.end + 0.02 * (x.end - x.start), y,
                         f"{'▲' if up else '▼'} {signed(r[diff], lang=frame.lang)}", 9.5,
                         bold=True, fill=FLAG_TEXT)  # fmt: skip
        else:
            svg.marker("o", x(r[mean]), y, 7, LINE_COLOUR, EDGE, 0.6)
        svg.close()


def _overall_line(frame: _Rows, value: float) -> None:
    x = frame.x(value)
    frame.svg.line(x, frame.top, x, frame.bottom, OVERALL_COLOUR, 1.4, dash=(0, (4, 3)))


def areas_chart(report: Report) -> str | None:
    """Each area's mean on the focus dimension with its interval; flagged areas marked."""
    if report.areas is None:
        return None
    lang = report.lang
    inst = report.survey.instrument
    focus = areas_focus(report)
    rec = report.areas.records
    part = rec[(rec["dimension"] == focus) & ~rec["suppressed"].astype(bool) & rec["mean"].notna()]
    rows = [r for r in part.to_dict("records") if r["area"] is not None and r["area"] == r["area"]]
    rows.sort(key=lambda r: (-r["mean"], str(r["area"])))
    total = [r for r in part.to_dict("records") if r["area"] is None or r["area"] != r["area"]]
    name = inst.dimension(focus).label(lang)
    lo, hi = inst.scale.min, inst.scale.max
    flags = [f"▲ {signed(r['benchmark_diff'], lang)}" for r in rows if r["flagged"] is True]
    right = 14 + max((room(f, 9.5, True) for f in flags), default=0)
    frame = _rows("areas", [[str(r["area"])] for r in rows], lo, hi, step=24.5, head=1.6,
                  right=right, inst=inst, lang=lang, words_at=-1.1)  # fmt: skip
    if total:
        _overall_line(frame, float(total[0]["mean"]))
    _interval_rows(frame, rows, "mean", "ci_low", "ci_high", "benchmark_diff", labels=True)
    bottom = _value_axis(frame, _ticks(lo, hi), lang, _mean_label(inst, lang))
    counts = areas_series(report)
    entries: list[Entry] = []
    if counts.get("plain"):
        entries.append((t("chart.areas_mean", lang), _dot("o", 7, LINE_COLOUR, line=(AXIS, 1.3))))
    if counts.get("above"):
        entries.append((t("chart.areas_above", lang), _flag_key("^")))
    if counts.get("below"):
        entries.append((t("chart.areas_below", lang), _flag_key("v")))
    if counts.get("all"):
        label = f"{t('chart.areas_all', lang)} ({number(float(total[0]['mean']), lang)})"
        entries.append((label, _stroke(OVERALL_COLOUR, 1.4, (0, (4, 3)))))
    return _finish(svg=frame.svg, top=bottom, entries=entries, ncol=min(len(entries), 4) or 1,
                   title=t("chart.areas_title", lang, dimension=name),
                   desc=t("chart.areas_desc", lang), series=len(counts))  # fmt: skip


# ------------------------------------------------- caterpillar (areas model)


def caterpillar_chart(result, dimension: str) -> str | None:
    """``areas --method model``: each shown area's model-based mean with its 95% interval,
    sorted, the mean of the areas as a dashed line; flagged areas as triangles. Hidden
    areas have no estimate and are not drawn."""
    if result.model is None or result.model.empty:
        return None
    lang = result.lang
    inst = result.survey.instrument
    rec = result.records
    part = rec[(rec["dimension"] == dimension) & rec["area"].notna() & rec["estimate"].notna()]
    rows = sorted(part.to_dict("records"), key=lambda r: (-r["estimate"], str(r["area"])))
    model = result.model.set_index("dimension")
    if not rows or dimension not in model.index:
        return None
    overall = float(model.loc[dimension, "overall_mean"])
    name = inst.dimension(dimension).label(lang)
    frame = _rows(f"caterpillar-{dimension}", [[f"{r['area']} (n={int(r['n'])})"] for r in rows],
                  inst.scale.min, inst.scale.max, step=21.6, head=1.6, inst=inst, lang=lang,
                  words_at=-1.1)  # fmt: skip
    _overall_line(frame, overall)
    _interval_rows(frame, rows, "estimate", "estimate_low", "estimate_high", "model_diff",
                   labels=False)  # fmt: skip
    bottom = _value_axis(frame, _ticks(inst.scale.min, inst.scale.max), lang,
                         _mean_label(inst, lang))  # fmt: skip
    entries: list[Entry] = [
        (t("chart.caterpillar_estimate", lang), _dot("o", 6, LINE_COLOUR, line=(AXIS, 1.3))),
        (f"{t('chart.areas_all', lang)} ({number(overall, lang)})",
         _stroke(OVERALL_COLOUR, 1.4, (0, (4, 3)))),
    ]  # fmt: skip
    if any(r["flagged"] is True for r in rows):
        entries.append((t("chart.caterpillar_flag", lang), _flag_key("^")))
    return _finish(frame.svg, bottom, entries, len(entries),
                   title=t("chart.caterpillar_title", lang, dimension=name),
                   desc=t("chart.caterpillar_desc", lang), series=len(entries))  # fmt: skip


# -------------------------------------------- trajectories (trend --over-time)


def trajectory_chart(result) -> str | None:
    """Small multiples, one panel per dimension: the mean of every round shown (hidden
    rounds are gaps) and the fitted line over the rounds in it, its yearly change in the
    panel's title; a significant line is drawn in the flag colour."""
    lang = result.lang
    inst = result.survey.instrument
    keys = [k.name for k in result.keys]
    rec = result.records
    rounds = result.rounds
    for name in keys:  # the lines and means of everyone (the overall group)
        rec = rec[rec[name].isna()]
        rounds = rounds[rounds[name].isna()]
    if rec.empty:
        return None
    place = dict(zip(result.round_order, result.positions, strict=True))
    dims = list(dict.fromkeys(rec["dimension"]))
    cols = 2 if len(dims) > 1 else 1
    per = t(f"trajectory.per.{result.unit}", lang)
    lines = {d: rec[rec["dimension"] == d].iloc[0] for d in dims}
    titles = []
    for dim in dims:
        title = [textwrap.shorten(inst.dimension(dim).label(lang), 34, placeholder="…")]
        slope = lines[dim]["slope"]
        if _visible(slope):
            mark = (" ▲" if slope > 0 else " ▼") if lines[dim]["significant"] else ""
            title.append(f"{signed(slope, lang)} {per}{mark}")
        titles.append(title)
    ticks = [place[r] for r in result.round_order]
    labels = list(result.round_order)
    step = max(1, math.ceil(len(ticks) / 5))
    first, last = min(ticks), max(ticks)
    margin = 0.05 * (last - first or 1)
    svg = Svg("trajectory")
    panels = _panels(
        svg, dims, ncols=cols, top=4, height=137, titles=titles, title_size=9, bold=False,
        space=4, lo=inst.scale.min, hi=inst.scale.max, xlo=first - margin, xhi=last + margin,
        inst=inst, lang=lang, xticks=list(zip(ticks[::step], labels[::step], strict=True)),
        bands=False, tick_labels_below="last",
    )  # fmt: skip
    for panel, dim in zip(panels, dims, strict=True):
        line = lines[dim]
        points = rounds[(rounds["dimension"] == dim) & ~rounds["suppressed"].astype(bool)]
        for round_, mean in zip(points["round"], points["mean"].astype(float), strict=True):
            if mean == mean:
                svg.marker("o", panel.x(place[round_]), panel.y(mean), 4, "#555555")
        if _visible(line["slope"]):
            x0, x1 = place[line["round_first"]], place[line["round_last"]]
            svg.line(panel.x(x0), panel.y(line["fitted_first"]), panel.x(x1),
                     panel.y(line["fitted_last"]),
                     FLAG_COLOUR if line["significant"] else LINE_COLOUR,
                     2 if line["significant"] else 1.3)  # fmt: skip
    bottom = 4 + max(1, math.ceil(len(dims) / cols)) * 137
    return svg.render(WIDTH, bottom + 4,
                      title=t("chart.trajectory_title", lang, first=labels[0], last=labels[-1]),
                      desc=t("chart.trajectory_desc", lang), series=len(dims))  # fmt: skip


# --------------------------------------------------------------- relations (issue 21)


def relations_balance_chart(report: Report) -> str | None:
    """Per actor, actual and desired influence as the others rate it, joined by the gap."""
    result = report.relations
    if result is None or result.balance.empty:
        return None
    rows = [r for r in result.balance.to_dict("records") if not r["suppressed"]]
    if not rows:
        return None
    lang = report.lang
    scale = report.survey.instrument.relation(result.relations[0]).scale
    actual, desired = t("relations.actual", lang), t("relations.desired", lang)
    entries: list[Entry] = [
        (desired, _dot("o", 8, "#FFFFFF", LINE_COLOUR, 1.2)),
        (actual, _dot("o", 8, LINE_COLOUR, LINE_COLOUR, 1.2)),
    ]
    _widths, head = legend_size(entries, 2, 9.5)
    frame = _rows("balance", [_wrap(r["target"], 26) for r in rows], scale.min - 0.1,
                  scale.max + 0.1, step=32.4, head=0.5 + (head + 6) / 32.4)  # fmt: skip
    svg, x = frame.svg, frame.x
    legend(svg, entries, (x.start + x.end) / 2, frame.top, 2)
    svg.line(x.start, frame.y(-0.5), x.start, frame.bottom, AXIS, 0.8)
    for i, r in enumerate(rows):
        flagged = r["flagged"] is True
        y = frame.y(i)
        svg.open(f"row-{i}")
        svg.line(x(r["desired"]), y, x(r["actual"]), y, FLAG_COLOUR if flagged else GREY,
                 4 if flagged else 2, stroke_linecap="round")  # fmt: skip
        svg.marker("o", x(r["desired"]), y, 8, "#FFFFFF", LINE_COLOUR, 1.2)
        svg.marker("o", x(r["actual"]), y, 8, LINE_COLOUR, LINE_COLOUR, 1.2)
        svg.close()
    label = f"{scale.name(scale.min, lang)} … {scale.name(scale.max, lang)}"
    bottom = _value_axis(frame, _ticks(scale.min, scale.max), lang, label)
    desc = "; ".join(
        f"{r['target']}: {number(r['actual'], lang)} / {number(r['desired'], lang)}" for r in rows
    )
    return svg.render(WIDTH, bottom + 4, title=t("relations.balance", lang), desc=desc,
                      series=2)  # fmt: skip


def trust_diagram(report: Report) -> str | None:
    """Actor types in a circle, an arrow from each rater type to each target type whose
    width grows with the mean trust (hidden cells draw no arrow)."""
    result = report.relations
    if result is None:
        return None
    trust = next((r for r in result.relations if report.survey.instrument.relation(r).kind
                  == "trust"), None)  # fmt: skip
    if trust is None:
        return None
    records = result.records
    cells = records[(records["relation"] == trust) & ~records["suppressed"] & ~records["self"]]
    if cells.empty:
        return None
    lang = report.lang
    scale = report.survey.instrument.relation(trust).scale
    actors = list(dict.fromkeys([*cells["rater"], *cells["target"]]))
    radius, node = 140.0, 11.0
    cx, cy = WIDTH / 2, 30 + radius + 14
    angle = {a: math.pi / 2 - 2 * math.pi * i / len(actors) for i, a in enumerate(actors)}
    where = {a: (cx + radius * math.cos(v), cy - radius * math.sin(v)) for a, v in angle.items()}
    svg = Svg("trust")
    svg.open("arrows")
    for r in cells.to_dict("records"):
        weight = (r["mean"] - scale.min) / (scale.max - scale.min)
        _arrow(svg, where[r["rater"]], where[r["target"]], 0.4 + 3.6 * weight**2,
               0.25 + 0.6 * weight, node + 5)  # fmt: skip
    svg.close()
    svg.open("actors")
    for a, (x, y) in where.items():
        svg.marker("o", x, y, 2 * node, "#FFFFFF", "#333333", 1.0)
        c, s = math.cos(angle[a]), math.sin(angle[a])
        anchor = "start" if c > 0.3 else ("end" if c < -0.3 else "middle")
        lines = _wrap(a, 18)
        lx = x + (node + 6) * c
        ly = y - (node + 8) * s
        valign = "bottom" if s > 0.6 else ("top" if s < -0.6 else "middle")
        svg.text(lx, ly, lines, 9, anchor=anchor, valign=valign)
    svg.close()
    title = report.survey.instrument.relation(trust).label(lang)
    desc = "; ".join(
        f"{r['rater']} → {r['target']}: {number(r['mean'], lang)}" for r in cells.to_dict("records")
    )
    return svg.render(WIDTH, cy + radius + 40, title=title, desc=desc, series=1)


def _arrow(svg: Svg, start: tuple, end: tuple, width: float, opacity: float,
           shrink: float) -> None:  # fmt: skip
    """A slightly curved arrow from ``start`` to ``end`` (the pair's two arrows bend to
    opposite sides, as matplotlib's ``arc3,rad=0.12``), ``shrink`` short at both ends."""
    (x1, y1), (x2, y2) = start, end
    dx, dy = x2 - x1, y2 - y1
    cx, cy = (x1 + x2) / 2 - 0.12 * dy, (y1 + y2) / 2 + 0.12 * dx

    def toward(x, y, tx, ty, by):
        d = math.hypot(tx - x, ty - y) or 1.0
        return x + (tx - x) * by / d, y + (ty - y) * by / d

    ax, ay = toward(x1, y1, cx, cy, shrink)
    bx, by = toward(x2, y2, cx, cy, shrink)
    head = 5 + 1.5 * width
    ux, uy = bx - cx, by - cy
    d = math.hypot(ux, uy) or 1.0
    ux, uy = ux / d, uy / d
    ex, ey = bx - ux * head * 0.8, by - uy * head * 0.8  # the line ends inside the head
    half = head * 0.45
    colour = LINE_COLOUR
    alpha = f"{opacity:.2f}"
    svg.path(f"M{_f(ax)} {_f(ay)}Q{_f(cx)} {_f(cy)} {_f(ex)} {_f(ey)}", stroke=colour,
             width=width, stroke_opacity=alpha)  # fmt: skip
    base_x, base_y = bx - ux * head, by - uy * head
    svg.path(f"M{_f(bx)} {_f(by)}L{_f(base_x - uy * half)} {_f(base_y + ux * half)}"
             f"L{_f(base_x + uy * half)} {_f(base_y - ux * half)}z", fill=colour,
             width=0, fill_opacity=alpha)  # fmt: skip


def _f(value: float) -> str:
    return f"{value:.1f}"
