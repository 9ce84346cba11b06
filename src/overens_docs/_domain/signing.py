"""Who is to sign the current text, and on which occasion: the register read with the
agreement.

An organisation's :class:`Standing` follows from its status and the version it signed: it is
to sign when it has not (``invited``) or signed an older text (``outdated``). Its
:class:`Occasion` is where and when it signs, as its signature page prints it; a date only
when it signs on that date:

* it has signed the current text: the date it signed (``signed_on``);
* it is to sign and its row names a ceremony (the ``ceremony`` column, by the ceremony's
  date): that ceremony's date and place;
* it is to sign, names no ceremony, and ``agreement.yaml`` gives one ``signing.date`` (as
  agreements were written before ceremonies) and no ``signing.ceremonies``: that date,
  unless an organisation has signed after it, which shows that signing on that date is over
  (:func:`date_is_over`; validation warns);
* otherwise no date: it signs on its own, and the date line is filled in by hand.

Pure functions of the domain: no clock, so the same register gives the same documents.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable

from overens_docs._domain.fingerprint import matches, text_fingerprint
from overens_docs._domain.model import (
    Agreement,
    Occasion,
    Organisation,
    Standing,
    Status,
)


def standing(organisation: Organisation, fingerprint: str) -> Standing:
    """Where ``organisation`` stands towards the text whose fingerprint is ``fingerprint``."""
    if organisation.status is Status.WITHDRAWN:
        return Standing.WITHDRAWN
    if organisation.status is Status.INVITED:
        return Standing.INVITED
    if organisation.signed_version is None:
        return Standing.UNRECORDED
    if matches(fingerprint, organisation.signed_version):
        return Standing.SIGNED
    return Standing.OUTDATED


def date_is_over(date: datetime.date, signed: Iterable[datetime.date | None]) -> bool:
    """Whether someone signed after ``date`` (of the dates ``signed``): then ``date`` is a
    signing that has taken place, and those who have not signed do not sign on it."""
    return any(day is not None and day > date for day in signed)


def common_date(agreement: Agreement, organisations: Iterable[Organisation],
                ) -> datetime.date | None:
    """``signing.date`` when it is the date of everyone who names no ceremony (see the
    module's docstring), else None."""
    signing = agreement.signing
    if signing.date is None or signing.ceremonies:
        return None
    if date_is_over(signing.date, (o.signed_on for o in organisations)):
        return None
    return signing.date


def occasion(agreement: Agreement, organisation: Organisation, where: Standing,
             common: datetime.date | None) -> Occasion:
    """Where and when ``organisation`` (standing ``where``) signs the current text."""
    signing = agreement.signing
    ceremony_dates = {c.date for c in signing.ceremonies} | (
        {signing.date} if signing.date else set())
    if where is Standing.SIGNED and organisation.signed_on is not None:
        signed_on = organisation.signed_on
        return Occasion(signing.place, signed_on,
                        signed_on if signed_on in ceremony_dates else None)
    if where.to_sign:
        date = organisation.ceremony or common
        ceremony = signing.ceremony(date) if date is not None else None
        if ceremony is not None:
            return Occasion(ceremony.place, ceremony.date, ceremony.date, ceremony.venue)
    return Occasion(signing.place)


def resolve(agreement: Agreement, organisations: tuple[Organisation, ...],
            ) -> tuple[Organisation, ...]:
    """``organisations`` with their :class:`Standing` and :class:`Occasion` worked out."""
    fingerprint = text_fingerprint(agreement)
    common = common_date(agreement, organisations)
    resolved = []
    for organisation in organisations:
        where = standing(organisation, fingerprint)
        resolved.append(dataclasses.replace(
            organisation, standing=where,
            signs=occasion(agreement, organisation, where, common)))
    return tuple(resolved)


def to_sign(organisations: Iterable[Organisation]) -> list[Organisation]:
    """Those that are to sign the current text (resolved), in list order."""
    return [o for o in organisations if o.standing is not None and o.standing.to_sign]
