"""Refresh the generated parts of README.md from real runs.

Blocks between ``<!-- run: COMMAND -->`` and ``<!-- end -->`` are replaced by
a ``$ COMMAND`` transcript with its real output (run from the repository root
with 100 columns); ``<!-- help: ARGS -->`` blocks hold ``partnerkit ARGS --help``.

    python scripts/readme.py          # rewrite README.md
    python scripts/readme.py --check  # exit 1 if README.md is out of date (used by the tests)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(r"(<!-- (run|help): (.+?) -->\n)(.*?)(<!-- end -->)", re.DOTALL)


def run(command: str) -> str:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    own = {k: v for k, v in os.environ.items() if k != "PARTNERKIT_LANG"}  # as documented
    env = {**own, "PATH": path, "COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}
    out = subprocess.run(
        command,
        shell=True,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # interleaved, as a terminal shows them
        text=True,
        check=False,
    )
    text = out.stdout
    return "\n".join(line.rstrip() for line in text.splitlines())


def render(match: re.Match) -> str:
    opening, kind, args, _, closing = match.groups()
    body = f"$ {args}\n{run(args)}" if kind == "run" else run(f"partnerkit {args} --help")
    return f"{opening}```\n{body}\n```\n{closing}"


def refresh(text: str) -> str:
    return BLOCK.sub(render, text)


def main() -> int:
    text = README.read_text(encoding="utf-8")
    new = refresh(text)
    if "--check" in sys.argv:
        if new != text:
            print("README.md is out of date: run `python scripts/readme.py`.", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
