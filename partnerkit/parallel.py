"""Using the machine's cores: threads for work on large arrays.

numpy and pandas' CSV parser release the GIL in their inner loops, so threads
run them in parallel without the start-up and copying costs of processes
(processes serve many files: ``--jobs``, in :mod:`partnerkit.io`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: below this many cells (rows x columns) work runs on one thread: a pool costs ~1 ms
MIN_CELLS = 2_000_000


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


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
