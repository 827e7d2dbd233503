"""The bundled example data: reproducible from its script, and telling its story."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from partnerkit import read_survey, score
from tests.conftest import EXAMPLE_CSV, EXAMPLE_XLSX, EXAMPLES


def test_generator_reproduces_the_shipped_files(tmp_path):
    subprocess.run(
        [sys.executable, str(EXAMPLES / "generate.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    network = EXAMPLES.parent / "netvaerk" / "netvaerk_2024.xlsx"
    for shipped in (EXAMPLE_XLSX, EXAMPLE_CSV, network):
        fresh = tmp_path / ("netvaerk/" if shipped == network else "") / shipped.name
        if shipped.suffix == ".csv":
            assert fresh.read_bytes() == shipped.read_bytes()
        else:  # xlsx files carry their creation time: compare the cells
            pd.testing.assert_frame_equal(
                pd.read_excel(fresh, engine="calamine"), pd.read_excel(shipped, engine="calamine")
            )


def test_example_story_equality_gap_narrows_over_the_rounds():
    table = score(read_survey(EXAMPLE_XLSX), by=["actor", "round"], lang="en")
    equality = table[table["dimension"] == "equality"].set_index(["actor", "round"])["mean"]
    gaps = [
        equality[("Municipality", r)] - equality[("Resident representative", r)]
        for r in ("2022", "2023", "2024")
    ]
    assert gaps[0] > 1.0 and gaps[0] > gaps[1] > gaps[2]


def test_example_keeps_one_actor_type_below_five_per_round():
    table = score(read_survey(EXAMPLE_XLSX), by=["actor", "round"], lang="en")
    police = table[table["actor"] == "Police"]
    assert len(police) == 30 and police["suppressed"].all()
