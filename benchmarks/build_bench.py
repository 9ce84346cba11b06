"""Time building N generated organisations end to end; write the figures as JSON.

Usage: python benchmarks/build_bench.py [N] [OUT.json] [NAIVE_SAMPLE]

In the same run it times the naive approach on a sample (render each organisation's
document with docxtpl and call LibreOffice once per organisation), since machines are
noisy.

The build writes under ``bench/`` in the project, as ``overens build`` writes under
``build/``. It makes two files per organisation, and on the machines this project is
developed on, creating a file costs anything from 0.02 to 0.8 ms: their ext4 has no
journal, and then the kernel's inode allocator steps over every inode deleted in the
same block group in the last one to six minutes (``recently_deleted`` in ``perf``). So
/tmp, where everything is created and deleted, is slow, and runs a few minutes apart slow
each other down. That is up to 1.6 s of a 1,000-organisation build; the cost per file in
the folder used is measured after the build and written with the figures.

Peak memory is the largest sum of proportional set sizes (PSS) over this process and all
its children (LibreOffice, the assembly workers), sampled every 100 ms from /proc by a
separate process (which is not counted).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from multiprocessing.sharedctypes import Synchronized as Value
from multiprocessing.synchronize import Event
from pathlib import Path

from generate import write_organisations

from overens_docs import model
from overens_docs._build import DEFAULT_TEMPLATE, build
from overens_docs._convert import convert
from overens_docs._package_data import data_dir
from overens_docs._render.docx import CoreProperties, render
from overens_docs._targets import Target
from overens_docs._validate import check_target

ROOT = Path(__file__).resolve().parents[1]


def _pss(pid: int) -> int:
    """Proportional set size: memory shared between processes (forked workers share most
    of theirs with the parent) counts once in all, not once per process as RSS would."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree_memory(pid: int) -> int:
    """Bytes of memory used by ``pid`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        children.setdefault(parent, []).append(int(entry.name))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += _pss(current)
        stack.extend(children.get(current, []))
    return total


def _watch(pid: int, stop: Event, peak: Value) -> None:  # type: ignore[valid-type]
    while not stop.is_set():
        peak.value = max(peak.value, _tree_memory(pid))  # type: ignore[attr-defined]
        time.sleep(0.1)


class PeakMemory:
    """Samples in a separate process, so the sampling takes no time from the build's."""

    def __init__(self) -> None:
        self._stop = multiprocessing.Event()
        self._peak = multiprocessing.Value("q", 0)
        self._process = multiprocessing.Process(
            target=_watch, args=(os.getpid(), self._stop, self._peak), daemon=True)

    def start(self) -> None:
        self._process.start()

    def stop(self) -> int:
        self._stop.set()
        self._process.join()
        return int(self._peak.value)


def file_creation_ms(folder: Path, count: int = 500) -> float:
    """Milliseconds to create (and write 10 kB to) one file in ``folder``."""
    target = Path(tempfile.mkdtemp(dir=folder))
    try:
        start = time.perf_counter()
        for index in range(count):
            (target / f"{index}.pdf").write_bytes(b"%" * 10_000)
        return (time.perf_counter() - start) / count * 1000
    finally:
        shutil.rmtree(target)


def naive(folder: Path, work: Path, sample: int) -> float:
    """Seconds per organisation: one docxtpl render and one LibreOffice call each."""
    checked = check_target(Target(folder))
    agreement = model.agreement_context(checked.agreement.data)  # type: ignore[union-attr]
    organisations = model.organisations(checked.organisations.data)[:sample]  # type: ignore[union-attr]
    core = CoreProperties(agreement["title"], "", agreement["public_body"]["name"])
    template = data_dir("templates") / DEFAULT_TEMPLATE
    start = time.perf_counter()
    for organisation in organisations:
        context = model.render_context(agreement, [organisation.context()], include_text=True)
        document = work / f"{organisation.file_stem}.docx"
        document.write_bytes(render(template, context, core))
        convert([document], work / "naive-out")
    return (time.perf_counter() - start) / len(organisations)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "bench" / "build.json"
    sample = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    (ROOT / "bench").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="build-", dir=ROOT / "bench") as temporary:
        folder = Path(temporary) / "bench"
        shutil.copytree(ROOT / "agreements" / "orebro", folder)
        write_organisations(folder / "organisations.yaml", count)
        monitor = PeakMemory()
        monitor.start()
        start = time.perf_counter()
        result = build([folder], out=Path(temporary) / "build", progress=False)
        wall = time.perf_counter() - start
        peak = monitor.stop()
        assert not result.report.fails() and not result.build_failed, result.report.findings[:3]
        pdfs = list((Path(temporary) / "build" / "bench" / "organisations").glob("*.pdf"))
        assert len(pdfs) == count, len(pdfs)
        creation_ms = file_creation_ms(Path(temporary))
        naive_per_organisation = naive(folder, Path(temporary), sample)
    ours_per_organisation = wall / count
    figures = {
        "organisations": count,
        "cpu_count": os.cpu_count(),
        "output_file_creation_ms": round(creation_ms, 3),
        "build_wall_seconds": round(wall, 3),
        "build_seconds_per_organisation": round(ours_per_organisation, 5),
        "build_peak_memory_mb": round(peak / 2**20, 1),
        "naive_sample": sample,
        "naive_seconds_per_organisation": round(naive_per_organisation, 3),
        "speedup_over_naive": round(naive_per_organisation / ours_per_organisation, 1),
        "targets": {"build_wall_seconds_max": 10.0 if count <= 1000 else None,
                    "peak_memory_mb_max": 500, "speedup_min": 100},
    }
    figures["targets_met"] = (
        (count > 1000 or wall <= 10.0) and figures["build_peak_memory_mb"] < 500  # type: ignore[operator]
        and figures["speedup_over_naive"] >= 100)  # type: ignore[operator]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
