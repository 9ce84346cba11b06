"""The rule framework: what a schema cannot say is checked by small registered functions.

Each rule is a function registered under its code in one registry per kind of file
(:mod:`agreement_rules`, :mod:`organisation_rules`, :mod:`text_rules`). Rules run after the
schema check and also on data the schema rejected, so they read the data defensively
(:func:`items`, :func:`text`) and simply skip what is malformed: the schema check has
already reported it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from overens_docs._findings import Finding, Severity
from overens_docs._load import JsonPath, Loaded, SourceMap

Rule = Callable[["RuleInput"], Iterator[Finding]]


@dataclass(frozen=True, slots=True)
class RuleInput:
    data: Any
    source: SourceMap

    def error(self, path: JsonPath, rule: str, message: str) -> Finding:
        return self.source.finding(path, rule, message)

    def warning(self, path: JsonPath, rule: str, message: str) -> Finding:
        return self.source.finding(path, rule, message, Severity.WARNING)

    def line_of(self, path: JsonPath) -> int | None:
        return self.source.locate(path)[0]


def rule(code: str, registry: dict[str, Rule]) -> Callable[[Rule], Rule]:
    def register(function: Rule) -> Rule:
        registry[code] = function
        return function

    return register


def items(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    """The mappings in a list, with their indexes; nothing if it is not a list."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield index, item


def text(mapping: dict[str, Any], key: str) -> str | None:
    value = mapping.get(key)
    return value if isinstance(value, str) else None


def run_rules(registry: dict[str, Rule], loaded: Loaded) -> list[Finding]:
    rule_input = RuleInput(loaded.data, loaded.source)
    findings: list[Finding] = []
    for check in registry.values():
        findings.extend(check(rule_input))
    return findings
