"""Messages quote input only as a short, escaped excerpt.

Every value and every key of the samples is replaced by a long value made to hurt (a
terminal's escape sequences, a right-to-left override, line separators, thousands of
characters), in every format an organisation list can have; whatever the findings, each
message quotes at most a short piece of it, and holds no character that is not printable.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from conftest import OREBRO, RunCli

LONG = 1200
MOST_QUOTED = 70  # characters of one value a message may hold (an excerpt is 60)
HURTING = {
    "escape sequences": "\x1b[2J\x1b[31m" * (LONG // 9),
    "right-to-left": "\u202eFöreningen " * (LONG // 12),
    "separators": "rad\u2028" * (LONG // 4),
    "long": "Ö" * LONG,
    "tags": "{{ x }}" * (LONG // 7),
    "quotes": "'\"" * (LONG // 2),
}


def _replace(value: Any, hurting: str, *, keys: bool) -> Any:
    if isinstance(value, dict):
        return {(hurting + key if keys else key): _replace(item, hurting, keys=keys)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_replace(item, hurting, keys=keys) for item in value]
    return value if keys else hurting


def _as_yaml(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)  # JSON is YAML, and quotes every string


def _yaml_folder(folder: Path, hurting: str, *, keys: bool) -> None:
    for name in ("agreement.yaml", "organisations.yaml"):
        data = yaml.safe_load((OREBRO / name).read_text(encoding="utf-8"))
        (folder / name).write_text(_as_yaml(_replace(data, hurting, keys=keys)),
                                   encoding="utf-8")


def _csv_folder(folder: Path, hurting: str) -> None:
    shutil.copy(OREBRO / "agreement.yaml", folder)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["name", "representative", "representative_title", "org_number", hurting])
    writer.writerows([[hurting] * 5, ["A", "B", "C", hurting, "x"]])
    (folder / "organisations.csv").write_text(out.getvalue(), encoding="utf-8")


def _xlsx_folder(folder: Path, hurting: str) -> None:
    shutil.copy(OREBRO / "agreement.yaml", folder)
    printable = "".join(c for c in hurting if unicodedata.category(c) != "Cc") or "x"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Organisationer"
    sheet.append(["Namn", "Företrädare", "Titel", "Organisationsnummer", "Status", printable])
    sheet.append([printable] * 6)
    sheet.append(["A", "B", "C", printable, "undertecknat", "x"])
    workbook.save(folder / "organisations.xlsx")


FOLDERS: dict[str, Callable[[Path, str], None]] = {
    "yaml values": lambda folder, hurting: _yaml_folder(folder, hurting, keys=False),
    "yaml keys": lambda folder, hurting: _yaml_folder(folder, hurting, keys=True),
    "csv": _csv_folder,
    "xlsx": _xlsx_folder,
}


def _problems(message: str, hurting: str) -> list[str]:
    problems = []
    if not message.isprintable():
        problems.append("a character that is not printable")
    longest = max((len(piece) for piece in _common_runs(message, hurting)), default=0)
    if longest > MOST_QUOTED:
        problems.append(f"{longest} characters of the value")
    return problems


def _common_runs(message: str, hurting: str) -> list[str]:
    """Pieces of ``hurting`` (a value repeating a short unit) that ``message`` holds."""
    unit = hurting[:12]
    runs, start = [], message.find(unit)
    while start >= 0:
        end = start
        while (end < len(message) and end - start < len(hurting)
               and message[end] == hurting[end - start]):
            end += 1
        runs.append(message[start:end])
        start = message.find(unit, max(end, start + 1))
    return runs


@pytest.mark.parametrize("kind", sorted(HURTING))
@pytest.mark.parametrize("files", sorted(FOLDERS))
def test_messages_quote_only_short_escaped_excerpts(
        run_cli: RunCli, tmp_path: Path, files: str, kind: str) -> None:
    folder = tmp_path / "orebro"
    folder.mkdir()
    hurting = HURTING[kind]
    FOLDERS[files](folder, hurting)
    result = run_cli("validate", folder, "--format", "json")
    assert result.exit_code == 1, result.stdout[:500]
    findings = json.loads(result.stdout)["findings"]
    assert findings
    bad = [(finding["rule"], problem) for finding in findings
           for problem in _problems(finding["message"], hurting)]
    assert bad == [], bad[:5]
    text = run_cli("validate", folder)
    assert all(line.isprintable() for line in text.stdout.splitlines())
