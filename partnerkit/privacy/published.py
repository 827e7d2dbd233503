"""Read what outputs published, as an attacker would, and attack it (:func:`.audit.audit`).

Every (n, mean) pair of a group in a JSON output (``score`` records, ``trend``'s
rounds and changes, ``gaps``' groups, ``reliability``'s items, ``areas``' records,
``relations``' matrix cells: a rater type's ratings of one target) is a published
sum of finest cells; every record marked ``suppressed`` is a target, and so is every
finest cell below ``min_n``, named by an output or not.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..grouping import GroupKey, group_labels, resolve_keys
from ..i18n import Message
from ..instrument import ROLES

if TYPE_CHECKING:
    from ..survey import Survey


def document(item) -> dict:
    """A JSON output as a dict: a parsed document, a path or text of one, or a result."""
    if isinstance(item, dict):
        return item
    if isinstance(item, Path) or (isinstance(item, str) and not item.lstrip().startswith("{")):
        from ..errors import SurveyReadError

        try:
            doc = json.loads(Path(item).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SurveyReadError(Message("error.not_json", path=item, problem=exc)) from exc
        if not isinstance(doc, dict) or "meta" not in doc:
            raise SurveyReadError(Message("error.no_meta", path=item))
        return doc
    if isinstance(item, str):
        return json.loads(item)
    results = (
        item.json_results() if hasattr(item, "json_results") else item.records.to_dict("records")
    )
    doc = {"meta": item.meta(), "results": results}
    for name, frame in item.tables().items():
        doc[name] = frame.to_dict("records")
    return doc


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def facts(doc: dict, key_names: Sequence[str]) -> list[dict]:
    """Published groups of one document: ``measure``, ``labels`` (key -> label), ``n``,
    ``mean`` (None when hidden) and ``hidden``, plus ``scope`` for ``areas``."""
    meta = doc.get("meta", {})
    between = meta.get("between")
    out = []

    def add(measure, labels, rec):
        hidden = bool(rec.get("suppressed")) or _missing(rec.get("mean"))
        n = rec.get("n")
        out.append(
            {
                "measure": measure,
                "labels": labels,
                "n": None if _missing(n) else int(n),
                "mean": None if hidden else float(rec["mean"]),
                "hidden": hidden,
            }
        )

    tables = [doc.get("results", [])] + [doc[k] for k in ("rounds", "focus") if k in doc]
    for table in tables:
        for rec in table:
            labels = {k: rec.get(k) for k in key_names if k in rec}
            labels = {k: None if _missing(v) else v for k, v in labels.items()}
            dim = rec.get("dimension")
            if "relation" in rec and "rater" in rec:  # relations: a matrix cell
                measure = f"{rec['relation']}:{rec.get('target_id')}"
                add(measure, {**labels, "actor": rec["rater"]}, rec)
                out[-1]["rater_id"] = rec.get("rater_id")
            elif "groups" in rec:  # gaps
                name = rec.get("between") or between
                for group in rec["groups"]:
                    add(dim, {**labels, name: group["group"]}, group)
            elif "items" in rec:  # reliability: items are sums, alpha is not
                for item in rec["items"]:
                    add(item["item"], labels, item)
            elif "n_from" in rec:  # trend: a change between two rounds' means
                for side in ("from", "to"):
                    side_rec = {
                        "n": rec.get(f"n_{side}"),
                        "mean": rec.get(f"mean_{side}"),
                        "suppressed": rec.get("suppressed"),
                    }
                    if not _missing(side_rec["mean"]):
                        add(dim, {**labels, "round": rec[f"round_{side}"]}, side_rec)
            elif "mean" in rec:
                add(dim, labels, rec)
    if meta.get("command") == "areas":  # each area's own round: "All" is their sum
        pairs = {(f["labels"].get("area"), f["labels"].get("round")) for f in out}
        scope = {(a, r) for a, r in pairs if a is not None and r is not None}
        for f in out:
            if f["labels"].get("area") is None and scope:
                f["scope"] = scope
    rounds = (meta.get("privacy") or {}).get("rounds") or meta.get("rounds")
    if rounds:
        for f in out:
            f.setdefault("rounds", list(rounds))
    return out


def attack(published: list, survey: Survey, *, protection=None, min_n=None, lang=None):
    """See :func:`partnerkit.privacy.audit`."""
    import pandas as pd

    from ..protect import cube_keys
    from ..scoring import respondent_scores
    from .lp import exposure, protection_in, resolve_protection, sum_bounds
    from .pattern import build_cube, pins_subgroups, subgroup_need

    docs = [document(p) for p in published]
    whole = survey.as_read
    base = (
        survey
        if survey.read_data is None
        else replace(survey, data=whole, dont_know=None, round_order=None, read_data=None)
    )
    names = {"actor", "round", "area", "sector"}
    for doc in docs:
        meta = doc.get("meta", {})
        names |= set(meta.get("group_by") or [])
        if meta.get("between"):
            names.add(meta["between"])
    keys = {}
    for name in sorted(names):
        if name in ROLES or name == "sector":
            if name in whole.columns:
                keys[name] = GroupKey(name, name)
        else:
            keys[name] = resolve_keys(base, [name])[0]
    inst = survey.instrument
    org_ids = {o.id for o in inst.organisations} if "organisation" in whole.columns else set()
    if org_ids:  # a matrix of named organisations: the organisation is a key of the cube
        keys["organisation"] = GroupKey("organisation", "organisation")
    extra = [
        k
        for k in keys.values()
        if (k.column not in ROLES or k.column == "organisation") and k.column != "sector"
    ]
    columns = cube_keys(base, extra)
    frame_columns = [*columns, *(["sector"] if "actor" in columns and "sector" in whole else [])]
    cube = build_cube(whole[frame_columns], columns)
    points = resolve_protection(inst, protection)
    threshold = min_n or next(
        (d["meta"]["min_n"] for d in docs if d.get("meta", {}).get("min_n")), 5
    )
    # the dominance rule: a unanimous group is sensitive whatever its size
    dominance = inst.dominance or any(
        (d.get("meta", {}).get("privacy") or {}).get("dominance") for d in docs
    )
    label_cache: dict = {}

    def labels_of(name: str, lang_: str) -> np.ndarray:
        if (name, lang_) not in label_cache:
            label_cache[name, lang_] = group_labels(base, keys[name], lang_)
        return label_cache[name, lang_]

    round_of = whole["round"].astype(object).to_numpy() if "round" in whole else None
    area_of = whole["area"].astype(object).to_numpy() if "area" in whole else None
    measures: dict[str, list] = {}
    org_of = whole["organisation"].astype(object).to_numpy() if org_ids else None
    actor_of = whole["actor"].astype(object).to_numpy() if "actor" in whole else None
    for doc in docs:
        doc_lang = lang or doc.get("meta", {}).get("lang") or inst.language
        doc_facts = facts(doc, list(keys))
        # the organisations rating on their own rows; a merged row holds the others
        named = {f.get("rater_id") for f in doc_facts} & org_ids
        for f in doc_facts:
            mask = np.ones(len(whole), dtype=bool)
            rater = f.get("rater_id") or ""
            if org_ids and (rater in org_ids or rater.startswith("other:")):
                f["labels"].pop("actor", None)  # the rows are the organisation's
                if rater in org_ids:
                    mask &= org_of == rater
                else:
                    mask &= (actor_of == rater.split(":", 1)[1]) & ~np.isin(org_of, list(named))
            for name, value in f["labels"].items():
                if value is not None and name in keys:
                    mask &= labels_of(name, doc_lang) == value
            if f.get("rounds") and round_of is not None and f["labels"].get("round") is None:
                mask &= np.isin(round_of.astype(str), [str(r) for r in f["rounds"]])
            if f.get("scope") and area_of is not None:
                area_labels = labels_of("area", doc_lang)
                pairs = set(f["scope"])
                mask &= np.array(
                    [(a, r) in pairs for a, r in zip(area_labels, round_of, strict=True)]
                )
            f["cells"] = np.unique(cube.cell_of_row[mask])
            if org_ids and (rater in org_ids or rater.startswith("other:")):
                f["labels"]["organisation"] = rater  # said in the report, matched above
            measures.setdefault(f["measure"], []).append(f)

    values = _measure_values(base, respondent_scores, set(measures))
    rows_out = []
    used = 0
    for measure, fs in measures.items():
        if measure not in values:
            continue
        x = values[measure]
        lo_point, hi_point = _bounds(inst, measure)
        ok = ~np.isnan(x)
        n_cell = np.bincount(cube.cell_of_row[ok], minlength=len(cube.cells)).astype(float)
        s_cell = np.bincount(cube.cell_of_row[ok], weights=x[ok], minlength=len(cube.cells))
        has = n_cell > 0
        low_cell = np.full(len(n_cell), np.inf)
        high_cell = np.full(len(n_cell), -np.inf)
        np.minimum.at(low_cell, cube.cell_of_row[ok], x[ok])
        np.maximum.at(high_cell, cube.cell_of_row[ok], x[ok])

        known = np.zeros(len(n_cell), dtype=bool)
        visible = [f for f in fs if not f["hidden"]]
        for f in visible:
            cells = f["cells"][has[f["cells"]]]
            if cells.size == 1:
                known[cells] = True
        variables = np.flatnonzero(has & ~known)
        position = np.full(len(n_cell), -1)
        position[variables] = np.arange(variables.size)
        eq_sets, rhs = {}, []
        for f in visible:
            cells = f["cells"][has[f["cells"]]]
            unknown = cells[~known[cells]]
            if unknown.size == 0 or f["n"] is None:
                continue
            key = unknown.tobytes()
            if key in eq_sets:
                continue
            eq_sets[key] = unknown
            # the published sum, less the cells published on their own
            known_sum = s_cell[cells[known[cells]]].sum()
            rhs.append(f["n"] * f["mean"] - known_sum)
        used += len(visible)
        targets, described = {}, []
        for f in fs:
            if f["hidden"]:
                cells = f["cells"][has[f["cells"]]]
                key = cells.tobytes()
                if cells.size and key not in targets:
                    targets[key] = cells
                    labels = dict(f["labels"])
                    if f.get("rounds") and labels.get("round") is None:
                        labels["round"] = ",".join(map(str, f["rounds"]))
                    described.append({"measure": measure, **labels, "n": n_cell[cells].sum()})
        small = n_cell < threshold
        if dominance:
            small |= high_cell - low_cell <= 0
        for c in np.flatnonzero(has & ~known & small):
            key = np.array([c]).tobytes()
            if key not in targets:
                targets[key] = np.array([c])
                labels = {name: _cell_label(cube, c, i) for i, name in enumerate(cube.keys)}
                described.append({"measure": measure, **labels, "n": n_cell[c]})
        if not targets:
            continue
        from .lp import stack_rows

        eq = stack_rows([position[u] for u in eq_sets.values()], variables.size)
        target_cells = list(targets.values())
        tg = stack_rows([position[t[~known[t]]] for t in target_cells], variables.size)
        lo, hi = sum_bounds(
            eq, np.array(rhs), n_cell[variables] * lo_point, n_cell[variables] * hi_point, tg,
            tolerance=1e-6 * np.maximum(1.0, np.abs(rhs)),
        )  # fmt: skip
        const = np.array([s_cell[t[known[t]]].sum() for t in target_cells])
        n_t = np.array([d["n"] for d in described])
        unanimous = np.array(
            [dominance and high_cell[t].max() - low_cell[t].min() <= 0 for t in target_cells]
        )
        # a group the subgroup rule hides (outputs call it "secondary") is sensitive too:
        # its sum must move over protection * (min_n - 1), so that its subgroups' means
        # keep intervals of at least protection (pattern.pins_subgroups)
        sums = np.array([s_cell[t].sum() for t in target_cells])
        # a relation on its own scale: the same width in its points, as the pattern
        # (protect.survey_pattern) decided it
        width = protection_in(inst, points, lo_point, hi_point)
        pins = pins_subgroups(sums, n_t, threshold, (lo_point, hi_point), width)
        sensitive = (n_t < threshold) | unanimous | pins
        need = subgroup_need(n_t, threshold, pins & ~unanimous)
        exposed = sensitive & exposure(lo, hi, need, width)
        rows = zip(described, lo + const, hi + const, n_t, need, sensitive, exposed, strict=True)
        for d, low, high, n, m, s, e in rows:
            rows_out.append(
                d | {
                    "n": int(n), "low": low / n, "high": high / n, "width": (high - low) / n,
                    "needed": width * m / n if s else 0.0,
                    "sensitive": bool(s), "protected": not e,
                }
            )  # fmt: skip
    cells = pd.DataFrame(rows_out)
    if cells.empty:
        cells = pd.DataFrame(
            columns=["measure", "n", "low", "high", "width", "needed", "sensitive", "protected"]
        )
    return cells, points, used


def _bounds(inst, measure: str) -> tuple[int, int]:
    """The scale of a measure: a relation cell's own scale, else the instrument's."""
    from ..instrument import RELATION_SEP

    relation = measure.split(RELATION_SEP)[0] if RELATION_SEP in measure else None
    for rel in inst.relations:
        if rel.id == relation:
            return rel.scale.min, rel.scale.max
    return inst.scale.min, inst.scale.max


def _cell_label(cube, cell: int, position: int):
    value = cube.values[position][cube.cells[cell, position]]
    return None if _missing(value) else value


def _measure_values(survey: Survey, respondent_scores, wanted: set) -> dict[str, np.ndarray]:
    """Every row's dimension score, every item (reverse-keyed) and every relation cell,
    as the commands read them."""
    inst = survey.instrument
    out = {}
    scores = respondent_scores(survey).scores
    for dim in scores.columns:
        if dim in wanted:
            out[dim] = scores[dim].to_numpy()
    for dim in inst.dimensions:
        for item in dim.items:
            if item.id in wanted and item.id in survey.data.columns:
                x = survey.data[item.id].to_numpy(dtype="float64")
                out[item.id] = inst.scale.min + inst.scale.max - x if item.reverse else x
    for column in inst.relation_columns:  # relation cells, as answered (each on its own scale)
        if column in wanted and column in survey.data.columns:
            out[column] = survey.data[column].to_numpy(dtype="float64")
    return out
