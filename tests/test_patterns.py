"""Every regular expression overens-docs runs costs time linear in what it reads.

A backtracking engine (Python's ``re``, and jsonschema's and fastjsonschema's use of it)
takes quadratic or exponential time on some patterns: the e-mail pattern once took 28 s
on an 80 KB value. The patterns checked are all of them, found rather than listed: every
compiled pattern at the top level of a module of the package, and every ``pattern`` in the
JSON Schemas; a pattern written inline in a function would escape the check, so none may be.

For each pattern, strings that match it are made from its own syntax tree, then pumped
(a piece of the string repeated, as in every known attack on such patterns) and followed
by a character that makes the match fail. The pumped strings are screened at 300 and
3,000 characters, and the worst are measured at 1 KB, 10 KB, 100 KB and 1 MB: each step
ten times longer may cost at most 30 times as long (linear cost gives 10, quadratic 100).
The times are compared with each other, on the same machine in the same run, never with
a fixed limit; each is the fastest of several runs, so a busy machine slows all alike.
"""

from __future__ import annotations

import ast
import functools
import importlib
import json
import pkgutil
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, AnyStr

import pytest

import overens_docs
from conftest import ROOT

_parser: Any = importlib.import_module("re._parser")
_constants: Any = importlib.import_module("re._constants")

STEP = 10  # each size ten times the one before
MOST = 30  # a step may cost at most this many times the one before
SIZES = (1_000, 10_000, 100_000, 1_000_000)
# Characters to build examples from: one of each kind a pattern tells apart.
REPRESENTATIVES = "a 0Z.@-_:/<>{}%#\n\t!\"'=;,+*?()[]\\$^|~é\u2028\x00"


def _module_patterns() -> Iterator[tuple[str, re.Pattern[Any]]]:
    package = overens_docs.__path__
    for module in pkgutil.walk_packages(package, prefix="overens_docs."):
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            if isinstance(value, re.Pattern):
                yield f"{module.name}.{name}", value


def _schema_patterns() -> Iterator[tuple[str, re.Pattern[Any]]]:
    def walk(node: Any, path: str) -> Iterator[tuple[str, re.Pattern[Any]]]:
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                yield path, re.compile(node["pattern"])  # as jsonschema compiles it
            for key, value in node.items():
                yield from walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, f"{path}/{index}")

    for schema in sorted((ROOT / "schemas").glob("*.json")):
        yield from walk(json.loads(schema.read_text(encoding="utf-8")), schema.name)


def _patterns() -> dict[str, re.Pattern[Any]]:
    found: dict[str, re.Pattern[Any]] = {}
    seen: set[tuple[Any, int]] = set()
    for name, pattern in [*_module_patterns(), *_schema_patterns()]:
        if (pattern.pattern, pattern.flags) not in seen:
            seen.add((pattern.pattern, pattern.flags))
            found[name] = pattern
    return found


PATTERNS = _patterns()


def test_patterns_are_found() -> None:
    names = set(PATTERNS)
    assert any(name.endswith("email") and ".schema.json" in name
               for name in names)
    assert "overens_docs._validate.register_rules._VERSION" in names
    assert len(names) > 30


def _inline_patterns(path: Path) -> Iterator[str]:
    """``re.search(r"...", ...)`` and the like, and ``re.compile`` inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    in_functions = {id(node) for function in ast.walk(tree)
                    if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
                    for node in ast.walk(function)}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                and node.args and (node.func.attr != "compile" or id(node) in in_functions)):
            yield f"{path.relative_to(ROOT)}:{node.lineno}: re.{node.func.attr}"


def test_every_pattern_is_compiled_at_the_top_of_its_module() -> None:
    """So that the test below finds it."""
    inline = [found for path in sorted((ROOT / "src").rglob("*.py"))
              for found in _inline_patterns(path)]
    assert inline == []


# --- strings that match a pattern, made from its syntax tree ---------------------------

_CATEGORY = {
    "CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W",
    "CATEGORY_LINEBREAK": r"\n", "CATEGORY_NOT_LINEBREAK": r"[^\n]",
}


def _in_class(character: str, items: list[tuple[Any, Any]]) -> bool:
    negate, inside = False, False
    for op, value in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            inside |= ord(character) == value
        elif name == "RANGE":
            inside |= value[0] <= ord(character) <= value[1]
        elif name == "CATEGORY":
            inside |= re.fullmatch(_CATEGORY.get(str(value), r"\w"), character) is not None
    return inside != negate


def _other(code: int, character: str) -> bool:
    return ord(character) != code


def _in(items: list[tuple[Any, Any]], character: str) -> bool:
    return _in_class(character, items)


def _pick(test: Callable[[str], bool], variant: int) -> str:
    fitting = [character for character in REPRESENTATIVES if test(character)]
    return fitting[variant % len(fitting)] if fitting else ""


def _example(tree: Any, variant: int) -> str:
    text = []
    for op, value in tree:
        name = str(op)
        if name == "LITERAL":
            text.append(chr(value))
        elif name == "NOT_LITERAL":
            text.append(_pick(functools.partial(_other, value), variant))
        elif name == "ANY":
            text.append(_pick(lambda c: c != "\n", variant))
        elif name == "IN":
            text.append(_pick(functools.partial(_in, value), variant))
        elif name == "CATEGORY":
            text.append(_pick(functools.partial(_in, [("CATEGORY", value)]), variant))
        elif name == "BRANCH":
            branches = value[1]
            text.append(_example(branches[variant % len(branches)], variant))
        elif name == "SUBPATTERN":
            text.append(_example(value[-1], variant))
        elif name == "ASSERT" and value[0] == 1:  # a lookahead: what follows
            text.append(_example(value[1], variant))
        elif name == "ATOMIC_GROUP":
            text.append(_example(value, variant))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            least, most, item = value
            count = min(max(least, 1 + variant % 3), most)
            text.append(_example(item, variant) * count)
    return "".join(text)


def _tree(pattern: re.Pattern[Any]) -> Any:
    source = pattern.pattern
    if isinstance(source, bytes):
        return _parser.parse(source.decode("latin-1"), 0)
    return _parser.parse(source, pattern.flags & ~re.ASCII)


def _literals(tree: Any) -> set[str]:
    """The characters a pattern names (its literals, and those in its classes) that are
    neither letters nor digits: the ones that end or separate what it matches."""
    found: set[str] = set()
    for op, value in tree:
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL"):
            found.add(chr(value))
        elif name == "IN":
            found |= {chr(item) for kind, item in value if str(kind) == "LITERAL"}
        elif name == "BRANCH":
            for branch in value[1]:
                found |= _literals(branch)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            found |= _literals(value[2])
        elif name == "SUBPATTERN":
            found |= _literals(value[-1])
    return {character for character in found if not character.isalnum()}


def _examples(pattern: re.Pattern[Any]) -> list[Any]:
    source = pattern.pattern
    tree = _tree(pattern)
    found: list[Any] = []
    for variant in range(3):
        example: Any = _example(tree, variant)
        if isinstance(source, bytes):
            example = example.encode("latin-1", errors="ignore")
        if example and example not in found and pattern.search(example) is not None:
            found.append(example)
    return found


def _attacks(pattern: re.Pattern[Any]) -> Iterator[Callable[[int], Any]]:
    """Each attack is a function of a length giving a string of about that length: a
    matching string with one piece of it repeated, followed by a character that fails."""
    suffixes = ["", "\x00", " ", "\n", *sorted(_literals(_tree(pattern)) - set(" \n"))[:6]]
    for example in _examples(pattern):
        cast: Callable[[str], Any] = ((lambda text: text.encode("latin-1", "ignore"))
                                      if isinstance(example, bytes) else str)
        # Every short piece, and every beginning (a long opener such as "beginbfchar").
        pieces = {(start, start + width) for start in range(len(example))
                  for width in (1, 2, 3, 4) if start + width <= len(example)}
        pieces |= {(0, end) for end in range(5, min(len(example), 16) + 1)}
        for start, end in sorted(pieces):
            for tail in {example[end:], example[:0]}:
                for suffix in suffixes:
                    yield _pumped(example[:start], example[start:end], tail + cast(suffix))


def _pumped(head: AnyStr, pump: AnyStr, tail: AnyStr) -> Callable[[int], AnyStr]:
    return lambda length: head + pump * max(1, length // len(pump)) + tail


def _cost(pattern: re.Pattern[Any], text: Any, *, least: float = 0.0) -> float:
    """Seconds one search of ``text`` takes: the fastest of three runs, each repeating the
    search for at least ``least`` seconds."""
    best = float("inf")
    for _ in range(3):
        runs, started = 0, time.perf_counter()
        while True:
            pattern.search(text)
            runs += 1
            elapsed = time.perf_counter() - started
            if elapsed >= least:
                break
        best = min(best, elapsed / runs)
    return best


def _growth(pattern: re.Pattern[Any], attack: Callable[[int], Any]) -> str | None:
    """Why the cost of ``attack`` grows faster than its length, or None. A step that looks
    too dear is measured again, both sizes, before it counts: a machine busy with other
    work slows one measurement, a pattern that is not linear every one."""
    before = _cost(pattern, attack(SIZES[0]), least=0.01)
    for size in SIZES[1:]:
        cost = _cost(pattern, attack(size), least=0.01)
        if cost > MOST * before:  # measured again, both, before it counts
            before = _cost(pattern, attack(size // STEP), least=0.02)
            cost = _cost(pattern, attack(size), least=0.02)
            if cost > MOST * before:
                sample = attack(40)
                return (f"{size // STEP:,} -> {size:,} characters of {sample!r}...: "
                        f"{before * 1000:.2f} ms -> {cost * 1000:.2f} ms")
        before = cost
    return None


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_a_pattern_costs_time_linear_in_the_length_it_reads(name: str) -> None:
    pattern = PATTERNS[name]
    screened: dict[Any, tuple[float, Callable[[int], Any]]] = {}
    for attack in _attacks(pattern):
        small_text = attack(300)
        if small_text in screened:
            continue
        small, large = _cost(pattern, small_text), _cost(pattern, attack(3_000))
        screened[small_text] = (large / max(small, 1e-9), attack)
        if large > MOST * small and (problem := _growth(pattern, attack)) is not None:
            pytest.fail(f"{name} ({pattern.pattern!r}) is not linear: {problem}")
    assert screened, f"no example was made for {name}"
    worst = max(screened.values(), key=lambda item: item[0])[1]
    problem = _growth(pattern, worst)  # up to 1 MB, for the worst looking one
    assert problem is None, f"{name} ({pattern.pattern!r}) is not linear: {problem}"


# --- the whole validation, on a list whose every value is long and made to hurt ---------

_FIELDS = ("id", "name", "org_number", "representative", "representative_title", "email",
           "status", "signed_on", "left_on", "signed_version", "kind", "decision", "contact")
_HURTING: tuple[Callable[[int], str], ...] = (
    lambda n: "a@" + "a." * (n // 2) + " ",  # the e-mail pattern's undoing
    lambda n: "0" * 11 + " " * n + "x",  # a fingerprint that never ends
    lambda n: " " * n + "x",
    lambda n: "{" * n,
    lambda n: "a" * n + "\x00",
    lambda n: "\u200b" * n,
    lambda n: "802002-" + "8" * n,
)


def _hurting_list(folder: Path, size: int) -> Path:
    """organisations.yaml of about ``size`` characters: one organisation per kind of
    hurting value, every field of it holding that value."""
    each = max(1, size // (len(_HURTING) * len(_FIELDS)))
    lines = ["organisations:"]
    for make in _HURTING:
        value = json.dumps(make(each))  # YAML reads JSON's double-quoted strings
        lines.append(f"  - {_FIELDS[0]}: {value}")
        lines += [f"    {field}: {value}" for field in _FIELDS[1:]]
    path = folder / f"{size}.organisations.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_validation_costs_time_linear_in_the_size_of_the_list(tmp_path: Path) -> None:
    from overens_docs._read import read_target  # noqa: PLC0415
    from overens_docs._targets import Target  # noqa: PLC0415

    def cost(size: int) -> float:
        path = _hurting_list(tmp_path, size)
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            checked = read_target(Target(tmp_path, only=path))
            best = min(best, time.perf_counter() - started)
        assert not checked.valid
        return best

    before = cost(SIZES[1])
    for size in SIZES[2:]:
        now = cost(size)
        assert now <= MOST * before, (
            f"{size // STEP:,} -> {size:,} characters: {before:.3f} s -> {now:.3f} s")
        before = now
