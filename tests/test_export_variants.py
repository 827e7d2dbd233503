"""Platform header variants decided by content, forced layouts checked, trailing blank
lines (issue 19, point 1). The real exports are read in place from ../shared/data/real."""

from __future__ import annotations

import pandas as pd
import pytest

from partnerkit import read_survey
from partnerkit.errors import SurveyReadError
from partnerkit.io.layouts import detect_header, qualtrics_variant, read_export
from tests.conftest import EXAMPLE_XLSX, SHARED_DATA, invoke, write_table

REAL = SHARED_DATA / "real"
QUALTRICS = REAL / "qualtrics"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real is not present")


@needs_real
@pytest.mark.parametrize(
    ("name", "variant", "header_rows"),
    [
        ("student-satisfaction_CSV_use-choice-text.csv", "current", 3),
        ("No_Basis_for_Evaluation_Insights.csv", "2016-17", 3),
        ("No_Basis_for_Evaluation_Legacy.csv", "legacy", 2),
    ],
)
def test_every_qualtrics_variant_is_recognised(name, variant, header_rows):
    table = read_export(QUALTRICS / name)
    assert table.layout == "qualtrics"
    assert table.header_row == header_rows
    # the data rows: 25 and 15 responses (SOURCES.md; counted by hand in the files)
    assert len(table.frame) == (25 if name.startswith("student") else 15)
    first = table.frame.iloc[0].astype(str).str.cat()
    assert "ImportId" not in first and "ResponseID" not in first


@needs_real
def test_the_insights_and_legacy_exports_of_one_survey_read_the_same_answers():
    """The two files hold the same survey and answers (SOURCES.md): the item columns,
    matched by export tag, must read to the same values, and the legacy file's first
    columns are named by its second row (ResponseID...), the tags' question texts kept."""
    insights = read_export(QUALTRICS / "No_Basis_for_Evaluation_Insights.csv")
    legacy = read_export(QUALTRICS / "No_Basis_for_Evaluation_Legacy.csv")
    assert list(legacy.frame.columns[:3]) == ["ResponseID", "ResponseSet", "Name"]
    assert legacy.alternates["Q1"] == ("Indicate how you feel about squash",)
    tags = ["Q1", "Q3_1", "Q3_2", "Q3_3", "Q3_4", "Q4_1", "Q4_2", "Q4_3", "Q4_4"]
    a = insights.frame.set_index("ResponseID")[tags].astype(float)
    b = legacy.frame.set_index("ResponseID")[tags].astype(float)
    pd.testing.assert_frame_equal(a.sort_index(), b.sort_index())
    # hand-read from the file: the first response's Q1 and Q3_1..Q3_4
    assert a.loc["R_ebopwASnJ6p0KSp", ["Q1", "Q3_1", "Q3_2"]].tolist() == [3.0, -1.0, 3.0]


def test_single_quoted_import_ids_and_legacy_rows_are_told_apart():
    tags = ["ResponseID", "Q1", "Q2"]
    texts = ["Response ID", "How are you?", "How old are you?"]
    assert qualtrics_variant([tags, texts, ['{"ImportId":"_recordId"}', "", ""]]) == "current"
    assert qualtrics_variant([tags, texts, ["{'ImportId': 'responseId'}", "", ""]]) == "2016-17"
    assert qualtrics_variant([["V1", "V2", "Q1"], ["ResponseID", "ResponseSet", "?"]]) == "legacy"
    assert qualtrics_variant([tags, ["R_1", "4", "5"], ["R_2", "3", "3"]]) is None
    spec = detect_header([["V1", "V2", "Q1"], ["ResponseID", "ResponseSet", "Mood?"], ["R_1"]])
    assert (spec.rows, spec.layout) == (2, "qualtrics")
    assert spec.names == ["ResponseID", "ResponseSet", "Q1"]
    assert spec.alternates == {"Q1": ("Mood?",)}


def test_forcing_a_layout_on_rows_that_are_answers_is_refused(runner):
    """--layout qualtrics on the Microsoft Forms example ate two respondents (291 of 293)."""
    for layout in ("qualtrics", "surveymonkey"):
        result = invoke(runner, "score", EXAMPLE_XLSX, "--layout", layout)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"Error: {EXAMPLE_XLSX}, sheet ")
        assert f"--layout {layout} takes row 2 as a header row, but it looks like answers" in (
            result.stderr
        )
        assert "Traceback" not in result.stderr


@needs_real
def test_forcing_the_right_layout_reads_every_respondent():
    legacy = read_export(QUALTRICS / "No_Basis_for_Evaluation_Legacy.csv", layout="qualtrics")
    assert (legacy.header_row, len(legacy.frame)) == (2, 15)  # was 3 header rows: one lost
    with pytest.raises(SurveyReadError, match="its first cell is a number"):
        read_export(REAL / "surveymonkey" / "jupyter_2020_all_responses.csv", layout="surveymonkey")


def test_a_plain_survey_of_another_instrument_is_refused_under_a_forced_platform(tmp_path):
    """(b): a survey of another instrument, no actor or round column, numbers only."""
    frame = pd.DataFrame({"a1": [1, 2, 3, 4], "a2": [5, 4, 3, 2], "b1": [2, 2, 3, 3]})
    path = write_table(tmp_path / "other.csv", frame)
    with pytest.raises(SurveyReadError, match=r"row 2 .*its first cell is a number \('1'\)"):
        read_export(path, layout="qualtrics")
    frame.insert(0, "note", ["ok", "fine", "so-so", "good"])
    path = write_table(tmp_path / "noted.csv", frame)
    with pytest.raises(SurveyReadError, match=r"row 2 .*3 of its 4 filled cells are numbers"):
        read_export(path, layout="surveymonkey")


@needs_real
@pytest.mark.parametrize(
    "name", ["results-survey945827-202004302207-codes.csv", "results-survey945827-202004302207.csv"]
)
def test_limesurveys_blank_last_line_is_no_row(name):
    path = REAL / "limesurvey" / name
    assert path.read_bytes().endswith(b"\n\n")  # the blank last line is there
    assert len(read_export(path).frame) == 65  # 65 responses (SOURCES.md)


@pytest.mark.parametrize("end", ["\n\n", "\n\n\n", "\r\n\r\n", "\n;;\n"])
def test_trailing_blank_lines_are_not_rows(tmp_path, tiny, end):
    path = tmp_path / "s.csv"
    path.write_text("a1;a2;b1\n4;5;3\n2;;1\n3;3;3" + end, encoding="utf-8")
    survey = read_survey(path, tiny)
    assert survey.ledger.rows_read == 3
    assert survey.ledger.excluded == ()
    assert len(survey.data) == 3


def test_a_blank_line_between_answers_is_still_a_row_reported_as_empty(tmp_path, tiny):
    path = tmp_path / "s.csv"
    path.write_text("a1;a2;b1\n4;5;3\n\n3;3;3\n\n", encoding="utf-8")
    survey = read_survey(path, tiny)
    assert survey.ledger.rows_read == 3
    assert {e.reason: e.rows for e in survey.ledger.excluded} == {"empty_row": 1}
