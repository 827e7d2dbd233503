"""Which tables a human-readable rendering shows, shared by the terminal, Markdown and HTML views.

With one grouping key there is one table: groups as columns plus an "All"
column. With more keys the first key gives the columns and every combination
of the others gets a table of its own, after an overview table of those
combinations side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..i18n import HIDDEN, bound, join_words, key_name, number, signed, t

if TYPE_CHECKING:
    import pandas as pd

    from ..scoring import ScoreResult


@dataclass(frozen=True)
class TableSpec:
    """One table: a title, and per column a header and the record of each dimension."""

    title: str
    columns: list[tuple[str, dict[str, dict]]]


def score_tables(result: ScoreResult) -> tuple[list[str], dict[str, str], list[TableSpec]]:
    """Dimension order, dimension names and the tables of a score result."""
    rec = result.records
    lang = result.lang
    keys = [k.name for k in result.keys]
    dims = list(dict.fromkeys(rec["dimension"]))
    names = dict(zip(rec["dimension"], rec["dimension_name"], strict=False))
    title = result.survey.instrument.label(lang)
    if not keys:
        specs = [
            TableSpec(
                t("scores_overall", lang, title=title), [(t("overall", lang), by_dimension(rec))]
            )
        ]
        return dims, names, specs

    inner, outer = keys[0], keys[1:]
    heading = t(
        "scores_by", lang, title=title, keys=join_words([key_name(k, lang) for k in keys], lang)
    )
    grand = by_dimension(rec[rec[keys].isna().all(axis=1)])
    if not outer:
        columns = group_columns(rec[rec[inner].notna()], inner)
        return dims, names, [TableSpec(heading, [*columns, (t("all", lang), grand)])]

    margins = rec[rec[inner].isna() & rec[outer].notna().all(axis=1)]
    all_inner = t("all_of", lang, key=key_name(inner, lang, plural=True))
    specs = [
        TableSpec(
            f"{heading}\n{all_inner}",
            [*group_columns(margins, outer), (t("overall", lang), grand)],
        )
    ]
    cells = rec[rec[keys].notna().all(axis=1)]
    for combo, group in cells.groupby(outer, sort=False):
        combo = combo if isinstance(combo, tuple) else (combo,)
        margin = margins
        for k, v in zip(outer, combo, strict=True):
            margin = margin[margin[k] == v]
        label = " · ".join(
            f"{key_name(k, lang).capitalize()} {v}" for k, v in zip(outer, combo, strict=True)
        )
        columns = [*group_columns(group, inner), (t("all", lang), by_dimension(margin))]
        specs.append(TableSpec(label, columns))
    return dims, names, specs


def by_dimension(frame: pd.DataFrame) -> dict[str, dict]:
    """Records keyed by dimension id."""
    return {row["dimension"]: row for row in frame.to_dict("records")}


def group_columns(frame: pd.DataFrame, by: str | list[str]) -> list[tuple[str, dict]]:
    """One column per group, in the records' order."""
    out = []
    for label, group in frame.groupby(by, sort=False):
        label = label if isinstance(label, tuple) else (label,)
        out.append((" · ".join(str(v) for v in label), by_dimension(group)))
    return out


def ledger_summary(result) -> str:
    """One line: rows read, scored and excluded (with reasons), invalid cells, dropped columns."""
    lang = result.lang
    ledger = result.ledger
    text = t(
        "summary.rows",
        lang,
        read=ledger.rows_read,
        scored=result.rows_scored,
        excluded=ledger.rows_excluded,
    )
    reasons = [f"{e.rows} {t('reason.' + e.reason, lang)}" for e in ledger.excluded]
    if reasons:
        text += f" ({', '.join(reasons)})"
    extras = []
    invalid = sum(c.count for c in ledger.invalid_cells)
    if invalid:
        extras.append(t("summary.invalid", lang, count=invalid))
    if ledger.dropped_columns:
        extras.append(t("summary.dropped", lang, columns=", ".join(ledger.dropped_columns)))
    return text + "".join(f"; {e}" for e in extras) + "."


def areas_rounds(result, lang: str) -> str:
    """Which round the areas comparison shows: "the latest of each area" or the one chosen."""
    return t("areas.latest", lang) if result.rounds == "latest" else str(result.rounds)


def areas_legend(result, lang: str) -> str:
    """How the areas comparison flags an area: gap, adjustment (and its family), alpha, round."""
    legend = t(
        "areas.legend",
        lang,
        gap=number(result.gap, lang, 1),
        adjust=t(f"adjust.{result.adjust}", lang),
        alpha=number(result.alpha, lang),
        rounds=areas_rounds(result, lang),
    )
    return f"{legend} {t(f'family.{result.adjust}', lang, m=result.family)}"


def trend_groups(result) -> list[tuple[str, list[tuple[str, list]]]]:
    """Per group: a title and, per dimension, the round cells (with change markers)."""
    lang = result.lang
    keys = [k.name for k in result.keys]
    title = t("trend_title", lang, title=result.survey.instrument.label(lang))
    rounds = result.rounds
    records = result.records
    markers = {}
    for rec in records.to_dict("records"):
        if rec["significant"]:
            group = tuple(rec[k] for k in keys)
            up = rec["direction"] > 0  # the tested effect's sign (Cliff's delta for rank tests)
            markers[(group, rec["dimension"], rec["round_to"])] = "▲" if up else "▼"
    out = []
    group_values = rounds[keys].drop_duplicates().itertuples(index=False) if keys else [()]
    groups = [tuple(None if v != v else v for v in g) for g in group_values]
    groups.sort(key=lambda g: tuple(v is None for v in g))  # the group of everyone last
    for group in groups:
        part = rounds
        for k, v in zip(keys, group, strict=True):
            part = part[part[k].isna()] if v is None else part[part[k] == v]
        label = " · ".join(
            f"{key_name(k, lang).capitalize()} {v if v is not None else t('all', lang).lower()}"
            for k, v in zip(keys, group, strict=True)
        )
        rows = []
        names = dict(zip(part["dimension"], part["dimension_name"], strict=False))
        for dim in dict.fromkeys(part["dimension"]):
            cells = []
            for r in result.round_order:
                match = part[(part["dimension"] == dim) & (part["round"] == r)]
                cell = match.iloc[0].to_dict() if len(match) else None
                if cell is not None:
                    cell["marker"] = markers.get((group, dim, r), " ")
                cells.append(cell)
            rows.append((names[dim], cells))
        if "suppressed_reason" in records.columns:  # a dimension without item columns
            lacking = records[records["suppressed_reason"] == "no_columns"]
            for rec in lacking.to_dict("records"):
                rows.append((rec["dimension_name"], [rec] + [None] * (len(result.round_order) - 1)))
        out.append((f"{title}\n{label}" if label else title, rows))
    return out


def comment_text(result) -> str:
    """The free-text comments of a score result, grouped, as plain lines."""
    lang = result.lang
    keys = [k.name for k in result.keys]
    lines = [t("comments.title", lang, min_n=result.min_n)]
    comments = result.comments
    if comments is None or comments.empty:
        return "\n".join([*lines, t("comments.none", lang)])
    for group, part in comments.groupby(keys, sort=False) if keys else [((), comments)]:
        group = group if isinstance(group, tuple) else (group,)
        if keys:
            lines.append(" · ".join(str(g) for g in group) + ":")
        lines += [f"  – {text}" for text in part["text"]]
    return "\n".join(lines)


def gaps_tables(result) -> list[tuple[str, list, dict, list, dict]]:
    """Per comparison (each value of the ``by`` keys): title, dimensions, names, group
    columns and each dimension's gap record; then the focus dimension by sector."""
    lang = result.lang
    between = result.between.name
    keys = [k.name for k in result.keys]
    title = t(
        "gaps_title",
        lang,
        title=result.survey.instrument.label(lang),
        between=key_name(between, lang, plural=True),
    )
    groups = result.groups
    out = []
    import pandas as pd

    records = result.records
    lacking = records.iloc[:0]
    if "suppressed_reason" in records.columns:  # a dimension without item columns: a row
        lacking = records[records["suppressed_reason"] == "no_columns"]  # in every table
        records = records[records["suppressed_reason"] != "no_columns"]
    contexts = records[keys].drop_duplicates().itertuples(index=False) if keys else [()]
    for context in contexts:
        rec_part, grp_part = records, groups
        for k, v in zip(keys, context, strict=True):
            rec_part = rec_part[rec_part[k] == v]
            grp_part = grp_part[grp_part[k] == v]
        rec_part = pd.concat([rec_part, lacking]) if len(lacking) else rec_part
        label = " · ".join(
            f"{key_name(k, lang).capitalize()} {v}" for k, v in zip(keys, context, strict=True)
        )
        dims = list(dict.fromkeys(rec_part["dimension"]))
        names = dict(zip(rec_part["dimension"], rec_part["dimension_name"], strict=False))
        columns = group_columns(grp_part[grp_part[between].notna()], between)
        total = grp_part[grp_part[between].isna()]
        columns.append((t("all", lang), by_dimension(total)))
        gap_column = {r["dimension"]: r for r in rec_part.to_dict("records")}
        out.append((f"{title}\n{label}" if label else title, dims, names, columns, gap_column))
    if result.focus is not None and between != "sector":
        focus = result.focus
        name = focus["dimension_name"].iloc[0]
        for rec in focus.to_dict("records"):
            context = [rec[k] for k in keys]
            label = " · ".join(
                f"{key_name(k, lang).capitalize()} {v}" for k, v in zip(keys, context, strict=True)
            )
            heading = t("gaps.focus", lang, dimension=name) + (f"\n{label}" if label else "")
            columns = [
                (g["group"], {rec["dimension"]: _group_record(g, rec["dimension"])})
                for g in rec["groups"]
            ]
            out.append((heading, [rec["dimension"]], {rec["dimension"]: name}, columns,
                        {rec["dimension"]: rec}))  # fmt: skip
    return out


def _group_record(group: dict, dimension: str) -> dict:
    """A gaps group in the shape of a score record, for the shared table cells."""
    return {
        "dimension": dimension,
        "n": group["n"],
        "mean": group["mean"],
        "zone": group.get("zone"),
        "suppressed": group["suppressed"],
        "suppressed_reason": group.get("suppressed_reason"),
    }


def relation_groups(result) -> list[tuple[str, dict]]:
    """The relation tables of every by-group, in reading order: ``(context, tables)`` with
    ``tables`` holding ``matrices`` (relation id, records), ``self_other``, ``balance``
    and ``concentration`` record lists."""
    from .records import to_records

    names = [k.name for k in result.keys]

    def key(record: dict) -> tuple:
        return tuple(record[n] for n in names)

    matrix = to_records(result.records)
    contexts = list(dict.fromkeys(key(r) for r in matrix))
    tables = {
        name: to_records(frame)
        for name, frame in (
            ("self_other", result.self_other),
            ("balance", result.balance),
            ("concentration", result.concentration),
            ("network", result.network),
        )
    }
    out = []
    for context in contexts:
        mine = [r for r in matrix if key(r) == context]
        relations = list(dict.fromkeys(r["relation"] for r in mine))
        out.append(
            (
                " · ".join(str(v) for v in context),
                {
                    "matrices": [
                        (rel, [r for r in mine if r["relation"] == rel]) for rel in relations
                    ],
                    **{
                        name: [r for r in rows if key(r) == context]
                        for name, rows in tables.items()
                    },
                },
            )
        )
    return out


def relation_zone(inst, scale, mean: float) -> str | None:
    """The zone of a relation cell's mean as shown: the instrument's zones carried to
    the relation's own scale (:meth:`~partnerkit.instrument.Zones.carried`)."""
    return inst.zones.carried(inst.scale, scale).of(mean)


def relation_legend(result, lang: str) -> str:
    """What a relation heat map's marks mean, on the first relation's scale."""
    inst = result.survey.instrument
    scale = inst.relation(result.relations[0]).scale
    zones = inst.zones.carried(inst.scale, scale)
    return t(
        "relations.legend", lang, lo=scale.min, hi=scale.max,
        low_name=scale.name(scale.min, lang), high_name=scale.name(scale.max, lang),
        high=bound(zones.strength, lang), low=bound(zones.attention, lang),
    )  # fmt: skip


def concentration_text(row: dict, lang: str) -> str | None:
    """ "Concentration: most influential X (40 %), Gini 0.21"; ``None`` when not shown."""
    if row["top_target"] is None:
        return None
    gini = row["gini"]
    gini = HIDDEN if gini is None or gini != gini else number(gini, lang)
    return (
        f"{t('relations.concentration', lang)}: {t('relations.top', lang).lower()} "
        f"{row['top_target']} ({number(100 * row['top_share'], lang, 0)} %), "
        f"{t('relations.gini', lang)} {gini}"
    )


def network_text(row: dict, inst, lang: str) -> str | None:
    """The trust network of named organisations in one line; ``None`` for actor types
    (their network is in the JSON) or a network of fewer than two organisations."""
    if not inst.relation(row["relation"]).organisations or row["nodes"] < 2:
        return None

    def num(x):
        return HIDDEN if x is None or x != x else number(x, lang)

    return t(
        "relations.network", lang, relation=inst.relation(row["relation"]).label(lang),
        bound=bound(row["threshold"], lang), nodes=row["nodes"], edges=row["edges"],
        density=num(row["density"]), reciprocity=num(row["reciprocity"]),
        centralisation=num(row["in_centralisation"]),
    )  # fmt: skip


def short_names(inst, lang: str) -> dict[str, str]:
    """Full label to short label of every actor type, named organisation and merged row
    of organisations ("School: others"), for narrow table headers."""
    out = {a.label(lang): a.short_label(lang) for a in inst.actors}
    out |= {o.label(lang): o.short_label(lang) for o in inst.organisations}
    if inst.organisations:
        for a in inst.actors:
            full = t("relations.other_organisations", lang, actor=a.label(lang))
            out[full] = t("relations.other_organisations", lang, actor=a.short_label(lang))
    return out


def relation_changes(result) -> tuple[list[str], list[list[str]]]:
    """The significant changes between rounds of a relations result (``--by round``):
    a header and one row of texts per flagged matrix cell or concentration measure,
    ``[<other keys>, relation, rater → rated, rounds, from, to, change, p_adj]``."""
    from .records import to_records

    lang = result.lang
    inst = result.survey.instrument
    others = [k.name for k in result.keys if k.column != "round"]
    short = short_names(inst, lang)
    head = [
        *others,
        t("relations.relation", lang),
        f"{t('relations.rater', lang)} → {t('relations.target', lang).lower()}",
        t("relations.rounds", lang),
        t("relations.from", lang),
        t("relations.to", lang),
        t("relations.change", lang),
        "p_adj",
    ]
    rows = []
    for r in to_records(result.changes[result.changes["flagged"]]):
        rows.append(
            [
                *(str(r[k]) for k in others),
                inst.relation(r["relation"]).label(lang),
                f"{short.get(r['rater'], r['rater'])} → {short.get(r['target'], r['target'])}",
                f"{r['round_from']}→{r['round_to']}",
                number(r["mean_from"], lang),
                number(r["mean_to"], lang),
                signed(r["diff"], lang),
                _p(r["p_adj"], lang),
            ]
        )
    changed = result.concentration_change
    for r in to_records(changed[changed["flagged"]]):
        share = r["measure"] == "top_share"
        value = (
            (lambda x: f"{number(100 * x, lang, 0)} %") if share else (lambda x: number(x, lang))
        )
        diff = signed(100 * r["diff"], lang, 0) + " " + t("unit.pp", lang) if share else None
        diff = diff or signed(r["diff"], lang)
        rows.append(
            [
                *(str(r[k]) for k in others),
                inst.relation(r["relation"]).label(lang),
                t("relations.top_share" if share else "relations.gini", lang),
                f"{r['round_from']}→{r['round_to']}",
                value(r["value_from"]),
                value(r["value_to"]),
                diff,
                _p(r["p_adj"], lang),
            ]
        )
    return head, rows


def _p(value: float, lang: str) -> str:
    return f"< {number(0.001, lang, 3)}" if value < 0.001 else number(value, lang, 3)
