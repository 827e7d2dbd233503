"""Shared fixtures: surveys and instruments built programmatically into ``tmp_path``."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from partnerkit.cli import app
from partnerkit.instrument import load_instrument

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data" / "examples"
EXAMPLE_XLSX = EXAMPLES / "partnerskab_2022-2024.xlsx"
EXAMPLE_CSV = EXAMPLES / "partnerskab_2022-2024.csv"


def _shared_data() -> Path:
    """The real sample exports: $PARTNERKIT_SHARED_DATA, else ../shared/data beside the clone."""
    import os

    candidates = [os.environ.get("PARTNERKIT_SHARED_DATA", ""), ROOT.parent / "shared" / "data"]
    candidates.append(Path("/work/shared/data"))
    return next((Path(c) for c in candidates if c and Path(c).is_dir()), ROOT.parent / "shared")


SHARED_DATA = _shared_data()

#: A small instrument whose numbers are easy to check by hand:
#: dimension "alpha" (a1, a2, a3 reversed) and "beta" (b1, b2, b3, b4), scale 1-5.
TINY_TOML = """
id = "tiny"
version = "0.1"
language = "en"
min_n = 2

[title]
en = "Tiny"
da = "Lille"

[scale]
min = 1
max = 5
favourable = 4
missing_codes = [6]

[scale.labels]
"1" = ["Strongly disagree", "Helt uenig"]
"2" = ["Disagree", "Delvist uenig"]
"3" = ["Neither agree nor disagree", "Hverken enig eller uenig"]
"4" = ["Agree", "Delvist enig"]
"5" = ["Strongly agree", "Helt enig"]
missing = ["Don't know", "Ved ikke"]

[[actors]]
id = "municipality"
name = { en = "Municipality", da = "Kommune" }
sector = "public"

[[actors]]
id = "resident"
name = { en = "Resident", da = "Beboer" }
sector = "civil_society"

[[dimensions]]
id = "alpha"
name = { en = "Alpha", da = "Alfa" }

[[dimensions.items]]
id = "a1"
text = { en = "The partners agree on the goals.", da = "Partnerne er enige om målene." }

[[dimensions.items]]
id = "a2"
text = { en = "Meetings are useful.", da = "Møderne er nyttige." }
aliases = ["Q2"]

[[dimensions.items]]
id = "a3"
text = { en = "Some partners dominate.", da = "Nogle partnere dominerer." }
reverse = true

[[dimensions]]
id = "beta"
name = { en = "Beta", da = "Beta" }

[[dimensions.items]]
id = "b1"
text = { en = "I trust the others.", da = "Jeg stoler på de andre." }

[[dimensions.items]]
id = "b2"
text = { en = "I learn from the others.", da = "Jeg lærer af de andre." }

[[dimensions.items]]
id = "b3"
text = { en = "We follow up on data.", da = "Vi følger op på data." }

[[dimensions.items]]
id = "b4"
text = { en = "It is worth the effort.", da = "Det er indsatsen værd." }
"""


@pytest.fixture
def tiny_path(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_TOML, encoding="utf-8")
    return path


@pytest.fixture
def tiny(tiny_path: Path):
    return load_instrument(tiny_path)


@pytest.fixture
def default_instrument():
    return load_instrument()


def tiny_answers(rng, n: int, shift: float = 0.0, ids=None) -> pd.DataFrame:
    """``n`` respondents answering the tiny instrument (actor, a1-a3 with a3 reversed,
    b1-b2), dimension alpha shifted by ``shift``; with ``ids``, an ``ID`` column first."""
    import numpy as np

    base = np.clip(np.rint(3 + shift + rng.normal(0, 0.8, n)), 1, 5)
    frame = pd.DataFrame(
        {
            "Actor": rng.choice(["Municipality", "Resident"], n),
            "a1": base,
            "a2": np.clip(base + rng.integers(-1, 2, n), 1, 5),
            "a3": np.clip(6 - base + rng.integers(-1, 2, n), 1, 5),
            "b1": np.clip(np.rint(3 + rng.normal(0, 0.8, n)), 1, 5),
            "b2": np.clip(np.rint(3 + rng.normal(0, 0.8, n)), 1, 5),
        }
    )
    if ids is not None:
        frame.insert(0, "ID", ids)
    return frame


def write_table(
    path: Path, frame: pd.DataFrame, *, sep: str = ",", encoding: str = "utf-8"
) -> Path:
    """Write ``frame`` as xlsx (by extension) or as CSV with the given dialect."""
    if path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, sep=sep, encoding=encoding, index=False)
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def max_width(text: str) -> int:
    """Widest line as a terminal shows it (combining marks take no cell)."""
    from rich.cells import cell_len

    return max(cell_len(line) for line in text.splitlines())


def invoke(runner: CliRunner, *args: object):
    """Run ``partnerkit`` with ``args`` and return the click result."""
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(autouse=True)
def _no_columns(monkeypatch):
    """Tables in a pipe are as wide as COLUMNS (issue 20): the tests' own outputs must not
    depend on the shell that runs them; a test that wants a width sets it. The same for
    the language (PARTNERKIT_LANG)."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("PARTNERKIT_LANG", raising=False)


# ------------------------------------------------------------ the anonymity pattern, once

#: Test modules that see the real :func:`decide_pattern` on every call: those about the
#: pattern itself, and those that time a run.
_PATTERN_EVERY_CALL = {"test_disclosure", "test_privacy", "test_batch_speed"}
_PATTERN_MEMO: dict[tuple, tuple] = {}
_PATTERN_MEMO_LOCK = threading.Lock()
_PATTERN_MEMO_SIZE = 1024  # the relation grids (report, relations --jobs) add one a measure
_PATTERN_MEMO_ROWS = 20_000
_ARRAYS = ("within", "row_keys")  # options keyed by identity or content, not repr


def _module_state(module) -> tuple:
    """The functions and constants of ``module`` by identity: a test that replaces one
    (monkeypatch) gets a pattern decided afresh."""
    return tuple(
        (name, id(value))
        for name, value in sorted(vars(module).items())
        if (callable(value) or name.isupper()) and name != "decide_pattern"  # the memo's own
    )


def _digest(array) -> str:
    import hashlib

    import numpy as np

    array = np.ascontiguousarray(array)
    return f"{array.dtype}{array.shape}" + hashlib.blake2b(array.view(np.uint8)).hexdigest()


def _remembered(decide):
    """``decide_pattern`` kept per input (the frame's content and every argument, the
    pattern modules' code and constants): the same survey read again, by the many tests
    that run a command on the bundled example, gets the pattern it got the first time.

    The pattern is a pure function of these inputs, and the commands already share one
    pattern per survey (``protect._CACHE``); this shares it across reads of the same file.
    It took about 0.4-0.6 s of every command run on the example (stop 27's note)."""
    import functools

    import numpy as np
    import pandas as pd

    from partnerkit.privacy import lp, pattern

    @functools.wraps(decide)
    def remembered(frame, keys, measures, **options):
        if len(frame) > _PATTERN_MEMO_ROWS:
            return decide(frame, keys, measures, **options)
        within = tuple(options.get("within", ()))
        row_keys = options.get("row_keys")
        key = (
            _digest(pd.util.hash_pandas_object(frame, index=True).to_numpy()),
            tuple(map(str, frame.columns)),
            tuple(map(str, frame.dtypes)),
            tuple(keys),
            tuple((name, _digest(np.asarray(v, dtype=float))) for name, v in measures.items()),
            None if row_keys is None else _digest(row_keys),
            tuple(id(p) for p in within),
            tuple(sorted((k, repr(v)) for k, v in options.items() if k not in _ARRAYS)),
            _module_state(pattern),
            _module_state(lp),
        )
        with _PATTERN_MEMO_LOCK:  # the relation grids' measures are decided on threads
            found = _PATTERN_MEMO.get(key)
        if found is None:
            # the patterns nested in are kept with it, so their ids in the key stay theirs
            found = (decide(frame, keys, measures, **options), within)
            with _PATTERN_MEMO_LOCK:
                if len(_PATTERN_MEMO) >= _PATTERN_MEMO_SIZE:
                    _PATTERN_MEMO.pop(next(iter(_PATTERN_MEMO)))
                _PATTERN_MEMO[key] = found
        return found[0]

    return remembered


@pytest.fixture(autouse=True)
def _pattern_once(request, monkeypatch):
    """Every test but those of :data:`_PATTERN_EVERY_CALL` shares decided patterns
    (set PARTNERKIT_TEST_PATTERN_MEMO=0 to decide every one afresh)."""
    import os

    if os.environ.get("PARTNERKIT_TEST_PATTERN_MEMO") == "0":
        return
    module = getattr(request.module, "__name__", "").rpartition(".")[2]
    if module in _PATTERN_EVERY_CALL:
        return
    from partnerkit.privacy import pattern

    monkeypatch.setattr(pattern, "decide_pattern", _remembered(pattern.decide_pattern))


# ------------------------------------------------------------ one Chromium per session


def _chromium_settings() -> tuple[str, list[str]]:
    """Where Chromium is and its flags: those of scripts/screenshot_report.py."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "screenshot_report", ROOT / "scripts" / "screenshot_report.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script.CHROMIUM, script.CHROMIUM_ARGS


def _launch(playwright):
    """Debian's Chromium, else playwright's own; a skip only when there is no browser at all."""
    import shutil

    chromium, flags = _chromium_settings()
    executable = chromium if Path(chromium).exists() else shutil.which("chromium")
    if executable:
        return playwright.chromium.launch(executable_path=executable, args=flags)
    try:
        return playwright.chromium.launch(args=flags)
    except Exception as exc:  # playwright's Error when its browser was never downloaded
        if "Executable doesn't exist" not in str(exc):
            raise
        pytest.skip(f"no Chromium: {chromium} is missing and playwright has no browser")


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for every browser test of a worker (a launch took 1-3 s); each test
    opens its own page."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="no Chromium: playwright is not installed"
    )
    playwright = sync_api.sync_playwright().start()
    try:
        browser = _launch(playwright)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


# ------------------------------------------------------------ the longest tests first

#: The longest tests (node id prefixes), longest first. With xdist each worker gets a
#: contiguous share of the collection and idle workers steal from the others' tails
#: (``--dist worksteal``): these are dealt out over the shares' heads, so no worker is
#: left with a long test at the end while the others idle.
#: Only tests without costly module fixtures: a test moved away from its module sets
#: that module's fixtures up once more.
LONGEST = (
    "tests/test_family.py::test_null_surveys_keep_the_promised_false_finding_rate",
    "tests/test_disclosure.py::test_runs_by_different_extra_columns_hold_together",
    "tests/test_disclosure.py::test_every_command_and_grouping_on_the_example_together",
    "tests/test_disclosure.py::test_real_exports_every_run_together",
    "tests/test_disclosure.py::test_a_real_surveyxact_export_every_run_together",
    "tests/test_examples.py::test_generator_reproduces_the_shipped_files",
)


def _shares(count: int, workers: int) -> list[int]:
    """How many tests each worker gets first (xdist's worksteal: the pending tests
    split evenly, in order, over the idle workers)."""
    sizes = []
    for i in range(workers):
        sizes.append(count // (workers - i))
        count -= sizes[-1]
    return sizes


def pytest_collection_modifyitems(config, items):
    import os

    def rank(item) -> int:
        return next((i for i, p in enumerate(LONGEST) if item.nodeid.startswith(p)), -1)

    ranks = [rank(item) for item in items]
    longest = sorted((r, i) for i, r in enumerate(ranks) if r >= 0)
    if not longest:
        return
    rest = [item for item, r in zip(items, ranks, strict=True) if r < 0]
    workers = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    dealt = [[items[i] for _, i in longest[w::workers]] for w in range(workers)]
    ordered, start = [], 0
    for w, size in enumerate(_shares(len(items), workers)):
        take = max(0, size - len(dealt[w]))
        ordered += dealt[w] + rest[start : start + take]
        start += take
    ordered += rest[start:]
    items[:] = ordered
