"""Rules for the register: where each organisation stands (status, dates, signed version).

:data:`REGISTER_RULES` check one organisation list on its own, like the other rules.
:data:`FOLDER_RULES` need the agreement too, so they run where both files of a folder are
known and the agreement is valid (:func:`overens_docs._validate.check_target`): whether a
``signed_version`` names a version of the text that overens-docs can compute. Without a
version history that is the current text's fingerprint only.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from overens_docs._domain import Agreement
from overens_docs._domain.fingerprint import matches, short_form, text_fingerprint
from overens_docs._domain.reading import EMAIL
from overens_docs._domain.signing import date_is_over
from overens_docs._findings import Finding, Severity, excerpt
from overens_docs._i18n import _
from overens_docs._load import JsonPath, Loaded
from overens_docs._load.columns import status_value
from overens_docs._validate import dates
from overens_docs._validate.dates import FORM, out_of_range, real_date
from overens_docs._validate.framework import Rule, RuleInput, items, rule, text

REGISTER_RULES: dict[str, Rule] = {}

_VERSION = re.compile(r"\A\s*(?:[0-9A-Fa-f]\s*){12,64}\Z")


def _organisations(rule_input: RuleInput) -> Iterator[tuple[JsonPath, dict[str, Any]]]:
    if isinstance(rule_input.data, dict):
        for index, organisation in items(rule_input.data.get("organisations")):
            yield ("organisations", index), organisation


def status_of(organisation: dict[str, Any]) -> str:
    """A row's status as written (the default: invited)."""
    written = text(organisation, "status")
    return "invited" if written is None else status_value(written)


_status = status_of


def _date(organisation: dict[str, Any], key: str) -> datetime.date | None:
    """The date under ``key`` if it is a real one; None if absent or wrong (the schema and
    :func:`invalid_date` report those)."""
    return real_date(organisation.get(key))


def _name(organisation: dict[str, Any]) -> str:
    """The organisation's name as a message quotes it."""
    return excerpt(text(organisation, "name") or _("This organisation"))


@rule("invalid-date", REGISTER_RULES)
def invalid_date(rule_input: RuleInput) -> Iterator[Finding]:
    """The register's dates are real dates (not 2018-02-30)."""
    for path, organisation in _organisations(rule_input):
        for key in ("signed_on", "left_on", "ceremony", "invited_on"):
            value = text(organisation, key)
            if value is not None and FORM.match(value) and _date(organisation, key) is None:
                yield rule_input.error((*path, key), "invalid-date",
                                       _("'{value}' is not a date.").format(
                                           value=excerpt(value)))


@rule("register-missing-date", REGISTER_RULES)
def missing_date(rule_input: RuleInput) -> Iterator[Finding]:
    """A signed organisation says when it signed; a withdrawn one when it left."""
    refused = rule_input.source.refused
    for path, organisation in _organisations(rule_input):
        status = _status(organisation)
        needed = {
            "signed": ("signed_on", _("'{name}' has status signed but no signed_on "
                                      "(undertecknad): add the date it signed, YYYY-MM-DD.")),
            "withdrawn": ("left_on", _("'{name}' has status withdrawn but no left_on "
                                       "(utträdd): add the date it withdrew, YYYY-MM-DD.")),
        }.get(status)
        if needed is None:
            continue
        key, message = needed
        if key not in organisation and (*path, key) not in refused:
            yield rule_input.error(
                (*path, "status"), "register-missing-date",
                message.format(name=_name(organisation)))


@rule("register-date-order", REGISTER_RULES)
def date_order(rule_input: RuleInput) -> Iterator[Finding]:
    """An organisation leaves after it signed."""
    for path, organisation in _organisations(rule_input):
        signed_on, left_on = _date(organisation, "signed_on"), _date(organisation, "left_on")
        if signed_on is not None and left_on is not None and left_on <= signed_on:
            yield rule_input.error(
                (*path, "left_on"), "register-date-order",
                _("'{name}' left on {left_on}, not after it signed on {signed_on}.").format(
                    name=_name(organisation), left_on=left_on, signed_on=signed_on))


@rule("date-range", REGISTER_RULES)
def date_range(rule_input: RuleInput) -> Iterator[Finding]:
    """``signed_on`` and ``left_on`` are in years between 1900 and 2100."""
    for path, organisation in _organisations(rule_input):
        for key in ("signed_on", "left_on"):
            finding = out_of_range(rule_input, (*path, key), organisation.get(key))
            if finding is not None:
                yield finding


@rule("register-future-date", REGISTER_RULES)
def future_date(rule_input: RuleInput) -> Iterator[Finding]:
    """Nobody has signed or left on a day that has not come yet."""
    now = dates.today()
    messages = {
        "signed_on": _("'{name}' signed on {date}, which is after today ({today}): the "
                       "signature page and the public list would print a day that has not "
                       "come. Enter the day it signed, once it has."),
        "left_on": _("'{name}' left on {date}, which is after today ({today}): record the "
                     "withdrawal on the day it takes effect."),
    }
    for path, organisation in _organisations(rule_input):
        for key, message in messages.items():
            date = _date(organisation, key)
            if date is not None and date > now:
                yield rule_input.warning((*path, key), "register-future-date", message.format(
                    name=_name(organisation), date=date, today=now))


@rule("register-status", REGISTER_RULES)
def status_agrees(rule_input: RuleInput) -> Iterator[Finding]:
    """Dates and a version that say more than the status: probably a status not updated."""
    for path, organisation in _organisations(rule_input):
        status = _status(organisation)
        for key in ("signed_on", "signed_version"):
            if key in organisation and status == "invited":
                yield rule_input.warning(
                    (*path, key), "register-status",
                    _("'{name}' has a {key} but its status is invited (the default): set its "
                      "status to signed, or remove the value.").format(
                        name=_name(organisation), key=key))
        if "left_on" in organisation and status != "withdrawn":
            yield rule_input.warning(
                (*path, "left_on"), "register-status",
                _("'{name}' has a left_on date but its status is {status}: set its status to "
                  "withdrawn, or remove the date.").format(name=_name(organisation),
                                                           status=status))


@dataclass(frozen=True, slots=True)
class FolderInput:
    """What a rule about both files of a folder sees: the agreement as the domain reads it
    (it is valid), its text fingerprint, and the organisation list as loaded."""

    agreement: Agreement
    fingerprint: str
    organisations: RuleInput


FolderRule = Callable[[FolderInput], Iterator[Finding]]
FOLDER_RULES: dict[str, FolderRule] = {}


def folder_rule(code: str) -> Callable[[FolderRule], FolderRule]:
    def register(function: FolderRule) -> FolderRule:
        FOLDER_RULES[code] = function
        return function

    return register


def run_folder_rules(agreement: Agreement, organisations: Loaded) -> list[Finding]:
    folder_input = FolderInput(agreement, text_fingerprint(agreement),
                               RuleInput(organisations.data, organisations.source))
    return [finding for check in FOLDER_RULES.values() for finding in check(folder_input)]


@folder_rule("register-date-order")
def signed_before_adoption(folder_input: FolderInput) -> Iterator[Finding]:
    """Nobody signed the current text before it was adopted."""
    adopted = folder_input.agreement.adoption.date
    organisations = folder_input.organisations
    if adopted is None:
        return
    for path, organisation in _organisations(organisations):
        signed_on, version = _date(organisation, "signed_on"), text(organisation,
                                                                     "signed_version")
        if (signed_on is not None and signed_on < adopted and version is not None
                and _VERSION.match(version) and matches(folder_input.fingerprint, version)):
            yield organisations.error(
                (*path, "signed_on"), "register-date-order",
                _("'{name}' signed the current text (version {version}) on {signed_on}, "
                  "before it was adopted on {adopted}: correct the date, or the version if "
                  "it signed an earlier text.").format(
                    name=_name(organisation), version=short_form(folder_input.fingerprint),
                    signed_on=signed_on, adopted=adopted))


@folder_rule("register-unknown-version")
def unknown_version(folder_input: FolderInput) -> Iterator[Finding]:
    """A ``signed_version`` names a version overens-docs can compute (the current text)."""
    organisations = folder_input.organisations
    current = short_form(folder_input.fingerprint)
    for path, organisation in _organisations(organisations):
        version = text(organisation, "signed_version")
        if (version is None or not _VERSION.match(version) or _status(organisation) == "withdrawn"
                or matches(folder_input.fingerprint, version)):
            continue
        yield organisations.warning(
            (*path, "signed_version"), "register-unknown-version",
            _("'{name}' signed the version {version}, which is not the current text "
              "({current}). If it signed an older version, it must sign the current one "
              "again (`overens status` lists it); else correct the fingerprint.").format(
                name=_name(organisation), version=excerpt(version.strip()), current=current))


def _to_sign(organisation: dict[str, Any], fingerprint: str) -> bool:
    """Invited, or signed a version that is not the current text (see
    :func:`overens_docs._domain.signing.standing`)."""
    status = _status(organisation)
    version = text(organisation, "signed_version")
    return status == "invited" or (status == "signed" and version is not None
                                   and not matches(fingerprint, version))


@folder_rule("register-unknown-ceremony")
def unknown_ceremony(folder_input: FolderInput) -> Iterator[Finding]:
    """A ceremony the register names is one ``agreement.yaml`` describes."""
    signing = folder_input.agreement.signing
    known = sorted({c.date for c in signing.ceremonies} | ({signing.date} if signing.date
                                                            else set()))
    organisations = folder_input.organisations
    for path, organisation in _organisations(organisations):
        date = _date(organisation, "ceremony")
        if date is not None and date not in known:
            yield organisations.error(
                (*path, "ceremony"), "register-unknown-ceremony",
                _("'{name}' is invited to a ceremony on {date}, but agreement.yaml describes "
                  "none on that day ({known}). Add it under signing.ceremonies, or correct "
                  "the date.").format(
                    name=_name(organisation), date=date,
                    known=", ".join(map(str, known)) or _("no ceremonies")))


@folder_rule("signing-date-over")
def signing_date_over(folder_input: FolderInput) -> Iterator[Finding]:
    """``signing.date`` as everyone's date (no ceremonies) is over once an organisation has
    signed after it: those that have not signed no longer get it printed."""
    agreement = folder_input.agreement
    signing = agreement.signing
    organisations = list(_organisations(folder_input.organisations))
    if signing.date is None or signing.ceremonies or signing.date_written is None:
        return
    later = [(organisation, day) for _path, organisation in organisations
             if (day := _date(organisation, "signed_on")) is not None
             and date_is_over(signing.date, [day])]
    waiting = [organisation for _path, organisation in organisations
               if _to_sign(organisation, folder_input.fingerprint)
               and _date(organisation, "ceremony") is None]
    if not later or not waiting:
        return
    place = signing.date_written
    yield Finding(place.file, place.line, place.column, "$.signing.date", "signing-date-over",
                  Severity.WARNING, _(
                      "signing.date ({date}) is over: '{name}' signed after it, on {signed}. "
                      "The {count} organisations that have not signed the current text get a "
                      "blank date line to fill in by hand. To give them a date, list the next "
                      "signing under signing.ceremonies and write its date in their ceremony "
                      "column (Ceremoni).").format(
                          date=signing.date, name=_name(later[0][0]), signed=later[0][1],
                          count=len(waiting)), place.sheet)


@folder_rule("register-no-email")
def no_email(folder_input: FolderInput) -> Iterator[Finding]:
    """With letters to send (``invitation``), each organisation to invite or remind has an
    e-mail address for the mailing list."""
    if folder_input.agreement.invitation is None:
        return
    organisations = folder_input.organisations
    for path, organisation in _organisations(organisations):
        if not _to_sign(organisation, folder_input.fingerprint):
            continue
        addresses = [value.strip() for key in ("email", "contact")
                     if (value := text(organisation, key)) is not None]
        if not any(EMAIL.match(address) for address in addresses):
            yield organisations.warning(
                path, "register-no-email",
                _("'{name}' is to be sent a letter but has no e-mail address (email, "
                  "E-post; or an address under contact, Kontakt): its row in the mailing "
                  "list has none, so send its letter by post, or add the address.").format(
                    name=_name(organisation)))
