"""Linear time in the number of columns (issue 18): score a CSV of 20,000 columns x 50
rows (the 30 statements of the default instrument, then 19,970 other columns), the
median of alternating runs against reading the same file with pandas alone.

    python benchmarks/wide.py [--columns 20000] [--repeat 5]

Target: under 5 s (it took 63 s before issue 18: a set rebuilt for every header).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE.parent))


def write(path: Path, columns: int, rows: int = 50) -> Path:
    import numpy as np

    from partnerkit.instrument import load_instrument

    items = [item.id for dim in load_instrument().dimensions for item in dim.items]
    names = ["Aktørtype", *items] + [f"extra {k}" for k in range(columns - len(items) - 1)]
    rng = np.random.default_rng(18)
    body = rng.integers(1, 6, size=(rows, len(names))).astype(str)
    body[:, 0] = rng.choice(["Kommune", "Politi", "Boligorganisation"], rows)
    lines = [";".join(names)] + [";".join(row) for row in body]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--columns", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    path = write(DATA / f"wide_{args.columns}.csv", args.columns)
    score = [sys.executable, "-m", "partnerkit", "score", str(path), "-f", "json"]
    bare = [sys.executable, "-c", f"import pandas; pandas.read_csv({str(path)!r}, sep=';')"]
    runs_score, runs_bare = [], []
    for _ in range(args.repeat):  # alternating, so load on the machine hits both alike
        runs_score.append(seconds(score))
        runs_bare.append(seconds(bare))
    print(
        f"{args.columns:,} columns x 50 rows ({path.stat().st_size / 2**20:.1f} MB): "
        f"score {statistics.median(runs_score):.2f} s, bare read_csv "
        f"{statistics.median(runs_bare):.2f} s (median of {args.repeat})"
    )


if __name__ == "__main__":
    main()
