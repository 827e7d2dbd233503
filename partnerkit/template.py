"""A questionnaire workbook to hand out: fill one row per respondent, then ``partnerkit score`` it.

The workbook has an instruction sheet, a response sheet whose headers are the
role columns and the item statements (so a filled-in copy scores without any
option), drop-down lists for every answer and for the actor type, and a
hidden sheet holding those lists.
"""

from __future__ import annotations

import io
from pathlib import Path

from .i18n import t
from .instrument import Instrument, load_instrument

ROWS = 1000  # response rows with drop-down lists

# the instruction sheet's lines and the role levels, in order (texts in partnerkit.i18n)
_LINES = (
    "template.line.rows",
    "template.line.answers",
    "template.line.lists",
    "template.line.privacy",
    "template.line.min_n",
    "template.line.score",
)
_LEVELS = ("template.level.board", "template.level.steering", "template.level.staff")


def template_workbook(instrument: Instrument | str | Path | None = None, lang: str | None = None):
    """The questionnaire as an openpyxl ``Workbook``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from .output import xlsx_text
    from .privacy import DEFAULT_MIN_N

    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    lang = lang or inst.language
    scale = inst.scale
    answers = [scale.name(p, lang) for p in scale.points] + [scale.name("missing", lang)]
    actors = [a.label(lang) for a in inst.actors]

    book = Workbook()
    guide = book.active
    guide.title = t("template.instructions", lang)
    guide["A1"] = xlsx_text(inst.label(lang))
    guide["A1"].font = Font(bold=True, size=14)
    values = {
        "responses": t("template.responses", lang),
        "labels": ", ".join(answers[:-1]),
        "missing": answers[-1],
        "min_n": inst.min_n or DEFAULT_MIN_N,
    }
    for row, key in enumerate(_LINES, start=3):
        guide.cell(row=row, column=1, value=xlsx_text(t(key, lang, **values)))
    guide.column_dimensions["A"].width = 110

    sheet = book.create_sheet(t("template.responses", lang))
    lists = book.create_sheet(t("template.lists", lang))
    lists.sheet_state = "hidden"
    levels = [t(key, lang) for key in _LEVELS]
    for column, entries in enumerate((answers, actors, levels), start=1):
        for row, entry in enumerate(entries, start=1):
            lists.cell(row=row, column=column, value=xlsx_text(entry))

    headers = [t("template.area", lang), t("round", lang), t("template.actor", lang)]
    headers += [t("template.level", lang)]
    headers += [item.label(lang) for item in inst.items]
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=col, value=xlsx_text(header))
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(col)].width = 18 if col <= 4 else 30
    sheet.row_dimensions[1].height = 90
    sheet.freeze_panes = "A2"

    def drop_down(list_column: str, count: int, first_col: int, last_col: int, prompt: str):
        quoted = f"'{t('template.lists', lang)}'"
        rule = DataValidation(
            type="list",
            formula1=f"={quoted}!${list_column}$1:${list_column}${count}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=inst.label(lang),
            error=prompt,
        )
        first, last = get_column_letter(first_col), get_column_letter(last_col)
        rule.add(f"{first}2:{last}{ROWS + 1}")
        sheet.add_data_validation(rule)

    choose = t("template.choose", lang)
    drop_down("A", len(answers), 5, len(headers), choose)
    drop_down("B", len(actors), 3, 3, choose)
    drop_down("C", len(levels), 4, 4, choose)
    book.active = 0
    return book


def write_template(
    path: Path, instrument: Instrument | str | Path | None = None, lang: str | None = None
) -> Path:
    """Write the questionnaire workbook to ``path`` (atomically)."""
    from .errors import OptionError
    from .output import write_atomic

    if path.suffix.lower() != ".xlsx":
        raise OptionError(
            f"{path}: the template is an Excel workbook; give a path ending in .xlsx."
        )
    buffer = io.BytesIO()
    template_workbook(instrument, lang).save(buffer)
    write_atomic(buffer.getvalue(), path)
    return path
