"""Rules for ``agreement.yaml``: principles, parties, commitments, dates."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import Any

from overens_docs._domain.template_files import template_outside
from overens_docs._findings import Finding, excerpt
from overens_docs._i18n import N_, _
from overens_docs._load import JsonPath, Loaded
from overens_docs._validate.dates import FORM, out_of_range, real_date
from overens_docs._validate.framework import Rule, RuleInput, items, rule, text

AGREEMENT_RULES: dict[str, Rule] = {}


def _commitments(data: dict[str, Any]) -> Iterator[tuple[JsonPath, dict[str, Any]]]:
    for party_index, party in items(data.get("parties")):
        for index, commitment in items(party.get("commitments")):
            yield ("parties", party_index, "commitments", index), commitment
    for index, commitment in items(data.get("shared_commitments")):
        yield ("shared_commitments", index), commitment


def _activities(data: dict[str, Any]) -> Iterator[tuple[JsonPath, dict[str, Any]]]:
    for index, activity in items(data.get("handlingsplan")):
        yield ("handlingsplan", index), activity


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


@rule("activity-without-principle", AGREEMENT_RULES)
def activity_without_principle(rule_input: RuleInput) -> Iterator[Finding]:
    """Every activity of the handlingsplan serves at least one principle."""
    if not isinstance(rule_input.data, dict):
        return
    for path, activity in _activities(rule_input.data):
        if activity.get("principles") == []:
            yield rule_input.error(
                (*path, "principles"), "activity-without-principle",
                _("Activity '{id}' cites no principle: list the id of at least one "
                  "principle it serves.").format(id=excerpt(activity.get("id"))))


def _unknown_cited(path: JsonPath, item: dict[str, Any], key: str,
                   known: set[str]) -> Iterator[tuple[JsonPath, str]]:
    """The ids in ``item[key]`` that are not ``known``, each with its path."""
    cited = item.get(key)
    if not isinstance(cited, list):
        return
    for index, cited_id in enumerate(cited):
        if isinstance(cited_id, str) and cited_id not in known:
            yield (*path, key, index), cited_id


@rule("unknown-principle", AGREEMENT_RULES)
def unknown_principle(rule_input: RuleInput) -> Iterator[Finding]:
    """Every principle a commitment or an activity cites exists."""
    if not isinstance(rule_input.data, dict):
        return
    known = _principle_ids(rule_input.data)
    listed = excerpt(", ".join(sorted(known)), 200) or _("none")
    for path, commitment in _commitments(rule_input.data):
        for place, principle_id in _unknown_cited(path, commitment, "principles",
                                                  known):
            yield rule_input.error(
                place, "unknown-principle",
                _("Commitment '{id}' cites the principle '{principle}', which does not "
                  "exist. Principles: {principles}.").format(
                    id=excerpt(commitment.get("id")), principle=excerpt(principle_id),
                    principles=listed))
    for path, activity in _activities(rule_input.data):
        for place, principle_id in _unknown_cited(path, activity, "principles",
                                                  known):
            yield rule_input.error(
                place, "unknown-principle",
                _("Activity '{id}' cites the principle '{principle}', which does not "
                  "exist. Principles: {principles}.").format(
                    id=excerpt(activity.get("id")), principle=excerpt(principle_id),
                    principles=listed))


@rule("unknown-party", AGREEMENT_RULES)
def unknown_party(rule_input: RuleInput) -> Iterator[Finding]:
    """Every party an activity names exists."""
    if not isinstance(rule_input.data, dict):
        return
    known = {party_id for _, party in items(rule_input.data.get("parties"))
             if (party_id := text(party, "id")) is not None}
    for path, activity in _activities(rule_input.data):
        for place, party_id in _unknown_cited(path, activity, "parties", known):
            yield rule_input.error(
                place, "unknown-party",
                _("Activity '{id}' is done by the party '{party}', which does not exist. "
                  "Parties: {parties}.").format(
                    id=excerpt(activity.get("id")), party=excerpt(party_id),
                    parties=excerpt(", ".join(sorted(known)), 200) or _("none")))


@rule("activity-when", AGREEMENT_RULES)
def activity_when(rule_input: RuleInput) -> Iterator[Finding]:
    """Every activity says when: by a date, or over a period (one of them)."""
    if not isinstance(rule_input.data, dict):
        return
    for path, activity in _activities(rule_input.data):
        if "date" in activity and "period" in activity:
            yield rule_input.error(
                (*path, "period"), "activity-when",
                _("Activity '{id}' has both a date and a period: keep one.").format(
                    id=excerpt(activity.get("id"))))
        elif "date" not in activity and "period" not in activity:
            yield rule_input.error(
                path, "activity-when",
                _("Activity '{id}' does not say when: add 'date: \"YYYY-MM-DD\"' (done by "
                  "then) or 'period: {{start: ..., end: ...}}'.").format(
                    id=excerpt(activity.get("id"))))


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
                _("The party '{id}' has no commitments.").format(id=excerpt(party.get("id"))))


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
        "activity": list(_activities(data)),
    }
    for kind, entries in groups.items():
        yield from _duplicates(rule_input, kind, entries)
    # The follow-up workbook has one row per commitment and activity, told apart by id.
    commitments = _first_ids(groups["commitment"])
    for path, activity in groups["activity"]:
        activity_id = text(activity, "id")
        if activity_id in commitments:
            yield rule_input.error(
                (*path, "id"), "duplicate-id",
                _("The activity id '{id}' is also a commitment's id (line {line}); the "
                  "follow-up tells commitments and activities apart by id, so give the "
                  "activity another.").format(
                    id=excerpt(activity_id),
                    line=rule_input.line_of((*commitments[activity_id], "id"))))


# One message per kind, so that a translation can inflect each noun as its language does.
_DUPLICATE_MESSAGES = {
    "principle": N_("The principle id '{id}' is used twice; the first is on line {line}."),
    "party": N_("The party id '{id}' is used twice; the first is on line {line}."),
    "commitment": N_("The commitment id '{id}' is used twice; the first is on line {line}."),
    "activity": N_("The activity id '{id}' is used twice; the first is on line {line}."),
}


def _first_ids(entries: list[tuple[JsonPath, dict[str, Any]]]) -> dict[str, JsonPath]:
    first: dict[str, JsonPath] = {}
    for path, entry in entries:
        entry_id = text(entry, "id")
        if entry_id is not None:
            first.setdefault(entry_id, path)
    return first


def _duplicates(rule_input: RuleInput, kind: str,
                entries: list[tuple[JsonPath, dict[str, Any]]]) -> Iterator[Finding]:
    first = _first_ids(entries)
    for path, entry in entries:
        entry_id = text(entry, "id")
        if entry_id is not None and first[entry_id] != path:
            yield rule_input.error(
                (*path, "id"), "duplicate-id",
                _(_DUPLICATE_MESSAGES[kind]).format(
                    id=excerpt(entry_id), line=rule_input.line_of((*first[entry_id], "id"))))


def _date(value: Any) -> Iterator[datetime.date]:
    date = real_date(value)  # the schema reports the form, invalid-date a date that is not
    if date is not None:
        yield date


def _at(data: Any, path: JsonPath) -> Any:
    """The value at ``path`` in ``data``, or None where the data has another shape."""
    for part in path:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and part < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data


def _date_paths(data: dict[str, Any]) -> Iterator[JsonPath]:
    yield from (("adoption", "date"), ("period", "start"), ("period", "end"),
                ("signing", "date"), ("invitation", "sign_by"), ("invitation", "date"))
    for index, _ceremony in items(_at(data, ("signing", "ceremonies"))):
        yield ("signing", "ceremonies", index, "date")
    for path, _activity in _activities(data):
        yield from ((*path, "date"), (*path, "period", "start"), (*path, "period", "end"))


@rule("invalid-date", AGREEMENT_RULES)
def invalid_date(rule_input: RuleInput) -> Iterator[Finding]:
    """A date written YYYY-MM-DD is a real date (not 2024-02-30)."""
    if not isinstance(rule_input.data, dict):
        return
    for path in _date_paths(rule_input.data):
        value = _at(rule_input.data, path)
        if isinstance(value, str) and FORM.match(value):
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                yield rule_input.error(path, "invalid-date",
                                       _("'{value}' is not a date.").format(
                                           value=excerpt(value)))


@rule("duplicate-ceremony", AGREEMENT_RULES)
def duplicate_ceremony(rule_input: RuleInput) -> Iterator[Finding]:
    """Two ceremonies on one day: the register names a ceremony by its date."""
    ceremonies = _at(rule_input.data, ("signing", "ceremonies"))
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
    """A period (the agreement's, an activity's) ends after it starts."""
    if not isinstance(rule_input.data, dict):
        return
    paths: list[JsonPath] = [("period",), *((*path, "period") for path, _activity
                                            in _activities(rule_input.data))]
    for path in paths:
        period = _at(rule_input.data, path)
        if not isinstance(period, dict):
            continue
        starts = list(_date(period.get("start")))
        ends = list(_date(period.get("end")))
        if starts and ends and ends[0] <= starts[0]:
            yield rule_input.error(
                (*path, "end"), "period-order",
                _("The period ends ({end}) before or on the day it starts ({start}).").format(
                    end=ends[0], start=starts[0]))


@rule("date-range", AGREEMENT_RULES)
def date_range(rule_input: RuleInput) -> Iterator[Finding]:
    """Every date is in a year between 1900 and 2100."""
    if not isinstance(rule_input.data, dict):
        return
    for path in _date_paths(rule_input.data):
        finding = out_of_range(rule_input, path, _at(rule_input.data, path))
        if finding is not None:
            yield finding


@rule("date-order", AGREEMENT_RULES)
def signed_after_adoption(rule_input: RuleInput) -> Iterator[Finding]:
    """The agreement is signed on or after the day it was adopted."""
    if not isinstance(rule_input.data, dict):
        return
    adopted = real_date(_at(rule_input.data, ("adoption", "date")))
    signed = real_date(_at(rule_input.data, ("signing", "date")))
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
