"""The one place that knows about processes: running a function over many items, in worker
processes or in this one.

A :class:`Workers` runs ``function(state, item)`` for every item and yields the results in
item order. ``state`` is an explicit object handed to each worker process once, by the
pool's initializer (never a module-level variable set by the caller), and its ``start()``
is called once in each process that uses it, to open what cannot be shared between
processes (an open PDF shares its file position with every copy of it).

How processes start is chosen here per platform: ``fork`` on Linux, where it is cheap and
the state is inherited rather than pickled, but only while no other thread is alive (a
fork copies locks that other threads may hold, and a worker could hang on one forever);
``spawn`` elsewhere (macOS, Windows) and whenever a thread is alive. With ``spawn`` the
state, the function and the items are pickled, so all three are plain data and top-level
functions. Below :data:`PARALLEL_FROM` items, or on a single core, everything runs in this
process (the serial path, ``processes=0``): starting processes would cost more than it saves.

:func:`apart` runs one function in a forked process of its own, so that the memory it
leaves behind goes with that process.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Generic, Protocol, TypeVar

from overens_docs import _i18n
from overens_docs._pdf.master import give_back_memory

# Below this many items one process is quicker than starting several.
PARALLEL_FROM = 40
# Tests set this to exercise another start method on any platform.
START_METHOD: str | None = None


class WorkerState(Protocol):
    def start(self) -> None:
        """Open what this process needs; called once per process before any item."""


S = TypeVar("S", bound=WorkerState)
T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    """The CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def parallel(count: int) -> bool:
    """Whether ``count`` items are worth spreading over processes."""
    return count >= PARALLEL_FROM and cores() > 1


def processes_for(count: int) -> int:
    """Worker processes for ``count`` items: one per core, or 0 (this process) for a few."""
    return cores() if parallel(count) else 0


def start_method() -> str:
    """``fork`` on Linux while this is the only thread alive, ``spawn`` otherwise."""
    if START_METHOD is not None:
        return START_METHOD
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


def apart(function: Callable[..., R], *arguments: object) -> R:
    """``function(*arguments)``, run in a process forked from this one for it: its result
    comes back pickled (an exception is raised here). Python's allocator keeps the memory
    of many small objects made and dropped among others that stay (reading 30,000
    organisations leaves 70 MB of it, which every worker forked later shares and the build
    carries to its end); a process of its own takes it away when it ends. Where processes
    are not forked (see :func:`start_method`), or the process could not run, the function
    runs in this one."""
    if start_method() != "fork":
        return function(*arguments)
    try:
        with ProcessPoolExecutor(max_workers=1,
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            result = pool.submit(function, *arguments).result()
    except (BrokenProcessPool, OSError):  # no process could be made, or it died
        return function(*arguments)
    give_back_memory()  # the pickled result, read
    return result


# The state of this worker process, set once by the pool's initializer.
_state: WorkerState | None = None

# Forked pools alive in this process; while there are any, its objects are frozen (gc).
_forked_pools = 0


def _freeze_for_fork() -> None:
    """Keep the garbage collector off the objects that forked workers share with this
    process, in the workers and here, while they run. A collection writes to every object
    it looks at, and each write makes the kernel copy the page it is on for the process
    that writes it (copy on write): the workers' collections copied this process's heap
    into each of them: about 40 MB in all in a build of 1,000 organisations. Objects made
    later are collected as usual, and the frozen ones again once the workers are gone."""
    global _forked_pools  # noqa: PLW0603 -- a count for this process, not shared state
    if _forked_pools == 0:
        gc.freeze()
    _forked_pools += 1


def _thaw_after_fork() -> None:
    global _forked_pools  # noqa: PLW0603 -- see _freeze_for_fork
    _forked_pools -= 1
    if _forked_pools == 0:
        gc.unfreeze()


def _initialise(state: WorkerState, lower_priority: bool, language: str) -> None:
    global _state  # noqa: PLW0603 -- per-process state is what a pool initializer sets
    _i18n.set_language(language)  # a spawned process starts in English
    if lower_priority and hasattr(os, "nice"):
        os.nice(10)
    state.start()
    _state = state


def _call(function: Callable[[WorkerState, T], R], item: T) -> R:
    assert _state is not None  # noqa: S101 -- set by _initialise before any item
    return function(_state, item)


class _Processes:
    """The worker processes of a :class:`Workers` or a :class:`Pool`: each gets ``state``
    from the pool's initializer; started as :func:`start_method` says, and while they are
    forked, this process's objects are frozen (see :func:`_freeze_for_fork`)."""

    def __init__(self, state: WorkerState, processes: int, lower_priority: bool) -> None:
        method = start_method()
        self._frozen = method == "fork"
        if self._frozen:
            _freeze_for_fork()
        try:
            self.pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
                max_workers=processes, mp_context=multiprocessing.get_context(method),
                initializer=_initialise, initargs=(state, lower_priority, _i18n.language()))
        except BaseException:
            self.pool = None
            self.close()
            raise

    def close(self) -> None:
        """Stop the worker processes (and the pool's thread), dropping work not yet done."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None
        if self._frozen:
            _thaw_after_fork()
            self._frozen = False


class Workers(Generic[S, T, R]):
    """``function(state, item)`` for every item; started at once, collected by :meth:`results`.

    ``processes``: how many worker processes; 0 runs everything in this process, lazily,
    as :meth:`results` is read. ``lower_priority``: the workers run at nice 10, for work
    that may wait while work on the critical path (LibreOffice) runs.
    """

    def __init__(self, function: Callable[[S, T], R], state: S, items: Iterable[T], *,
                 processes: int, chunksize: int = 1, lower_priority: bool = False) -> None:
        self._processes: _Processes | None = None
        self._results: Iterator[R]
        if processes <= 0:
            state.start()
            self._results = map(functools.partial(function, state), items)
            return
        self._processes = _Processes(state, processes, lower_priority)
        try:
            assert self._processes.pool is not None  # noqa: S101 -- just started
            self._results = self._processes.pool.map(
                functools.partial(_call, function), items,  # type: ignore[arg-type]
                chunksize=chunksize)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Workers[S, T, R]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes (and the pool's thread), dropping work not yet done."""
        if self._processes is not None:
            self._processes.close()
            self._processes = None

    def results(self) -> Iterator[R]:
        """Every item's result, in item order; the processes are gone once it is exhausted,
        so that no thread of theirs is alive when other processes are forked."""
        yield from self._results
        self.close()


class Pool(Generic[S]):
    """Worker processes that share one ``state`` and take jobs as they come:
    ``submit(function, item)`` runs ``function(state, item)`` in one of them and returns
    a getter for its result. The workers start (forked, where :func:`start_method` says so)
    at the first job, so the first job should come while this process is small and no
    other thread is alive. ``processes`` 0 runs every job here, when its result is asked
    for (in the order asked). ``lower_priority``: the workers run at nice 10."""

    def __init__(self, state: S, *, processes: int, lower_priority: bool = False) -> None:
        self._state = state
        self.workers = max(0, processes)  # 0: jobs run in this process
        self._started = False
        self._processes = (_Processes(state, processes, lower_priority) if processes > 0
                           else None)

    def __enter__(self) -> Pool[S]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def submit(self, function: Callable[[S, T], R], item: T) -> Callable[[], R]:
        pool = None if self._processes is None else self._processes.pool
        if pool is None:
            return functools.cache(functools.partial(self._here, function, item))
        future: Future[R] = pool.submit(_call, function, item)  # type: ignore[arg-type]
        return future.result

    def _here(self, function: Callable[[S, T], R], item: T) -> R:
        if not self._started:
            self._state.start()
            self._started = True
        return function(self._state, item)

    def close(self) -> None:
        """Stop the worker processes (and the pool's thread), dropping jobs not yet done."""
        if self._processes is not None:
            self._processes.close()
            self._processes = None
