"""Rules comparing the hand-kept register with the receipts of filed signed copies.

``overens receive`` records each filed copy in ``signed/receipts.json`` (:mod:`.._receipts`);
the organisation list is the officer's own. Where they disagree (the list says invited, or
another version, and a receipt says signed), that is a warning at the list's row that
names the receipt's copy, so the officer can put the list right; the list is never
changed by the tool.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from overens_docs._domain.fingerprint import matches, short_form
from overens_docs._domain.reading import default_ids
from overens_docs._findings import Finding, Severity
from overens_docs._i18n import _
from overens_docs._receipts import Receipt, ReceiptsProblem, read_receipts, receipts_path
from overens_docs._targets import display
from overens_docs._validate.framework import text
from overens_docs._validate.register_rules import FolderInput, folder_rule, status_of


def _rows(folder_input: FolderInput) -> list[tuple[int, dict[str, Any], str]]:
    """Each row of the list, with its id as the domain derives it (none when the rows
    are too broken to derive them: other rules say why)."""
    data = folder_input.organisations.data
    rows = data.get("organisations") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, dict) and isinstance(
            row.get("name"), str) for row in rows):
        return []
    try:
        ids = default_ids(rows)
    except (KeyError, TypeError, ValueError):
        return []
    return list(zip(range(len(rows)), rows, ids, strict=True))


def _disagreement(row: dict[str, Any], filed: list[Receipt]) -> tuple[str, str] | None:
    """The key of the row that disagrees with the receipts ``filed`` for it, and what the
    row says; None when it agrees with one of them."""
    status = status_of(row)
    version = text(row, "signed_version")
    if status == "invited":
        return "status", _("the list says it is invited")
    if status == "signed" and version is not None and not any(
            matches(receipt.text_fingerprint, version) for receipt in filed):
        return "signed_version", _("the list says it signed version {version}").format(
            version=version.strip())
    return None  # signed without a recorded version, or withdrawn since: no disagreement


@folder_rule("register-receipt-disagrees")
def receipt_disagrees(folder_input: FolderInput) -> Iterator[Finding]:
    """A receipt of a filed signed copy and the list's row of its organisation agree."""
    receipts = read_receipts(folder_input.agreement.folder)
    if isinstance(receipts, ReceiptsProblem):
        yield Finding(receipts.file, None, None, "$", "receipts-unreadable", Severity.WARNING,
                      receipts.reason)
        return
    if not receipts.receipts:
        return
    organisations = folder_input.organisations
    rows = _rows(folder_input)
    known = {identifier for _index, _row, identifier in rows}
    for index, row, identifier in rows:
        filed = receipts.of(identifier)
        found = _disagreement(row, filed) if filed else None
        if found is not None:
            key, says, receipt = *found, filed[-1]
            yield organisations.warning(
                ("organisations", index, key), "register-receipt-disagrees",
                _("'{name}': {says}, but {file} is its signed copy of version {version} "
                  "(signed/receipts.json). Set its status to signed and its signed_version "
                  "to {version}, or remove the copy and its receipt.").format(
                    name=row.get("name"), says=says, file=receipt.file,
                    version=short_form(receipt.text_fingerprint)))
    for position, receipt in enumerate(receipts.receipts):
        if rows and receipt.organisation not in known:
            yield Finding(display(receipts_path(folder_input.agreement.folder)), None, None,
                          f"$.receipts[{position}]", "register-receipt-disagrees",
                          Severity.WARNING, _(
                "{file} is the signed copy of {organisation}, which the organisation list no "
                "longer has.").format(file=receipt.file, organisation=receipt.organisation))
