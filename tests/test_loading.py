"""The loaders keep what was written, refuse what is dangerous, and never raise."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from overens_docs._load import load_csv, load_yaml, yaml_file


@pytest.fixture(params=["libyaml", "pure-python"])
def yaml_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with both PyYAML parsers: they must agree."""
    if request.param == "pure-python":
        monkeypatch.setattr(yaml_file, "_Loader", yaml.SafeLoader)
    elif not yaml.__with_libyaml__:
        pytest.fail("PyYAML is installed without libyaml; validation of large lists is slow")
    return str(request.param)


def _write(tmp_path: Path, text: str | bytes, name: str = "file.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def test_values_yaml_would_retype_are_kept_as_written(tmp_path: Path, yaml_loader: str) -> None:
    path = _write(tmp_path, "a: NO\nb: yes\nc: 0701234567\nd: 1:30\ne: 2024-01-31\nf: 1e3\n"
                            "g:\nh: ~\ni: ''\nj: 'null'\n")
    loaded = load_yaml(path)
    assert loaded.findings == []
    assert loaded.data == {"a": "NO", "b": "yes", "c": "0701234567", "d": "1:30",
                           "e": "2024-01-31", "f": "1e3", "g": None, "h": None, "i": "",
                           "j": "null"}


def test_swedish_text_survives_exactly(tmp_path: Path, yaml_loader: str) -> None:
    name = 'Föreningen "Ett & Två" <Unga> i Västerås'
    path = _write(tmp_path, f"name: '{name}'\n")
    assert load_yaml(path).data == {"name": name}


def test_positions_are_one_based_and_point_at_values(tmp_path: Path, yaml_loader: str) -> None:
    path = _write(tmp_path, "# comment\nparties:\n  - id: x\n    name: Y\n")
    loaded = load_yaml(path)
    assert loaded.source.values[("parties", 0, "name")] == (4, 11)
    assert loaded.source.keys[("parties", 0, "name")] == (4, 5)


def test_duplicate_key_names_both_lines(tmp_path: Path, yaml_loader: str) -> None:
    loaded = load_yaml(_write(tmp_path, "a: 1\nb: 2\na: 3\n"))
    [finding] = loaded.findings
    assert (finding.rule, finding.line, finding.column) == ("yaml-duplicate-key", 3, 1)
    assert "line 1 and line 3" in finding.message
    assert loaded.data == {"a": "1", "b": "2"}


def test_alias_bomb_is_refused_without_expanding(tmp_path: Path, yaml_loader: str) -> None:
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb.append(f"{level}: &{level} [{','.join(['*' + previous] * 9)}]")
    loaded = load_yaml(_write(tmp_path, "\n".join(bomb) + "\n"))
    aliases = [f for f in loaded.findings if f.rule == "yaml-alias"]
    assert len(aliases) == 8 * 9  # each alias reported where it is used, none expanded
    assert aliases[0].line == 2
    assert loaded.data["i"] == [None] * 9


def test_merge_keys_are_refused(tmp_path: Path, yaml_loader: str) -> None:
    loaded = load_yaml(_write(tmp_path, "base: &b {x: 1}\nother:\n  <<: *b\n"))
    assert {f.rule for f in loaded.findings} == {"yaml-alias"}


@pytest.mark.parametrize("document", [
    "a: !!python/object/apply:os.system ['echo hacked']\n",
    "a: !!python/name:os.system\n",
    "!!python/object:builtins.dict {}\n",
    "a: !custom x\n",
    "a: !!binary aGVq\n",
])
def test_tags_outside_the_core_set_are_refused(tmp_path: Path, yaml_loader: str, document: str) -> None:
    loaded = load_yaml(_write(tmp_path, document))
    assert [f.rule for f in loaded.findings] == ["yaml-tag"]


def test_more_than_one_document_is_a_finding(tmp_path: Path, yaml_loader: str) -> None:
    loaded = load_yaml(_write(tmp_path, "a: 1\n---\nb: 2\n"))
    assert [f.rule for f in loaded.findings] == ["yaml-syntax"]
    assert loaded.findings[0].line == 2


def test_non_utf8_yaml_is_a_finding_with_place(tmp_path: Path, yaml_loader: str) -> None:
    loaded = load_yaml(_write(tmp_path, "title: ok\nname: F\xf6reningen\n".encode("cp1252")))
    [finding] = loaded.findings
    assert (finding.rule, finding.line, finding.column) == ("encoding", 2, 8)
    assert not loaded.usable


def test_byte_order_mark_at_start_of_yaml_is_fine(tmp_path: Path, yaml_loader: str) -> None:
    loaded = load_yaml(_write(tmp_path, "\ufeffa: b\n"))
    assert loaded.data == {"a": "b"}
    assert loaded.findings == []


def test_characters_yaml_forbids_are_a_finding(tmp_path: Path, yaml_loader: str) -> None:
    loaded = load_yaml(_write(tmp_path, "a: b\x07c\n"))
    [finding] = loaded.findings
    assert finding.rule == "yaml-syntax"
    assert finding.line == 1


@pytest.mark.parametrize(("document", "place", "named"), [
    # libyaml's reader reports a byte offset: two-byte letters before it moved the place.
    ("title: Överenskommelse åäö\nname: Fö x\x07y\n", (2, 11), "U+0007 BELL"),
    ("a: ö\x00\n", (1, 5), "U+0000 NULL"),
    ("a: 'ö'\nb: ååå\x1b\n", (2, 7), "U+001B ESCAPE"),
    ("a: 😀\ufffe\n", (1, 5), "U+FFFE NONCHARACTER"),
    ("a: x\x9b\n", (1, 5), "U+009B CONTROL CHARACTER"),
])
def test_character_yaml_forbids_is_placed_and_named(tmp_path: Path, yaml_loader: str, document: str, place: tuple[int, int], named: str) -> None:
    [finding] = load_yaml(_write(tmp_path, document)).findings
    assert (finding.rule, (finding.line, finding.column)) == ("yaml-syntax", place)
    assert named in finding.message


@pytest.mark.parametrize("document", [
    "[a, b]: c\nd: e\n",
    "{a: 1}: c\nd: e\n",
    "? [a]\n: b\nd: e\n",
    "? {a: [1, {b: 2}]}\n: {c: [3]}\nd: e\n",
    "items:\n  - [a, b]: c\n    name: x\nd: e\n",
    "items:\n  - ? [a]\n    : c\nd: e\n",
    "- {[a]: b}\n- c\n",
])
def test_list_or_mapping_as_key_is_a_finding(tmp_path: Path, yaml_loader: str, document: str) -> None:
    loaded = load_yaml(_write(tmp_path, document))
    assert [f.rule for f in loaded.findings] == ["yaml-key"]
    assert "plain text" in loaded.findings[0].message
    assert loaded.usable  # the rest of the file is read as usual
    if isinstance(loaded.data, dict):
        assert loaded.data["d"] == "e"


@pytest.mark.parametrize("document", [
    "a: " + "[" * 400 + "]" * 400 + "\n",
    "a: " + "{b: " * 400 + "}" * 400 + "\n",
    "".join("  " * level + f"k{level}:\n" for level in range(300)) + "  " * 300 + "v\n",
    "".join("  " * level + "-\n" for level in range(300)) + "  " * 300 + "v\n",
])
def test_deep_nesting_is_a_finding_not_a_crash(tmp_path: Path, yaml_loader: str, document: str) -> None:
    loaded = load_yaml(_write(tmp_path, document))
    [finding] = loaded.findings
    assert finding.rule == "yaml-depth"
    assert finding.line is not None
    assert finding.line <= document.count("\n")


def test_nesting_up_to_the_limit_loads(tmp_path: Path, yaml_loader: str) -> None:
    depth = yaml_file.MAX_DEPTH
    loaded = load_yaml(_write(tmp_path, "a: " + "[" * (depth - 1) + "x" + "]" * (depth - 1) + "\n"))
    assert loaded.findings == []
    value = loaded.data["a"]
    for _ in range(depth - 1):
        value = value[0]
    assert value == "x"


@pytest.mark.parametrize(("document", "line", "column"), [
    ("a: [b, c\n", 1, 9),
    ("a: [b, c", 1, 9),
    ("a: b\nc: 'unterminated\n\n\n", 2, 17),
    ("a:\n  - b\n  - {c: d\n", 3, 10),
])
def test_truncated_file_error_points_inside_the_file(tmp_path: Path, yaml_loader: str, document: str, line: int, column: int) -> None:
    [finding] = load_yaml(_write(tmp_path, document)).findings
    assert (finding.rule, finding.line, finding.column) == ("yaml-syntax", line, column)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_line_separators_are_reported_and_do_not_shift_positions(tmp_path: Path, yaml_loader: str, separator: str) -> None:
    # YAML ends a line (and so a comment) at these characters; editors show one line.
    path = _write(tmp_path, f"a: 'ö{separator}y'\nb: \"x{separator}y\"\nc: ö\n")
    loaded = load_yaml(path)
    assert [(f.rule, f.line, f.column) for f in loaded.findings] == [
        ("text-characters", 1, 6), ("text-characters", 2, 6)]
    assert f"U+{ord(separator):04X}" in loaded.findings[0].message
    assert loaded.source.values[("b",)] == (2, 4)
    assert loaded.source.values[("c",)] == (3, 4)
    assert loaded.source.keys[("c",)] == (3, 1)


def test_line_separator_before_a_syntax_error_keeps_its_line(tmp_path: Path, yaml_loader: str) -> None:
    loaded = load_yaml(_write(tmp_path, "a: x\u2028y\nb: [\n"))
    assert ("text-characters", 1, 5) in [(f.rule, f.line, f.column) for f in loaded.findings]
    syntax = [f for f in loaded.findings if f.rule == "yaml-syntax"]
    assert syntax
    assert all(f.line is not None and f.line <= 2 for f in syntax)


@pytest.mark.parametrize(("raw", "named"), [
    ("name: Åsa\n".encode("utf-16"), "UTF-16 (little-endian, with a byte-order mark)"),
    ("name: Åsa\n".encode("utf-16-be"), "UTF-16 (big-endian)"),
    ("name: Åsa\n".encode("utf-16-le"), "UTF-16 (little-endian)"),
    (b"\xfe\xff" + "name: Åsa\n".encode("utf-16-be"), "UTF-16 (big-endian, with a byte-order mark)"),
])
def test_utf16_is_named_as_utf16(tmp_path: Path, yaml_loader: str, raw: bytes, named: str) -> None:
    for loaded in (load_yaml(_write(tmp_path, raw)),
                   load_csv(_write(tmp_path, raw, "organisations.csv"))):
        [finding] = loaded.findings
        assert finding.rule == "encoding"
        assert named in finding.message
        assert "UTF-8" in finding.message
        assert "1252" not in finding.message


def test_csv_from_excel_with_bom_and_semicolons(tmp_path: Path) -> None:
    path = _write(tmp_path, "\ufeffname;org_number;representative;representative_title\r\n"
                            '"A; B ""C""";802450-1234;Åsa;Ordförande\r\n;;;\r\n',
                  "organisations.csv")
    loaded = load_csv(path)
    assert loaded.findings == []
    assert loaded.data == {"organisations": [{
        "name": 'A; B "C"', "org_number": "802450-1234", "representative": "Åsa",
        "representative_title": "Ordförande"}]}
    assert loaded.source.values[("organisations", 0, "org_number")] == (2, 2)


def test_csv_cell_positions_follow_multiline_cells(tmp_path: Path) -> None:
    path = _write(tmp_path, 'name,representative,representative_title\n"A\nB",x,y\nC,x,y\n',
                  "organisations.csv")
    loaded = load_csv(path)
    assert loaded.source.values[("organisations", 1, "name")] == (4, 1)


def test_csv_unknown_column_is_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path, "name,representative,representative_title,Kommentar\nA,B,C,D\n",
                  "organisations.csv")
    loaded = load_csv(path)
    assert [(f.rule, f.severity.value, f.column) for f in loaded.findings] == [
        ("csv-unknown-column", "warning", 4)]
    assert loaded.data == {"organisations": [
        {"name": "A", "representative": "B", "representative_title": "C"}]}
