"""The survey as partnerkit understands it: a tidy frame plus a ledger of what was done.

:func:`partnerkit.read_survey` builds a :class:`Survey`; scoring and every later
step read it and never change it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .i18n import Message, t

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from .instrument import Instrument

#: Reasons a row is not scored, with their plain-language meaning.
EXCLUSION_REASONS: Mapping[str, str] = {
    reason: t(f"excluded.{reason}", "en")
    for reason in (
        "empty_row",
        "no_item_answered",
        "duplicate_respondent",
        "too_few_items",
        "round_not_selected",
    )
}  # in Danish too: the catalogue's excluded.* texts

#: Columns of :attr:`Survey.data` that are not items or source columns.
ROW_COLUMN = "_row"  # row number in the file, 1-based as a spreadsheet shows it
SOURCE_COLUMN = "_source"  # index into Survey.sources
SECTOR_COLUMN = "sector"  # derived from the actor type through the instrument


@dataclass(frozen=True)
class Source:
    """One file (and sheet) that was read."""

    path: str
    sheet: str | None
    layout: str
    rows: int
    encoding: str | None = None
    delimiter: str | None = None
    round_source: str | None = None  # "column", "file name", "sheet name", "--round option"
    area_source: str | None = None  # "column", or "name" (the folder or file name)

    @property
    def where(self) -> str:
        return Message("where.sheet", path=self.path, sheet=self.sheet) if self.sheet else self.path

    def to_dict(self) -> dict:
        out = {"path": self.path, "sheet": self.sheet, "layout": self.layout, "rows": self.rows}
        if self.round_source:
            out["round_from"] = self.round_source
        if self.area_source:
            out["area_from"] = self.area_source
        if self.encoding:
            out |= {"encoding": self.encoding, "delimiter": self.delimiter}
        return out


@dataclass(frozen=True)
class ColumnMatch:
    """How one column of a source was understood."""

    source: int
    column: str
    kind: str  # "item", "role", "relation", "personal", "other"
    target: str | None = None  # item id, role name or relation cell ("trust:police")
    how: str | None = None  # "id", "alias", "text", "statement", "header"
    label: str | None = None  # the question text or variable label, when the layout has one


@dataclass(frozen=True)
class Exclusion:
    """Rows left out of scoring for one reason."""

    reason: str
    rows: int
    examples: tuple[str, ...] = ()  # "file:row" of the first few

    def to_dict(self) -> dict:
        return {"reason": self.reason, "rows": self.rows, "examples": list(self.examples)}


@dataclass(frozen=True)
class InvalidCell:
    """Cells of one column holding one value that is not a valid answer."""

    column: str
    value: str
    count: int
    examples: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "column": self.column,
            "value": self.value,
            "count": self.count,
            "examples": list(self.examples),
        }


@dataclass(frozen=True)
class Ledger:
    """Everything the reader did to the rows and cells, so nothing is lost silently."""

    rows_read: int
    excluded: tuple[Exclusion, ...] = ()
    invalid_cells: tuple[InvalidCell, ...] = ()
    dropped_columns: tuple[str, ...] = ()  # personal data, never output
    dont_know: Mapping[str, int] = field(default_factory=dict)  # item id to count
    warnings: tuple[str, ...] = ()

    @property
    def rows_excluded(self) -> int:
        return sum(e.rows for e in self.excluded)

    def with_exclusions(self, more: tuple[Exclusion, ...]) -> Ledger:
        return Ledger(
            rows_read=self.rows_read,
            excluded=merge_exclusions(self.excluded + more),
            invalid_cells=self.invalid_cells,
            dropped_columns=self.dropped_columns,
            dont_know=self.dont_know,
            warnings=self.warnings,
        )


@dataclass(frozen=True)
class Survey:
    """A survey read and mapped to an instrument.

    ``data`` holds one row per response that answered at least one item: the
    role columns found (``actor``, ``round``, ``area``, ``respondent``), one
    float column per item present (answers decoded to scale points, *not*
    reverse-keyed; "don't know" and invalid cells are NaN), the other columns
    of the export under their headers, and ``_source``/``_row`` for messages.
    ``dont_know`` marks, per item and row of ``data``, the cells answered
    "don't know" (or a missing code), for response distributions.
    """

    data: pd.DataFrame
    instrument: Instrument
    sources: tuple[Source, ...]
    columns: tuple[ColumnMatch, ...]
    ledger: Ledger
    dont_know: pd.DataFrame | None = None
    round_order: tuple[str, ...] | None = None  # set by --rounds; else natural order
    failed: tuple = ()  # files that could not be read (with keep_going), as io.Failure
    # the rows as read, before --rounds or an area's round chose some: the anonymity
    # pattern is decided on them, so runs with different choices agree (privacy.pattern)
    read_data: pd.DataFrame | None = None

    @property
    def as_read(self) -> pd.DataFrame:
        """``data`` before any round was chosen (the rows the anonymity pattern covers)."""
        return self.data if self.read_data is None else self.read_data

    @property
    def items(self) -> tuple[str, ...]:
        """Ids of the instrument's items that have a column, in instrument order."""
        present = set(self.data.columns)
        return tuple(i for i in self.instrument.item_ids if i in present)

    @property
    def roles(self) -> tuple[str, ...]:
        """Role columns present in the data."""
        from .instrument import ROLES

        return tuple(r for r in ROLES if r in self.data.columns)

    @property
    def other_columns(self) -> tuple[str, ...]:
        """Columns that are neither items, relation cells, roles nor bookkeeping (usable
        with ``--by``)."""
        skip = {*self.items, *self.instrument.relation_columns, *self.roles}
        skip |= {ROW_COLUMN, SOURCE_COLUMN, SECTOR_COLUMN}
        return tuple(c for c in self.data.columns if c not in skip)

    def input_paths(self) -> tuple[Path, ...]:
        """Every file this survey read or tried to read (found by name, folder, glob or
        project file): what an output must never replace."""
        from pathlib import Path

        return tuple(Path(s.path) for s in self.sources) + tuple(Path(f.path) for f in self.failed)

    def row_ref(self, source: int, row: int) -> str:
        """``file:row`` for messages."""
        return f"{self.sources[source].path}:{row}"


def merge_exclusions(excluded: tuple[Exclusion, ...]) -> tuple[Exclusion, ...]:
    """One entry per reason, in the order of :data:`EXCLUSION_REASONS`."""
    merged: dict[str, Exclusion] = {}
    for e in excluded:
        if e.rows == 0:
            continue
        old = merged.get(e.reason)
        if old is None:
            merged[e.reason] = e
        else:
            examples = (old.examples + e.examples)[:10]
            merged[e.reason] = Exclusion(e.reason, old.rows + e.rows, examples)
    order = list(EXCLUSION_REASONS)
    return tuple(sorted(merged.values(), key=lambda e: order.index(e.reason)))


def survey_meta(survey: Survey, ledger: Ledger, command: str, **extra: object) -> dict:
    """The ``meta`` object every JSON output starts with."""
    from ._version import __version__

    inst = survey.instrument
    return {
        "partnerkit_version": __version__,
        "command": command,
        "instrument": {"id": inst.id, "version": inst.version},
        "files": [s.to_dict() for s in survey.sources],
        "rows_read": ledger.rows_read,
        **extra,
        "excluded": [e.to_dict() for e in ledger.excluded],
        "invalid_cells": [c.to_dict() for c in ledger.invalid_cells],
        "dropped_columns": list(ledger.dropped_columns),
        "failed": [f.to_dict() for f in survey.failed],
    }
