"""The text fingerprint: independent of how the YAML is written, sensitive to every printed word."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from conftest import OREBRO
from overens_docs._domain import Agreement
from overens_docs._domain.fingerprint import (
    canonical_bytes,
    matches,
    short_form,
    text_fingerprint,
)
from overens_docs._read import read_target
from overens_docs._targets import Target


def _agreement(folder: Path) -> Agreement:
    read = read_target(Target(folder)).whole("test")
    return read[0]


def _copy(tmp_path: Path, name: str = "orebro") -> Path:
    target = tmp_path / name
    shutil.copytree(OREBRO, target)
    return target


def test_fingerprint_is_the_sha256_of_the_documented_canonical_json() -> None:
    agreement = _agreement(OREBRO)
    data = canonical_bytes(agreement)
    assert text_fingerprint(agreement) == hashlib.sha256(data).hexdigest()
    form = json.loads(data)
    assert form["format"] == "overens-text-1"
    assert data == json.dumps(form, ensure_ascii=False, sort_keys=True,
                              separators=(",", ":")).encode()
    assert "å" in data.decode("utf-8")  # characters as themselves, not \\u escapes
    assert "organisations" not in form  # who signs is not the text


def test_formatting_key_order_comments_and_folder_name_do_not_change_it(tmp_path: Path) -> None:
    original = text_fingerprint(_agreement(OREBRO))
    folder = _copy(tmp_path, "another-name")
    path = folder / "agreement.yaml"
    text = path.read_text(encoding="utf-8")
    # A comment, a key moved to the end, a quoted scalar: the same text.
    lines = text.splitlines()
    title = next(line for line in lines if line.startswith("title:"))
    lines.remove(title)
    value = title.split(":", 1)[1].strip().strip('"')
    lines += ["# a comment", f'title: "{value}"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert text_fingerprint(_agreement(folder)) == original


def test_any_printed_change_changes_it(tmp_path: Path) -> None:
    original = text_fingerprint(_agreement(OREBRO))
    folder = _copy(tmp_path)
    path = folder / "agreement.yaml"
    text = path.read_text(encoding="utf-8")
    assert "i dialog mellan" in text
    path.write_text(text.replace("i dialog mellan", "i samtal mellan"), encoding="utf-8")
    assert text_fingerprint(_agreement(folder)) != original


def test_the_organisations_do_not_change_it(tmp_path: Path) -> None:
    original = text_fingerprint(_agreement(OREBRO))
    folder = _copy(tmp_path)
    organisations = folder / "organisations.yaml"
    organisations.write_text(organisations.read_text(encoding="utf-8") + (
        "  - name: Ny förening\n    representative: A B\n    representative_title: C\n"),
        encoding="utf-8")
    assert text_fingerprint(_agreement(folder)) == original


def test_short_form_and_matching() -> None:
    fingerprint = "3f9a21c077d2" + "0" * 52
    assert short_form(fingerprint) == "3F9A 21C0 77D2"
    assert matches(fingerprint, "3F9A 21C0 77D2")
    assert matches(fingerprint, fingerprint.upper())
    assert not matches(fingerprint, "3F9A 21C0")  # fewer than 12 digits
    assert not matches(fingerprint, "3F9A 21C0 77D3")
