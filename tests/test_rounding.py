"""One rounding everywhere (issue 20): a mean's zone is that of the mean as shown, a
difference that rounds to zero carries no sign, and a finding cites the table's number."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerkit.i18n import half_up, number, signed
from partnerkit.instrument import Zones
from tests.conftest import EXAMPLES, SHARED_DATA, invoke, write_table

MARK_ZONE = {"●": "strength", "◐": "attention", "○": "concern"}


def by_hand(thousandths: int) -> float:
    """The half-up rounding to two decimals of ``thousandths``/1000, done on decimals."""
    exact = Decimal(thousandths).scaleb(-3)
    # + 0.0: -0.001 rounds to -0.00, which a person writes (and partnerkit shows) as 0.00
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) + 0.0


@given(st.integers(-20_000, 20_000))
def test_half_up_rounds_the_decimal_a_mean_stands_for(thousandths):
    # 2.675 is the double 2.67499999999999982236431605997495353221893310546875: Python's
    # round() gives 2.67, a person (and R's format of the decimal) 2.68
    value = thousandths / 1000
    assert float(half_up(value)) == by_hand(thousandths)
    assert number(value, "en") == f"{by_hand(thousandths):.2f}"


def test_hand_cases():
    assert [number(v, "da") for v in (2.675, 3.995, 3.565, -0.005, -0.004)] == [
        "2,68", "4,00", "3,57", "-0,01", "0,00",
    ]  # fmt: skip
    assert half_up(np.array([3.9667, 4.025, -0.0001])).tolist() == [3.97, 4.03, 0.0]
    assert [signed(v, "en") for v in (0.349, -0.35, -0.004, 0.004, 0)] == [
        "+0.35", "−0.35", "0.00", "0.00", "0.00",
    ]  # fmt: skip


def test_zone_of_the_mean_as_shown():
    zones = Zones(strength=4.0, attention=3.0)
    # 3.995 shows as 4.00, so it is a strength; 3.994 shows as 3.99, attention
    assert [zones.of(v) for v in (3.995, 3.994, 2.995, 2.9949, 2.9999999999999996)] == [
        "strength", "attention", "attention", "concern", "attention",
    ]  # fmt: skip


def _near_bound_survey(tmp_path):
    """Another instrument (tiny: alpha, beta), no actor or round column: 1000 respondents,
    alpha's mean 3995/1000 = 3.995 and beta's 3994/1000 = 3.994 (counted by hand)."""
    n = 1000
    alpha = np.full(n, 4.0)
    alpha[:5] = 3.0  # 995 x 4 + 5 x 3 = 3995
    beta = np.full(n, 4.0)
    beta[:6] = 3.0  # 994 x 4 + 6 x 3 = 3994
    frame = pd.DataFrame({"a1": alpha, "a2": alpha, "b1": beta, "b2": beta})
    return write_table(tmp_path / "near.csv", frame)


def test_score_zones_follow_the_shown_mean(tmp_path, tiny_path, runner):
    path = _near_bound_survey(tmp_path)
    result = invoke(runner, "score", path, "-i", tiny_path, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["dimension"]: r for r in json.loads(result.stdout)["results"]}
    assert rows["alpha"]["mean"] == pytest.approx(3.995)
    assert rows["alpha"]["zone"] == "strength"  # shown as 4.00
    assert rows["beta"]["zone"] == "attention"  # shown as 3.99
    table = invoke(runner, "score", path, "-i", tiny_path, "--lang", "en").stdout
    assert "4.00 ●" in table and "3.99 ◐" in table


def _cells(text: str) -> list[tuple[float, str]]:
    return [
        (float(value.replace(",", ".")), mark)
        for value, mark in re.findall(r"(\d+[,.]\d+) ?([●◐○])", text)
    ]


def _check_marks(text: str, strength: float = 4.0, attention: float = 3.0) -> int:
    cells = _cells(text)
    for value, mark in cells:
        zone = "strength" if value >= strength else "attention" if value >= attention else "concern"
        assert MARK_ZONE[mark] == zone, (value, mark)
    return len(cells)


def test_every_mark_matches_its_printed_number_on_the_example(runner):
    """The issue's case: 3.9667 printed '4,0◐' beside 4.025 '4,0●'."""
    areas = invoke(runner, "areas", EXAMPLES / "areas", "--trend", "--method", "welch").stdout
    assert _check_marks(areas) >= 13 * 10
    assert not re.search(r"[−+-]0[,.]0+(?!\d)", areas)  # no "−0,00", no "+0,00"
    score = invoke(runner, "score", EXAMPLES / "partnerskab_2022-2024.xlsx", "--by", "actor")
    assert _check_marks(score.stdout) > 50


@pytest.mark.skipif(
    not (SHARED_DATA / "surveyxact").is_dir(), reason="../shared/data/surveyxact is not present"
)
def test_every_mark_matches_its_printed_number_on_a_real_export(runner, tmp_path):
    from partnerkit.instrument import load_instrument
    from tests.test_layouts import ELEV

    elev = tmp_path / "elev.toml"
    elev.write_text(ELEV, encoding="utf-8")
    zones = load_instrument(elev).zones
    real = SHARED_DATA / "surveyxact" / "ex_survey2.xlsx"
    result = invoke(runner, "score", real, "-i", elev, "--by", "s_2", "--min-n", "3")
    assert result.exit_code == 0, result.output
    assert _check_marks(result.stdout, zones.strength, zones.attention) > 0


def test_findings_cite_the_numbers_the_tables_show(runner):
    """Issue 20: the text said '0,4 point' where the chart said '+0,35'."""
    out = invoke(
        runner, "areas", EXAMPLES / "areas", "--format", "json", "--method", "welch"
    ).stdout
    records = json.loads(out)["results"]
    shown = {
        (r["area"], r["dimension_name"]): signed(r["benchmark_diff"], "da")
        for r in records
        if r.get("flagged")
    }
    text = invoke(runner, "areas", EXAMPLES / "areas", "--method", "welch").stdout
    findings = re.findall(r"• \d+: (\S+) ligger (\d+,\d+) point (over|under)", text)
    assert len(findings) == len(shown) > 0
    for area, diff, side in findings:
        sign = "+" if side == "over" else "−"
        assert any(k[0] == area and v == f"{sign}{diff}" for k, v in shown.items())


def test_trajectories_show_no_signed_zero(runner):
    """A yearly change that rounds to zero is '0.00', never '−0.00' (the long series'
    agendas: −0.004 a year), in the table and in the chart's panel titles."""
    long = EXAMPLES / "partnerskab_lang_2017-2024.csv"
    text = invoke(runner, "trend", long, "--over-time", "--lang", "en").stdout
    assert "Understanding each" in text
    assert not re.search(r"[−+-]0[,.]0+(?!\d)", text)
    from partnerkit import read_survey
    from partnerkit.render.charts import trajectory_chart
    from partnerkit.trajectory import trajectory

    svg = trajectory_chart(trajectory(read_survey(long), [], lang="en"))
    assert svg is not None and not re.search(r"[−+-]0[,.]0+ a year", svg)


def test_relation_gaps_carry_their_sign(runner):
    """The self-other gap and the influence balance are differences: '+0.58' and
    '−0.67', as elsewhere (they printed '0.58' and '-0.67')."""
    text = invoke(
        runner, "relations", EXAMPLES / "partnerskab_2022-2024.xlsx", "--lang", "en",
        "--relation", "influence_desired",
    ).stdout  # fmt: skip
    differences = text[text.index("How the others see each actor") :]
    assert re.search(r"\+\d\.\d\d⚑", differences) and re.search(r"−\d\.\d\d⚑", differences)
    assert not re.search(r"(?<![\d.])-\d\.\d\d", differences)


def test_relation_cells_take_the_zone_of_the_mean_as_shown():
    """A relation cell printed 4.00 is a strength (the old bound test took 3.996 below
    4.0 and printed '4.00' without ▲); on a 1-4 relation scale the bounds are carried
    proportionally (4.0 and 3.0 on 1-5 are 3.25 and 2.5 on 1-4: computed by hand)."""
    from partnerkit.instrument import Scale, load_instrument
    from partnerkit.render.views import relation_zone

    inst = load_instrument()
    scale = inst.relation("trust").scale
    assert (scale.min, scale.max) == (1, 5)
    assert relation_zone(inst, scale, 3.996) == "strength"
    assert relation_zone(inst, scale, 3.994) == "attention"
    assert relation_zone(inst, scale, 2.995) == "attention"
    four = Scale(1, 4, 2.5)
    assert relation_zone(inst, four, 3.25) == "strength"
    assert relation_zone(inst, four, 2.494) == "concern"
