"""Fuzz: seeded random mutations of the default Word template, through ``overens template
check`` and, for some, through a small build.

Whatever the mutation (bytes of the archive changed, a part's XML cut, broken or given a
tag, an attribute, an entity or a link; a part removed or added), ``template check`` gives
findings and its JSON, never a traceback, and a build either builds or gives findings, and
writes nothing outside its build folder. Each case is reproducible from its seed.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import OREBRO, ROOT
from overens_docs._cli import main

DEFAULT = ROOT / "templates" / "default" / "agreement.docx"
BLOCKS = 4
CASES_PER_BLOCK = 60  # 240 mutated templates through template check
BUILDS = 3  # of them, through a build of a small agreement
with zipfile.ZipFile(DEFAULT) as _original:
    PARTS = {info.filename: _original.read(info) for info in _original.infolist()}
JUNK = [b"", b"<", b">", b"&", b'"', b"&amp;", b"&#0;", b"<w:p>", b"</w:p>", b"<w:r>",
        b"{{", b"}}", b"{%", b"%}", b"{{ x }}", b"{% for x in organisations %}",
        b"{% endfor %}", b"{{ 9 ** 99999 }}", b"{{ organisation.__class__ }}", b"\xff\xfe",
        b'r:id="rIdHeader9"', b'w:val="Nonexistent"', b"<!DOCTYPE x>", b"<w:tbl>",
        b'<w:instrText>INCLUDETEXT "/etc/hosts"</w:instrText>', b'TargetMode="External"',
        "ö".encode(), b"\x00", b"<w:drawing/>", b"<w:fldSimple w:instr=\"PAGE\"/>"]

# In text: tags broken, unknown, unsafe, heavy; characters XML writes escaped.
TEXT_JUNK = [b"{{", b"}}", b"{%", b"%}", b"{{ x }}", b"{% if %}", b"{% endfor %}",
             b"{% for o in organisations %}", b"{{ organisation.nope }}", b"{{ agreement.__class__ }}",
             b"{{ 9 ** (9 ** 9) }}", b'{{ "x" * 10000000 }}', b"{% include 'x' %}",
             b"{%p if x %}", b"{{ lipsum() }}", b"{{ range(10**9)|list }}", b"&amp;&lt;", "Ö".encode(),
             b"{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", b"{{ '%099999999d' % 1 }}"]

Mutation = Callable[[random.Random, dict[str, bytes]], str]


def _xml_parts(parts: dict[str, bytes]) -> list[str]:
    return sorted(name for name in parts if name.endswith((".xml", ".rels"))) or sorted(parts)


def splice(rng: random.Random, parts: dict[str, bytes]) -> str:
    name = rng.choice(_xml_parts(parts))
    data = parts[name]
    where = rng.randrange(len(data) + 1)
    cut = rng.choice([0, 0, 1, 5, 40, 400])
    junk = rng.choice(JUNK)
    parts[name] = data[:where] + junk + data[where + cut:]
    return f"{name}: {junk[:30]!r} at {where}, {cut} bytes cut"


def text(rng: random.Random, parts: dict[str, bytes]) -> str:
    """Jinja and text where Word keeps text: the XML stays well-formed."""
    name = rng.choice([n for n in parts if re.fullmatch(r"word/(document|header\d|footer\d)\.xml", n)]
                      or sorted(parts))
    found = list(re.finditer(rb"<w:t(?: [^>]*)?>", parts[name]))
    if not found:
        return f"{name}: no text"
    match = rng.choice(found)
    junk = rng.choice(TEXT_JUNK)
    parts[name] = parts[name][:match.end()] + junk + parts[name][match.end():]
    return f"{name}: text {junk!r} at {match.end()}"


def attribute(rng: random.Random, parts: dict[str, bytes]) -> str:
    name = rng.choice(_xml_parts(parts))
    found = list(re.finditer(rb'="[^"]*"', parts[name]))
    if not found:
        return f"{name}: no attribute"
    match = rng.choice(found)
    value = rng.choice([b"", b"-1", b"99999999999", b"x", b"rIdNone", b"../../../etc/passwd",
                        b"http://127.0.0.1:9/x", b"\xc3\x28", b"true", b"1e400"])
    parts[name] = parts[name][:match.start()] + b'="' + value + b'"' + parts[name][match.end():]
    return f"{name}: attribute at {match.start()} -> {value!r}"


def part(rng: random.Random, parts: dict[str, bytes]) -> str:
    choice = rng.randrange(3)
    name = rng.choice(sorted(parts))
    if choice == 0:
        del parts[name]
        return f"removed {name}"
    if choice == 1:
        parts[name] = b""
        return f"emptied {name}"
    extra = rng.choice(["word/vbaProject.bin", "word/media/x.png", "customXml/item1.xml",
                        "word/header9.xml"])
    parts[extra] = rng.choice([b"\xd0\xcf\x11\xe0", b"<x/>", bytes(1000)])
    return f"added {extra}"


MUTATIONS: list[tuple[Mutation, int]] = [(text, 6), (splice, 3), (attribute, 3), (part, 1)]


def mutated(seed: str, path: Path) -> list[str]:
    """Write case ``seed``'s template to ``path``; what was done to it."""
    rng = random.Random(seed)  # noqa: S311 -- reproducible test data, not secrets
    parts = dict(PARTS)
    functions, weights = zip(*MUTATIONS, strict=True)
    done = [function(rng, parts)
            for function in rng.choices(functions, weights, k=rng.choice([1, 1, 2, 3]))]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            package.writestr(name, content)
    data = bytearray(buffer.getvalue())
    if rng.random() < 0.15:  # the archive itself damaged
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        done.append("archive bytes changed")
    path.write_bytes(bytes(data))
    return done


def _run(*arguments: str | Path) -> tuple[int, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        exit_code = main([str(argument) for argument in arguments])
    return exit_code, stdout.getvalue()


@pytest.mark.parametrize("block", range(BLOCKS))
def test_mutated_templates_give_findings_never_a_traceback(tmp_path: Path, block: int) -> None:
    failures = []
    for case in range(CASES_PER_BLOCK):
        seed = f"template-{block}-{case}"
        template = tmp_path / f"{seed}.docx"
        done = mutated(seed, template)
        try:
            exit_code, stdout = _run("template", "check", template, "--format", "json")
            findings = json.loads(stdout)["findings"]
        except BaseException as error:  # noqa: BLE001 -- any exception is the failure reported
            failures.append(f"{seed} ({'; '.join(done)}): {type(error).__name__}: {error}")
            continue
        if exit_code not in (0, 1) or (exit_code == 1 and not findings):
            failures.append(f"{seed} ({'; '.join(done)}): exit {exit_code}, {stdout[:300]}")
        template.unlink()
    assert not failures, f"{len(failures)} cases failed:\n" + "\n".join(failures[:10])


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.libreoffice
@pytest.mark.parametrize("case", range(BUILDS))
def test_a_build_with_a_mutated_template_builds_or_gives_findings(
        tmp_path: Path, soffice: str, case: int) -> None:
    """A small agreement (two organisations) built with a mutated template: it builds, or it
    gives findings at the template (exit 3), never a traceback; nothing is written outside
    the build folder, and a failed build leaves no build folder."""
    folder = tmp_path / "work" / "agreements" / "liten"
    shutil.copytree(OREBRO, folder)
    organisations = (OREBRO / "organisations.yaml").read_text(encoding="utf-8")
    first_two = organisations.split("\n  - ")[:3]
    (folder / "organisations.yaml").write_text("\n  - ".join(first_two) + "\n",
                                               encoding="utf-8")
    # The first two: mutations that a template check lets through (the build must stand
    # them, through LibreOffice); the last: one it does not, but for being unreadable.
    for attempt in range(200):
        done = mutated(f"build-{case}-{attempt}", folder / "mall.docx")
        exit_code, stdout = _run("template", "check", folder / "mall.docx", "--format", "json")
        rules = {finding["rule"] for finding in json.loads(stdout)["findings"]}
        if (exit_code == 0) if case < BUILDS - 1 else (rules and "template-unreadable" not in
                                                       rules):
            break
    agreement = folder / "agreement.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8")
                         + "template:\n  document: mall.docx\n", encoding="utf-8")
    before = _snapshot(tmp_path / "work")
    out = tmp_path / "work" / "build"
    exit_code, stdout = _run("build", folder, "--out", out, "--format", "json")
    document = json.loads(stdout)
    assert exit_code in (0, 1, 3), (done, stdout[:500])
    assert exit_code == 0 or document.get("findings") or document.get("error"), (done, stdout)
    after = {name: data for name, data in _snapshot(tmp_path / "work").items()
             if not name.startswith("build/")}
    assert after == before, done
    if exit_code != 0:
        assert not (out / "liten").exists()
    if out.exists():  # the build, and the texts kept beside it
        assert {path.name for path in out.iterdir()} <= {"liten", "liten.versions"}
