"""Who a build makes documents for, who is on the ceremony file, and who gets a letter: the
register as :func:`overens_docs._domain.signing.resolve` reads it.

* **Documents**: by default, the organisations that are to sign the current text (invited,
  or signed an older text); with ``--all``, every organisation that has not withdrawn. A
  withdrawn organisation never gets any.
* **The ceremony file** (``signature-pages.pdf``): the organisations to sign at the first
  ceremony (by date) that has any; when none has, every organisation that is to sign (as
  the file was before ceremonies: its date lines left to fill in by hand). Nobody to sign:
  no ceremony file.
* **Letters and the mailing list**: every organisation that is to sign, to invite or remind.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from overens_docs._domain import Agreement, Organisation, Standing


@dataclass(frozen=True, slots=True)
class CeremonyFile:
    """Whose signature pages ``signature-pages.pdf`` holds, in list order: one ceremony's
    (``date``), or, with ``date`` None, everyone's who is to sign."""

    date: datetime.date | None
    place: str | None
    organisations: tuple[Organisation, ...]

    @property
    def ids(self) -> list[str]:
        return [organisation.id for organisation in self.organisations]


@dataclass(frozen=True, slots=True)
class Selection:
    """What a full build of the register makes (see the module's docstring)."""

    documents: tuple[Organisation, ...]  # in list order
    ceremony: CeremonyFile | None
    later_ceremonies: tuple[tuple[datetime.date, int], ...]  # (date, organisations): next time
    recipients: tuple[Organisation, ...]  # to invite or remind, in list order
    without_documents: tuple[tuple[Standing, int], ...]  # why the others got none, and how many


def _standing(organisation: Organisation) -> Standing:
    assert organisation.standing is not None, "resolved by _read"  # noqa: S101
    return organisation.standing


def select(agreement: Agreement, everyone: tuple[Organisation, ...], *,
           every: bool = False) -> Selection:
    """The selection of a full build of ``everyone`` (``every``: ``--all``)."""
    documents = tuple(o for o in everyone if _standing(o) is not Standing.WITHDRAWN
                      and (every or _standing(o).to_sign))
    recipients = tuple(o for o in everyone if _standing(o).to_sign)
    dates = sorted({date for o in recipients if (date := o.signs.ceremony) is not None})
    ceremony = None
    if dates:
        members = tuple(o for o in recipients if o.signs.ceremony == dates[0])
        ceremony = CeremonyFile(dates[0], members[0].signs.place, members)
    elif recipients:
        ceremony = CeremonyFile(None, agreement.signing.place, recipients)
    later = tuple((date, sum(o.signs.ceremony == date for o in recipients))
                  for date in dates[1:])
    built = {o.id for o in documents}
    counts = Counter(_standing(o) for o in everyone if o.id not in built)
    return Selection(documents, ceremony, later, recipients,
                     tuple((standing, counts[standing]) for standing in Standing
                           if counts[standing]))
