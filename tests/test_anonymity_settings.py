"""The anonymity settings (issue 15): the dominance rule and a configurable protection.

- ``dominance = true`` (instrument or partnerkit.toml) hides a group whose answers on
  a dimension are all the same, whatever its size: a unanimous group of 6 shows each
  person's answer in its mean (Hundepool et al. 2012, ch. 4: the dominance rule).
- ``protection`` (instrument or partnerkit.toml; ``privacy-check --protection``) is
  the smallest safe width of a hidden mean in the instrument's scale points,
  default a quarter of the scale's range, checked: positive, at most the range.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from partnerkit import read_survey, score_survey
from partnerkit.errors import OptionError
from partnerkit.instrument import load_instrument
from partnerkit.privacy import audit
from partnerkit.privacy.lp import resolve_protection
from tests.conftest import TINY_TOML, invoke, write_table

EXAMPLE = "data/examples/partnerskab_2022-2024.xlsx"


def _instrument(tmp_path, extra: str, scale: tuple[int, int] = (1, 5)):
    text = TINY_TOML.replace("min_n = 2", f"min_n = 5\n{extra}")
    if scale != (1, 5):  # labels and missing codes of 1-5 do not fit another scale
        text = text.replace("min = 1\nmax = 5", f"min = {scale[0]}\nmax = {scale[1]}")
        text = text.replace("missing_codes = [6]", "missing_codes = [99]")
        text = text.replace("favourable = 4", "favourable = 7")
    path = tmp_path / "inst.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _teams(rng) -> pd.DataFrame:
    """Board 12 and Staff 15 answering at random; Unanimous 6 all scoring alpha 4
    (a1 = a2 = 4, a3 = 2 reversed to 4), beta at random; no actor or round column."""
    teams = ["Board"] * 12 + ["Staff"] * 15 + ["Unanimous"] * 6
    frame = pd.DataFrame({"Team": teams})
    for item in ("a1", "a2", "a3", "b1", "b2", "b3", "b4"):
        frame[item] = rng.integers(1, 6, len(frame))
    same = frame["Team"] == "Unanimous"
    frame.loc[same, ["a1", "a2", "a3"]] = [4, 4, 2]
    return frame


# ------------------------------------------------------------------ dominance


def test_dominance_hides_a_unanimous_group_only_when_switched_on(runner, tmp_path):
    path = write_table(tmp_path / "teams.csv", _teams(np.random.default_rng(3)))
    plain = _instrument(tmp_path, "")
    out = invoke(runner, "score", path, "-i", plain, "--by", "Team", "-f", "json")
    rows = {(r["dimension"], r["Team"]): r for r in json.loads(out.stdout)["results"]}
    assert rows["alpha", "Unanimous"]["mean"] == pytest.approx(4.0)  # by construction

    strict = _instrument(tmp_path, "dominance = true")
    out = invoke(runner, "score", path, "-i", strict, "--by", "Team", "-f", "json")
    document = json.loads(out.stdout)
    rows = {(r["dimension"], r["Team"]): r for r in document["results"]}
    hidden = rows["alpha", "Unanimous"]
    # said as "secondary": "dominance" would tell that everyone gave the same answer
    assert hidden["suppressed"] and hidden["suppressed_reason"] == "secondary"
    assert hidden["mean"] is None and hidden["n"] is None
    # the only hidden member of the partition "All": another team is hidden with it
    assert sum(rows["alpha", t]["suppressed"] for t in ("Board", "Staff")) == 1
    assert not rows["beta", "Unanimous"]["suppressed"]  # beta answers differ
    privacy = document["meta"]["privacy"]
    assert privacy["dominance"] is True
    assert privacy["hidden"] == {"min_n": 0, "secondary": 2}
    # the audit treats a unanimous group as sensitive whatever its size, and it holds
    survey = read_survey(path, strict)
    found = audit([document], survey)
    unanimous = found.cells[found.cells["Team"] == "Unanimous"]
    assert unanimous["sensitive"].all() and found.ok, found.cells.to_string()


def test_dominance_in_the_project_file_and_the_legend_in_both_languages(runner, tmp_path):
    path = write_table(tmp_path / "teams.csv", _teams(np.random.default_rng(4)))
    inst = _instrument(tmp_path, "")
    (tmp_path / "partnerkit.toml").write_text("dominance = true\n", encoding="utf-8")
    project = tmp_path / "partnerkit.toml"
    out = invoke(
        runner, "score", path, "-i", inst, "--by", "Team", "--project", project, "-f", "json"
    )
    records = json.loads(out.stdout)["results"]
    reasons = {(r["dimension"], r["Team"]): r["suppressed_reason"] for r in records}
    assert reasons["alpha", "Unanimous"] == "secondary"
    for lang, words in (("en", "everyone in the group gave the same answer"), ("da", "ens")):
        out = invoke(runner, "score", path, "-i", inst, "--by", "Team", "--project", project,
                     "--lang", lang)  # fmt: skip
        assert out.exit_code == 0, out.stderr
        assert words in " ".join(out.stdout.split())


def test_a_broken_dominance_setting_is_one_error_line(runner, tmp_path):
    bad = _instrument(tmp_path, 'dominance = "yes"')
    with pytest.raises(Exception, match="dominance: must be true or false, got 'yes'"):
        load_instrument(bad)
    (tmp_path / "partnerkit.toml").write_text("dominance = 1\n", encoding="utf-8")
    out = invoke(runner, "score", EXAMPLE, "--project", tmp_path / "partnerkit.toml")
    assert out.exit_code == 2  # a setting that does not fit: a usage error, as for min_n
    assert out.stderr.strip().endswith("dominance: must be true or false, got 1.")


# ------------------------------------------------------------------ protection


def test_protection_defaults_to_a_quarter_of_the_scale_and_obeys_precedence(tmp_path):
    # by hand: 1 point on 1-5 is a quarter of the range 4; on 0-10, 2.5 points
    assert resolve_protection(load_instrument(_instrument(tmp_path, ""))) == 1.0
    assert resolve_protection(load_instrument(_instrument(tmp_path, "", (0, 10)))) == 2.5
    inst = load_instrument(_instrument(tmp_path, "protection = 0.5"))
    assert resolve_protection(inst) == 0.5
    assert resolve_protection(inst, 2) == 2.0  # the option wins


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "must be a positive number of scale points, got 0"),
        ("-1", "must be a positive number of scale points, got -1"),
        ('"wide"', "must be a positive number of scale points, got 'wide'"),
        ("4.5", "must be at most the scale's range (4 points on 1-5), got 4.5"),
    ],
)
def test_a_bad_protection_is_refused_in_every_place(runner, tmp_path, value, message):
    with pytest.raises(Exception, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_instrument(_instrument(tmp_path, f"protection = {value}"))
    project = tmp_path / "partnerkit.toml"
    project.write_text(f"protection = {value}\n", encoding="utf-8")
    out = invoke(runner, "score", EXAMPLE, "--project", project)
    assert out.exit_code == 2 and out.stderr.count("\n") == 1, out.stderr
    assert out.stderr.startswith("Error: ") and out.stderr.strip().endswith(message + ".")


def test_privacy_check_refuses_a_protection_wider_than_the_scale(runner, tmp_path):
    doc = tmp_path / "a.json"
    doc.write_text(invoke(runner, "score", EXAMPLE, "-f", "json").stdout, encoding="utf-8")
    out = invoke(runner, "privacy-check", EXAMPLE, "--published", doc, "--protection", "5")
    assert out.exit_code == 2
    assert out.stderr.strip() == (
        "Error: --protection: must be at most the scale's range (4 points on 1-5), got 5.0."
    )


def test_a_wider_protection_hides_more_and_its_audit_holds(tmp_path):
    """The example at protection 1 and 2 (project file): 2 hides at least as much, and
    the union of the actor and sector tables of 2024 passes the audit at 2."""
    from partnerkit import protect, select_rounds
    from partnerkit.project import Project, with_privacy_settings

    survey = read_survey(EXAMPLE)
    hidden = {}
    for width in (1.0, 2.0):
        protect._CACHE.clear()
        wide = with_privacy_settings(survey, Project(path=tmp_path, protection=width))
        latest = select_rounds(wide, ["2024"])
        runs = [score_survey(latest, ["actor"]), score_survey(latest, ["sector"])]
        found = audit(runs, wide)
        assert found.protection == width and found.ok, found.exposed
        hidden[width] = sum(int(r.records["suppressed"].sum()) for r in runs)
    assert hidden[2.0] >= hidden[1.0]


def test_protection_from_the_project_file_must_fit_the_instrument(tmp_path):
    from partnerkit.project import Project, with_privacy_settings

    survey = read_survey(EXAMPLE)
    with pytest.raises(OptionError, match=r"protection: must be at most the scale's range"):
        with_privacy_settings(survey, Project(path=tmp_path / "p.toml", protection=4.5))


def test_a_unanimous_large_group_keeps_its_own_protection_beside_the_subgroup_rule():
    """A unanimous group of 20 at the floor (dominance rule on) also pins its subgroups,
    but it needs all of its own protection: its mean is each person's answer. By
    linprog over the three teams' sums (each in [n * 1, n * 5]) with every visible
    group's sum as an equation, its mean keeps an interval at least 1 wide. (With the
    subgroup rule deciding it first, only the team of 5 beside it was hidden, and the
    published total put its mean in [1, 1.5].)"""
    from scipy.optimize import linprog

    from partnerkit.privacy.pattern import decide_pattern

    rng = np.random.default_rng(1)
    teams = ["a"] * 20 + ["b"] * 5 + ["c"] * 20
    values = np.r_[np.ones(20), [1, 2, 3, 4, 5], rng.integers(1, 6, 20)].astype(float)
    frame = pd.DataFrame({"team": teams})
    pattern = decide_pattern(
        frame, ["team"], {"q": values}, min_n=5, scale=(1, 5), protection=1.0, dominance=True
    )
    code = {v: i for i, v in enumerate(pattern.cube.values[0])}
    member = {t: (pattern.cube.cells[:, 0] == code[t]).astype(float) for t in "abc"}
    size = {"a": 20, "b": 5, "c": 20}
    total = {t: values[np.array(teams) == t].sum() for t in "abc"}
    groups = [*"abc", "abc"]  # each team, and everyone
    equations, rhs = [], []
    for g in groups:
        cells = np.flatnonzero(sum(member[t] for t in g))
        if not pattern.decide("q", cells)[0]:
            equations.append(sum(member[t] for t in g))
            rhs.append(sum(total[t] for t in g))
    bounds = [(size[t] * 1.0, size[t] * 5.0) for t in pattern.cube.values[0]]
    low = linprog(member["a"], A_eq=equations, b_eq=rhs, bounds=bounds, method="highs")
    high = linprog(-member["a"], A_eq=equations, b_eq=rhs, bounds=bounds, method="highs")
    assert pattern.decide("q", np.flatnonzero(member["a"]))[0]
    assert (-high.fun - low.fun) / 20 >= 1.0 - 1e-9
