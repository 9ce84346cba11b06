"""Validated data -> the domain: :class:`Agreement` and its :class:`Organisation` list.

Runs once, after validation has passed, so it may take the data's shape for granted
(``data["title"]`` is a string); it only adds what the documents need (paragraphs,
defaults, dates, unique ids and file names) and each object's place in its file.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from overens_docs._domain import orgnr
from overens_docs._domain.model import (
    Activity,
    Adoption,
    Agreement,
    Ceremony,
    Commitment,
    Contact,
    Definition,
    Invitation,
    Organisation,
    OrganisationContact,
    Paragraphs,
    Party,
    Period,
    Place,
    Principle,
    PublicBody,
    Role,
    Signatory,
    SignatureLayout,
    Signing,
    Status,
    TemplateChoice,
)
from overens_docs._domain.naming import first_free, slugify, unique_slugs
from overens_docs._load import JsonPath, Loaded
from overens_docs._load.columns import status_value

# An e-mail address, as the organisation list's schema takes one.
EMAIL = re.compile(r"\A[^@\s]+@[^@\s.]+\.[^@\s]+\Z")  # linear: tests/test_patterns.py


def paragraphs(text: str | None) -> Paragraphs:
    """A YAML text block as paragraphs: each non-empty line is one paragraph.

    With ``>`` (folded) YAML joins wrapped lines and a blank line becomes a line break, so
    each resulting line is one paragraph as written.
    """
    if not text:
        return ()
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _period(value: dict[str, str] | None) -> Period | None:
    if not value:
        return None
    return Period(datetime.date.fromisoformat(value["start"]),
                  datetime.date.fromisoformat(value["end"]))


class _Reader:
    def __init__(self, loaded: Loaded) -> None:
        self.source = loaded.source

    def place(self, path: JsonPath) -> Place:
        line, column = self.source.locate(path)
        return Place(self.source.file, line, column, self.source.sheet)

    def commitments(self, items: list[dict[str, Any]] | None, path: JsonPath,
                    ) -> tuple[Commitment, ...]:
        return tuple(
            Commitment(id=item["id"], text=" ".join(paragraphs(item["text"])),
                       principles=tuple(item["principles"]), place=self.place((*path, index)))
            for index, item in enumerate(items or []))

    def activities(self, items: list[dict[str, Any]] | None) -> tuple[Activity, ...]:
        return tuple(
            Activity(id=item["id"], text=" ".join(paragraphs(item["text"])),
                     parties=tuple(item["parties"]), principles=tuple(item["principles"]),
                     date=_date(item.get("date")), period=_period(item.get("period")),
                     place=self.place(("handlingsplan", index)))
            for index, item in enumerate(items or []))

    def contacts(self, items: list[dict[str, Any]] | None) -> tuple[Contact, ...]:
        return tuple(
            Contact(name=item["name"], role=item.get("role"),
                    organisation=item.get("organisation"), email=item.get("email"),
                    phone=item.get("phone"), place=self.place(("contacts", index)))
            for index, item in enumerate(items or []))

    def party(self, party: dict[str, Any], index: int) -> Party:
        path: JsonPath = ("parties", index)
        signatory = party.get("signatory")
        return Party(
            id=party["id"], name=party["name"], role=Role(party["role"]),
            heading=party.get("heading") or f"{party['name']}s åtaganden",
            signatory=Signatory(signatory.get("name"), signatory["title"],
                                self.place((*path, "signatory"))) if signatory else None,
            commitments=self.commitments(party["commitments"], (*path, "commitments")),
            place=self.place(path))

    def signing(self, signing: dict[str, Any]) -> Signing:
        place = signing.get("place")
        return Signing(
            place, _date(signing.get("date")),
            SignatureLayout(signing.get("layout") or SignatureLayout.PAGES),
            ceremonies=tuple(
                Ceremony(datetime.date.fromisoformat(item["date"]), item.get("place") or place,
                         item.get("venue"), self.place(("signing", "ceremonies", index)))
                for index, item in enumerate(signing.get("ceremonies") or [])),
            trust=tuple((name, self.place(("signing", "trust", index)))
                        for index, name in enumerate(signing.get("trust") or [])),
            date_written=self.place(("signing", "date")) if signing.get("date") else None)

    def invitation(self, invitation: dict[str, Any] | None) -> Invitation | None:
        if not invitation:
            return None
        sender = invitation.get("sender")
        return Invitation(
            paragraphs(invitation["how"]), paragraphs(invitation["return_to"]),
            _date(invitation.get("sign_by")), invitation.get("contact"),
            Signatory(sender["name"], sender.get("title") or "",
                      self.place(("invitation", "sender"))) if sender else None,
            _date(invitation.get("date")), self.place(("invitation",)))


def read_agreement(loaded: Loaded, folder: Path) -> Agreement:
    """The agreement in validated ``agreement.yaml`` data."""
    data: dict[str, Any] = loaded.data
    reader = _Reader(loaded)
    adoption = data["adoption"]
    period = data.get("period")
    signing = data.get("signing") or {}
    template = data.get("template") or {}
    return Agreement(
        id=folder.resolve().name,
        folder=folder,
        title=data["title"],
        public_body=PublicBody(data["public_body"]["name"], data["public_body"]["kind"]),
        adoption=Adoption(adoption["body"], _date(adoption.get("date")),
                          adoption.get("diarienummer")),
        period=_period(period),
        background=paragraphs(data.get("background")),
        purpose=paragraphs(data.get("purpose")),
        eligibility=paragraphs(data.get("eligibility")),
        value_base=paragraphs(data.get("value_base")),
        follow_up=paragraphs(data.get("follow_up")),
        definitions=tuple(
            Definition(item["term"], paragraphs(item["text"]),
                       reader.place(("definitions", index)))
            for index, item in enumerate(data.get("definitions") or [])),
        principles=tuple(
            Principle(id=item["id"], name=item["name"],
                      short_name=item.get("short_name") or item["name"],
                      paragraphs=paragraphs(item["text"]),
                      place=reader.place(("principles", index)))
            for index, item in enumerate(data["principles"])),
        parties=tuple(reader.party(party, index) for index, party in enumerate(data["parties"])),
        shared_commitments=reader.commitments(data.get("shared_commitments"),
                                              ("shared_commitments",)),
        signing=reader.signing(signing),
        template=TemplateChoice(template.get("document"), template.get("signature_form"),
                                reader.place(("template", "document")),
                                reader.place(("template", "signature_form"))),
        place=Place(loaded.source.file),
        vision=paragraphs(data.get("vision")),
        handlingsplan=reader.activities(data.get("handlingsplan")),
        contacts=reader.contacts(data.get("contacts")),
        invitation=reader.invitation(data.get("invitation")),
    )


def default_ids(rows: list[dict[str, Any]]) -> list[str]:
    """Each row's id: the one given, else its organisation number, else its name as an id.

    A derived id never equals a given one or an earlier derived one (it gets ``-2``, ...).
    """
    taken = {row["id"] for row in rows if row.get("id")}
    counters: dict[str, int] = {}
    result = []
    for row in rows:
        identifier = row.get("id")
        if not identifier:
            number = row.get("org_number")
            formatted = orgnr.check(number).formatted if number else None
            identifier = first_free(formatted or slugify(row["name"]) or "organisation", taken,
                                    counters)
        taken.add(identifier)
        result.append(identifier)
    return result


def read_organisations(loaded: Loaded) -> tuple[Organisation, ...]:
    """The organisations in a validated list, with unique ids and file names, in list order."""
    rows: list[dict[str, Any]] = loaded.data["organisations"]
    reader = _Reader(loaded)
    ids = default_ids(rows)
    stems = unique_slugs([row["name"] for row in rows])
    return tuple(
        Organisation(
            id=identifier, name=row["name"],
            org_number=orgnr.check(row["org_number"]).formatted if row.get("org_number")
            else None,
            representative=row["representative"],
            representative_title=row["representative_title"],
            file_stem=stem, place=reader.place(("organisations", index)),
            status=Status(status_value(row.get("status") or Status.INVITED.value)),
            signed_on=_date(row.get("signed_on")), left_on=_date(row.get("left_on")),
            signed_version="".join(row["signed_version"].split()).lower()
            if row.get("signed_version") else None,
            kind=row.get("kind"), decision=row.get("decision"),
            ceremony=_date(row.get("ceremony")), invited_on=_date(row.get("invited_on")))
        for index, (row, identifier, stem) in enumerate(zip(rows, ids, stems, strict=True)))


def _address(value: str | None) -> str | None:
    return value.strip() if value and EMAIL.match(value.strip()) else None


def read_organisation_contacts(loaded: Loaded) -> dict[str, OrganisationContact]:
    """Each organisation's contact, by its id (see :class:`OrganisationContact`): read
    apart from the organisations, so that nothing that prints one can print its contact."""
    rows: list[dict[str, Any]] = loaded.data["organisations"]
    return {identifier: OrganisationContact(
                _address(row.get("email")) or _address(row.get("contact")), row.get("contact"))
            for row, identifier in zip(rows, default_ids(rows), strict=True)}
