"""Using the machine's cores: threads for work on large arrays.

numpy and pandas' CSV parser release the GIL in their inner loops, so threads
run them in parallel without the start-up and copying costs of processes
(processes serve many files: ``--jobs``, in :mod:`partnerkit.io`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: below this many cells (rows x columns) work runs on one thread: a pool costs ~1 ms
MIN_CELLS = 2_000_000


def cores() -> int:
    """The cores this process may run on, capped by pandas' ``mode.max_threads`` option
    when it is set (the knob that also caps pandas' own threads)."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    pandas = sys.modules.get("pandas")
    try:
        cap = pandas.get_option("mode.max_threads") if pandas else None
    except (AttributeError, KeyError):  # an older pandas without the option
        cap = None
    return min(count, cap) if cap else count


def thread_map(
    function: Callable[[T], R], items: Iterable[T], threads: int | None = None
) -> list[R]:
    """``[function(item) for item in items]``, on up to ``threads`` threads (default: the cores)."""
    items = list(items)
    threads = min(threads or cores(), len(items))
    if threads <= 1:
        return [function(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(function, items))
