"""Start-up stays light: ``--help`` must not import pandas, scipy, openpyxl or matplotlib."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("pandas", "scipy", "openpyxl", "matplotlib", "numpy")

PROBE = """
import sys
from partnerkit.cli import main
sys.argv = ["partnerkit", *{args!r}]
try:
    main()
except SystemExit:
    pass
print("HEAVY:", " ".join(m for m in {heavy!r} if m in sys.modules))
"""


@pytest.mark.parametrize("args", [["--help"], ["score", "--help"], ["--version"]])
def test_help_does_not_import_heavy_modules(args):
    code = PROBE.format(args=args, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY: \n" in out.stdout or out.stdout.rstrip().endswith("HEAVY:"), out.stdout


def test_python_dash_m_runs_the_cli():
    out = subprocess.run(
        [sys.executable, "-m", "partnerkit", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.startswith("partnerkit ")


def test_import_partnerkit_is_light():
    code = f"import sys, partnerkit; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
