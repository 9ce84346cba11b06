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


# The fingerprints the samples had before the vision and the handlingsplan could be written
# (overens-text-1 as first published): an agreement without them must keep its fingerprint.
OREBRO_FINGERPRINT = "ba92c2d9a1b242ffcc53e264be877a9f42b1ba3c84a4437c904c52ccb31f4233"


def test_an_agreement_without_the_new_keys_keeps_its_fingerprint() -> None:
    agreement = _agreement(OREBRO)
    assert not agreement.vision and not agreement.handlingsplan
    assert text_fingerprint(agreement) == OREBRO_FINGERPRINT
    form = json.loads(canonical_bytes(agreement))
    assert "vision" not in form and "handlingsplan" not in form and "contacts" not in form


def _with(folder: Path, yaml: str) -> Agreement:
    path = folder / "agreement.yaml"
    path.write_text(path.read_text(encoding="utf-8") + yaml, encoding="utf-8")
    return _agreement(folder)


def test_the_contacts_do_not_change_it(tmp_path: Path) -> None:
    """Contacts are not printed in the signed documents: a new contact person must not make
    every organisation sign again."""
    agreement = _with(_copy(tmp_path), "contacts:\n  - {name: Alex Ek, email: a@example.org}\n")
    assert agreement.contacts
    assert text_fingerprint(agreement) == OREBRO_FINGERPRINT


def test_the_vision_and_the_handlingsplan_are_in_it_as_documented(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    vision = _with(folder, "vision: >\n  Ett Örebro där alla kan engagera sig.\n")
    assert text_fingerprint(vision) != OREBRO_FINGERPRINT
    assert json.loads(canonical_bytes(vision))["vision"] == [
        "Ett Örebro där alla kan engagera sig."]
    plan = _with(folder, (
        "handlingsplan:\n"
        "  - id: h1\n    text: En dialogträff hålls.\n    parties: [kommunen]\n"
        "    principles: [dialog]\n    period: {start: \"2025-01-01\", end: \"2025-12-31\"}\n"))
    assert text_fingerprint(plan) not in (OREBRO_FINGERPRINT, text_fingerprint(vision))
    assert json.loads(canonical_bytes(plan))["handlingsplan"] == [
        {"id": "h1", "text": "En dialogträff hålls.", "parties": ["kommunen"],
         "principles": ["dialog"], "date": None,
         "period": {"start": "2025-01-01", "end": "2025-12-31"}}]
