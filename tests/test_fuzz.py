"""Fuzz: thousands of seeded random mutations of the sample files, through the CLI.

Whatever the mutation (a deleted key, a changed type, invisible or control characters, a
truncated file, swapped lines, broken indentation, a list as a key ...), ``overens validate
--format json`` must exit 0, 1 or 2 without an exception, print JSON, and place every
finding inside the file. Each case is reproducible from its seed: a failure names the seed,
the mutations and a copy of the mutated file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import OREBRO
from overens_docs._cli import main

BLOCKS = 10
CASES_PER_BLOCK = 210  # 2,100 mutated files in all


def _orebro_as_csv() -> bytes:
    """The sample's organisations as Excel writes them: UTF-8 with a BOM, ';', CRLF."""
    rows = yaml.safe_load((OREBRO / "organisations.yaml").read_text("utf-8"))["organisations"]
    columns = ["id", "name", "org_number", "representative", "representative_title", "email"]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


SOURCES = {
    "agreement.yaml": (OREBRO / "agreement.yaml").read_bytes(),
    "organisations.yaml": (OREBRO / "organisations.yaml").read_bytes(),
    "organisations.csv": _orebro_as_csv(),
}

# Characters that have broken parsers and documents: controls, format and bidi characters,
# YAML-only line breaks, a BOM, noncharacters, combining marks, astral characters.
TROUBLE = [
    *(chr(code) for code in range(0x20)), "\x7f", "\x85", "\x9b", "\u00a0", "\u00ad",
    "\u061c", "\u180e", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2028", "\u2029",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2060", "\u2066", "\u2067", "\u2068",
    "\u2069", "\ufeff", "\ufffe", "\uffff", "\u0301", "😀", "\U000e0001", "å", "Ö", "&", "<",
    '"', "'", "{{", "{%", ":", "- ", "#", "[", "]", "{", "}", ",", "*", "&a", "!", "|", ">",
    "%", "@", "`", "?", ";", "\t", "\r", "\n",
]
VALUES = ["[a, b]", "{x: 1}", "[]", "{}", "", "~", "null", "123", "-1.5e3", "true", "NO",
          "2024-02-30", "'quoted'", '"dq\\u202e"', "!!python/object/apply:os.system [ls]",
          "!custom x", "*alias", "&anchor v", "|\n  block", ">-\n  folded", "- item",
          "? [k]", "<<: {a: 1}", "'" + "x" * 400 + "'", "ö" * 300]

Mutation = Callable[[random.Random, bytes], tuple[bytes, str]]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def _pick_line(rng: random.Random, lines: list[bytes], pattern: bytes = rb"") -> int:
    matching = [i for i, line in enumerate(lines) if re.search(pattern, line)] or [0]
    return rng.choice(matching)


def delete_key(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """A key and everything indented under it."""
    lines = _lines(data)
    start = _pick_line(rng, lines, rb"^\s*(- )?[\w\"']+:")
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or
                                len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    return b"".join(lines[:start] + lines[end:]), f"delete key block, lines {start + 1}-{end}"


def change_type(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    lines = _lines(data)
    index = _pick_line(rng, lines, rb":( |$)")
    key, _, _ = lines[index].partition(b":")
    value = rng.choice(VALUES)
    lines[index] = key + b": " + value.encode("utf-8") + b"\n"
    return b"".join(lines), f"line {index + 1}: value -> {value[:40]!r}"


def change_cell(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """A CSV cell (or any ';'/','-separated part) replaced."""
    lines = _lines(data)
    index = rng.randrange(len(lines))
    parts = re.split(rb"([;,])", lines[index])
    position = rng.randrange(0, len(parts), 2)
    value = rng.choice([*VALUES, '"', '"a""b"', '"open', "x;y", "=1+1"])
    parts[position] = value.encode("utf-8")
    return b"".join(parts), f"line {index + 1}: cell {position // 2 + 1} -> {value[:40]!r}"


def insert_characters(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    text = data.decode("utf-8", errors="surrogateescape")
    inserted = []
    for _ in range(rng.randint(1, 4)):
        position = rng.randrange(len(text) + 1)
        character = rng.choice(TROUBLE) if rng.random() < 0.8 else chr(rng.randrange(0x110000))
        if len(character) == 1 and 0xD800 <= ord(character) <= 0xDFFF:
            character = "\ufffd"  # a lone surrogate cannot be written as UTF-8
        text = text[:position] + character + text[position:]
        inserted.append(f"U+{ord(character[0]):04X}@{position}")
    return text.encode("utf-8", errors="surrogateescape"), "insert " + ", ".join(inserted)


def truncate(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    cut = rng.randrange(len(data) + 1)
    return data[:cut], f"truncate at byte {cut}"


def duplicate_line(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    lines = _lines(data)
    index = rng.randrange(len(lines))
    lines.insert(index, lines[index])
    return b"".join(lines), f"duplicate line {index + 1}"


def swap_lines(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    lines = _lines(data)
    first, second = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[first], lines[second] = lines[second], lines[first]
    return b"".join(lines), f"swap lines {first + 1} and {second + 1}"


def break_indentation(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    lines = _lines(data)
    index = rng.randrange(len(lines))
    change = rng.choice([b" ", b"   ", b"\t", b"-", b"- ", b""])
    stripped = lines[index].lstrip(b" ") if change == b"" or rng.random() < 0.5 else lines[index]
    lines[index] = change + stripped
    return b"".join(lines), f"line {index + 1}: indentation {change!r}"


def flow_key(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    lines = _lines(data)
    index = _pick_line(rng, lines, rb"^\s*(- )?\w+:")
    match = re.match(rb"^(\s*(?:- )?)(\w+):(.*)$", lines[index], re.DOTALL)
    if match is None:
        return data, "no key for a flow key"
    indent, key, rest = match.groups()
    form = rng.choice([b"[%s, x]:", b"{%s: 1}:", b"? [%s]\n" + indent + b":", b"[[%s]]:",
                       b"*%s :", b"!!str %s:", b"<<:"])
    lines[index] = indent + (form.replace(b"%s", key) if b"%s" in form else form) + rest
    return b"".join(lines), f"line {index + 1}: key {key!r} as {form!r}"


def nest_deeply(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    lines = _lines(data)
    index = _pick_line(rng, lines, rb": ")
    depth = rng.choice([20, 49, 50, 51, 400, 1000])
    opener, closer = rng.choice([(b"[", b"]"), (b"{a: ", b"}")])
    key, _, _ = lines[index].partition(b": ")
    lines[index] = key + b": " + opener * depth + b"x" + closer * depth + b"\n"
    return b"".join(lines), f"line {index + 1}: nested {depth} deep"


def re_encode(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    encoding = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1", "utf-32"])
    return text.encode(encoding, errors="replace"), f"saved as {encoding}"


def random_bytes(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    position = rng.randrange(len(data) + 1)
    junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 6)))
    return data[:position] + junk + data[position:], f"bytes {junk!r} at {position}"


MUTATIONS: list[tuple[Mutation, int]] = [  # (mutation, weight)
    (delete_key, 3), (change_type, 3), (change_cell, 1), (insert_characters, 4),
    (truncate, 2), (duplicate_line, 2), (swap_lines, 2), (break_indentation, 3),
    (flow_key, 2), (nest_deeply, 1), (re_encode, 1), (random_bytes, 1),
]


def mutate(seed: str) -> tuple[str, bytes, list[str]]:
    """The file name, mutated content and mutations of case ``seed``; reproducible."""
    rng = random.Random(seed)  # noqa: S311 -- reproducible test data, not secrets
    name = rng.choice(sorted(SOURCES))
    data = SOURCES[name]
    done = []
    functions, weights = zip(*MUTATIONS, strict=True)
    for mutation in rng.choices(functions, weights, k=rng.choice([1, 1, 2, 3])):
        data, description = mutation(rng, data)
        done.append(f"{mutation.__name__}: {description}")
    return name, data, done


def _editor_lines(data: bytes) -> list[str]:
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    lines = re.split(r"\r\n|\r|\n", text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


def _problems(files: dict[str, bytes], exit_code: int, stdout: str) -> list[str]:
    """What is wrong with a run over ``files`` (name -> content); nothing if all is well."""
    if exit_code not in (0, 1, 2):
        return [f"exit code {exit_code}"]
    try:
        document = json.loads(stdout)
    except json.JSONDecodeError as error:
        return [f"stdout is not JSON ({error}): {stdout[:300]!r}"]
    if exit_code == 2:
        return [] if "error" in document else ["exit code 2 without an error in the JSON"]
    problems = []
    for finding in document["findings"]:
        line, column = finding["line"], finding["column"]
        name = Path(finding["file"]).name
        if name not in files:
            problems.append(f"a finding about an unknown file: {finding}")
            continue
        lines = _editor_lines(files[name])
        if line is not None and not 1 <= line <= len(lines):
            problems.append(f"line {line} outside 1..{len(lines)}: {finding}")
        elif column is not None and column < 1:
            problems.append(f"column {column} < 1: {finding}")
        elif (line is not None and column is not None and not name.endswith(".csv")
              and column > len(lines[line - 1]) + 1):
            problems.append(f"column {column} beyond line {line} "
                            f"({len(lines[line - 1])} characters): {finding}")
    return problems


def _write_case(folder: Path, seed: str) -> tuple[Path, dict[str, bytes], list[str]]:
    """The mutated file alone, or (one case in four) in an agreement folder beside the
    other sample file, which the CLI then checks as a whole."""
    name, data, mutations = mutate(seed)
    files = {name: data}
    target = folder / name
    chance = random.Random(f"{seed}-folder")  # noqa: S311 -- reproducible, not secret
    if chance.random() < 0.25:
        other = (chance.choice(["organisations.yaml", "organisations.csv"])
                 if name == "agreement.yaml" else "agreement.yaml")
        files[other] = SOURCES[other]
        target = folder
    folder.mkdir()
    for file_name, content in files.items():
        (folder / file_name).write_bytes(content)
    return target, files, [f"{name}{' in a folder' if target == folder else ''}", *mutations]


@pytest.mark.parametrize("block", range(BLOCKS))
def test_mutated_samples_give_findings_in_place_never_a_crash(tmp_path: Path, block: int) -> None:
    failures = []
    for case in range(CASES_PER_BLOCK):
        seed = f"{block}-{case}"
        target, files, mutations = _write_case(tmp_path / seed, seed)
        stdout, stderr = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                exit_code = main(["validate", "--format", "json", str(target)])
        except BaseException as error:  # noqa: BLE001 -- any exception is the failure reported
            problems = [f"{type(error).__name__}: {error}"]
        else:
            problems = _problems(files, exit_code, stdout.getvalue())
        if problems:
            kept = tmp_path / "failed" / seed
            shutil.copytree(tmp_path / seed, kept)
            failures.append(f"seed {seed!r} ({'; '.join(mutations)}; files kept in {kept}):"
                            "\n    " + "\n    ".join(problems))
        shutil.rmtree(tmp_path / seed)
    assert not failures, f"{len(failures)} of {CASES_PER_BLOCK} cases failed " \
        f"(reproduce one with mutate(seed)):\n" + "\n".join(failures[:10])
