"""Benchmark of the anonymity pattern and its audit (issue 15, point 6).

    python benchmarks/privacy.py [--repeat 3] [--areas 200] [--rounds 10]

1. The bundled example: the pattern of the dimension scores over actor/sector,
   round and area, plus the audit of ``score --by actor`` and ``--by sector``
   of the latest round together (target: under 1 s together).
2. A synthetic survey of ``--areas`` areas x ``--rounds`` rounds x 8 actor types
   x 10 dimensions (28 respondents per area and round: the police 2, a business
   1, "other" 1, so many cells fall below min_n): the pattern with its audit, which
   runs at every size and ends with every sensitive group proved safe (target: under
   30 s). Printed per dimension: groups hidden per reason, groups left unproved (0
   unless something forbids hiding them, see ``pattern._isolate``) and groups hidden
   until proved by the last resort.

Each measurement runs ``--repeat`` times in this process after one untimed run of
the imports; the median is printed. Not a test: timings belong here, not in CI.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "examples" / "partnerskab_2022-2024.xlsx"
SIZES = {  # respondents per area and round, by actor type (sector)
    "municipality": (6, "public"),
    "police": (2, "public"),
    "school": (4, "public"),
    "housing": (5, "non_profit_housing"),
    "volunteer": (3, "civil_society"),
    "resident": (6, "civil_society"),
    "business": (1, "private"),
    "other": (1, "other"),
}


def median_time(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def example(repeat: int) -> None:
    from partnerkit import protect, read_survey, score_survey, select_rounds
    from partnerkit.privacy import audit
    from partnerkit.privacy import pattern as pattern_module

    survey = read_survey(EXAMPLE)
    latest = select_rounds(survey, ["2024"])
    score_survey(latest, ["actor"])  # imports, once

    def pattern() -> None:
        protect._CACHE.clear()
        pattern_module._DECIDED.clear()  # decided again, not found by its digest
        from partnerkit.scoring import score_pattern

        score_pattern(survey, [], 5)

    def both() -> None:
        protect._CACHE.clear()
        pattern_module._DECIDED.clear()
        runs = [score_survey(latest, ["actor"]), score_survey(latest, ["sector"])]
        assert audit(runs, survey).ok

    print(f"example: pattern {median_time(pattern, repeat):.3f} s")
    print(f"example: pattern + two runs + audit {median_time(both, repeat):.3f} s (target < 1 s)")


def synthetic(areas: int, rounds: int, repeat: int) -> None:
    from partnerkit.privacy import pattern as pattern_module
    from partnerkit.privacy.lp import scaled_protection
    from partnerkit.privacy.pattern import decide_pattern

    rng = np.random.default_rng(15)
    rows = []
    for area in range(areas):
        for round_ in range(rounds):
            for actor, (n, sector) in SIZES.items():
                rows += [(actor, sector, 2015 + round_, f"area {area:03d}")] * n
    frame = pd.DataFrame(rows, columns=["actor", "sector", "round", "area"])
    measures = {
        f"dim{d}": np.clip(rng.normal(3.5, 0.8, len(frame)), 1, 5).round(2) for d in range(10)
    }
    for values in measures.values():
        values[rng.random(len(frame)) < 0.03] = np.nan  # some left a dimension unanswered
    keys = ["actor", "round", "area"]

    def run() -> None:
        pattern_module._DECIDED.clear()  # decided again, not found by its digest
        pattern = decide_pattern(
            frame, keys, measures, min_n=5, scale=(1, 5), protection=scaled_protection(1, 5)
        )
        run.pattern = pattern  # type: ignore[attr-defined]

    seconds = median_time(run, repeat)
    measured = run.pattern.measures.values()  # type: ignore[attr-defined]
    print(
        f"synthetic: {areas} areas x {rounds} rounds x 8 actor types x 10 dimensions, "
        f"{len(frame):,} respondents: pattern + audit {seconds:.1f} s (target < 30 s); "
        f"hidden groups {run.pattern.counts()}; every sensitive group proved safe in the "  # type: ignore[attr-defined]
        f"run: {sum(m.audited for m in measured)} of 10 dimensions"
    )
    hidden = [(m.counts.get("min_n", 0), m.counts.get("secondary", 0)) for m in measured]
    print(f"  per dimension: hidden (min_n, secondary) {hidden}")
    print(f"  left unproved {[m.unproved for m in measured]}")
    isolated = [getattr(m, "isolated", 0) for m in measured]
    print(f"  hidden until proved (the last resort) {isolated}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--areas", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    example(args.repeat)
    synthetic(args.areas, args.rounds, args.repeat)


if __name__ == "__main__":
    main()
