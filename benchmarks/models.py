"""Benchmark of the multilevel views (issue 22, point 6).

    python benchmarks/models.py [--repeat 3] [--areas 200] [--rounds 10] [--per 300]

Writes ``benchmarks/data/models.csv`` once (fixed seed): ``--areas`` areas x ``--rounds``
yearly rounds x ``--per`` respondents (600,000 rows by default), the 30 statements of
``partnerskab`` as codes, a ``Respondent-ID`` that links half of each area's respondents
across rounds. Then, alternately and ``--repeat`` times, each in a fresh process:

1. ``partnerkit areas models.csv -f json`` (the random-intercept model per dimension),
2. ``partnerkit trend models.csv --over-time -f json`` (mixed model per dimension over
   the linked respondents), and the same ``--by area`` (a line per area and dimension:
   2,010 mixed models),

and prints the median wall time of each (target: under 20 s each on 2 cores), with the
time of reading the file alone (``partnerkit score``) for scale. Last, once, statsmodels
``MixedLM`` on the raw rows of one dimension of each model, in this process, against the
closed-form fit on group sums partnerkit uses (the trajectory's on a 6,000-row part:
MixedLM with a group per respondent is far too slow on all of them). Not a test:
timings belong here.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
BIN = str(Path(sys.executable).parent / "partnerkit")
sys.path.insert(0, str(HERE.parent))

from partnerkit.instrument import load_instrument  # noqa: E402


def write(path: Path, areas: int, rounds: int, per: int) -> None:
    inst = load_instrument()
    rng = np.random.default_rng(22)
    n = areas * rounds * per
    area = np.repeat(np.arange(areas), rounds * per)
    round_ = np.tile(np.repeat(np.arange(rounds), per), areas)
    slot = np.tile(np.arange(per), areas * rounds)
    linked = slot < per // 2  # the same person in every round of the area
    ids = np.where(linked, area * per + slot, areas * per + np.arange(n)).astype(np.int64)
    person = rng.normal(0, 0.45, areas * per + n)[ids]
    area_effect = rng.normal(0, 0.2, areas)[area]
    frame = pd.DataFrame(
        {
            "Respondent-ID": ids,
            "Boligområde": np.char.add("Område ", area.astype(str)),
            "År": 2015 + round_,
        }
    )
    for dim in inst.dimensions:
        mu = 3.4 + person + area_effect + 0.03 * round_ + rng.normal(0, 0.4, n)
        for item in dim.items:
            agree = np.clip(np.rint(mu + rng.normal(0, 0.55, n)), 1, 5).astype(np.int8)
            frame[f"Hvor enig er du? - {item.label('da')}"] = 6 - agree if item.reverse else agree
    path.parent.mkdir(exist_ok=True)
    frame.to_csv(path, sep=";", index=False)


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {out.stderr[-2000:]}")
    return time.perf_counter() - start


def statsmodels_against_sums(path: Path) -> None:
    import statsmodels.formula.api as smf

    from partnerkit import read_survey, respondent_scores
    from partnerkit.stats.mixed import GroupSums, fit_random_intercept, linear_trend

    survey = read_survey(path)
    y = respondent_scores(survey).scores["trust"].to_numpy()
    frame = pd.DataFrame(
        {"y": y, "area": survey.data["area"].astype(str), "respondent": survey.data["respondent"],
         "year": survey.data["round"].astype(int)}
    ).dropna()  # fmt: skip
    start = time.perf_counter()
    stats = frame.groupby("area")["y"].agg(["size", "mean", "var"])
    fit = fit_random_intercept(
        GroupSums.from_moments(stats["size"], stats["mean"], stats["var"] * (stats["size"] - 1))
    )
    ours = time.perf_counter() - start
    start = time.perf_counter()
    ref = smf.mixedlm("y ~ 1", frame, groups=frame["area"]).fit(reml=True)
    theirs = time.perf_counter() - start
    print(f"areas model, one dimension, {len(frame):,} rows: group sums {ours:.3f} s, "
          f"statsmodels MixedLM {theirs:.1f} s; tau2 {fit.tau2:.6f} vs "
          f"{float(ref.cov_re.iloc[0, 0]):.6f}")  # fmt: skip
    # MixedLM with one group per respondent took 23 s on 6,000 rows (3,300 respondents):
    # on the full data it does not finish in reasonable time, so a 6,000-row part of it
    frame = frame[frame["area"].isin(sorted(set(frame["area"]))[:2])].head(6000)
    start = time.perf_counter()
    slope = linear_trend(frame["year"], frame["y"], groups=frame["respondent"])
    ours = time.perf_counter() - start
    start = time.perf_counter()
    ref = smf.mixedlm("y ~ year", frame, groups=frame["respondent"]).fit(reml=True)
    theirs = time.perf_counter() - start
    print(f"trajectory, one dimension, {len(frame):,} rows, "
          f"{frame['respondent'].nunique():,} respondents: group sums {ours:.3f} s, "
          f"statsmodels MixedLM {theirs:.1f} s; slope {slope.slope:.6f} vs "
          f"{ref.fe_params['year']:.6f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--areas", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--per", type=int, default=300)
    parser.add_argument("--skip-statsmodels", action="store_true")
    args = parser.parse_args()
    path = DATA / f"models_{args.areas}x{args.rounds}x{args.per}.csv"
    if not path.exists():
        write(path, args.areas, args.rounds, args.per)
    commands = {
        "read and score": [BIN, str(path), "-f", "json", "-q"],
        "areas (model)": [BIN, "areas", str(path), "-f", "json", "-q"],
        "trend --over-time": [BIN, "trend", str(path), "--over-time", "-f", "json", "-q"],
        "trend --over-time --by area": [
            BIN, "trend", str(path), "--over-time", "--by", "area", "-f", "json", "-q",
        ],
    }  # fmt: skip
    commands["read and score"].insert(1, "score")
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, command in commands.items():
            times[name].append(wall(command))
    rows = args.areas * args.rounds * args.per
    for name, runs in times.items():
        print(f"{name}: {rows:,} rows, median {statistics.median(runs):.1f} s "
              f"of {', '.join(f'{t:.1f}' for t in runs)}")  # fmt: skip
    if not args.skip_statsmodels:
        statsmodels_against_sums(path)


if __name__ == "__main__":
    main()
