"""No step of reading or mapping is quadratic in header length, columns or cell length
(issue 18, point 2). The work is bounded by what it produces (candidate statements
never hold more than the longest item text each), and generous wall-clock guards
catch a return of the old patterns (21 s for a 40 KB header of dots; 5 GB of
suffixes for ``a - a - a ...``); the speed itself is measured in
benchmarks/wide.py."""

from __future__ import annotations

import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.instrument import load_instrument
from partnerkit.io.mapping import plan_columns, statements
from partnerkit.text import norm, norm_header

PIECES = ["a - ", " – ", ".", " ", ":", "!", "[", "]", "x", "- ", "*", "?\n", "Å"]

repetitive = st.builds(
    lambda parts, times: "".join(parts) * times,
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=4),
    st.integers(1, 3000),
)


@settings(max_examples=80, deadline=None)
@given(repetitive)
def test_norm_header_strips_trailing_punctuation_as_the_old_pattern_did(text):
    # the old pattern, run on a short enough text, is the reference
    old = re.sub(r"[\s.:;,!?*]+$", "", norm(text[:2000]))
    assert norm_header(text[:2000]) == old


@settings(max_examples=80, deadline=None)
@given(repetitive, st.integers(10, 300))
def test_statement_candidates_are_bounded_by_the_longest_item(header, longest):
    found = statements(header, longest)
    # every dash candidate is a suffix no longer than `longest`; at most one bracket text
    dashed = [s for s in found if header.endswith(s)]
    assert all(len(s) <= longest for s in dashed)
    assert len(found) <= 3 * (longest // 3 + 1) + 1
    # and none is lost: the suffix after every dash (overlapping ones too, "- - -"),
    # looked for position by position, is a candidate when within the bound
    for dash in (" - ", " – ", " — "):
        for i in range(len(header)):
            if header.startswith(dash, i) and len(header) - i - 3 <= longest:
                assert header[i + 3 :] in found


def test_long_and_repetitive_headers_and_cells_stay_fast():
    instrument = load_instrument()
    started = time.perf_counter()
    assert norm_header("x" + "." * 1_000_000) == "x"  # was 21 s at 40 KB
    norm_header("." * 500_000 + "x")
    header = "a - " * 250_000  # 1 MB: every suffix a statement was 5 GB
    plan = plan_columns([header, "Aktørtype", "." * 200_000], instrument, "test")
    assert plan.other == (header, "." * 200_000) and plan.roles == {"actor": "Aktørtype"}
    headers = [f"same {k % 3}" for k in range(20_000)]
    plan = plan_columns(headers, instrument, "test")
    assert len(plan.other) == 20_000  # nothing lost
    assert time.perf_counter() - started < 10  # a guard: measured 0.5 s
