"""Benchmark of `partnerkit relations` (issue 21, point 9).

    python benchmarks/relations.py [--rows 1000000] [--repeat 3]

A synthetic CSV of ``--rows`` respondents (8 actor types, 3 rounds, 20 areas), each
rating the 8 actor types on the bundled instrument's 4 relation questions (32 relation
columns, codes 1-5 with 5% "Ved ikke"), is written to a temporary folder and read once
with ``read_survey`` (not timed). Then ``relations(survey)`` is timed: the matrices with
the anonymity pattern of the 32 relation cells, self-other gaps, influence balance,
concentration and reciprocity (target: under 2 s after reading). The pattern's cache
is cleared before every run, so each run decides it anew.

Each measurement runs ``--repeat`` times after one untimed run; the median is printed.
Not a test: timings belong here, not in CI.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from partnerkit import read_survey
from partnerkit.instrument import load_instrument


def write_survey(folder: Path, rows: int) -> tuple[Path, Path]:
    """The CSV and an instrument whose four relations rate all eight actor types."""
    source = Path(load_instrument().source)
    text = Path(__file__).resolve().parent.parent / "partnerkit" / "instruments"
    text = (text / f"{source}.toml").read_text(encoding="utf-8")
    text = text.replace(
        'targets = ["municipality", "police", "school", "housing", "volunteer", "resident", '
        '"business"]',
        'targets = "actors"',
    )
    instrument = folder / "bench.toml"
    instrument.write_text(text, encoding="utf-8")
    inst = load_instrument(instrument)
    rng = np.random.default_rng(21)
    actors = [a.id for a in inst.actors]
    names = {a.id: a.label("da") for a in inst.actors}
    actor = rng.choice(actors, rows, p=[0.2, 0.05, 0.12, 0.2, 0.12, 0.2, 0.06, 0.05])
    frame = pd.DataFrame(
        {
            "Aktørtype": pd.Series(actor).map(names),
            "Runde": rng.choice([2022, 2023, 2024], rows),
            "Boligområde": rng.choice([f"Område {i}" for i in range(20)], rows),
            inst.items[0].label("da"): rng.integers(1, 6, rows),
        }
    )
    for relation in inst.relations:
        for target in relation.targets:
            header = f"{relation.stem_text('da')} - {names[target]}"
            values = rng.integers(1, 6, rows)
            values[rng.random(rows) < 0.05] = 6
            frame[header] = values
    path = folder / "relations.csv"
    frame.to_csv(path, index=False)
    return path, instrument


def median_time(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from partnerkit import protect
    from partnerkit.privacy import pattern
    from partnerkit.relations import relations

    with tempfile.TemporaryDirectory() as tmp:
        path, instrument = write_survey(Path(tmp), args.rows)
        start = time.perf_counter()
        survey = read_survey(path, instrument=instrument)
        read = time.perf_counter() - start
    columns = sum(":" in c for c in survey.data.columns)
    print(f"read {len(survey.data):,} respondents x {columns} relation cells in {read:.1f} s")
    relations(survey)  # imports, once

    def run() -> None:
        protect._CACHE.clear()
        pattern._DECIDED.clear()  # decided again, not found by its digest
        relations(survey)

    print(f"relations (matrices, pattern, tests): {median_time(run, args.repeat):.2f} s "
          "(target < 2 s)")  # fmt: skip


if __name__ == "__main__":
    main()
