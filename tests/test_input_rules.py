"""Text a reader cannot see, and lists that silently change what is built, are findings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, OREBRO, RunCli
from overens_docs._read import read_target
from overens_docs._targets import Target

INVISIBLE = [
    *"\u200b\u200c\u200d\u2060\ufeff",  # zero-width characters, a byte-order mark in text
    *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f",  # bidi controls
    *"\u061c\u180e\u2061\u206a\U000e0001",  # other format characters (category Cf)
    *"\x01\x0b\x0c\x7f\x9b",  # control characters
]


def _organisations(tmp_path: Path, *rows: str) -> list[tuple[str, int | None, str]]:
    path = tmp_path / "organisations.yaml"
    text = "organisations:\n" + "".join(
        f"  - {row}\n    representative: Åsa Öberg\n    representative_title: Ordförande\n"
        for row in rows)
    path.write_text(text, encoding="utf-8")
    checked = read_target(Target(tmp_path, only=path))
    return [(finding.rule, finding.line, finding.message) for finding in checked.findings]


def _escaped(character: str) -> str:
    return f"\\U{ord(character):08X}"


@pytest.mark.parametrize("character", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_character_in_a_name_is_named_with_its_code_point(tmp_path: Path, character: str) -> None:
    found = _organisations(tmp_path, f'name: "Föreningen {_escaped(character)}Blåsippan"')
    [(rule, line, message)] = found
    assert (rule, line) == ("text-characters", 2)
    assert f"U+{ord(character):04X} " in message
    assert "position 12" in message


def test_bidi_control_message_says_what_it_does(tmp_path: Path) -> None:
    [(_, _, message)] = _organisations(tmp_path, 'name: "Föreningen \\u202eBlåsippan"')
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in message
    assert "backwards" in message


def test_soft_hyphen_is_allowed(tmp_path: Path) -> None:
    assert _organisations(tmp_path, 'name: "Samverkans\\u00adorganisationen i Västerås"') == []


@pytest.mark.parametrize("character", ["\u200b", "\u200d", "\u2060", "\ufeff", "\u200e", "\u00ad"],
                         ids=lambda c: f"U+{ord(c):04X}")
def test_names_differing_only_by_invisible_characters_are_duplicates(tmp_path: Path, character: str) -> None:
    found = _organisations(tmp_path, "name: Föreningen Blåsippan",
                           f'name: "FÖRENINGEN  Blå{_escaped(character)}sippan"')
    duplicates = [(line, message) for rule, line, message in found
                  if rule == "duplicate-organisation"]
    assert [line for line, _ in duplicates] == [5]
    assert "invisible characters" in duplicates[0][1]


def test_line_separator_in_a_csv_cell_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "organisations.csv"
    path.write_text("name;representative;representative_title\nA\u2028B;Åsa;Ordförande\n",
                    encoding="utf-8")
    [finding] = read_target(Target(tmp_path, only=path)).findings
    assert (finding.rule, finding.line, finding.column) == ("text-characters", 2, 1)
    assert "U+2028 LINE SEPARATOR" in finding.message


def test_explicit_id_equal_to_a_later_default_id_is_a_duplicate(tmp_path: Path) -> None:
    found = _organisations(tmp_path, "id: foreningen-blasippan\n    name: Nätverket Vitsippan",
                           "name: Föreningen Blåsippan")
    assert [(rule, line) for rule, line, _ in found] == [("duplicate-id", 2)]
    assert "line 6" in found[0][2]


def test_explicit_ids_unlike_any_default_pass(tmp_path: Path) -> None:
    assert _organisations(tmp_path, "id: blasippan\n    name: Föreningen Blåsippan",
                          'name: Nätverket Vitsippan\n    org_number: "802450-1234"') == []


def test_agreement_folder_with_an_empty_list_fails(run_cli: RunCli, tmp_path: Path) -> None:
    folder = tmp_path / "orebro"
    shutil.copytree(OREBRO, folder)
    (folder / "organisations.yaml").write_text("organisations: []\n", encoding="utf-8")
    result = run_cli("validate", folder)
    assert result.exit_code == 1
    assert "organisations.yaml:1:16: error [no-organisations]" in result.stdout


def test_missing_principles_key_is_reported_once_by_its_rule(tmp_path: Path) -> None:
    text = (EXAMPLES / "valid" / "minimal.agreement.yaml").read_text(encoding="utf-8")
    path = tmp_path / "agreement.yaml"
    path.write_text(text.replace("        principles: [dialog]\n", "", 1), encoding="utf-8")
    checked = read_target(Target(tmp_path, only=path))
    assert [(f.rule, f.line) for f in checked.findings] == [
        ("commitment-without-principle", 36)]


def test_ids_of_the_wrong_type_do_not_break_the_id_rule(tmp_path: Path) -> None:
    found = _organisations(tmp_path, "id: [a, b]\n    name: Föreningen Blåsippan",
                           "id: {a: 1}\n    name: Nätverket Vitsippan", "name: Gullvivan")
    assert {rule for rule, _, _ in found} == {"schema-type"}
