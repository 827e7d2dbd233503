"""One file's part of a survey: its table read, its columns planned, its answers decoded.

:func:`inspect_sheet` reads the table in its layout (:mod:`.layouts`) and plans
its columns (:mod:`.mapping`); :func:`build_part` decodes the answers
(:mod:`.decode`), normalises the role columns (:mod:`.roles`) and accounts for
every row; :func:`read_part` does both for the reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import MappingError, PartnerkitError, SurveyReadError
from ..i18n import Message
from ..instrument import ROLES, Instrument
from ..survey import ROW_COLUMN, SOURCE_COLUMN, ColumnMatch, Exclusion, InvalidCell, Source
from .decode import BLANK, VALID, decode_columns
from .files import SPREADSHEET_SUFFIXES, RawTable, list_sheets
from .layouts import read_export
from .mapping import ColumnPlan, plan_columns
from .roles import constant, role_columns
from .rounds import check_round_column, file_round

if TYPE_CHECKING:
    import pandas as pd

EXAMPLES = 10  # row references kept per exclusion reason


@dataclass(frozen=True)
class Columns:
    """A part's rows as named columns of equal length, not yet a frame.

    Building a DataFrame for every file cost about 1 ms of the ~8 ms each of 1,000 small
    files took (two frames a file, issue 23); :func:`.stack.stack_frames` makes one frame
    of all the parts' columns instead."""

    names: tuple[str, ...]
    arrays: tuple
    length: int

    @classmethod
    def of(cls, columns: Mapping[str, object], length: int) -> Columns:
        return cls(tuple(columns), tuple(columns.values()), length)

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        if not self.names:
            return pd.DataFrame(index=pd.RangeIndex(self.length))
        return pd.DataFrame(dict(zip(self.names, self.arrays, strict=True)), copy=False)


@dataclass
class Part:
    """One file read and decoded, before stacking."""

    index: int  # the file's place among the inputs
    source: Source
    plan: ColumnPlan
    columns: list[ColumnMatch]
    data: Columns | None  # None when a worker process stacked it with others
    excluded: list[Exclusion]
    invalid: list[InvalidCell]
    dont_know: dict[str, int]
    warnings: list[str]
    dont_know_cells: Columns | None  # bool, one column per item, rows as ``data``


def read_part(
    index: int,
    path: Path,
    instrument: Instrument,
    sheet=None,
    layout: str | None = None,
    round_value: str | None = None,
    actor_map: Mapping[str, str] | None = None,
    area_value: str | None = None,
) -> Part:
    """Read, map and decode one file; ``index`` numbers it among the inputs."""
    table, plan, warnings = inspect_sheet(path, instrument, sheet, layout=layout)
    if not plan.items:
        raise MappingError(
            Message("error.no_items", where=table.where, instrument=instrument.id, path=path)
        )
    return build_part(
        index, table, plan, warnings, instrument, round_value, actor_map, area_value, consume=True
    )


def build_part(
    index: int,
    table: RawTable,
    plan: ColumnPlan,
    warnings: list[str],
    instrument: Instrument,
    round_value: str | None = None,
    actor_map: Mapping[str, str] | None = None,
    area_value: str | None = None,
    consume: bool = False,
) -> Part:
    """Decode the answers of one mapped sheet and account for every row.

    The round comes from the round column; without one, from ``round_value``
    (the ``--round`` option), else the file or sheet name. The area comes from the
    area column; without one, from ``area_value`` (the folder or file name).
    ``consume``: the table is not used again, so the item arrays the CSV reader
    allocated may be decoded in place (its frame then shows decoded values).
    """

    frame = table.frame
    path = table.path
    name = str(path)
    rows = np.arange(len(frame)) + table.header_row + 1  # spreadsheet row numbers

    def refs(mask: np.ndarray, limit: int) -> tuple[str, ...]:
        return tuple(f"{name}:{r}" for r in rows[mask][:limit])

    # One float array per item (instrument order), joined into a frame without copying.
    items = [i for i in instrument.item_ids if i in plan.items]
    values, dk = {}, {}
    answered = np.zeros(len(frame), dtype=bool)
    invalid, dont_know = [], {}
    sources = [plan.items[item_id][0] for item_id in items]
    answers = _answer_columns(table, sources) if consume else [frame[c] for c in sources]
    every_decoded = decode_columns(answers, instrument.scale)
    for item_id, column, decoded in zip(items, sources, every_decoded, strict=True):
        values[item_id], dk[item_id] = decoded.values, decoded.dont_know
        answered |= decoded.kind == VALID  # as ~isnan(values), with an eighth of the bytes
        dont_know[item_id] = int(np.count_nonzero(decoded.dont_know))
        invalid += [
            InvalidCell(column, value, count, tuple(f"{name}:{rows[p]}" for p in positions))
            for value, count, positions in decoded.invalid
        ]
    relation_values, relation_sources = _relation_values(table, plan, instrument, consume)
    for column, decoded in relation_values.items():
        header = plan.relations[column][0]
        invalid += [
            InvalidCell(header, value, count, tuple(f"{name}:{rows[p]}" for p in positions))
            for value, count, positions in decoded.invalid
        ]
    unanswered = np.flatnonzero(~answered)  # few: only these can be empty rows
    empty = np.zeros(len(frame), dtype=bool)
    if unanswered.size:  # by the cell kinds: decoding may have overwritten the item columns
        kinds = [*every_decoded, *relation_values.values()]
        blank = np.logical_and.reduce([d.kind[unanswered] == BLANK for d in kinds])
        rest = frame.iloc[unanswered].drop(columns=[*sources, *relation_sources])
        empty[unanswered] = blank & rest.isna().all(axis=1).to_numpy()
    no_item = ~empty & ~answered

    kept = answered
    every = bool(kept.all())  # the usual case: no row to drop, so no copies

    def take(values):
        return values if every else values[kept]

    count = int(kept.sum())
    item_values = {i: take(v) for i, v in values.items()}
    del values
    given = {role: frame[c] if every else frame[c][kept] for role, c in plan.roles.items()}
    roles, actor_warnings = role_columns(given, instrument, actor_map or {}, name)
    hint, hint_source = (
        (round_value, "--round option") if round_value else file_round(path, table.sheet)
    )
    round_source = "column" if "round" in roles else None
    if "round" in roles and hint is not None:
        seen = roles["round"].remove_unused_categories().categories
        check_round_column(table.where, plan.roles["round"], seen, hint, hint_source)
    elif hint is not None:
        roles["round"] = constant(hint, count)
        round_source = hint_source
    area_source = "column" if "area" in roles else None
    if "area" not in roles and area_value:
        roles["area"] = constant(area_value, count)
        area_source = "name"
    data = Columns.of(
        {
            **{role: roles[role] for role in (*ROLES, "sector") if role in roles},
            **item_values,
            **{column: take(d.values) for column, d in relation_values.items()},
            **{column: take(frame[column].array) for column in plan.other},
            SOURCE_COLUMN: np.full(count, index, dtype=np.int32),
            ROW_COLUMN: take(rows),
        },
        count,
    )
    dk_frame = Columns.of({i: take(v) for i, v in dk.items()}, count)

    columns = column_matches(index, table, plan)
    source = Source(
        path=name,
        sheet=table.sheet,
        layout=table.layout,
        rows=len(frame),
        encoding=table.encoding,
        delimiter=table.delimiter,
        round_source=round_source,
        area_source=area_source,
    )
    return Part(
        index=index,
        source=source,
        plan=plan,
        columns=columns,
        data=data,
        excluded=[
            Exclusion("empty_row", int(empty.sum()), refs(empty, EXAMPLES)),
            Exclusion("no_item_answered", int(no_item.sum()), refs(no_item, EXAMPLES)),
        ],
        invalid=invalid,
        dont_know=dont_know,
        warnings=warnings + _coverage_warnings(plan, instrument, table) + actor_warnings,
        dont_know_cells=dk_frame,
    )


def _relation_values(table: RawTable, plan: ColumnPlan, instrument: Instrument, consume: bool):
    """The relation cells of one sheet decoded on each relation's own scale, by column id
    (instrument order), and their source headers."""
    out, sources = {}, []
    for relation in instrument.relations:
        columns = [c for c in relation.columns if c in plan.relations]
        if not columns:
            continue
        headers = [plan.relations[c][0] for c in columns]
        sources += headers
        answers = _answer_columns(table, headers) if consume else [table.frame[h] for h in headers]
        out |= dict(zip(columns, decode_columns(answers, relation.scale), strict=True))
    return out, sources


def _answer_columns(table: RawTable, sources: list[str]) -> list:
    """The item columns to decode: the reader's own float arrays where the frame still
    holds them (decoded in place, no copy), else the frame's columns. A spreadsheet's
    arrays are its columns by construction (:attr:`.files.RawTable.owned_exact`): taking
    a Series of each of 30 columns to check cost 0.4 s of 1,000 small files (issue 23)."""
    frame, owned = table.frame, table.owned

    def own(column: str) -> bool:
        array = owned.get(column)
        return (
            array is not None
            and len(array) == len(frame)
            and (table.owned_exact or np.may_share_memory(array, frame[column].to_numpy()))
        )

    return [owned[c] if own(c) else frame[c] for c in sources]


def inspect_sheet(
    path: Path,
    instrument: Instrument,
    sheet=None,
    problems: list[str] | None = None,
    layout: str | None = None,
) -> tuple[RawTable, ColumnPlan, list[str]]:
    """Read the table to use and plan its columns; without ``sheet``, the first with items.

    The plan may map no item (the caller decides whether that is an error). With
    ``problems`` given, a second column for an item is recorded there instead of raised.
    """
    table = read_export(path, sheet, layout, _preparer(instrument))
    plan = _plan(table, instrument, problems)
    spreadsheet = path.suffix.lower() in SPREADSHEET_SUFFIXES and table.layout != "surveyxact"
    if sheet is not None or not spreadsheet:
        return table, plan, _merged_roles(table, plan)
    warnings = _hidden_sheets(path)
    if plan.items:
        return table, plan, warnings + _merged_roles(table, plan)
    for name in list_sheets(path, visible=True):  # a hidden sheet is never chosen by itself
        if name == table.sheet:
            continue
        try:
            other = read_export(path, name, layout)
            other_plan = _plan(other, instrument, None)
        except PartnerkitError:  # an empty or odd sheet is simply not the one
            continue
        if other_plan.items:  # meta.files[].sheet and validate say which sheet was read
            return other, other_plan, warnings + _merged_roles(other, other_plan)
    return table, plan, warnings


def _hidden_sheets(path: Path) -> list[str]:
    """A warning naming the hidden sheets of a workbook, which are read only when asked for."""
    every, shown = list_sheets(path), set(list_sheets(path, visible=True))
    hidden = [name for name in every if name not in shown]
    if not hidden:
        return []
    listed = ", ".join(f"'{name}'" for name in hidden)
    return [Message("warn.hidden_sheets", path=path, listed=listed)]


def _merged_roles(table: RawTable, plan: ColumnPlan) -> list[str]:
    """Warnings for merged cells in role columns: only a merged range's first row holds
    its value, so the rows below read as not given."""
    if not table.merged:
        return []
    columns = list(table.frame.columns)
    out = []
    for role, column in plan.roles.items():
        j = columns.index(column)
        spans = [
            (first + 1, last + 1)  # 1-based spreadsheet rows
            for (first, left), (last, right) in table.merged
            if left <= j <= right and last > first and last + 1 > table.header_row
        ]
        if spans:
            shown = ", ".join(f"{a}-{b}" for a, b in spans[:5]) + (" ..." if len(spans) > 5 else "")
            out.append(
                Message("warn.merged", where=table.where, role=role, column=column, rows=shown)
            )
    return out


#: most text columns parsed as categories (beyond, a wide file parses faster inferred)
MAX_CATEGORY_COLUMNS = 512


def _preparer(instrument: Instrument):
    """Dtypes a CSV reader can take from the header: roles and other columns as
    categories, items as floats (the reader falls back when an item holds text)."""

    def prepare(names: list[str], alternates) -> dict[str, str]:
        plan = plan_columns(names, instrument, "", [], alternates)
        roles = ("actor", "round", "area")
        dtypes = {plan.roles[r]: "category" for r in roles if r in plan.roles}
        # texts kept as codes: no string object per cell (personal data is only checked
        # for blanks, other columns mostly repeat a few values); but pandas makes each
        # categorical column at ~1 ms, so a very wide file
        # keeps its inferred types (20,000 columns x 50 rows: 22.8 s as categories, 0.8 s
        # inferred, issue 18)
        texts = (*plan.personal, *plan.other)
        if len(texts) <= MAX_CATEGORY_COLUMNS:
            dtypes |= dict.fromkeys(texts, "category")
        cells = (*plan.items.values(), *plan.relations.values())
        return dtypes | {columns[0]: "float64" for columns in cells if columns}

    return prepare


def _plan(table: RawTable, instrument: Instrument, problems: list[str] | None) -> ColumnPlan:
    """Plan the columns, refusing repeated item or role headers and a header below row 1."""
    columns = list(table.frame.columns)
    plan = plan_columns(columns, instrument, table.where, problems, table.alternates)
    for header, positions in table.duplicates.items():
        twice = plan_columns([header], instrument, table.where, None, table.alternates)
        if twice.items or twice.roles:
            raise MappingError(
                Message(
                    "error.header_twice",
                    where=table.where,
                    header=header,
                    count=len(positions),
                    positions=", ".join(map(str, positions)),
                )
            )
    if not plan.items and table.layout == "plain":
        _check_header_row(table, instrument)
    return plan


def _check_header_row(table: RawTable, instrument: Instrument) -> None:
    """A sheet whose items are named in a lower row has title rows above its header."""
    head = table.frame.head(10)
    for offset, row in enumerate(head.itertuples(index=False), start=1):
        texts = [str(v) for v in row if isinstance(v, str) and v.strip()]
        if texts and plan_columns(texts, instrument, table.where, []).items:
            raise SurveyReadError(
                Message(
                    "error.header_row",
                    where=table.where,
                    found=table.header_row + offset,
                    row=table.header_row,
                )
            )


def column_matches(index: int, table: RawTable, plan: ColumnPlan) -> list[ColumnMatch]:
    """How every column of a sheet was understood, in the sheet's column order."""
    kinds = {c: ("item", i, how) for i, (c, how) in plan.items.items()}
    kinds |= {c: ("role", r, "header") for r, c in plan.roles.items()}
    kinds |= {c: ("relation", cell, how) for cell, (c, how) in plan.relations.items()}
    kinds |= {c: ("personal", None, None) for c in plan.personal}
    matches = []
    for column in table.frame.columns:
        kind, target, how = kinds.get(column, ("other", None, None))
        label = next(iter(table.alternates.get(column, ())), None)
        matches.append(ColumnMatch(index, column, kind, target, how, label))
    return matches


def _coverage_warnings(plan: ColumnPlan, instrument: Instrument, table: RawTable) -> list[str]:
    warnings = []
    missing = [i for i in instrument.item_ids if i not in plan.items]
    if missing:
        items = f"{', '.join(missing[:6])}{' ...' if len(missing) > 6 else ''}"
        warnings.append(
            Message(
                "warn.items_missing",
                where=table.where,
                missing=len(missing),
                total=len(instrument.items),
                items=items,
            )
        )
    for dim in instrument.dimensions:
        present = sum(item.id in plan.items for item in dim.items)
        if present and present * 2 < len(dim.items):
            warnings.append(
                Message(
                    "warn.dimension_half",
                    where=table.where,
                    dimension=dim.id,
                    present=present,
                    total=len(dim.items),
                )
            )
    return warnings
