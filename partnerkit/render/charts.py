"""Charts of a report as inline SVG (matplotlib, drawn on the SVG canvas only).

Each function takes a :class:`~partnerkit.report.Report` and returns one
``<svg>`` element as text, ready to paste into HTML: no XML prolog, no
metadata, no external references, ids prefixed so several charts can share a
page. The root element carries ``role="img"``, a ``<title>`` and ``<desc>``
and ``data-series`` (how many data series are drawn).

Colour is never the only signal: series use the Okabe-Ito palette (safe for
the common colour-vision deficiencies) *and* distinct marker shapes, every
series is named in a legend or labelled directly, and the zone bands carry
their words. Hidden (suppressed) groups are never drawn.
"""

from __future__ import annotations

import html
import io
import math
import re
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import OutputError
from ..i18n import ZONE_MARK, Message, bound, number, signed, t

if TYPE_CHECKING:
    from ..report import Report

#: Okabe & Ito (2008), without black (kept for the overall) and yellow last (low contrast).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h", "p", "*")
#: Dash patterns of group lines, one per line with the markers (greyscale print).
DASHES = ("-", "--", ":", "-.", (0, (5, 1.5, 1, 1.5, 1, 1.5)), (0, (8, 2)), (0, (1, 3)),
          (0, (3, 1, 1, 1)), (0, (6, 2, 2, 2)), (0, (2, 1)))  # fmt: skip
OVERALL_COLOUR = "#000000"
#: All respondents: black, thick and solid, small white-edged dots (no group uses black).
OVERALL_STYLE = {"color": OVERALL_COLOUR, "marker": "o", "ls": "-"}
#: Direct labels in a colour too light to read as text are written darker.
LABEL_COLOUR = {"#F0E442": "#8A7F00", "#56B4E9": "#1F7FB8", "#E69F00": "#A86B00"}
FLAG_COLOUR = "#D55E00"  # vermillion: flagged gaps, significant changes, flagged areas
LINE_COLOUR = "#0072B2"
ZONE_FILL = {"concern": "#FBE5D9", "attention": "#FDF3D2", "strength": "#DCEFE6"}
_NOTE_BOX = {"boxstyle": "round,pad=0.25", "fc": "#FFFFFF", "ec": "none", "alpha": 0.85}
WIDTH = 8.0  # inches: 576 user units, shown at about 700-960 px

# ------------------------------------------------------------------ helpers


def _matplotlib():
    """Figure, ticker and the rc settings; an :class:`OutputError` when matplotlib is missing."""
    try:
        import matplotlib
        from matplotlib import ticker
        from matplotlib.backends.backend_svg import FigureCanvasSVG
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
    except ImportError as exc:
        raise OutputError(Message("error.no_matplotlib")) from exc
    rc = {
        "svg.fonttype": "none",
        "svg.hashsalt": "partnerkit",
        "font.family": "sans-serif",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#555555",
        "axes.labelcolor": "#222222",
        "axes.titlesize": 10,
        "xtick.color": "#333333",
        "ytick.color": "#222222",
        "text.color": "#222222",
        "legend.frameon": False,
        "legend.fontsize": 9.5,
        "path.simplify": False,
        # names come from the data: "$x$" in an area or actor name is text, never maths
        # notation (mathtext raised ParseFatalException on "$\frac{$", issue 18)
        "text.parse_math": False,
        "text.usetex": False,
    }
    return matplotlib, Figure, FigureCanvasSVG, ticker, Line2D, rc


def _svg(
    fig, canvas_class, *, name: str, title: str, desc: str, series: int, panels: int | None = None
) -> str:
    """The figure as an inlinable ``<svg>`` element."""
    canvas_class(fig)
    buffer = io.StringIO()
    fig.savefig(
        buffer,
        format="svg",
        bbox_inches="tight",
        pad_inches=0.06,
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.DOTALL)
    text = text.replace("xlink:href=", "href=")
    ids = set(re.findall(r'\bid="([^"]+)"', text))

    def rename(match: re.Match) -> str:
        ident = match.group(2)
        return f"{match.group(1)}{name}-{ident}" if ident in ids else match.group(0)

    text = re.sub(r'(\bid="|href="#|url\(#)([^")]+)', rename, text)
    open_tag = re.match(r"<svg\b[^>]*>", text)
    if open_tag is None:  # not seen: matplotlib always writes one
        raise OutputError(Message("error.chart_no_svg", chart=name))
    tag = open_tag.group(0)
    tag = re.sub(r'\s(xmlns(:xlink)?|width|height)="[^"]*"', "", tag)
    tag = tag.replace(
        "<svg",
        f'<svg id="chart-{name}" class="chart" role="img" '
        f'aria-labelledby="{name}-title {name}-desc" data-series="{series}"'
        + ("" if panels is None else f' data-panels="{panels}"'),
        1,
    )
    head = (
        f'<title id="{name}-title">{_esc(title)}</title><desc id="{name}-desc">{_esc(desc)}</desc>'
    )
    return tag + "\n" + head + text[open_tag.end() :].rstrip() + "\n"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _shade_zones(ax, inst, lang: str, *, vertical: bool, labels: bool, label_at=None) -> None:
    """Light zone bands with their words (the bands alone never carry meaning)."""
    lo, hi = inst.scale.min, inst.scale.max
    z = inst.zones
    bands = (
        ("concern", lo, z.attention, f"< {bound(z.attention, lang)}"),
        ("attention", z.attention, z.strength, ""),
        ("strength", z.strength, hi, f"≥ {bound(z.strength, lang)}"),
    )
    for zone, start, end, limit in bands:
        if end <= start:
            continue
        if vertical:
            ax.axvspan(start, end, color=ZONE_FILL[zone], zorder=0, lw=0)
        else:
            ax.axhspan(start, end, color=ZONE_FILL[zone], zorder=0, lw=0)
        if labels and label_at is not None:
            word = f"{ZONE_MARK[zone]} {t('zone.' + zone, lang)}" + (f" {limit}" if limit else "")
            ax.text(
                (start + end) / 2,
                label_at,
                word,
                ha="center",
                va="center",
                fontsize=9,
                color="#333333",
                zorder=1,
            )
    for edge in (z.attention, z.strength):
        if lo < edge < hi:
            line = ax.axvline if vertical else ax.axhline
            line(edge, color="#FFFFFF", lw=1.2, zorder=0.5)


def _zone_patches(inst, lang: str) -> list:
    """Legend entries naming the zone bands (for charts that do not label them in place)."""
    from matplotlib.patches import Patch

    z = inst.zones
    words = {
        "strength": f"≥ {bound(z.strength, lang)}",
        "attention": "",
        "concern": f"< {bound(z.attention, lang)}",
    }
    return [
        Patch(
            fc=ZONE_FILL[zone],
            ec="#999999",
            lw=0.5,
            label=f"{ZONE_MARK[zone]} {t('zone.' + zone, lang)} {limit}".strip(),
        )
        for zone, limit in words.items()
    ]


def _number_formatter(ticker, lang: str, decimals: int):
    return ticker.FuncFormatter(lambda value, _pos: number(value, lang, decimals))


def _visible(value) -> bool:
    return value is not None and value == value


def _scale_ticks(ax, ticker, inst, lang: str, axis: str = "x") -> None:
    lo, hi = inst.scale.min, inst.scale.max
    ticks = list(range(math.ceil(lo), math.floor(hi) + 1))
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(ticker.FixedLocator(ticks))
    target.set_major_formatter(_number_formatter(ticker, lang, 0))


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


def _series_style(index: int) -> dict:
    """Colour and marker of the ``index``-th group series (colour and shape both change)."""
    return {
        "color": PALETTE[index % len(PALETTE)],
        "marker": MARKERS[index % len(MARKERS)],
    }


# ------------------------------------------------------------------ profile


def profile_groups(report: Report) -> tuple[list[str], list[str]]:
    """Dimension order and the actor groups with at least one visible mean, in table order."""
    rec = report.scores.records
    dims = list(dict.fromkeys(rec["dimension"]))
    if "actor" not in rec.columns:
        return dims, []
    shown = rec[rec["actor"].notna() & ~rec["suppressed"].astype(bool)]
    groups = [g for g in dict.fromkeys(rec["actor"].dropna()) if g in set(shown["actor"])]
    return dims, groups


def profile_chart(report: Report) -> str:
    """Dot plot of each visible actor group's mean per dimension, with the overall as a tick."""
    _mpl, Figure, canvas, ticker, Line2D, rc = _matplotlib()
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
    with _mpl.rc_context(rc):
        row = 0.48
        fig = Figure(figsize=(WIDTH, row * len(dims) + 1.5), layout="constrained")
        ax = fig.add_subplot()
        _shade_zones(ax, inst, lang, vertical=True, labels=True, label_at=-0.95)
        spread = 0.62
        step = spread / max(len(groups) - 1, 1)
        handles = []
        for j, group in enumerate(groups):
            style = _series_style(j)
            offset = (j - (len(groups) - 1) / 2) * step if len(groups) > 1 else 0.0
            xs, ys = [], []
            for i, dim in enumerate(dims):
                if (group, dim) in cells:
                    xs.append(cells[(group, dim)])
                    ys.append(i + offset)
            ax.plot(
                xs,
                ys,
                ls="none",
                ms=7.5,
                mec="#1A1A1A",
                mew=0.6,
                zorder=3,
                **style,
            )
            handles.append(
                Line2D([], [], ls="none", ms=7.5, mec="#1A1A1A", mew=0.6, label=group, **style)
            )
        overall = [(i, cells[(None, d)]) for i, d in enumerate(dims) if (None, d) in cells]
        if overall:
            ax.plot(
                [x for _, x in overall],
                [i for i, _ in overall],
                ls="none",
                marker="|",
                ms=24,
                mew=2.6,
                color=OVERALL_COLOUR,
                zorder=2,
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    ls="none",
                    marker="|",
                    ms=12,
                    mew=2.4,
                    color=OVERALL_COLOUR,
                    label=t("all", lang),
                )
            )
        for i in range(len(dims) - 1):
            ax.axhline(i + 0.5, color="#FFFFFF", lw=1.4, zorder=1)
        ax.set_yticks(range(len(dims)), [_wrap(names[d], 26) for d in dims])
        ax.set_ylim(len(dims) - 0.5, -1.35)
        ax.set_xlim(inst.scale.min, inst.scale.max)
        _scale_ticks(ax, ticker, inst, lang)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(_mean_label(inst, lang))
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncol=min(4, max(len(handles), 1)),
            handletextpad=0.4,
            columnspacing=1.4,
        )
        names_text = ", ".join(groups) or "–"
        zones = ", ".join(t(f"zone.{z}", lang) for z in ("concern", "attention", "strength"))
        title = t("chart.profile_title", lang)
        if report.round:
            title += f" ({t('round', lang).lower()} {report.round})"
        return _svg(
            fig,
            canvas,
            name="profile",
            title=title,
            desc=t("chart.profile_desc", lang, groups=names_text, all=t("all", lang), zones=zones),
            series=len(groups) + (1 if overall else 0),
        )


# -------------------------------------------------------------------- trend


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


def _trend_figure(report: Report):
    """The trend's small multiples as a matplotlib figure, with the dimensions and lines
    drawn (for :func:`trend_chart` and the tests)."""
    _mpl, Figure, canvas, ticker, Line2D, rc = _matplotlib()
    lang = report.lang
    inst = report.survey.instrument
    lo, hi = inst.scale.min, inst.scale.max
    order, dims, lines = trend_lines(report)
    names = dict(zip(report.trend.rounds["dimension"], report.trend.rounds["dimension_name"],
                     strict=False))  # fmt: skip
    ncols = 2 if len(dims) > 1 else 1
    nrows = max(1, math.ceil(len(dims) / ncols))
    panel = 1.8  # inches: seven labels of 7.5 pt fit beside a panel this high; five rows of
    # panels and the section's intro fit on one printed A4 page
    gap = 9 / 72 / (panel - 0.7) * (hi - lo)  # one label's height, in scale points
    xs = list(range(len(order)))
    with _mpl.rc_context(rc):
        fig = Figure(figsize=(WIDTH, panel * nrows + 0.5), layout="constrained")
        axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
        for ax, dim in zip(axes, dims, strict=False):
            ax.set_gid(f"panel-{dim}")
            _shade_zones(ax, inst, lang, vertical=False, labels=False)
            ends = []
            for line in lines:
                ys = [float("nan") if v is None else v for v in line.means[dim]]
                shown = [i for i, v in enumerate(ys) if v == v]
                if not shown:
                    continue
                overall = line.group is None
                drawn = ax.plot(
                    xs, ys, lw=2.6 if overall else 1.5, ms=4.5 if overall else 5,
                    mec="#FFFFFF" if overall else "#1A1A1A", mew=0.5,
                    zorder=4 if overall else 3, **line.style,
                )  # fmt: skip
                drawn[0].set_gid(f"line-{dim}-{line.label}")
                ends.append((line, shown[-1], ys[shown[-1]]))
            heights = _spread([y for _, _, y in ends], gap, lo + gap / 2, hi - gap / 2)
            for (line, x, y), at in zip(ends, heights, strict=True):
                colour = LABEL_COLOUR.get(line.style["color"], line.style["color"])
                marks = "".join(dict.fromkeys(line.changes[dim]))
                ax.plot([x, len(order) - 1 + 0.18], [y, at], color=line.style["color"], lw=0.6,
                        ls=":", zorder=2, clip_on=False)  # fmt: skip
                ax.text(len(order) - 1 + 0.22, at, f"{line.label} {marks}".strip(), ha="left",
                        va="center", fontsize=7.5, color=colour, clip_on=False,
                        fontweight="bold" if line.group is None else "normal")  # fmt: skip
            ax.set_title(_wrap(names[dim], 44), loc="left", fontsize=9.5, fontweight="bold")
            ax.set_xlim(-0.2, len(order) - 1 + 0.15)
            ax.set_ylim(lo, hi)
            _scale_ticks(ax, ticker, inst, lang, axis="y")
            ax.set_xticks(xs, order)
            ax.tick_params(labelsize=8.5)
            ax.tick_params(axis="x", labelbottom=True)
        for ax in axes[len(dims) :]:
            ax.set_visible(False)
        handles = []
        if any("▲" in c for line in lines for cs in line.changes.values() for c in cs):
            handles.append(Line2D([], [], ls="none", marker="^", color="#222222",
                                  label=t("chart.trend_up", lang)))  # fmt: skip
        if any("▼" in c for line in lines for cs in line.changes.values() for c in cs):
            handles.append(Line2D([], [], ls="none", marker="v", color="#222222",
                                  label=t("chart.trend_down", lang)))  # fmt: skip
        handles += _zone_patches(inst, lang)
        fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=8.5)
    return fig, canvas, order, dims, lines


def trend_chart(report: Report) -> str | None:
    """Small multiples: one panel per dimension, each actor group a line labelled at its
    end (▲/▼ after a name: a significant change), all respondents in black; the value axis
    spans the instrument's scale; hidden rounds are gaps in a line."""
    if report.trend is None:
        return None
    fig, canvas, order, dims, lines = _trend_figure(report)
    lang = report.lang
    names = dict(zip(report.trend.rounds["dimension"], report.trend.rounds["dimension_name"],
                     strict=False))  # fmt: skip
    scale = report.survey.instrument.scale
    desc = t("chart.trend_desc", lang, dims=", ".join(names[d] for d in dims),
             rounds=", ".join(order), groups=", ".join(line.label for line in lines),
             lo=scale.min, hi=scale.max)  # fmt: skip
    mpl, _figure, _canvas, _ticker, _line, rc = _matplotlib()
    with mpl.rc_context(rc):  # saved as drawn: text as text, ids salted the same way
        return _svg(
            fig,
            canvas,
            name="trend",
            title=t("chart.trend_title", lang),
            desc=desc,
            series=len(lines),
            panels=len(dims),
        )


def _triangle(Line2D, marker: str, label: str):
    return Line2D(
        [],
        [],
        ls="none",
        marker=marker,
        ms=10,
        color=FLAG_COLOUR,
        mec="#1A1A1A",
        mew=0.7,
        label=label,
    )


# --------------------------------------------------------------------- gaps


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


def gaps_chart(report: Report) -> str | None:
    """Per dimension, the range from the lowest to the highest visible group mean."""
    if report.gaps is None:
        return None
    _mpl, Figure, canvas, ticker, Line2D, rc = _matplotlib()
    lang = report.lang
    inst = report.survey.instrument
    ranges = gap_ranges(report)
    records = report.gaps.records.to_dict("records")
    dims = [r["dimension"] for r in records]
    names = {r["dimension"]: r["dimension_name"] for r in records}
    lo, hi = inst.scale.min, inst.scale.max
    beside = []  # the names at both ends of each range, and on which side
    with _mpl.rc_context(rc):
        row = 0.5
        fig = Figure(figsize=(WIDTH, row * max(len(dims), 1) + 1.35), layout="constrained")
        ax = fig.add_subplot()
        _shade_zones(ax, inst, lang, vertical=True, labels=True, label_at=-0.95)
        for rec, shown in ranges:
            i = dims.index(rec["dimension"])
            flagged = rec["flagged"] is True
            low = min(shown, key=lambda g: g[1])
            high = max(shown, key=lambda g: g[1])
            ax.plot(
                [low[1], high[1]],
                [i, i],
                color=FLAG_COLOUR if flagged else "#7A7A7A",
                lw=5 if flagged else 2.2,
                solid_capstyle="round",
                zorder=2,
            )
            ax.plot(
                [m for _, m in shown],
                [i] * len(shown),
                ls="none",
                marker="o",
                ms=6,
                color="#333333",
                mec="#FFFFFF",
                mew=0.8,
                zorder=3,
            )
            style = {"fontsize": 9, "zorder": 4, "fontweight": "bold" if flagged else "normal"}
            for (group, mean), side in ((low, -1), (high, 1)):
                label = ax.annotate(
                    group,
                    (mean, i),
                    xytext=(6 * side, 0),
                    textcoords="offset points",
                    ha="left" if side > 0 else "right",
                    va="center",
                    **style,
                )
                beside.append((label, side))
        for rec in records:
            i = dims.index(rec["dimension"])
            gap = rec["gap"]
            if not _visible(gap):
                text = "–"
            else:
                text = number(gap, lang) + (" ⚑" if rec["flagged"] is True else "")
            ax.text(
                1.02,
                i,
                text,
                transform=ax.get_yaxis_transform(),
                ha="left",
                va="center",
                fontsize=9.5,
                fontweight="bold" if rec["flagged"] is True else "normal",
                color="#A33F00" if rec["flagged"] is True else "#222222",
            )
        ax.text(
            1.02,
            -0.95,
            t("gaps.gap", lang),
            transform=ax.get_yaxis_transform(),
            ha="left",
            va="center",
            fontsize=9,
            fontweight="bold",
        )
        for i in range(len(dims) - 1):
            ax.axhline(i + 0.5, color="#FFFFFF", lw=1.4, zorder=1)
        ax.set_yticks(range(len(dims)), [_wrap(names[d], 26) for d in dims])
        ax.set_ylim(len(dims) - 0.5, -1.35)
        ax.set_xlim(lo, hi)
        _scale_ticks(ax, ticker, inst, lang)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(_mean_label(inst, lang))
        handles = [
            Line2D([], [], color="#7A7A7A", lw=2.2, label=t("chart.gaps_range", lang)),
            Line2D([], [], color=FLAG_COLOUR, lw=5, label=t("chart.gaps_flag", lang)),
            Line2D(
                [], [], ls="none", marker="o", ms=6, c="#333333", label=t("chart.gaps_group", lang)
            ),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncol=3)
        _labels_inside(fig, ax, beside)
        return _svg(
            fig,
            canvas,
            name="gaps",
            title=t("chart.gaps_title", lang),
            desc=t("chart.gaps_desc", lang),
            series=len(ranges),
        )


def _labels_inside(fig, ax, labels) -> None:
    """Move an end label that would run out of the plot to above its dot, inward."""
    fig.draw_without_rendering()
    box = ax.get_window_extent()
    for label, side in labels:
        extent = label.get_window_extent()
        if (side > 0 and extent.x1 > box.x1 - 2) or (side < 0 and extent.x0 < box.x0 + 2):
            label.xyann = (0, 5)
            label.set_horizontalalignment("right" if side > 0 else "left")
            label.set_verticalalignment("bottom")


# -------------------------------------------------------------------- areas


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


def areas_chart(report: Report) -> str | None:
    """Each area's mean on the focus dimension with its interval; flagged areas marked."""
    if report.areas is None:
        return None
    _mpl, Figure, canvas, ticker, Line2D, rc = _matplotlib()
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
    with _mpl.rc_context(rc):
        fig = Figure(figsize=(WIDTH, 0.34 * max(len(rows), 1) + 1.45), layout="constrained")
        ax = fig.add_subplot()
        _shade_zones(ax, inst, lang, vertical=True, labels=True, label_at=-1.1)
        for i, r in enumerate(rows):
            flagged = r["flagged"] is True
            up = flagged and r["benchmark_diff"] > 0
            if _visible(r["ci_low"]) and _visible(r["ci_high"]):
                ax.plot([r["ci_low"], r["ci_high"]], [i, i], color="#555555", lw=1.3, zorder=2)
            ax.plot(
                [r["mean"]],
                [i],
                ls="none",
                marker=("^" if up else "v") if flagged else "o",
                ms=11 if flagged else 7,
                color=FLAG_COLOUR if flagged else LINE_COLOUR,
                mec="#1A1A1A",
                mew=0.6,
                zorder=3,
            )
            if flagged:
                diff = r["benchmark_diff"]
                label = f"{'▲' if up else '▼'} {signed(diff, lang)}"
                ax.text(
                    1.02,
                    i,
                    label,
                    transform=ax.get_yaxis_transform(),
                    ha="left",
                    va="center",
                    fontsize=9.5,
                    fontweight="bold",
                    color="#A33F00",
                )
        if total:
            mean = float(total[0]["mean"])
            ax.axvline(mean, color=OVERALL_COLOUR, lw=1.4, ls=(0, (4, 3)), zorder=2.5)
        ax.set_yticks(range(len(rows)), [str(r["area"]) for r in rows])
        ax.set_ylim(len(rows) - 0.5, -1.6)
        ax.set_xlim(lo, hi)
        _scale_ticks(ax, ticker, inst, lang)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(_mean_label(inst, lang))
        counts = areas_series(report)
        handles = []
        if counts.get("plain"):
            handles.append(
                Line2D(
                    [],
                    [],
                    color="#555555",
                    lw=1.3,
                    marker="o",
                    ms=7,
                    mfc=LINE_COLOUR,
                    mec="#1A1A1A",
                    mew=0.6,
                    label=t("chart.areas_mean", lang),
                )
            )
        if counts.get("above"):
            handles.append(_triangle(Line2D, "^", t("chart.areas_above", lang)))
        if counts.get("below"):
            handles.append(_triangle(Line2D, "v", t("chart.areas_below", lang)))
        if counts.get("all"):
            label = f"{t('chart.areas_all', lang)} ({number(float(total[0]['mean']), lang)})"
            handles.append(
                Line2D([], [], color=OVERALL_COLOUR, lw=1.4, ls=(0, (4, 3)), label=label)
            )
        fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 4) or 1)
        title = t("chart.areas_title", lang, dimension=name)
        return _svg(
            fig,
            canvas,
            name="areas",
            title=title,
            desc=t("chart.areas_desc", lang),
            series=len(counts),
        )


# ------------------------------------------------- caterpillar (areas model)


def caterpillar_chart(result, dimension: str) -> str | None:
    """``areas --method model``: each shown area's model-based mean with its 95% interval,
    sorted, the mean of the areas as a dashed line; flagged areas as triangles. Hidden
    areas have no estimate and are not drawn."""
    if result.model is None or result.model.empty:
        return None
    _mpl, Figure, canvas, ticker, Line2D, rc = _matplotlib()
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
    with _mpl.rc_context(rc):
        fig = Figure(figsize=(WIDTH, 0.3 * len(rows) + 1.45), layout="constrained")
        ax = fig.add_subplot()
        _shade_zones(ax, inst, lang, vertical=True, labels=True, label_at=-1.1)
        for i, r in enumerate(rows):
            flagged = r["flagged"] is True
            up = flagged and r["model_diff"] > 0
            ax.plot([r["estimate_low"], r["estimate_high"]], [i, i], color="#555555", lw=1.3)
            ax.plot([r["estimate"]], [i], ls="none", marker=("^" if up else "v") if flagged
                    else "o", ms=10 if flagged else 6, color=FLAG_COLOUR if flagged
                    else LINE_COLOUR, mec="#1A1A1A", mew=0.6, zorder=3)  # fmt: skip
        ax.axvline(overall, color=OVERALL_COLOUR, lw=1.4, ls=(0, (4, 3)), zorder=2.5)
        ax.set_yticks(range(len(rows)), [f"{r['area']} (n={int(r['n'])})" for r in rows])
        ax.set_ylim(len(rows) - 0.5, -1.6)
        ax.set_xlim(inst.scale.min, inst.scale.max)
        _scale_ticks(ax, ticker, inst, lang)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(_mean_label(inst, lang))
        handles = [
            Line2D([], [], color="#555555", lw=1.3, marker="o", ms=6, mfc=LINE_COLOUR,
                   mec="#1A1A1A", mew=0.6, label=t("chart.caterpillar_estimate", lang)),
            Line2D([], [], color=OVERALL_COLOUR, lw=1.4, ls=(0, (4, 3)),
                   label=f"{t('chart.areas_all', lang)} ({number(overall, lang)})"),
        ]  # fmt: skip
        if any(r["flagged"] is True for r in rows):
            handles.append(_triangle(Line2D, "^", t("chart.caterpillar_flag", lang)))
        fig.legend(handles=handles, loc="outside lower center", ncol=len(handles))
        return _svg(fig, canvas, name=f"caterpillar-{dimension}",
                    title=t("chart.caterpillar_title", lang, dimension=name),
                    desc=t("chart.caterpillar_desc", lang), series=len(handles))  # fmt: skip


# -------------------------------------------- trajectories (trend --over-time)


def trajectory_chart(result) -> str | None:
    """Small multiples, one panel per dimension: the mean of every round shown (hidden
    rounds are gaps) and the fitted line over the rounds in it, its yearly change in the
    panel's title; a significant line is drawn in the flag colour."""
    _mpl, Figure, canvas, ticker, _line2d, rc = _matplotlib()
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
    lines = math.ceil(len(dims) / cols)
    per = t(f"trajectory.per.{result.unit}", lang)
    with _mpl.rc_context(rc):
        fig = Figure(figsize=(WIDTH, 1.9 * lines + 0.6), layout="constrained")
        axes = fig.subplots(lines, cols, sharex=True, sharey=True, squeeze=False).ravel()
        for ax, dim in zip(axes, dims, strict=False):
            line = rec[rec["dimension"] == dim].iloc[0]
            points = rounds[(rounds["dimension"] == dim) & ~rounds["suppressed"].astype(bool)]
            xs = [place[r] for r in points["round"]]
            ax.plot(xs, points["mean"].astype(float), ls="none", marker="o", ms=4,
                    color="#555555")  # fmt: skip
            title = textwrap.shorten(inst.dimension(dim).label(lang), 34, placeholder="…")
            slope = line["slope"]
            if _visible(slope):
                x0, x1 = place[line["round_first"]], place[line["round_last"]]
                colour = FLAG_COLOUR if line["significant"] else LINE_COLOUR
                ax.plot([x0, x1], [line["fitted_first"], line["fitted_last"]], color=colour,
                        lw=2 if line["significant"] else 1.3)  # fmt: skip
                mark = (" ▲" if slope > 0 else " ▼") if line["significant"] else ""
                title += f"\n{signed(slope, lang)} {per}{mark}"
            ax.set_title(title, fontsize=9, loc="left")
            ax.set_ylim(inst.scale.min, inst.scale.max)
            _scale_ticks(ax, ticker, inst, lang, axis="y")
        for ax in axes[len(dims) :]:
            ax.set_visible(False)
        ticks = [place[r] for r in result.round_order]
        labels = list(result.round_order)
        step = max(1, math.ceil(len(ticks) / 5))
        for ax in axes[: len(dims)]:
            ax.set_xticks(ticks[::step], labels[::step])
        return _svg(fig, canvas, name="trajectory",
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
    _mpl, Figure, canvas, ticker, _line, rc = _matplotlib()
    lang = report.lang
    inst = report.survey.instrument
    scale = inst.relation(result.relations[0]).scale
    actual, desired = t("relations.actual", lang), t("relations.desired", lang)
    with _mpl.rc_context(rc):
        fig = Figure(figsize=(WIDTH, 0.45 * len(rows) + 1.3), layout="constrained")
        ax = fig.add_subplot()
        for i, r in enumerate(rows):
            flagged = r["flagged"] is True
            ax.plot(
                [r["desired"], r["actual"]], [i, i], color=FLAG_COLOUR if flagged else "#7A7A7A",
                lw=4 if flagged else 2, solid_capstyle="round", zorder=2,
            )  # fmt: skip
        ax.plot([r["desired"] for r in rows], range(len(rows)), "o", mfc="white",
                mec=LINE_COLOUR, ms=8, ls="none", zorder=3, label=desired)  # fmt: skip
        ax.plot([r["actual"] for r in rows], range(len(rows)), "o", color=LINE_COLOUR, ms=8,
                ls="none", zorder=3, label=actual)  # fmt: skip
        ax.set_yticks(range(len(rows)), [_wrap(r["target"], 26) for r in rows])
        ax.invert_yaxis()
        ax.set_xlim(scale.min - 0.1, scale.max + 0.1)
        ax.xaxis.set_major_formatter(_number_formatter(ticker, lang, 0))
        ax.set_xlabel(f"{scale.name(scale.min, lang)} … {scale.name(scale.max, lang)}")
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
        title = t("relations.balance", lang)
        desc = "; ".join(
            f"{r['target']}: {number(r['actual'], lang)} / {number(r['desired'], lang)}"
            for r in rows
        )
        return _svg(fig, canvas, name="balance", title=title, desc=desc, series=2)


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
    _mpl, Figure, canvas, _ticker, _line, rc = _matplotlib()
    from matplotlib.patches import FancyArrowPatch

    lang = report.lang
    scale = report.survey.instrument.relation(trust).scale
    actors = list(dict.fromkeys([*cells["rater"], *cells["target"]]))
    angle = {a: math.pi / 2 - 2 * math.pi * i / len(actors) for i, a in enumerate(actors)}
    where = {a: (math.cos(v), math.sin(v)) for a, v in angle.items()}
    with _mpl.rc_context(rc):
        fig = Figure(figsize=(WIDTH * 0.75, WIDTH * 0.7), layout="constrained")
        ax = fig.add_subplot()
        ax.set_aspect("equal")
        ax.axis("off")
        for r in cells.to_dict("records"):
            weight = (r["mean"] - scale.min) / (scale.max - scale.min)
            ax.add_patch(
                FancyArrowPatch(
                    where[r["rater"]], where[r["target"]], arrowstyle="-|>", mutation_scale=10,
                    connectionstyle="arc3,rad=0.12", lw=0.4 + 3.6 * weight ** 2,
                    color=LINE_COLOUR, alpha=0.25 + 0.6 * weight, shrinkA=18, shrinkB=18,
                )
            )  # fmt: skip
        for a, (x, y) in where.items():
            ax.plot([x], [y], "o", ms=22, color="white", mec="#333333", zorder=3)
            ax.annotate(_wrap(a, 16), (x * 1.28, y * 1.2), ha="center", va="center", fontsize=9)
        ax.set_xlim(-1.6, 1.6)
        ax.set_ylim(-1.45, 1.45)
        title = report.survey.instrument.relation(trust).label(lang)
        desc = "; ".join(
            f"{r['rater']} → {r['target']}: {number(r['mean'], lang)}"
            for r in cells.to_dict("records")
        )
        return _svg(fig, canvas, name="trust", title=title, desc=desc, series=1)
