"""Terminal tables (rich): dimensions as rows, groups as columns, a legend and the row ledger."""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..i18n import number, t
from .layout import ledger_summary, score_tables

if TYPE_CHECKING:
    from ..scoring import ScoreResult

ZONE_STYLE = {"strength": "green", "attention": "yellow", "concern": "red"}
ZONE_MARK = {"strength": "●", "attention": "◐", "concern": "○"}
HIDDEN = "–"
_DIM_WIDTH = 22  # the dimension column
_CELL_WIDTH = 7  # "3,58 ●"
_COL_MAX = 12  # a group column; longer words in a header use the actor's short name
_WORD_MAX = 18  # ... or widen the column up to this for other group labels


def render(result, width: int = 100, color: bool = False, **_options) -> str:
    """The result as terminal text of at most ``width`` columns."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        legacy_windows=False,
    )
    console.print(renderable(result, width))
    return buffer.getvalue()


def renderable(result, width: int = 100) -> RenderableType:
    """The result as a rich renderable (the CLI prints it with colour on a terminal)."""
    kinds = {
        "score": _score,
        "validate": _validate,
        "instrument_list": _instrument_list,
        "instrument_show": _instrument_show,
    }
    return kinds[result.kind](result, width)


# ------------------------------------------------------------------- score


def _score(result: ScoreResult, width: int) -> RenderableType:
    dims, names, specs = score_tables(result)
    parts: list[RenderableType] = []
    for spec in specs:
        parts += _tables(result, spec.title, dims, names, spec.columns, width)
    parts.append(_legend(result))
    parts.append(Text(ledger_summary(result), style="dim"))
    return Group(*parts)


def _tables(result, title, dims, names, columns, width) -> list[RenderableType]:
    """One table, or several of balanced size when the group columns do not fit ``width``."""
    lang = result.lang
    short = {a.label(lang): a.short_label(lang) for a in result.survey.instrument.actors}
    headers = [_header(label, short) for label, _ in columns]
    longest = [min(max(_CELL_WIDTH, *(len(w) for w in h.split())), _WORD_MAX) for h in headers]
    need = [w + 2 for w in longest]
    room = width - _DIM_WIDTH - 3
    chunks = max(1, math.ceil(sum(need) / room))
    while chunks < len(columns) and max(_runs(need, chunks, sum)) > room:
        chunks += 1
    tables = []
    start = 0
    for i, size in enumerate(_runs(need, chunks, len)):
        part = list(zip(headers, columns, strict=True))[start : start + size]
        start += size
        heading = title if i == 0 else f"{title.splitlines()[0]} ({t('continued', lang)})"
        tables.append(Text(heading, style="bold"))
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
        table.add_column("", max_width=_DIM_WIDTH, min_width=12)
        for header, _ in part:
            wide = min(max(_COL_MAX, *(len(w) for w in header.split())), _WORD_MAX)
            table.add_column(header, justify="right", min_width=_CELL_WIDTH, max_width=wide)
        for dim in dims:
            table.add_row(names[dim], *(_cell(col.get(dim), lang) for _, (_, col) in part))
        tables.append(table)
    return tables


def _header(label: str, short: dict[str, str]) -> str:
    """The group label, or its short name when one of its words is too long for a column."""
    if label in short and max(len(w) for w in label.split()) > _COL_MAX:
        return short[label]
    return label


def _runs(need: list[int], chunks: int, measure) -> list:
    """Split ``need`` into ``chunks`` consecutive runs of about equal width."""
    size = math.ceil(len(need) / chunks)
    return [measure(need[i : i + size]) for i in range(0, len(need), size)]


def _cell(record: dict | None, lang: str) -> Text:
    if record is None:
        return Text("")
    if record["suppressed"]:
        return Text(f"{HIDDEN}\n", style="dim")
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
        ("strength", f"≥ {number(z.strength, lang, 1)}"),
        ("attention", f"{number(z.attention, lang, 1)}–{number(z.strength - 0.01, lang)}"),
        ("concern", f"< {number(z.attention, lang, 1)}"),
    ):
        legend.append(f"{ZONE_MARK[zone]} {t('zone.' + zone, lang)} {text}", ZONE_STYLE[zone])
        legend.append("   ")
    legend.append("\n" + t("legend.hidden", lang, min_n=result.min_n), style="dim")
    return legend


# ---------------------------------------------------------------- validate

_KIND_TEXT = {
    "item": "item",
    "role": "role",
    "personal": "personal data: dropped",
    "other": "ignored",
}


def _validate(result, width: int) -> RenderableType:
    from ..io.layouts import LAYOUTS
    from ..survey import EXCLUSION_REASONS

    parts: list[RenderableType] = []
    for report in result.files:
        src = report.source
        status = (
            Text("✓ can be scored", style="green")
            if report.can_score
            else Text("✗ cannot be scored", style="bold red")
        )
        head = Text(f"{src.where}", style="bold")
        head.append(
            f"\n{LAYOUTS.get(src.layout, src.layout)}, header row {report.header_row}, "
            f"{src.rows} data rows",
            style="",
        )
        if src.encoding:
            head.append(f", {src.encoding}, delimiter {src.delimiter!r}")
        head.append("  ")
        head.append(status)
        parts.append(head)

        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
        table.add_column("Column", max_width=width - 40, overflow="ellipsis", no_wrap=True)
        table.add_column("Read as", max_width=24)
        table.add_column("How", max_width=10)
        for c in report.columns:
            target = f"{c.kind}: {c.target}" if c.kind in ("item", "role") else _KIND_TEXT[c.kind]
            style = {"personal": "magenta", "other": "dim"}.get(c.kind, "")
            table.add_row(c.column, Text(target, style=style), c.how or "")
        parts.append(table)

        items = result.instrument.item_ids
        if report.missing_items:
            parts.append(
                Text(
                    f"Items with no column ({len(report.missing_items)} of {len(items)}): "
                    + ", ".join(report.missing_items),
                    style="yellow",
                )
            )
        else:
            parts.append(
                Text(f"Every item of '{result.instrument.id}' has a column.", style="green")
            )
        if report.invalid_cells:
            bad = Table(title="Invalid answers", title_justify="left", box=box.SIMPLE_HEAD)
            bad.add_column("Column", max_width=40, overflow="ellipsis", no_wrap=True)
            bad.add_column("Value", max_width=20)
            bad.add_column("Count", justify="right")
            bad.add_column("Rows", max_width=24)
            for cell in report.invalid_cells:
                rows = ", ".join(e.rsplit(":", 1)[-1] for e in cell.examples)
                bad.add_row(cell.column, cell.value, str(cell.count), rows)
            parts.append(bad)
        rows = Text(f"Rows: {src.rows} read, {report.rows_scorable} can be scored")
        for e in report.excluded:
            example = ", ".join(x.rsplit(":", 1)[-1] for x in e.examples[:5])
            rows.append(f"; {e.rows} excluded: {EXCLUSION_REASONS[e.reason]} (row {example})")
        parts.append(rows)
        for problem in report.problems:
            parts.append(Text(f"Problem: {problem}", style="bold red"))
        for warning in report.warnings:
            parts.append(Text(f"Warning: {warning}", style="yellow"))
        parts.append(Text(""))
    if result.strict:
        for problem in result.strict_problems:
            parts.append(Text(f"--strict: {problem}", style="bold red"))
    return Group(*parts)


# ------------------------------------------------------------- instruments


def _instrument_list(result, width: int) -> RenderableType:
    table = Table(title="Bundled instruments", title_justify="left", box=box.SIMPLE_HEAD)
    for header in ("Name", "Title", "Version", "Language", "Dimensions", "Items"):
        table.add_column(header, justify="right" if header in ("Dimensions", "Items") else "left")
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


def _instrument_show(result, width: int) -> RenderableType:
    inst, lang = result.instrument, result.lang
    scale = inst.scale
    labels = ", ".join(f"{p} {scale.name(p, lang)}" for p in scale.points)
    head = Text(f"{inst.label(lang)} ({inst.id} {inst.version})\n", style="bold")
    head.append(f"Scale: {labels}; {scale.name('missing', lang)} is missing.\n", style="")
    head.append(
        f"Zones: {t('zone.strength', lang)} ≥ {number(inst.zones.strength, lang, 1)}, "
        f"{t('zone.attention', lang)} ≥ {number(inst.zones.attention, lang, 1)}. "
        "↺ marks a reverse-keyed item.",
        style="",
    )
    parts: list[RenderableType] = [head]
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_header=True)
    table.add_column("Item", no_wrap=True)
    table.add_column("", width=1)
    table.add_column("Statement", max_width=width - 24)
    for dim in inst.dimensions:
        table.add_row("", "", Text(dim.label(lang), style="bold"))
        for item in dim.items:
            table.add_row(item.id, "↺" if item.reverse else "", item.label(lang))
    parts.append(table)
    return Group(*parts)
