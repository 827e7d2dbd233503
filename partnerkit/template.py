"""A questionnaire workbook to hand out: fill one row per respondent, then ``partnerkit score`` it.

The workbook has an instruction sheet, a response sheet whose headers are the
role columns and the item statements (so a filled-in copy scores without any
option), drop-down lists for every answer and for the actor type, and a
hidden sheet holding those lists.
"""

from __future__ import annotations

import io
from pathlib import Path

from .instrument import Instrument, load_instrument

ROWS = 1000  # response rows with drop-down lists

_TEXT = {
    "da": {
        "instructions": "Vejledning",
        "responses": "Svar",
        "lists": "Lister",
        "area": "Boligområde",
        "round": "Runde",
        "actor": "Aktørtype",
        "level": "Rolle",
        "levels": ("Bestyrelse/ledelse", "Styregruppe", "Medarbejder/følgegruppe"),
        "lines": (
            "Skriv én række pr. besvarelse på arket '{responses}'. Ændr ikke overskrifterne.",
            "Vælg svarene fra listerne: {labels}. Vælg '{missing}', hvis du ikke kan svare.",
            "Aktørtype og rolle vælges også fra lister; boligområde og runde skrives som tekst "
            "(fx 2025).",
            "Skriv ikke navne, e-mailadresser eller andet, der kan identificere en person.",
            "Resultater vises kun for grupper med mindst {min_n} besvarelser.",
            "Beregn resultaterne med: partnerkit score <denne fil>.xlsx",
        ),
    },
    "en": {
        "instructions": "Instructions",
        "responses": "Responses",
        "lists": "Lists",
        "area": "Housing area",
        "round": "Round",
        "actor": "Actor type",
        "level": "Role",
        "levels": ("Board/management", "Steering group", "Staff/working group"),
        "lines": (
            "Enter one row per response on the sheet '{responses}'. Do not change the headers.",
            "Choose the answers from the lists: {labels}. Choose '{missing}' when you cannot "
            "answer.",
            "Actor type and role are chosen from lists too; write the housing area and the round "
            "as text (e.g. 2025).",
            "Do not write names, e-mail addresses or anything else that identifies a person.",
            "Results are shown only for groups of at least {min_n} responses.",
            "Score the results with: partnerkit score <this file>.xlsx",
        ),
    },
}


def template_workbook(instrument: Instrument | str | Path | None = None, lang: str | None = None):
    """The questionnaire as an openpyxl ``Workbook``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from .output import safe_text
    from .privacy import DEFAULT_MIN_N

    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    lang = lang or inst.language
    text = _TEXT.get(lang, _TEXT["en"])
    scale = inst.scale
    answers = [scale.name(p, lang) for p in scale.points] + [scale.name("missing", lang)]
    actors = [a.label(lang) for a in inst.actors]

    book = Workbook()
    guide = book.active
    guide.title = text["instructions"]
    guide["A1"] = safe_text(inst.label(lang))
    guide["A1"].font = Font(bold=True, size=14)
    values = {
        "responses": text["responses"],
        "labels": ", ".join(answers[:-1]),
        "missing": answers[-1],
        "min_n": inst.min_n or DEFAULT_MIN_N,
    }
    for row, line in enumerate(text["lines"], start=3):
        guide.cell(row=row, column=1, value=safe_text(line.format(**values)))
    guide.column_dimensions["A"].width = 110

    sheet = book.create_sheet(text["responses"])
    lists = book.create_sheet(text["lists"])
    lists.sheet_state = "hidden"
    for column, entries in enumerate((answers, actors, list(text["levels"])), start=1):
        for row, entry in enumerate(entries, start=1):
            lists.cell(row=row, column=column, value=safe_text(entry))

    headers = [text["area"], text["round"], text["actor"], text["level"]]
    headers += [item.label(lang) for item in inst.items]
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=col, value=safe_text(header))
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(col)].width = 18 if col <= 4 else 30
    sheet.row_dimensions[1].height = 90
    sheet.freeze_panes = "A2"

    def drop_down(list_column: str, count: int, first_col: int, last_col: int, prompt: str):
        quoted = f"'{text['lists']}'"
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

    choose = "Vælg et svar fra listen." if lang == "da" else "Choose an answer from the list."
    drop_down("A", len(answers), 5, len(headers), choose)
    drop_down("B", len(actors), 3, 3, choose)
    drop_down("C", len(text["levels"]), 4, 4, choose)
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
