"""Markdown: the same tables as the terminal view, as pipe tables for reports and wikis."""

from __future__ import annotations

from functools import singledispatch

from ..i18n import ZONE_MARK, bound, number, t
from ..output import markdown_text
from ..scoring import ScoreResult
from .views import comment_text, ledger_summary, score_tables


@singledispatch
def render(result, **options) -> str:
    """Markdown of ``result``; analyst views are the terminal table in a code block."""
    from .table import render as render_table

    options.pop("width", None)
    text = render_table(result, width=100, **options)
    fence = "```"
    while fence in text:  # a name with backticks cannot close the code block
        fence += "`"
    return f"{fence}\n{text}{fence}\n"


@render.register(ScoreResult)
def _score(result: ScoreResult, quiet: bool = False, **_options) -> str:
    lang = result.lang
    dims, names, specs = score_tables(result)
    out = []
    for spec in specs:
        lines = spec.title.splitlines()
        out.append(f"### {_escape(lines[0])}\n")
        out += [f"{_escape(line)}\n" for line in lines[1:]]
        headers = ["", *(label for label, _ in spec.columns)]
        out.append("| " + " | ".join(_escape(h) for h in headers) + " |")
        out.append("|---|" + "---:|" * len(spec.columns))
        for dim in dims:
            cells = [_cell(col.get(dim), lang, result.min_n) for _, col in spec.columns]
            out.append("| " + " | ".join([_escape(names[dim]), *cells]) + " |")
        out.append("")
    if quiet:  # the tables (and comments) only: no legend, no row summary
        out += _comments(result)
        return "\n".join(out) + "\n"
    z = result.survey.instrument.zones
    out.append(
        f"{ZONE_MARK['strength']} {t('zone.strength', lang)} ≥ {bound(z.strength, lang)} · "
        f"{ZONE_MARK['attention']} {t('zone.attention', lang)} ≥ {bound(z.attention, lang)} · "
        f"{ZONE_MARK['concern']} {t('zone.concern', lang)} < {bound(z.attention, lang)}  "
    )
    out.append(t("legend.hidden", lang, min_n=result.min_n) + "  ")
    out.append(ledger_summary(result))
    out += _comments(result)
    return "\n".join(out) + "\n"


def _comments(result) -> list[str]:
    """Respondents' comments, HTML escaped line by line (free text is input too)."""
    if result.comments is None:
        return []
    return ["", *(_escape(line) for line in comment_text(result).splitlines())]


def _cell(record: dict | None, lang: str, min_n: int) -> str:
    if record is None:
        return ""
    if record.get("suppressed_reason") == "no_columns":  # a dimension the export lacks
        return t("dimension.no_columns", lang)
    if record["suppressed"]:
        return f"– (n<{min_n})" if record.get("suppressed_reason") == "min_n" else "–"
    mark = ZONE_MARK.get(record["zone"], "")
    return f"{number(record['mean'], lang)} {mark} (n={int(record['n'])})"


def _escape(text: str) -> str:
    """HTML escaped, pipes escaped, control characters spelt out: raw HTML in a label
    must not reach a wiki or a rendered report."""
    return markdown_text(text)
