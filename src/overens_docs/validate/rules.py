"""Semantic rules: what a schema cannot say.

Each rule is a small function registered under its code. Rules run after the schema
check and also on data the schema rejected, so they read the data defensively
(:func:`items`, :func:`text`) and simply skip what is malformed: the schema check has
already reported it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from overens_docs.findings import Finding, Severity
from overens_docs.load import JsonPath, Loaded, SourceMap

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


AGREEMENT_RULES: dict[str, Rule] = {}
TEXT_RULES: dict[str, Rule] = {}


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


# --- agreement.yaml ---------------------------------------------------------------------


def _commitments(data: dict[str, Any]) -> Iterator[tuple[JsonPath, dict[str, Any]]]:
    for party_index, party in items(data.get("parties")):
        for index, commitment in items(party.get("commitments")):
            yield ("parties", party_index, "commitments", index), commitment
    for index, commitment in items(data.get("shared_commitments")):
        yield ("shared_commitments", index), commitment


def _principle_ids(data: dict[str, Any]) -> set[str]:
    return {pid for _, principle in items(data.get("principles"))
            if (pid := text(principle, "id")) is not None}


@rule("commitment-without-principle", AGREEMENT_RULES)
def commitment_without_principle(rule_input: RuleInput) -> Iterator[Finding]:
    """Every commitment serves at least one principle."""
    if not isinstance(rule_input.data, dict):
        return
    for path, commitment in _commitments(rule_input.data):
        if commitment.get("principles") == []:
            yield rule_input.error(
                (*path, "principles"), "commitment-without-principle",
                f"Commitment '{commitment.get('id')}' cites no principle: list the id of at "
                "least one principle it serves.")


@rule("unknown-principle", AGREEMENT_RULES)
def unknown_principle(rule_input: RuleInput) -> Iterator[Finding]:
    """Every cited principle exists."""
    if not isinstance(rule_input.data, dict):
        return
    known = _principle_ids(rule_input.data)
    for path, commitment in _commitments(rule_input.data):
        cited = commitment.get("principles")
        if not isinstance(cited, list):
            continue
        for index, principle_id in enumerate(cited):
            if isinstance(principle_id, str) and principle_id not in known:
                yield rule_input.error(
                    (*path, "principles", index), "unknown-principle",
                    f"Commitment '{commitment.get('id')}' cites the principle '{principle_id}',"
                    f" which does not exist. Principles: {', '.join(sorted(known)) or 'none'}.")


@rule("uncited-principle", AGREEMENT_RULES)
def uncited_principle(rule_input: RuleInput) -> Iterator[Finding]:
    """A principle that no commitment serves is probably a mistake."""
    if not isinstance(rule_input.data, dict):
        return
    cited = {pid for _, commitment in _commitments(rule_input.data)
             for pid in (commitment.get("principles") or []) if isinstance(pid, str)}
    for index, principle in items(rule_input.data.get("principles")):
        principle_id = text(principle, "id")
        if principle_id is not None and principle_id not in cited:
            yield rule_input.warning(
                ("principles", index, "id"), "uncited-principle",
                f"No commitment cites the principle '{principle_id}'.")


@rule("party-without-commitments", AGREEMENT_RULES)
def party_without_commitments(rule_input: RuleInput) -> Iterator[Finding]:
    """Each party commits to something."""
    if not isinstance(rule_input.data, dict):
        return
    for index, party in items(rule_input.data.get("parties")):
        if party.get("commitments") in ([], None) and "commitments" in party:
            yield rule_input.error(
                ("parties", index, "commitments"), "party-without-commitments",
                f"The party '{party.get('id')}' has no commitments.")


@rule("party-roles", AGREEMENT_RULES)
def party_roles(rule_input: RuleInput) -> Iterator[Finding]:
    """One public body, one party for the organisations; the public body has a signatory."""
    if not isinstance(rule_input.data, dict) or not isinstance(
            rule_input.data.get("parties"), list):
        return
    parties = list(items(rule_input.data["parties"]))
    for role, label in (("public_body", "the public body"),
                        ("organisations", "the signing organisations")):
        holders = [index for index, party in parties if party.get("role") == role]
        if not holders:
            yield rule_input.error(("parties",), "party-roles",
                                   f"No party has role '{role}' ({label}).")
        for index in holders[1:]:
            yield rule_input.error(
                ("parties", index, "role"), "party-roles",
                f"Only one party can have role '{role}'; the first is on line "
                f"{rule_input.line_of(('parties', holders[0]))}.")
    for index, party in parties:
        if party.get("role") == "public_body" and "signatory" not in party:
            yield rule_input.error(
                ("parties", index), "party-roles",
                f"The public body '{party.get('id')}' needs a signatory (at least a title, "
                "e.g. 'Kommunstyrelsens ordförande') for the signature pages.")


@rule("duplicate-id", AGREEMENT_RULES)
def duplicate_id(rule_input: RuleInput) -> Iterator[Finding]:
    """Principle, party and commitment ids are unique, each within its own kind."""
    if not isinstance(rule_input.data, dict):
        return
    data = rule_input.data
    groups: dict[str, list[tuple[JsonPath, dict[str, Any]]]] = {
        "principle": [(("principles", i), p) for i, p in items(data.get("principles"))],
        "party": [(("parties", i), p) for i, p in items(data.get("parties"))],
        "commitment": list(_commitments(data)),
    }
    for kind, entries in groups.items():
        yield from _duplicates(rule_input, kind, entries)


def _duplicates(rule_input: RuleInput, kind: str,
                entries: list[tuple[JsonPath, dict[str, Any]]]) -> Iterator[Finding]:
    first: dict[str, JsonPath] = {}
    for path, entry in entries:
        entry_id = text(entry, "id")
        if entry_id is None:
            continue
        if entry_id in first:
            yield rule_input.error(
                (*path, "id"), "duplicate-id",
                f"The {kind} id '{entry_id}' is used twice; the first is on line "
                f"{rule_input.line_of((*first[entry_id], 'id'))}.")
        else:
            first[entry_id] = path


def _date(value: Any) -> Iterator[datetime.date]:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return  # the schema reports the form
    try:
        yield datetime.date.fromisoformat(value)
    except ValueError:
        return


@rule("invalid-date", AGREEMENT_RULES)
def invalid_date(rule_input: RuleInput) -> Iterator[Finding]:
    """A date written YYYY-MM-DD is a real date (not 2024-02-30)."""
    if not isinstance(rule_input.data, dict):
        return
    for path in (("adoption", "date"), ("period", "start"), ("period", "end"),
                 ("signing", "date")):
        parent = rule_input.data.get(path[0])
        value = parent.get(path[1]) if isinstance(parent, dict) else None
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                yield rule_input.error(path, "invalid-date", f"'{value}' is not a date.")


@rule("period-order", AGREEMENT_RULES)
def period_order(rule_input: RuleInput) -> Iterator[Finding]:
    """The period ends after it starts."""
    if not isinstance(rule_input.data, dict):
        return
    period = rule_input.data.get("period")
    if not isinstance(period, dict):
        return
    starts = list(_date(period.get("start")))
    ends = list(_date(period.get("end")))
    if starts and ends and ends[0] <= starts[0]:
        yield rule_input.error(
            ("period", "end"), "period-order",
            f"The period ends ({ends[0]}) before or on the day it starts ({starts[0]}).")


# --- any file: characters that would change or vanish in the documents ------------------

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\ufeff\ufffe\u2028\u2029]")
# Values printed on one line: a line break in them would split a name or a heading.
_ONE_LINE_KEYS = frozenset({
    "title", "name", "short_name", "term", "heading", "body", "diarienummer", "place", "kind",
    "role", "id", "date", "start", "end", "org_number", "representative",
    "representative_title", "email", "document", "signature_form",
})
_TEMPLATE_SYNTAX = re.compile(r"\{[{%#]|\{_\{")


def _strings(value: Any, path: JsonPath) -> Iterator[tuple[JsonPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


@rule("text-characters", TEXT_RULES)
def text_characters(rule_input: RuleInput) -> Iterator[Finding]:
    """No invisible control characters, and no template syntax, in any text.

    Word and docxtpl turn a tab, form feed or vertical tab into layout or drop it, so
    the document would not show what was written; ``{{``/``{%`` in data would look
    like a template tag that survived rendering.
    """
    for path, value in _strings(rule_input.data, ()):
        if value.isprintable():
            if (match := _TEMPLATE_SYNTAX.search(value)) is not None:
                yield _template_syntax(rule_input, path, match.group())
            continue  # the common case: no control characters, no line breaks
        if "\n" in value and path and path[-1] in _ONE_LINE_KEYS:
            yield rule_input.error(
                path, "text-characters",
                "This value must be one line, but it contains a line break.")
        elif (match := _CONTROL.search(value)) is not None:
            character = match.group()
            name = ("a byte-order mark" if character == "\ufeff"
                    else "an invisible control character")
            yield rule_input.error(
                path, "text-characters",
                f"The text contains {name} (U+{ord(character):04X}) at position "
                f"{match.start() + 1}; it would vanish or change the layout. Retype the text.")
        elif (match := _TEMPLATE_SYNTAX.search(value)) is not None:
            yield _template_syntax(rule_input, path, match.group())


def _template_syntax(rule_input: RuleInput, path: JsonPath, found: str) -> Finding:
    return rule_input.error(
        path, "text-characters",
        f"The text contains '{found}', which templates use for their tags; write it "
        "differently (e.g. with a space between the characters).")
