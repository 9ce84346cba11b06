"""The Swedish interface: chosen by the locale or --lang, complete, compiled, same JSON."""

from __future__ import annotations

import gettext
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from conftest import EXAMPLES, ROOT, CliResult, RunCli, template_variant
from overens_docs import _i18n
from overens_docs._cli import main

PO = _i18n.LOCALE_DIR / "sv" / "LC_MESSAGES" / "overens_docs.po"
MO = PO.with_suffix(".mo")
CHECKSUM = EXAMPLES / "invalid" / "org-number-checksum.organisations.yaml"
PACKAGE = ROOT / "src" / "overens_docs"
_FIELD = re.compile(r"\{(\w+)[^}]*\}")


def _catalogue(data: bytes) -> dict[object, str]:
    """The messages of a compiled catalogue, without its header (which names the Babel
    version that compiled it)."""
    translations = gettext.GNUTranslations(io.BytesIO(data))
    return {key: value for key, value in translations._catalog.items() if key != ""}  # type: ignore[attr-defined]


def _quoted_descriptions(node: object) -> list[str]:
    """The schema's descriptions that a finding quotes: those of a value with a pattern
    (the same ones nox -s translations marks for extraction)."""
    if isinstance(node, dict):
        own = [node["description"]] if "pattern" in node and "description" in node else []
        return own + [text for value in node.values() for text in _quoted_descriptions(value)]
    if isinstance(node, list):
        return [text for value in node for text in _quoted_descriptions(value)]
    return []


def _extracted() -> list[str | tuple[str, ...]]:
    """Every message the code can produce, as ``nox -s translations`` extracts them."""
    keywords = {"_": None, "ngettext": (1, 2), "N_": None}
    code: list[str | tuple[str, ...]] = [
        message for _file, _line, message, _comments, _context in extract_from_dir(
            PACKAGE, method_map=[("**.py", "python")], keywords=keywords,
            directory_filter=lambda path: not Path(path).name.startswith((".", "__pycache__")))]
    schemas = [text for path in sorted((ROOT / "schemas").glob("*.schema.json"))
               for text in _quoted_descriptions(json.loads(path.read_text(encoding="utf-8")))]
    assert len(schemas) >= 7
    return code + schemas


def test_the_committed_mo_is_the_po_compiled() -> None:
    """The .mo is committed so that checkouts and wheels need no build step; this keeps
    it in step with the .po (after editing the .po: nox -s translations)."""
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    assert _catalogue(compiled.getvalue()) == _catalogue(MO.read_bytes()), (
        "overens_docs.mo is older than overens_docs.po: run nox -s translations")


def test_every_message_the_code_can_produce_has_a_swedish_translation() -> None:
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    extracted = _extracted()
    assert len(extracted) > 100
    untranslated = []
    for message in extracted:
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(msgid)
        strings = entry.string if entry is not None else None
        if not strings or (isinstance(strings, tuple) and not all(strings)) or (entry is not None and entry.fuzzy):
            untranslated.append(msgid)
    assert untranslated == [], "run nox -s translations, then translate these"


def test_translations_keep_every_named_field() -> None:
    """A translation that drops or misspells a {field} would fail at .format time."""
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    for entry in catalogue:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple | list) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
        fields = {tuple(sorted(set(_FIELD.findall(str(text))))) for text in ids}
        for text in strings:
            assert tuple(sorted(set(_FIELD.findall(str(text))))) in fields, (entry.id, text)


@pytest.mark.parametrize(("environment", "expected"), [
    ({"LANG": "sv_SE.UTF-8"}, "sv"),
    ({"LANG": "sv"}, "sv"),
    ({"LANG": "C"}, "en"),
    ({"LANG": "en_GB.UTF-8"}, "en"),
    ({"LC_ALL": "sv_FI.UTF-8", "LANG": "en_US.UTF-8"}, "sv"),
    ({"LC_ALL": "C", "LANG": "sv_SE.UTF-8"}, "en"),
    ({"LC_MESSAGES": "sv_SE.UTF-8", "LANG": "C"}, "sv"),
    ({}, "en"),
])
def test_the_language_follows_the_locale(environment: dict[str, str], expected: str) -> None:
    if not environment and sys.platform.startswith("win"):
        pytest.skip("Windows asks the user's locale, not the environment")
    assert _i18n.language_from_environment(environment) == expected


def _overens(*arguments: str, lang: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    environment["LANG"] = lang
    return subprocess.run([sys.executable, "-m", "overens_docs", *arguments],
                          capture_output=True, text=True, env=environment, check=False)


def test_a_wrong_check_digit_reads_in_swedish_under_a_swedish_locale() -> None:
    swedish = _overens("validate", str(CHECKSUM), lang="sv_SE.UTF-8")
    english = _overens("validate", str(CHECKSUM), lang="C")
    assert swedish.returncode == english.returncode == 1
    assert "fel [org-number-checksum] '802450-1235' har fel kontrollsiffra" in swedish.stdout
    assert "UNDERKÄND: kontrollerade 1 fil, 1 fel, 0 varningar" in swedish.stdout
    assert "error [org-number-checksum] '802450-1235' has a wrong check digit" in english.stdout
    assert "FAILED: 1 file checked, 1 error, 0 warnings" in english.stdout


def test_a_swedish_message_is_wholly_swedish_and_keeps_its_json_path_for_json(tmp_path: Path) -> None:
    """The schema's own description of a form is quoted in the run's language, and the
    JSON path, which a person cannot look up in an editor, is in the JSON only."""
    register = tmp_path / "organisations.yaml"
    register.write_text("organisations:\n  - name: Föreningen Blåsippan\n"
                        "    representative: Åsa Öberg\n    representative_title: Ordförande\n"
                        "    status: signed\n    signed_on: 3 maj 2024\n", encoding="utf-8")
    swedish = _overens("validate", str(register), lang="sv_SE.UTF-8")
    [line] = [line for line in swedish.stdout.splitlines() if "[schema-pattern]" in line]
    assert line.endswith("fel [schema-pattern] '3 maj 2024' har fel format. Datumet då "
                         "organisationen undertecknade, ÅÅÅÅ-MM-DD (inom citattecken i YAML). "
                         "Behövs när status är undertecknat.")
    english = _overens("validate", str(register), lang="C")
    assert "The date the organisation signed, YYYY-MM-DD" in english.stdout
    assert "$." not in swedish.stdout + english.stdout
    as_json = json.loads(_overens("validate", "--format", "json", str(register),
                                  lang="sv_SE.UTF-8").stdout)
    assert [f["path"] for f in as_json["findings"]] == ["$.organisations[0].signed_on"]


def test_json_is_the_same_in_both_languages_but_for_the_messages() -> None:
    paths = [str(path) for path in sorted((EXAMPLES / "invalid").glob("*.yaml"))]
    swedish = json.loads(_overens("validate", "--format", "json", *paths,
                                  lang="sv_SE.UTF-8").stdout)
    english = json.loads(_overens("validate", "--format", "json", *paths, lang="C").stdout)
    assert swedish["summary"] == english["summary"]
    assert len(swedish["findings"]) == len(english["findings"]) > 40
    changed = 0
    for sv, en in zip(swedish["findings"], english["findings"], strict=True):
        changed += sv.pop("message") != en.pop("message")
        assert sv == en  # same keys, rule codes, severities and places
    assert changed > 30


def test_lang_overrides_the_locale(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    english: CliResult = run_cli("--lang", "en", "validate", CHECKSUM)
    assert "has a wrong check digit" in english.stdout
    swedish: CliResult = run_cli("validate", CHECKSUM, "--lang", "sv")
    assert "har fel kontrollsiffra" in swedish.stdout
    monkeypatch.setenv("LANG", "C")
    assert "har fel kontrollsiffra" in run_cli("validate", "--lang", "sv", CHECKSUM).stdout


def test_cli_errors_are_in_swedish_too(run_cli: RunCli, tmp_path: Path) -> None:
    result: CliResult = run_cli("--lang", "sv", "validate", tmp_path / "saknas")
    assert result.exit_code == 2
    assert "filen eller mappen finns inte" in result.stderr


def test_decimals_use_the_languages_decimal_sign() -> None:
    assert _i18n.decimal(3.14159) == "3.1"
    _i18n.set_language("sv")
    assert _i18n.decimal(3.14159) == "3,1"
    assert _i18n.language() == "sv"


def test_the_library_speaks_english_unless_told(tmp_path: Path) -> None:
    assert _i18n._("error") == "error"
    _i18n.set_language("sv")
    assert _i18n._("error") == "fel"
    assert _i18n.ngettext("{count} page", "{count} pages", 2) == "{count} sidor"
    _i18n.set_language("fr")  # no catalogue: English, not an error
    assert _i18n._("error") == "error"


def test_help_and_argument_errors_follow_lang(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["validate", "--lang=sv", "--help"])
    assert "varningar räknas också som fel" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--lang", "sv", "build", "--timeout", "0"])
    assert "'0' är inte ett antal sekunder större än 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    assert "where to write (default: build/)" in capsys.readouterr().out


def test_build_findings_read_in_swedish_and_their_json_is_the_same(
        orebro_copy: Path, tmp_path: Path) -> None:
    """Findings the build stages add (a template that uses a name the data lacks; --only
    without an earlier build): Swedish with --lang sv, English with LANG=C, and otherwise
    the same JSON. Neither gets as far as LibreOffice."""
    broken = template_variant(tmp_path, b"{{ agreement.title }}", b"{{ agreement.kommunnamn }}")
    (orebro_copy / "broken.docx").write_bytes(broken.read_bytes())  # beside the agreement
    agreement = orebro_copy / "agreement.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8")
                         + "template:\n  document: broken.docx\n", encoding="utf-8")
    out = str(tmp_path / "out")
    for arguments, rule, english_words, swedish_words in (
            ((), "template-undefined", "The template uses 'kommunnamn', which the data does not",
             "Mallen använder 'kommunnamn', som inte finns i uppgifterna"),
            (("--only", "asens-hembygd"), "build-only-without-build",
             "--only asens-hembygd updates an earlier build, and there is none",
             "--only asens-hembygd uppdaterar ett tidigare bygge, och det finns inget")):
        command = ("build", str(orebro_copy), "--out", out, *arguments)
        english = _overens(*command, "--format", "json", lang="C")
        swedish = _overens("--lang", "sv", *command, "--format", "json", lang="C")
        assert english.returncode == swedish.returncode != 0, english.stderr
        english_json, swedish_json = json.loads(english.stdout), json.loads(swedish.stdout)
        [english_finding] = english_json["findings"]
        [swedish_finding] = swedish_json["findings"]
        assert english_finding["rule"] == rule
        assert english_words in english_finding.pop("message")
        assert swedish_words in swedish_finding.pop("message")
        assert english_json == swedish_json
        text = _overens("--lang", "sv", *command, lang="C")
        assert f"fel [{rule}]" in text.stderr
        assert not (tmp_path / "out" / "orebro").exists()
