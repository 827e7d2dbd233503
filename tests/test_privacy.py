"""Anonymity that holds: no hidden group's mean can be worked out from what is printed.

The attack: a reader takes the printed total (mean and n) and the printed
groups, subtracts, and gets the hidden groups' pooled n and mean. If the pool
is a single group below min_n, its mean is revealed. These tests parse every
output format (table, JSON, CSV, Markdown) and run the attack.
"""

from __future__ import annotations

import csv
import io
import json
import re

import numpy as np
import pandas as pd
import pytest

from partnerkit import read_survey, score
from tests.conftest import invoke, write_table

MIN_N = 5


def _survey_frame() -> pd.DataFrame:
    """Municipality 9, Resident 8, Police 2: the police group is below min_n."""
    rng = np.random.default_rng(11)
    actors = ["Municipality"] * 9 + ["Resident"] * 8 + ["Police"] * 2
    frame = pd.DataFrame({"Actor": actors})
    for item in ("a1", "a2", "a3", "b1", "b2"):
        frame[item] = rng.integers(1, 6, len(actors))
    frame.loc[frame["Actor"] == "Police", ["a1", "a2"]] = 5  # a distinctive answer to protect
    return frame


def _attack(groups: dict[str, tuple[float, int] | None], total: tuple[float, int]):
    """Hidden pooled n and mean from the printed total and visible groups."""
    visible = [v for v in groups.values() if v is not None]
    n_hidden = total[1] - sum(n for _, n in visible)
    if n_hidden == 0:
        return 0, None
    mean_hidden = (total[0] * total[1] - sum(m * n for m, n in visible)) / n_hidden
    return n_hidden, mean_hidden


def _check(printed: dict[str, dict], hidden_count: dict[str, int]) -> None:
    for dimension, values in printed.items():
        groups, total = values["groups"], values["total"]
        n_hidden, _ = _attack(groups, total)
        # either nothing hidden, or a pool of at least min_n respondents
        assert n_hidden == 0 or n_hidden >= MIN_N, (dimension, n_hidden)
        assert sum(v is None for v in groups.values()) != 1 or n_hidden >= MIN_N, dimension
        hidden_count[dimension] = sum(v is None for v in groups.values())


def _from_records(records: list[dict]) -> dict[str, dict]:
    printed: dict[str, dict] = {}
    for r in records:
        entry = printed.setdefault(r["dimension"], {"groups": {}, "total": None})
        value = None if r["suppressed"] in (True, "true") else (float(r["mean"]), int(r["n"]))
        if r["actor"] in (None, ""):
            entry["total"] = value
        else:
            entry["groups"][r["actor"]] = value
    return printed


def _from_markdown(text: str) -> dict[str, dict]:
    lines = [x for x in text.splitlines() if x.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    printed = {}
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        values = {}
        for name, cell in zip(header[1:], cells[1:], strict=True):
            match = re.match(r"([\d.,]+) \S* \(n=(\d+)\)", cell)
            values[name] = (float(match[1].replace(",", ".")), int(match[2])) if match else None
        total = values.pop("All")
        printed[cells[0]] = {"groups": values, "total": total}
    return printed


def _from_table(text: str) -> dict[str, dict]:
    """Parse the rich table: means on one line, n right-aligned under them on the next."""
    lines = text.splitlines()
    head = next(i for i, x in enumerate(lines) if "Municipality" in x)
    header_line = lines[head]
    names = ["Municipality", "Police", "Resident", "All"]
    ends = {name: header_line.index(name) + len(name) for name in names if name in header_line}
    printed = {}
    i = head + 2
    while i + 1 < len(lines) and lines[i].strip():
        means, counts = lines[i], lines[i + 1]
        label = means[:20].strip()
        values = {}
        for name, end in ends.items():
            cell = means[max(0, end - 8) : end + 1]
            n_cell = counts[max(0, end - 8) : end + 1]
            mean = re.search(r"(\d\.\d\d)", cell)
            n = re.search(r"n=(\d+)", n_cell)
            values[name] = (float(mean[1]), int(n[1])) if mean and n else None
        total = values.pop("All")
        printed[label] = {"groups": values, "total": total}
        i += 2
    return printed


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "table"])
def test_no_hidden_mean_can_be_recovered_by_subtraction(runner, tmp_path, tiny_path, fmt):
    path = write_table(tmp_path / "s.csv", _survey_frame())
    result = invoke(
        runner, "score", path, "-i", tiny_path, "--by", "actor", "--min-n", str(MIN_N),
        "-f", fmt, "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    if fmt == "json":
        printed = _from_records(json.loads(result.stdout)["results"])
    elif fmt == "csv":
        printed = _from_records(list(csv.DictReader(io.StringIO(result.stdout))))
    elif fmt == "markdown":
        printed = _from_markdown(result.stdout)
    else:
        printed = _from_table(result.stdout)
    assert len(printed) == 2  # both dimensions were read back
    hidden: dict[str, int] = {}
    _check(printed, hidden)
    assert all(count >= 2 for count in hidden.values())  # police, and one more to protect it


def test_the_attack_works_without_secondary_suppression(tmp_path, tiny, monkeypatch):
    """The test above is not empty: switching the secondary rule off reveals the police mean."""
    from partnerkit import protect

    survey = read_survey(write_table(tmp_path / "s.csv", _survey_frame()), tiny)
    monkeypatch.setattr(protect, "SECONDARY", False)
    monkeypatch.setattr(protect, "_CACHE", [])
    records = score(survey, by=["actor"], min_n=MIN_N, lang="en").to_dict("records")
    printed = _from_records(records)["alpha"]
    n_hidden, mean_hidden = _attack(printed["groups"], printed["total"])
    police = _survey_frame().query("Actor == 'Police'")
    truth = ((police["a1"] + police["a2"] + (6 - police["a3"])) / 3).mean()
    assert n_hidden == 2 and mean_hidden == pytest.approx(truth)


def test_free_text_is_only_shown_when_asked_and_only_for_large_groups(runner, tmp_path, tiny_path):
    frame = _survey_frame()
    frame["Kommentar"] = [f"kommentar fra {a.lower()} {i}" for i, a in enumerate(frame["Actor"])]
    path = write_table(tmp_path / "c.csv", frame)
    plain = invoke(runner, "score", path, "-i", tiny_path, "--by", "actor", "-f", "json")
    assert "kommentar fra" not in plain.stdout
    shown = invoke(
        runner, "score", path, "-i", tiny_path, "--by", "actor", "-f", "json",
        "--include-comments", "--min-n", str(MIN_N),
    )  # fmt: skip
    comments = json.loads(shown.stdout)["comments"]
    assert {c["actor"] for c in comments} == {"Municipality", "Resident"}  # not the 2 police
    assert len(comments) == 17
    table = invoke(
        runner, "score", path, "-i", tiny_path, "--by", "actor", "--include-comments",
        "--min-n", str(MIN_N),
    )  # fmt: skip
    assert "kommentar fra police" not in table.stdout and "kommentar fra resident" in table.stdout
