"""Inputs stacked knowingly (issue 19, point 5): the same file, the same survey in
another format, a combined file beside its parts, respondents repeated across files."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from partnerkit import read_survey
from tests.conftest import EXAMPLE_CSV, EXAMPLE_XLSX, EXAMPLES, tiny_answers, write_table

# the example survey: 293 rows read, 292 scored (conftest / README); hand-checked here by
# reading each file alone
ROWS = 293


def test_the_same_survey_as_xlsx_and_csv_is_read_once(tmp_path):
    folder = tmp_path / "both"
    folder.mkdir()
    shutil.copy(EXAMPLE_XLSX, folder)
    shutil.copy(EXAMPLE_CSV, folder)
    alone = read_survey(EXAMPLE_CSV)
    survey = read_survey(folder)
    assert survey.ledger.rows_read == alone.ledger.rows_read == ROWS  # was 586
    assert len(survey.data) == len(alone.data)
    assert [s.path for s in survey.sources] == [str(folder / EXAMPLE_CSV.name)]
    (note,) = [w for w in survey.ledger.warnings if "read once" in w]
    xlsx = folder / EXAMPLE_XLSX.name
    assert f"{xlsx}, sheet 'Sheet1' (293 rows) holds the same responses" in note
    assert not any("does not look like an id" in w for w in survey.ledger.warnings)
    columns = [c for c in alone.data.columns if c != "_source"]
    pd.testing.assert_frame_equal(
        survey.data[columns], alone.data[columns], check_dtype=False, check_categorical=False
    )


def test_the_example_folder_reads_each_survey_once():
    """data/examples: the .xlsx and its .csv copy (293 each), twelve other areas in
    areas/ (878 rows, other respondents) and the long series 2017-2024 (other
    respondents again): each once, the .csv copy left out."""
    areas = read_survey(EXAMPLES / "areas").ledger.rows_read
    long = read_survey(EXAMPLES / "partnerskab_lang_2017-2024.csv").ledger.rows_read
    survey = read_survey(EXAMPLES)
    assert areas == 878
    assert survey.ledger.rows_read == ROWS + areas + long


def test_identical_files_are_read_once_and_said(tmp_path, tiny):
    frame = tiny_answers(np.random.default_rng(1), 12, ids=range(1, 13))
    first = write_table(tmp_path / "a.csv", frame)
    shutil.copy(first, tmp_path / "copy of a.csv")
    survey = read_survey([tmp_path / "a.csv", tmp_path / "copy of a.csv"], tiny)
    assert survey.ledger.rows_read == 12
    assert f"{tmp_path / 'copy of a.csv'} is identical to {first} (the same bytes): read once." in (
        survey.ledger.warnings
    )


def test_a_combined_file_beside_its_area_files_is_read_once(tmp_path, tiny):
    """(b) another instrument, no actor or round column: the combined file is kept (it
    holds every row), the area files, all of whose rows are in it, are left out."""
    rng = np.random.default_rng(7)
    frames = {name: tiny_answers(rng, 9).drop(columns=["Actor"]) for name in ("Nord", "Syd")}
    folder = tmp_path / "surveys"
    folder.mkdir()
    for name, frame in frames.items():
        write_table(folder / f"{name}.csv", frame)
    combined = pd.concat([f.assign(area=n) for n, f in frames.items()], ignore_index=True)
    write_table(folder / "all.xlsx", combined)
    survey = read_survey(folder, tiny)
    assert survey.ledger.rows_read == 18
    assert [s.path for s in survey.sources] == [str(folder / "all.xlsx")]
    notes = [w for w in survey.ledger.warnings if "read once" in w]
    assert len(notes) == 2 and all("holds responses all in" in n for n in notes)


def test_respondents_repeated_in_another_file_count_once(tmp_path, tiny):
    """Two exports overlapping by three respondents (same id and answers): 12 + 12 rows
    read, the 3 repeats excluded as duplicate respondents, with their rows."""
    frame = tiny_answers(np.random.default_rng(3), 21, ids=range(1, 22))
    write_table(tmp_path / "first.csv", frame.iloc[:12])
    write_table(tmp_path / "second.csv", frame.iloc[9:])
    survey = read_survey([tmp_path / "first.csv", tmp_path / "second.csv"], tiny)
    assert survey.ledger.rows_read == 24
    excluded = {e.reason: e for e in survey.ledger.excluded}
    assert excluded["duplicate_respondent"].rows == 3
    # the second file's rows 2-4 (its first three data rows) repeat the first file's 10-12
    assert excluded["duplicate_respondent"].examples == tuple(
        f"{tmp_path / 'second.csv'}:{r}" for r in (2, 3, 4)
    )
    assert len(survey.data) == 21
    assert survey.data["respondent"].is_unique


def test_different_respondents_with_the_same_answers_are_kept(tmp_path, tiny):
    """Without ids, identical answers in two files that each hold other rows too are
    different people: nothing is left out."""
    same = pd.DataFrame({"a1": [3, 3], "a2": [3, 3]})
    write_table(tmp_path / "x.csv", pd.concat([same, pd.DataFrame({"a1": [5], "a2": [1]})]))
    write_table(tmp_path / "y.csv", pd.concat([same, pd.DataFrame({"a1": [1], "a2": [2]})]))
    survey = read_survey([tmp_path / "x.csv", tmp_path / "y.csv"], tiny)
    assert len(survey.data) == 6
    assert survey.ledger.excluded == ()


def test_the_id_warning_says_the_files_number_their_own_respondents(tmp_path, tiny):
    """Ids 1..n in each of two files of the same round and area: the column is an id, the
    files are what repeat; the advice must not tell to name another id column."""
    rng = np.random.default_rng(5)
    for name in ("a", "b"):
        frame = tiny_answers(rng, 10).drop(columns=["Actor"])
        frame.insert(0, "ID", range(1, 11))
        write_table(tmp_path / f"{name}.csv", frame)
    survey = read_survey([tmp_path / "a.csv", tmp_path / "b.csv"], tiny, area_from="column")
    (warning,) = [w for w in survey.ledger.warnings if "respondent" in w]
    assert "repeat across files" in warning and "number their respondents" in warning
    assert "[columns] respondent" not in warning
    assert len(survey.data) == 20


def test_the_id_warning_within_one_file_names_the_instrument_setting(tmp_path, tiny):
    frame = pd.DataFrame({"ID": ["Skole A"] * 6 + ["Skole B"] * 4, "a1": [1, 2, 3, 4, 5] * 2})
    survey = read_survey(write_table(tmp_path / "s.csv", frame), tiny)
    (warning,) = [w for w in survey.ledger.warnings if "respondent" in w]
    assert "does not look like an id" in warning
    assert "name it under [columns] respondent" in warning


@pytest.mark.parametrize(
    "ids",
    [[1, 2, 3], [1, 3, 2], [1, 2, 2], [3, 2, 1, 3], [5], [], [1, None, 2], [2, None, 2]],
    ids=str,
)
def test_unique_ids_agree_with_pandas(ids):
    # Reference: pandas' own Series.is_unique (hashing); the fast path sees rising ids
    # in one pass and hands every other case to it.
    from partnerkit.io.stack import _unique

    series = pd.Series(pd.array(ids, dtype="Int64"))
    assert _unique(series) == series.is_unique
