"""Rules for ``agreement.yaml``: principles, parties, commitments, dates."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import Any

from overens_docs._domain.template_files import template_outside
from overens_docs._findings import Finding, excerpt
from overens_docs._i18n import N_, _
from overens_docs._load import JsonPath, Loaded
from overens_docs._validate.dates import out_of_range, real_date
from overens_docs._validate.framework import Rule, RuleInput, items, rule, text

AGREEMENT_RULES: dict[str, Rule] = {}
_DATE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")


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
        if "principles" not in commitment:  # the schema leaves this to the rule
            yield rule_input.error(
                path, "commitment-without-principle",
                _("Commitment '{id}' has no 'principles' key: add 'principles: [...]' with "
                  "the id of at least one principle it serves.").format(
                    id=excerpt(commitment.get("id"))))
        elif commitment["principles"] == []:
            yield rule_input.error(
                (*path, "principles"), "commitment-without-principle",
                _("Commitment '{id}' cites no principle: list the id of at least one "
                  "principle it serves.").format(id=excerpt(commitment.get("id"))))


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
                    _("Commitment '{id}' cites the principle '{principle}', which does not "
                      "exist. Principles: {principles}.").format(
                        id=excerpt(commitment.get("id")), principle=excerpt(principle_id),
                        principles=excerpt(", ".join(sorted(known)), 200) or _("none")))


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
                _("No commitment cites the principle '{principle}'.").format(
                    principle=excerpt(principle_id)))


@rule("party-without-commitments", AGREEMENT_RULES)
def party_without_commitments(rule_input: RuleInput) -> Iterator[Finding]:
    """Each party commits to something."""
    if not isinstance(rule_input.data, dict):
        return
    for index, party in items(rule_input.data.get("parties")):
        if party.get("commitments") in ([], None) and "commitments" in party:
            yield rule_input.error(
                ("parties", index, "commitments"), "party-without-commitments",
                _("The party '{id}' has no commitments.").format(
                    id=excerpt(party.get("id"))))


@rule("party-roles", AGREEMENT_RULES)
def party_roles(rule_input: RuleInput) -> Iterator[Finding]:
    """One public body, one party for the organisations; the public body has a signatory."""
    if not isinstance(rule_input.data, dict) or not isinstance(
            rule_input.data.get("parties"), list):
        return
    parties = list(items(rule_input.data["parties"]))
    for role, label in (("public_body", _("the public body")),
                        ("organisations", _("the signing organisations"))):
        holders = [index for index, party in parties if party.get("role") == role]
        if not holders:
            yield rule_input.error(("parties",), "party-roles",
                                   _("No party has role '{role}' ({label}).").format(
                                       role=role, label=label))
        for index in holders[1:]:
            yield rule_input.error(
                ("parties", index, "role"), "party-roles",
                _("Only one party can have role '{role}'; the first is on line {line}.")
                .format(role=role, line=rule_input.line_of(("parties", holders[0]))))
    for index, party in parties:
        if party.get("role") == "public_body" and "signatory" not in party:
            yield rule_input.error(
                ("parties", index), "party-roles",
                _("The public body '{id}' needs a signatory (at least a title, e.g. "
                  "'Kommunstyrelsens ordförande') for the signature pages.").format(
                    id=excerpt(party.get("id"))))


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


# One message per kind, so that a translation can inflect each noun as its language does.
_DUPLICATE_MESSAGES = {
    "principle": N_("The principle id '{id}' is used twice; the first is on line {line}."),
    "party": N_("The party id '{id}' is used twice; the first is on line {line}."),
    "commitment": N_("The commitment id '{id}' is used twice; the first is on line {line}."),
}


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
                _(_DUPLICATE_MESSAGES[kind]).format(
                    id=excerpt(entry_id), line=rule_input.line_of((*first[entry_id], "id"))))
        else:
            first[entry_id] = path


_DATES: tuple[JsonPath, ...] = (("adoption", "date"), ("period", "start"), ("period", "end"),
                                 ("signing", "date"))


def _value(data: dict[str, Any], path: JsonPath) -> Any:
    parent = data.get(str(path[0]))
    return parent.get(path[1]) if isinstance(parent, dict) else None


@rule("invalid-date", AGREEMENT_RULES)
def invalid_date(rule_input: RuleInput) -> Iterator[Finding]:
    """A date written YYYY-MM-DD is a real date (not 2024-02-30)."""
    if not isinstance(rule_input.data, dict):
        return
    for path in _DATES:
        value = _value(rule_input.data, path)
        if isinstance(value, str) and _DATE.match(value):
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                yield rule_input.error(path, "invalid-date",
                                       _("'{value}' is not a date.").format(
                                           value=excerpt(value)))


@rule("period-order", AGREEMENT_RULES)
def period_order(rule_input: RuleInput) -> Iterator[Finding]:
    """The period ends after it starts."""
    if not isinstance(rule_input.data, dict):
        return
    start = real_date(_value(rule_input.data, ("period", "start")))
    end = real_date(_value(rule_input.data, ("period", "end")))
    if start is not None and end is not None and end <= start:
        yield rule_input.error(
            ("period", "end"), "period-order",
            _("The period ends ({end}) before or on the day it starts ({start}).").format(
                end=end, start=start))


@rule("date-range", AGREEMENT_RULES)
def date_range(rule_input: RuleInput) -> Iterator[Finding]:
    """Every date is in a year between 1900 and 2100."""
    if not isinstance(rule_input.data, dict):
        return
    for path in _DATES:
        finding = out_of_range(rule_input, path, _value(rule_input.data, path))
        if finding is not None:
            yield finding


@rule("date-order", AGREEMENT_RULES)
def signed_after_adoption(rule_input: RuleInput) -> Iterator[Finding]:
    """The agreement is signed on or after the day it was adopted."""
    if not isinstance(rule_input.data, dict):
        return
    adopted = real_date(_value(rule_input.data, ("adoption", "date")))
    signed = real_date(_value(rule_input.data, ("signing", "date")))
    if adopted is not None and signed is not None and signed < adopted:
        yield rule_input.error(
            ("signing", "date"), "date-order",
            _("The agreement is signed on {signed}, before it was adopted ({adopted}): the "
              "documents would print both. Correct one of the dates.").format(
                signed=signed, adopted=adopted))


def template_location(loaded: Loaded, folder: Path) -> list[Finding]:
    """``template.document`` names a file in the agreement's folder or under
    ``templates/``, nowhere else (see :mod:`overens_docs._domain.template_files`).

    Not a registered rule: it needs the folder the agreement is in, not only its data."""
    template = loaded.data.get("template") if isinstance(loaded.data, dict) else None
    name = template.get("document") if isinstance(template, dict) else None
    if not isinstance(name, str) or not template_outside(folder, name):
        return []
    return [loaded.source.finding(
        ("template", "document"), "template-location",
        _("The template '{name}' is outside the agreement's folder and templates/: put the "
          "template in the agreement's folder and name it without a folder, e.g. "
          "'document: {file}'.").format(name=excerpt(name),
                                        file=excerpt(PurePath(name).name or "mall.docx")))]
