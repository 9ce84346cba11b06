"""Loaded data together with where each value came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from overens_docs._findings import Finding, Severity, excerpt

JsonPath: TypeAlias = tuple[str | int, ...]

_SIMPLE_KEY = re.compile(r"\A[A-Za-z_][A-Za-z0-9_]*\Z")


def format_path(path: JsonPath) -> str:
    """``("parties", 0, "id")`` -> ``$.parties[0].id`` (JSONPath, as check-jsonschema prints)."""
    parts = ["$"]
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif _SIMPLE_KEY.match(part):
            parts.append(f".{part}")
        else:
            escaped = excerpt(part).replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{escaped}']")
    return "".join(parts)


@dataclass(slots=True)
class SourceMap:
    """1-based (line, column) of every value, and of every mapping key, by JSON path."""

    file: str
    # The worksheet of an Excel workbook; then a position is (row, column number).
    sheet: str | None = None
    values: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    # Values the loader refused (an alias, a forbidden tag): already reported, so later
    # checks do not report them again as missing or of the wrong type.
    refused: set[JsonPath] = field(default_factory=set)
    # Characters the loader reported wherever they occur in the file (U+2028 in YAML):
    # the text rule does not report them again in the values that hold them.
    reported_characters: set[str] = field(default_factory=set)

    def locate(self, path: JsonPath, *, key: bool = False) -> tuple[int | None, int | None]:
        """Position of ``path``; of its key if asked and known; else of the nearest ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        probe = path
        while True:
            if probe in self.values:
                return self.values[probe]
            if not probe:
                return (None, None)
            probe = probe[:-1]

    def finding(
        self,
        path: JsonPath,
        rule: str,
        message: str,
        severity: Severity = Severity.ERROR,
        *,
        key: bool = False,
    ) -> Finding:
        line, column = self.locate(path, key=key)
        return Finding(self.file, line, column, format_path(path), rule, severity, message,
                       self.sheet)


@dataclass(slots=True)
class Loaded:
    """What a loader read: the data (``None`` if unusable), its positions and its findings."""

    source: SourceMap
    data: Any = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return self.data is not None
