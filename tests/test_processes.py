"""Worker processes (no LibreOffice needed)."""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass

import pytest

from overens_docs._build import processes

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
