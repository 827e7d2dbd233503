"""The benchmark suite: every performance target, measured side by side as ratios.

Each comparison runs its two sides in fresh processes: each side once untimed, then
alternating pairs whose first side takes turns (A B, B A, A B, ...). A side's time is
the median of its runs (with the fastest and slowest beside it), a ratio the median of
the pairs' ratios: never the best run, which flatters whichever side had the luckier
moment on a shared machine.

    python benchmarks/generate.py        # once: writes benchmarks/data/ (~3 min)
    python benchmarks/run.py [--quick] [--repeat N] [--only KEY,...] [--json FILE]
    python scripts/perf_table.py         # the README's table, from benchmarks/results.json

``--only`` runs some groups of measures (keys: see ``GROUPS``); with ``--json`` their
rows replace those of the same group in FILE, so the suite can run in parts (each under
three minutes, as ``/tmp/quiet.sh`` wants on a shared machine). Each row written to FILE
keeps, as ``previous``, the value and verdict of the same measure in FILE before, so
the table can say which targets held in two consecutive runs.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
EXAMPLE = ROOT / "data" / "examples" / "partnerskab_2022-2024.xlsx"
PYTHON = sys.executable
BIN = str(Path(PYTHON).parent / "partnerkit")


def timed(command: list[str], env: dict | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of one run of ``command`` in a fresh process."""
    start = time.perf_counter()
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command],
        capture_output=True,
        text=True,
        env=env,
    )
    seconds = time.perf_counter() - start
    if out.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} failed: {out.stderr[-2000:]}")
    peak = int(out.stderr.strip().splitlines()[-1])
    return seconds, peak


@dataclass(frozen=True)
class Side:
    """The runs of one side of a comparison."""

    seconds: tuple[float, ...]
    peaks: tuple[int, ...]  # KB

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak(self) -> int:
        return int(statistics.median(self.peaks))

    def text(self, digits: int) -> str:
        """``1.23 s (1.20-1.31)``: the median and, with several runs, the range."""
        low, high = min(self.seconds), max(self.seconds)
        spread = f" ({low:.{digits}f}-{high:.{digits}f})" if len(self.seconds) > 1 else ""
        return f"{self.median:.{digits}f} s{spread}"

    def to_dict(self) -> dict:
        return {"seconds": list(self.seconds), "peak_kb": list(self.peaks)}


def pairs(a, b, repeat: int) -> tuple[Side, Side, float]:
    """Both sides once untimed (caches and memory settle: the first run after a large one
    was 0.2 s slower), then ``repeat`` alternating pairs, the side that goes first taking
    turns (A B, B A, A B, ...): with A always first, B always ran right after A, and a
    run right after a large one is the slower. Returns both sides and the median of the
    pairs' ratios a/b. A side is a command or a function returning seconds."""

    def run(side):
        return timed(side) if isinstance(side, list) else (side(), 0)

    run(a), run(b)
    runs_a, runs_b = [], []
    for k in range(repeat):
        if k % 2:
            runs_b.append(run(b))
            runs_a.append(run(a))
        else:
            runs_a.append(run(a))
            runs_b.append(run(b))
    ratio = statistics.median(x[0] / y[0] for x, y in zip(runs_a, runs_b, strict=True))
    side_a = Side(tuple(t for t, _ in runs_a), tuple(p for _, p in runs_a))
    side_b = Side(tuple(t for t, _ in runs_b), tuple(p for _, p in runs_b))
    return side_a, side_b, ratio


def repeated(command, repeat: int) -> Side:
    """One untimed run, then ``repeat`` timed ones."""
    timed(command)
    runs = [timed(command) for _ in range(repeat)]
    return Side(tuple(t for t, _ in runs), tuple(p for _, p in runs))


def python(code: str) -> list[str]:
    return [PYTHON, "-c", code]


def cpu_scoring(rows: int = 1_000_000) -> float:
    """CPU seconds of scoring alone: 1,000,000 x 30 items in memory, by actor and round,
    on one core (the process is pinned to it, so partnerkit starts no threads)."""
    code = f"""
import os, time
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {{min(os.sched_getaffinity(0))}})
import numpy as np, pandas as pd
from partnerkit import load_instrument, score_survey
from partnerkit.survey import Survey, Ledger, Source
inst = load_instrument()
rng = np.random.default_rng(1)
n = {rows}
data = pd.DataFrame(rng.integers(1, 6, (n, 30)).astype(float), columns=list(inst.item_ids))
data.insert(0, "actor", pd.Categorical(rng.choice(["municipality", "housing", "resident",
    "school", "volunteer", "police"], n)))
data.insert(1, "round", pd.Categorical(rng.choice(["2022", "2023", "2024"], n)))
data["_source"] = np.zeros(n, dtype=np.int32)
data["_row"] = np.arange(n) + 2
survey = Survey(data=data, instrument=inst, sources=(Source("memory", None, "plain", n),),
                columns=(), ledger=Ledger(rows_read=n))
score_survey(survey, ["actor", "round"])  # warm up imports
start = time.process_time()
score_survey(survey, ["actor", "round"])
print(time.process_time() - start)
"""
    out = subprocess.run(
        python(code),
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return float(out.stdout.strip().splitlines()[-1])


def r_scoring(path: Path) -> float | None:
    """Seconds of Rscript reading a CSV and running psych::scoreItems (None without R psych)."""
    if shutil.which("Rscript") is None:
        return None
    check = subprocess.run(["Rscript", "-e", "library(psych)"], capture_output=True, text=True)
    if check.returncode:
        return None
    from partnerkit import load_instrument

    items = load_instrument().items
    reverse = ", ".join(str(i + 1) for i, item in enumerate(items) if item.reverse)
    script = f"""
suppressMessages(library(psych))
d <- read.csv2("{path}", check.names = FALSE)
items <- d[, grepl(" - ", names(d), fixed = TRUE)]
items[items == 6] <- NA
names(items) <- paste0("i", seq_along(items))
reverse <- c({reverse})
keys <- lapply(split(seq_along(items), rep(1:10, each = 3)), function(i)
  ifelse(i %in% reverse, paste0("-", names(items)[i]), names(items)[i]))
invisible(scoreItems(keys, items, impute = "none"))
"""
    start = time.perf_counter()
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return time.perf_counter() - start


def item_bytes(rows: int) -> int:
    return rows * 30 * 8


GROUPS = (
    "startup", "small", "xlsx", "csv", "scoring", "reliability", "commands", "areas-loop",
    "areas-jobs", "report", "r", "split",
)  # fmt: skip
LONG = 3  # pairs of runs of ten seconds or more (each group stays under three minutes)


class Suite:
    """The rows of one run: printed as they come, kept for ``--json``."""

    def __init__(self, repeat: int):
        self.repeat = repeat
        self.rows: list[dict] = []
        self.group = ""

    def add(self, name, value, ratio, target, holds, sides=()):
        row = {"group": self.group, "measure": name, "value": value, "ratio": ratio,
               "target": target, "holds": holds, "runs": [s.to_dict() for s in sides]}  # fmt: skip
        self.rows.append(row)
        mark = "✓" if holds else ("–" if holds is None else "✗")
        ratio_text = f"{ratio:6.2f}x" if ratio is not None else "       "
        print(f"{mark} {name:<56} {value:<34} {ratio_text}  {target}", flush=True)

    def versus(self, name, a, b, limit, digits=2, repeat=None, at_least=False):
        """A row for ``a`` as a ratio of ``b`` (medians of pairs): at most ``limit``, or
        with ``at_least`` at least ``limit`` (b/a: how many times faster a is)."""
        side_a, side_b, ratio = pairs(a, b, repeat or self.repeat)
        if at_least:
            ratio = 1 / ratio
        holds = None if limit is None else (ratio >= limit if at_least else ratio <= limit)
        target = "(reported)" if limit is None else f"{'≥' if at_least else '≤'} {limit}x"
        self.add(name, f"{side_a.text(digits)} vs {side_b.text(digits)}", ratio, target,
                 holds, (side_a, side_b))  # fmt: skip
        return side_a, side_b


def out(*args) -> list[str]:
    return [BIN, *map(str, args), "-q", "-o", "/dev/null"]


def run_group(suite: Suite, key: str, cores: int) -> None:
    suite.group = key
    repeat = suite.repeat
    many = max(repeat, 7)  # runs of a second or less: more pairs, as cheap as three long ones
    small, csv, xlsx = DATA / "small.csv", DATA / "large.csv", DATA / "large.xlsx"
    if key == "startup":
        suite.versus("start-up: partnerkit --help vs import typer", [BIN, "--help"],
                     python("import typer"), 1.5, digits=3, repeat=many)  # fmt: skip
    elif key == "small":
        suite.versus("small survey (3,000, CSV): score vs import pandas",
                     [BIN, "score", str(small), "-f", "json", "-q"], python("import pandas"),
                     1.5, digits=3, repeat=many)  # fmt: skip
    elif key == "xlsx":
        ours, base = suite.versus(
            "score 200,000-row xlsx vs bare calamine read",
            out("score", xlsx, "-f", "json"),
            python(f"import pandas as pd; pd.read_excel({str(xlsx)!r}, engine='calamine')"),
            1.3,
            repeat=min(repeat, LONG),
        )
        suite.add("peak memory, score of the 200,000-row xlsx",
                  f"{ours.peak / 1024:.0f} MB (bare read {base.peak / 1024:.0f} MB)",
                  ours.peak / (item_bytes(200_000) / 1024), "(reading xlsx holds the sheet)",
                  None)  # fmt: skip
    elif key == "csv":
        ours, base = suite.versus(
            "score 1,000,000-row CSV vs bare read_csv",
            out("score", csv, "-f", "json"),
            python(f"import pandas as pd; pd.read_csv({str(csv)!r}, sep=';')"),
            1.5,
            repeat=many,
        )
        limit = 3 * item_bytes(1_000_000) / 1024
        suite.add("peak memory, score of the 1,000,000-row CSV",
                  f"{ours.peak / 1024:.0f} MB (bare read {base.peak / 1024:.0f} MB)",
                  ours.peak / (item_bytes(1_000_000) / 1024), "≤ 3x items as float64 (720 MB)",
                  ours.peak <= limit)  # fmt: skip
        # pandas 3.1 parses a large CSV on several threads; this is the one-thread parse
        # that earlier pandas versions (and most readers) do
        one_thread = (
            "import pandas as pd\ntry: pd.set_option('mode.max_threads', 1)\n"
            "except Exception: pass\n"
        )
        suite.versus("  the same vs bare read_csv on one thread", out("score", csv, "-f", "json"),
                     python(one_thread + f"pd.read_csv({str(csv)!r}, sep=';')"), None,
                     repeat=many)  # fmt: skip
    elif key == "scoring":
        runs = [cpu_scoring() for _ in range(repeat)]
        seconds = statistics.median(runs)
        suite.add("scoring alone: 1,000,000 x 30, by actor and round",
                  f"{seconds:.2f} s CPU ({min(runs):.2f}-{max(runs):.2f})", None,
                  "< 1 s CPU, one core", seconds < 1.0)  # fmt: skip
    elif key == "reliability":
        from partnerkit import load_instrument

        items = load_instrument().items
        reverse = ",".join(str(i + 1) for i, item in enumerate(items) if item.reverse)
        suite.versus("reliability 1,000,000-row CSV vs plain pandas alpha",
                     out("reliability", csv, "-f", "json"),
                     [PYTHON, str(HERE / "plain_alpha.py"), str(csv), reverse], 1.5)  # fmt: skip
    elif key == "commands":
        for command in ("trend", "gaps"):
            side = repeated(out(command, csv, "-f", "json"), repeat)
            suite.add(f"{command} on the 1,000,000-row CSV", side.text(1), None, "(reported)",
                      None, (side,))  # fmt: skip
    elif key in ("areas-loop", "areas-jobs"):
        numeric = DATA / "areas-numeric"
        files = sorted(str(p) for p in numeric.glob("*/*.xlsx"))
        one = out("areas", numeric, "-f", "json", "--jobs", 1)
        if key == "areas-loop":
            loop = (
                "import sys, pandas as pd\n"
                "pd.concat(pd.read_excel(f, engine='calamine') for f in sys.argv[1:])"
            )
            suite.versus(f"areas, {len(files):,} xlsx x 30 rows: --jobs 1 vs a pandas loop",
                         one, [PYTHON, "-c", loop, *files], 1.2)  # fmt: skip
        else:
            suite.versus(f"areas, {len(files):,} xlsx x 30 rows: --jobs {cores} vs --jobs 1",
                         out("areas", numeric, "-f", "json", "--jobs", cores), one, 1.6,
                         at_least=True)  # fmt: skip
    elif key == "report":
        with tempfile.TemporaryDirectory() as folder:
            page, book = Path(folder) / "r.html", Path(folder) / "r.xlsx"
            both = [BIN, "report", str(EXAMPLE), "-o", str(book), "-o", str(page), "-q",
                    "--force"]  # fmt: skip
            side = repeated(both, many)
            suite.add("report on the example (293 rows): workbook and page", side.text(2),
                      None, "≤ 2.5 s", side.median <= 2.5, (side,))  # fmt: skip
    elif key == "split":
        run_splits(suite)
    elif key == "r":
        if r_scoring(small) is None:  # R and partnerkit alternately
            suite.add("R psych::scoreItems comparison", "R with psych not installed", None,
                      "", None)  # fmt: skip
            return
        r_side, ours, ratio = pairs(lambda: r_scoring(csv), out("score", csv, "-f", "json"),
                                    min(repeat, LONG))  # fmt: skip
        suite.add("R psych::scoreItems vs score, 1,000,000 rows",
                  f"{r_side.text(1)} vs {ours.text(1)}", ratio, "≥ 10x faster than R",
                  ratio >= 10, (r_side, ours))  # fmt: skip
        suite.versus("score vs R psych::scoreItems, 3,000 rows",
                     [BIN, "score", str(small), "-f", "json", "-q"], lambda: r_scoring(small),
                     2, repeat=many)  # fmt: skip


#: the commands whose time is split into stages (``split``), as the README shows them
SPLITS = (
    ("score, 1,000,000-row CSV", ["score", "{csv}", "-f", "json", "-q", "-o", "/dev/null"]),
    ("reliability, 1,000,000-row CSV",
     ["reliability", "{csv}", "-f", "json", "-q", "-o", "/dev/null"]),
    ("areas, 1,000 xlsx x 30 rows, --jobs 1",
     ["areas", "{areas}", "-f", "json", "-q", "-o", "/dev/null", "--jobs", "1"]),
    ("report on the example, workbook and page",
     ["report", "{example}", "-o", "{folder}/r.xlsx", "-o", "{folder}/r.html", "-q", "--force"]),
)  # fmt: skip


def run_splits(suite: Suite) -> None:
    """Where each command's time goes (:mod:`split`): a row per command, no target."""
    sys.path.insert(0, str(HERE))
    from split import split

    with tempfile.TemporaryDirectory() as folder:
        names = {"csv": DATA / "large.csv", "areas": DATA / "areas-numeric",
                 "example": EXAMPLE, "folder": folder}  # fmt: skip
        for name, args in SPLITS:
            shares = split([a.format(**names) for a in args])
            text = ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in shares.items())
            suite.add(name, text, None, "(profile)", None)
            suite.rows[-1]["split"] = shares


def with_previous(rows: list[dict], old: list[dict]) -> None:
    """Give each new row ``previous``: what the run before it in the JSON measured for the
    same measure (its value and whether the target held), so a target is only reported
    as held when it held in two consecutive runs (issue 23)."""
    before = {r["measure"]: r for r in old}
    for row in rows:
        last = before.get(row["measure"])
        if last is not None:
            row["previous"] = {"value": last["value"], "holds": last["holds"]}


def option(name: str) -> str | None:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None


def main() -> int:
    repeat = int(option("--repeat") or (1 if "--quick" in sys.argv else 5))
    only = option("--only")
    groups = GROUPS if only is None else tuple(only.split(","))
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        print(f"--only: unknown group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}",
              file=sys.stderr)  # fmt: skip
        return 2
    if not (DATA / "large.csv").exists() or not (DATA / "areas-numeric").exists():
        print("Run `python benchmarks/generate.py` first.", file=sys.stderr)
        return 2
    cores = os.cpu_count() or 1
    print(
        f"partnerkit benchmarks on {cores} cores: medians of {repeat} alternating pairs (of "
        f"{max(repeat, 7)} for runs of a second or less), fastest-slowest in brackets, each "
        "side run once untimed first\n"
    )
    # `pip install` byte-compiles the package; an editable install run with
    # PYTHONDONTWRITEBYTECODE=1 would compile every module on every start (~45 ms).
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "partnerkit")], check=True)
    suite = Suite(repeat)
    for key in groups:
        run_group(suite, key, cores)
    failed = [r for r in suite.rows if r["holds"] is False]
    judged = [r for r in suite.rows if r["holds"] is not None]
    print(f"\n{len(judged) - len(failed)} of {len(judged)} targets hold")
    target = option("--json")
    if target:
        path = Path(target)
        rows = suite.rows
        old = json.loads(path.read_text("utf-8"))["rows"] if path.exists() else []
        with_previous(rows, old)
        if only is not None:  # a part of the suite: replace its groups
            kept = [r for r in old if r.get("group") not in groups]
            rows = sorted(kept + rows, key=lambda r: GROUPS.index(r.get("group", "r")))
        result = {"cores": cores, "repeat": repeat,
                  "date": datetime.date.today().isoformat(), "rows": rows}  # fmt: skip
        path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
