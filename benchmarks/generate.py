"""Large, realistic surveys for the benchmark suite (fixed seed; written once, then reused).

* ``large.xlsx``: 200,000 respondents, a Danish Microsoft Forms export (ID, times,
  e-mail, area, round, actor type, role, the 30 statements with label answers).
* ``large.csv``: 1,000,000 respondents, semicolon-separated, numeric codes.
* ``small.csv``: 3,000 respondents, the same shape as ``large.csv``.
* ``areas/<area>/2024.xlsx``: 1,000 areas of 50 respondents each (label answers).
* ``areas-numeric/<area>/2024.xlsx``: 1,000 areas of 30 respondents each, numeric codes:
  the batch target, read against a plain ``pd.read_excel`` loop.

    python benchmarks/generate.py [--force]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE.parent))

from partnerkit.instrument import load_instrument  # noqa: E402

SEED = 9
ACTORS = ("Kommune", "Boligorganisation", "Skole/dagtilbud", "Frivillig forening")
ACTORS += ("Beboerrepræsentant", "Politi")
ACTOR_P = (0.22, 0.2, 0.16, 0.14, 0.22, 0.06)
ROUNDS = (2022, 2023, 2024)


def answers(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Codes 1-5 (6 = don't know, 0 = blank), from a respondent and a dimension factor."""
    inst = load_instrument()
    general = rng.normal(0, 0.45, n)
    out = {}
    for dim in inst.dimensions:
        mu = 3.5 + general + rng.normal(0, 0.45, n)
        for item in dim.items:
            agree = np.clip(np.rint(mu + rng.normal(0, 0.55, n)), 1, 5).astype(np.int8)
            values = 6 - agree if item.reverse else agree
            noise = rng.random(n)
            values = np.where(noise < 0.04, 6, np.where(noise < 0.055, 0, values))
            out[item.id] = values
    return out


def frame(rng: np.random.Generator, n: int, labels: bool, areas: int = 40) -> pd.DataFrame:
    inst = load_instrument()
    base = pd.DataFrame(
        {
            "ID": np.arange(1, n + 1),
            "Mail": "anonymous",
            "Boligområde": np.char.add("Område ", rng.integers(1, areas + 1, n).astype(str)),
            "Runde": rng.choice(ROUNDS, n),
            "Aktørtype": rng.choice(ACTORS, n, p=ACTOR_P),
            "Rolle": rng.choice(["Bestyrelse/ledelse", "Styregruppe", "Medarbejder"], n),
        }
    )
    codes = answers(rng, n)
    if labels:
        names = np.array([None, *(inst.scale.name(p, "da") for p in range(1, 6)), "Ved ikke"])
        for item in inst.items:
            base[item.label("da")] = names[codes[item.id]]
    else:
        for item in inst.items:
            base[f"Hvor enig er du? - {item.label('da')}"] = pd.array(
                np.where(codes[item.id] == 0, np.nan, codes[item.id]), dtype="Int64"
            )
    return base


def write_xlsx(data: pd.DataFrame, path: Path) -> None:
    """A write-only openpyxl workbook: fast enough for 200,000 rows."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append(list(data.columns))
    for row in data.astype(object).where(data.notna(), None).itertuples(index=False):
        sheet.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def write_csv(data: pd.DataFrame, path: Path) -> None:
    data.to_csv(path, sep=";", index=False)


def main(force: bool = False) -> None:
    DATA.mkdir(exist_ok=True)
    rng = np.random.default_rng(SEED)
    jobs = [
        ("large.xlsx", lambda p: write_xlsx(frame(rng, 200_000, labels=True), p)),
        (
            "large.csv",
            lambda p: frame(rng, 1_000_000, labels=False).to_csv(p, sep=";", index=False),
        ),
        ("small.csv", lambda p: frame(rng, 3_000, labels=False).to_csv(p, sep=";", index=False)),
    ]
    for name, write in jobs:
        path = DATA / name
        if path.exists() and not force:
            continue
        start = time.perf_counter()
        write(path)
        print(f"wrote {path} in {time.perf_counter() - start:.1f} s")
    folder = DATA / "areas"
    if force or not folder.exists():
        start = time.perf_counter()
        for area in range(1, 1001):
            data = frame(rng, 50, labels=True, areas=1).drop(columns=["Boligområde", "Runde"])
            write_xlsx(data, folder / f"Område {area:04d}" / "2024.xlsx")
        print(f"wrote 1,000 area files to {folder} in {time.perf_counter() - start:.1f} s")
    folder = DATA / "areas-numeric"
    if force or not folder.exists():
        start = time.perf_counter()
        for area in range(1, 1001):
            data = frame(rng, 30, labels=False, areas=1).drop(columns=["Boligområde", "Runde"])
            write_xlsx(data, folder / f"Område {area:04d}" / "2024.xlsx")
        print(f"wrote 1,000 area files to {folder} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(force="--force" in sys.argv)
