"""README.md shows real runs: its transcripts must match what the commands print today.

One test per transcript (they are many and some take seconds), so the workers share
them and a failure names the block that is out of date.
"""

from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import ROOT


def _readme_script():
    spec = importlib.util.spec_from_file_location("readme_script", ROOT / "scripts" / "readme.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _readme_script()
BLOCKS = list(SCRIPT.BLOCK.finditer(SCRIPT.README.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    "block", BLOCKS, ids=[f"{i:02d}:{m.group(3)[:50]}" for i, m in enumerate(BLOCKS)]
)
def test_readme_transcript_is_current(block):
    assert SCRIPT.render(block) == block.group(0), (
        f"README.md is out of date at `{block.group(3)[:80]}`: run `python scripts/readme.py`."
    )


def test_readme_gives_exactly_the_two_set_up_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install . && partnerkit score data/examples/partnerskab_2022-2024.xlsx" in text
    assert "pip install -e '.[test]' && python -m pytest" in text
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]' && python -m pytest" in ci
