"""Semantic rules for the list of signing organisations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from overens_docs._domain import orgnr
from overens_docs._domain.naming import normalise_name
from overens_docs._domain.reading import default_ids
from overens_docs._findings import Finding, excerpt
from overens_docs._i18n import _
from overens_docs._load import JsonPath
from overens_docs._validate.framework import Rule, RuleInput, items, rule, text

ORGANISATION_RULES: dict[str, Rule] = {}


def _organisations(rule_input: RuleInput) -> Iterator[tuple[JsonPath, dict[str, Any]]]:
    if isinstance(rule_input.data, dict):
        for index, organisation in items(rule_input.data.get("organisations")):
            yield ("organisations", index), organisation


@rule("no-organisations", ORGANISATION_RULES)
def no_organisations(rule_input: RuleInput) -> Iterator[Finding]:
    """The list names at least one organisation: with none there is nothing to sign."""
    if isinstance(rule_input.data, dict) and rule_input.data.get("organisations") == []:
        yield rule_input.error(
            ("organisations",), "no-organisations",
            _("The list of organisations is empty: add at least one organisation that signs "
              "the agreement."))


@rule("org-number", ORGANISATION_RULES)
def org_number(rule_input: RuleInput) -> Iterator[Finding]:
    """Form, check digit and group digit of each organisation number."""
    for path, organisation in _organisations(rule_input):
        number = text(organisation, "org_number")
        if number is None:
            continue
        where = (*path, "org_number")
        checked = orgnr.check(number)
        if checked.problem is orgnr.Problem.FORM:
            yield rule_input.error(
                where, "org-number-format",
                _("'{number}' is not an organisation number: write ten digits as "
                  "NNNNNN-NNNN.").format(number=excerpt(number)))
        elif checked.problem is orgnr.Problem.PERSONAL:
            yield rule_input.error(
                where, "org-number-personal",
                _("'{number}' looks like a personnummer (its third digit is below 2), not an "
                  "organisation number. Do not list personal identity numbers.")
                .format(number=excerpt(number)))
        elif checked.problem is orgnr.Problem.CHECKSUM:
            yield rule_input.error(
                where, "org-number-checksum",
                _("'{number}' has a wrong check digit (the last digit): check it against the "
                  "registration certificate; a digit is probably mistyped.")
                .format(number=excerpt(number)))
        elif checked.group not in orgnr.USUAL_GROUPS:
            group = orgnr.GROUPS.get(checked.group or "", _("an unknown group"))
            yield rule_input.warning(
                where, "org-number-group",
                _("'{number}' begins with {digit} ({group}); civil-society organisations "
                  "usually begin with 8, 7 or 2. Check that it is the right number.")
                .format(number=excerpt(number), digit=checked.group, group=group))


@rule("missing-representative", ORGANISATION_RULES)
def missing_representative(rule_input: RuleInput) -> Iterator[Finding]:
    """Someone authorised signs for each organisation, and their role is known."""
    for path, organisation in _organisations(rule_input):
        for key, message in (
                ("representative", _("'{name}' does not say who signs for it "
                                     "(representative).")),
                ("representative_title", _("'{name}' does not say the signer's role "
                                           "(representative_title)."))):
            value = organisation.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                yield rule_input.error(
                    path if key not in organisation else (*path, key),
                    "missing-representative",
                    message.format(name=excerpt(organisation.get("name", _("This organisation")))))


@rule("duplicate-organisation", ORGANISATION_RULES)
def duplicate_organisation(rule_input: RuleInput) -> Iterator[Finding]:
    """The same organisation is listed once: same number, or same name however spelled."""
    by_number: dict[str, JsonPath] = {}
    by_name: dict[str, tuple[JsonPath, str]] = {}
    for path, organisation in _organisations(rule_input):
        number = text(organisation, "org_number")
        digits = orgnr.check(number).digits if number else None
        name = text(organisation, "name")
        if digits and digits in by_number:
            yield rule_input.error(
                (*path, "org_number"), "duplicate-organisation",
                _("The organisation number {number} is listed twice; the first is on line "
                  "{line}.").format(number=excerpt(number),
                                    line=rule_input.line_of(by_number[digits])))
        elif name and normalise_name(name) in by_name:
            first_path, first_name = by_name[normalise_name(name)]
            message = (_("'{name}' is listed twice; the first is on line {line}.")
                       if name == first_name else
                       _("'{name}' is listed twice (written differently only in case, spacing, "
                         "Unicode form or invisible characters); the first is on line {line}."))
            yield rule_input.error(
                (*path, "name"), "duplicate-organisation",
                message.format(name=excerpt(first_name), line=rule_input.line_of(first_path)))
        if digits:
            by_number.setdefault(digits, path)
        if name:
            by_name.setdefault(normalise_name(name), (path, name))


def _default_id(organisation: dict[str, Any]) -> str:
    """The id an organisation without one gets (before any ``-2`` suffix)."""
    name, number = text(organisation, "name"), text(organisation, "org_number")
    return default_ids([{"name": name or "", "org_number": number}])[0]


@rule("duplicate-id", ORGANISATION_RULES)
def duplicate_organisation_id(rule_input: RuleInput) -> Iterator[Finding]:
    """Organisation ids are unique, counting the default ids of those that have none.

    An explicit id equal to another organisation's default id would silently give that
    other organisation a changed id (``...-2``) and so other file names.
    """
    first: dict[str, JsonPath] = {}
    defaults: dict[str, tuple[JsonPath, dict[str, Any]]] = {}
    # With no explicit id no id can clash, and slugging every name is skipped.
    if any(text(organisation, "id") for _, organisation in _organisations(rule_input)):
        for path, organisation in _organisations(rule_input):
            if not organisation.get("id"):  # as default_ids decides
                defaults.setdefault(_default_id(organisation), (path, organisation))
    for path, organisation in _organisations(rule_input):
        organisation_id = text(organisation, "id")
        if organisation_id is None:
            continue
        if organisation_id in first:
            yield rule_input.error(
                (*path, "id"), "duplicate-id",
                _("The organisation id '{id}' is used twice; the first is on line {line}.")
                .format(id=excerpt(organisation_id),
                        line=rule_input.line_of(first[organisation_id])))
            continue
        first[organisation_id] = path
        if organisation_id in defaults:
            other_path, other = defaults[organisation_id]
            yield rule_input.error(
                (*path, "id"), "duplicate-id",
                (_("The organisation id '{id}' is also the id that '{name}' (line {line}) gets "
                   "from its organisation number, as it has no id of its own. Choose another "
                   "id, or give that organisation an id.") if text(other, "org_number") else
                 _("The organisation id '{id}' is also the id that '{name}' (line {line}) gets "
                   "from its name, as it has no id of its own. Choose another id, or give that "
                   "organisation an id.")).format(
                    id=excerpt(organisation_id),
                    name=excerpt(other.get("name", _("the organisation"))),
                    line=rule_input.line_of(other_path)))
