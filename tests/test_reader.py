"""The reader layer: answer formats, header styles, CSV dialects, personal data, the ledger."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from partnerkit import read_survey
from partnerkit.errors import InputFileError, MappingError, SurveyReadError
from tests.conftest import write_table

A1 = "The partners agree on the goals."


def tiny_frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]),  # numbers
        (["Helt uenig", "Delvist uenig", "Hverken enig eller uenig", "Delvist enig", "Helt enig"],
         [1, 2, 3, 4, 5]),  # Danish labels
        (["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
          "Strongly agree"], [1, 2, 3, 4, 5]),  # English labels
        (["  helt   ENIG ", "agree\n", "3", "4.0", "Ved ikke"], [5, 4, 3, 4, None]),
        (["Don't know", 6, "ved ikke", "Strongly agree", 2], [None, None, None, 5, 2]),
    ],
)  # fmt: skip
def test_answer_formats_decode_to_scale_points(tmp_path, tiny, answers, expected):
    frame = tiny_frame(a1=answers, a2=[3] * 5)
    survey = read_survey(write_table(tmp_path / "s.xlsx", frame), tiny)
    got = survey.data["a1"].tolist()
    assert [None if math.isnan(v) else v for v in got] == expected
    assert survey.ledger.invalid_cells == ()


def test_dont_know_is_counted_apart_never_a_point(tmp_path, tiny):
    frame = tiny_frame(a1=["Ved ikke", 6, "Don't know", 4], a2=[3, 3, 3, 3])
    survey = read_survey(write_table(tmp_path / "s.csv", frame), tiny)
    assert survey.ledger.dont_know["a1"] == 3
    assert survey.data["a1"].isna().sum() == 3
    assert survey.dont_know["a1"].tolist() == [True, True, True, False]


def test_dont_know_cells_stay_aligned_after_duplicates_and_stacking(tmp_path, tiny):
    filler = [f"f{i}" for i in range(30)]  # re-submissions are rare among real ids
    one = pd.DataFrame(
        {
            "ID": ["x", "y", "x", *filler],
            "a1": ["Ved ikke", 4, 2, *[3] * 30],
            "a2": [3, "Ved ikke", 3, *[3] * 30],
        }
    )
    two = pd.DataFrame({"ID": ["z"], "a2": ["Don't know"], "b1": [5]})
    paths = [write_table(tmp_path / "one.csv", one), write_table(tmp_path / "two.xlsx", two)]
    survey = read_survey(paths, tiny)
    assert survey.data["respondent"].tolist()[:2] == ["y", "x"]  # the first "x" row dropped
    assert survey.data["respondent"].tolist()[-1] == "z"
    assert survey.dont_know["a1"].tolist()[:2] == [False, False]
    assert survey.dont_know["a2"].tolist()[:2] == [True, False]
    assert survey.dont_know["a2"].tolist()[-1] is True


def test_invalid_cells_are_counted_per_column_and_value(tmp_path, tiny):
    frame = tiny_frame(a1=[7, "maybe", "maybe", 2.5, 4], a2=[1, 2, 3, 4, 0])
    survey = read_survey(write_table(tmp_path / "s.xlsx", frame), tiny)
    invalid = {(c.column, c.value): c.count for c in survey.ledger.invalid_cells}
    assert invalid == {("a1", "maybe"): 2, ("a1", "7"): 1, ("a1", "2.5"): 1, ("a2", "0"): 1}
    maybe = next(c for c in survey.ledger.invalid_cells if c.value == "maybe")
    assert maybe.examples == (f"{tmp_path / 's.xlsx'}:3", f"{tmp_path / 's.xlsx'}:4")


def test_text_columns_decoded_together_keep_their_own_invalid_cells(tmp_path, tiny):
    # label columns are factorised in one batch; each column reports only its own values
    frame = tiny_frame(
        a1=["Helt enig", "maybe", "maybe", "Delvist enig", "Delvist uenig"],
        a2=["Delvist uenig", "Delvist enig", "perhaps", "Helt enig", "Ved ikke"],
    )
    survey = read_survey(write_table(tmp_path / "s.xlsx", frame), tiny)
    invalid = {(c.column, c.value): c.count for c in survey.ledger.invalid_cells}
    assert invalid == {("a1", "maybe"): 2, ("a2", "perhaps"): 1}
    assert survey.ledger.dont_know == {"a1": 0, "a2": 1}
    assert survey.data["a1"].tolist()[0] == 5 and survey.data["a2"].tolist()[:2] == [2, 4]


@pytest.mark.parametrize(
    ("header", "how"),
    [
        ("a1", "id"),
        ("A1", "id"),
        (A1, "text"),  # Microsoft Forms: the statement alone
        ("the partners agree on the goals", "text"),  # case and trailing punctuation ignored
        ("Partnerne er enige om målene.", "text"),  # the Danish text
        (f"How much do you agree? - {A1}", "statement"),  # SurveyXact, Qualtrics
        (f"How much do you agree? [{A1}]", "statement"),  # Google Forms
        (f"Samarbejde – {A1}", "statement"),  # en dash
    ],
)
def test_header_styles_map_to_items(tmp_path, tiny, header, how):
    frame = pd.DataFrame({header: [4, 5], "Q2": [3, 3]})
    survey = read_survey(write_table(tmp_path / "s.xlsx", frame), tiny)
    matches = {m.target: (m.column, m.how) for m in survey.columns if m.kind == "item"}
    assert matches["a1"] == (header, how)
    assert matches["a2"] == ("Q2", "alias")
    assert survey.data["a1"].tolist() == [4.0, 5.0]


def test_two_columns_for_one_item_is_an_error_naming_both(tmp_path, tiny):
    frame = pd.DataFrame({"a1": [4], f"Stem - {A1}": [5]})
    path = write_table(tmp_path / "s.xlsx", frame)
    with pytest.raises(MappingError) as info:
        read_survey(path, tiny)
    assert str(info.value) == (
        f"{path}, sheet 'Sheet1': columns 'a1' and 'Stem - {A1}' both map to item 'a1'. "
        "Remove or rename one of them."
    )


DIALECT_FRAME = pd.DataFrame(
    {
        "Aktørtype": ["Kommune", "Beboer", "Kommune"],
        "a1": ["Helt enig", "Delvist uenig", "Ved ikke"],
        "Møderne er nyttige.": ["Delvist enig", "Hverken enig eller uenig", "Helt uenig"],
    }
)


@pytest.mark.parametrize("sep", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_dialects_and_encodings(tmp_path, tiny, sep, encoding):
    path = write_table(tmp_path / "s.csv", DIALECT_FRAME, sep=sep, encoding=encoding)
    survey = read_survey(path, tiny)
    assert survey.sources[0].delimiter == sep
    assert survey.data["actor"].tolist() == ["municipality", "resident", "municipality"]
    assert survey.data["a2"].tolist() == [4.0, 3.0, 1.0]
    assert survey.data["a1"].tolist()[:2] == [5.0, 2.0]


def test_cp1252_is_detected_past_the_sniffed_sample(tmp_path, tiny):
    frame = pd.DataFrame({"a1": [4] * 40000 + [5], "Rolle": ["x"] * 40000 + ["Bestyrelse/ø"]})
    path = write_table(tmp_path / "late.csv", frame, sep=";", encoding="cp1252")
    survey = read_survey(path, tiny)
    assert survey.data["Rolle"].iloc[-1] == "Bestyrelse/ø"


PERSONAL = {
    "Email": ["anna@example.dk", "bo@example.dk"],
    "Navn": ["Anna Andersen", "Bo Berg"],
    "IP address": ["10.0.0.1", "10.0.0.2"],
    "E-mailadresse": ["a@x.dk", "b@x.dk"],
    "First Name": ["Anna", "Bo"],
}


def test_personal_columns_are_dropped_at_once(tmp_path, tiny):
    frame = pd.DataFrame({**PERSONAL, "a1": [4, 5], "a2": [3, 3]})
    survey = read_survey(write_table(tmp_path / "s.xlsx", frame), tiny)
    assert set(survey.ledger.dropped_columns) == set(PERSONAL)
    assert not set(PERSONAL) & set(survey.data.columns)
    kinds = {m.column: m.kind for m in survey.columns}
    assert all(kinds[c] == "personal" for c in PERSONAL)


def test_row_ledger_empty_no_item_and_duplicates(tmp_path, tiny):
    others = 20  # ids that do not repeat: a real id column repeats rarely
    frame = pd.DataFrame(
        {
            "ID": ["r1", "r2", None, "r3", "r2", "r4", *(f"o{i}" for i in range(others))],
            "Round": [2023, 2023, None, 2023, 2023, 2024, *[2024] * others],
            "Email": [None, None, None, "x@y.dk", None, None, *[None] * others],
            "a1": [4, 5, None, "Ved ikke", 2, 3, *[3] * others],
            "a2": [4, 5, None, "nonsense", 2, 3, *[3] * others],
        }
    )
    path = write_table(tmp_path / "s.xlsx", frame)
    survey = read_survey(path, tiny)
    reasons = {e.reason: (e.rows, e.examples) for e in survey.ledger.excluded}
    assert reasons == {
        "empty_row": (1, (f"{path}:4",)),
        "no_item_answered": (1, (f"{path}:5",)),  # only "Ved ikke" and an invalid cell
        "duplicate_respondent": (1, (f"{path}:3",)),  # r2 again in 2023: the last row is kept
    }
    assert survey.data["respondent"].tolist()[:3] == ["r1", "r2", "r4"]
    assert survey.data["a1"].tolist()[:3] == [4.0, 2.0, 3.0]
    assert survey.ledger.rows_read == 6 + others
    assert len(survey.data) + survey.ledger.rows_excluded == 6 + others


def test_a_column_that_repeats_many_ids_is_not_used_to_drop_rows(tmp_path, tiny):
    # SurveyXact's "id" background variable can hold an organisation's name
    frame = pd.DataFrame({"ID": ["Skole A"] * 6 + ["Skole B"] * 4, "a1": range(1, 11)})
    frame["a1"] = frame["a1"].clip(1, 5)
    survey = read_survey(write_table(tmp_path / "s.csv", frame), tiny)
    assert len(survey.data) == 10
    assert survey.ledger.excluded == ()
    assert any("repeats values in 8 of 10 rows" in w for w in survey.ledger.warnings)


def test_white_space_cells_are_blank(tmp_path, tiny):
    # blank rows before the last answer (rows of blank cells at the end are no rows)
    frame = pd.DataFrame({"a1": ["   ", " ", "4"], "a2": [" ", "\t", "5"]})
    survey = read_survey(write_table(tmp_path / "s.csv", frame), tiny)
    assert survey.ledger.invalid_cells == ()
    assert {e.reason: e.rows for e in survey.ledger.excluded} == {"empty_row": 2}


def test_role_columns_numbers_read_as_text(tmp_path, tiny):
    frame = pd.DataFrame({"År": [2022.0, 2023.0], "Område": ["Vest ", "Øst"], "a1": [4, 5]})
    survey = read_survey(write_table(tmp_path / "s.xlsx", frame), tiny)
    assert survey.data["round"].tolist() == ["2022", "2023"]
    assert survey.data["area"].tolist() == ["Vest", "Øst"]


def test_unknown_actor_values_are_kept_and_reported(tmp_path, tiny):
    frame = pd.DataFrame({"Actor": ["Kommune", "Varde Kommune"], "a1": [4, 5]})
    survey = read_survey(write_table(tmp_path / "s.xlsx", frame), tiny)
    assert survey.data["actor"].tolist() == ["municipality", "Varde Kommune"]
    assert any("'Varde Kommune'" in w for w in survey.ledger.warnings)


def test_several_files_are_stacked(tmp_path, tiny):
    one = write_table(tmp_path / "one.xlsx", pd.DataFrame({"a1": [4, 5], "a2": [1, 1]}))
    two = write_table(tmp_path / "two.csv", pd.DataFrame({A1: ["Agree"], "Q2": [2]}))
    survey = read_survey([one, two], tiny)
    assert survey.data["a1"].tolist() == [4.0, 5.0, 4.0]
    assert survey.ledger.rows_read == 3
    assert [s.path for s in survey.sources] == [str(one), str(two)]


def test_first_sheet_with_items_is_used_without_sheet(tmp_path, tiny):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"Vejledning": ["Udfyld arket Svar"]}).to_excel(
            writer, sheet_name="Vejledning", index=False
        )
        pd.DataFrame({"a1": [4, 2]}).to_excel(writer, sheet_name="Svar", index=False)
    survey = read_survey(path, tiny)
    assert survey.sources[0].sheet == "Svar"
    assert read_survey(path, tiny, sheet="2").sources[0].sheet == "Svar"
    assert read_survey(path, tiny, sheet="svar").sources[0].sheet == "Svar"
    with pytest.raises(SurveyReadError, match=r"no sheet 'Data'. The workbook has 'Vejledning'"):
        read_survey(path, tiny, sheet="Data")
    with pytest.raises(MappingError, match=r"sheet 'Vejledning': no column matches any item"):
        read_survey(path, tiny, sheet="Vejledning")


def test_unreadable_files(tmp_path, tiny):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("this is text\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"fake.xlsx: cannot read the workbook: it is not a"):
        read_survey(fake, tiny)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(SurveyReadError, match=r"empty.csv: the file is empty \(0 bytes\)"):
        read_survey(empty, tiny)
    headers = tmp_path / "headers.csv"
    headers.write_text("a1,a2\n", encoding="utf-8")
    with pytest.raises(SurveyReadError, match=r"headers.csv: has a header row but no answers"):
        read_survey(headers, tiny)


def test_reader_values_are_numpy_floats_not_reverse_keyed(tmp_path, tiny):
    frame = pd.DataFrame({"a3": [1, 5]})
    survey = read_survey(write_table(tmp_path / "s.xlsx", frame), tiny)
    assert survey.data["a3"].dtype == np.float64
    assert survey.data["a3"].tolist() == [1.0, 5.0]


# --- found in review of the fast reader -------------------------------------------------


def test_ids_match_across_files_whatever_the_cells_hold(tmp_path, tiny):
    # ids as numbers in one file, as text (with a stray non-number) in the other
    one = pd.DataFrame({"ID": list(range(1, 31)), "a1": [3] * 30, "a2": [4] * 30})
    two = pd.DataFrame({"ID": ["30", " 31 ", "web-32"], "a1": [5, 5, 5], "a2": [5, 5, 5]})
    paths = [write_table(tmp_path / "one.csv", one), write_table(tmp_path / "two.xlsx", two)]
    survey = read_survey(paths, tiny, area_from="column")  # one area, so ids are compared
    assert len(survey.data) == 32  # id 30 appears in both files: the first row is dropped
    duplicates = next(e for e in survey.ledger.excluded if e.reason == "duplicate_respondent")
    assert duplicates.rows == 1 and duplicates.examples == (f"{paths[0]}:31",)
    assert survey.data["respondent"].tolist()[-3:] == ["30", "31", "web-32"]


def test_true_and_one_in_different_columns_stay_apart(tmp_path, tiny):
    # Excel TRUE in one column must not turn the answer 1 of another column invalid
    frame = tiny_frame(a1=[True, False, True, True], a2=[1, "Delvist enig", 0, 5])
    survey = read_survey(write_table(tmp_path / "s.xlsx", frame), tiny)
    assert survey.data["a2"].tolist() == [1, 4, 5]  # the row with TRUE and 0 has no answer
    invalid = {(c.column, c.value): c.count for c in survey.ledger.invalid_cells}
    assert invalid == {("a1", "True"): 3, ("a1", "False"): 1, ("a2", "0"): 1}


def test_survey_data_can_be_edited_in_place(tmp_path, tiny):
    path = write_table(tmp_path / "s.csv", tiny_frame(a1=[1, 4], a2=[2, 5], a3=[3, 1]))
    survey = read_survey(path, tiny)
    survey.data.loc[0, "a1"] = 2.0  # a clean numeric column is not a read-only view
    assert survey.data["a1"].tolist() == [2.0, 4.0]
    assert path.read_text().splitlines()[1] == "1,2,3"  # the input is untouched


def test_rows_with_only_personal_data_are_counted_not_refused(tmp_path, tiny):
    frame = pd.DataFrame({"Email": ["a@b.dk", "c@d.dk"], "a1": [None, None], "a2": [None, None]})
    survey = read_survey(write_table(tmp_path / "s.csv", frame), tiny, keep_going=True)
    assert survey.ledger.rows_read == 2
    assert {e.reason: e.rows for e in survey.ledger.excluded}["no_item_answered"] == 2
    assert "Email" in survey.ledger.dropped_columns


def test_column_matches_point_at_their_file_after_a_failed_file(tmp_path, tiny):
    good = tiny_frame(a1=[3, 4], a2=[4, 5])
    paths = [
        write_table(tmp_path / "a.csv", good),
        tmp_path / "b.csv",  # missing: fails
        write_table(tmp_path / "c.csv", pd.DataFrame({"a1": [None], "a2": [None], "x": ["t"]})),
    ]
    survey = read_survey(paths, tiny, keep_going=True)
    assert len(survey.sources) == 2 and len(survey.failed) == 1
    assert {c.source for c in survey.columns} == {0, 1}


def test_respondent_ids_as_whole_numbers_or_texts():
    from partnerkit.io.roles import _ids

    whole = _ids(pd.Series([3, 17, 2_000_000_001]))
    assert str(whole.dtype) == "Int64" and whole.tolist() == [3, 17, 2_000_000_001]
    blanks = _ids(pd.Series([17.0, None, 4.0]))  # an export's numbers with an empty cell
    assert str(blanks.dtype) == "Int64" and blanks.tolist() == [17, pd.NA, 4]
    fractions = _ids(pd.Series([1.5, 2.0]))
    assert str(fractions.dtype) == "string" and fractions.tolist() == ["1.5", "2"]
    # past 2**53 an id reads as a float would hold it, with or without a blank beside it
    # (an xlsx file holds every number as a float), so one id reads one way in every file
    big = 2**53 + 1
    assert _ids(pd.Series([big])).tolist() == _ids(pd.Series([big, None])).tolist()[:1]
    texts = _ids(pd.Series([" a-1 ", "", "17"], dtype="string"))
    assert texts.tolist() == ["a-1", pd.NA, "17"]


@pytest.mark.parametrize(
    "values",
    [
        ["police", "school", "police", None, "resident"],  # two public types: not distinct
        ["police", "housing", "volunteer"],  # distinct sectors: a categorical
        ["police", "housing", None],  # distinct, with a missing row
        ["Politi", "housing", "municipality"],  # a type the instrument does not know
        [None, None],
        [],
    ],
)
def test_sectors_of_is_pandas_own_map(values):
    """Reference: ``pandas.Categorical.map``, which sectors_of shortcuts per categories."""
    from partnerkit import load_instrument
    from partnerkit.io.roles import sectors_of

    inst = load_instrument()
    sectors = {a.id: a.sector for a in inst.actors}
    actors = pd.Categorical(pd.array(values, dtype="str"))
    for _ in range(2):  # the second time from the cache
        ours, pandas = sectors_of(actors, sectors), actors.map(sectors)
        assert type(ours) is type(pandas)
        if isinstance(pandas, pd.Categorical):
            pd.testing.assert_extension_array_equal(ours, pandas)
            assert ours.dtype == pandas.dtype
        else:
            pd.testing.assert_index_equal(ours, pandas, exact=True)
