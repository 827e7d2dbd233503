"""Write the README's performance table from the benchmark suite's JSON.

    python benchmarks/run.py --json benchmarks/results.json
    python scripts/perf_table.py            # README.md between the perf-table markers
    python scripts/perf_table.py --check    # exit 1 when the README's table is not the JSON's

No number in the table is typed by hand: tests/test_perf_table.py checks that the
README holds exactly what this script makes of the committed JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RESULTS = ROOT / "benchmarks" / "results.json"
BEGIN = "<!-- perf-table: written by scripts/perf_table.py from benchmarks/results.json -->"
END = "<!-- /perf-table -->"


def table(results: dict) -> str:
    """The markdown table (with a line on how it was measured) of a results JSON."""
    repeat = results.get("repeat")
    lines = [
        f"Measured on {results.get('date', 'an unknown date')}, {results['cores']} cores; "
        f"medians of {repeat} alternating pairs (more for short runs, fewer for long ones: "
        "each row's runs are in the JSON), fastest-slowest run in brackets; the ratio is the "
        "median of the pairs' ratios.",
        "",
        "| measure | value | ratio | target |",
        "|---|---|---|---|",
    ]
    rows = [r for r in results["rows"] if "split" not in r]
    for row in rows:
        mark = {True: " ✓", False: " ✗"}.get(row["holds"], "")
        ratio = f"{row['ratio']:.2f}x" if row["ratio"] is not None else ""
        cells = (row["measure"].strip(), row["value"], ratio, f"{row['target']}{mark}".strip())
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    judged = [r for r in rows if r["holds"] is not None]
    held = sum(r["holds"] for r in judged)
    twice = sum(bool(r["holds"] and r.get("previous", {}).get("holds")) for r in judged)
    lines += [
        "",
        f"{held} of {len(judged)} targets hold; {twice} of {len(judged)} held in this run "
        "and in the run before it (each row's `previous` in the JSON).",
    ]
    splits = [r for r in results["rows"] if "split" in r]
    if splits:
        stages = list(splits[0]["split"])
        lines += [
            "",
            "Where the time goes, in seconds (`benchmarks/split.py`: start-up is `partnerkit "
            "--help`, import the libraries the command loads, the rest shares of a profile "
            "scaled to the command's median wall time):",
            "",
            "| command | " + " | ".join(stages) + " | total |",
            "|---|" + "---:|" * (len(stages) + 1),
        ]
        for row in splits:
            seconds = [row["split"][stage] for stage in stages]
            cells = [f"{v:.2f}" for v in seconds] + [f"{sum(seconds):.2f}"]
            lines.append(f"| {row['measure']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def with_table(readme: str, results: dict) -> str:
    """``readme`` with the text between the markers replaced by the table."""
    start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    return readme[:start] + "\n" + table(results) + "\n" + readme[end:]


def main() -> int:
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    readme = README.read_text(encoding="utf-8")
    made = with_table(readme, results)
    if "--check" in sys.argv:
        if made != readme:
            print("README.md: the performance table is not benchmarks/results.json's; run "
                  "python scripts/perf_table.py", file=sys.stderr)  # fmt: skip
            return 1
        return 0
    if made != readme:
        README.write_text(made, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
