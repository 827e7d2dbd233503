"""Many areas: inputs at scale, areas from paths, failures isolated, project file, benchmarks.

Reference values for the benchmark: Welch's t-test by ``scipy.stats.ttest_ind``
on the area's respondents against all others, and Benjamini-Hochberg by
``scipy.stats.false_discovery_control``, run here on the same scores.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from partnerkit import read_survey, respondent_scores
from partnerkit.areas import areas
from partnerkit.errors import OptionError
from partnerkit.io import read as io_module
from tests.conftest import EXAMPLES, invoke, max_width, tiny_answers, write_table

AREAS = EXAMPLES / "areas"


@pytest.fixture
def folder_per_area(tmp_path):
    rng = np.random.default_rng(1)
    root = tmp_path / "surveys"
    for area, shift in {"Vest": 0.8, "Øst": 0.0, "Nord": -0.3}.items():
        for round_ in (2023, 2024):
            path = root / area / f"{round_}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            write_table(path, tiny_answers(rng, 25, shift))
    return root


def test_areas_come_from_folders_files_and_patterns(tmp_path, tiny, folder_per_area):
    survey = read_survey(folder_per_area, tiny)
    assert sorted(set(survey.data["area"])) == ["Nord", "Vest", "Øst"]
    assert sorted(set(survey.data["round"])) == ["2023", "2024"]
    assert {s.area_source for s in survey.sources} == {"name"}
    flat = tmp_path / "flat"
    flat.mkdir()
    rng = np.random.default_rng(2)
    for name in ("Vest_2024.csv", "Øst runde 3.xlsx"):
        write_table(flat / name, tiny_answers(rng, 10))
    assert sorted(set(read_survey(flat, tiny).data["area"])) == ["Vest", "Øst"]
    pattern = str(folder_per_area / "*" / "2024.csv")
    by_pattern = read_survey([pattern], tiny)
    assert sorted(set(by_pattern.data["area"])) == ["Nord", "Vest", "Øst"]
    assert set(by_pattern.data["round"]) == {"2024"}
    # a single file names no area unless asked to
    single = folder_per_area / "Vest" / "2023.csv"
    assert "area" not in read_survey(single, tiny).data.columns
    assert set(read_survey(single, tiny, area_from="folder").data["area"]) == {"Vest"}
    with pytest.raises(OptionError, match="no file matches this pattern"):
        read_survey([str(tmp_path / "nowhere" / "*.csv")], tiny)


def test_an_area_column_wins_over_names(tmp_path, tiny):
    frame = tiny_answers(np.random.default_rng(3), 10)
    frame.insert(0, "Boligområde", "Rigtigt navn")
    one = write_table(tmp_path / "Forkert_2024.csv", frame)
    two = write_table(tmp_path / "Andet_2024.csv", frame)
    survey = read_survey([one, two], tiny)
    assert set(survey.data["area"]) == {"Rigtigt navn"}
    assert read_survey([one, two], tiny, area_from="filename").data["area"].iloc[0] == (
        "Rigtigt navn"
    )  # the column is never overwritten


def test_benchmark_against_scipy_on_the_same_scores(tiny, folder_per_area):
    survey = read_survey(folder_per_area, tiny)
    result = areas(survey, adjust="bh", min_n=2, method="welch")
    chosen = result.survey  # the latest round of every area
    scores = respondent_scores(chosen).scores
    area_of = chosen.data["area"].to_numpy()
    records = result.records[result.records["area"].notna()].set_index(["area", "dimension"])
    p_values = []
    for (area, dim), rec in records.iterrows():
        x = scores[dim].to_numpy()
        mine, others = x[area_of == area], x[area_of != area]
        mine, others = mine[~np.isnan(mine)], others[~np.isnan(others)]
        ref = sps.ttest_ind(mine, others, equal_var=False)
        assert rec["benchmark_diff"] == pytest.approx(mine.mean() - others.mean())
        assert rec["benchmark_mean"] == pytest.approx(others.mean())
        assert rec["benchmark_p"] == pytest.approx(ref.pvalue)
        p_values.append(rec["benchmark_p"])
    bh = sps.false_discovery_control(np.array(p_values), method="bh")
    assert records["benchmark_p_adj"].to_numpy() == pytest.approx(bh)
    vest = records.loc[("Vest", "alpha")]
    assert vest["rank"] == 1 and vest["flagged"]  # shifted 0.8 points up
    assert set(records.reset_index()["round"]) == {"2024"}


def test_round_choice_and_trend(tiny, folder_per_area):
    survey = read_survey(folder_per_area, tiny)
    result = areas(survey, round="2023", trend=False, min_n=2)
    assert set(result.records["round"].dropna()) == {"2023"}
    excluded = {e.reason: e.rows for e in result.ledger.excluded}
    assert excluded["round_not_selected"] == 75
    with_trend = areas(survey, trend=True, min_n=2).records
    vest = with_trend[(with_trend["area"] == "Vest") & (with_trend["dimension"] == "alpha")].iloc[0]
    assert vest["round_before"] == "2023"
    with pytest.raises(OptionError, match="--compare-round 2031: no such round"):
        areas(survey, round="2031")


def test_a_corrupt_file_is_listed_and_the_others_are_read(
    runner, tmp_path, tiny_path, folder_per_area
):
    bad = folder_per_area / "Syd" / "2024.xlsx"
    bad.parent.mkdir()
    bad.write_text("not a workbook", encoding="utf-8")
    result = invoke(runner, "areas", folder_per_area, "-i", tiny_path, "-f", "json", "--min-n", "2")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["meta"]["failed"] == [
        {"file": str(bad), "error": f"{bad}: cannot read the workbook: it is not a spreadsheet; "
         "if it is a CSV file, give it the .csv extension."}
    ]  # fmt: skip
    assert sorted({r["area"] for r in document["results"] if r["area"]}) == ["Nord", "Vest", "Øst"]
    assert "1 file(s) could not be read:" in result.stderr
    fast = invoke(runner, "areas", folder_per_area, "-i", tiny_path, "--fail-fast", "-j", "1")
    assert fast.exit_code == 1 and fast.stdout == ""
    assert fast.stderr.startswith(f"Error: {bad}: cannot read the workbook")


def test_parallel_reading_equals_sequential():
    sequential = read_survey(AREAS, jobs=1)
    parallel = read_survey(AREAS, None, jobs=2)
    pd.testing.assert_frame_equal(sequential.data, parallel.data)
    assert [s.path for s in sequential.sources] == [s.path for s in parallel.sources]
    assert sequential.ledger == parallel.ledger


@pytest.mark.parametrize("runs_per_worker", [1, 8])
def test_files_stacked_in_worker_runs_equal_files_read_here(
    tmp_path, tiny, runs_per_worker, monkeypatch
):
    """Worker processes stack their run of files and send the rows once; the survey
    must be the one read in this process: rows renumbered past a file that failed,
    numeric and text ids made one type (so 17 meets "17" and one is dropped as a
    duplicate), no don't-know cells for an item a file lacks."""
    monkeypatch.setattr(io_module, "RUNS_PER_WORKER", runs_per_worker)
    rng = np.random.default_rng(11)
    root = tmp_path / "areas"
    for k in range(6):
        for round_ in (2023, 2024):
            path = root / f"A{k}" / f"{round_}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            ids = [17 + i for i in range(6)] if k < 3 else [f"{17 + i}" for i in range(6)]
            if k >= 3:
                ids[0] = "x-1"  # texts: this file's ids are strings
            frame = tiny_answers(rng, 6, ids=ids)
            frame.loc[2, "b1"] = 6  # the don't-know code
            if (k, round_) == (2, 2024):
                frame = frame.drop(columns="b2")
            write_table(path, frame)
    (root / "A1" / "2023.csv").write_text("", encoding="utf-8")  # fails: empty
    # the same respondent twice in one area and round: once as a number, once as text
    extra = root / "A1" / "2024 extra.csv"
    write_table(extra, tiny_answers(rng, 3, ids=["18", "90", "y-91"]))
    here = read_survey(root, tiny, jobs=1, keep_going=True)
    workers = read_survey(root, tiny, jobs=2, keep_going=True)
    pd.testing.assert_frame_equal(workers.data, here.data)
    pd.testing.assert_frame_equal(workers.dont_know, here.dont_know)
    assert workers.sources == here.sources and workers.columns == here.columns
    assert workers.ledger == here.ledger
    assert (
        [f.path for f in workers.failed]
        == [f.path for f in here.failed]
        == [str(root / "A1" / "2023.csv")]
    )
    assert str(here.data["respondent"].dtype) == "string"
    assert here.data["_source"].max() == len(here.sources) - 1  # renumbered past the gap
    lacking = [s.path for s in here.sources].index(str(root / "A2" / "2024.csv"))
    assert not here.dont_know["b2"][here.data["_source"] == lacking].any()
    assert here.dont_know["b1"].sum() == 11  # one in each file read
    dropped = {e.reason: e.rows for e in here.ledger.excluded}
    assert dropped.get("duplicate_respondent") == 1


def test_project_file_and_options_that_override_it(runner, tmp_path, tiny_path, folder_per_area):
    project = tmp_path / "partnerkit.toml"
    result = invoke(runner, "init", project)
    assert result.exit_code == 0
    text = project.read_text(encoding="utf-8")
    text = text.replace('instrument = "partnerskab"', f'instrument = "{tiny_path}"')
    text = text.replace("min_n = 5", "min_n = 2")
    text = text.replace('lang = "da"', 'lang = "en"').replace('format = "table"', 'format = "json"')
    project.write_text(text, encoding="utf-8")
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        plain = invoke(runner, "areas")
        assert plain.exit_code == 0, plain.output
        document = json.loads(plain.stdout)
        assert document["meta"]["min_n"] == 2 and document["meta"]["lang"] == "en"
        override = invoke(runner, "areas", "--min-n", "30", "-f", "csv", "--lang", "da")
        assert override.exit_code == 0, override.output
        assert override.stdout.startswith("dimension,dimension_name,area,round,n,")
        assert "Alfa" in override.stdout  # Danish names from --lang da
        assert ",true,min_n," in override.stdout  # 25 respondents < --min-n 30
        again = invoke(runner, "init", project)
        assert again.exit_code == 2 and "exists already" in again.stderr
    finally:
        os.chdir(cwd)
    broken = tmp_path / "broken.toml"
    broken.write_text('inputs = ["x"]\ncolour = "blue"\n', encoding="utf-8")
    bad = invoke(runner, "areas", "--project", broken)
    assert bad.exit_code == 2 and "unknown key 'colour'" in bad.stderr


def test_areas_table_of_the_example_folder(runner):
    welch = ("--method", "welch")
    result = invoke(runner, "areas", AREAS, "--sort", "equality", "--trend", "--lang", "en", *welch)
    assert result.exit_code == 0, result.output
    assert max_width(result.stdout) <= 100
    text = " ".join(result.stdout.split())
    assert "Møllehøj is 0.67 points below the other areas on Trust and relationships." in text
    first_row = next(x for x in result.stdout.splitlines() if x.strip().startswith("Toftegården"))
    assert " 1 " in first_row  # ranked first on equality
    focus = invoke(runner, "areas", AREAS, "--focus", "Møllehøj", "--lang", "en", *welch)
    assert "Møllehøj against the other areas" in focus.stdout
    quiet = invoke(runner, "areas", AREAS, "--quiet", "--lang", "en", *welch)
    assert "Means to two decimals" not in quiet.stdout and quiet.stderr == ""


def test_compare_round_picks_the_round_and_round_is_not_an_option_of_areas(
    runner, tiny_path, folder_per_area
):
    """--compare-round chooses the round the areas are compared in; --round, which in
    every other command gives a file's round, is no longer reused for it."""
    args = ("areas", folder_per_area, "-i", tiny_path, "-f", "json", "--min-n", "2", "-q")
    chosen = invoke(runner, *args, "--compare-round", "2023")
    assert chosen.exit_code == 0, chosen.output
    records = json.loads(chosen.stdout)["results"]
    assert {r["round"] for r in records} - {None} == {"2023"}  # None: the overall rows
    latest = json.loads(invoke(runner, *args).stdout)["results"]
    assert {r["round"] for r in latest} - {None} == {"2024"}
    missing = invoke(runner, *args, "--compare-round", "2031")
    assert missing.exit_code == 2
    assert "Error: --compare-round 2031: no such round; the rounds are 2023, 2024." in (
        missing.stderr
    )
    old = invoke(runner, *args, "--round", "2023")
    assert old.exit_code == 2 and "No such option: --round" in old.stderr
