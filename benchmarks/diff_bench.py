"""Time ``overens diff`` on two versions of an agreement with N commitments each.

Usage: python benchmarks/diff_bench.py [N] [OUT.json]
The new version rewords every tenth commitment, removes five and adds five. Timed: the
comparison as ``overens diff`` makes it (validating both versions, comparing, the summary),
and the jämförelsedokument's Word file (rendering both versions, the tracked changes);
the PDF is LibreOffice's time and is not counted.
"""

from __future__ import annotations

import datetime
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from lxml import etree

from overens_docs._domain.template_files import DEFAULT_TEMPLATE
from overens_docs._package_data import data_dir
from overens_docs._render.docx import xml_parts
from overens_docs._revise import diff, summary
from overens_docs._revise.redline import DOCUMENT, paragraph_text, tracked_docx, w
from overens_docs._revise.review import accept_all, reject_all

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "examples" / "revision" / "old" / "agreement.yaml"
_TEXT = ("Kommunen ska i samverkan med föreningar & kooperativ pröva nr {n} av de "
         "\"långsiktiga\" formerna för stöd, dialog och uppföljning <varje år>.")


def _commitments(party: str, count: int, *, revised: bool) -> list[dict[str, Any]]:
    items = []
    for n in range(count):
        if revised and n % 30 == 7:  # removed in the new version
            continue
        text = _TEXT.format(n=n)
        if revised and n % 10 == 3:
            text = text.replace("pröva", "utveckla och utvärdera")
        items.append({"id": f"{party}{n:03d}", "text": text, "principles": ["oppenhet"]})
    if revised:
        items += [{"id": f"{party}new{n}", "text": _TEXT.format(n=1000 + n),
                   "principles": ["dialog"]} for n in range(count // 60)]
    return items


def _write(folder: Path, count: int, *, revised: bool) -> Path:
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    half = count // 2
    for party in data["parties"]:
        party["commitments"] = _commitments(party["id"][0], half, revised=revised)
    folder.mkdir()
    path = folder / "agreement.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _texts(docx: bytes) -> list[str]:
    document = etree.fromstring(xml_parts(docx)[DOCUMENT])
    return [paragraph_text(p) for p in document.iter(w("p"))]


def _times(runs: int, function) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "bench" / "diff.json"
    with tempfile.TemporaryDirectory() as folder:
        old = _write(Path(folder) / "old", count, revised=False)
        new = _write(Path(folder) / "new", count, revised=True)

        def compare() -> None:
            result = diff.diff(old, new)
            assert result.revision is not None, result.report.findings[:3]
            assert len(result.old.parties[0].commitments) == count // 2  # type: ignore[union-attr]
            assert summary.as_text(result.revision)

        checked = diff.diff(old, new)
        assert checked.old is not None and checked.new is not None
        changes = len(checked.revision.comparison.changes) if checked.revision else 0
        template = data_dir("templates") / DEFAULT_TEMPLATE

        def document() -> None:
            tracked_docx(diff.render_version(checked.old, template),  # type: ignore[arg-type]
                         diff.render_version(checked.new, template),  # type: ignore[arg-type]
                         datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))

        before = diff.render_version(checked.old, template)
        after = diff.render_version(checked.new, template)
        tracked = tracked_docx(before, after, datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
        assert accept_all(xml_parts(tracked)[DOCUMENT]) == _texts(after)  # it is right, too
        assert reject_all(xml_parts(tracked)[DOCUMENT]) == _texts(before)
        compare_times = _times(5, compare)
        document_times = _times(5, document)
    figures = {
        "commitments_per_version": count,
        "changes": changes,
        "diff_seconds": {"min": min(compare_times), "median": statistics.median(compare_times)},
        "jamforelsedokument_docx_seconds": {"min": min(document_times),
                                            "median": statistics.median(document_times)},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
