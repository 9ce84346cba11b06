"""Worker processes (no LibreOffice needed)."""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import OREBRO
from overens_docs._build import processes
from overens_docs._errors import UsageError

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is a POSIX call")


@dataclass
class _State:
    started: bool = False

    def start(self) -> None:
        self.started = True


def _frozen_here(state: _State, item: int) -> tuple[int, bool, int]:
    """What a worker sees: the item, whether its state started, how many objects are
    kept from its collections (those it shares with the process that forked it)."""
    return item, state.started, gc.get_freeze_count()


def test_forked_workers_share_objects_no_collection_touches_until_they_are_gone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processes, "START_METHOD", "fork")
    assert gc.get_freeze_count() == 0
    with processes.Workers(_frozen_here, _State(), range(4), processes=2) as first:
        assert gc.get_freeze_count() > 0  # here too: a collection here would copy pages
        with processes.Workers(_frozen_here, _State(), range(2), processes=1) as second:
            assert [item for item, _, _ in second.results()] == [0, 1]
        assert gc.get_freeze_count() > 0  # the first one's workers are still there
        results = list(first.results())
    assert [item for item, _, _ in results] == [0, 1, 2, 3]
    assert all(started and frozen > 0 for _, started, frozen in results)
    assert gc.get_freeze_count() == 0


def test_workers_in_this_process_or_spawned_freeze_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with processes.Workers(_frozen_here, _State(), range(2), processes=0) as here:
        assert [frozen for _, _, frozen in here.results()] == [0, 0]
    monkeypatch.setattr(processes, "START_METHOD", "spawn")
    with processes.Workers(_frozen_here, _State(), range(2), processes=1) as spawned:
        assert gc.get_freeze_count() == 0
        assert [started for _, started, _ in spawned.results()] == [True, True]


def _pid_and(value: int) -> tuple[int, int]:
    if value < 0:
        raise UsageError(f"{value} is below zero")
    return os.getpid(), value * 2


def _dies(value: int) -> tuple[int, int]:
    if os.getpid() != _HERE:
        os._exit(3)  # the forked process dies before it answers
    return os.getpid(), value


_HERE = os.getpid()


def test_apart_runs_in_a_forked_process_and_brings_back_its_result_or_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processes, "START_METHOD", "fork")
    pid, doubled = processes.apart(_pid_and, 21)
    assert (doubled, pid != os.getpid()) == (42, True)
    with pytest.raises(UsageError, match="-1 is below zero"):
        processes.apart(_pid_and, -1)
    assert processes.apart(_dies, 5) == (os.getpid(), 5)  # its process died: run here
    monkeypatch.setattr(processes, "START_METHOD", "spawn")
    assert processes.apart(_pid_and, 1) == (os.getpid(), 2)  # not forked: run here


def test_a_build_reads_its_input_in_a_process_of_its_own(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """What reading and validating leaves in memory goes with that process (see
    processes.apart); the requests come back whole."""
    from overens_docs import _api  # noqa: PLC0415
    from overens_docs._read import read_paths  # noqa: PLC0415

    readers: list[int] = []

    def reading(paths: object) -> object:
        readers.append(os.getpid())
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        return read_paths(paths)  # type: ignore[arg-type]

    log = tmp_path / "readers.log"
    monkeypatch.setattr(processes, "START_METHOD", "fork")
    monkeypatch.setattr(_api, "read_paths", reading)
    result, requests = _api._requests([OREBRO])
    assert [request.agreement.id for request in requests] == ["orebro"]
    assert len(requests[0].organisations) == 15 and not result.report.fails()
    assert readers == []  # not in this process
    assert int(log.read_text(encoding="utf-8")) != os.getpid()
