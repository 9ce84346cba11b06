"""Time validating one agreement with N organisations; write the figures as JSON.

Usage: python benchmarks/validate_bench.py [N] [OUT.json]
Compares with the naive approach (yaml.safe_load and a jsonschema check, no positions,
no semantic rules) in the same run, since machines are noisy.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml
from generate import write_organisations, write_organisations_csv, write_organisations_xlsx
from jsonschema import Draft202012Validator

from overens_docs._package_data import schema
from overens_docs._read import read_target
from overens_docs._targets import Target

ROOT = Path(__file__).resolve().parents[1]


def _best_of(runs: int, function) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "bench" / "validate.json"
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "agreement"
        shutil.copytree(ROOT / "agreements" / "orebro", target)
        organisations = write_organisations(target / "organisations.yaml", count)

        def ours() -> None:
            checked = read_target(Target(target))
            assert checked.valid, checked.findings[:3]

        validator = Draft202012Validator(schema("organisations"))

        def naive() -> None:
            data = yaml.safe_load(organisations.read_text(encoding="utf-8"))
            assert not list(validator.iter_errors(data))

        ours_times = _best_of(5, ours)
        naive_times = _best_of(5, naive)
        organisations.rename(organisations.with_suffix(".yaml.bak"))
        csv_path = write_organisations_csv(target / "organisations.csv", count)
        csv_times = _best_of(5, ours)
        csv_path.unlink()
        write_organisations_xlsx(target / "organisations.xlsx", count)
        xlsx_times = _best_of(5, ours)
    figures = {
        "organisations": count,
        "overens_validate_seconds": {"min": min(ours_times),
                                     "median": statistics.median(ours_times)},
        "overens_validate_csv_seconds": {"min": min(csv_times),
                                         "median": statistics.median(csv_times)},
        "overens_validate_xlsx_seconds": {"min": min(xlsx_times),
                                          "median": statistics.median(xlsx_times)},
        "naive_safe_load_plus_schema_seconds": {"min": min(naive_times),
                                                "median": statistics.median(naive_times)},
        "ratio_naive_over_ours": statistics.median(naive_times) / statistics.median(ours_times),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
