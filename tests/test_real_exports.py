"""Every command on the real exports written by others (issue 19, point 3).

The files in ``../shared/data/real/`` and ``../shared/data/surveyxact/`` are read in
place, each with an instrument written for it here. Every command runs on every file
(JSON and the terminal table; the report as workbook and page) and either succeeds
with an output that parses and a row ledger that adds up, or stops with the documented
``Error:`` line. For four files the scores are computed again by hand with pandas from
the raw file and the answer codes their platforms document, and must agree.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from .conftest import SHARED_DATA, invoke
from .test_layouts import ELEV
from .test_shapes import check_output, run_checked

REAL = SHARED_DATA / "real"
SURVEYXACT = SHARED_DATA / "surveyxact"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real is not present")


def toml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a TOML basic string


def instrument_toml(ident: str, scale: dict, dimensions: dict) -> str:
    """A TOML instrument: ``scale`` (min, max, labels {point: [texts]}, missing [texts],
    missing_codes), ``dimensions`` {id: [(item id, [aliases], reverse)]}."""
    lines = [f'id = "{ident}"', 'version = "1"', 'language = "en"', f'title = "{ident}"', ""]
    lines += ["[scale]", f"min = {scale['min']}", f"max = {scale['max']}"]
    if "missing_codes" in scale:
        lines.append(f"missing_codes = {scale['missing_codes']}")
    if "labels" in scale:
        lines += ["", "[scale.labels]"]
        for point, texts in scale["labels"].items():
            lines.append(f'"{point}" = [{", ".join(map(toml_string, texts))}]')
        if scale.get("missing"):
            lines.append(f"missing = [{', '.join(map(toml_string, scale['missing']))}]")
    for dim, items in dimensions.items():
        lines += ["", "[[dimensions]]", f'id = "{dim}"', f'name = "{dim}"']
        for item, aliases, reverse in items:
            lines += ["[[dimensions.items]]", f'id = "{item}"', f'text = "{item}"']
            lines.append(f"aliases = [{', '.join(map(toml_string, aliases))}]")
            if reverse:
                lines.append("reverse = true")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------ the instruments

#: Qualtrics' student satisfaction survey: seven-point bipolar questions, each with its
#: own labels; 1 the worst end, 7 the best (SPSS file: value labels of Q1..Q14).
STUDENT_LABELS = {
    1: ["Extremely unhelpful", "Extremely difficult", "Extremely unsafe", "Extremely bad",
        "Very Dissatisfied", "Extremely unreasonable", "Very Unlikely"],
    2: ["Moderately unhelpful", "Moderately difficult", "Moderately unsafe", "Moderately bad",
        "Dissatisfied", "Moderately unreasonable", "Unlikely"],
    3: ["Slightly unhelpful", "Slightly difficult", "Slightly unsafe", "Slightly bad",
        "Somewhat Dissatisfied", "Slightly unreasonable", "Somewhat Unlikely"],
    4: ["Neither helpful nor unhelpful", "Neither easy nor difficult", "Neither safe nor unsafe",
        "Neither good nor bad", "Neutral", "Neither reasonable nor unreasonable", "Undecided"],
    5: ["Slightly helpful", "Slightly easy", "Slightly safe", "Slightly good",
        "Somewhat Satisfied", "Slightly reasonable", "Somewhat Likely"],
    6: ["Moderately helpful", "Moderately easy", "Moderately safe", "Moderately good",
        "Satisfied", "Moderately reasonable", "Likely"],
    7: ["Extremely helpful", "Extremely easy", "Extremely safe", "Extremely good",
        "Very Satisfied", "Extremely reasonable", "Very Likely"],
}  # fmt: skip
STUDENT_DIMS = {
    "services": ["Q1", "Q4"],
    "ease": ["Q2", "Q10"],
    "campus": ["Q6", "Q7"],
    "satisfaction": ["Q8", "Q13", "Q14"],
    "fees": ["Q12"],  # a one-item dimension
}
STUDENT = instrument_toml(
    "student",
    {"min": 1, "max": 7, "labels": STUDENT_LABELS},
    {d: [(q.lower(), [q], False) for q in qs] for d, qs in STUDENT_DIMS.items()},
)

#: QualtricsTools' vegetable survey: 1 Like, 2 Neither, 3 Dislike; -1 No opinion and
#: -2 Never tried it are not answers on the scale.
VEG = instrument_toml(
    "veg",
    {"min": 1, "max": 3, "missing_codes": [-1, -2]},
    {
        "plain": [(f"q3_{i}", [f"Q3_{i}"], False) for i in range(1, 5)],
        "cooked": [(f"q4_{i}", [f"Q4_{i}"], False) for i in range(1, 5)],
    },
)

#: LimeSurvey: nine-point agreement, codes D4..D1, N0, A1..A4 or "1. Completely disagree"..
LIME_CODES = ["D4", "D3", "D2", "D1", "N0", "A1", "A2", "A3", "A4"]
LIME_TEXTS = ["Completely disagree", "Greatly disagree", "Moderately disagree",
              "Slightly disagree", "Neither agree nor disagree", "Slightly agree",
              "Moderately agree", "Greatly agree", "Completely agree"]  # fmt: skip
LIME_DIMS = {"first": range(1, 6), "second": range(6, 10)}


def _lime(headers: list[str]) -> str:
    def aliases(k: int) -> list[str]:
        code = f"LikertTypePage1[{k}]"
        return [code, *(h for h in headers if h.startswith(f"{code}. "))]

    pairs = enumerate(zip(LIME_CODES, LIME_TEXTS, strict=True))
    labels = {p + 1: [c, f"{p + 1}. {t}"] for p, (c, t) in pairs}
    dims = {d: [(f"lik{k}", aliases(k), False) for k in ks] for d, ks in LIME_DIMS.items()}
    return instrument_toml("lime", {"min": 1, "max": 9, "labels": labels}, dims)


#: The Jupyter survey (SurveyMonkey): problems rated (0) Not a problem .. (4) Critical.
JUPYTER_DIMS = {"kernel": "10", "charts": "13", "batch": "15"}


def _jupyter(headers: list[str]) -> str:
    labels = {
        0: ["(0) Not a problem for me."],
        1: ["(1) Trivial."],
        2: ["(2) Minor."],
        3: ["(3) Major."],
        4: ["(4) Critical."],
    }
    scale = {"min": 0, "max": 4, "labels": labels}
    scale["missing"] = ["N/A - skip, don't know.", "N/A - skip."]
    dims = {}
    for dim, number in JUPYTER_DIMS.items():
        found = [h for h in headers if re.match(rf"{number}[a-z]\. ", h)]
        dims[dim] = [(f"p{h[:3].rstrip('.')}", [h], False) for h in found]
    return instrument_toml("jupyter", scale, dims)


#: The R community surveys (Google Forms): two 1-5 questions; difficulty reversed.
R_DIFFICULT = (
    "Compared with other technical topics you've learned in school and on the job, on a "
    "scale of 1 to 5, how difficult has it been for you to learn R?"
)
R_ENJOY = (
    "Please rate how much you enjoy using R on a scale of 1 to 5, where 1 is you don't "
    "enjoy it at all, and 5 is that you enjoy it a great deal."
)
RSURVEY = instrument_toml(
    "rsurvey",
    {"min": 1, "max": 5},
    {"r_experience": [("difficult", [R_DIFFICULT], True), ("enjoy", [R_ENJOY], False)]},
)


def _headers(path: Path) -> list[str]:
    return list(pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns)


#: Every real file and the instrument written for it (a text, or a function of its headers).
FILES = {
    "qualtrics/student-satisfaction_CSV_use-choice-text.csv": STUDENT,
    "spss/student-satisfaction_SPSS.sav": STUDENT,
    "qualtrics/No_Basis_for_Evaluation_Insights.csv": VEG,
    "qualtrics/No_Basis_for_Evaluation_Legacy.csv": VEG,
    "limesurvey/results-survey945827-202004302207-codes.csv": _lime,
    "limesurvey/results-survey945827-202004302207.csv": _lime,
    "surveymonkey/jupyter_2020_all_responses.csv": _jupyter,
    "google_forms/2019_English_R_Community_Survey_Responses.xlsx": RSURVEY,
    "google_forms/Learning_R_Internet_Survey_-_Form_Responses_1.tsv": RSURVEY,
    "surveyxact:ex_survey2.xlsx": ELEV,
    "surveyxact:ex_survey2_tab_utf16": ELEV,
}


def real_file(name: str, folder: Path) -> tuple[Path, Path]:
    """The file read in place, and its instrument written into ``folder``."""
    path = SURVEYXACT / name.split(":", 1)[1] if name.startswith("surveyxact:") else REAL / name
    spec = FILES[name]
    text = spec(_headers(path)) if callable(spec) else spec
    folder.mkdir(exist_ok=True)
    instrument = folder / "instrument.toml"
    instrument.write_text(text, encoding="utf-8")
    return path, instrument


def test_every_real_file_is_listed():
    listed = {REAL / n for n in FILES if not n.startswith("surveyxact:")}
    present = {p for p in REAL.rglob("*") if p.is_file() and p.suffix != ".md"}
    assert present == listed


COMMANDS = {
    "score": [],
    "reliability": [],
    "validate": [],
    "trend": [],
    "gaps": [],
    "areas": [],
}


@pytest.mark.parametrize("name", list(FILES))
def test_every_command_on_a_real_file(runner, tmp_path, name):
    path, instrument = real_file(name, tmp_path)
    score = invoke(runner, "score", path, "-i", instrument, "-f", "json")
    assert score.exit_code == 0, score.output
    meta = json.loads(score.stdout)["meta"]
    excluded = sum(e["rows"] for e in meta["excluded"])
    assert meta["rows_read"] == meta["rows_scored"] + excluded > 0
    for command, extra in COMMANDS.items():
        for fmt in ["json", "table"]:
            run_checked(runner, [command, path, "-i", instrument, "-f", fmt, *extra], fmt)
    xlsx, html = tmp_path / "r.xlsx", tmp_path / "r.html"
    args = ["report", path, "-i", instrument, "-o", xlsx, "-o", html, "-q"]
    run_checked(runner, args, "xlsx", xlsx)
    check_output("html", path=html)


# ------------------------------------------------------- numbers by hand


def overall(runner, path: Path, instrument: Path) -> tuple[dict, dict]:
    """The overall record per dimension of ``score --format json``, and its meta."""
    result = invoke(runner, "score", path, "-i", instrument, "-f", "json", "-q")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return {r["dimension"]: r for r in data["results"]}, data["meta"]


def by_hand(values: pd.DataFrame, dims: dict[str, list[str]]) -> pd.DataFrame:
    """Dimension scores as DOMAIN.md defines them: the mean of the answered items when
    at least half the dimension's items are answered."""
    scores = {}
    for dim, items in dims.items():
        answered = values[items].notna().sum(axis=1)
        scores[dim] = values[items].mean(axis=1).where(2 * answered >= len(items))
    return pd.DataFrame(scores)


def assert_scores(records: dict, meta: dict, scores: pd.DataFrame) -> None:
    assert meta["rows_scored"] == int(scores.notna().any(axis=1).sum())
    for dim in scores.columns:
        column = scores[dim].dropna()
        record = records[dim]
        assert record["n"] == len(column), dim
        assert record["mean"] == pytest.approx(column.mean(), rel=1e-12), dim
        assert record["sd"] == pytest.approx(column.std(ddof=1), rel=1e-12), dim


def test_qualtrics_choice_text_scores_by_hand(runner, tmp_path):
    name = "qualtrics/student-satisfaction_CSV_use-choice-text.csv"
    path, instrument = real_file(name, tmp_path)
    raw = pd.read_csv(path, skiprows=[1, 2])  # rows 2-3: question texts and ImportIds
    points = {text: p for p, texts in STUDENT_LABELS.items() for text in texts}
    values = raw[[q for qs in STUDENT_DIMS.values() for q in qs]].apply(lambda c: c.map(points))
    records, meta = overall(runner, path, instrument)
    assert_scores(records, meta, by_hand(values, STUDENT_DIMS))
    assert meta["rows_read"] == 25
    # the SPSS file of the same survey, decoded through its value labels, agrees
    spss, _ = overall(runner, REAL / "spss/student-satisfaction_SPSS.sav", instrument)
    for dim in STUDENT_DIMS:
        assert spss[dim]["mean"] == pytest.approx(records[dim]["mean"], rel=1e-12)


def test_limesurvey_codes_scores_by_hand(runner, tmp_path):
    name = "limesurvey/results-survey945827-202004302207-codes.csv"
    path, instrument = real_file(name, tmp_path)
    raw = pd.read_csv(path, encoding="utf-8-sig")
    code = {c: p + 1 for p, c in enumerate(LIME_CODES)}  # D4 = 1 .. A4 = 9
    dims = {d: [f"LikertTypePage1[{k}]" for k in ks] for d, ks in LIME_DIMS.items()}
    values = raw[[c for cs in dims.values() for c in cs]].apply(lambda c: c.map(code))
    records, meta = overall(runner, path, instrument)
    assert_scores(records, meta, by_hand(values, dims))
    texts_path, texts_instrument = real_file(name.replace("-codes", ""), tmp_path / "texts")
    texts, _ = overall(runner, texts_path, texts_instrument)
    for dim in dims:  # the same survey exported with answer texts
        assert texts[dim]["mean"] == pytest.approx(records[dim]["mean"], rel=1e-12)


def test_google_forms_scores_by_hand(runner, tmp_path):
    name = "google_forms/2019_English_R_Community_Survey_Responses.xlsx"
    path, instrument = real_file(name, tmp_path)
    raw = pd.read_excel(path, engine="openpyxl")
    values = pd.DataFrame({"difficult": 6 - raw[R_DIFFICULT], "enjoy": raw[R_ENJOY]})
    records, meta = overall(runner, path, instrument)
    assert_scores(records, meta, by_hand(values, {"r_experience": ["difficult", "enjoy"]}))
    assert meta["rows_read"] == 1838


def test_surveymonkey_scores_by_hand(runner, tmp_path):
    name = "surveymonkey/jupyter_2020_all_responses.csv"
    path, instrument = real_file(name, tmp_path)
    raw = pd.read_csv(path)
    dims = {
        d: [h for h in raw.columns if re.match(rf"{n}[a-z]\. ", h)] for d, n in JUPYTER_DIMS.items()
    }
    assert [len(v) for v in dims.values()] == [6, 5, 7]
    columns = [c for cs in dims.values() for c in cs]
    # "(3) Major." -> 3; "N/A - skip ..." is no answer
    values = raw[columns].apply(lambda c: c.str.extract(r"^\((\d)\)")[0].astype(float))
    records, meta = overall(runner, path, instrument)
    assert_scores(records, meta, by_hand(values, dims))
    assert meta["rows_read"] == 1135
    assert not np.isnan(records["batch"]["mean"])
