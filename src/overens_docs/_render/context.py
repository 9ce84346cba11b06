"""The domain -> what templates see (the render context), in this one place.

Templates get plain dicts and lists of plain strings: long texts are split into
paragraphs, dates are also given in Swedish ("31 mars 2025"), and each commitment's cited
principles are already written out as "principen om öppenhet och om dialog".
templates/default/README.md lists every name.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any

from overens_docs._domain import (
    Activity,
    Agreement,
    Commitment,
    Invitation,
    Organisation,
    Period,
    Signatory,
)
from overens_docs._domain.fingerprint import short_form, text_fingerprint

# A render context: plain data for Jinja (dicts, lists, strings, numbers, None).
Context = dict[str, Any]

_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
           "september", "oktober", "november", "december")


def swedish_date(date: datetime.date | None) -> str | None:
    """``2025-03-31`` -> ``31 mars 2025``."""
    if date is None:
        return None
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


def _iso(date: datetime.date | None) -> str | None:
    return date.isoformat() if date else None


def cite(names: Sequence[str]) -> str:
    """``["öppenhet", "dialog"]`` -> ``(principen om öppenhet och om dialog)``, as Örebro writes."""
    if not names:
        return ""
    return f"(principen {joined([f'om {name}' for name in names])})"


def when_text(date: datetime.date | None, period: Period | None) -> str:
    """When an activity is done, as the handlingsplan prints it: "senast 30 juni 2023"
    for a date; "2023" or "2023–2024" for whole calendar years; else "1 mars 2023 – 30 juni
    2024"."""
    if date is not None:
        return f"senast {swedish_date(date)}"
    if period is None:
        return ""
    start, end = period.start, period.end
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    return f"{swedish_date(start)} – {swedish_date(end)}"


def joined(names: Sequence[str]) -> str:
    """``["A", "B", "C"]`` -> ``A, B och C``."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " och " + names[-1]


def activity_details(activity: Activity, party_names: dict[str, str],
                     short_names: dict[str, str]) -> str:
    """The line under an activity of the handlingsplan: who does it, when, and the
    principles it serves ("Ansvar: Exempelkommun · Tid: 2023 · (principen om dialog)")."""
    parts = [f"Ansvar: {joined([party_names[pid] for pid in activity.parties])}"]
    when = when_text(activity.date, activity.period)
    if when:
        parts.append(f"Tid: {when}")
    citation = cite([short_names[pid] for pid in activity.principles])
    if citation:
        parts.append(citation)
    return " · ".join(parts)


# Words that make an adopting body a common noun ("kommunfullmäktige", "kultur- och
# fritidsnämnden", "regeringen"), written with a small letter inside a sentence.
_COMMON_NOUN = re.compile(
    r"(fullmäktige|styrelsen?|nämnden?|utskottet|utskott|beredningen?|regeringen)", re.I)
# Where the body's own name ends and what it belongs to begins ("… i Örebro").
_HEAD_END = re.compile(r"\s(?:i|för|vid|inom)\s")


def body_in_sentence(body: str) -> str:
    """The adopting body as written inside a sentence ("Antagen av …").

    People write it as a name on its own ("Kommunfullmäktige i Örebro"), but a decision-
    making body is a common noun and takes a small letter mid-sentence: "Antagen av
    kommunfullmäktige i Örebro". The first letter is lowered only when the first word is
    such a noun ("Kommunstyrelsen", "Regionfullmäktige", "Socialnämnden", "Styrelsen för
    …", "Regeringen"), or a compound's first part ("Kultur- och fritidsnämnden") whose
    other words are all lower-case and end in one. Anything else is a proper name and
    stays as written ("Region Värmland", "Örebro kommun", "Föreningsrådet", "KF").
    """
    head = _HEAD_END.split(body, maxsplit=1)[0].split()
    if not head or not head[0][:1].isupper() or not head[0][1:].islower():
        return body
    first, last = head[0], head[-1]
    compound = first.endswith("-") and all(word == word.lower() for word in head[1:]) and (
        _ends_common(last))
    if not (_ends_common(first) or compound):
        return body
    return body[0].lower() + body[1:]


def _ends_common(word: str) -> bool:
    match = _COMMON_NOUN.search(word.lower())
    return match is not None and match.end() == len(word)


def _signatory(signatory: Signatory | None) -> Context | None:
    return None if signatory is None else {"name": signatory.name, "title": signatory.title}


def activity_context(item: Activity, party_names: dict[str, str],
                     short_names: dict[str, str]) -> Context:
    """One activity of the handlingsplan as templates see it."""
    return {"id": item.id, "text": item.text, "parties": list(item.parties),
            "responsible": joined([party_names[pid] for pid in item.parties]),
            "principles": list(item.principles),
            "citation": cite([short_names[pid] for pid in item.principles]),
            "date": _iso(item.date),
            "period": ({"start": _iso(item.period.start), "end": _iso(item.period.end)}
                       if item.period else None),
            "when_text": when_text(item.date, item.period),
            "details": activity_details(item, party_names, short_names)}


def agreement_context(agreement: Agreement) -> Context:
    """The ``agreement`` the templates see."""
    short_names = {principle.id: principle.short_name for principle in agreement.principles}

    def commitment(item: Commitment) -> Context:
        return {"id": item.id, "text": item.text, "principles": list(item.principles),
                "citation": cite([short_names[pid] for pid in item.principles])}

    party_names = {party.id: party.name for party in agreement.parties}

    adoption, period, signing = agreement.adoption, agreement.period, agreement.signing
    return {
        "title": agreement.title,
        "public_body": {"name": agreement.public_body.name, "kind": agreement.public_body.kind},
        "adoption": {"body": adoption.body, "body_in_sentence": body_in_sentence(adoption.body),
                     "date": _iso(adoption.date),
                     "date_text": swedish_date(adoption.date),
                     "diarienummer": adoption.diarienummer},
        "period": ({"start": _iso(period.start), "end": _iso(period.end),
                    "start_text": swedish_date(period.start),
                    "end_text": swedish_date(period.end)} if period else None),
        "background": list(agreement.background),
        "vision": list(agreement.vision),
        "purpose": list(agreement.purpose),
        "eligibility": list(agreement.eligibility),
        "value_base": list(agreement.value_base),
        "follow_up": list(agreement.follow_up),
        "definitions": [{"term": d.term, "paragraphs": list(d.paragraphs)}
                        for d in agreement.definitions],
        "principles": [{"id": p.id, "name": p.name, "short_name": p.short_name,
                        "paragraphs": list(p.paragraphs)} for p in agreement.principles],
        "parties": [{"id": party.id, "name": party.name, "role": party.role.value,
                     "heading": party.heading, "signatory": _signatory(party.signatory),
                     "commitments": [commitment(item) for item in party.commitments]}
                    for party in agreement.parties],
        "shared_commitments": [commitment(item) for item in agreement.shared_commitments],
        "handlingsplan": [activity_context(item, party_names, short_names)
                          for item in agreement.handlingsplan],
        "signing": {"place": signing.place, "date": _iso(signing.date),
                    "date_text": swedish_date(signing.date), "layout": signing.layout.value,
                    "ceremonies": [{"date": _iso(c.date), "date_text": swedish_date(c.date),
                                    "place": c.place, "venue": c.venue}
                                   for c in signing.ceremonies]},
        "invitation": _invitation(agreement.invitation),
        "text_fingerprint": short_form(text_fingerprint(agreement)),
    }


def _invitation(invitation: Invitation | None) -> Context | None:
    if invitation is None:
        return None
    return {"how": list(invitation.how), "return_to": list(invitation.return_to),
            "sign_by": _iso(invitation.sign_by), "sign_by_text": swedish_date(invitation.sign_by),
            "contact": invitation.contact, "sender": _signatory(invitation.sender),
            "date": _iso(invitation.date), "date_text": swedish_date(invitation.date)}


def organisation_context(organisation: Organisation) -> Context:
    """One organisation as templates see it (the fields :data:`ORGANISATION_FIELDS` name).

    Its signature page prints ``signing_place`` and ``signs_on_text`` ("20 maj 2025"): the
    date only when it signs on that date (its own recorded date, or its ceremony's; see
    :mod:`overens_docs._domain.signing`), else None, and the line is filled in by hand.
    ``ceremony_text`` is its ceremony's date, when it signs at one (the public body signs
    there too). ``signed_on_text`` is the date the register says it signed (for one that
    is to sign again: the older text); ``invited_on_text`` when it was last sent a letter.
    """
    signs = organisation.signs
    return {
        "id": organisation.id,
        "name": organisation.name,
        "org_number": organisation.org_number,
        "representative": organisation.representative,
        "representative_title": organisation.representative_title,
        "signed_on": _iso(organisation.signed_on),
        "signed_on_text": swedish_date(organisation.signed_on),
        "signing_place": signs.place,
        "signs_on": _iso(signs.date),
        "signs_on_text": swedish_date(signs.date),
        "ceremony": _iso(signs.ceremony),
        "ceremony_text": swedish_date(signs.ceremony),
        "ceremony_venue": signs.venue,
        "invited_on": _iso(organisation.invited_on),
        "invited_on_text": swedish_date(organisation.invited_on),
        "document_file": f"organisations/{organisation.file_stem}.pdf",
    }


ORGANISATION_FIELDS = ("id", "name", "org_number", "representative", "representative_title",
                       "signed_on", "signed_on_text", "signing_place", "signs_on",
                       "signs_on_text", "ceremony", "ceremony_text", "ceremony_venue",
                       "invited_on", "invited_on_text", "document_file")
# The fields that may be None, each with the fields that are None with it: what a template
# may test an organisation for ({% if organisation.signs_on_text %}), its "shape".
OPTIONAL_FIELDS = {"org_number": ("org_number",),
                   "signed_on": ("signed_on", "signed_on_text"),
                   "signing_place": ("signing_place",),
                   "signs_on": ("signs_on", "signs_on_text"),
                   "ceremony": ("ceremony", "ceremony_text"),
                   "ceremony_venue": ("ceremony_venue",),
                   "invited_on": ("invited_on", "invited_on_text")}


def ceremony_context(date: datetime.date | None, place: str | None) -> Context:
    """The occasion a ceremony file is for (``ceremony`` in a template): its date (None when
    the file is not for one ceremony but holds everyone who is to sign) and place."""
    return {"date": _iso(date), "date_text": swedish_date(date), "place": place}


def render_context(agreement: Context, organisations: Sequence[Context], *,
                   include_text: bool, ceremony: Context | None = None) -> Context:
    """Everything a document template may use (see templates/default/README.md).

    ``agreement`` is :func:`agreement_context`'s result, made once per build; ``ceremony``
    is :func:`ceremony_context`'s, for the ceremony list (else an undated one).
    """
    public_party = next(p for p in agreement["parties"] if p["role"] == "public_body")
    return {
        "agreement": agreement,
        "public_party": public_party,
        "public_signatory": public_party["signatory"],
        "organisations": list(organisations),
        "include_text": include_text,
        "ceremony": ceremony or ceremony_context(None, agreement["signing"]["place"]),
    }
