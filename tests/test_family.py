"""The family is the output: false findings on surveys with no real change anywhere.

200 null surveys of a realistic shape (4 actor types x 3 rounds x 10 dimensions,
10-60 respondents per group, Likert answers 1-5 drawn from the same distribution
in every group and round), fixed seed. ``trend --by actor --baseline first``,
``gaps --by round`` and the report's findings (gaps in the latest round, trend
over all and by actor, adjusted as one family) are run through the library.
The promise: the share of null outputs with any finding is at most
alpha + 2 binomial SE (0.05 + 2 * sqrt(0.05 * 0.95 / 200) = 0.081); on null data
BH's false discovery rate equals that family-wise rate.

Games-Howell p-values are replaced by 0 here (its studentized range costs ~10 ms
a pair): a gap is then flagged on the omnibus test alone, which can only add
flags, so the observed rate is an upper bound of the real one.

Secondary suppression is switched off here (``protect.SECONDARY``): every group has
10-60 respondents, so the anonymity pattern hides no group for ``min_n``, and with no
group hidden first the secondary step has nothing to protect and its integer program
(scipy milp, one per dimension and survey) only confirms that. The test asserts that
every output hides nothing, so the outputs are those of the full pattern. This halved
the test's time (the integer programs took about half of it; measured with cProfile
on 5 surveys).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import partnerkit.protect as protect
import partnerkit.stats as stats
from partnerkit import read_survey
from partnerkit.gaps import gaps
from partnerkit.report import report_family
from partnerkit.stats import adjust_p
from partnerkit.trend import trend

SURVEYS = 200
LIMIT = 0.05 + 2 * np.sqrt(0.05 * 0.95 / SURVEYS)


def _games_howell_p0(groups, labels):
    k = len(labels)
    i, j = np.triu_indices(k, 1)
    return pd.DataFrame(
        {"group_a": [labels[x] for x in i], "group_b": [labels[x] for x in j],
         "diff": 0.0, "statistic": 0.0, "p": 0.0}
    )  # fmt: skip


def _hides_any(*results) -> bool:
    """Whether any trend or gaps result hides a group (gaps list theirs in ``groups``)."""
    for result in results:
        if "groups" in result.records.columns:
            if any(g["suppressed"] for groups in result.records["groups"] for g in groups):
                return True
        elif any(result.privacy()["hidden"].values()) or result.records["suppressed"].any():
            return True
    return False


def test_null_surveys_keep_the_promised_false_finding_rate(tmp_path, monkeypatch):
    monkeypatch.setattr(stats, "games_howell", _games_howell_p0)
    monkeypatch.setattr(protect, "SECONDARY", False)  # nothing to protect: see above
    rng = np.random.default_rng(20261207)
    from partnerkit.instrument import load_instrument

    items = [i.id for d in load_instrument().dimensions for i in d.items]
    actors = ["Kommune", "Boligorganisation", "Frivillig forening", "Beboerrepræsentant"]
    sizes = rng.integers(10, 61, (3, len(actors)))
    frame = pd.concat(
        [
            pd.DataFrame(
                {"Runde": str(2022 + r), "Aktørtype": a, **dict.fromkeys(items, 3)},
                index=range(sizes[r, k]),
            )
            for r in range(3)
            for k, a in enumerate(actors)
        ],
        ignore_index=True,
    )
    path = tmp_path / "null.csv"
    frame.to_csv(path, index=False)
    base = read_survey(path)
    columns = [c for c in base.data.columns if any(c == i for i in items)]
    assert len(columns) == len(items) == 30
    latest_rows = (base.data["round"] == "2024").to_numpy()
    probs = [0.1, 0.2, 0.3, 0.25, 0.15]  # one Likert distribution for everyone
    any_finding = {"trend_bh": 0, "trend_holm": 0, "gaps_bh": 0, "gaps_holm": 0,
                   "report_bh": 0, "report_holm": 0}  # fmt: skip
    for _ in range(SURVEYS):
        data = base.data.copy()
        data[columns] = rng.choice(np.arange(1.0, 6.0), size=(len(data), len(columns)), p=probs)
        survey = replace(base, data=data)
        latest = replace(survey, data=data[latest_rows].reset_index(drop=True))
        by_actor = trend(survey, ["actor"], baseline="first")
        by_round = gaps(survey, "actor", ["round"], focus=False)
        # the report's parts (its trend over all respondents repeats the "all" rows of
        # the trend by actor, so report_family takes those; build_report does the same)
        parts = (gaps(latest, "actor", focus=False), None, trend(survey, ["actor"]), None)
        assert not _hides_any(by_actor, by_round, *parts[::2])  # so SECONDARY off is exact
        for adjust in ("bh", "holm"):
            t_res = by_actor.with_family(
                adjust_p(by_actor.family_p(), adjust), adjust, by_actor.family, "trend"
            )
            g_res = by_round.with_family(
                adjust_p(by_round.family_p(), adjust), adjust, by_round.family, "gaps"
            )
            any_finding[f"trend_{adjust}"] += bool(t_res.findings)
            any_finding[f"gaps_{adjust}"] += bool(g_res.findings)
            report = [r for r in report_family(*parts, adjust) if r is not None]
            any_finding[f"report_{adjust}"] += any(bool(r.findings) for r in report)
    rates = {k: v / SURVEYS for k, v in any_finding.items()}
    assert all(rate <= LIMIT for rate in rates.values()), rates
    # the family is the whole output: (4 actors + all) x 2 pairs x 10 dimensions
    assert by_actor.family == 100 and t_res.family == 100
    assert report[1].family_scope == "report" and report[1].family == report[0].family
    assert report[0].family == by_actor.family + 10  # + the latest round's gaps, 10 dimensions


@pytest.mark.parametrize("adjust", ["bh", "holm"])
def test_report_family_counts_every_test_once(adjust):
    from tests.conftest import EXAMPLE_XLSX

    survey = read_survey(EXAMPLE_XLSX)
    parts = (gaps(survey, "actor"), trend(survey, []), trend(survey, ["actor"]), None)
    adjusted = report_family(*parts, adjust)
    # the trend over everyone repeats the "all" rows of the trend by actor: counted once
    overall = parts[2].records[parts[2].records["actor"].isna()]
    np.testing.assert_array_equal(
        overall["p"].to_numpy(float), parts[1].records["p"].to_numpy(float)
    )
    raw = np.concatenate([parts[0].family_p(), parts[2].family_p()])
    expected = stats.adjust_p(raw, adjust)  # R: p.adjust(raw, method = "BH" / "holm")
    got = np.concatenate([
        adjusted[0].records["p_adj"].to_numpy(float),
        adjusted[0].focus["p_adj"].to_numpy(float),
        adjusted[2].records["p_adj"].to_numpy(float),
    ])  # fmt: skip
    np.testing.assert_allclose(got, expected)
    overall = adjusted[2].records[adjusted[2].records["actor"].isna()]
    np.testing.assert_allclose(adjusted[1].records["p_adj"], overall["p_adj"])
    size = int(np.count_nonzero(~np.isnan(raw)))
    assert [r.family for r in adjusted[:3]] == [size] * 3
    assert {r.family_scope for r in adjusted[:3]} == {"report"}
