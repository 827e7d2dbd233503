"""Which survey round a file holds: from its round column, its file or sheet name, or an option.

Yearly partnership surveys arrive as one file per round (``area_2023.xlsx``,
``Runde 2.csv``) as often as with a round column, so the round is read from
wherever it is given, and conflicting information is an error, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import SurveyReadError
from ..i18n import Message

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_NUMBERED = re.compile(
    r"(?:^|[^a-zæøå])(?:runde|round|wave|måling|maaling|r)[\s_.-]*(\d{1,3})(?!\d)", re.IGNORECASE
)


def round_from_name(name: str) -> str | None:
    """The round a file or sheet name gives: one year (``2023``), else ``runde 2``/``round 2``/
    ``R2`` as ``"2"``; ``None`` when there is none or more than one (``2022-2024``).

    >>> round_from_name("Nørrevang_2023.xlsx"), round_from_name("runde 2.csv")
    ('2023', '2')
    >>> round_from_name("survey_R3"), round_from_name("partnerskab_2022-2024")
    ('3', None)
    >>> round_from_name("Sheet1"), round_from_name("Ark1")
    (None, None)
    """
    stem = Path(name).stem if "." in name else name
    years = set(_YEAR.findall(stem))
    if years:
        return years.pop() if len(years) == 1 else None
    numbers = set(_NUMBERED.findall(stem))
    return numbers.pop() if len(numbers) == 1 else None


def file_round(path: Path, sheet: str | None) -> tuple[str | None, str | None]:
    """The round given by the file name, else by the sheet name, and which one gave it."""
    from_file = round_from_name(path.name)
    if from_file is not None:
        return from_file, "file name"
    if sheet:
        from_sheet = round_from_name(sheet)
        if from_sheet is not None:
            return from_sheet, "sheet name"
    return None, None


def check_round_column(where: str, column: str, values: Iterable, given: str, source: str):
    """Refuse a round column that disagrees with the round of the file name, sheet or option."""
    found = sorted({str(v) for v in values if v is not None and v == v})
    others = [v for v in found if v != given]
    if others:
        said = {
            "file name": Message("round_source.file_name"),
            "sheet name": Message("round_source.sheet_name"),
        }.get(source, Message("round_source.option"))
        raise SurveyReadError(
            Message(
                "error.round_conflict",
                where=where,
                column=column,
                found=", ".join(others[:3]),
                source=said,
                given=given,
            )
        )
