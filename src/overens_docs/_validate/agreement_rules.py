"""Rules for ``agreement.yaml``: principles, parties, commitments, dates."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import Any

from overens_docs._domain.template_files import template_outside
from overens_docs._findings import Finding
from overens_docs._i18n import N_, _
from overens_docs._load import JsonPath, Loaded
from overens_docs._validate.framework import Rule, RuleInput, items, rule, text

AGREEMENT_RULES: dict[str, Rule] = {}


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
                  "the id of at least one principle it serves.").format(id=commitment.get("id")))
        elif commitment["principles"] == []:
            yield rule_input.error(
                (*path, "principles"), "commitment-without-principle",
                _("Commitment '{id}' cites no principle: list the id of at least one "
                  "principle it serves.").format(id=commitment.get("id")))


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
                        id=commitment.get("id"), principle=principle_id,
                        principles=", ".join(sorted(known)) or _("none")))


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
                    principle=principle_id))


@rule("party-without-commitments", AGREEMENT_RULES)
def party_without_commitments(rule_input: RuleInput) -> Iterator[Finding]:
    """Each party commits to something."""
    if not isinstance(rule_input.data, dict):
        return
    for index, party in items(rule_input.data.get("parties")):
        if party.get("commitments") in ([], None) and "commitments" in party:
            yield rule_input.error(
                ("parties", index, "commitments"), "party-without-commitments",
                _("The party '{id}' has no commitments.").format(id=party.get("id")))


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
                    id=party.get("id")))


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
                    id=entry_id, line=rule_input.line_of((*first[entry_id], "id"))))
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
    signing = rule_input.data.get("signing")
    ceremonies = signing.get("ceremonies") if isinstance(signing, dict) else None
    paths: list[JsonPath] = [
        ("adoption", "date"), ("period", "start"), ("period", "end"), ("signing", "date"),
        ("invitation", "sign_by"), ("invitation", "date"),
        *(("signing", "ceremonies", index, "date") for index, _item in items(ceremonies))]
    for path in paths:
        value = _value(rule_input.data, path)
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                yield rule_input.error(path, "invalid-date",
                                       _("'{value}' is not a date.").format(value=value))


def _value(data: Any, path: JsonPath) -> Any:
    for step in path:
        if isinstance(data, dict) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return None
    return data


@rule("duplicate-ceremony", AGREEMENT_RULES)
def duplicate_ceremony(rule_input: RuleInput) -> Iterator[Finding]:
    """Two ceremonies on one day: the register names a ceremony by its date."""
    ceremonies = _value(rule_input.data, ("signing", "ceremonies"))
    first: dict[str, int] = {}
    for index, ceremony in items(ceremonies):
        date = text(ceremony, "date")
        if date is None:
            continue
        if date in first:
            yield rule_input.error(
                ("signing", "ceremonies", index, "date"), "duplicate-ceremony",
                _("Two ceremonies on {date} (the other on line {line}): the register names "
                  "a ceremony by its date, so there can be one a day.").format(
                    date=date, line=rule_input.line_of(
                        ("signing", "ceremonies", first[date], "date"))))
        else:
            first[date] = index


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
            _("The period ends ({end}) before or on the day it starts ({start}).").format(
                end=ends[0], start=starts[0]))


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
          "'document: {file}'.").format(name=name, file=PurePath(name).name or "mall.docx"))]
