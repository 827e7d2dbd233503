"""A dry run: how each export was understood, without computing any group statistics.

For every file: the sheet and header row used, the detected layout, what each
column became (item and how, role, personal data, ignored), the items with no
column, invalid answers with counts and example rows, and the rows that would
be excluded and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import PartnerkitError
from .i18n import Message
from .instrument import Instrument, load_instrument
from .io import build_part, column_matches, inspect_sheet, stack_parts
from .survey import ColumnMatch, Exclusion, InvalidCell, Source

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class FileReport:
    """How one file was read."""

    source: Source
    header_row: int
    columns: tuple[ColumnMatch, ...]
    missing_items: tuple[str, ...]
    invalid_cells: tuple[InvalidCell, ...] = ()
    excluded: tuple[Exclusion, ...] = ()
    rows_scorable: int = 0
    problems: tuple[str, ...] = ()  # reasons the file cannot be scored
    warnings: tuple[str, ...] = ()

    @property
    def can_score(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {
            **self.source.to_dict(),
            "header_row": self.header_row,
            "can_score": self.can_score,
            "rows_scorable": self.rows_scorable,
            "columns": [
                {
                    "column": c.column,
                    "label": c.label,
                    "kind": c.kind,
                    "target": c.target,
                    "how": c.how,
                }
                for c in self.columns
            ],
            "missing_items": list(self.missing_items),
            "invalid_cells": [c.to_dict() for c in self.invalid_cells],
            "excluded": [e.to_dict() for e in self.excluded],
            "problems": list(self.problems),
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class ValidationResult:
    """The reports of all files, and whether they pass."""

    files: tuple[FileReport, ...]
    instrument: Instrument
    strict: bool = False
    lang: str = "en"

    @property
    def can_score(self) -> bool:
        return all(f.can_score for f in self.files)

    @property
    def strict_problems(self) -> list[str]:
        """What ``--strict`` also fails on: unmapped items and invalid cells."""
        out = []
        for f in self.files:
            if f.missing_items:
                out.append(
                    Message(
                        "validate.strict_missing", where=f.source.where, count=len(f.missing_items)
                    )
                )
            invalid = sum(c.count for c in f.invalid_cells)
            if invalid:
                out.append(Message("validate.strict_invalid", where=f.source.where, count=invalid))
        return out

    @property
    def passed(self) -> bool:
        return self.can_score and not (self.strict and self.strict_problems)

    @property
    def records(self) -> pd.DataFrame:
        """One row per column of every file: how it was read (the CSV view)."""
        import pandas as pd

        rows = [
            {
                "file": f.source.path,
                "sheet": f.source.sheet,
                "column": c.column,
                "kind": c.kind,
                "target": c.target,
                "how": c.how,
            }
            for f in self.files
            for c in f.columns
        ]
        return pd.DataFrame(rows, columns=["file", "sheet", "column", "kind", "target", "how"])

    def meta(self) -> dict:
        from ._version import __version__

        return {
            "partnerkit_version": __version__,
            "command": "validate",
            "instrument": {"id": self.instrument.id, "version": self.instrument.version},
            "can_score": self.can_score,
            "strict": self.strict,
            "passed": self.passed,
            "strict_problems": self.strict_problems if self.strict else [],
        }

    def json_results(self) -> list[dict]:
        return [f.to_dict() for f in self.files]


def validate(
    paths: str | Path | Iterable[str | Path],
    instrument: Instrument | str | Path | None = None,
    *,
    sheet: str | int | None = None,
    strict: bool = False,
    layout: str | None = None,
    lang: str = "en",
) -> ValidationResult:
    """Read each export the way ``score`` would, and report how it was understood.

    Files that cannot be opened at all raise; problems that stop scoring (no
    item column, two columns for one item, no dimension with half its items)
    are reported in the file's ``problems``.
    """
    from .scoring import respondent_scores

    if not isinstance(instrument, Instrument):
        instrument = load_instrument(instrument)
    from .io.inputs import expand_inputs

    path_list = [i.path for i in expand_inputs([paths] if isinstance(paths, str | Path) else paths)]
    reports = []
    for path in path_list:
        problems: list[str] = []
        table, plan, warnings = inspect_sheet(path, instrument, sheet, problems, layout)
        columns = column_matches(0, table, plan)
        source = Source(
            path=str(path),
            sheet=table.sheet,
            layout=table.layout,
            rows=len(table.frame),
            encoding=table.encoding,
            delimiter=table.delimiter,
        )
        missing = tuple(i for i in instrument.item_ids if i not in plan.items)
        report = dict(
            source=source,
            header_row=table.header_row,
            columns=tuple(columns),
            missing_items=missing,
            warnings=tuple(warnings),
        )
        if not plan.items:
            problems.append(
                Message("validate.no_items", where=table.where, instrument=instrument.id)
            )
        if problems:
            reports.append(FileReport(**report, problems=tuple(problems)))
            continue
        part = build_part(0, table, plan, warnings, instrument)
        survey = stack_parts([part], instrument)
        try:
            rs = respondent_scores(survey)
        except PartnerkitError as exc:
            problems.append(exc.message)
            scored, too_few = 0, Exclusion("too_few_items", 0)
        else:
            scored = int(rs.scored.sum())
            unscored = ~rs.scored
            rows = survey.data["_row"].to_numpy()[unscored][:10]
            too_few = Exclusion(
                "too_few_items", int(unscored.sum()), tuple(f"{path}:{r}" for r in rows)
            )
        ledger = survey.ledger.with_exclusions((too_few,))
        reports.append(
            FileReport(
                **report | {"warnings": survey.ledger.warnings},
                invalid_cells=ledger.invalid_cells,
                excluded=ledger.excluded,
                rows_scorable=scored,
                problems=tuple(problems),
            )
        )
    return ValidationResult(files=tuple(reports), instrument=instrument, strict=strict, lang=lang)
