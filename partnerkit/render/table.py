"""Terminal tables (rich): dimensions as rows, groups as columns, a legend and the row ledger."""

from __future__ import annotations

import io
import math
from functools import singledispatch

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

# A view is registered by its result class, so this module imports every result module
# (and with them numpy): `partnerkit instrument list` measured 0.28 s before, 0.36 s since.
# Acceptable for a command run by hand; --help never loads this module.
from ..areas import AreasResult
from ..gaps import GapsResult
from ..i18n import HIDDEN, ZONE_MARK, bound, in_lang, number, signed, t
from ..instrument_tools import InstrumentListing, InstrumentView
from ..privacy_check import PrivacyCheckResult
from ..relations import RelationsResult
from ..reliability import ReliabilityResult
from ..scoring import ScoreResult
from ..trajectory import TrajectoryResult
from ..trend import TrendResult
from ..validate import ValidationResult
from .views import (
    areas_legend,
    areas_rounds,
    comment_text,
    concentration_text,
    ledger_summary,
    network_text,
    relation_changes,
    relation_groups,
    relation_legend,
    relation_zone,
    score_tables,
    short_names,
)

ZONE_STYLE = {"strength": "green", "attention": "yellow", "concern": "red"}
_DIM_WIDTH = 22  # the dimension column
_CELL_WIDTH = 7  # "3,58 ●"
_COL_MAX = 12  # a group column; longer words in a header use the actor's short name
_WORD_MAX = 18  # ... or widen the column up to this for other group labels


def render(result, width: int = 100, color: bool = False, **options) -> str:
    """The result as terminal text of at most ``width`` columns."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        legacy_windows=False,
    )
    console.print(renderable(result, width, **options))
    # rich pads every line to the width: a pipe, a diff or a mail gets no trailing spaces
    return "".join(f"{line.rstrip()}\n" for line in buffer.getvalue().splitlines())


def renderable(result, width: int = 100, **options) -> RenderableType:
    """The result as a rich renderable (the CLI prints it with colour on a terminal).

    Every text in it is shown with its control characters spelt out (``\\x1b``): an
    actor, area or file name from an export must not steer the reader's terminal.
    ``quiet`` leaves out legends and the row summary: the result only.
    """
    return _Escaped(_view(result, width, **options))


class _Escaped:
    """A renderable whose texts have their control characters spelt out.

    Applied to the laid-out segments, so no view can forget it (rich passes ESC and
    NUL through unchanged); a hostile name widens its own line, nothing more.
    """

    def __init__(self, inner: RenderableType):
        self.inner = inner

    def __rich_console__(self, console, options):
        from rich.segment import Segment

        from ..output import terminal_text

        for segment in console.render(self.inner, options):
            if segment.control:
                yield segment
            else:
                yield Segment(terminal_text(segment.text), segment.style)


@singledispatch
def _view(result, width: int, **_options) -> RenderableType:
    """The terminal view of ``result``: one function per result type, registered below."""
    raise TypeError(f"no terminal table for a {type(result).__name__}")


# ------------------------------------------------------------------- score


@_view.register(ScoreResult)
def _score(
    result: ScoreResult, width: int, quiet: bool = False, overview: bool = False, **_options
) -> RenderableType:
    """``overview`` (``score`` without ``--by``): the first table only, the outer groups (the
    rounds) side by side for all actors, and where the detail is; the first screen answers
    the first question (issue 20: the example printed 184 lines)."""
    dims, names, specs = score_tables(result)
    parts: list[RenderableType] = []
    detail = overview and len(specs) > 1
    for spec in specs[:1] if detail else specs:
        parts += _tables(result, spec.title, dims, names, spec.columns, width)
    rec = result.records
    for name in rec.loc[rec["suppressed_reason"] == "no_columns", "dimension_name"]:
        parts.append(Text(f"{name}: {t('dimension.no_columns', result.lang)}", style="bold"))
    if detail:
        keys = [k.name for k in result.keys]
        by = " ".join(f"--by {k}" for k in keys)
        parts.append(Text(t("score.detail", result.lang, by=by, inner=f"--by {keys[0]}")))
    if not quiet:
        parts.append(_legend(result))
        parts.append(Text(ledger_summary(result), style="dim"))
    if result.comments is not None:
        parts.append(Text(comment_text(result), style=""))
    return Group(*parts)


def _no_columns(result) -> list[RenderableType]:
    """One line per dimension none of whose items has a column (issue 19), under the
    tables of every command: "Overall: no columns for this dimension's items: ..."."""
    rec = result.records
    if "suppressed_reason" not in rec.columns:
        return []
    names = rec.loc[rec["suppressed_reason"] == "no_columns", "dimension_name"]
    text = t("dimension.no_columns", result.lang)
    return [Text(f"{name}: {text}", style="bold") for name in dict.fromkeys(names)]


def _no_columns_cell(lang: str) -> Text:
    return Text(t("dimension.no_columns.short", lang), style="bold")


def _tables(result, title, dims, names, columns, width, extra=None) -> list[RenderableType]:
    """One table, or several of balanced size when the group columns do not fit ``width``.

    ``extra`` is a last column ``(header, {dimension: Text})`` after the groups (gaps).
    """
    lang = result.lang
    short = {a.label(lang): a.short_label(lang) for a in result.survey.instrument.actors}
    headers = [_header(label, short) for label, _ in columns]
    longest = [min(max(_CELL_WIDTH, *(len(w) for w in h.split())), _WORD_MAX) for h in headers]
    need = [w + 2 for w in longest]
    room = width - _DIM_WIDTH - 6 - (10 if extra else 0)
    tables = []
    for i, run in enumerate(_panel_runs(need, room)):
        part = list(zip(headers, columns, strict=True))[run.start : run.stop]
        tables.append(_panel_title(title, i, lang))
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
        table.add_column("", max_width=_DIM_WIDTH, min_width=12)
        for header, _ in part:
            wide = min(max(_COL_MAX, *(len(w) for w in header.split())), _WORD_MAX)
            table.add_column(header, justify="right", min_width=_CELL_WIDTH, max_width=wide)
        last = extra is not None and run.stop == len(columns)
        if last:
            table.add_column(extra[0], justify="right", no_wrap=True)
        for dim in dims:
            cells = [_cell(col.get(dim), lang, result.min_n) for _, (_, col) in part]
            if last:
                cells.append(extra[1].get(dim, Text("")))
            table.add_row(names[dim], *cells)
        tables.append(table)
    return tables


def _header(label: str, short: dict[str, str]) -> str:
    """The group label, or its short name when one of its words is too long for a column."""
    if label in short and max(len(w) for w in label.split()) > _COL_MAX:
        return short[label]
    return label


def _panel_runs(need: list[int], room: int) -> list[range]:
    """The columns of each panel: as few consecutive runs of about equal width as fit
    ``room`` (each column's ``need`` includes its divider); one column may overflow alone.
    The one splitting of every command's tables (issue 20: cut names and marks before)."""
    chunks = max(1, math.ceil(sum(need) / room))
    while chunks < len(need) and max(_runs(need, chunks)) > room:
        chunks += 1
    size = math.ceil(len(need) / chunks)
    return [range(i, min(i + size, len(need))) for i in range(0, len(need), size)]


def _runs(need: list[int], chunks: int) -> list[int]:
    """The widths of ``need`` split into ``chunks`` consecutive runs of about equal size."""
    size = math.ceil(len(need) / chunks)
    return [sum(need[i : i + size]) for i in range(0, len(need), size)]


def _panel_title(title: str, index: int, lang: str) -> Text:
    """A panel's title: the table's, then its first line with "(continued)"."""
    text = title if index == 0 else f"{title.splitlines()[0]} ({t('continued', lang)})"
    return Text(text, style="bold")


def _cell(record: dict | None, lang: str, min_n: int) -> Text:
    if record is None:
        return Text("")
    if record.get("suppressed_reason") == "no_columns":  # a dimension the export lacks
        return Text(t("dimension.no_columns.short", lang), style="bold")
    if record["suppressed"]:
        return Text(f"{HIDDEN}\n{_hidden_n(record, min_n)}", style="dim")
    zone = record["zone"]
    text = Text(f"{number(record['mean'], lang)} {ZONE_MARK.get(zone, ' ')}")
    text.stylize(ZONE_STYLE.get(zone, ""))
    text.append(f"\nn={int(record['n'])}", style="dim")
    return text


def _legend(result) -> Text:
    lang = result.lang
    inst = result.survey.instrument
    z = inst.zones
    lo, hi = inst.scale.min, inst.scale.max
    legend = Text(t("legend.cell", lang, lo=lo, hi=hi) + "\n", style="dim")
    for zone, text in (
        ("strength", f"≥ {bound(z.strength, lang)}"),
        ("attention", f"{bound(z.attention, lang)}–{number(z.strength - 0.01, lang)}"),
        ("concern", f"< {bound(z.attention, lang)}"),
    ):
        legend.append(f"{ZONE_MARK[zone]} {t('zone.' + zone, lang)} {text}", ZONE_STYLE[zone])
        legend.append("   ")
    legend.append("\n" + t("legend.hidden", lang, min_n=result.min_n), style="dim")
    return legend


# ---------------------------------------------------------------- validate


@_view.register(ValidationResult)
def _validate(result, width: int, **_options) -> RenderableType:
    from ..io.layouts import LAYOUTS
    from ..io.mapping import statements

    lang = result.lang
    parts: list[RenderableType] = []
    for report in result.files:
        src = report.source
        status = (
            Text(t("validate.ok", lang), style="green")
            if report.can_score
            else Text(t("validate.not_ok", lang), style="bold red")
        )
        head = Text(f"{in_lang(src.where, lang)}", style="bold")
        layout = (
            t("layout.plain", lang)
            if src.layout == "plain"
            else LAYOUTS.get(src.layout, src.layout)
        )
        read = t("validate.read", lang, layout=layout, row=report.header_row, rows=src.rows)
        head.append(f"\n{read}", style="")
        if src.encoding:
            head.append(
                t("validate.encoding", lang, encoding=src.encoding, delimiter=repr(src.delimiter))
            )
        head.append("  ")
        head.append(status)
        parts.append(head)

        column, read_as, how = t("validate.columns", lang).split("|")
        # a long header wraps, never cut (issue 20: the names of an export's columns are
        # what a user checks here); what it was read as stays on one line
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
        table.add_column(column, ratio=1, overflow="fold")
        table.add_column(read_as, no_wrap=True)
        table.add_column(how, no_wrap=True)
        for c in report.columns:
            if c.kind == "relation":  # "trust:police": the relation and the rated actor
                target = c.target
            elif c.kind in ("item", "role"):
                target = f"{t('validate.kind.' + c.kind, lang)}: {c.target}"
            else:
                target = t(f"validate.kind.{c.kind}", lang)
            style = {"personal": "magenta", "other": "dim"}.get(c.kind, "")
            column = c.column
            if c.label and c.label != c.column:  # the statement of a battery reads best
                column = f"{c.column} · {(statements(c.label, 120) or [c.label])[-1]}"
            table.add_row(column, Text(target, style=style), c.how or "")
        parts.append(table)

        items = result.instrument.item_ids
        if report.missing_items:
            missing = t(
                "validate.missing",
                lang,
                count=len(report.missing_items),
                total=len(items),
                items=", ".join(report.missing_items),
            )
            parts.append(Text(missing, style="yellow"))
        else:
            every = t("validate.all", lang, instrument=result.instrument.id)
            parts.append(Text(every, style="green"))
        if report.invalid_cells:
            title = t("validate.invalid", lang)
            bad = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
            column, value, count, rows = t("validate.invalid_columns", lang).split("|")
            bad.add_column(column, max_width=40, overflow="fold")
            bad.add_column(value, max_width=20)
            bad.add_column(count, justify="right")
            bad.add_column(rows, max_width=24)
            for cell in report.invalid_cells:
                rows = ", ".join(e.rsplit(":", 1)[-1] for e in cell.examples)
                bad.add_row(cell.column, cell.value, str(cell.count), rows)
            parts.append(bad)
        rows = Text(t("validate.rows", lang, read=src.rows, scorable=report.rows_scorable))
        for e in report.excluded:
            example = ", ".join(x.rsplit(":", 1)[-1] for x in e.examples[:5])
            reason = t(f"excluded.{e.reason}", lang)
            rows.append(t("validate.excluded", lang, rows=e.rows, reason=reason, rows_at=example))
        parts.append(rows)
        problem_word, warning_word = t("validate.problem", lang), t("cli.warning", lang)
        for problem in report.problems:
            parts.append(Text(f"{problem_word}: {in_lang(problem, lang)}", style="bold red"))
        for warning in report.warnings:
            parts.append(Text(f"{warning_word}: {in_lang(warning, lang)}", style="yellow"))
        parts.append(Text(""))
    if result.strict:
        for problem in result.strict_problems:
            parts.append(Text(f"--strict: {in_lang(problem, lang)}", style="bold red"))
    return Group(*parts)


# ------------------------------------------------------------- instruments


@_view.register(InstrumentListing)
def _instrument_list(result, width: int, **_options) -> RenderableType:
    lang = result.lang
    table = Table(title=t("instruments.title", lang), title_justify="left", box=box.SIMPLE_HEAD)
    justify = ("left", "left", "left", "left", "right", "right")
    for header, side in zip(t("instruments.columns", lang).split("|"), justify, strict=True):
        table.add_column(header, justify=side)
    for inst in result.instruments:
        table.add_row(
            inst.id,
            inst.label(result.lang),
            inst.version,
            inst.language,
            str(len(inst.dimensions)),
            str(len(inst.items)),
        )
    return table


@_view.register(InstrumentView)
def _instrument_show(result, width: int, **_options) -> RenderableType:
    inst, lang = result.instrument, result.lang
    scale = inst.scale
    labels = ", ".join(f"{p} {scale.name(p, lang)}" for p in scale.points)
    head = Text(f"{inst.label(lang)} ({inst.id} {inst.version})\n", style="bold")
    missing = scale.name("missing", lang)
    head.append(t("show.scale", lang, labels=labels, missing=missing) + "\n", style="")
    head.append(
        t("show.zones", lang, strength=t("zone.strength", lang),
          s=bound(inst.zones.strength, lang), attention=t("zone.attention", lang),
          a=bound(inst.zones.attention, lang)),
        style="",
    )  # fmt: skip
    parts: list[RenderableType] = [head]
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_header=True)
    table.add_column(t("show.item", lang), no_wrap=True)
    table.add_column("", width=1)
    table.add_column(t("show.statement", lang), max_width=width - 24)
    for dim in inst.dimensions:
        table.add_row("", "", Text(dim.label(lang), style="bold"))
        for item in dim.items:
            table.add_row(item.id, "↺" if item.reverse else "", item.label(lang))
    parts.append(table)
    return Group(*parts)


# ------------------------------------------------------------- reliability

_FLAG_MARK = {
    "low_alpha": "α<{alpha_min}",
    "low_r_drop": "weak item",
    "negative_r_drop": "reversed?",
    "few_respondents": "n<{n_min}",
    "wide_interval": "wide CI",
    "few_items": "k<{k_min}",
}


@_view.register(ReliabilityResult)
def _reliability(
    result, width: int, items: bool = False, quiet: bool = False, **_options
) -> RenderableType:
    from ..i18n import join_words, key_name
    from ..reliability import ALPHA_MIN, K_MIN, N_MIN

    lang = result.lang
    keys = [k.name for k in result.keys]
    inst = result.survey.instrument
    if keys:
        words = join_words([key_name(k, lang) for k in keys], lang)
        title = t("reliability_by", lang, title=inst.label(lang), keys=words)
    else:
        title = t("reliability_title", lang, title=inst.label(lang))
    marks = {
        code: text.format(alpha_min=number(ALPHA_MIN, lang), n_min=N_MIN, k_min=K_MIN)
        for code, text in _FLAG_MARK.items()
    }
    short = {a.label(lang): a.short_label(lang) for a in inst.actors}
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
    table.add_column("", max_width=26 if not keys else 20)
    for k in keys:
        table.add_column(key_name(k, lang).capitalize(), max_width=12)
    for header in ("α", "95% CI", "α std", "r̄", "n", "k"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("!", max_width=22)
    messages: list[str] = []
    previous = None
    for rec in result.records.to_dict("records"):
        name = rec["dimension_name"] if rec["dimension"] != previous else ""
        previous = rec["dimension"]
        groups = [short.get(rec[k], rec[k]) if rec[k] is not None else t("all", lang) for k in keys]
        if rec["suppressed_reason"] == "no_columns":
            table.add_row(name, *groups, _no_columns_cell(lang), "", "", "", "", "", "")
            continue
        if rec["suppressed"]:
            table.add_row(name, *groups, HIDDEN, "", "", "", "", "", "")
            continue
        marks_here = list(dict.fromkeys(marks[flag["code"]] for flag in rec["flags"]))
        where = f" ({', '.join(map(str, groups))})" if keys else ""
        messages += [f"{rec['dimension_name']}{where}: {flag['message']}" for flag in rec["flags"]]
        alpha = rec["alpha"]
        style = "red" if alpha == alpha and alpha < ALPHA_MIN else ""
        table.add_row(
            name,
            *groups,
            Text(t("rel.one_item", lang), style="dim")
            if rec.get("k") == 1
            else Text(_num(alpha, lang), style=style),
            f"{_num(rec['alpha_ci_low'], lang)}–{_num(rec['alpha_ci_high'], lang)}",
            _num(rec["alpha_std"], lang),
            _num(rec["average_r"], lang),
            str(rec["n"]),
            str(rec["k"]),
            Text(", ".join(marks_here), style="yellow"),
        )
    parts: list[RenderableType] = [Text(title, style="bold"), table, *_no_columns(result)]
    if messages:
        parts.append(Text("\n".join(f"! {m}" for m in messages), style="yellow"))
    if items:
        parts += _reliability_items(result, width)
    if not quiet:
        legend = f"{t('rel.legend', lang)}\n{t('legend.hidden', lang, min_n=result.min_n)}"
        parts.append(Text(legend, style="dim"))
    return Group(*parts)


def _reliability_items(result, width: int) -> list[RenderableType]:
    from ..i18n import key_name

    lang = result.lang
    keys = [k.name for k in result.keys]
    scale = result.survey.instrument.scale
    parts: list[RenderableType] = []
    for rec in result.records.to_dict("records"):
        if rec["suppressed"]:
            continue
        groups = [
            f"{key_name(k, lang)} {rec[k] if rec[k] is not None else t('all', lang)}" for k in keys
        ]
        heading = rec["dimension_name"] + (f" · {' · '.join(groups)}" if groups else "")
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
        first, *numeric = t("rel.items", lang).split("|")
        table.add_column(first, no_wrap=True)
        for header in numeric:
            table.add_column(header, justify="right", no_wrap=True)
        table.add_column(" ".join(str(p) for p in scale.points) + " ?", no_wrap=True)
        for item in rec["items"]:
            if item["suppressed"]:
                table.add_row(item["item"], HIDDEN, "", "", "", "", "", "")
                continue
            dist = item["distribution"]
            r = item["r_drop"]
            table.add_row(
                item["item"],
                str(int(item["n"])),
                _num(item["mean"], lang),
                _num(item["sd"], lang),
                Text(_num(r, lang), style="red" if r == r and r < 0.3 else ""),
                _num(item["alpha_if_dropped"], lang),
                number(item["pct_missing"], lang, 1),
                " ".join(str(dist[str(p)]) for p in scale.points) + f" {dist['dont_know']}",
            )
        parts += [Text(heading, style="bold"), table]
    return parts


def _hidden_n(record: dict, min_n: int) -> str:
    """``n<5`` under a group hidden for being small; nothing under one hidden to protect it."""
    return f"n<{min_n}" if record.get("suppressed_reason") == "min_n" else ""


def _num(value, lang: str) -> str:
    return "–" if value is None or value != value else number(value, lang)


# ------------------------------------------------------------------- trend

SPARKS = "▁▂▃▄▅▆▇█"
_SPARK_SPAN = 0.5  # a sparkline spans at least half a scale point, so noise stays flat


def sparkline(values: list[float]) -> str:
    """Bars for a row of means; missing values are blank."""
    known = [v for v in values if v == v and v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    if high - low < _SPARK_SPAN:
        mid = (high + low) / 2
        low, high = mid - _SPARK_SPAN / 2, mid + _SPARK_SPAN / 2
    out = []
    for v in values:
        if v is None or v != v:
            out.append(" ")
        else:
            out.append(SPARKS[min(int((v - low) / (high - low) * len(SPARKS)), len(SPARKS) - 1)])
    return "".join(out)


@_view.register(TrendResult)
def _trend(result, width: int, quiet: bool = False, **_options) -> RenderableType:
    from .views import trend_groups

    lang = result.lang
    parts: list[RenderableType] = []
    for title, rows in trend_groups(result):
        parts.append(Text(title, style="bold"))
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
        table.add_column("", max_width=_DIM_WIDTH, min_width=12)
        for r in result.round_order:
            table.add_column(str(r), justify="right", min_width=_CELL_WIDTH + 2)
        table.add_column("", no_wrap=True)
        for name, cells in rows:
            rendered = []
            for cell in cells:
                if cell is None:
                    rendered.append(Text(""))
                elif cell.get("suppressed_reason") == "no_columns":
                    rendered.append(_no_columns_cell(lang))
                elif cell["suppressed"]:
                    rendered.append(Text(f"{HIDDEN}\n{_hidden_n(cell, result.min_n)}", style="dim"))
                else:
                    zone = cell["zone"]
                    text = Text(f"{number(cell['mean'], lang)} {ZONE_MARK.get(zone, ' ')}")
                    text.stylize(ZONE_STYLE.get(zone, ""))
                    marker = cell.get("marker", " ")
                    text.append(f" {marker}", style="bold" if marker.strip() else "")
                    text.append(f"\nn={int(cell['n'])}  ", style="dim")
                    rendered.append(text)
            means = [c["mean"] if c and not c["suppressed"] else None for c in cells]
            table.add_row(name, *rendered, sparkline(means))
        parts.append(table)
    parts += _no_columns(result)
    parts += _trend_notes(result, quiet)
    return Group(*parts)


def _trend_notes(result, quiet: bool = False) -> list[RenderableType]:
    from ..i18n import t as text_of

    lang = result.lang
    compare = text_of(f"trend.{result.baseline}", lang)
    used = result.records["test"].dropna().unique().tolist()
    tests = ", ".join(text_of(f"test.{u}", lang) for u in used) or text_of(
        f"test.{result.test}", lang
    )
    legend = text_of(
        "trend.legend",
        lang,
        compare=compare,
        test=tests,
        adjust=text_of(f"adjust.{result.adjust}", lang),
        alpha=number(result.alpha, lang),
    )
    paired = result.records[result.records["paired"].fillna(False).astype(bool)]
    if paired.empty:
        link = text_of("trend.independent", lang)
    else:
        first = paired.drop_duplicates(["round_from", "round_to"])
        pairs = ", ".join(
            f"{r['round_from']}→{r['round_to']} n={int(r['n_pairs'])}"
            for r in first.to_dict("records")
            if r["n_pairs"] == r["n_pairs"] and r["n_pairs"] is not None
        )
        link = text_of("trend.paired", lang, pairs=pairs)
    findings = "\n".join(f"• {f}" for f in result.findings) or text_of("trend.none", lang)
    parts = [Text(findings, style="bold")]
    if result.untested:
        parts.append(Text("\n".join(f"• {u}" for u in result.untested)))
    if quiet:  # the findings (and why some changes have no test) are results; the legend is not
        return parts
    family = text_of(f"family.{result.adjust}", lang, m=result.family)
    parts.append(Text(f"{legend} {family} {link}", style="dim"))
    parts.append(Text(t("legend.hidden", lang, min_n=result.min_n), style="dim"))
    return parts


# -------------------------------------------------------------------- gaps


@_view.register(GapsResult)
def _gaps(result, width: int, quiet: bool = False, **_options) -> RenderableType:
    from .views import gaps_tables

    lang = result.lang
    parts: list[RenderableType] = []
    for title, dims, names, columns, gap_column in gaps_tables(result):
        gap_cells = {dim: _gap_cell(rec, lang) for dim, rec in gap_column.items()}
        extra = (t("gaps.gap", lang), gap_cells)
        parts += _tables(result, title, dims, names, columns, width, extra)
    parts += _no_columns(result)
    findings = "\n".join(f"⚑ {f}" for f in result.findings) or t("gaps.none", lang)
    used = [u for u in dict.fromkeys(result.records["test"].dropna())]
    tests = ", ".join(t(f"test.{u}", lang) for u in used) or "–"
    legend = t(
        "gaps.legend",
        lang,
        gap=number(result.gap, lang, 1),
        test=tests,
        adjust=t(f"adjust.{result.adjust}", lang),
        alpha=number(result.alpha, lang),
    )
    parts.append(Text(findings, style="bold"))
    if result.untested:
        parts.append(Text("\n".join(f"• {u}" for u in result.untested)))
    if not quiet:
        family = t(f"family.{result.adjust}", lang, m=result.family)
        parts += [
            Text(f"{legend} {family}", style="dim"),
            Text(t("legend.hidden", lang, min_n=result.min_n), style="dim"),
        ]
    return Group(*parts)


def _gap_cell(record: dict | None, lang: str) -> Text:
    if record is not None and record.get("suppressed_reason") == "no_columns":
        return _no_columns_cell(lang)
    if record is None or record["gap"] is None or record["gap"] != record["gap"]:
        return Text("")
    text = f"{number(record['gap'], lang)} {'⚑' if record['flagged'] else ' '}"
    return Text(text, style="bold red" if record["flagged"] else "")


# -------------------------------------------------------------- trajectory

SPARKS = "▁▂▃▄▅▆▇█"


@_view.register(TrajectoryResult)
def _trajectory(result, width: int, quiet: bool = False, **_options) -> RenderableType:
    """Per group, a row per dimension: the sparkline over the rounds, first and last
    mean, the change per year with its interval."""
    lang = result.lang
    inst = result.survey.instrument
    keys = [k.name for k in result.keys]
    rounds = result.rounds
    shown = rounds[~rounds["suppressed"].astype(bool)]["mean"].astype(float)
    low, high = (float(shown.min()), float(shown.max())) if len(shown) else (0.0, 1.0)
    means = {}
    for rec in rounds.to_dict("records"):
        group = tuple(rec[k] for k in keys)
        means[(group, rec["round"], rec["dimension"])] = None if rec["suppressed"] else rec["mean"]
    title = t("trajectory_title", lang, title=inst.label(lang), first=result.round_order[0],
              last=result.round_order[-1])  # fmt: skip
    parts: list[RenderableType] = [Text(title, style="bold")]
    per = t(f"trajectory.per.{result.unit}", lang)
    records = result.records
    lacking = []  # the dimensions without item columns: a row in every group's table
    if "suppressed_reason" in records.columns:
        lacking = records.loc[records["suppressed_reason"] == "no_columns", "dimension"].tolist()
        records = records[records["suppressed_reason"] != "no_columns"]
    groups = list(dict.fromkeys(tuple(r) for r in records[keys].itertuples(index=False)))
    if not keys:
        groups = [()]
    for group in groups:
        rows = records
        for name, value in zip(keys, group, strict=True):
            rows = rows[rows[name].isna()] if value is None else rows[rows[name] == value]
        label = " · ".join(str(v) for v in group if v is not None) or t("all", lang)
        table = Table(title=label if keys else None, title_justify="left", box=box.SIMPLE_HEAD,
                      pad_edge=False, padding=(0, 1))  # fmt: skip
        table.add_column("", max_width=_DIM_WIDTH, min_width=12)
        table.add_column(t("trajectory.rounds", lang), no_wrap=True)
        table.add_column(str(result.round_order[0]), justify="right", no_wrap=True)
        table.add_column(str(result.round_order[-1]), justify="right", no_wrap=True)
        table.add_column(per, justify="right", no_wrap=True)
        table.add_column("95%", justify="right", no_wrap=True)
        for rec in rows.to_dict("records"):
            name = inst.dimension(rec["dimension"]).label(lang)
            spark = "".join(
                _spark(means.get((group, r, rec["dimension"])), low, high)
                for r in result.round_order
            )
            if rec["suppressed"]:
                table.add_row(name, spark, HIDDEN, HIDDEN, HIDDEN, "")
                continue
            first = (
                "" if rec["round_first"] == result.round_order[0] else f"({rec['round_first']}) "
            )
            last = "" if rec["round_last"] == result.round_order[-1] else f" ({rec['round_last']})"
            slope = rec["slope"]
            if slope is None or slope != slope:
                cells = [Text(HIDDEN, style="dim"), ""]
            else:
                mark = ("▲" if slope > 0 else "▼") if rec["significant"] else " "
                cells = [
                    Text(f"{signed(slope, lang)}{mark}",
                         style="bold" if rec["significant"] else ""),
                    f"{number(rec['slope_low'], lang)} – "
                    f"{number(rec['slope_high'], lang)}",
                ]  # fmt: skip
            table.add_row(name, spark, first + number(rec["mean_first"], lang),
                          number(rec["mean_last"], lang) + last, *cells)  # fmt: skip
        for dim in lacking:
            table.add_row(inst.dimension(dim).label(lang), "", _no_columns_cell(lang), "", "", "")
        parts.append(table)
    parts += _no_columns(result)
    if not quiet:
        findings = "\n".join(f"• {f}" for f in result.findings)
        if findings:
            parts.append(Text(findings, style="bold"))
        models = set(records["model"].dropna())
        model = t(f"trajectory.model.{'mixed' if 'mixed' in models else 'ols'}", lang)
        legend = t(
            "trajectory.legend", lang, placed=t(f"trajectory.placed.{result.unit}", lang),
            model=model, adjust=t(f"adjust.{result.adjust}", lang),
            alpha=number(result.alpha, lang), low=number(low, lang), high=number(high, lang),
        )  # fmt: skip
        parts.append(Text(f"{legend} {t(f'family.{result.adjust}', lang, m=result.family)}",
                          style="dim"))  # fmt: skip
        parts.append(Text(t("legend.hidden", lang, min_n=result.min_n), style="dim"))
    return Group(*parts)


def _spark(value, low: float, high: float) -> str:
    """One bar of a sparkline: ▁ at ``low``, █ at ``high``; a space for a hidden round."""
    if value is None or value != value:
        return " "
    span = high - low
    level = 0 if span <= 0 else round((value - low) / span * (len(SPARKS) - 1))
    return SPARKS[min(max(level, 0), len(SPARKS) - 1)]


# ------------------------------------------------------------------- areas


@_view.register(AreasResult)
def _areas(result, width: int, quiet: bool = False, **_options) -> RenderableType:
    if result.method == "model":
        return _areas_model(result, width, quiet)
    lang = result.lang
    inst = result.survey.instrument
    rec = result.records
    dims = list(dict.fromkeys(rec["dimension"]))
    shorts = {d.id: _area_header(d.short_label(lang)) for d in inst.dimensions}
    areas = list(dict.fromkeys(rec["area"].dropna()))
    cell = {(r["area"], r["dimension"]): r for r in rec.to_dict("records")}
    title = t("areas_title", lang, title=inst.label(lang))
    extras = [("n", 5)] + ([(t("areas.rank", lang), 5)] if result.sort else [])
    rows = []
    for area in [*areas, None]:
        records = [cell.get((area, d)) for d in dims]
        n = max((r["n"] for r in records if r and not r["suppressed"]), default=None)
        name = area if area is not None else t("all", lang)
        line = [_area_n(records, n, result)]
        if result.sort:
            sort_rec = cell.get((area, result.sort))
            rank = sort_rec["rank"] if sort_rec is not None else None
            line.append("" if rank is None or rank != rank else str(int(rank)))
        label = Text(name, style="" if area is not None else "bold")
        last = area is not None and area == areas[-1]
        rows.append((label, line, [_area_cell(r, lang) for r in records], last))
    headers = [shorts[d] for d in dims]
    parts = _panels(title, t("areas.area", lang), extras, headers, rows, width, lang)
    parts += _no_columns(result)
    if result.with_trend:
        parts += _area_changes(result, dims, shorts, areas, cell, width)
    if result.focus:
        parts += _area_focus(result, dims, cell)
    if not quiet:
        findings = "\n".join(f"• {f}" for f in result.findings)
        if findings:
            parts.append(Text(findings, style="bold"))
        key = " · ".join(f"{shorts[d]} {inst.dimension(d).label(lang)}" for d in dims)
        parts.append(Text(f"{key}\n{areas_legend(result, lang)}", style="dim"))
        parts.append(Text(t("legend.hidden", lang, min_n=result.min_n), style="dim"))
    return Group(*parts)


_CELL = 6  # a narrow column's cell: "4,25●▲", "4,16 ▲"; the box puts a space between columns
_AREA_HEADER = 12  # a dimension's short name longer than this is cut with "…"
_NAME = 24  # a row's name (an area, a rater) longer than this wraps (it is never cut)


def _area_header(short: str) -> str:
    return short if len(short) <= _AREA_HEADER else f"{short[: _AREA_HEADER - 1]}…"


def _panels(title, first, extras, headers, rows, width, lang) -> list[RenderableType]:
    """Named rows (areas, raters) and one narrow column per header (dimensions, rated
    actors); when the columns do not fit ``width``, consecutive panels of balanced size,
    each repeating the row's name and the ``extras`` columns ``(header, width)``, titled
    "(continued)" after the first. No header or name is cut.

    ``rows``: ``(name, extra cells, cells, end of section)``.
    """
    name_width = min(max(len(first), *(len(r[0].plain) for r in rows)), _NAME)
    # every column is followed by the box's one-space divider; the edges take one each
    fixed = 2 + name_width + sum(w + 1 for _, w in extras)
    need = [max(_CELL, len(header)) + 1 for header in headers]
    room = max(width - fixed, max(need))
    parts: list[RenderableType] = []
    for i, part in enumerate(_panel_runs(need, room)):
        parts.append(_panel_title(title, i, lang))
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=0, collapse_padding=True)
        table.add_column(first, min_width=name_width, max_width=name_width, overflow="fold")
        for header, w in extras:
            table.add_column(header, justify="right", min_width=w, no_wrap=True)
        for j in part:
            table.add_column(headers[j], justify="right", width=need[j] - 1, no_wrap=True)
        for name, extra, cells, end in rows:
            table.add_row(name, *extra, *(cells[j] for j in part), end_section=end)
        parts.append(table)
    return parts


def _areas_model(result, width: int, quiet: bool) -> RenderableType:
    """Per dimension, the areas by their model-based mean: a caterpillar in text (the
    interval drawn on a shared axis, the overall mean as │), rank intervals beside."""
    lang = result.lang
    inst = result.survey.instrument
    rec = result.records
    parts: list[RenderableType] = [
        Text(t("areas.model_title", lang, title=inst.label(lang)), style="bold")
    ]
    model = {} if result.model is None else {
        r["dimension"]: r for r in result.model.to_dict("records")
    }  # fmt: skip
    scale = inst.scale
    bar = max(12, min(30, width - 70))
    for dim in dict.fromkeys(rec["dimension"]):
        rows = rec[(rec["dimension"] == dim) & rec["area"].notna()]
        name = inst.dimension(dim).label(lang)
        reasons = rec.loc[rec["dimension"] == dim, "suppressed_reason"]
        if not len(rows) and (reasons == "no_columns").any():  # no item columns (issue 19)
            parts.append(Text(f"{name}: {t('dimension.no_columns', lang)}", style="bold"))
            continue
        m = model.get(dim)
        head = (
            name if m is None else f"{name} ({t('all', lang)}: {number(m['overall_mean'], lang)})"
        )
        table = Table(title=head, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                      padding=(0, 1))  # fmt: skip
        table.add_column(t("areas.area", lang), max_width=18, no_wrap=True, overflow="ellipsis")
        for header in ("n", t("areas.raw", lang), t("areas.estimate", lang), "95%",
                       t("areas.rank_interval", lang)):  # fmt: skip
            table.add_column(header, justify="right", no_wrap=True)
        table.add_column("", no_wrap=True)
        shown = rows[~rows["suppressed"].astype(bool) & rows["estimate"].notna()]
        shown = shown.sort_values("estimate", ascending=False, kind="stable")
        for r in shown.to_dict("records"):
            mark = ("▲" if r["model_diff"] > 0 else "▼") if r["flagged"] else " "
            table.add_row(
                r["area"], str(int(r["n"])), number(r["mean"], lang),
                Text(f"{number(r['estimate'], lang)}{mark}", style="bold" if r["flagged"] else ""),
                f"{number(r['estimate_low'], lang)}-{number(r['estimate_high'], lang)}",
                f"{r['rank']} ({r['rank_low']}-{r['rank_high']})",
                _caterpillar(r, m, scale, bar),
            )  # fmt: skip
        hidden = rows[rows["suppressed"].astype(bool) | rows["estimate"].isna()]
        for r in hidden.to_dict("records"):
            n = f"<{result.min_n}" if r.get("suppressed_reason") == "min_n" else HIDDEN
            table.add_row(r["area"], Text(n, style="dim"), HIDDEN, HIDDEN, "", "", "")
        parts.append(table)
    if result.with_trend:
        dims = list(dict.fromkeys(rec["dimension"]))
        shorts = {d.id: _area_header(d.short_label(lang)) for d in inst.dimensions}
        areas = list(dict.fromkeys(rec["area"].dropna()))
        cell = {(r["area"], r["dimension"]): r for r in rec.to_dict("records")}
        parts += _area_changes(result, dims, shorts, areas, cell, width)
    if result.focus:
        parts += _area_focus_model(result)
    if not quiet:
        findings = "\n".join(f"• {f}" for f in result.findings)
        if findings:
            parts.append(Text(findings, style="bold"))
        overall = ", ".join(
            f"{inst.dimension(d).short_label(lang)} {number(m['overall_mean'], lang)}"
            for d, m in model.items()
        )
        legend = t(
            "areas.model_legend", lang, overall=overall or HIDDEN,
            adjust=t(f"adjust.{result.adjust}", lang), alpha=number(result.alpha, lang),
            rounds=areas_rounds(result, lang),
        )  # fmt: skip
        parts.append(Text(f"{legend} {t(f'family.{result.adjust}', lang, m=result.family)}",
                          style="dim"))  # fmt: skip
        parts.append(Text(t("legend.hidden", lang, min_n=result.min_n), style="dim"))
    return Group(*parts)


def _area_focus_model(result) -> list[RenderableType]:
    """One area, dimension by dimension: its estimate and interval, the overall mean and
    its rank interval."""
    lang = result.lang
    area = result.focus
    names = {d.id: d.label(lang) for d in result.survey.instrument.dimensions}
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
    table.add_column("", max_width=_DIM_WIDTH)
    for header in (t("areas.estimate", lang), "95%", t("all", lang), "p",
                   t("areas.rank_interval", lang)):  # fmt: skip
        table.add_column(header, justify="right", no_wrap=True)
    rows = result.records[result.records["area"] == area]
    for r in rows.to_dict("records"):
        if r["suppressed"] or r["estimate"] is None or r["estimate"] != r["estimate"]:
            table.add_row(names[r["dimension"]], HIDDEN, "", "", "", "")
            continue
        table.add_row(
            names[r["dimension"]],
            Text(f"{number(r['estimate'], lang)} (n={int(r['n'])})",
                 style="bold" if r["flagged"] else ""),
            f"{number(r['estimate_low'], lang)}-{number(r['estimate_high'], lang)}",
            _num(r["overall_mean"], lang),
            _num(r["model_p_adj"], lang),
            f"{r['rank']} ({r['rank_low']}-{r['rank_high']})",
        )  # fmt: skip
    return [Text(t("areas.focus_title", lang, area=area), style="bold"), table]


def _caterpillar(record: dict, model: dict | None, scale, width: int) -> str:
    """The interval as ─ on a ``width``-character axis over the scale, ● the estimate and
    │ the overall mean."""
    span = scale.max - scale.min

    def at(value: float) -> int:
        return round((min(max(value, scale.min), scale.max) - scale.min) / span * (width - 1))

    cells = [" "] * width
    for i in range(at(record["estimate_low"]), at(record["estimate_high"]) + 1):
        cells[i] = "─"
    if model is not None:
        cells[at(model["overall_mean"])] = "│"
    cells[at(record["estimate"])] = "●"
    return "".join(cells)


def _area_n(rows, n, result) -> Text:
    if n is None:
        hidden = any(r and r.get("suppressed_reason") == "min_n" for r in rows)
        return Text(f"<{result.min_n}" if hidden else HIDDEN, style="dim")
    return Text(str(int(n)), style="dim")


def _area_cell(record: dict | None, lang: str) -> Text:
    if record is None:
        return Text("")
    if record.get("suppressed_reason") == "no_columns":
        return _no_columns_cell(lang)
    if record["suppressed"]:
        return Text(HIDDEN, style="dim")
    zone = record["zone"]
    text = Text(f"{number(record['mean'], lang)}{ZONE_MARK.get(zone, ' ')}")
    text.stylize(ZONE_STYLE.get(zone, ""))
    if record.get("flagged") is True:
        text.append("▲" if record["benchmark_diff"] > 0 else "▼", style="bold")
    else:
        text.append(" ")
    return text


def _area_changes(result, dims, shorts, areas, cell, width) -> list[RenderableType]:
    lang = result.lang
    rows = []
    spans = []
    for area in areas:
        records = [cell.get((area, d)) for d in dims]
        before = next((r["round_before"] for r in records if r and r.get("round_before")), "")
        now = next((r["round"] for r in records if r and r.get("round")), "")
        spans.append(f"{before}→{now}" if before else "")
        cells = []
        for r in records:
            change = None if r is None else r.get("change")
            if change is None or change != change:
                cells.append(Text(""))
                continue
            mark = ("▲" if change > 0 else "▼") if r.get("change_significant") else " "
            cells.append(Text(f"{signed(change, lang)}{mark}"))
        rows.append((Text(area), [spans[-1]], cells, False))
    span_width = max((len(s) for s in spans), default=0) + 1
    title = f"{t('areas.change_title', lang)} (▲ ▼ {t('trend.marked', lang)})"
    headers = [shorts[d] for d in dims]
    return _panels(title, t("areas.area", lang), [("", span_width)], headers, rows, width, lang)


def _area_focus(result, dims, cell) -> list[RenderableType]:
    lang = result.lang
    area = result.focus
    names = {d.id: d.label(lang) for d in result.survey.instrument.dimensions}
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
    table.add_column("", max_width=_DIM_WIDTH)
    for header in (area, t("areas.others", lang), "±", "p", t("areas.rank", lang)):
        table.add_column(header, justify="right", no_wrap=True)
    for dim in dims:
        r = cell.get((area, dim))
        if r is None or r["suppressed"]:
            table.add_row(names[dim], HIDDEN, "", "", "", "")
            continue
        diff = r["benchmark_diff"]
        style = "bold" if r["flagged"] else ""
        table.add_row(
            names[dim],
            f"{number(r['mean'], lang)} (n={int(r['n'])})",
            _num(r["benchmark_mean"], lang),
            Text(signed(diff, lang), style=style),
            _num(r["benchmark_p_adj"], lang),
            "" if r["rank"] is None or r["rank"] != r["rank"] else str(int(r["rank"])),
        )
    return [Text(t("areas.focus_title", lang, area=area), style="bold"), table]


# ----------------------------------------------------------- privacy-check


@_view.register(PrivacyCheckResult)
def _privacy_check(
    result: PrivacyCheckResult, width: int, message_lang: str = "en", **_options
) -> RenderableType:
    """The narrowest intervals first: exposed groups, then the sensitive ones (below min_n).
    In the language of the messages (``message_lang``): an analyst's audit."""
    from rich.console import Group
    from rich.text import Text

    lang = message_lang
    cells = result.records
    keys = [c for c in cells.columns if c not in _AUDIT_COLUMNS]
    sensitive = cells[cells["sensitive"]]
    table = Table(title=t("audit.title", lang), box=None)
    justify = ("left", "left", "right", "right", "right", "left")
    for name, side in zip(t("audit.columns", lang).split("|"), justify, strict=True):
        table.add_column(name, justify=side)
    everyone = t("audit.all", lang)
    for rec in sensitive.head(12).to_dict("records"):
        group = ", ".join(f"{k}={rec[k]}" for k in keys if isinstance(rec.get(k), str))
        table.add_row(
            str(rec["measure"]), group or everyone, str(rec["n"]),
            t("audit.interval", lang, low=rec["low"], high=rec["high"]),
            t("audit.width", lang, width=rec["width"])
            + ("" if rec["needed"] >= result.protection - 1e-9
               else t("audit.needed", lang, needed=rec["needed"])),
            t("audit.protected" if rec["protected"] else "audit.exposed", lang),
        )  # fmt: skip
    outputs = len(result.outputs) or t("audit.the", lang)
    verdict = (
        t("audit.exposed_count", lang, count=result.exposed)
        if result.exposed
        else t("audit.all_protected", lang)
    )
    summary = Text(
        t("audit.summary", lang, published=result.published, outputs=outputs,
          groups=len(cells), sensitive=len(sensitive), protection=result.protection)
        + verdict
    )  # fmt: skip
    return Group(table, summary)


_AUDIT_COLUMNS = {"measure", "n", "low", "high", "width", "needed", "sensitive", "protected"}


# --------------------------------------------------------------- relations


@_view.register(RelationsResult)
def _relations(result, width: int, quiet: bool = False, **_options) -> RenderableType:
    lang = result.lang
    inst = result.survey.instrument
    parts: list[RenderableType] = []
    for context, tables in relation_groups(result):
        if context:
            parts.append(Text(context, style="bold underline"))
        for rel_id, matrix in tables["matrices"]:
            parts += _relation_matrix(inst.relation(rel_id), matrix, result, width)
        if tables["self_other"]:
            parts.append(_self_other_table(result, tables["self_other"]))
        if tables["balance"]:
            parts.append(_balance_table(result, tables["balance"]))
        if tables["concentration"]:
            text = concentration_text(tables["concentration"][0], lang)
            if text is not None:
                parts.append(Text(text))
        for row in tables["network"]:
            text = network_text(row, inst, lang)
            if text is not None:
                parts.append(Text(text))
    if any(k.column == "round" for k in result.keys):
        parts.append(_relation_changes(result))
    findings = "\n".join(f"⚑ {f}" for f in result.findings) or t("relations.no_findings", lang)
    parts.append(Text(findings, style="bold"))
    if not quiet:
        legend = relation_legend(result, lang)
        family = t(f"family.{result.adjust}", lang, m=result.family)
        parts += [
            Text(f"{legend} {family}", style="dim"),
            Text(t("legend.hidden", lang, min_n=result.min_n), style="dim"),
        ]
    return Group(*parts)


def _relation_changes(result) -> RenderableType:
    """The significant changes between rounds (cells and concentration), or a line
    saying how many were tested."""
    lang = result.lang
    head, rows = relation_changes(result)
    if not rows:
        tested = int(
            result.changes["p"].notna().sum() + result.concentration_change["p"].notna().sum()
        )
        return Text(t("relations.no_changes", lang, m=tested))
    table = Table(
        title=t("relations.changes", lang),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for i, name in enumerate(head):
        right = i >= len(head) - 4
        table.add_column(name, justify="right" if right else "left", overflow="fold")
    for row in rows:
        table.add_row(*row)
    return Group(table, Text(t("relations.changes_legend", lang), style="dim"))


def _relation_cell(record: dict | None, result, scale) -> Text:
    lang = result.lang
    if record is None:
        return Text("")
    if record["suppressed"]:
        return Text(f"{HIDDEN} {_hidden_n(record, result.min_n)}".rstrip(), style="dim")
    mean = record["mean"]
    zone = relation_zone(result.survey.instrument, scale, mean)
    mark, style = {"strength": ("▲", "green"), "concern": ("▼", "red")}.get(zone, (" ", "yellow"))
    if record["self"]:
        style += " italic"
    return Text(f"{number(mean, lang)} {mark}", style=style)


def _relation_matrix(relation, records: list[dict], result, width: int) -> list[RenderableType]:
    """Raters as rows, rated actors as columns, in continued panels when they do not fit."""
    lang = result.lang
    inst = result.survey.instrument
    actors = short_names(inst, lang)
    targets = list(dict.fromkeys(r["target"] for r in records))
    raters = list(dict.fromkeys(r["rater"] for r in records))
    cell = {(r["rater"], r["target"]): r for r in records}
    rows = []
    for rater in raters:
        row = [cell.get((rater, target)) for target in targets]
        ns = [r["n"] for r in row if r is not None and r["n"] is not None]
        cells = [_relation_cell(r, result, relation.scale) for r in row]
        rows.append((Text(actors.get(rater, rater)), [str(max(ns)) if ns else ""], cells, False))
    n_width = max(1, *(len(r[1][0]) for r in rows))
    title = t("relations.matrix", lang, relation=relation.label(lang))
    headers = [actors.get(target, target) for target in targets]
    return _panels(title, t("relations.rater", lang), [("n", n_width)], headers, rows, width, lang)


def _self_other_table(result, records: list[dict]) -> Table:
    lang = result.lang
    inst = result.survey.instrument
    actors = short_names(inst, lang)
    relations = list(dict.fromkeys(r["relation"] for r in records))
    table = Table(
        title=t("relations.self_other", lang),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column(t("relations.target", lang), max_width=14, no_wrap=True)
    for rel in relations:
        name = inst.relation(rel).label(lang)
        table.add_column(
            f"{name}\n{t('relations.self', lang)} / {t('relations.others', lang)}",
            justify="right",
            max_width=20,
        )
    cell = {(r["target"], r["relation"]): r for r in records}
    for target in dict.fromkeys(r["target"] for r in records):
        texts = []
        for rel in relations:
            r = cell.get((target, rel))
            if r is None or r["gap"] is None or r["gap"] != r["gap"]:
                texts.append(Text(HIDDEN, style="dim"))
                continue
            flag = "⚑" if r["flagged"] else " "
            texts.append(
                Text(
                    f"{number(r['self_mean'], lang)} / {number(r['others_mean'], lang)} "
                    f"{signed(r['gap'], lang)}{flag}",
                    style="bold red" if r["flagged"] else "",
                )
            )
        table.add_row(actors.get(target, target), *texts)
    return table


def _balance_table(result, records: list[dict]) -> Table:
    lang = result.lang
    inst = result.survey.instrument
    actors = short_names(inst, lang)
    table = Table(
        title=t("relations.balance", lang),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column(t("relations.target", lang), max_width=14, no_wrap=True)
    for key in ("relations.actual", "relations.desired", "relations.gap"):
        table.add_column(t(key, lang), justify="right")
    table.add_column("n", justify="right")
    for r in records:
        flag = "⚑" if r["flagged"] else " "
        gap = (
            Text("")
            if r["diff"] is None
            else Text(f"{signed(r['diff'], lang)}{flag}", style="bold red" if r["flagged"] else "")
        )
        table.add_row(
            actors.get(r["target"], r["target"]),
            _num(r["actual"], lang),
            _num(r["desired"], lang),
            gap,
            "" if r["n_pairs"] is None else str(r["n_pairs"]),
        )
    return table
