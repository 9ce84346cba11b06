"""The agreement and its signing organisations, as the rest of the pipeline knows them.

Frozen dataclasses, built once from validated data (:mod:`overens_docs._domain.reading`).
Every object that a person writes carries its :class:`Place`, so that any later stage (a
template that overflows, an organisation whose PDF fails) can point a finding at the file
and line to change. Texts are tuples of paragraphs, exactly as written; dates are dates.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Place:
    """Where something is written: a file as findings show it, and a 1-based line/column
    (in a workbook: the row and column number in ``sheet``)."""

    file: str
    line: int | None = None
    column: int | None = None
    sheet: str | None = None


Paragraphs = tuple[str, ...]


class Role(enum.StrEnum):
    PUBLIC_BODY = "public_body"
    ORGANISATIONS = "organisations"


@dataclass(frozen=True, slots=True)
class Principle:
    id: str
    name: str
    short_name: str  # how commitments cite it: "(principen om <short_name>)"
    paragraphs: Paragraphs
    place: Place


@dataclass(frozen=True, slots=True)
class Definition:
    term: str
    paragraphs: Paragraphs
    place: Place


@dataclass(frozen=True, slots=True)
class Commitment:
    id: str
    text: str  # one paragraph
    principles: tuple[str, ...]  # the ids of the principles it serves, in the order written
    place: Place


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime.date
    end: datetime.date


@dataclass(frozen=True, slots=True)
class Activity:
    """One activity of the handlingsplan: what is done, by which parties, for which
    principles, and when (by a date, or over a period)."""

    id: str
    text: str  # one paragraph
    parties: tuple[str, ...]  # the ids of the parties that do it, in the order written
    principles: tuple[str, ...]  # the ids of the principles it serves
    date: datetime.date | None
    period: Period | None
    place: Place


@dataclass(frozen=True, slots=True)
class Contact:
    """Whom to ask about the agreement and its follow-up. Not part of the signed text."""

    name: str
    role: str | None
    organisation: str | None
    email: str | None
    phone: str | None
    place: Place


@dataclass(frozen=True, slots=True)
class Signatory:
    """Who signs for a party: a title always, a name when it is known in advance."""

    name: str | None
    title: str
    place: Place


@dataclass(frozen=True, slots=True)
class Party:
    id: str
    name: str
    role: Role
    heading: str  # the heading over its commitments
    signatory: Signatory | None
    commitments: tuple[Commitment, ...]
    place: Place


@dataclass(frozen=True, slots=True)
class PublicBody:
    name: str
    kind: str  # kommun | region | stat


@dataclass(frozen=True, slots=True)
class Adoption:
    body: str  # who adopted the text, e.g. "Kommunfullmäktige"
    date: datetime.date | None
    diarienummer: str | None


class SignatureLayout(enum.StrEnum):
    """What the ceremony file (signature-pages.pdf) is: every organisation's own signature
    page, or one list that several organisations sign per page and the public body once."""

    PAGES = "pages"
    LIST = "list"


@dataclass(frozen=True, slots=True)
class Ceremony:
    """A signing occasion: organisations invited to it (the register's ceremony column names
    its date) sign together, and their signature pages print its date."""

    date: datetime.date
    place: str | None  # the town printed before "den" on the signature pages
    venue: str | None  # where and when exactly, for the letters
    written: Place  # where it is written in agreement.yaml


@dataclass(frozen=True, slots=True)
class Signing:
    place: str | None
    date: datetime.date | None  # one date for all, as agreements were written before ceremonies
    layout: SignatureLayout = SignatureLayout.PAGES
    ceremonies: tuple[Ceremony, ...] = ()
    trust: tuple[tuple[str, Place], ...] = ()  # trust roots' files as written, with places
    date_written: Place | None = None  # where signing.date is written

    def ceremony(self, date: datetime.date) -> Ceremony | None:
        """The ceremony on ``date``: one of :attr:`ceremonies`, or :attr:`date` (at
        :attr:`place`) taken as one."""
        found = next((c for c in self.ceremonies if c.date == date), None)
        if found is None and self.date == date:
            found = Ceremony(date, self.place, None, self.date_written or Place(""))
        return found


@dataclass(frozen=True, slots=True)
class Invitation:
    """What the letters to the organisations that are to sign say (``invitation``)."""

    how: Paragraphs  # how to sign
    return_to: Paragraphs  # where to send the signed copy
    sign_by: datetime.date | None  # by when those who sign on their own should sign
    contact: str | None  # who answers questions
    sender: Signatory | None  # who signs the letters (the title may be empty)
    date: datetime.date | None  # the letters' date
    written: Place


@dataclass(frozen=True, slots=True)
class TemplateChoice:
    """The templates ``agreement.yaml`` asks for, as written (None: the default)."""

    document: str | None
    signature_form: str | None
    document_place: Place  # where each is written (the agreement's top when it is not)
    signature_form_place: Place


@dataclass(frozen=True, slots=True)
class Agreement:
    """One agreement: its text, parties and commitments; not its signatories."""

    id: str  # the agreement folder's name
    folder: Path  # the agreement folder (inputs live here)
    title: str
    public_body: PublicBody
    adoption: Adoption
    period: Period | None
    background: Paragraphs
    purpose: Paragraphs
    eligibility: Paragraphs
    value_base: Paragraphs
    follow_up: Paragraphs
    definitions: tuple[Definition, ...]
    principles: tuple[Principle, ...]
    parties: tuple[Party, ...]
    shared_commitments: tuple[Commitment, ...]
    signing: Signing
    template: TemplateChoice
    place: Place  # agreement.yaml itself
    vision: Paragraphs = ()
    handlingsplan: tuple[Activity, ...] = ()
    contacts: tuple[Contact, ...] = ()  # not part of the text: never in the fingerprint
    invitation: Invitation | None = None  # what letters say: not part of the text either

    @property
    def public_party(self) -> Party:
        """The public body's party (validation guarantees exactly one)."""
        return next(party for party in self.parties if party.role is Role.PUBLIC_BODY)

    def principle(self, principle_id: str) -> Principle:
        return next(p for p in self.principles if p.id == principle_id)

    def party(self, party_id: str) -> Party:
        return next(p for p in self.parties if p.id == party_id)

    @property
    def organisations_party(self) -> Party:
        """The signing organisations' party (validation guarantees exactly one)."""
        return next(party for party in self.parties if party.role is Role.ORGANISATIONS)


class Standing(enum.StrEnum):
    """Where an organisation stands towards the current text (see
    :mod:`overens_docs._domain.signing`): whether it is to sign it, and why or why not."""

    INVITED = "invited"  # to sign: it has not signed
    OUTDATED = "outdated"  # to sign again: it signed an older text
    SIGNED = "signed"  # it has signed the current text
    UNRECORDED = "unrecorded"  # it has signed, but which text is not recorded
    WITHDRAWN = "withdrawn"  # it has left the agreement

    @property
    def to_sign(self) -> bool:
        return self in (Standing.INVITED, Standing.OUTDATED)


@dataclass(frozen=True, slots=True)
class Occasion:
    """Where and when an organisation signs the current text, as its signature page prints
    it: a date only when it signs on that date (its own recorded date, or its ceremony's)."""

    place: str | None = None  # the town, printed before "den"
    date: datetime.date | None = None  # None: the date line is left to fill in by hand
    ceremony: datetime.date | None = None  # the ceremony it signs at (the public body too)
    venue: str | None = None  # the ceremony's venue, for the letters


class Status(enum.StrEnum):
    """Where an organisation stands in the register."""

    INVITED = "invited"  # asked to join; has not signed (the default)
    SIGNED = "signed"
    WITHDRAWN = "withdrawn"  # signed once, has left the agreement


@dataclass(frozen=True, slots=True)
class Organisation:
    """One organisation invited to sign, as the documents print it, and where it stands.

    Its e-mail address and contact are deliberately not here: they are never printed or
    published, so nothing after validation can print them by mistake.
    """

    id: str  # unique within the agreement: given, or derived from the number or the name
    name: str
    org_number: str | None  # formatted NNNNNN-NNNN
    representative: str
    representative_title: str
    file_stem: str  # unique within the agreement; the name of its output files
    place: Place  # its row or list item
    status: Status = Status.INVITED
    signed_on: datetime.date | None = None
    left_on: datetime.date | None = None
    signed_version: str | None = None  # a text fingerprint or its start: hex digits, lower case
    kind: str | None = None  # "förening", "paraplyorganisation", "nätverk", ...
    decision: str | None = None  # its own decision to join: body, date, paragraph
    ceremony: datetime.date | None = None  # the ceremony it is invited to (its date)
    invited_on: datetime.date | None = None  # when the invitation or last reminder was sent
    # Worked out with the agreement (signing.resolve), when a command reads both:
    standing: Standing | None = None
    signs: Occasion = Occasion()

    @property
    def is_signatory(self) -> bool:
        """Signed (some version) and not withdrawn."""
        return self.status is Status.SIGNED


@dataclass(frozen=True, slots=True)
class OrganisationContact:
    """How the officer reaches an organisation: never printed on a document, never
    published; only the officer's own outputs (``overens status``, the mailing list) show it."""

    email: str | None  # the e-mail column, else the contact column when it is an address
    contact: str | None  # the contact column as written (an address or a phone number)
