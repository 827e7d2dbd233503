"""Threads of partnerkit.parallel."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from partnerkit import parallel
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


def _pid_and(value):
    return os.getpid(), value


def _fails():
    raise ValueError("from the child")


def _unpicklable():
    return lambda: None  # a lambda does not pickle


@pytest.fixture
def forking(monkeypatch):
    """in_child forks even with the test runner's own threads alive (pytest-xdist's
    worker has some): the calls forked here take no lock those threads could hold."""
    monkeypatch.setattr(parallel, "can_fork", lambda: hasattr(os, "fork"))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork: POSIX")
def test_in_child_runs_the_call_in_another_process_and_returns_its_result(forking):
    """The result comes back from a process whose id is not this one's (os.getpid, the
    kernel's own answer); an exception raised there is raised by result(); a result
    that does not pickle comes back as ChildProcessError, never as a hang."""
    pid, value = parallel.in_child(_pid_and, {"a": [1, 2]}).result(timeout=60)
    assert pid != os.getpid()
    assert value == {"a": [1, 2]}
    with pytest.raises(ValueError, match="from the child"):
        parallel.in_child(_fails).result(timeout=60)
    with pytest.raises(ChildProcessError):
        parallel.in_child(_unpicklable).result(timeout=60)


def test_in_child_runs_on_a_thread_while_other_threads_run():
    """With another thread of this process running, a fork could copy a lock that
    thread holds: in_child then runs the call on a thread of this process (same pid)."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not parallel.can_fork()
        pid, _ = parallel.in_child(_pid_and, None).result(timeout=60)
    finally:
        stop.set()
        other.join()
    assert pid == os.getpid()
