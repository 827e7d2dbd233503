"""Where one command's time goes: start-up, imports, reading, decoding, statistics, output.

    python benchmarks/split.py score benchmarks/data/large.csv -f json -o /dev/null
    python benchmarks/split.py --markdown NAME -- ARGS...   # a row of the README's table

* start-up: ``partnerkit --help`` (Python, typer and partnerkit's own modules);
* import: pandas, numpy, scipy, matplotlib, openpyxl, as far as the command imports
  them (found by one run, then imported first and timed);
* read, decode, statistics, output: shares of a cProfile run of the command in
  this process (the reader without decoding, ``decode_columns``, everything between
  reading and output, the renderers and writers), scaled to the median wall time of
  three runs without the profiler, since the profiler slows Python code more than C.
"""

from __future__ import annotations

import json
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

PYTHON = sys.executable
BIN = str(Path(PYTHON).parent / "partnerkit")
HEAVY = ("numpy", "pandas", "scipy.special", "scipy.stats", "scipy.optimize", "matplotlib",
         "matplotlib.figure", "openpyxl", "python_calamine")  # fmt: skip

CHILD = """
import os, sys, time, json
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as partnerkit's main sets it
heavy, args, mode = json.loads(sys.argv[1])
candidates = json.loads(sys.argv[2])
start = time.perf_counter()
for name in heavy:
    __import__(name)
imported = time.perf_counter() - start
from partnerkit.cli import app  # not main(), which ends the process when done
sys.argv = ["partnerkit", *args]
def run():
    try:
        app(prog_name="partnerkit")
    except SystemExit:
        pass
if mode == "learn":
    run()
    print(json.dumps([m for m in candidates if m in sys.modules]))
elif mode == "time":
    start = time.perf_counter()
    run()
    print(json.dumps([imported, time.perf_counter() - start]))
else:
    import cProfile
    cProfile.run("run()", mode)
"""


def child(heavy: list[str], args: list[str], mode: str) -> str:
    out = subprocess.run(
        [PYTHON, "-c", CHILD, json.dumps([heavy, args, mode]), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""


def cumulative(stats: pstats.Stats, path_end: str, name: str, skip_callers=()) -> float:
    """Cumulative seconds of the functions ``name`` in files ending ``path_end``, leaving out
    calls from functions named in ``skip_callers`` (counted with them)."""
    total = 0.0
    for (file, _, func), (_, _, _, ct, callers) in stats.stats.items():
        if func == name and file.endswith(path_end):
            skipped = sum(v[3] for (_, _, caller), v in callers.items() if caller in skip_callers)
            total += ct - skipped
    return total


def split(args: list[str]) -> dict[str, float]:
    startup = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([BIN, "--help"], capture_output=True, check=True)
        startup.append(time.perf_counter() - start)
    heavy = json.loads(child([], args, "learn"))
    runs = [json.loads(child(heavy, args, "time")) for _ in range(3)]
    imported = statistics.median(r[0] for r in runs)
    wall = statistics.median(r[1] for r in runs)
    profile = Path("/tmp") / f"partnerkit-split-{time.time_ns()}.prof"
    child(heavy, args, str(profile))
    stats = pstats.Stats(str(profile))
    profile.unlink()
    total = max(v[3] for v in stats.stats.values())
    read = cumulative(stats, "partnerkit/io/read.py", "read_survey")
    decode = cumulative(stats, "partnerkit/io/decode.py", "decode_columns")
    output = cumulative(stats, "partnerkit/render/__init__.py", "write_report")
    output += cumulative(stats, "partnerkit/render/__init__.py", "render", ("write_report",))
    scale = wall / total
    shares = {
        "start-up": statistics.median(startup),
        "import": imported,
        "read": (read - decode) * scale,
        "decode": decode * scale,
        "statistics": (total - read - output) * scale,
        "output": output * scale,
    }
    return shares


def main() -> int:
    argv = sys.argv[1:]
    name = None
    if argv[:1] == ["--markdown"]:
        name, argv = argv[1], argv[3:]  # --markdown NAME -- ARGS
    shares = split(argv)
    total = sum(shares.values())
    if name:
        cells = [f"{v:.2f}" for v in shares.values()]
        print(f"| {name} | " + " | ".join(cells) + f" | {total:.2f} |")
    else:
        for stage, seconds in shares.items():
            print(f"{stage:<11} {seconds:6.2f} s  {seconds / total:4.0%}")
        print(f"{'total':<11} {total:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
