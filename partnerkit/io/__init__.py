"""The reader layer: survey exports in, a :class:`~partnerkit.survey.Survey` out.

``read_survey`` reads each file (:mod:`.files`), maps its headers to the
instrument (:mod:`.mapping`), drops personal-data columns, decodes answers
(:mod:`.decode`), stacks the files and records every row and cell it did not
keep in the survey's :class:`~partnerkit.survey.Ledger`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import MappingError, OptionError, PartnerkitError, SurveyReadError
from ..instrument import ROLES, Instrument, load_instrument
from ..survey import (
    ROW_COLUMN,
    SOURCE_COLUMN,
    ColumnMatch,
    Exclusion,
    InvalidCell,
    Ledger,
    Source,
    Survey,
    merge_exclusions,
)
from ..text import as_label, norm_header
from .actor_map import as_actor_map
from .decode import BLANK, VALID, decode_columns
from .files import SPREADSHEET_SUFFIXES, RawTable, list_sheets
from .inputs import AREA_FROM, expand_inputs
from .layouts import read_export
from .mapping import ColumnPlan, plan_columns
from .rounds import check_round_column, file_round

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Failure",
    "Part",
    "build_part",
    "column_matches",
    "inspect_sheet",
    "read_part",
    "read_survey",
    "stack_parts",
]

_EXAMPLES = 10  # row references kept per exclusion reason


def read_survey(
    paths: str | Path | Iterable[str | Path],
    instrument: Instrument | str | Path | None = None,
    *,
    sheet: str | int | None = None,
    layout: str | None = None,
    round: str | None = None,
    rounds: Sequence[str] | None = None,
    actor_map: str | Path | Mapping[str, str] | None = None,
    area_from: str = "auto",
    jobs: int = 1,
    keep_going: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Survey:
    """Read one or more survey exports and map them to an instrument.

    Parameters
    ----------
    paths
        Files, folders (searched recursively) and glob patterns; several exports are
        stacked (their columns are matched by header).
    instrument
        An :class:`~partnerkit.instrument.Instrument`, a bundled name or a TOML path;
        ``None`` for the default ``partnerskab``.
    sheet
        Sheet name or 1-based number; ``None`` takes the first sheet that has item
        columns.
    layout
        Force a platform layout (see :data:`partnerkit.io.layouts.LAYOUTS`); ``None``
        detects it.
    round
        The round of a single file without a round column (else the round comes from
        the round column, or a year or ``runde N`` in the file or sheet name).
    rounds
        Keep only these rounds, in this order (as
        :func:`partnerkit.grouping.select_rounds`); ``None`` or empty keeps every round.
    actor_map
        A CSV file (answer, actor type) or a mapping that turns free-text actor
        answers into the instrument's actor types.
    area_from
        Where the housing area comes from without an area column: ``"folder"``
        (``surveys/<area>/<round>.xlsx``), ``"filename"`` (``<area>_<round>.csv``),
        ``"column"`` (never from names) or ``"auto"`` (folder, else file name, for
        batches of several files or a folder).
    jobs
        Read this many files at once in separate processes (results are identical
        to reading them one by one, in the same order).
    keep_going
        Record an unreadable file in :attr:`Survey.failed` and read the others,
        instead of raising at the first.
    progress
        Called as ``progress(done, total)`` while files are read.

    Returns
    -------
    Survey
        One row per response that answered at least one item, plus a ledger of
        excluded rows, invalid cells and dropped personal-data columns.

    Examples
    --------
    >>> survey = read_survey("data/examples/partnerskab_2022-2024.xlsx")
    >>> survey.ledger.rows_read, survey.sources[0].layout
    (293, 'microsoft_forms')
    """
    if not isinstance(instrument, Instrument):
        instrument = load_instrument(instrument)
    if area_from not in AREA_FROM:
        raise OptionError(f"--area-from {area_from}: choose one of {', '.join(AREA_FROM)}.")
    inputs = expand_inputs([paths] if isinstance(paths, str | Path) else paths)
    if not inputs:
        raise OptionError("no input files given.")
    if round is not None and len(inputs) > 1:
        raise OptionError("--round applies to a single file; name the files by round instead.")
    several = len(inputs) > 1
    mapping = as_actor_map(actor_map, instrument)
    tasks = [
        (item.path, instrument, sheet, layout, round, mapping, item.area(area_from, several))
        for item in inputs
    ]
    results, frames = _run(tasks, jobs, keep_going, progress)
    parts = [r for r in results if isinstance(r, Part)]
    failed = tuple(r for r in results if isinstance(r, Failure))
    if not parts:
        raise (
            failed[0].error
            if len(failed) == 1
            else SurveyReadError(
                f"none of the {len(failed)} files could be read; the first: {failed[0].message}"
            )
        )
    survey = replace(stack_parts(parts, instrument, frames), failed=failed)
    if rounds:
        # Imported here: grouping sits above the reader layer.
        from ..grouping import select_rounds

        survey = select_rounds(survey, rounds)
    return survey


@dataclass(frozen=True)
class Failure:
    """A file that could not be read, and why."""

    path: str
    message: str
    error: PartnerkitError

    def to_dict(self) -> dict:
        return {"file": self.path, "error": self.message}


def _read_task(index: int, task) -> Part | Failure:
    path, instrument, sheet, layout, round_value, mapping, area = task
    try:
        return read_part(index, path, instrument, sheet, layout, round_value, mapping, area)
    except PartnerkitError as exc:
        return Failure(str(path), str(exc), exc)


#: a part's (or a run of parts') rows and don't-know cells
Frames = tuple["pd.DataFrame", "pd.DataFrame"]


def _read_batch_in_worker(batch: list[tuple[int, tuple]]) -> tuple[list, Frames | None]:
    """Read a run of files in a worker process and stack their frames there.

    The parts come back without their frames (``data`` and ``dont_know_cells`` are
    ``None``); their rows come back once, stacked in input order. Unpickling and
    concatenating a frame per file was the serial part of ``--jobs`` on many small
    files (0.2 s and 0.2 to 0.5 s for 1,000 files); now the main process handles one
    frame per run.
    """
    results = [_read_task(index, task) for index, task in batch]
    parts = [r for r in results if isinstance(r, Part)]
    frames = _stack_frames([(p.data, p.dont_know_cells) for p in parts]) if parts else None
    shipped = [
        replace(r, data=None, dont_know_cells=None) if isinstance(r, Part) else r for r in results
    ]
    return shipped, frames


PARALLEL_MIN_FILES = 8  # fewer files are read in this process: starting workers costs more
RUNS_PER_WORKER = 8  # runs of files handed to each worker: enough to even out the load


def _run(
    tasks: list, jobs: int, keep_going: bool, progress
) -> tuple[list[Part | Failure], list[Frames] | None]:
    """Read every task, in parallel when it pays, keeping the input order.

    Returns the results and, from worker processes, the parts' frames stacked per run
    of files (:func:`_read_batch_in_worker`); ``None`` when the parts keep their own.
    """
    total = len(tasks)
    results: list[Part | Failure] = []
    if jobs > 1 and total >= PARALLEL_MIN_FILES:
        from concurrent.futures import ProcessPoolExecutor

        from ..parallel import cores, share_cores

        workers = min(jobs, total)
        size = max(1, total // (RUNS_PER_WORKER * workers))
        numbered = list(enumerate(tasks))
        runs = [numbered[at : at + size] for at in range(0, total, size)]
        threads = max(1, cores() // workers)  # each worker's share: no more threads than cores
        frames: list[Frames] = []
        with ProcessPoolExecutor(workers, initializer=share_cores, initargs=(threads,)) as pool:
            for done, stacked in pool.map(_read_batch_in_worker, runs):
                results += done
                if stacked is not None:
                    frames.append(stacked)
                if progress:
                    progress(len(results), total)
                failure = next((r for r in done if isinstance(r, Failure)), None)
                if not keep_going and failure is not None:
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise failure.error
        return results, frames
    for i, task in enumerate(tasks):
        results.append(_read_task(i, task))
        if progress:
            progress(i + 1, total)
        if not keep_going and isinstance(results[i], Failure):
            raise results[i].error
    return results, None


def _stack_frames(frames: list[Frames]) -> Frames:
    """Frames one under the other; items a file lacks have no don't-know cells (False)."""
    import pandas as pd

    if len(frames) == 1:
        return frames[0]
    data = pd.concat([d for d, _ in frames], ignore_index=True)
    dk = pd.concat([k for _, k in frames], ignore_index=True)
    return data, dk.fillna(False).astype(bool)


def stack_parts(
    parts: list[Part], instrument: Instrument, frames: list[Frames] | None = None
) -> Survey:
    """Stack files read with :func:`read_part` into one survey (dropping duplicate respondents).

    ``frames``: the parts' rows already stacked in runs, in order (from worker
    processes, whose parts come without their own frames).
    """
    if frames is None:
        frames = [(p.data, p.dont_know_cells) for p in parts]
    data, dk = _stack_frames(frames)
    kept = sum(p.source.rows - sum(e.rows for e in p.excluded) for p in parts)
    if len(data) != kept:  # the ledger and the rows must agree: nothing lost
        raise ValueError(f"stacked {len(data)} rows, but the files kept {kept}")
    data = _same_id_type(_numbered(data, parts))
    columns = tuple(
        c if c.source == k else replace(c, source=k) for k, p in enumerate(parts) for c in p.columns
    )
    id_column = next(
        (p.plan.roles["respondent"] for p in parts if "respondent" in p.plan.roles), ""
    )
    dup, duplicates, id_warning = _duplicate_respondents(data, [p.source for p in parts], id_column)
    if dup.any():
        data = data.loc[~dup].reset_index(drop=True)
        dk = dk.loc[~dup].reset_index(drop=True)
    excluded = [e for p in parts for e in p.excluded] + [duplicates]
    warnings = [w for p in parts for w in p.warnings] + ([id_warning] if id_warning else [])

    ledger = Ledger(
        rows_read=sum(p.source.rows for p in parts),
        excluded=merge_exclusions(tuple(excluded)),
        invalid_cells=tuple(c for p in parts for c in p.invalid),
        dropped_columns=tuple(dict.fromkeys(c for p in parts for c in p.plan.personal)),
        dont_know=_sum_counts(p.dont_know for p in parts),
        warnings=tuple(dict.fromkeys(warnings)),
    )
    return Survey(
        data=data,
        instrument=instrument,
        sources=tuple(p.source for p in parts),
        columns=columns,
        ledger=ledger,
        dont_know=dk,
    )


def _same_id_type(data: pd.DataFrame) -> pd.DataFrame:
    """Numeric ids as texts when another file's ids are texts, so ``17`` meets ``"17"``.

    Each file's ids are ``Int64`` or ``string`` (:func:`_ids`); stacked, a mix of the
    two is an object column.
    """
    if "respondent" not in data or data["respondent"].dtype != object:
        return data
    return data.assign(respondent=data["respondent"].astype("string"))


def _numbered(data: pd.DataFrame, parts: list[Part]) -> pd.DataFrame:
    """Rows pointing at their file by its place among the parts (a file that failed
    leaves a gap in the input numbers the rows were read with)."""
    if all(p.index == k for k, p in enumerate(parts)):  # no file failed
        return data
    place = np.zeros(max(p.index for p in parts) + 1, dtype=np.int32)
    place[[p.index for p in parts]] = np.arange(len(parts), dtype=np.int32)
    return data.assign(**{SOURCE_COLUMN: place[data[SOURCE_COLUMN].to_numpy()]})


@dataclass
class Part:
    """One file read and decoded, before stacking."""

    index: int  # the file's place among the inputs
    source: Source
    plan: ColumnPlan
    columns: list[ColumnMatch]
    data: pd.DataFrame | None  # None when a worker process stacked it with others
    excluded: list[Exclusion]
    invalid: list[InvalidCell]
    dont_know: dict[str, int]
    warnings: list[str]
    dont_know_cells: pd.DataFrame | None  # bool, one column per item, rows as ``data``


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
            f"{table.where}: no column matches any item of instrument '{instrument.id}'. "
            f"Run `partnerkit validate {path}` to see how the columns were read, "
            "or choose the instrument with --instrument."
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
    import pandas as pd

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
    unanswered = np.flatnonzero(~answered)  # few: only these can be empty rows
    empty = np.zeros(len(frame), dtype=bool)
    if unanswered.size:  # by the cell kinds: decoding may have overwritten the item columns
        blank = np.logical_and.reduce([d.kind[unanswered] == BLANK for d in every_decoded])
        rest = frame.iloc[unanswered].drop(columns=sources)
        empty[unanswered] = blank & rest.isna().all(axis=1).to_numpy()
    no_item = ~empty & ~answered

    kept = answered
    every = bool(kept.all())  # the usual case: no row to drop, so no copies

    def take(values):
        return values if every else values[kept]

    count = int(kept.sum())
    item_values = {i: take(v) for i, v in values.items()}
    del values
    roles = {}
    actor_warnings: list[str] = []
    for role, column in plan.roles.items():
        series = frame[column] if every else frame[column][kept]
        if role == "actor":
            roles[role], unknown = _canonical_actors(series, instrument, actor_map or {})
            sectors = {a.id: a.sector for a in instrument.actors}
            roles["sector"] = roles[role].map(sectors)
            if unknown:
                actor_warnings.append(
                    f"{name}: actor value(s) {', '.join(repr(u) for u in unknown[:5])}"
                    f"{' ...' if len(unknown) > 5 else ''} are not actor types of instrument "
                    f"'{instrument.id}'; they are kept as their own groups (map them to actor "
                    "types with --actor-map)."
                )
        elif role == "respondent":
            roles[role] = _ids(series)
        else:
            roles[role] = _as_text(series)
    hint, hint_source = (
        (round_value, "--round option") if round_value else file_round(path, table.sheet)
    )
    round_source = "column" if "round" in roles else None
    if "round" in roles and hint is not None:
        seen = roles["round"].remove_unused_categories().categories
        check_round_column(table.where, plan.roles["round"], seen, hint, hint_source)
    elif hint is not None:
        roles["round"] = _constant(hint, count)
        round_source = hint_source
    area_source = "column" if "area" in roles else None
    if "area" not in roles and area_value:
        roles["area"] = _constant(area_value, count)
        area_source = "name"
    # one frame from every column (inserting columns one by one into a frame of more
    # than a hundred items made pandas warn that it is fragmented)
    data = pd.DataFrame(
        {
            **{role: roles[role] for role in (*ROLES, "sector") if role in roles},
            **item_values,
            **{column: take(frame[column].array) for column in plan.other},
            SOURCE_COLUMN: np.full(count, index, dtype=np.int32),
            ROW_COLUMN: take(rows),
        },
        copy=False,
    )
    dk_frame = pd.DataFrame({i: take(v) for i, v in dk.items()}, copy=False)

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
            Exclusion("empty_row", int(empty.sum()), refs(empty, _EXAMPLES)),
            Exclusion("no_item_answered", int(no_item.sum()), refs(no_item, _EXAMPLES)),
        ],
        invalid=invalid,
        dont_know=dont_know,
        warnings=warnings + _coverage_warnings(plan, instrument, table) + actor_warnings,
        dont_know_cells=dk_frame,
    )


def _answer_columns(table: RawTable, sources: list[str]) -> list:
    """The item columns to decode: the reader's own float arrays where the frame still
    holds them (decoded in place, no copy), else the frame's columns."""
    frame, owned = table.frame, table.owned

    def own(column: str) -> bool:
        array = owned.get(column)
        return (
            array is not None
            and len(array) == len(frame)
            and np.may_share_memory(array, frame[column].to_numpy())
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
    if plan.items or sheet is not None or not spreadsheet:
        return table, plan, []
    for name in list_sheets(path)[1:]:
        try:
            other = read_export(path, name, layout)
            other_plan = _plan(other, instrument, None)
        except PartnerkitError:  # an empty or odd sheet is simply not the one
            continue
        if other_plan.items:  # meta.files[].sheet and validate say which sheet was read
            return other, other_plan, []
    return table, plan, []


def _preparer(instrument: Instrument):
    """Dtypes a CSV reader can take from the header: roles and other columns as
    categories, items as floats (the reader falls back when an item holds text)."""

    def prepare(names: list[str], alternates) -> dict[str, str]:
        plan = plan_columns(names, instrument, "", [], alternates)
        roles = ("actor", "round", "area")
        dtypes = {plan.roles[r]: "category" for r in roles if r in plan.roles}
        # texts kept as codes: no string object per cell (personal data is only checked
        # for blanks, other columns mostly repeat a few values)
        dtypes |= dict.fromkeys((*plan.personal, *plan.other), "category")
        return dtypes | {columns[0]: "float64" for columns in plan.items.values() if columns}

    return prepare


def _plan(table: RawTable, instrument: Instrument, problems: list[str] | None) -> ColumnPlan:
    """Plan the columns, refusing repeated item or role headers and a header below row 1."""
    columns = list(table.frame.columns)
    plan = plan_columns(columns, instrument, table.where, problems, table.alternates)
    for header, positions in table.duplicates.items():
        twice = plan_columns([header], instrument, table.where, None, table.alternates)
        if twice.items or twice.roles:
            raise MappingError(
                f"{table.where}: the header '{header}' appears {len(positions)} times (columns "
                f"{', '.join(map(str, positions))}); rename or remove the extra column."
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
                f"{table.where}: the header row seems to be row {table.header_row + offset}, "
                f"not row {table.header_row}. Delete the rows above the column headers (titles, "
                "notes) and try again."
            )


def column_matches(index: int, table: RawTable, plan: ColumnPlan) -> list[ColumnMatch]:
    """How every column of a sheet was understood, in the sheet's column order."""
    kinds = {c: ("item", i, how) for i, (c, how) in plan.items.items()}
    kinds |= {c: ("role", r, "header") for r, c in plan.roles.items()}
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
        warnings.append(
            f"{table.where}: {len(missing)} of {len(instrument.items)} items have no column "
            f"({', '.join(missing[:6])}{' ...' if len(missing) > 6 else ''})."
        )
    for dim in instrument.dimensions:
        present = sum(item.id in plan.items for item in dim.items)
        if present and present * 2 < len(dim.items):
            warnings.append(
                f"{table.where}: dimension '{dim.id}' has {present} of {len(dim.items)} items; "
                "fewer than half, so it cannot be scored."
            )
    return warnings


def _ids(series: pd.Series):
    """Respondent ids: whole numbers as ``Int64``, anything else as stripped texts
    (``17.0`` reads ``17``). :func:`stack_parts` turns numbers into texts when files
    differ, so that ``17`` and ``"17"`` are one id.

    Numbers and text columns are converted vectorised; other columns (mixed cells,
    fractions) go through :func:`as_label` once per distinct value.
    """
    import pandas as pd

    if isinstance(series.dtype, np.dtype) and series.dtype.kind == "i" and len(series):
        values = series.to_numpy()
        # whole numbers as they are, within the range floats hold exactly: a file with a
        # blank id (or an xlsx file) has its ids as floats, and an id must read the same
        if values.min() >= -(2**53) and values.max() <= 2**53:
            return pd.array(values, dtype="Int64")
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        if np.array_equal(values, np.floor(values), equal_nan=True):  # NaN floors to NaN
            return pd.array(values, dtype="Int64")
    elif isinstance(series.dtype, pd.StringDtype):
        text = series.str.strip()
        return text.mask(text == "").astype("string").array
    return pd.array(_as_text(series).astype(object), dtype="string")


def _as_text(series: pd.Series) -> pd.Categorical:
    """Role values as stripped texts (``2023.0`` reads ``2023``); missing stays missing.

    Work happens once per distinct value; the result is a categorical.
    """
    return _recode(series, lambda value: as_label(value) or None)


def _canonical_actors(
    series: pd.Series, instrument: Instrument, actor_map: Mapping[str, str]
) -> tuple[pd.Categorical, list[str]]:
    """Actor values as the instrument's actor ids where they match (directly or through the
    actor map); others kept as given."""
    by_id = {a.id: a for a in instrument.actors}
    unknown: list[str] = []

    def canonical(value):
        text = as_label(value)
        mapped = actor_map.get(norm_header(text))
        actor = by_id[mapped] if mapped else instrument.actor_lookup.get(norm_header(text))
        if actor is None and instrument.actors and text:
            unknown.append(text)
        return actor.id if actor else (text or None)

    return _recode(series, canonical), unknown


def _recode(series: pd.Series, convert) -> pd.Categorical:
    """``convert`` applied to each distinct value of ``series``, as a categorical."""
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        uniques = list(series.cat.categories)
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    converted = [convert(u) for u in uniques]
    merged, categories = pd.factorize(pd.array([*converted, None], dtype=object))
    lookup = merged[:-1]
    new_codes = np.where(codes >= 0, lookup[np.maximum(codes, 0)] if len(lookup) else -1, -1)
    return pd.Categorical.from_codes(new_codes.astype(np.int64), categories=list(categories))


def _constant(value: str, count: int) -> pd.Categorical:
    import pandas as pd

    return pd.Categorical.from_codes(np.zeros(count, dtype=np.int64), categories=[value])


MAX_DUPLICATE_SHARE = 0.05  # more repeated ids than this: the column is not a respondent id


def _duplicate_respondents(data: pd.DataFrame, sources: list[Source], id_column: str):
    """Rows repeating a respondent id within the same round and area (all but the last).

    Re-submissions are rare; when more than 5% of the ids repeat, the column is
    not an id (an organisation name, a constant) and no row is dropped.
    """
    none = np.zeros(len(data), dtype=bool)
    if "respondent" not in data.columns:
        return none, Exclusion("duplicate_respondent", 0), None
    keys = ["respondent"] + [k for k in ("round", "area") if k in data.columns]
    has_id = data["respondent"].notna().to_numpy()
    if data["respondent"].is_unique:  # the usual case, and cheap to see
        return none, Exclusion("duplicate_respondent", 0), None
    dup = has_id & data.duplicated(keys, keep="last").to_numpy()
    if dup.sum() > MAX_DUPLICATE_SHARE * max(has_id.sum(), 1):
        warning = (
            f"the respondent id column '{id_column}' repeats values in {int(dup.sum())} of "
            f"{int(has_id.sum())} rows, so it does not look like an id; no row was dropped as a "
            "duplicate. Declare the real id column under [columns] respondent in the instrument."
        )
        return none, Exclusion("duplicate_respondent", 0), warning
    first = data.loc[dup, [SOURCE_COLUMN, ROW_COLUMN]].head(_EXAMPLES)
    examples = tuple(f"{sources[s].path}:{r}" for s, r in first.itertuples(index=False))
    return dup, Exclusion("duplicate_respondent", int(dup.sum()), examples), None


def _sum_counts(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for c in counts:
        for key, value in c.items():
            total[key] = total.get(key, 0) + value
    return total
