"""The mailing list of the organisations to invite or remind, ``letters/mailing-list.csv``.

For the officer, not for publishing: it holds e-mail addresses and phone numbers (from the
register's email and contact columns). UTF-8 with a byte-order mark and ``;`` between
fields, as Excel in Swedish opens it, and as Word's and Outlook's mail merge read it; the
columns have Swedish names. A pure function of the domain: the same register gives the
same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

from overens_docs._domain import Organisation, OrganisationContact, Standing
from overens_docs._render.context import swedish_date
from overens_docs._render.signatories import spreadsheet_cell

COLUMNS = ("Organisation", "Kontaktperson", "E-post", "Kontakt", "Anledning", "Brev")


def reason(organisation: Organisation) -> str:
    """Why the organisation is written to, in Swedish: invited or to sign again, at which
    ceremony, and whether it is a reminder (an earlier letter is recorded)."""
    what = ("underteckna den reviderade överenskommelsen"
            if organisation.standing is Standing.OUTDATED
            else "inbjudan att underteckna överenskommelsen")
    if organisation.signs.ceremony is not None:
        what += f" vid ceremonin den {swedish_date(organisation.signs.ceremony)}"
    if organisation.invited_on is not None:
        return f"Påminnelse (brev den {swedish_date(organisation.invited_on)}): {what}"
    return what[0].upper() + what[1:]


def mailing_list_csv(recipients: Iterable[Organisation],
                     contacts: Mapping[str, OrganisationContact], *, letters: bool) -> bytes:
    """One row per organisation in ``recipients``, in list order; ``letters``: the name of
    its letter in ``letters/`` is given."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for organisation in recipients:
        contact = contacts.get(organisation.id, OrganisationContact(None, None))
        writer.writerow([spreadsheet_cell(value) for value in (
            organisation.name, organisation.representative, contact.email,
            None if contact.contact == contact.email else contact.contact,
            reason(organisation), f"{organisation.file_stem}.pdf" if letters else None)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
