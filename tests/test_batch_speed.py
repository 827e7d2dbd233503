"""The shortcuts that make many small files fast give what the slow paths give (issue 23).

Rows become a frame without pandas' row parser where a column holds numbers; numeric
item columns are decoded as one block; a plan is reused for a repeated header. Each is
compared here with the path it replaces (pandas' own ``TextParser``, the per-column
decoder, a fresh plan), on cells of every kind a workbook gives.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from pandas.io.parsers import TextParser

from partnerkit.errors import MappingError
from partnerkit.instrument import Scale, load_instrument
from partnerkit.io import decode
from partnerkit.io.files import frame_from_rows
from partnerkit.io.mapping import plan_columns


def text_parser(rows, names):
    """What frame_from_rows did before issue 23: every column through TextParser."""
    parser = TextParser(
        rows, header=None, names=names, keep_default_na=False, na_values=[""],
        skip_blank_lines=False,
    )  # fmt: skip
    return parser.read()


COLUMNS = {
    "ints": [1, 2, 3, 4],
    "floats": [1.0, 2.5, 3.0, 4.0],
    "blanks": [1.0, "", 3.0, ""],
    "empty": ["", "", "", ""],
    "texts as numbers": ["1", "2", "3", ""],
    "comma decimals": ["1,5", "2", "3", "4"],
    "text": ["Kommune", "", "Skole", "Politi"],
    "mixed": [1.0, "Ved ikke", 3.0, ""],
    "true false": ["TRUE", "FALSE", "TRUE", "FALSE"],
    "bools": [True, False, True, False],
    "none": [None, 1.0, None, 2.0],
    "spaces": ["  ", "a", " ", "b"],
    "only spaces": [" ", "", "\t", "  "],
    "true false and text": ["TRUE", "Ja", "FALSE", ""],
    "text and none": [None, "a", "b", ""],
    "numbers and text": ["1", "Nej", "", "2"],
    # one hash table serves every text column: values of other types that are equal
    # (True == 1 == 1.0) or texts shared with another column must not mix their columns
    "true and one": [True, 1.0, "", 1],
    "texts and a bool": ["a", True, "b", ""],
    "text again": ["Kommune", "Kommune", "", "Skole"],
    "true false words again": ["True", "", "false", "TRUE"],
}


@pytest.mark.parametrize("first", [None, "\ufeffID"])
def test_rows_typed_as_pandas_text_parser_types_them(first):
    names = list(COLUMNS)
    rows = [list(cells) for cells in zip(*COLUMNS.values(), strict=True)]
    if first is not None:  # a byte-order mark in the first cell: the parser's own path
        rows[0][0] = first
    expected = text_parser([list(r) for r in rows], names)
    got = frame_from_rows([list(r) for r in rows], names)
    # frame_from_rows also blanks cells of white space (its _tidy step): do the same
    for name in ("spaces", "only spaces"):
        expected[name] = expected[name].mask(expected[name].str.strip() == "")
    pd.testing.assert_frame_equal(got, expected)


def test_many_rows_of_repeated_texts_typed_as_the_text_parser_types_them():
    """Texts hashed once for the whole grid (each cell a string object of its own, as
    calamine returns them), against pandas' TextParser on the same rows."""
    rng = np.random.default_rng(23)
    labels = ["Helt enig", "Delvist enig", "Ved ikke", "", "  ", "Helt uenig"]
    names = ["actor", "answer", "number", "mixed"]
    rows = [
        [
            "".join(["Kommune", "Politi"][int(rng.integers(2))]),
            "".join(labels[int(rng.integers(len(labels)))]),
            float(rng.integers(1, 6)),
            ["Ja", 2.0, ""][int(rng.integers(3))],
        ]
        for _ in range(3000)
    ]
    expected = text_parser([list(r) for r in rows], names)
    expected["answer"] = expected["answer"].mask(expected["answer"].str.strip() == "")
    got = frame_from_rows([list(r) for r in rows], names)
    pd.testing.assert_frame_equal(got, expected)


def test_short_rows_are_padded_as_before():
    rows = [[1.0, "a"], [2.0], [3.0, "c", "extra"]]
    pd.testing.assert_frame_equal(
        frame_from_rows([list(r) for r in rows], ["x", "y"]),
        text_parser([[1.0, "a"], [2.0, ""], [3.0, "c"]], ["x", "y"]),
    )


@pytest.mark.parametrize("descending", [False, True])
def test_number_block_decodes_as_column_by_column(descending):
    """Blanks, missing codes, fractions, out-of-range and negative numbers, in Series and
    in arrays; the block and the one-column decoder agree on every output."""
    scale = Scale(min=1, max=5, favourable=4, missing_codes=(6.0, 9.0), descending=descending)
    rng = np.random.default_rng(23)
    cells = rng.choice([1, 2, 3, 4, 5, 6, 9, np.nan, 2.5, 0, 7, -3, 300], size=(4, 40))
    columns = [pd.Series(cells[0]), pd.Series(cells[1]).astype("Int64", errors="ignore")]
    columns += [cells[2].copy(), pd.Series(np.clip(cells[3], 1, 5))]  # an all-valid column
    block = decode.decode_columns(columns, scale)  # 4 x 40 cells: the block path
    for column, got in zip(columns, block, strict=True):
        raw = (
            column
            if isinstance(column, np.ndarray)
            else column.to_numpy("float64", na_value=np.nan)
        )
        alone = decode._decode_numbers(np.array(raw, dtype="float64"), scale)
        np.testing.assert_array_equal(got.values, alone.values)
        np.testing.assert_array_equal(got.kind, alone.kind)
        np.testing.assert_array_equal(got.dont_know, alone.dont_know)
        assert [(v, n, list(r)) for v, n, r in got.invalid] == [
            (v, n, list(r)) for v, n, r in alone.invalid
        ]
    assert block[0].invalid  # the case has invalid cells at all
    np.testing.assert_array_equal(columns[2], cells[2])  # a given array is left as it was


def test_nullable_integers_decode_in_the_block():
    scale = Scale(min=1, max=5, favourable=4, missing_codes=(6.0,))
    columns = [pd.Series([1, None, 6], dtype="Int64"), pd.Series([2.0, 3.0, 9.0])]
    first, second = decode.decode_columns(columns, scale)
    np.testing.assert_array_equal(first.values, [1.0, np.nan, np.nan])
    assert first.kind.tolist() == [decode.VALID, decode.BLANK, decode.DONT_KNOW]
    assert second.invalid[0][:2] == ("9", 1)


def test_a_plan_is_reused_only_for_the_same_header_and_instrument():
    inst = load_instrument()
    headers = ["Aktørtype", *inst.item_ids[:4], "Mail"]
    plan = plan_columns(headers, inst, "a.xlsx")
    assert plan_columns(list(headers), inst, "b.xlsx") is plan  # the same header: reused
    other = replace(inst, id="other")  # another instrument object: planned afresh
    assert plan_columns(headers, other, "a.xlsx") is not plan
    assert plan_columns(headers, other, "a.xlsx") == plan
    alternates = {"Mail": ("E-mail",)}
    assert plan_columns(headers, inst, "a.xlsx", alternates=alternates) is not plan


def test_a_bad_header_is_refused_each_time_naming_its_own_file():
    inst = load_instrument()
    twice = [inst.item_ids[0], inst.item_ids[0].upper()]
    for where in ("first.xlsx", "second.xlsx"):
        with pytest.raises(MappingError, match=where):
            plan_columns(twice, inst, where)
    problems: list[str] = []
    plan_columns(twice, inst, "third.xlsx", problems)
    plan_columns(twice, inst, "fourth.xlsx", problems)
    assert [p.split(":")[0] for p in problems] == ["third.xlsx", "fourth.xlsx"]


def _parts_columns():
    """Parts as build_part makes them: floats, int32/int64, Int64 ids, categoricals with each
    file's own categories (actor) or the same ones (round), texts, an Index (sector)."""
    from partnerkit.io.part import Columns

    def part(actors, n_round, ids, extra=None):
        n = len(actors)
        cols = {
            "respondent": pd.array(ids, dtype="Int64"),
            "round": pd.Categorical.from_codes(np.zeros(n, dtype=np.int64), [n_round]),
            "actor": pd.Categorical(actors),
            "sector": pd.Index(["public" if a == "Kommune" else "civil" for a in actors]),
            "a1": np.arange(n, dtype=float),
            "_source": np.zeros(n, dtype=np.int32),
            "_row": np.arange(n, dtype=np.int64) + 2,
        }
        cols |= extra or {}
        return Columns.of(cols, n)

    same = [
        part(["Kommune", "Politi"], "2024", [1, 2]),
        part(["Skole"], "2024", [None]),
        part(["Politi", "Skole", "Kommune"], "2024", [3, 4, 5]),
    ]
    other = [
        *same[:2],
        part(["Kommune"], "2023", [7], {"a2": np.array([np.nan])}),  # another round, a column more
    ]
    return same, other


@pytest.mark.parametrize("case", ["same columns", "different columns"])
def test_parts_stack_as_pandas_concat_stacks_their_frames(case):
    from partnerkit.io.stack import stack_frames

    same, other = _parts_columns()
    parts = same if case == "same columns" else other
    dk = [type(p).of({"a1": np.zeros(p.length, dtype=bool)}, p.length) for p in parts]
    data, dont_know = stack_frames(list(zip(parts, dk, strict=True)))
    expected = pd.concat([p.to_frame() for p in parts], ignore_index=True)  # the replaced path
    pd.testing.assert_frame_equal(data, expected)
    assert dont_know.dtypes.eq(bool).all() and len(dont_know) == len(expected)


def test_a_spreadsheets_number_columns_are_decoded_from_the_arrays_read(tmp_path):
    """read_part decodes an xlsx file's number columns from the arrays the reader made
    (RawTable.owned), not from a Series of each: whole numbers, numbers with blanks, the
    don't-know code 6 and an invalid 7 give the points written out here by hand."""
    from openpyxl import Workbook

    from partnerkit.io.part import read_part

    inst = load_instrument()
    first, second, third = (item.label("da") for item in inst.items[:3])
    book = Workbook()
    sheet = book.active
    sheet.append(["ID", first, second, third])
    for row in ([1, 4, 5, 1], [2, 2, None, 6], [3, 5, 3, 7], [4, 1, 4, 2]):
        sheet.append(row)
    path = tmp_path / "Område A" / "2024.xlsx"
    path.parent.mkdir()
    book.save(path)
    from partnerkit.io.layouts import read_export

    table = read_export(path, None, None)
    assert table.owned_exact and {first, second, third} <= set(table.owned)
    part = read_part(0, path, inst, area_value="Område A")
    data = dict(zip(part.data.names, part.data.arrays, strict=True))
    ids = [item.id for item in inst.items[:3]]
    points = [4.0, 2.0, 5.0, 1.0]  # whole numbers, no blank
    with_blank = [5.0, np.nan, 3.0, 4.0]
    coded = [1.0, np.nan, np.nan, 2.0]  # 6 is don't know, 7 is invalid
    for item, expected in zip(ids, (points, with_blank, coded), strict=True):
        np.testing.assert_array_equal(data[item], expected)  # points as answered (reverse
        # keying is the scoring's)
    assert part.dont_know[ids[2]] == 1
    assert [(c.value, c.count) for c in part.invalid] == [("7", 1)]
    assert list(data["area"]) == ["Område A"] * 4 and list(data["round"]) == ["2024"] * 4


def _codes_by_pandas(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """``grouping.group_codes`` as it was: ``pd.factorize`` of the rows, the labels of the
    values found, factorised again (the independent source of the test below)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    labels = [str(u).strip() for u in uniques] + ["(not given)"]
    merged, names = pd.factorize(np.array(labels, dtype=object))
    return merged[codes].astype(np.intp), list(names)


def _categoricals():
    rng = np.random.default_rng(23)
    names = [f"value {k}" for k in range(300)]
    for size in (1, 3, 7, 20, 200, 300):
        for rows in (0, 1, 5, 5_000, 60_000):
            yield pd.Categorical.from_codes(rng.integers(-1, size, rows), categories=names[:size])
            if rows > 10:  # categories first met late (past the prefix), and unused ones
                codes = rng.integers(0, max(size - 12, 1), rows)
                codes[rows // 2], codes[-1] = size - 2, size - 1
                yield pd.Categorical.from_codes(codes, categories=names[:size])
    yield pd.Categorical([2024, 2022, None, 2023], categories=[2022, 2023, 2024])
    yield pd.Categorical([None, None], categories=["a"])
    yield pd.Categorical(["a ", "a", None, "b"])  # two categories with one label


@pytest.mark.parametrize("values", list(_categoricals()))
def test_group_codes_of_a_categorical_are_pandas_factorize(values):
    from types import SimpleNamespace

    from partnerkit.grouping import GroupKey, group_codes

    column = pd.Series(values)
    survey = SimpleNamespace(data=pd.DataFrame({"extra": column}), instrument=None)
    codes, labels = group_codes(survey, GroupKey("extra", "extra"), "en")
    expected, expected_labels = _codes_by_pandas(column)
    assert labels == expected_labels
    assert codes.dtype == expected.dtype
    np.testing.assert_array_equal(codes, expected)


def _first_rows_by_minimum_at(code: np.ndarray, size: int) -> np.ndarray:
    """The first row of each code by ``np.minimum.at`` over every row (the way
    ``privacy.pattern`` found them before: the independent source of the test below)."""
    first = np.full(size, len(code), dtype=np.intp)
    keep = code >= 0
    np.minimum.at(first, code[keep], np.flatnonzero(keep))
    return first


@pytest.mark.parametrize("size", [1, 2, 9, 40, 300])
@pytest.mark.parametrize("rows", [0, 1, 100, 4_096, 4_097, 70_000, 300_000])
def test_first_rows_are_those_minimum_at_finds(size, rows):
    from partnerkit.privacy.pattern import first_rows

    rng = np.random.default_rng(size * 1_000_003 + rows)
    cases = [rng.integers(-1, size, rows), rng.integers(0, size, rows)]
    if rows > 5_000:  # codes first met past the prefix, and codes never met
        late = rng.integers(0, max(size // 2, 1), rows)
        late[rng.integers(4_096, rows, 3)] = size - 1
        cases.append(late)
    for code in cases:
        for dtype in (np.int8 if size < 127 else np.int16, np.intp):
            typed = code.astype(dtype)
            np.testing.assert_array_equal(
                first_rows(typed, size), _first_rows_by_minimum_at(typed, size)
            )


def _cube_codes_by_minimum_at(column: pd.Series) -> tuple[np.ndarray, list]:
    """``privacy.pattern._factorize`` of a categorical as it was (missing as code 0 of
    widened codes, first rows by ``np.minimum.at``, one index): the test's source."""
    raw = column.cat.codes.to_numpy().astype(np.intp) + 1
    first = _first_rows_by_minimum_at(raw, len(column.cat.categories) + 1)
    present = np.flatnonzero(first < len(raw))
    order = present[np.argsort(first[present], kind="stable")]
    lookup = np.zeros(len(column.cat.categories) + 1, dtype=np.intp)
    lookup[order] = np.arange(len(order))
    categories = column.cat.categories
    return lookup[raw], [None if c == 0 else categories[c - 1] for c in order]


@pytest.mark.parametrize("values", list(_categoricals()))
def test_cube_codes_of_a_categorical_are_those_found_before(values):
    from partnerkit.privacy.pattern import _factorize

    column = pd.Series(values)
    codes, uniques = _factorize(column)
    expected, expected_uniques = _cube_codes_by_minimum_at(column)
    assert [None if u is np.nan else u for u in uniques] == expected_uniques
    assert codes.dtype == expected.dtype
    np.testing.assert_array_equal(codes, expected)


@pytest.mark.parametrize("rows", [0, 1, 7, 1_000, 200_003])
@pytest.mark.parametrize("size", [1, 18, 720])
def test_sums_by_are_bincount_to_the_last_bit(rows, size):
    """``privacy.pattern.sums_by`` (``np.add.at``) against ``np.bincount``, the way the
    scores' moments and the pattern's cell sums were summed before: the same floats, bit
    for bit, for sums whose rounding depends on the order of the rows (values of
    different magnitudes, thirds that no float holds exactly), and int64 sums exactly."""
    from partnerkit.privacy.pattern import row_index, sums_by

    rng = np.random.default_rng(rows * 31 + size)
    group = rng.integers(0, size, rows)
    thirds = rng.integers(3, 16, rows) / 3.0
    spread = rng.standard_normal(rows) * 10.0 ** rng.integers(-8, 9, rows)
    for weights in (thirds, spread, np.zeros(rows)):
        expected = np.bincount(group, weights=weights, minlength=size)
        for index in (row_index(group, size), group.astype(np.intp)):
            got = sums_by(index, weights, size)
            assert got.dtype == np.float64
            np.testing.assert_array_equal(got.view(np.int64), expected.view(np.int64))
    whole = rng.integers(0, 2**40, rows)
    expected = np.zeros(size, dtype=np.int64)
    for g, w in zip(group.tolist(), whole.tolist(), strict=True):  # by hand, row by row
        expected[g] += w
    np.testing.assert_array_equal(sums_by(row_index(group, size), whole, size), expected)


@pytest.mark.parametrize("dtype", [np.int8, np.int16])
@pytest.mark.parametrize("rows", [0, 5, 100_000])
def test_count_sums_are_two_bincounts(dtype, rows):
    """``scoring._count_sums`` (both counts packed in one int64 a row) against the two
    ``np.bincount``s with the counts as weights that it replaces: equal floats, also
    where a count is at its type's largest value; int16 counts of enough rows take the
    bincounts themselves (their packed sums could carry)."""
    from partnerkit.privacy.pattern import row_index
    from partnerkit.scoring import _count_sums

    rng = np.random.default_rng(rows)
    size = 7
    group = rng.integers(0, size, rows)
    top = np.iinfo(dtype).max
    low = rng.integers(0, top + 1, rows).astype(dtype)
    high = rng.integers(0, top + 1, rows).astype(dtype)
    if rows:
        low[0] = high[-1] = top
    got = _count_sums(row_index(group, size), size, low, high)
    for sums, counts in zip(got, (low, high), strict=True):
        expected = np.bincount(group, weights=counts, minlength=size)
        assert sums.dtype == np.float64
        np.testing.assert_array_equal(sums, expected)


def test_respondent_scores_in_blocks_are_those_of_one_block(monkeypatch):
    """``respondent_scores`` scores its rows in blocks of ``SCORE_BLOCK``; blocks of 7
    rows (every block boundary inside the data, a last block shorter) give what one
    block of every row gives, bit for bit: scores, counts and the rows scored."""
    from partnerkit import read_survey, respondent_scores, scoring
    from tests.conftest import EXAMPLE_CSV

    survey = read_survey(EXAMPLE_CSV)
    whole = respondent_scores(survey)
    monkeypatch.setattr(scoring, "SCORE_BLOCK", 7)
    blocks = respondent_scores(survey)
    assert len(survey.data) % 7 and whole.scores.isna().to_numpy().any()
    pd.testing.assert_frame_equal(blocks.scores, whole.scores, check_exact=True)
    np.testing.assert_array_equal(blocks.favourable, whole.favourable)
    np.testing.assert_array_equal(blocks.answered, whole.answered)
    np.testing.assert_array_equal(blocks.scored, whole.scored)
