"""Threads of partnerkit.parallel."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from partnerkit.parallel import YIELD_NICE, in_background, thread_map


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own nice: Linux")
def test_a_yielding_background_thread_and_its_pool_run_at_a_lower_priority():
    """in_background(yielding=True) raises its thread's nice value by YIELD_NICE, and the
    threads it starts (the relation grids' pattern runs on a pool of them) inherit it;
    the calling thread keeps its own, and a plain in_background thread is unchanged. The
    reference is the kernel's own value, read back with os.getpriority per thread id."""

    def values():
        return _nice(), thread_map(lambda _: _nice(), range(4), most=2)

    own = _nice()
    lowered, pooled = in_background(values, yielding=True).result()
    assert lowered == min(own + YIELD_NICE, 19)
    assert pooled == [lowered] * 4
    assert in_background(values).result() == (own, [own] * 4)
    assert _nice() == own
