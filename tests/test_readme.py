"""README.md shows real runs: its transcripts must match what the commands print today."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_readme_transcripts_are_current():
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "readme.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr


def test_readme_gives_exactly_the_two_set_up_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install . && partnerkit score data/examples/partnerskab_2022-2024.xlsx" in text
    assert "pip install -e '.[test]' && python -m pytest" in text
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]' && python -m pytest" in ci
