"""Memory that does not grow with the number of organisations, proven on a small scale by
what bounds it: batches of bounded size, no more LibreOffices at a time than cores (and
fewer after the first round of batches), and no process holding more than one signature
batch open at a time (not by timing or sizes)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from conftest import OREBRO
from overens_docs import build
from overens_docs._build import assembly, processes, signature_pages
from overens_docs._pdf import assemble, convert, master

pytestmark = pytest.mark.libreoffice

_BATCH = re.compile(r"signatures-\d+\.pdf$")


def _organisations(count: int) -> str:
    return "organisations:\n" + "".join(
        f"  - name: Förening nummer {index}\n    representative: Åsa Öberg\n"
        f"    representative_title: Ordförande\n" for index in range(count))


@pytest.fixture
def events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A log of every signature batch opened and closed, by process (workers forked from
    this one log too), and of every LibreOffice started and ended."""
    log = tmp_path / "events.log"

    def write(line: str) -> None:
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {line}\n")

    original_open, original_close = master.open_pdf, pikepdf.Pdf.close

    def opened(path: Path, *, whole_tree: bool = False) -> pikepdf.Pdf:
        pdf = original_open(path, whole_tree=whole_tree)
        if _BATCH.search(str(pdf.filename)):
            write(f"open {pdf.filename} {len(pdf.pages)}")
        return pdf

    def closed(self: pikepdf.Pdf) -> None:
        if _BATCH.search(str(self.filename)):
            write(f"close {self.filename}")
        original_close(self)

    original_start, original_done = convert.Conversion.__init__, convert.Conversion.done
    original_wait = convert.Conversion.wait
    ended: set[int] = set()

    def started(self: convert.Conversion, *args: Any, **kwargs: Any) -> None:
        write("libreoffice start")
        original_start(self, *args, **kwargs)

    def end(self: convert.Conversion) -> None:
        if id(self) not in ended:
            ended.add(id(self))
            write("libreoffice end")

    def done(self: convert.Conversion) -> bool:
        finished = original_done(self)
        if finished:
            end(self)
        return finished

    def waited(self: convert.Conversion) -> list[Path]:
        outputs = original_wait(self)
        end(self)
        return outputs

    monkeypatch.setattr(master, "open_pdf", opened)
    monkeypatch.setattr(pikepdf.Pdf, "close", closed)
    monkeypatch.setattr(convert.Conversion, "__init__", started)
    monkeypatch.setattr(convert.Conversion, "done", done)
    monkeypatch.setattr(convert.Conversion, "wait", waited)
    yield log


def test_no_process_holds_more_than_one_batch_and_libreoffice_runs_once_per_core(
        tmp_path: Path, events: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    (folder / "agreement.yaml").write_bytes((OREBRO / "agreement.yaml").read_bytes())
    (folder / "organisations.yaml").write_text(_organisations(44), encoding="utf-8")
    monkeypatch.setattr(signature_pages, "BATCH_PAGES", 5)  # 44 organisations: 9 batches
    monkeypatch.setattr(processes, "PARALLEL_FROM", 4)
    for module in (assembly, assemble):  # bases of 2 copies: the last batch can be shared
        monkeypatch.setattr(module, "COPIES_PER_BASE", 2)
    result = build([folder], out=tmp_path / "out", progress=False)
    assert not result.report.fails() and not result.build_failed, result.report.findings
    lines = [line.split(" ", 2) for line in events.read_text(encoding="utf-8").splitlines()]
    builder = str(os.getpid())
    # The signature pages came in 9 batches of at most 5 pages.
    pages = {path.rsplit(" ", 1)[0]: int(path.rsplit(" ", 1)[1])
             for _pid, what, path in lines if what == "open"}
    assert len(pages) == 9 and max(pages.values()) <= 5 and sum(pages.values()) == 44
    lines = [[pid, what, rest.rsplit(" ", 1)[0] if what == "open" else rest]
             for pid, what, rest in lines]
    # No process held more than one batch open at a time, and every one it opened it closed.
    held: dict[str, set[str]] = {}
    most: dict[str, int] = {}
    for pid, what, path in lines:
        if what == "open":
            held.setdefault(pid, set()).add(path)
        elif what == "close":
            held.get(pid, set()).discard(path)
        most[pid] = max(most.get(pid, 0), len(held.get(pid, set())))
    assert set(most.values()) == {1}, most
    assert all(not paths for paths in held.values())
    # The workers made the copies: each opened batches too, one at a time; the last batch
    # was shared out among them, each opening it (the build does not end with one working).
    cores = processes.cores()
    assert len(most) == (1 + cores if cores > 1 else 1)
    last = max(pages, key=lambda path: int(re.findall(r"\d+", Path(path).name)[0]))
    openers = {pid for pid, what, path in lines if what == "open" and path == last}
    assert len(openers - {builder}) == (cores if cores > 1 else 0)
    # LibreOffice ran at most once per core at a time (the text and the first batches),
    # then at most its share of the cores.
    running = peak = starts = 0
    for pid, what, rest in lines:
        if pid == builder and what == "libreoffice":
            running += 1 if rest == "start" else -1
            starts += rest == "start"
            peak = max(peak, running)
            if rest == "start" and starts > cores + 1:  # batch number cores and after
                assert running <= signature_pages.libreoffices(cores, cores)
    assert 1 <= peak <= cores


def test_libreoffice_runs_once_per_core_first_then_its_share() -> None:
    assert [signature_pages.libreoffices(2, batch) for batch in range(4)] == [2, 2, 1, 1]
    assert [signature_pages.libreoffices(4, batch) for batch in (0, 3, 4)] == [4, 4, 2]
    assert signature_pages.libreoffices(1, 5) == 1
