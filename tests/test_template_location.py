"""``template.document`` names a file in the agreement's folder or under templates/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, RunCli
from overens_docs._domain.template_files import document_template

DEFAULT = ROOT / "templates" / "default" / "agreement.docx"


def _with_template(folder: Path, name: str) -> int:
    """Name ``name`` as the agreement's template; the line of ``document:``."""
    agreement = folder / "agreement.yaml"
    text = agreement.read_text(encoding="utf-8")
    agreement.write_text(text + f"template:\n  document: '{name}'\n", encoding="utf-8")
    return len(text.splitlines()) + 2


@pytest.mark.parametrize("name", ["mall.docx", "default/agreement.docx"])
def test_a_template_in_the_folder_or_under_templates_is_valid(
        run_cli: RunCli, orebro_copy: Path, name: str) -> None:
    shutil.copy(DEFAULT, orebro_copy / "mall.docx")
    _with_template(orebro_copy, name)
    result = run_cli("validate", orebro_copy)
    assert result.exit_code == 0, result.stdout


def test_the_folder_comes_before_templates(orebro_copy: Path) -> None:
    (orebro_copy / "default").mkdir()
    shutil.copy(DEFAULT, orebro_copy / "default" / "agreement.docx")
    assert document_template(orebro_copy, "default/agreement.docx") == (
        orebro_copy / "default" / "agreement.docx")
    assert document_template(orebro_copy, "mall.docx") == orebro_copy / "mall.docx"  # missing
    assert document_template(orebro_copy, None).samefile(DEFAULT)


@pytest.mark.parametrize("kind", ["absolute", "windows", "parent", "link", "templates-parent"])
def test_a_template_elsewhere_is_a_finding_at_the_key(
        run_cli: RunCli, orebro_copy: Path, tmp_path: Path, kind: str) -> None:
    outside = tmp_path / "elsewhere.docx"
    shutil.copy(DEFAULT, outside)
    name = {"absolute": str(outside), "windows": "C:\\mallar\\mall.docx",
            "parent": "../elsewhere.docx", "link": "mall.docx",
            "templates-parent": "../pyproject.toml"}[kind]
    if kind == "link":
        (orebro_copy / "mall.docx").symlink_to(outside)
    line = _with_template(orebro_copy, name)
    result = run_cli("validate", orebro_copy, "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["line"], f["path"]) for f in findings] == [
        ("template-location", line, "$.template.document")]
