"""Trajectories over all rounds (``trend --over-time``): the change per year, not per pair.

Per dimension and group, a straight line through every respondent's score against
the round's place in time: rounds named by a year (2017) or a date (2023-03, 2023-03-15)
sit on their years, other rounds one unit apart. When respondent ids link rounds the
line is a linear mixed model with a random intercept per respondent (REML, agrees
with R lme4 ``lmer(score ~ year + (1 | respondent))``), else ordinary least squares.
p-values are adjusted across every trajectory of the output (the family, as in
``trend``). Only rounds shown for a group enter its line: a hidden round's mean could
otherwise be solved from the slope and the published means of the other rounds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from .errors import OptionError
from .grouping import group_rows, keys_over_rounds
from .i18n import Message, number, t
from .result import Result
from .survey import Survey

if TYPE_CHECKING:
    import pandas as pd

RECORD_COLUMNS = (
    "dimension", "dimension_name", "rounds", "round_first", "round_last", "n_first", "n_last",
    "mean_first", "mean_last", "change", "unit", "slope", "slope_low", "slope_high", "se",
    "fitted_first", "fitted_last", "p",
    "p_adj", "adjust", "significant", "model", "n_obs", "n_respondents", "rounds_left_out",
    "suppressed", "note",
)  # fmt: skip
#: Why a trajectory has no slope (the ``note`` of a record).
NOTES = ("suppressed", "too_few_rounds", "no_spread")


@dataclass(frozen=True, kw_only=True)
class TrajectoryResult(Result):
    """Trajectories (``records``) and the means of every round (``rounds``)."""

    command: ClassVar[str] = "trend"

    rounds: pd.DataFrame
    round_order: tuple[str, ...]
    positions: tuple[float, ...]  # each round's place on the time axis
    unit: str  # "year" or "round"
    adjust: str
    alpha: float
    family: int = 0
    family_scope: str = "trend"

    def settings(self) -> dict:
        return {
            "view": "over_time",
            "group_by": [k.name for k in self.keys],
            "rounds": list(self.round_order),
            "positions": list(self.positions),
            "unit": self.unit,
            "adjust": self.adjust,
            "family": {"size": self.family, "scope": self.family_scope},
            "alpha": self.alpha,
            "lang": self.lang,
            "findings": list(self.findings),
        }

    def family_p(self) -> np.ndarray:
        return self.records["p"].to_numpy(dtype=float)

    def with_family(self, p_adj, adjust: str, size: int, scope: str) -> TrajectoryResult:
        frame = _flag(self.records.copy(), p_adj, adjust, self.alpha)
        keys = [k.name for k in self.keys]
        return replace(self, records=frame, adjust=adjust, family=size, family_scope=scope,
                       findings=tuple(_findings(frame, keys, self.lang)))  # fmt: skip

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"rounds": self.rounds}


def round_positions(rounds: Sequence[str]) -> tuple[list[float], str]:
    """Each round's place in time and the unit: years (from a year or a date in every
    label, one per round), else 0, 1, 2... ("round").

    >>> round_positions(["2017", "2019", "2024"])
    ([2017.0, 2019.0, 2024.0], 'year')
    >>> round_positions(["2023-01-01", "2023-07-02"])[0][1] > 2023.49
    True
    >>> round_positions(["runde 1", "runde 2"])
    ([0.0, 1.0], 'round')
    """
    import datetime as dt

    years = []
    for label in rounds:
        text = str(label).strip()
        if re.fullmatch(r"(19|20)\d\d", text):
            years.append(float(text))
            continue
        found = re.fullmatch(r"((?:19|20)\d\d)-(\d\d)(?:-(\d\d))?", text)
        if not found:
            break
        try:
            day = dt.date(int(found[1]), int(found[2]), int(found[3] or 1))
        except ValueError:
            break
        start = dt.date(day.year, 1, 1)
        length = (dt.date(day.year + 1, 1, 1) - start).days
        years.append(day.year + (day - start).days / length)
    else:
        if len(set(years)) == len(years):
            return years, "year"
    return [float(i) for i in range(len(rounds))], "round"


def trajectory(
    survey: Survey,
    by: Sequence[str] | None = (),
    *,
    adjust: str = "bh",
    alpha: float = 0.05,
    paired: str = "auto",
    min_n: int | None = None,
    lang: str | None = None,
) -> TrajectoryResult:
    """Per dimension and group, the change per year over all rounds with its interval.

    Parameters
    ----------
    survey
        With rounds (at least two).
    by
        Grouping keys other than ``round``.
    adjust, alpha
        p-value adjustment across every trajectory of the output (``bh``, ``holm``,
        ``none``); a trajectory is ``significant`` when its adjusted p is below ``alpha``.
    paired
        ``"auto"``: a random intercept per respondent when ids link rounds; ``"no"``:
        least squares always; ``"yes"``: require an id column.

    Returns
    -------
    TrajectoryResult
        ``records``: one per dimension and group with ``dimension``,
        ``dimension_name``, the grouping keys, ``rounds`` (rounds in the line),
        ``round_first``, ``round_last``, ``n_first``, ``n_last``, ``mean_first``,
        ``mean_last``, ``change`` (last minus first), ``unit`` ("year" or "round"),
        ``slope`` (change per unit), ``slope_low``, ``slope_high`` (95%), ``se``,
        ``fitted_first``, ``fitted_last`` (the line at the first and last round),
        ``p``, ``p_adj``, ``adjust``, ``significant``, ``model`` ("mixed" or "ols"),
        ``n_obs``, ``n_respondents`` (linked ids in the mixed model),
        ``rounds_left_out`` (hidden rounds of the group), ``suppressed``, ``note``;
        ``rounds``: the score records per round.

    Notes
    -----
    Least squares as ``scipy.stats.linregress`` (t test, n - 2 df); the mixed model
    by REML (Patterson & Thompson 1971; as R lme4 and statsmodels MixedLM) with a
    Wald test; Benjamini & Hochberg (1995) or Holm (1979) across the family.
    """
    import pandas as pd

    from .scoring import add_missing_dimensions, respondent_scores, score_survey
    from .stats import adjust_p
    from .stats.mixed import linear_trend

    if adjust not in ("bh", "holm", "none"):
        raise OptionError(
            Message("error.choose", option="--adjust", value=adjust, choices="bh, holm, none")
        )
    if paired not in ("auto", "yes", "no"):
        raise OptionError(
            Message("error.choose", option="--paired", value=paired, choices="auto, yes, no")
        )
    if not 0 < alpha < 1:
        raise OptionError(Message("error.alpha", alpha=alpha))
    inst = survey.instrument
    lang = lang or inst.language
    keys, key_names, rounds = keys_over_rounds(survey, by, Message("purpose.trajectory"))
    positions, unit = round_positions(rounds)
    scored = score_survey(survey, [*key_names, "round"], min_n=min_n, lang=lang)
    per_round = scored.records[scored.records["round"].notna()].reset_index(drop=True)
    scores = respondent_scores(survey).scores
    round_of = survey.data["round"].astype(object).to_numpy()
    code = {r: i for i, r in enumerate(rounds)}
    round_code = pd.Series(round_of).map(code).fillna(-1).to_numpy(dtype=np.intp)
    x_all = np.append(np.asarray(positions, dtype=float), np.nan)[round_code]
    ids = None
    if paired != "no" and "respondent" in survey.data.columns:
        codes = pd.factorize(survey.data["respondent"], use_na_sentinel=True)[0]
        # linked: an id seen in at least two rounds
        frame = pd.DataFrame({"id": codes, "round": round_of})[codes >= 0]
        if (frame.drop_duplicates().groupby("id").size() >= 2).any():
            ids = codes
    if paired == "yes" and ids is None:
        raise OptionError(Message("error.paired_no_link"))
    lookup = {}
    for rec in per_round.to_dict("records"):
        lookup[(tuple(rec[k] for k in key_names), rec["round"], rec["dimension"])] = rec

    records = []
    for group in group_rows(survey, keys, lang):
        labels = tuple(group.labels[k] for k in key_names)
        for dim in scores.columns:
            recs = [lookup.get((labels, r, dim)) for r in rounds]
            present = [(r, rec) for r, rec in zip(rounds, recs, strict=True) if rec is not None]
            if not present:
                continue
            shown = [(r, rec) for r, rec in present if not rec["suppressed"]]
            left_out = [r for r, rec in present if rec["suppressed"]]
            base = dict.fromkeys(RECORD_COLUMNS, None) | {
                "dimension": dim,
                **dict(zip(key_names, labels, strict=True)),
                "unit": unit,
                "rounds": len(shown),
                "rounds_left_out": ", ".join(left_out) or None,
                "suppressed": not shown,
                "significant": False,
            }
            if not shown:
                records.append(base | {"note": "suppressed"})
                continue
            (r0, first), (r1, last) = shown[0], shown[-1]
            base |= {
                "round_first": r0,
                "round_last": r1,
                "n_first": int(first["n"]),
                "n_last": int(last["n"]),
                "mean_first": first["mean"],
                "mean_last": last["mean"],
                "change": last["mean"] - first["mean"],
            }
            if len(shown) < 2:
                records.append(base | {"note": "too_few_rounds"})
                continue
            rows = group.rows
            in_line = np.zeros(len(rounds) + 1, dtype=bool)  # the last: no round
            in_line[[code[r] for r, _ in shown]] = True
            rows = rows[in_line[round_code[rows]]]
            y = scores[dim].to_numpy()[rows]
            fit = linear_trend(x_all[rows], y, None if ids is None else ids[rows])
            if fit is None or not np.isfinite(fit.se) or fit.se == 0:
                records.append(base | {"note": "no_spread"})
                continue
            records.append(
                base
                | {
                    "slope": fit.slope,
                    "slope_low": fit.low,
                    "slope_high": fit.high,
                    "se": fit.se,
                    "fitted_first": fit.intercept + fit.slope * positions[code[r0]],
                    "fitted_last": fit.intercept + fit.slope * positions[code[r1]],
                    "p": fit.p,
                    "model": fit.method,
                    "n_obs": fit.n_obs,
                    "n_respondents": fit.n_groups if fit.method == "mixed" else None,
                }
            )
    frame = pd.DataFrame(records, columns=[*RECORD_COLUMNS, *key_names])
    frame = frame[[*RECORD_COLUMNS[:2], *key_names, *RECORD_COLUMNS[2:]]]
    frame["dimension_name"] = frame["dimension"].map({d.id: d.label(lang) for d in inst.dimensions})
    frame = _flag(frame, adjust_p(frame["p"].to_numpy(dtype=float), adjust), adjust, alpha)
    for name in key_names:
        frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    for count in ("n_first", "n_last", "n_obs", "n_respondents", "rounds"):
        frame[count] = pd.array(frame[count], dtype="Int64")
    frame = add_missing_dimensions(frame, survey, lang, unit=unit)  # a row saying so (issue 19)
    return TrajectoryResult(
        records=frame,
        rounds=per_round,
        round_order=tuple(rounds),
        positions=tuple(positions),
        unit=unit,
        survey=survey,
        keys=tuple(keys),
        min_n=scored.min_n,
        lang=lang,
        ledger=scored.ledger,
        rows_scored=scored.rows_scored,
        adjust=adjust,
        alpha=alpha,
        family=int(frame["p"].notna().sum()),
        findings=tuple(_findings(frame, key_names, lang)),
        warnings=scored.warnings,
    )


def _flag(frame: pd.DataFrame, p_adj, adjust: str, alpha: float) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    frame["p"] = frame["p"].astype(float)
    frame["p_adj"] = p_adj
    frame["significant"] = (frame["p_adj"] < alpha).fillna(False).astype(bool)
    frame["adjust"] = np.where(frame["p"].notna(), adjust, None)
    return frame


def _findings(frame: pd.DataFrame, key_names: list[str], lang: str) -> list[str]:
    """ "Tillid er steget 0,12 point om året siden 2017 (95 % CI 0,05-0,19)", largest first."""
    out = []
    significant = frame[frame["significant"]]
    significant = significant.assign(_size=-significant["slope"].astype(float).abs())
    for rec in significant.sort_values("_size", kind="stable").to_dict("records"):
        group = " · ".join(str(rec[k]) for k in key_names if rec[k] is not None)
        up = rec["slope"] > 0
        key = f"trajectory.{'rose' if up else 'fell'}.{rec['unit']}"
        low, high = sorted((abs(rec["slope_low"]), abs(rec["slope_high"])))
        if np.sign(rec["slope_low"]) != np.sign(rec["slope_high"]):
            low = -low  # (cannot happen for a significant slope; kept honest)
        line = t(
            key,
            lang,
            dimension=rec["dimension_name"],
            slope=number(abs(rec["slope"]), lang),
            since=rec["round_first"],
            low=number(low, lang),
            high=number(high, lang),
        )
        out.append(f"{group}: {line}" if group else line)
    return out
