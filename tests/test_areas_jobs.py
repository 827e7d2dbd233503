"""``areas --jobs``: the anonymity pattern's dimensions decided on worker processes.

The reference is the pattern decided on one process (every measure in
``decide_pattern``'s own loop): the workers must hide exactly the same groups, for
every dimension, and a run with the same ``--jobs`` twice must too.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from partnerkit import parallel, protect, read_survey
from partnerkit.areas import areas
from partnerkit.grouping import resolve_keys
from partnerkit.scoring import score_pattern
from tests.conftest import EXAMPLES, invoke

AREAS = EXAMPLES / "areas"


@pytest.fixture(scope="module")
def survey():
    return read_survey(AREAS)


@pytest.fixture
def fresh(monkeypatch):
    """Patterns decided anew, not taken from the commands' cache of this survey's."""

    def clear():
        monkeypatch.setattr(protect, "_CACHE", [])

    return clear


@pytest.fixture
def tasks(monkeypatch):
    """(tasks, jobs) of every call of the worker processes, in order."""
    calls = []
    real = parallel.process_map

    def spy(function, items, jobs):
        items = list(items)
        calls.append((len(items), jobs))
        return real(function, items, jobs)

    monkeypatch.setattr(parallel, "process_map", spy)
    return calls


def _pattern(survey, jobs: int, min_n: int = 5):
    return score_pattern(survey, resolve_keys(survey, ["area"]), min_n, jobs=jobs)


def _same_pattern(one, other) -> None:
    assert list(one.measures) == list(other.measures)
    np.testing.assert_array_equal(one.cube.cell_of_row, other.cube.cell_of_row)
    for name, mp in one.measures.items():
        theirs = other.measures[name]
        assert mp.by_hash == theirs.by_hash, name  # every group: hidden or not, and why
        np.testing.assert_array_equal(mp.hidden_cell, theirs.hidden_cell)
        assert (mp.counts, mp.audited, mp.unproved) == (theirs.counts, theirs.audited,
                                                        theirs.unproved)  # fmt: skip


def test_workers_decide_the_pattern_of_one_process(tasks, survey, fresh):
    one = _pattern(survey, 1)
    fresh()
    two = _pattern(survey, 2)
    fresh()
    again = _pattern(survey, 2)
    assert tasks == [(10, 2), (10, 2)]  # ten dimensions, each a task of the two workers
    hidden = sum(mp.counts.get("min_n", 0) + mp.counts.get("secondary", 0)
                 for mp in one.measures.values())  # fmt: skip
    assert hidden > 0  # the example hides groups: the comparison is not of empty patterns
    _same_pattern(one, two)
    _same_pattern(two, again)


@pytest.mark.parametrize("method", ["model", "welch"])
def test_areas_records_do_not_depend_on_jobs(method, survey, fresh):
    # 18-30 respondents per area in its latest round: min_n 22 hides some areas, and
    # others to protect them, on the pattern of areas, rounds and actor types
    one = areas(survey, method=method, jobs=1, min_n=22).records
    fresh()
    two = areas(survey, method=method, jobs=2, min_n=22).records
    hidden = one[one["area"].notna()]["suppressed"]
    assert 0 < hidden.sum() < len(hidden)
    pd.testing.assert_frame_equal(one, two)


def test_cli_areas_jobs_two_hands_the_pattern_to_workers(tasks, survey, tmp_path):
    out = tmp_path / "areas.json"
    args = ["areas", AREAS, "-f", "json", "-q", "-o", out, "--jobs", 2, "--min-n", 22]
    result = invoke(CliRunner(), *args)
    assert result.exit_code == 0, result.output
    assert tasks == [(10, 2)]
    shown = [(r["area"], r["dimension"], r["suppressed"], r["mean"])
             for r in json.loads(out.read_text())["results"]]  # fmt: skip
    records = areas(survey, jobs=1, min_n=22).records  # the same files, on one process
    expected = [(r["area"], r["dimension"], r["suppressed"], None if r["suppressed"] else r["mean"])
                for r in records.to_dict("records")]  # fmt: skip
    assert [s[:3] for s in shown] == [e[:3] for e in expected]
    assert [s[3] for s in shown] == pytest.approx([e[3] for e in expected], nan_ok=True)
