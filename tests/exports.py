"""Survey platform exports built programmatically from their documented layouts.

Every writer encodes the same responses (:data:`TRUTH`, answers to the tiny
instrument of ``conftest.py``) the way one platform writes them, so a test can
read each file back and compare with the truth.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

ITEMS = ["a1", "a2", "a3", "b1", "b2", "b3", "b4"]
TEXT_EN = {
    "a1": "The partners agree on the goals.",
    "a2": "Meetings are useful.",
    "a3": "Some partners dominate.",
    "b1": "I trust the others.",
    "b2": "I learn from the others.",
    "b3": "We follow up on data.",
    "b4": "It is worth the effort.",
}
TEXT_DA = {
    "a1": "Partnerne er enige om målene.",
    "a2": "Møderne er nyttige.",
    "a3": "Nogle partnere dominerer.",
    "b1": "Jeg stoler på de andre.",
    "b2": "Jeg lærer af de andre.",
    "b3": "Vi følger op på data.",
    "b4": "Det er indsatsen værd.",
}
LABELS_EN = {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree"}
LABELS_EN |= {4: "Agree", 5: "Strongly agree", 6: "Don't know"}
LABELS_DA = {1: "Helt uenig", 2: "Delvist uenig", 3: "Hverken enig eller uenig"}
LABELS_DA |= {4: "Delvist enig", 5: "Helt enig", 6: "Ved ikke"}
ACTOR_EN = {"municipality": "Municipality", "resident": "Resident"}
ACTOR_DA = {"municipality": "Kommune", "resident": "Beboer"}

#: Six responses: codes 1-5, 6 = don't know, None = blank.
TRUTH = pd.DataFrame(
    {
        "actor": ["municipality"] * 2 + ["resident"] * 3 + ["municipality"],
        "a1": [5, 4, 6, 2, None, 3],
        "a2": [4, 4, 3, None, 2, 5],
        "a3": [1, 2, 5, 4, 3, None],
        "b1": [4, 5, 2, 1, 3, 4],
        "b2": [4, None, 3, 2, 2, 5],
        "b3": [5, 4, 6, 3, 2, None],
        "b4": [4, 4, 4, 6, 1, 5],
    }
)  # fmt: skip


def expected_values(item: str) -> list[float]:
    """The decoded answers of ``item``: don't know and blank are NaN."""
    values = TRUTH[item].astype("float64")
    return values.where(values.between(1, 5)).tolist()


def _labels(column: pd.Series, labels: dict) -> list:
    return [None if pd.isna(v) else labels[int(v)] for v in column]


def microsoft_forms(path: Path, lang: str = "da") -> Path:
    """Microsoft Forms xlsx: ID, times, e-mail and name, statements as headers, label answers."""
    da = lang == "da"
    n = len(TRUTH)
    stamp = pd.Timestamp("2024-03-01 09:00")
    frame = pd.DataFrame(
        {
            "ID": range(1, n + 1),
            ("Starttidspunkt" if da else "Start time"): [stamp] * n,
            ("Fuldførelsestidspunkt" if da else "Completion time"): [stamp] * n,
            ("Mail" if da else "Email"): [f"person{i}@example.dk" for i in range(n)],
            ("Navn" if da else "Name"): [f"Person {i}" for i in range(n)],
            ("Tidspunkt for seneste ændring" if da else "Last modified time"): [None] * n,
            ("Aktørtype" if da else "Actor"): TRUTH["actor"].map(ACTOR_DA if da else ACTOR_EN),
        }
    )
    texts, labels = (TEXT_DA, LABELS_DA) if da else (TEXT_EN, LABELS_EN)
    for item in ITEMS:
        frame[texts[item]] = _labels(TRUTH[item], labels)
    frame.to_excel(path, index=False, sheet_name="Sheet1")
    return path


def google_forms(path: Path) -> Path:
    """Google Forms CSV: Timestamp, Email Address, grid headers ``Question [Statement]``."""
    n = len(TRUTH)
    frame = pd.DataFrame(
        {
            "Timestamp": ["2024/03/01 9:00:00 AM GMT+1"] * n,
            "Email Address": [f"person{i}@example.dk" for i in range(n)],
            "Actor": TRUTH["actor"].map(ACTOR_EN),
        }
    )
    for item in ITEMS:
        frame[f"How much do you agree? [{TEXT_EN[item]}]"] = _labels(TRUTH[item], LABELS_EN)
    frame.to_csv(path, index=False)
    return path


def qualtrics(path: Path, answers: str = "codes", sep: str = ",", encoding: str = "utf-8"):
    """Qualtrics CSV/TSV: export tags, question texts and ImportId JSON as three header rows."""
    meta = [
        ("StartDate", "Start Date", "startDate"),
        ("EndDate", "End Date", "endDate"),
        ("Status", "Response Type", "status"),
        ("IPAddress", "IP Address", "ipAddress"),
        ("Progress", "Progress", "progress"),
        ("Finished", "Finished", "finished"),
        ("ResponseId", "Response ID", "_recordId"),
        ("RecipientEmail", "Recipient Email", "recipientEmail"),
        ("LocationLatitude", "Location Latitude", "locationLatitude"),
        ("Q1", "Actor type", "QID1"),
    ]
    tags = [m[0] for m in meta] + [f"Q2_{i + 1}" for i in range(len(ITEMS))]
    texts = [m[1] for m in meta]
    texts += [f"How much do you agree with each statement? - {TEXT_EN[i]}" for i in ITEMS]
    imports = [json.dumps({"ImportId": m[2]}) for m in meta]
    imports += [json.dumps({"ImportId": f"QID2_{i + 1}"}) for i in range(len(ITEMS))]
    n = len(TRUTH)
    rows = []
    for r in range(n):
        actor = ACTOR_EN[TRUTH["actor"][r]]
        row = ["2024-03-01 09:00:00", "2024-03-01 09:10:00", "IP Address", f"10.0.0.{r}"]
        row += ["100", "True", f"R_{r:04d}", f"p{r}@example.dk", "55.6", actor]
        for item in ITEMS:
            value = TRUTH[item][r]
            if pd.isna(value):
                row.append("")
            elif answers == "codes":
                row.append(str(int(value)))
            else:
                row.append(LABELS_EN[int(value)])
        rows.append(row)
    frame = pd.DataFrame([texts, imports, *rows], columns=tags)
    frame.to_csv(path, index=False, sep=sep, encoding=encoding)
    return path


def surveymonkey(path: Path) -> Path:
    """SurveyMonkey: question text above a matrix's first column, statements in row two."""
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address"]
    meta += ["Email Address", "First Name", "Last Name", "Custom Data 1"]
    top = [*meta, "Actor type", "How much do you agree with the following?"]
    top += [""] * (len(ITEMS) - 1)
    second = [""] * len(meta) + ["Response"] + [TEXT_EN[i] for i in ITEMS]
    rows = []
    for r in range(len(TRUTH)):
        row = [1000 + r, 42, "03/01/2024", "03/01/2024", f"10.0.0.{r}"]
        row += [f"p{r}@example.dk", "Anna", "Andersen", ""]
        row.append(ACTOR_EN[TRUTH["actor"][r]])
        row += _labels(TRUTH.loc[[r], ITEMS].T[r], LABELS_EN)
        rows.append(row)
    frame = pd.DataFrame([second, *rows], columns=range(len(top)))
    frame.columns = top
    if path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


def spss(path: Path) -> Path:
    """SPSS .sav: numeric codes, value labels, user-missing 9 = "Ved ikke", variable labels."""
    import pyreadstat

    frame = pd.DataFrame({"aktor": TRUTH["actor"].map({"municipality": 1, "resident": 2})})
    for i, item in enumerate(ITEMS):
        frame[f"q2_{i + 1}"] = TRUTH[item].replace({6: 9}).astype("float64")
    labels = {f"q2_{i + 1}": {**LABELS_EN, 9: "Ved ikke"} for i in range(len(ITEMS))}
    for variable in labels:
        labels[variable].pop(6)
    labels["aktor"] = {1: "Municipality", 2: "Resident"}
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=["Actor type"] + [TEXT_EN[i] for i in ITEMS],
        variable_value_labels=labels,
        missing_ranges={f"q2_{i + 1}": [9] for i in range(len(ITEMS))},
    )
    return path


def _surveyxact_tables(dk_code: int = 6):
    """Dataset (codes), Structure and Labels tables of a SurveyXact export.

    Codes are out of order in Labels, "Ved ikke" sits in the middle of the code list
    (code ``dk_code``), and labels carry trailing spaces and new lines, as real exports do.
    """
    variables = ["s_1", *(f"s_2_{i + 1}" for i in range(len(ITEMS)))]
    dataset = pd.DataFrame({"s_1": TRUTH["actor"].map({"municipality": 1, "resident": 2})})
    for i, item in enumerate(ITEMS):
        dataset[f"s_2_{i + 1}"] = TRUTH[item].replace({6: dk_code}).astype("Int64")
    dataset["stato_1"] = 1
    stem = "Hvor enig er du i følgende?"
    structure = [["questionName", "variableName", "questionType", "subType", "questionText",
                  "choiceValue", "choiceText"],
                 ["s_1", "s_1", "Closed", "Single", "Aktørtype\n", "", ""]]  # fmt: skip
    for i, item in enumerate(ITEMS):
        structure.append(
            ["s_2", variables[i + 1], "Closed", "Single", f"{stem}  - {TEXT_DA[item]}\n", "", ""]
        )
    labels = [["s_1", 2, "Beboer  "], ["s_1", 1, "Kommune\n"]]
    for variable in variables[1:]:
        for code in (5, 1, dk_code, 3, 4, 2):  # out of order, "Ved ikke" in the middle
            text = "Ved ikke   \n" if code == dk_code else LABELS_DA[code] + " "
            labels.append([variable, code, text])
    return dataset, pd.DataFrame(structure[1:], columns=structure[0]), pd.DataFrame(labels)


def surveyxact_workbook(path: Path, split: bool = False) -> Path:
    """SurveyXact Excel export: Labels (no header), Dataset (or Dataset(1), (2)), Structure."""
    dataset, structure, labels = _surveyxact_tables(dk_code=9)
    with pd.ExcelWriter(path) as writer:
        labels.to_excel(writer, sheet_name="Labels", index=False, header=False)
        if split:  # split by rows, as large exports are
            half = len(dataset) // 2
            dataset.iloc[:half].to_excel(writer, sheet_name="Dataset(1)", index=False)
            dataset.iloc[half:].to_excel(writer, sheet_name="Dataset(2)", index=False)
        else:
            dataset.to_excel(writer, sheet_name="Dataset", index=False)
        structure.to_excel(writer, sheet_name="Structure", index=False)
    return path


def surveyxact_csv(folder: Path, sep: str = ";", encoding: str = "cp1252") -> Path:
    """SurveyXact CSV export: dataset.csv, structure.csv and labels.csv (no header) in a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    dataset, structure, labels = _surveyxact_tables(dk_code=9)
    dataset.to_csv(folder / "dataset.csv", sep=sep, encoding=encoding, index=False)
    structure.to_csv(folder / "structure.csv", sep=sep, encoding=encoding, index=False)
    labels.to_csv(folder / "labels.csv", sep=sep, encoding=encoding, index=False, header=False)
    return folder


def random_answers(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """``n`` random responses in the shape of :data:`TRUTH`."""
    frame = pd.DataFrame({"actor": rng.choice(list(ACTOR_EN), n)})
    for item in ITEMS:
        frame[item] = rng.integers(1, 7, n)
    return frame
