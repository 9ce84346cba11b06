"""The documentation's commands, run as a reader runs them, print what the pages say.

Every command in a ```console block of README.md and docs/**/*.md runs (the convention is
in ``markdown_commands.py`` and docs/development.md), page by page, each page in a
folder of its own that holds a copy of the repository's agreements/, templates/, docs/ and
tests/examples/, in English, one command after another: a build early on a page serves
the commands after it. ``nox -s build`` and ``nox -s validate`` run as what those sessions
run (``overens build`` and ``overens validate``, with what follows ``--``): these tests
run inside nox already. The blocks a page marks as not run (installing software, the test
suite itself) are listed as skipped, each with its reason; .ci/readme-setup runs the
README's set-up for Debian, and its commands with nox itself, on a fresh Debian.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from markdown_commands import PROMPTS, Block, Command, blocks, environment, matches
from overens_docs._cli.arguments import parser

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
COPIED = ("agreements", "templates", "docs", "tests/examples", "tests/make_register_sample.py")
_NOX = re.compile(r"^nox -s (build|validate)(?: -- (.*))?$")
_SHELL_LANGUAGES = ("", "sh", "bash", "shell", "console", "powershell", "ps1", "text")


def _name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def _environment(page: Path) -> dict[str, str]:
    """A reader's shell: this environment's ``overens`` first on the PATH, English unless
    the page says otherwise."""
    variables = {key: value for key, value in os.environ.items()
                 if key not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE", "SOURCE_DATE_EPOCH")}
    variables.update(LANG="C.UTF-8", PYTHONUNBUFFERED="1", COLUMNS="100",
                     PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    variables.update(environment(page))
    return variables


def _runnable(command: str) -> str:
    nox = _NOX.match(command)
    return f"overens {nox.group(1)} {nox.group(2) or ''}".strip() if nox else command


def _run(command: Command, folder: Path, root: Path,
         variables: dict[str, str]) -> tuple[Path, int, list[str]]:
    """Run ``command`` in ``folder``: the folder it leaves the reader in, its exit code and
    what it printed."""
    if command.text.startswith("cd "):
        moved = (folder / command.text.removeprefix("cd ").strip()).resolve()
        assert moved.is_relative_to(root) and moved.is_dir(), command.text
        return moved, 0, []
    done = subprocess.run(["bash", "-c", _runnable(command.text)], cwd=folder,
                          env=variables, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=600, check=False)
    lines = [line.rstrip() for line in done.stdout.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return folder, done.returncode, lines


def _copy(tmp_path: Path) -> Path:
    for name in COPIED:
        if (ROOT / name).is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / name, tmp_path / name)
        else:
            shutil.copytree(ROOT / name, tmp_path / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return tmp_path


@pytest.mark.libreoffice
@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_command_prints_what_the_page_says(page: Path, tmp_path: Path,
                                                 soffice: str) -> None:
    root = folder = _copy(tmp_path)
    variables = _environment(page)
    for block in blocks(page):
        if block.language != "console" or block.skip is not None:
            continue
        for command in block.commands:
            folder, code, printed = _run(command, folder, root, variables)
            place = f"{_name(page)}:{command.line}: $ {command.text}"
            assert code == command.exit_code, (
                f"{place}\nexited with {code}, not {command.exit_code}:\n" + "\n".join(printed))
            assert matches(command.expected, printed), (
                f"{place}\nprinted otherwise than the page says (- the page, + printed):\n"
                + "\n".join(difflib.unified_diff(command.expected, printed, lineterm="")))


_NOT_RUN = [block for page in PAGES for block in blocks(page)
            if block.language == "console" and block.skip is not None]


@pytest.mark.parametrize("block", _NOT_RUN, ids=lambda block: f"{_name(block.file)}:{block.line}")
def test_the_blocks_not_run_are_listed(block: Block) -> None:
    commands = "; ".join(command.text for command in block.commands)
    assert commands, f"{_name(block.file)}:{block.line}: a block not run holds no command"
    pytest.skip(f"{_name(block.file)}:{block.line}: not run ({block.skip}): {commands}")


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_commands_are_shown_only_where_they_are_run(page: Path) -> None:
    """A command in any other block (```sh, ```text) would never be run: each goes into a
    ```console block, run or marked as not run."""
    elsewhere = [f"{_name(page)}:{block.line} ({block.language or 'no language'})"
                 for block in blocks(page) if block.language in _SHELL_LANGUAGES
                 and block.language != "console"
                 and any(line.startswith(PROMPTS) for line in block.lines)]
    assert elsewhere == []


def test_the_readme_is_short() -> None:
    assert (ROOT / "README.md").read_text(encoding="utf-8").count("\n") < 200


def _commands() -> list[str]:
    """Every command of ``overens``: ``validate``, ..., ``template new``, ``template check``."""
    found = []
    for action in parser()._subparsers._group_actions:  # type: ignore[union-attr]
        for name, command in action.choices.items():  # type: ignore[union-attr]
            subcommands = [a for a in command._actions if a.dest == "action" and a.choices]
            found += ([f"{name} {sub}" for sub in subcommands[0].choices] if subcommands
                      else [name])
    return found


@pytest.mark.parametrize("page", ["docs/handbok.md", "docs/handbook.md", "docs/reference.md"])
def test_every_command_is_in_the_handbook_and_the_reference(page: str) -> None:
    """A command added to ``overens`` fails this until the handbook, in both languages,
    shows it at work and the reference has a section for it."""
    text = (ROOT / page).read_text(encoding="utf-8")
    commands = _commands()
    assert len(commands) >= 7
    if page == "docs/reference.md":
        missing = [c for c in commands if f"\n### `overens {c}`" not in text]
    else:
        missing = [c for c in commands if not re.search(
            rf"^\$ (?:\S+=\S+ )*overens {re.escape(c)}\b", text, re.MULTILINE)]
    assert missing == []


def _fields(node: dict[str, object], definitions: dict[str, object], prefix: str = "") -> list[str]:
    """Every key of a JSON Schema's object, as a dotted path (``parties[].commitments[].id``)."""
    found = []
    properties = node.get("properties", {})
    assert isinstance(properties, dict)
    for key, given in properties.items():
        path = f"{prefix}{key}"
        found.append(path)
        value = ({**definitions[given["$ref"].split("/")[-1]], **given}  # type: ignore[dict-item]
                 if "$ref" in given else given)
        if value.get("type") == "array" and isinstance(value.get("items"), dict):
            found += _fields(value["items"], definitions, f"{path}[].")
        found += _fields(value, definitions, f"{path}.")
    return found


@pytest.mark.parametrize("name", ["agreement", "organisations"])
def test_the_reference_names_every_field(name: str) -> None:
    """Every key the schema knows has a row of its own in the reference's tables."""
    schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
    text = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    fields = _fields(schema, schema.get("$defs", {}))
    assert len(fields) > 10
    assert [field for field in fields if f"`{field}`" not in text] == []
