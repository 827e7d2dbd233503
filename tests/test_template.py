"""``partnerkit template``: a questionnaire workbook that scores as filled in."""

from __future__ import annotations

import json

import numpy as np
import openpyxl
import pytest

from partnerkit.instrument import load_instrument
from tests.conftest import invoke


@pytest.mark.parametrize("lang", ["da", "en"])
def test_template_round_trip_scores_without_options(runner, tmp_path, lang):
    path = tmp_path / "survey.xlsx"
    result = invoke(runner, "template", "-o", path, "--lang", lang)
    assert result.exit_code == 0, result.output

    book = openpyxl.load_workbook(path)
    instructions, responses, lists = book.worksheets
    assert instructions["A1"].value == load_instrument().label(lang)
    assert lists.sheet_state == "hidden"
    assert responses.freeze_panes == "A2"
    inst = load_instrument()
    headers = [c.value for c in responses[1]]
    items = headers[4 : 4 + len(inst.items)]
    assert items == [item.label(lang) for item in inst.items]
    # then the relation grids, `Stem - Target` (issue 21)
    names = {a.id: a.label(lang) for a in inst.actors}
    relation_headers = [
        f"{r.stem_text(lang)} - {names[target]}" for r in inst.relations for target in r.targets
    ]
    assert headers[4 + len(inst.items) :] == relation_headers
    answers = [lists.cell(row=r, column=1).value for r in range(1, 7)]
    assert answers == [inst.scale.name(p, lang) for p in range(1, 6)] + [
        inst.scale.name("missing", lang)
    ]
    rules = {str(dv.sqref): dv for dv in responses.data_validations.dataValidation}
    assert rules["E2:AH1001"].type == "list"
    assert rules["C2:C1001"].formula1.endswith("$B$1:$B$8")  # actor types

    # fill in 12 respondents with the drop-down answers, then score the file as it is
    rng = np.random.default_rng(7)
    actors = [lists.cell(row=r, column=2).value for r in range(1, 9)]
    expected = {}
    for row in range(2, 14):
        responses.cell(row=row, column=1, value="Vest")
        responses.cell(row=row, column=2, value=2025)
        responses.cell(row=row, column=3, value=actors[0] if row < 8 else actors[5])
        for col in range(5, 5 + len(inst.items)):
            point = int(rng.integers(1, 6))
            responses.cell(row=row, column=col, value=answers[point - 1])
            expected.setdefault(col, []).append(point)
    book.save(path)

    scored = invoke(runner, "score", path, "-f", "json", "--by", "area")
    assert scored.exit_code == 0, scored.output
    document = json.loads(scored.stdout)
    assert document["meta"]["rows_scored"] == 12
    assert document["meta"]["files"][0]["sheet"] == responses.title
    # the first dimension's overall mean, from the answers written (items 1-2 plus reversed 3)
    first = [(expected[5][i] + expected[6][i] + (6 - expected[7][i])) / 3 for i in range(12)]
    overall = next(
        r for r in document["results"] if r["dimension"] == "shared_purpose" and r["area"] is None
    )
    assert overall["mean"] == pytest.approx(np.mean(first))


def test_template_refuses_a_non_xlsx_path(runner, tmp_path):
    result = invoke(runner, "template", "-o", tmp_path / "survey.csv")
    assert result.exit_code == 2
    assert "the template is an Excel workbook" in result.stderr


def test_template_neutralises_formula_text(tmp_path, tiny_path):
    """A statement that looks like a formula is written as a text cell, exactly as the
    instrument has it: never run by a spreadsheet, and matched when the copy is scored."""
    from partnerkit.template import write_template

    text = tiny_path.read_text(encoding="utf-8").replace(
        'en = "The partners agree on the goals."', 'en = "=HYPERLINK(\\"http://x\\")"'
    )
    path = tmp_path / "evil.toml"
    path.write_text(text, encoding="utf-8")
    out = write_template(tmp_path / "t.xlsx", path, "en")
    sheet = openpyxl.load_workbook(out)["Responses"]
    header = sheet.cell(row=1, column=5)
    assert header.value == '=HYPERLINK("http://x")' and header.data_type == "s"
