"""The house rules that tools do not check: modules and functions of a size one can read,
no import cycle anywhere in the repository, and generated files as their scripts write
them. (ruff, mypy --strict and import-linter's layers check the rest: `nox -s lint`.)"""

from __future__ import annotations

import ast
import importlib
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT

MODULE_LINES = 400
FUNCTION_LINES = 60
PACKAGE = ROOT / "src" / "overens_docs"
# Folders of scripts that import each other by name (python templates/default/make.py).
SCRIPT_FOLDERS = sorted({path.parent for path in (ROOT / "templates").rglob("*.py")}
                        | {ROOT / "benchmarks", ROOT / "tests"})


def _python_files() -> list[Path]:
    folders = ("src", "tests", "templates", "benchmarks")
    return sorted([ROOT / "noxfile.py",
                   *(path for folder in folders for path in (ROOT / folder).rglob("*.py"))])


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def test_no_module_over_400_lines_and_no_function_over_60() -> None:
    too_long = []
    for path in _python_files():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT).as_posix()
        if text.count("\n") > MODULE_LINES:
            too_long.append(f"{name}: {text.count(chr(10))} lines")
        for function in _functions(ast.parse(text)):
            length = (function.end_lineno or function.lineno) - function.lineno + 1
            if length > FUNCTION_LINES:
                too_long.append(f"{name}:{function.lineno} {function.name}(): {length} lines")
    assert too_long == []


def _package_module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_graph() -> dict[str, set[str]]:
    """The package's modules and which of them each imports. ``from package import name``
    imports the submodule when there is one, else the package's ``__init__``; a module's
    own package being initialised first is Python's order, not an import of the module."""
    modules = {_package_module(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {module: set() for module in modules}
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}"
                           in modules else node.module for alias in node.names]
            else:
                continue
            graph[module] |= {target for target in targets if target in modules} - {module}
    return graph


def _script_graph(folder: Path) -> dict[str, set[str]]:
    """The scripts of ``folder`` and which of them each imports by name."""
    scripts = {path.stem: path for path in folder.glob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in scripts}
    for name, path in scripts.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                graph[name] |= {alias.name for alias in node.names} & set(scripts)
            elif isinstance(node, ast.ImportFrom) and node.module in scripts:
                graph[name].add(node.module)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_anywhere() -> None:
    cycles = {"overens_docs": _cycles(_package_graph())}
    for folder in SCRIPT_FOLDERS:
        cycles[folder.relative_to(ROOT).as_posix()] = _cycles(_script_graph(folder))
    assert {place: found for place, found in cycles.items() if found} == {}


def test_the_cycle_check_sees_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.fixture
def default_scripts(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = ROOT / "templates" / "default"
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    for name in ("make", "make_template", "make_list_template", "make_letter_template",
                 "make_report_template", "ooxml", "styles"):
        sys.modules.pop(name, None)


@pytest.mark.parametrize(("script", "output"), [("make_template", "agreement.docx"),
                                                ("make_list_template", "signature-list.docx"),
                                                ("make_letter_template", "letter.docx"),
                                                ("make_report_template",
                                                 "followup-report.docx")])
def test_the_default_template_is_what_its_script_writes(
        default_scripts: Path, tmp_path: Path, script: str, output: str) -> None:
    """Fails when a script changed and was not run again (python templates/default/make.py),
    or when the committed file was edited by hand."""
    module = importlib.import_module(script)
    written = tmp_path / output
    module.write_package(written, module.parts())
    committed = default_scripts / output
    with zipfile.ZipFile(written) as new, zipfile.ZipFile(committed) as old:
        assert new.namelist() == old.namelist()
        assert [name for name in new.namelist() if new.read(name) != old.read(name)] == []
    assert written.read_bytes() == committed.read_bytes()
