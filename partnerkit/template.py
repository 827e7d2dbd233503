"""A questionnaire workbook to hand out: fill one row per respondent, then ``partnerkit score`` it.

The workbook has an instruction sheet, a response sheet whose headers are the
role columns and the item statements (so a filled-in copy scores without any
option), drop-down lists for every answer and for the actor type, and a
hidden sheet holding those lists.
"""

from __future__ import annotations

import io
from pathlib import Path

from .i18n import Message, t
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

    from .privacy.threshold import DEFAULT_MIN_N

    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    lang = lang or inst.language
    scale = inst.scale
    answers = [scale.name(p, lang) for p in scale.points] + [scale.name("missing", lang)]
    actors = [a.label(lang) for a in inst.actors]

    book = Workbook()
    guide = book.active
    guide.title = t("template.instructions", lang)
    _text(guide["A1"], inst.label(lang))
    guide["A1"].font = Font(bold=True, size=14)
    values = {
        "responses": t("template.responses", lang),
        "labels": ", ".join(answers[:-1]),
        "missing": answers[-1],
        "min_n": inst.min_n or DEFAULT_MIN_N,
    }
    for row, key in enumerate(_LINES, start=3):
        _text(guide.cell(row=row, column=1), t(key, lang, **values))
    guide.column_dimensions["A"].width = 110

    sheet = book.create_sheet(t("template.responses", lang))
    lists = book.create_sheet(t("template.lists", lang))
    lists.sheet_state = "hidden"
    levels = [t(key, lang) for key in _LEVELS]
    for column, entries in enumerate((answers, actors, levels), start=1):
        for row, entry in enumerate(entries, start=1):
            _text(lists.cell(row=row, column=column), entry)

    headers = [t("template.area", lang), t("round", lang), t("template.actor", lang)]
    headers += [t("template.level", lang)]
    headers += [item.label(lang) for item in inst.items]
    # relation grids (issue 21): `Stem - Target` columns, answers on each relation's own scale
    relation_spans = []
    for r, relation in enumerate(inst.relations):
        rel_answers = [relation.scale.name(p, lang) for p in relation.scale.points]
        rel_answers.append(relation.scale.name("missing", lang))
        list_column = get_column_letter(4 + r)
        for row, entry in enumerate(rel_answers, start=1):
            _text(lists[f"{list_column}{row}"], entry)
        first = len(headers) + 1
        headers += [
            f"{relation.stem_text(lang)} - {inst.named(t_).label(lang)}" for t_ in relation.targets
        ]
        relation_spans.append((list_column, len(rel_answers), first, len(headers)))
    if inst.organisations:  # the respondent's named organisation (a header the reader knows)
        headers.append(t("template.organisation", lang))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, header in enumerate(headers, start=1):
        cell = _text(sheet.cell(row=1, column=col), header)
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
    drop_down("A", len(answers), 5, 4 + len(inst.items), choose)
    for list_column, count, first, last in relation_spans:
        drop_down(list_column, count, first, last, choose)
    drop_down("B", len(actors), 3, 3, choose)
    drop_down("C", len(levels), 4, 4, choose)
    book.active = 0
    return book


def _text(cell, text: str):
    """``text`` in ``cell`` as a text cell, exactly: an item or answer label that begins
    with ``- + = @`` must come back unchanged when the filled-in copy is scored, and a
    text cell is never run as a formula (so no ``'`` is added, unlike the report)."""
    from .output import xlsx_clean

    cell.value = xlsx_clean(text)  # control characters a workbook cannot hold, spelt out
    cell.data_type = "s"  # formula-safe by its type, not by a prefix
    return cell


def write_template(
    path: Path,
    instrument: Instrument | str | Path | None = None,
    lang: str | None = None,
    force: bool = False,
) -> Path:
    """Write the questionnaire workbook to ``path`` under the output policy: an existing
    workbook is replaced only when partnerkit wrote it and nobody changed its cells since
    (a filled-in questionnaire is data), or with ``force``."""
    from .errors import OptionError
    from .output import write_output

    if path.suffix.lower() != ".xlsx":
        raise OptionError(Message("error.template_suffix", path=path))
    buffer = io.BytesIO()
    template_workbook(instrument, lang).save(buffer)
    inputs = (Path(instrument),) if isinstance(instrument, str | Path) else ()
    write_output(buffer.getvalue(), path, "xlsx", inputs, force=force)
    return path
