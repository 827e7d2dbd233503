"""Platform layouts: each export is read back to the same answers, and its layout is named."""

from __future__ import annotations

import json
import math
import sys

import pandas as pd
import pytest

from partnerkit import read_survey, respondent_scores
from partnerkit.errors import InputFileError, OptionError
from tests import exports
from tests.conftest import SHARED_DATA, invoke

SURVEYXACT = SHARED_DATA / "surveyxact"


def _writers():
    return {
        "microsoft_forms_da": (lambda d: exports.microsoft_forms(d / "forms.xlsx", "da"),
                               "microsoft_forms"),
        "microsoft_forms_en": (lambda d: exports.microsoft_forms(d / "forms.xlsx", "en"),
                               "microsoft_forms"),
        "google_forms": (lambda d: exports.google_forms(d / "google.csv"), "google_forms"),
        "qualtrics_codes": (lambda d: exports.qualtrics(d / "q.csv"), "qualtrics"),
        "qualtrics_text_tsv_utf16": (
            lambda d: exports.qualtrics(d / "q.tsv", "text", "\t", "utf-16"), "qualtrics"),
        "surveymonkey_xlsx": (lambda d: exports.surveymonkey(d / "sm.xlsx"), "surveymonkey"),
        "surveymonkey_csv": (lambda d: exports.surveymonkey(d / "sm.csv"), "surveymonkey"),
        "spss": (lambda d: exports.spss(d / "survey.sav"), "spss"),
        "surveyxact_xlsx": (lambda d: exports.surveyxact_workbook(d / "sx.xlsx"), "surveyxact"),
        "surveyxact_xlsx_split": (
            lambda d: exports.surveyxact_workbook(d / "sx.xlsx", split=True), "surveyxact"),
        "surveyxact_csv_folder": (lambda d: exports.surveyxact_csv(d / "export"), "surveyxact"),
        "surveyxact_csv_file": (
            lambda d: exports.surveyxact_csv(d / "export", ",", "utf-16") / "labels.csv",
            "surveyxact"),
    }  # fmt: skip


@pytest.mark.parametrize("name", list(_writers()))
def test_each_layout_reads_back_the_same_answers(tmp_path, tiny, name):
    if name == "spss":
        pytest.importorskip("pyreadstat")
    write, layout = _writers()[name]
    path = write(tmp_path)
    survey = read_survey(path, tiny)
    assert survey.sources[0].layout == layout
    assert len(survey.data) == len(exports.TRUTH)
    for item in exports.ITEMS:
        got = survey.data[item].tolist()
        want = exports.expected_values(item)
        assert [None if math.isnan(v) else v for v in got] == [
            None if math.isnan(v) else v for v in want
        ], item
    assert survey.data["actor"].tolist() == exports.TRUTH["actor"].tolist()
    dont_know = (exports.TRUTH[exports.ITEMS] == 6).sum()
    assert survey.ledger.dont_know == dont_know.to_dict()  # "don't know" counted, not invalid
    assert survey.ledger.invalid_cells == ()
    text = survey.data.to_string()
    assert "example.dk" not in text and "10.0.0." not in text  # personal data never kept


def test_layouts_score_identically(tmp_path, tiny):
    reference = None
    for name, (write, _) in _writers().items():
        if name == "spss" and "pyreadstat" not in sys.modules:
            pytest.importorskip("pyreadstat")
        folder = tmp_path / name
        folder.mkdir()
        scores = respondent_scores(read_survey(write(folder), tiny)).scores
        if reference is None:
            reference = scores
        pd.testing.assert_frame_equal(scores, reference, obj=name)


def test_validate_names_the_layout(runner, tmp_path, tiny_path):
    path = exports.qualtrics(tmp_path / "q.csv")
    result = invoke(runner, "validate", path, "-i", tiny_path, "-f", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["results"][0]
    assert report["layout"] == "qualtrics" and report["header_row"] == 3
    columns = {c["column"]: c for c in report["columns"]}
    assert columns["Q2_1"]["target"] == "a1" and columns["Q2_1"]["how"] == "statement"
    assert columns["Q2_1"]["label"].endswith("The partners agree on the goals.")
    assert columns["IPAddress"]["kind"] == "personal"
    table = invoke(runner, "validate", path, "-i", tiny_path)
    assert "Qualtrics, header row 3" in table.stdout


def test_score_meta_reports_the_layout(runner, tmp_path, tiny_path):
    path = exports.surveymonkey(tmp_path / "sm.xlsx")
    result = invoke(runner, "score", path, "-i", tiny_path, "-f", "json", "--min-n", "2")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["meta"]["files"][0]["layout"] == "surveymonkey"


def test_forced_layout(runner, tmp_path, tiny, tiny_path):
    path = exports.google_forms(tmp_path / "g.csv")
    assert read_survey(path, tiny, layout="plain").sources[0].layout == "plain"
    with pytest.raises(OptionError, match="--layout nonsense: unknown layout"):
        read_survey(path, tiny, layout="nonsense")
    result = invoke(runner, "score", path, "-i", tiny_path, "--layout", "surveyxact")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path}: is not a SurveyXact export")


def test_spss_without_pyreadstat_says_how_to_install(tmp_path, tiny, monkeypatch):
    pytest.importorskip("pyreadstat")
    path = exports.spss(tmp_path / "survey.sav")
    monkeypatch.setitem(sys.modules, "pyreadstat", None)
    with pytest.raises(InputFileError, match=r"pip install 'partnerkit\[spss\]'"):
        read_survey(path, tiny)


# --------------------------------------------------------- real SurveyXact samples

ELEV = """
id = "elev"
version = "1"
language = "en"
title = "Valg av programområde"

[scale]
min = 1
max = 4
favourable = 3

[scale.labels]
"1" = ["Helt uenig"]
"2" = ["Uenig"]
"3" = ["Enig"]
"4" = ["Helt enig"]

[[dimensions]]
id = "motivation"
name = "Motivasjon"
[[dimensions.items]]
id = "motivated"
text = "Jeg er svært motivert for fagene på programområdet"
[[dimensions.items]]
id = "thrive"
text = "Jeg kommer til å trives med programområdet jeg har valgt"
[[dimensions.items]]
id = "proud"
text = "Jeg kommer til å være stolt over å ha gått på programområdet"

[[dimensions]]
id = "mastery"
name = "Mestring"
[[dimensions.items]]
id = "better"
text = "Jeg er flinkere enn de fleste andre som går på programområdet"
[[dimensions.items]]
id = "learn"
text = "Jeg lærer lett i fagene på dette programområdet"
[[dimensions.items]]
id = "worried"
text = "Jeg er bekymret for at jeg ikke er flink nok i fagene"
reverse = true
"""

VARIANTS = [
    "ex_survey2.xlsx",
    "ex_survey2_comma_ansi",
    "ex_survey2_semicolon_ansi/dataset.csv",
    "ex_survey2_tab_utf16",
]


@pytest.fixture
def elev(tmp_path):
    path = tmp_path / "elev.toml"
    path.write_text(ELEV, encoding="utf-8")
    return path


@pytest.mark.skipif(not SURVEYXACT.is_dir(), reason="../shared/data/surveyxact is not present")
def test_real_surveyxact_exports_read_to_identical_frames(elev):
    surveys = [read_survey(SURVEYXACT / v, elev) for v in VARIANTS]
    items = ["motivated", "thrive", "proud", "better", "learn", "worried"]
    common = [*items, "s_2", "s_6"]  # b_1_1 is labelled in some exports and not in others
    first = surveys[0].data[common].reset_index(drop=True)
    for variant, survey in zip(VARIANTS[1:], surveys[1:], strict=True):
        assert survey.sources[0].layout == "surveyxact"
        pd.testing.assert_frame_equal(
            survey.data[common].reset_index(drop=True), first, check_dtype=False, obj=variant
        )
    data = surveys[0].data
    # the statements mapped the columns: up_01 is "Jeg er svært motivert ..."
    assert any(c.column == "up_01" and c.target == "motivated" for c in surveys[0].columns)
    # labels decoded: "Vet ikke" (code 6 in the middle of s_6's code list) is not a label
    assert "Vet ikke" in set(surveys[0].data["s_6"].dropna())
    assert set(data["s_2"].dropna()) >= {"Idrettsfag", "Studiespesialisering"}
    # 999 rows: every one scored or excluded
    ledger = surveys[0].ledger
    assert ledger.rows_read == 999
    assert len(data) + ledger.rows_excluded == 999


@pytest.mark.skipif(not SURVEYXACT.is_dir(), reason="../shared/data/surveyxact is not present")
def test_real_surveyxact_answers_match_the_labels_sheet(elev):
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(SURVEYXACT / "ex_survey2.xlsx"))
    rows = book.get_sheet_by_name("Dataset").to_python()
    column = rows[0].index("up_01")
    codes = [r[column] for r in rows[1:]]
    survey = read_survey(SURVEYXACT / "ex_survey2_tab_utf16", elev)
    kept = survey.data["_row"].to_numpy() - 2
    decoded = survey.data["motivated"].tolist()
    # the Labels sheet says 1 Helt uenig .. 4 Helt enig, the same numbers as the scale points
    for code, value in zip([codes[k] for k in kept], decoded, strict=True):
        assert (code == "" and math.isnan(value)) or float(code) == value
