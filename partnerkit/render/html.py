"""A self-contained HTML report for a partnership board.

:func:`render_html` lays out a :class:`~partnerkit.report.Report` as one HTML5
file: inline styles, inline SVG charts (:mod:`partnerkit.render.charts`), no
external resources at all, so it can be mailed, archived or printed to A4 as
it is. Every section pairs a chart with a table of the same numbers the
terminal views print; hidden (suppressed) groups show ``–`` and never a
statistic, in tables, charts and attributes alike. All text is Danish or
English after ``report.lang``; data text is escaped.
"""

from __future__ import annotations

import html
from types import SimpleNamespace
from typing import TYPE_CHECKING

from ..i18n import HIDDEN, ZONE_MARK, bound, join_words, key_name, number, signed, t
from ..output import terminal_text
from .views import (
    areas_legend,
    areas_rounds,
    concentration_text,
    ledger_summary,
    relation_changes,
    relation_groups,
    relation_legend,
    relation_zone,
    score_tables,
    trend_groups,
)

if TYPE_CHECKING:
    from ..report import Report

_WORD_MAX = 13  # a header word longer than this uses the actor's short name


def _e(value: object) -> str:
    """HTML escaped, control characters spelt out (``\\x1b``; HTML forbids them)."""
    return html.escape(terminal_text(str(value)), quote=True)


def _css() -> str:
    """The report's style sheet, shipped as package data (``render/report.css``)."""
    from importlib.resources import files

    return files(__package__).joinpath("report.css").read_text(encoding="utf-8").strip()


def render(result: Report, **_options) -> str:
    """Registry entry point: the same as :func:`render_html`."""
    return render_html(result)


def render_html(report: Report) -> str:
    """The report as one self-contained HTML5 document (a string)."""
    from . import charts

    lang = report.lang
    sections: list[tuple[str, str, str]] = []  # (id, heading, body)
    sections.append(("profile", t("html.profile", lang), _profile(report, charts.profile_chart)))
    if report.gaps is not None:
        sections.append(("gaps", t("html.gaps", lang), _gaps(report, charts.gaps_chart)))
    if report.trend is not None:
        sections.append(("trend", t("html.trend", lang), _trend(report, charts.trend_chart)))
    if report.trajectory is not None:
        sections.append(("trajectory", t("html.trajectory", lang), _trajectory(report)))
    if report.areas is not None:
        sections.append(("areas", t("html.areas", lang), _areas(report, charts.areas_chart)))
    if report.area_model is not None:
        sections.append(("area-model", t("html.area_model", lang), _area_model(report)))
    if report.relations is not None:
        sections.append(("relations", t("html.relations", lang), _relations(report, charts)))
    sections.append(("reliability", t("html.reliability", lang), _reliability(report)))
    sections.append(("method", t("report.method", lang), _method(report)))

    toc = "".join(f'<li><a href="#{sid}">{_e(head)}</a></li>' for sid, head, _ in sections)
    body = [
        "<header>",
        f"<h1>{_e(report.title)}</h1>",
        f'<p class="subtitle">{_e(_subtitle(report))}</p>',
        f'<nav aria-label="{_e(t("html.contents", lang))}"><ol>'
        f'<li><a href="#findings">{_e(t("report.findings", lang))}</a></li>{toc}</ol></nav>',
        "</header>",
        _findings(report),
    ]
    for sid, head, content in sections:
        body.append(f'<section id="{sid}">\n<h2>{_e(head)}</h2>\n{content}\n</section>')
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(report.title)}</title>\n<style>{_css()}</style>\n</head>\n"
        "<body>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


# ------------------------------------------------------------------ header


def _subtitle(report: Report) -> str:
    lang = report.lang
    inst = report.survey.instrument
    parts = []
    if report.title != inst.label(lang):
        parts.append(inst.label(lang))
    if report.round is not None:
        parts.append(f"{t('round', lang)} {report.round}")
    parts.append(t("html.respondents", lang, n=report.scores.rows_scored))
    if report.trend is not None:
        parts.append(
            t(
                "html.respondents_total",
                lang,
                n=report.trend.rows_scored,
                rounds=len(report.trend.round_order),
            )
        )
    if report.areas is not None:
        areas = report.areas.records["area"].dropna().nunique()
        parts.append(t("html.areas_count", lang, n=areas))
    return " · ".join(parts)


#: The section of the page that shows each analysis's findings in full.
_FINDING_PLACES = {"gaps": "gaps", "trend": "trend", "areas": "areas", "relations": "relations"}


def _findings(report: Report) -> str:
    """The summary: the findings grouped by analysis (at most 3 of an area, 12 in all,
    :attr:`~partnerkit.report.Report.finding_groups`), then how many more and where."""
    lang = report.lang
    groups, _rest = report.finding_groups
    if groups:
        parts = [f'<p class="intro">{_e(t("html.findings.intro", lang))}</p>']
        for section, found in groups:
            items = "".join(f"<li>{_e(f)}</li>" for f in found)
            head = _e(t(f"findings.section.{section}", lang))
            parts.append(f'<h3>{head}</h3>\n<ul class="found">{items}</ul>')
        where = {
            s: f'<a href="#{sid}">{_e(t(f"html.{sid}", lang))}</a>'
            for s, sid in _FINDING_PLACES.items()
        }
        mark = "\ue000"  # private use: never in a catalogue text
        more = report.more_findings({s: f"{mark}{s}{mark}" for s in where})
        if more is not None:  # the headings become links after the text is escaped
            text = _e(more)
            for s, link in where.items():
                text = text.replace(f"{mark}{s}{mark}", link)
            parts.append(f'<p class="more">{text}</p>')
        content = "\n".join(parts)
    else:
        content = f"<p>{_e(t('html.findings.none', lang))}</p>"
    if report.gaps is not None or report.trend is not None or report.areas is not None:
        content += f'\n<p class="note">{_e(report.family)}</p>'
    return (
        f'<section id="findings" class="findings">\n<h2>{_e(t("report.findings", lang))}</h2>\n'
        f"{content}\n</section>"
    )


# ----------------------------------------------------------------- helpers


def _figure(svg: str | None) -> str:
    return f'<figure class="chart">\n{svg}</figure>' if svg else ""


def _lead(parts: list[str]) -> str:
    """Intro, notes and chart, kept on one printed page."""
    return '<div class="lead">\n' + "\n".join(p for p in parts if p) + "\n</div>"


def _table(caption: str, head: list[str], rows: list[str], cls: str = "", left: int = 1) -> str:
    """A table from escaped header texts and ready ``<tr>`` rows; ``left`` text columns."""
    cells = "".join(
        f'<th scope="col" class="name">{h}</th>' if i < left else f'<th scope="col">{h}</th>'
        for i, h in enumerate(head)
    )
    klass = f' class="{cls}"' if cls else ""
    return (
        f'<div class="table-wrap"><table{klass}>\n<caption>{_e(caption)}</caption>\n'
        f"<thead><tr>{cells}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody></table></div>"
    )


def _row(name: str, cells: list[str], cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<tr{klass}><th scope="row" class="name">{_e(name)}</th>{"".join(cells)}</tr>'


def _hidden_cell(record: dict, min_n: int, lang: str = "en") -> str:
    """``–`` with ``n<5`` for a small group; ``–`` alone for one hidden to protect another;
    the reason for a dimension with no columns."""
    if record.get("suppressed_reason") == "no_columns":
        return f'<td class="hidden">{_e(t("dimension.no_columns", lang))}</td>'
    if record.get("suppressed_reason") == "min_n":
        return f'<td class="hidden">{HIDDEN}<span class="n">n&lt;{min_n}</span></td>'
    return f'<td class="hidden">{HIDDEN}</td>'


def _zone(zone: str | None, lang: str) -> tuple[str, str]:
    if zone not in ZONE_MARK:
        return "", ""
    word = t(f"zone.{zone}", lang)
    return ZONE_MARK[zone], word


def _score_cell(record: dict | None, lang: str, min_n: int, marker: str = "") -> str:
    if record is None:
        return "<td></td>"
    if record["suppressed"]:
        return _hidden_cell(record, min_n, lang)
    mark, word = _zone(record.get("zone"), lang)
    change = f' <b class="change">{_e(marker)}</b>' if marker.strip() else ""
    return (
        f'<td class="z-{_e(record.get("zone"))}"><span class="v">{number(record["mean"], lang)}'
        f' <span class="mark" aria-hidden="true">{mark}</span>{change}</span>'
        f'<span class="zw">{_e(word)}</span><span class="n">n={int(record["n"])}</span></td>'
    )


def _num(value, lang: str, decimals: int = 2) -> str:
    return HIDDEN if value is None or value != value else number(value, lang, decimals)


def _p(value, lang: str) -> str:
    if value is None or value != value:
        return HIDDEN
    if value < 0.001:
        return f"&lt; {number(0.001, lang, 3)}"
    return number(value, lang, 3)


def _zone_legend(report: Report) -> str:
    lang = report.lang
    inst = report.survey.instrument
    z = inst.zones
    parts = [
        f"{ZONE_MARK['strength']} {t('zone.strength', lang)} ≥ {bound(z.strength, lang)}",
        f"{ZONE_MARK['attention']} {t('zone.attention', lang)} "
        f"{bound(z.attention, lang)}–{number(z.strength - 0.01, lang)}",
        f"{ZONE_MARK['concern']} {t('zone.concern', lang)} < {bound(z.attention, lang)}",
    ]
    lo, hi = inst.scale.min, inst.scale.max
    return (
        f'<p class="legend">{_e(t("legend.cell", lang, lo=lo, hi=hi))} '
        f"{_e(' · '.join(parts))}<br>{_e(t('legend.hidden', lang, min_n=report.min_n))}</p>"
    )


def _header(label: str, short: dict[str, str]) -> str:
    """The group label; its short name in an ``abbr`` when a word is too long for a column."""
    if label in short and max(len(w) for w in label.split()) > _WORD_MAX:
        return f'<abbr title="{_e(label)}">{_e(short[label])}</abbr>'
    return _e(label)


# ----------------------------------------------------------------- profile


def _profile(report: Report, chart) -> str:
    lang = report.lang
    inst = report.survey.instrument
    result = report.scores
    scale = inst.scale
    where = t("html.in_round", lang, round=report.round) if report.round else ""
    intro = t(
        "html.profile.intro",
        lang,
        round=where,
        lo=scale.min,
        hi=scale.max,
        lo_name=scale.name(scale.min, lang).lower(),
        hi_name=scale.name(scale.max, lang).lower(),
        strength=bound(inst.zones.strength, lang),
        attention=bound(inst.zones.attention, lang),
    )
    out = [f'<p class="intro">{_e(intro)}</p>']
    rec = result.records
    if "actor" in rec.columns:
        groups = rec[rec["actor"].notna()]
        hidden_all, hidden_some = [], []
        for group, part in groups.groupby("actor", sort=False):
            hidden = part["suppressed"].astype(bool)
            if hidden.all():
                hidden_all.append(str(group))
            elif hidden.any():
                hidden_some.append(str(group))
        if hidden_all:
            text = t(
                "html.profile.hidden", lang, groups=join_words(hidden_all, lang), min_n=report.min_n
            )
            out.append(f'<p class="note">{_e(text)}</p>')
        if hidden_some:
            text = t("html.profile.partly", lang, groups=join_words(hidden_some, lang))
            out.append(f'<p class="note">{_e(text)}</p>')
    out = [_lead([*out, _figure(chart(report))])]
    dims, names, specs = score_tables(result)
    short = {a.label(lang): a.short_label(lang) for a in inst.actors}
    for spec in specs:
        head = [_e(t("dimension", lang)), *(_header(label, short) for label, _ in spec.columns)]
        rows = [
            _row(names[d], [_score_cell(col.get(d), lang, report.min_n) for _, col in spec.columns])
            for d in dims
        ]
        caption = t("html.profile.table", lang) + where
        out.append(_table(caption, head, rows, "scores"))
    out.append(_zone_legend(report))
    return "\n".join(out)


# -------------------------------------------------------------------- gaps


def _gaps(report: Report, chart) -> str:
    lang = report.lang
    result = report.gaps
    intro = t("html.gaps.intro", lang, gap=number(result.gap, lang, 1))
    out = [_lead([f'<p class="intro">{_e(intro)}</p>', _figure(chart(report))])]
    head = [
        _e(t("dimension", lang)),
        _e(t("report.highest", lang)),
        _e(t("report.lowest", lang)),
        _e(t("gaps.gap", lang)),
        _e(t("html.p_adj", lang)),
        "⚑",
    ]
    rows = [_gap_row(rec, lang) for rec in result.records.to_dict("records")]
    where = t("html.in_round", lang, round=report.round) if report.round else ""
    out.append(_table(t("html.gaps.table", lang) + where, head, rows, "gaps"))
    if result.focus is not None and not result.focus.empty and result.between.name != "sector":
        for rec in result.focus.to_dict("records"):
            groups = rec["groups"]
            head = [_e(t("dimension", lang)), *(_e(g["group"]) for g in groups)]
            head += [_e(t("gaps.gap", lang)), _e(t("html.p_adj", lang)), "⚑"]
            cells = [_score_cell(g, lang, report.min_n) for g in groups]
            cells += _gap_cells(rec, lang)
            caption = t("gaps.focus", lang, dimension=rec["dimension_name"])
            out.append(_table(caption, head, [_row(rec["dimension_name"], cells)], "focus"))
    used = list(dict.fromkeys(result.records["test"].dropna()))
    legend = t(
        "gaps.legend",
        lang,
        gap=number(result.gap, lang, 1),
        test=", ".join(t(f"test.{u}", lang) for u in used) or HIDDEN,
        adjust=t(f"adjust.{result.adjust}", lang),
        alpha=number(result.alpha, lang),
    )
    out.append(
        f'<p class="legend">{_e(legend)}<br>{_e(t("legend.hidden", lang, min_n=report.min_n))}</p>'
    )
    out.append(_untested(result.untested))
    return "\n".join(out)


def _untested(lines) -> str:
    """Gaps and changes shown without a test, in words, under their own section (the
    summary on the first page holds the findings only)."""
    if not lines:
        return ""
    return '<ul class="untested">' + "".join(f"<li>{_e(u)}</li>" for u in lines) + "</ul>"


def _gap_cells(rec: dict, lang: str) -> list[str]:
    gap = rec["gap"]
    flagged = rec["flagged"] is True
    cls = ' class="flag"' if flagged else ""
    return [
        f"<td{cls}>{_num(gap, lang)}</td>",
        f"<td>{_p(rec['p_adj'], lang)}</td>",
        f"<td{cls}>{'⚑' if flagged else ''}</td>",
    ]


def _gap_row(rec: dict, lang: str) -> str:
    if rec.get("suppressed_reason") == "no_columns":  # a dimension the export lacks
        cells = [_hidden_cell(rec, 0, lang), *(["<td></td>"] * 4)]
        return _row(rec["dimension_name"], cells)
    shown = {g["group"]: g for g in rec["groups"] if not g["suppressed"] and g["mean"] is not None}
    cells = []
    for key in ("max_group", "min_group"):
        group = shown.get(rec[key]) if isinstance(rec[key], str) else None
        if group is None:
            cells.append(f"<td>{HIDDEN}</td>")
        else:
            cells.append(
                f'<td class="group">{_e(group["group"])} '
                f'<span class="v">{number(group["mean"], lang)}</span></td>'
            )
    cells += _gap_cells(rec, lang)
    return _row(rec["dimension_name"], cells, "flagged" if rec["flagged"] is True else "")


# ------------------------------------------------------------------- trend


def _trend(report: Report, chart) -> str:
    lang = report.lang
    result = report.trend
    compare = t(f"trend.{result.baseline}", lang)
    intro = t(
        "html.trend.intro", lang, rounds=", ".join(map(str, result.round_order)), compare=compare
    )
    out = [_lead([f'<p class="intro">{_e(intro)}</p>', _figure(chart(report))])]
    head = [_e(t("dimension", lang)), *(_e(r) for r in result.round_order)]
    for _title, rows in trend_groups(result):
        body = []
        for name, cells in rows:
            body.append(
                _row(
                    name,
                    [
                        _score_cell(c, lang, report.min_n, c.get("marker", "") if c else "")
                        for c in cells
                    ],
                )
            )
        out.append(_table(t("html.trend.table", lang), head, body, "trend"))
    out.append(_trend_legend(result, lang))
    untested = [*result.untested]
    if report.trend_by_actor is not None:
        untested += [u for u in report.trend_by_actor.untested if u not in untested]
    out.append(_untested(untested))
    if report.trend_by_actor is not None:
        out.append(_trend_by_actor(report))
    return "\n".join(out)


def _trend_legend(result, lang: str) -> str:
    used = result.records["test"].dropna().unique().tolist()
    tests = ", ".join(t(f"test.{u}", lang) for u in used) or t(f"test.{result.test}", lang)
    legend = t(
        "trend.legend",
        lang,
        compare=t(f"trend.{result.baseline}", lang),
        test=tests,
        adjust=t(f"adjust.{result.adjust}", lang),
        alpha=number(result.alpha, lang),
    )
    return (
        f'<p class="legend">{_e(legend)} {_e(_link(result, lang))}<br>'
        f"{_e(t('legend.hidden', lang, min_n=result.min_n))}</p>"
    )


def _link(result, lang: str) -> str:
    paired = result.records[result.records["paired"].fillna(False).astype(bool)]
    if paired.empty:
        return t("trend.independent", lang)
    first = paired.drop_duplicates(["round_from", "round_to"])
    pairs = ", ".join(
        f"{r['round_from']}→{r['round_to']} n={int(r['n_pairs'])}"
        for r in first.to_dict("records")
        if r["n_pairs"] is not None and r["n_pairs"] == r["n_pairs"]
    )
    return t("trend.paired", lang, pairs=pairs)


def _trend_by_actor(report: Report) -> str:
    lang = report.lang
    result = report.trend_by_actor
    keys = [k.name for k in result.keys]
    rec = result.records
    keep = rec["significant"].fillna(False).astype(bool) & ~rec["suppressed"].astype(bool)
    rec = rec[keep & rec[keys].notna().all(axis=1)]  # everyone together is the table above
    if rec.empty:
        return f"<p>{_e(t('html.trend.actor.none', lang))}</p>"
    head = [
        *(_e(key_name(k, lang).capitalize()) for k in keys),
        _e(t("dimension", lang)),
        _e(t("html.from", lang)),
        _e(t("html.to", lang)),
        _e(t("html.change", lang)),
        _e(t("html.p_adj", lang)),
    ]
    rows = []
    for r in rec.to_dict("records"):
        arrow = "▲" if r["diff"] > 0 else "▼"
        cells = [f'<td class="text">{_e(r[k])}</td>' for k in keys[1:]]
        cells += [
            f'<td class="text">{_e(r["dimension_name"])}</td>',
            _round_cell(r["round_from"], r["mean_from"], r["n_from"], lang),
            _round_cell(r["round_to"], r["mean_to"], r["n_to"], lang),
            f'<td class="flag">{signed(r["diff"], lang)} {arrow}</td>',
            f"<td>{_p(r['p_adj'], lang)}</td>",
        ]
        rows.append(_row(str(r[keys[0]]), cells))
    return _table(t("html.trend.actor", lang), head, rows, "changes", left=len(keys) + 1)


def _round_cell(round_: str, mean: float, n: int, lang: str) -> str:
    return f"<td>{_e(round_)}: {number(mean, lang)} (n={int(n)})</td>"


# ------------------------------------------------------------------- areas


def _areas(report: Report, chart) -> str:
    from .charts import areas_focus

    lang = report.lang
    result = report.areas
    inst = report.survey.instrument
    focus = areas_focus(report)
    rounds = areas_rounds(result, lang)
    intro = t(
        "html.areas.intro",
        lang,
        dimension=inst.dimension(focus).label(lang) if focus else HIDDEN,
        gap=number(result.gap, lang, 1),
        rounds=rounds,
    )
    out = [f'<p class="intro">{_e(intro)}</p>']
    rec = result.records
    if focus is not None:
        part = rec[(rec["dimension"] == focus) & rec["area"].notna()]
        hidden = [str(a) for a in part[part["suppressed"].astype(bool)]["area"]]
        if hidden:
            text = t("html.areas.hidden", lang, areas=join_words(hidden, lang))
            out.append(f'<p class="note">{_e(text)}</p>')
    out = [_lead([*out, _figure(chart(report))])]
    dims = list(dict.fromkeys(rec["dimension"]))
    dim_of = {d.id: d for d in inst.dimensions}
    cell = {(r["area"], r["dimension"]): r for r in rec.to_dict("records")}
    areas = list(dict.fromkeys(rec["area"].dropna()))
    head = [_e(t("areas.area", lang)), "n"]
    head += [
        f'<abbr title="{_e(dim_of[d].label(lang))}">{_e(dim_of[d].short_label(lang))}</abbr>'
        if d in dim_of
        else _e(d)
        for d in dims
    ]
    rows = []
    for area in [*areas, None]:
        records = [cell.get((area, d)) for d in dims]
        shown = [r for r in records if r is not None and not r["suppressed"]]
        if shown:
            n_cell = f'<td class="n">{int(max(r["n"] for r in shown))}</td>'
        elif any(r is not None and r.get("suppressed_reason") == "min_n" for r in records):
            n_cell = f'<td class="hidden">&lt;{report.min_n}</td>'
        else:
            n_cell = f'<td class="hidden">{HIDDEN}</td>'
        cells = [n_cell, *(_area_cell(r, lang) for r in records)]
        name = str(area) if area is not None else t("all", lang)
        rows.append(_row(name, cells, "total" if area is None else ""))
    out.append(_table(t("html.areas.table", lang), head, rows, "areas"))
    key = " · ".join(
        f"{dim_of[d].short_label(lang)}: {dim_of[d].label(lang)}" for d in dims if d in dim_of
    )
    legend = areas_legend(result, lang)
    out.append(
        f'<p class="legend">{_e(key)}<br>{_e(legend)}<br>'
        f"{_e(t('legend.hidden', lang, min_n=report.min_n))}</p>"
    )
    return "\n".join(out)


def _area_cell(record: dict | None, lang: str) -> str:
    if record is None:
        return "<td></td>"
    if record["suppressed"]:
        return f'<td class="hidden">{HIDDEN}</td>'
    mark = ZONE_MARK.get(record.get("zone"), "")
    word = t(f"zone.{record['zone']}", lang) if mark else ""
    arrow = ""
    if record.get("flagged") is True:
        arrow = f' <b class="change">{"▲" if record["benchmark_diff"] > 0 else "▼"}</b>'
    return (
        f'<td class="z-{_e(record.get("zone"))}">{number(record["mean"], lang)} '
        f'<span class="mark" title="{_e(word)}">{mark}</span><span class="sr"> {_e(word)}</span>'
        f"{arrow}</td>"
    )


# ------------------------------------------------- trajectory and area model


def _trajectory(report: Report) -> str:
    """trend --over-time: small multiples per dimension and the findings, own family."""
    from .charts import trajectory_chart

    lang = report.lang
    result = report.trajectory
    models = set(result.records["model"].dropna())
    model = t(f"trajectory.model.{'mixed' if 'mixed' in models else 'ols'}", lang)
    intro = t("html.trajectory.intro", lang, placed=t(f"trajectory.placed.{result.unit}", lang),
              model=model)  # fmt: skip
    out = [f'<p class="intro">{_e(intro)}</p>', _figure(trajectory_chart(result))]
    if result.findings:
        items = "".join(f"<li>{_e(f)}</li>" for f in result.findings)
        out.append(f"<ul>{items}</ul>")
    family = t(f"family.{result.adjust}", lang, m=result.family)
    out.append(f'<p class="legend">{_e(family)}</p>')
    return "\n".join(out)


def _area_model(report: Report) -> str:
    """areas --method model: the caterpillar of the focus dimension (that of the areas
    chart; one chart, not ten, so the page stays short), hidden areas not drawn; the
    workbook's sheet holds every dimension."""
    from .charts import areas_focus, caterpillar_chart

    lang = report.lang
    result = report.area_model
    out = [f'<p class="intro">{_e(t("html.area_model.intro", lang))}</p>']
    focus = areas_focus(report) or next(iter(result.records["dimension"]), None)
    svg = caterpillar_chart(result, focus) if focus is not None else None
    if svg is not None:
        out.append(_figure(svg))
    if result.findings:
        items = "".join(f"<li>{_e(f)}</li>" for f in result.findings)
        out.append(f"<ul>{items}</ul>")
    family = t(f"family.{result.adjust}", lang, m=result.family)
    legend = f"{family} {t('legend.hidden', lang, min_n=report.min_n)}"
    out.append(f'<p class="legend">{_e(legend)}</p>')
    return "\n".join(out)


# ------------------------------------------------------------- reliability


def _reliability(report: Report) -> str:
    from ..reliability import ALPHA_MIN

    lang = report.lang
    result = report.reliability
    where = t("html.in_round", lang, round=report.round) if report.round else ""
    intro = t("html.reliability.intro", lang, round=where, limit=number(ALPHA_MIN, lang))
    head = [
        _e(t("dimension", lang)),
        "α",
        _e(t("html.interval", lang)),
        "α std",
        "r̄",
        "n",
        "k",
        _e(t("html.notes", lang)),
    ]
    rows = []
    for rec in result.records.to_dict("records"):
        if rec["suppressed"]:
            cells = [_hidden_cell(rec, report.min_n, lang), *(["<td></td>"] * 6)]
            rows.append(_row(rec["dimension_name"], cells))
            continue
        alpha = rec["alpha"]
        low = alpha == alpha and alpha is not None and alpha < ALPHA_MIN
        notes = "".join(f"<li>{_e(f['message'])}</li>" for f in rec["flags"])
        one_item = rec["k"] == 1  # alpha is not defined: said in words, not the hidden mark
        cells = [
            f'<td class="text">{_e(t("rel.one_item", lang))}</td>'
            if one_item
            else f"<td{' class=flag' if low else ''}>{_num(alpha, lang)}</td>",
            f"<td>{_num(rec['alpha_ci_low'], lang)}–{_num(rec['alpha_ci_high'], lang)}</td>",
            f"<td>{_num(rec['alpha_std'], lang)}</td>",
            f"<td>{_num(rec['average_r'], lang)}</td>",
            f"<td>{int(rec['n'])}</td>",
            f"<td>{int(rec['k'])}</td>",
            f'<td class="text">{f"<ul>{notes}</ul>" if notes else ""}</td>',
        ]
        rows.append(_row(rec["dimension_name"], cells))
    legend = t("rel.legend", lang)
    return "\n".join(
        [
            f'<p class="intro">{_e(intro)}</p>',
            _table(t("html.reliability.table", lang) + where, head, rows, "reliability"),
            f'<p class="legend">{_e(legend)}<br>'
            f"{_e(t('legend.hidden', lang, min_n=report.min_n))}</p>",
        ]
    )


# ------------------------------------------------------------------ method


def _method(report: Report) -> str:
    from .._version import __version__
    from ..reliability import ALPHA_MIN

    lang = report.lang
    inst = report.survey.instrument
    scale = inst.scale
    z = inst.zones
    items = [i for d in inst.dimensions for i in d.items]
    notes = [
        t(
            "html.m.instrument",
            lang,
            name=inst.label(lang),
            id=inst.id,
            version=inst.version,
            dims=len(inst.dimensions),
            items=len(items),
            reversed=sum(bool(i.reverse) for i in items),
            lo=scale.min,
            hi=scale.max,
        ),
        t(
            "html.m.scale",
            lang,
            labels=", ".join(f"{p} {scale.name(p, lang)}" for p in scale.points),
            missing=scale.name("missing", lang),
        ),
        t(
            "html.m.score",
            lang,
            zones=f"{t('zone.strength', lang)} ≥ {bound(z.strength, lang)}, "
            f"{t('zone.attention', lang)} ≥ {bound(z.attention, lang)}, "
            f"{t('zone.concern', lang)} < {bound(z.attention, lang)}",
        ),
        t("html.m.anonymity", lang, min_n=report.min_n),
    ]
    if report.gaps is not None:
        g = report.gaps
        used = list(dict.fromkeys(g.records["test"].dropna())) or [g.test]
        notes.append(
            t(
                "html.m.gaps",
                lang,
                tests=", ".join(t(f"test.{u}", lang) for u in used),
                adjust=t(f"adjust.{g.adjust}", lang),
                gap=number(g.gap, lang, 1),
                alpha=number(g.alpha, lang),
            )
        )
    if report.trend is not None:
        tr = report.trend
        used = tr.records["test"].dropna().unique().tolist() or [tr.test]
        notes.append(
            t(
                "html.m.trend",
                lang,
                tests=", ".join(t(f"test.{u}", lang) for u in used),
                adjust=t(f"adjust.{tr.adjust}", lang),
                compare=t(f"trend.{tr.baseline}", lang),
                link=_link(tr, lang),
            )
        )
    if report.areas is not None:
        a = report.areas
        notes.append(
            t(
                "html.m.areas",
                lang,
                adjust=t(f"adjust.{a.adjust}", lang),
                gap=number(a.gap, lang, 1),
                alpha=number(a.alpha, lang),
            )
        )
    notes.append(t("html.m.reliability", lang, limit=number(ALPHA_MIN, lang)))
    if report.round is not None and report.trend is not None:
        notes.append(t("html.m.snapshot", lang, round=report.round, n=report.scores.rows_scored))
    full = report.trend if report.trend is not None else report.scores
    ledger = SimpleNamespace(lang=lang, ledger=full.ledger, rows_scored=full.rows_scored)
    notes.append(ledger_summary(ledger))
    notes.append(t("html.m.version", lang, version=__version__))
    out = ['<ul class="method">', *(f"<li>{_e(n)}</li>" for n in notes), "</ul>"]
    if report.warnings:
        out.append(f"<h3>{_e(t('html.m.warnings', lang))}</h3>")
        out.append("<ul>" + "".join(f"<li>{_e(w)}</li>" for w in report.warnings) + "</ul>")
    if report.checksums:
        rows = [
            f'<tr><td class="text file">{_e(path)}</td><td class="text hash"><code>{_e(digest)}'
            "</code></td></tr>"
            for path, digest in report.checksums
        ]
        out.append(
            f'<div class="table-wrap"><table class="files"><caption>{_e(t("html.m.files", lang))}'
            f'</caption><thead><tr><th scope="col" class="name">{_e(t("report.file", lang))}</th>'
            '<th scope="col" class="name">SHA-256</th></tr></thead><tbody>'
            + "\n".join(rows)
            + "</tbody></table></div>"
        )
    return "\n".join(out)


# ---------------------------------------------------------------- relations


def _relations(report: Report, charts) -> str:
    """Heat maps per relation, how the others see each actor, the influence balance with
    its chart, and the trust diagram (issue 21)."""
    result = report.relations
    lang = report.lang
    inst = report.survey.instrument
    where = t("html.in_round", lang, round=report.round) if report.round else ""
    out = [f'<p class="intro">{_e(t("html.relations.intro", lang))}</p>']
    for _context, tables in relation_groups(result):
        for rel_id, records in tables["matrices"]:
            relation = inst.relation(rel_id)
            targets = list(dict.fromkeys(r["target"] for r in records))
            cell = {(r["rater"], r["target"]): r for r in records}
            rows = []
            for rater in dict.fromkeys(r["rater"] for r in records):
                cells = [_relation_cell(cell.get((rater, x)), report, relation) for x in targets]
                rows.append(_row(rater, cells))
            head = [_e(t("relations.rater", lang)), *(_e(x) for x in targets)]
            caption = t("relations.matrix", lang, relation=relation.label(lang)) + where
            out.append(_table(caption, head, rows, "relations"))
        if tables["balance"]:
            out.append(_figure(charts.relations_balance_chart(report)))
            head = [
                _e(t("relations.target", lang)), _e(t("relations.actual", lang)),
                _e(t("relations.desired", lang)), _e(t("relations.gap", lang)),
                _e(t("html.p_adj", lang)), "⚑",
            ]  # fmt: skip
            rows = [
                _row(r["target"], [
                    f"<td>{_num(r['actual'], lang)}</td>", f"<td>{_num(r['desired'], lang)}</td>",
                    f"<td>{_num(r['diff'], lang)}</td>", f"<td>{_p(r['p_adj'], lang)}</td>",
                    f"<td>{'⚑' if r['flagged'] is True else ''}</td>",
                ])
                for r in tables["balance"]
            ]  # fmt: skip
            out.append(_table(t("relations.balance", lang) + where, head, rows, "balance"))
        for row in tables["concentration"]:
            text = concentration_text(row, lang)
            if text is not None:
                out.append(f"<p>{_e(text)}</p>")
    out.append(_figure(charts.trust_diagram(report)))
    head, rows = relation_changes(result)
    if rows:
        rows = [
            _row(r[0], [f'<td class="text">{_e(r[1])}</td>', *(f"<td>{_e(x)}</td>" for x in r[2:])])
            for r in rows
        ]
        heads = [_e(h) for h in head[:-1]] + [_e(t("html.p_adj", lang))]
        out.append(_table(t("relations.changes", lang), heads, rows, "changes", left=2))
        out.append(f'<p class="legend">{_e(t("relations.changes_legend", lang))}</p>')
    legend = relation_legend(result, lang)
    out.append(
        f'<p class="legend">{_e(legend)}<br>{_e(t("legend.hidden", lang, min_n=report.min_n))}</p>'
    )
    return "\n".join(out)


def _relation_cell(record: dict | None, report: Report, relation) -> str:
    lang = report.lang
    if record is None:
        return "<td></td>"
    if record["suppressed"]:
        return _hidden_cell(record, report.min_n)
    mean = record["mean"]
    zone = relation_zone(report.survey.instrument, relation.scale, mean)
    mark = {"strength": "▲", "concern": "▼"}.get(zone, "")
    style = ' style="font-style: italic"' if record["self"] else ""
    return (
        f'<td class="z-{zone}"{style}><span class="v">{number(mean, lang)}'
        f' <span class="mark" aria-hidden="true">{mark}</span></span>'
        f'<span class="n">n={int(record["n"])}</span></td>'
    )
