"""The benchmark suite's arithmetic and the README's performance table.

The table is generated from benchmarks/results.json (scripts/perf_table.py); no figure is
copied by hand. The suite reports medians of alternating pairs, never best runs.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


perf_table = load(ROOT / "scripts" / "perf_table.py")
run = load(ROOT / "benchmarks" / "run.py")


def test_readme_table_is_the_committed_json():
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text("utf-8"))
    readme = (ROOT / "README.md").read_text("utf-8")
    assert perf_table.with_table(readme, results) == readme, (
        "README.md's performance table differs from benchmarks/results.json: "
        "run python scripts/perf_table.py"
    )


def test_every_row_has_its_runs_and_medians():
    """Each side's value is the median of its recorded runs (not the best one)."""
    import statistics

    results = json.loads((ROOT / "benchmarks" / "results.json").read_text("utf-8"))
    timed = [r for r in results["rows"] if r["runs"]]
    assert timed
    for row in timed:
        for side in row["runs"]:
            median = statistics.median(side["seconds"])
            shown = [f"{median:.{digits}f} s" for digits in (1, 2, 3)]
            assert any(text in row["value"] for text in shown), row


def test_pairs_take_the_median_of_alternating_runs():
    """Hand computation: A runs 1, 5, 2, 9 s and B 2, 2, 4, 3 s after one untimed run
    each; A's median of 5, 2, 9 is 5, B's of 2, 4, 3 is 3; the pairs' ratios 2.5, 0.5, 3
    have the median 2.5 (a best-run rule would give 2/2 = 1)."""
    order = []
    a_times, b_times = iter([1.0, 5.0, 2.0, 9.0]), iter([2.0, 2.0, 4.0, 3.0])

    def a():
        order.append("a")
        return next(a_times)

    def b():
        order.append("b")
        return next(b_times)

    side_a, side_b, ratio = run.pairs(a, b, 3)
    # once each untimed, then pairs whose first side takes turns: b never always after a
    assert order == ["a", "b", "a", "b", "b", "a", "a", "b"]
    assert side_a.seconds == (5.0, 2.0, 9.0) and side_a.median == 5.0
    assert side_b.median == 3.0
    assert ratio == 2.5
    assert side_a.text(2) == "5.00 s (2.00-9.00)"


def test_table_marks_targets_and_counts_them():
    rows = [
        {"measure": "x vs y", "value": "2.00 s vs 1.00 s", "ratio": 2.0, "target": "≤ 1.5x",
         "holds": False, "runs": []},
        {"measure": "z", "value": "0.50 s", "ratio": None, "target": "(reported)",
         "holds": None, "runs": []},
        {"measure": "w", "value": "1 | 2", "ratio": 1.0, "target": "≤ 1.2x", "holds": True,
         "runs": []},
    ]  # fmt: skip
    text = perf_table.table({"cores": 2, "repeat": 5, "date": "2026-12-07", "rows": rows})
    assert "| x vs y | 2.00 s vs 1.00 s | 2.00x | ≤ 1.5x ✗ |" in text
    assert "| z | 0.50 s |  | (reported) |" in text
    assert "| w | 1 \\| 2 | 1.00x | ≤ 1.2x ✓ |" in text
    assert text.endswith(
        "1 of 2 targets hold; 0 of 2 held in this run and in the run before it "
        "(each row's `previous` in the JSON)."
    )


def test_suite_groups_are_the_options_groups():
    assert len(set(run.GROUPS)) == len(run.GROUPS)
    assert {"areas-loop", "areas-jobs", "report", "reliability"} <= set(run.GROUPS)


def test_a_target_held_twice_only_when_the_run_before_held_it_too():
    """Rows keep the run before's verdict of the same measure; the table counts a target
    as held twice only when both runs held it (hand-made rows: A held both times, B only
    now, C only before, D is new)."""
    old = [
        {"measure": "A", "value": "1 s", "holds": True},
        {"measure": "B", "value": "9 s", "holds": False},
        {"measure": "C", "value": "1 s", "holds": True},
    ]
    rows = [
        {"group": "small", "measure": m, "value": "2 s", "ratio": 1.0, "target": "≤ 1.5x",
         "holds": h, "runs": []}
        for m, h in (("A", True), ("B", True), ("C", False), ("D", True))
    ]  # fmt: skip
    run.with_previous(rows, old)
    assert [r.get("previous") for r in rows] == [
        {"value": "1 s", "holds": True},
        {"value": "9 s", "holds": False},
        {"value": "1 s", "holds": True},
        None,
    ]
    text = perf_table.table({"cores": 2, "repeat": 5, "rows": rows})
    assert "3 of 4 targets hold; 1 of 4 held in this run and in the run before it" in text
