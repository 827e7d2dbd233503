"""Every anonymity pattern a fixed set of runs decides, written as JSON, to check that a
change of the pattern's code decides the same patterns (same hidden groups, same reasons).

    python scripts/pattern_snapshot.py after.json
    PYTHONPATH=/tmp/main-tree python scripts/pattern_snapshot.py before.json
    python scripts/pattern_snapshot.py --compare before.json after.json

The runs: the attack tests' runs on the bundled example, the two-column example, the
survey with groups of one to four, the real exports (../shared/data) and the report and
reliability on the example, and ``score`` on benchmarks/data/small.csv when it exists.
Each pattern is keyed by its inputs' content (the key columns, the measures' values and
the settings), so the two files are compared pattern by pattern.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _digest(array) -> str:
    import numpy as np

    array = np.ascontiguousarray(array)
    return hashlib.blake2b(array.view(np.uint8), digest_size=12).hexdigest()


def _recorder(patterns: dict):
    """``decide_pattern`` wrapped: each decided pattern written into ``patterns``."""
    import numpy as np
    import pandas as pd

    from partnerkit.privacy import pattern as pattern_module

    decide = pattern_module.decide_pattern

    def recorded(frame, keys, measures, **options):
        pattern = decide(frame, keys, measures, **options)
        # not settings: arrays, and the threads the measures are decided on (the same
        # pattern on any number, see decide_pattern)
        arrays = ("within", "row_keys", "threads")
        settings = sorted((k, repr(v)) for k, v in options.items() if k not in arrays)
        key = json.dumps(
            [
                _digest(pd.util.hash_pandas_object(frame, index=False).to_numpy()),
                list(keys),
                [[name, _digest(np.asarray(v, dtype=float))] for name, v in measures.items()],
                settings,
            ]
        )
        patterns[key] = {
            name: {
                "groups": sorted(
                    [int(h1), int(h2), bool(hidden), reason]
                    for (h1, h2), (hidden, reason) in mp.by_hash.items()
                ),
                "hidden_cells": np.flatnonzero(mp.hidden_cell).tolist(),
                "counts": mp.counts,
                "audited": bool(mp.audited),
                "unproved": int(mp.unproved),
            }
            for name, mp in pattern.measures.items()
        }
        return pattern

    pattern_module.decide_pattern = recorded


def _runs(tmp: Path):
    """(label, path, extra options, runs) of every set of runs."""
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from tests.conftest import SHARED_DATA, TINY_TOML, write_table
    from tests.test_disclosure import (
        EXAMPLE_RUNS,
        REAL_CROSSED,
        SMALL_RUNS,
        SURVEYXACT_RUNS,
        TWO_COLUMN_RUNS,
        _crossed_runs,
        _small_groups_frame,
        _two_extra_columns,
    )

    example = ROOT / "data" / "examples" / "partnerskab_2022-2024.xlsx"
    yield "example", example, [], EXAMPLE_RUNS
    yield "example report", example, [], [["report", "-o", str(tmp / "r.html")], ["reliability"]]
    two = write_table(tmp / "two.csv", _two_extra_columns(example))
    yield "two columns", two, [], TWO_COLUMN_RUNS
    tiny = tmp / "tiny.toml"
    tiny.write_text(TINY_TOML, encoding="utf-8")
    small = write_table(tmp / "groups.csv", _small_groups_frame(np.random.default_rng(15)))
    yield "groups of 1-4", small, ["-i", tiny, "--min-n", "5"], SMALL_RUNS
    if (SHARED_DATA / "surveyxact").is_dir():
        from tests.test_layouts import ELEV

        elev = tmp / "elev.toml"
        elev.write_text(ELEV, encoding="utf-8")
        export = SHARED_DATA / "surveyxact" / "ex_survey2.xlsx"
        yield "surveyxact", export, ["-i", elev], SURVEYXACT_RUNS
    if (SHARED_DATA / "real").is_dir():
        from tests.test_real_exports import real_file

        for i, (name, first, second) in enumerate(REAL_CROSSED):
            path, instrument = real_file(name, tmp / f"real{i}")
            yield name, path, ["-i", instrument], _crossed_runs(first, second)
    bench = ROOT / "benchmarks" / "data" / "small.csv"
    if bench.exists():
        yield "small.csv", bench, [], [["score"]]


def snapshot(out: Path) -> None:
    from typer.testing import CliRunner

    from partnerkit.cli import app

    patterns: dict = {}
    _recorder(patterns)
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as folder:
        for label, path, extra, runs in _runs(Path(folder)):
            for run in runs:
                command, *options = run
                args = [command, str(path), *map(str, extra), *options]
                if command != "report":
                    args += ["-f", "json", "-q"]
                result = runner.invoke(app, args)
                if result.exit_code != 0:
                    raise SystemExit(f"{label} {run}: {result.output[-500:]}")
            print(f"{label}: {len(patterns)} patterns so far", file=sys.stderr)
    out.write_text(json.dumps(patterns, sort_keys=True), encoding="utf-8")


def compare(before: Path, after: Path) -> int:
    a = json.loads(before.read_text(encoding="utf-8"))
    b = json.loads(after.read_text(encoding="utf-8"))
    differ = [k for k in a.keys() & b.keys() if a[k] != b[k]]
    measures = sum(len(v) for v in a.values())
    groups = sum(len(m["groups"]) for v in a.values() for m in v.values())
    hidden = sum(g[2] for v in a.values() for m in v.values() for g in m["groups"])
    print(f"{len(a)} patterns before, {len(b)} after, {len(a.keys() & b.keys())} in both")
    print(f"{measures} measures, {groups} groups, {hidden} hidden: {len(differ)} patterns differ")
    for k in differ[:5]:
        for name in a[k]:
            if a[k][name] != b[k].get(name):
                print("differs:", json.loads(k)[1], name)
    return int(bool(differ) or a.keys() != b.keys())


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        raise SystemExit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
    snapshot(Path(sys.argv[1]))
