"""Using the machine's cores: threads for work on large arrays.

numpy and pandas' CSV parser release the GIL in their inner loops, so threads
run them in parallel without the start-up and copying costs of processes
(processes serve many files: ``--jobs``, in :mod:`partnerkit.io.read`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

#: below this many cells (rows x columns) work runs on one thread: a pool costs ~1 ms
MIN_CELLS = 2_000_000


_share: int | None = None  # this worker process's share of the cores (see share_cores)


def share_cores(count: int) -> None:
    """Use at most ``count`` threads in this process: a worker among several (``--jobs``)
    takes its share of the cores, not all of them."""
    global _share
    _share = max(1, count)
    pandas = sys.modules.get("pandas")
    try:  # pandas' own threads (its parallel read_csv) too
        if pandas:
            pandas.set_option("mode.max_threads", _share)
    except (AttributeError, KeyError, ValueError):  # an older pandas without the option
        pass


def start_worker(count: int) -> None:
    """Set up a ``--jobs`` worker process: its share of the cores (:func:`share_cores`);
    Ctrl-C left to the main process, which ends the workers; the worker ends with the main
    process (Linux: a parent-death signal); and no hold on standard output, so a pipe such
    as ``partnerkit ... | tee`` closes when the main process ends."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
            if os.getppid() == 1:  # the main process ended before this line
                os._exit(1)
        except (OSError, AttributeError):  # no prctl: the main process ends its workers
            pass
    with open(os.devnull, "wb") as null:  # noqa: PTH123 - a file descriptor to duplicate
        os.dup2(null.fileno(), 1)
    share_cores(count)


def end_workers(pool) -> None:
    """End a process pool's workers now (an interrupt), cancelling what is queued."""
    processes = list(getattr(pool, "_processes", {}).values())  # CPython's own attribute
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()


def cores() -> int:
    """The cores this process may run on, capped by pandas' ``mode.max_threads`` option
    when it is set (the knob that also caps pandas' own threads) and by a worker's share."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    pandas = sys.modules.get("pandas")
    try:
        cap = pandas.get_option("mode.max_threads") if pandas else None
    except (AttributeError, KeyError):  # an older pandas without the option
        cap = None
    return min(count, cap or count, _share or count)


def thread_map(
    function: Callable[[T], R],
    items: Iterable[T],
    cells: int | None = None,
    most: int | None = None,
) -> list[R]:
    """``[function(item) for item in items]``, in order, on up to one thread per core
    (and at most ``most``).

    ``cells``: how many array cells the work touches in all; below :data:`MIN_CELLS`
    it runs on this thread, where a pool would cost more than it saves.
    """
    items = list(items)
    threads = 1 if cells is not None and cells < MIN_CELLS else min(cores(), len(items))
    threads = min(threads, most or threads)
    if threads <= 1:
        return [function(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(function, items))


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` ``--jobs`` processes (set up by :func:`start_worker`, each
    with its share of the cores); Ctrl-C inside the block ends them, then goes on."""
    from concurrent.futures import ProcessPoolExecutor

    threads = max(1, cores() // workers)  # each worker's share: no more threads than cores
    with ProcessPoolExecutor(workers, initializer=start_worker, initargs=(threads,)) as pool:
        try:
            yield pool
        except KeyboardInterrupt:  # the workers ignore Ctrl-C: end them, then report
            end_workers(pool)
            raise


def process_map(function: Callable[[T], R], items: Iterable[T], jobs: int) -> list[R]:
    """``[function(item) for item in items]``, in order, on up to ``jobs`` worker processes
    (:func:`worker_pool`), one item at a time so that uneven items even out;
    ``function`` and the items must pickle."""
    items = list(items)
    workers = min(jobs, len(items))
    if workers <= 1:
        return [function(item) for item in items]
    with worker_pool(workers) as pool:
        return list(pool.map(function, items))


def in_background(function: Callable[..., R], *args, yielding: bool = False) -> Future[R]:
    """Start ``function(*args)`` on a thread of its own; the future holds its result
    (or its exception).

    ``yielding``: the thread (and every thread it starts) runs at a lower priority
    (:func:`lower_priority`), for work that is needed only later while this thread's
    own work is what everyone waits for.
    """
    from concurrent.futures import ThreadPoolExecutor

    if yielding:
        function, args = _yielding, (function, *args)
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(function, *args)
    finally:
        pool.shutdown(wait=False)  # the thread ends when the function returns


def can_fork() -> bool:
    """Whether :func:`in_child` runs its call in a child process: where fork exists
    (Linux, macOS) and no other thread of this process runs."""
    import threading

    return hasattr(os, "fork") and threading.active_count() == 1


def in_child(function: Callable[..., R], *args) -> Future[R]:
    """Start ``function(*args)`` in a child process forked from this one; the future
    holds its result (or its exception), which must pickle. The child shares nothing
    with this process after the fork: its Python work does not take turns with this
    process's on the interpreter lock (threads would), and its arguments are not
    pickled (the fork copies them). For Python work of a few tenths of a second or
    more (the report's page beside its workbook): a fork and the child's end cost
    tens of milliseconds.

    Where fork is missing, or while other threads run in this process (a fork copies
    only the calling thread, and a lock another thread holds would stay held in the
    child), :func:`in_background` instead. A child that ends without a result (killed,
    or its result does not pickle) sets the future's exception to
    :class:`ChildProcessError`.
    """
    import threading
    from concurrent.futures import Future

    if not can_fork():
        return in_background(function, *args)
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, cores(), function, args), daemon=True)
    child.start()
    send.close()
    future: Future[R] = Future()

    def collect() -> None:
        try:
            done, value = receive.recv()
        except (EOFError, OSError):
            done, value = False, ChildProcessError(f"exit code {child.exitcode}")
        except Exception as exc:  # a result that does not unpickle
            done, value = False, ChildProcessError(f"{type(exc).__name__}: {exc}")
        finally:
            receive.close()
            child.join()
        if done:
            future.set_result(value)
        else:
            future.set_exception(value)

    threading.Thread(target=collect, name="in_child", daemon=True).start()
    return future


def _child(send, count: int, function: Callable[..., R], args: tuple) -> None:
    """:func:`in_child`'s process: set up as a ``--jobs`` worker (:func:`start_worker`:
    Ctrl-C left to the parent, ended with it), then the call."""
    start_worker(count)
    try:
        message = (True, function(*args))
    except BaseException as exc:  # every outcome goes to the parent
        message = (False, exc)
    try:
        send.send(message)
    except Exception as exc:  # an exception or result that does not pickle
        send.send((False, ChildProcessError(f"{type(exc).__name__}: {exc}")))
    send.close()


#: How much :func:`lower_priority` raises a thread's nice value.
YIELD_NICE = 10


def lower_priority() -> None:
    """Raise this thread's nice value by :data:`YIELD_NICE` (Linux, where a thread has
    its own, and the threads it starts inherit it; elsewhere nothing, since the call
    would lower the whole process). On a machine with every core busy the other
    threads then come first: the report's relation grids' pattern, decided on two
    threads while the main thread computes the views, took a share of the main
    thread's core, and the main thread is the report's critical path (issue 23)."""
    import threading

    if not sys.platform.startswith("linux"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + YIELD_NICE)
    except (AttributeError, OSError):  # no such call here, or not allowed: as it was
        pass


def _yielding(function: Callable[..., R], *args) -> R:
    lower_priority()
    return function(*args)
