"""Does the CSV piece reader still earn its keep? An A/B of `score` on the million-row CSV.

Side A is partnerkit as shipped: a large CSV is cut into pieces on a thread while
pandas is imported, then parsed in pieces on every core (``partnerkit.io.csv_pieces``).
Side B switches the piece reader off (its size threshold set past any file), so
the file goes through ``pandas.read_csv`` in one call, which in pandas 3.1 parses
on threads itself, after a whole-file NUL-byte check. The two sides alternate in
fresh processes; the medians of time and peak memory are what count (issue 14:
the piece reader stays only while it wins by more than 10 % on time).

    python benchmarks/generate.py           # once: writes benchmarks/data/
    python benchmarks/csv_pieces.py [RUNS]  # default 7 alternating runs a side

Measured on the project's 2-core machine, 2026-12-07, three batches of 7, 7 and 9
runs: pieces 1.39 / 1.48 / 1.37 s, plain 1.60 / 1.66 / 1.60 s (the pieces 12-16 %
faster); peak memory 589-597 MB vs 706-774 MB.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CSV = HERE / "data" / "large.csv"
PIECES_OFF = "import partnerkit.io.csv_pieces as pieces; pieces.MIN_BYTES = 1 << 62\n"


def command(pieces: bool) -> list[str]:
    argv = ["partnerkit", "score", str(CSV), "-f", "json", "-q", "-o", "/dev/null"]
    run = f"import sys; from partnerkit.cli import main; sys.argv = {argv!r}; main()"
    return [sys.executable, "-c", run if pieces else PIECES_OFF + run]


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one run in a fresh process."""
    start = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return seconds, int(out.stderr.strip().splitlines()[-1]) / 1024


def main() -> int:
    if not CSV.exists():
        print("Run `python benchmarks/generate.py` first.", file=sys.stderr)
        return 2
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    timed(command(True)), timed(command(False))  # once untimed: caches settle
    sides: dict[str, list[tuple[float, float]]] = {"pieces": [], "plain read_csv": []}
    for _ in range(runs):
        sides["pieces"].append(timed(command(True)))
        sides["plain read_csv"].append(timed(command(False)))
    medians = {}
    for name, results in sides.items():
        seconds = statistics.median(s for s, _ in results)
        peak = statistics.median(m for _, m in results)
        medians[name] = seconds
        print(f"{name:<15} median {seconds:.3f} s, peak {peak:.0f} MB  "
              f"(runs: {', '.join(f'{s:.2f}' for s, _ in results)})")  # fmt: skip
    gain = medians["plain read_csv"] / medians["pieces"] - 1
    print(f"pieces faster by {gain:.0%} (keep them while this is over 10%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
