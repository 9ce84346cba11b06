"""Time building N generated organisations end to end; write the figures as JSON.

Usage: python benchmarks/build_bench.py [N] [OUT.json] [NAIVE_SAMPLE]

In the same run it times the naive approach on a sample (render each organisation's
document with docxtpl and call LibreOffice once per organisation), since machines are
noisy. Peak memory is the largest sum of resident memory over this process and all its
children (LibreOffice, the assembly workers), sampled every 20 ms from /proc.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from generate import write_organisations

from overens_docs import model
from overens_docs.build import DEFAULT_TEMPLATE, build
from overens_docs.convert import convert
from overens_docs.render.docx import CoreProperties, render
from overens_docs.resources import data_dir
from overens_docs.sources import Target
from overens_docs.validate import check_target

ROOT = Path(__file__).resolve().parents[1]


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and every process below it."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            statm = (entry / "statm").read_text().split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        rss[int(entry.name)] = int(statm[1]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


class PeakMemory(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.running = True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, _tree_rss(os.getpid()))
            time.sleep(0.02)


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
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "bench"
        shutil.copytree(ROOT / "agreements" / "orebro", folder)
        write_organisations(folder / "organisations.yaml", count)
        monitor = PeakMemory()
        monitor.start()
        start = time.perf_counter()
        result = build([folder], out=Path(temporary) / "build", progress=False)
        wall = time.perf_counter() - start
        monitor.running = False
        monitor.join()
        assert not result.report.fails() and not result.build_failed, result.report.findings[:3]
        pdfs = list((Path(temporary) / "build" / "bench" / "organisations").glob("*.pdf"))
        assert len(pdfs) == count, len(pdfs)
        naive_per_organisation = naive(folder, Path(temporary), sample)
    ours_per_organisation = wall / count
    figures = {
        "organisations": count,
        "cpu_count": os.cpu_count(),
        "build_wall_seconds": round(wall, 3),
        "build_seconds_per_organisation": round(ours_per_organisation, 5),
        "build_peak_memory_mb": round(monitor.peak / 2**20, 1),
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
