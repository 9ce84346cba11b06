"""The text fingerprint: one SHA-256 that says which agreement text a document carries.

It covers everything the agreement prints except the organisations that sign it: title,
public body, adoption, period, every text, definition, principle, party, commitment and
the principles each commitment cites, the public body's signatory and the signing place
and date; and the vision and the handlingsplan when there are any (an agreement without
them keeps the fingerprint it had before they could be written). The contacts are not
part of the text: they are never printed in the signed documents. It does not depend on
how the YAML is written (quoting, folding, key order, comments), on the tool's version or
on the template's layout, so that anyone can recompute it from the agreement
(docs/reference.md, "The text fingerprint", gives the form).

The canonical form is a JSON document (:func:`canonical_form`) serialised with sorted
keys, no insignificant white space, non-ASCII characters as themselves, UTF-8; every
string is in Unicode NFC, dates are ``YYYY-MM-DD``, absent values are ``null``, long texts
are lists of paragraphs (a paragraph is a non-empty line after YAML has folded the block,
stripped of surrounding white space).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import unicodedata

from overens_docs._domain.model import (
    Activity,
    Agreement,
    Commitment,
    Paragraphs,
    Signatory,
)

FORMAT = "overens-text-1"
SHORT_DIGITS = 12

_Json = dict[str, object] | list[object] | str | None


def _text(value: str | None) -> str | None:
    return None if value is None else unicodedata.normalize("NFC", value)


def _paragraphs(values: Paragraphs) -> list[object]:
    return [_text(value) for value in values]


def _date(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _commitments(items: tuple[Commitment, ...]) -> list[object]:
    return [{"id": item.id, "text": _text(item.text), "principles": list(item.principles)}
            for item in items]


def _activities(items: tuple[Activity, ...]) -> list[object]:
    return [{"id": item.id, "text": _text(item.text), "parties": list(item.parties),
             "principles": list(item.principles), "date": _date(item.date),
             "period": None if item.period is None else {"start": _date(item.period.start),
                                                          "end": _date(item.period.end)}}
            for item in items]


def _signatory(signatory: Signatory | None) -> _Json:
    if signatory is None:
        return None
    return {"name": _text(signatory.name), "title": _text(signatory.title)}


def canonical_form(agreement: Agreement) -> dict[str, object]:
    """What the fingerprint is taken over, as plain JSON data."""
    adoption, period, signing = agreement.adoption, agreement.period, agreement.signing
    form: dict[str, object] = {
        "format": FORMAT,
        "title": _text(agreement.title),
        "public_body": {"name": _text(agreement.public_body.name),
                        "kind": agreement.public_body.kind},
        "adoption": {"body": _text(adoption.body), "date": _date(adoption.date),
                     "diarienummer": _text(adoption.diarienummer)},
        "period": None if period is None else {"start": _date(period.start),
                                               "end": _date(period.end)},
        "background": _paragraphs(agreement.background),
        "purpose": _paragraphs(agreement.purpose),
        "eligibility": _paragraphs(agreement.eligibility),
        "value_base": _paragraphs(agreement.value_base),
        "follow_up": _paragraphs(agreement.follow_up),
        "definitions": [{"term": _text(item.term), "paragraphs": _paragraphs(item.paragraphs)}
                        for item in agreement.definitions],
        "principles": [{"id": item.id, "name": _text(item.name),
                        "short_name": _text(item.short_name),
                        "paragraphs": _paragraphs(item.paragraphs)}
                       for item in agreement.principles],
        "parties": [{"id": party.id, "name": _text(party.name), "role": party.role.value,
                     "heading": _text(party.heading), "signatory": _signatory(party.signatory),
                     "commitments": _commitments(party.commitments)}
                    for party in agreement.parties],
        "shared_commitments": _commitments(agreement.shared_commitments),
        "signing": {"place": _text(signing.place), "date": _date(signing.date)},
    }
    # Keys added since overens-text-1 was first written: only when there is something in
    # them, so that every agreement written before keeps its fingerprint.
    if agreement.vision:
        form["vision"] = _paragraphs(agreement.vision)
    if agreement.handlingsplan:
        form["handlingsplan"] = _activities(agreement.handlingsplan)
    return form


def canonical_bytes(agreement: Agreement) -> bytes:
    return json.dumps(canonical_form(agreement), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def text_fingerprint(agreement: Agreement) -> str:
    """The SHA-256 of :func:`canonical_bytes`, 64 lower-case hex digits."""
    return hashlib.sha256(canonical_bytes(agreement)).hexdigest()


def short_form(fingerprint: str) -> str:
    """The printed form: the first 12 digits, upper case, in groups of four."""
    digits = fingerprint[:SHORT_DIGITS].upper()
    return " ".join(digits[start:start + 4] for start in range(0, SHORT_DIGITS, 4))


def matches(fingerprint: str, given: str) -> bool:
    """Whether ``given`` (the 64 digits or at least the first 12, spaces ignored, any case)
    names ``fingerprint``."""
    compact = "".join(given.split()).lower()
    return len(compact) >= SHORT_DIGITS and fingerprint.startswith(compact)
