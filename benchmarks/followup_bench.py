"""Time ``overens followup new`` for an agreement signed by N organisations.

Usage: python benchmarks/followup_bench.py [N] [OUT.json] [RUNS]

The agreement is the Exempelkommun sample's (14 commitments and activities) with N
fictional organisations, every one signed. Timed, each in a fresh folder:

* ``followup_new``: validating the folder, the year's workbook and N questionnaires, each
  written to disk (the target: 1,000 in under 10 s on 2 cores);
* the naive way in the same run: openpyxl writing each questionnaire from scratch, as a
  script without the shared work would (:meth:`Questionnaires.slow`), to disk;
* reading N returned questionnaires back, as ``followup report`` does before it writes
  anything (LibreOffice's PDF is not counted).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml
from generate import organisations

from overens_docs import followup_new
from overens_docs._followup.items import questionnaire_items
from overens_docs._followup.questionnaires import Questionnaires
from overens_docs._followup.report import read_year
from overens_docs._read import read_target
from overens_docs._reproducible import build_date
from overens_docs._targets import Target

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "agreements" / "exempelkommun" / "agreement.yaml"
YEAR = 2024


def _agreement(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True)
    shutil.copyfile(SAMPLE, folder / "agreement.yaml")
    rows = [{**row, "status": "signed", "signed_on": "2022-04-20"}
            for row in organisations(count)]
    (folder / "organisations.yaml").write_text(
        yaml.safe_dump({"organisations": rows}, allow_unicode=True, sort_keys=False),
        encoding="utf-8")
    return folder


def _timed(function) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "bench" / "followup.json"
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    fast: list[float] = []
    naive: list[float] = []
    with tempfile.TemporaryDirectory() as work:
        for run in range(runs):
            folder = _agreement(Path(work) / f"fast-{run}" / "agreement", count)
            fast.append(_timed(lambda folder=folder: followup_new(folder, YEAR)))
            written = list((folder / "uppfoljning" / str(YEAR) / "enkater").iterdir())
            assert len(written) == count, len(written)
        agreement, signatories = read_target(
            Target(_agreement(Path(work) / "naive" / "agreement", count))).whole("bench")
        target = Path(work) / "naive" / "enkater"
        target.mkdir()

        def naive_way() -> None:
            copies = Questionnaires(agreement, YEAR, questionnaire_items(agreement),
                                    build_date(agreement.signing.date))
            for organisation in signatories:
                (target / f"{organisation.file_stem}.xlsx").write_bytes(
                    copies.slow(organisation))

        naive.append(_timed(naive_way))
        answers = folder / "uppfoljning" / str(YEAR) / "svar"
        for path in written:
            shutil.copyfile(path, answers / path.name)
        reading = _timed(lambda: read_year(folder, YEAR))
        result = read_year(folder, YEAR)
        assert result.figures is not None and len(result.figures.answers) == count
    figures = {
        "organisations": count,
        "cores": os.cpu_count(),
        "followup_new_seconds": {"min": min(fast), "median": statistics.median(fast),
                                 "runs": fast},
        "naive_openpyxl_each_seconds": naive[0],
        "reading_returned_seconds": reading,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
