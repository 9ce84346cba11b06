"""The commands a Markdown page shows, and what it says they print (``tests/test_docs.py``).

The convention (``docs/development.md``, "Commands in the documentation"):

- A command is a line ``$ command`` (``PS> command`` on Windows) in a ```` ```console ````
  block; the lines after it, up to the next command or the end of the block, are what it
  prints: standard output and standard error together, as a terminal shows them.
- ``...`` on a line of its own stands for any number of lines (none too); ``...`` within a
  line stands for any text in that line (a time, a path).
- A command exits with 0, unless its line ends in the comment ``# exit code N``.
- A block right after the comment ``<!-- docs-test: skip, REASON -->`` is not run:
  commands that install software, or that are the test suite itself.
- ``<!-- docs-test: env NAME=VALUE -->`` sets an environment variable for the page's
  commands: ``LANG=sv_SE.UTF-8`` on a page in Swedish, which shows Swedish output.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PROMPTS = ("$ ", "PS> ")
_FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w-]*)")
_SKIP = re.compile(r"^<!--\s*docs-test:\s*skip,\s*(.+?)\s*-->$")
_EXIT = re.compile(r"\s+#\s*exit code (\d+)$")
_ENVIRONMENT = re.compile(r"^<!--\s*docs-test:\s*env\s+(\w+)=(\S*)\s*-->$", re.MULTILINE)
ELLIPSIS = "..."


@dataclass(frozen=True, slots=True)
class Command:
    line: int  # of the command in its Markdown file, 1-based
    text: str  # as a reader types it, without the prompt
    expected: tuple[str, ...]  # what the page says it prints
    exit_code: int = 0


@dataclass(frozen=True, slots=True)
class Block:
    """A fenced code block of a Markdown file."""

    file: Path
    line: int  # of the opening fence, 1-based
    language: str
    lines: tuple[str, ...]
    skip: str | None = None  # why it is not run, from the comment before it

    @property
    def commands(self) -> list[Command]:
        found: list[Command] = []
        text: str | None = None
        start, expected = 0, []
        for number, line in enumerate(self.lines, start=self.line + 1):
            prompt = next((p for p in PROMPTS if line.startswith(p)), None)
            if prompt is None:
                if text is not None:
                    expected.append(line.rstrip())
                continue
            if text is not None:
                found.append(_command(start, text, expected))
            text, start, expected = line[len(prompt):], number, []
        if text is not None:
            found.append(_command(start, text, expected))
        return found


def _command(line: int, text: str, expected: list[str]) -> Command:
    while expected and not expected[-1]:
        expected.pop()
    code = _EXIT.search(text)
    return Command(line, text.strip(), tuple(expected), int(code.group(1)) if code else 0)


def blocks(path: Path) -> list[Block]:
    """Every fenced code block of the Markdown file ``path``, in order."""
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    before = ""  # the last non-blank line before a fence
    while index < len(lines):
        fence = _FENCE.match(lines[index])
        if fence is None:
            if lines[index].strip():
                before = lines[index].strip()
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not lines[end].startswith(fence.group(1)):
            end += 1
        skip = _SKIP.match(before)
        found.append(Block(path, index + 1, fence.group(2), tuple(lines[index + 1:end]),
                           skip.group(1) if skip else None))
        before, index = "", end + 1
    return found


def environment(path: Path) -> dict[str, str]:
    """The environment variables the page ``path`` sets for its commands."""
    return dict(_ENVIRONMENT.findall(path.read_text(encoding="utf-8")))


def _line_pattern(expected: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in expected.split(ELLIPSIS)))


def matches(expected: Sequence[str], actual: Sequence[str]) -> bool:
    """Whether ``actual`` (lines, without line ends) is what ``expected`` says."""

    @functools.cache
    def match(i: int, j: int) -> bool:
        if i == len(expected):
            return j == len(actual)
        if expected[i] == ELLIPSIS:
            return any(match(i + 1, k) for k in range(j, len(actual) + 1))
        return (j < len(actual) and _line_pattern(expected[i]).fullmatch(actual[j]) is not None
                and match(i + 1, j + 1))

    return match(0, 0)
