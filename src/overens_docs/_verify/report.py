"""The report kept with each copy for the archive: the verdict, the fingerprint, the
signatures and the findings, as JSON for programs and as a short web page for people, in
the language of the run (Swedish under a Swedish locale). No clock: the same copy checked
against the same build gives the same report."""

from __future__ import annotations

import html
import json

from overens_docs._i18n import _, language
from overens_docs._receipts import SignatureRecord
from overens_docs._reporters import finding_line
from overens_docs._verify.returned import Returned

_STYLE = ("body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.4}"
          "th{text-align:left;vertical-align:top;padding-right:1em}td{vertical-align:top}"
          "table{border-collapse:collapse;margin-bottom:1em}"
          "caption{text-align:left;font-weight:bold;margin:1em 0 .3em}")


def report_json(returned: Returned, **extra: object) -> bytes:
    """The report as JSON (``extra``: what receiving added, such as the filed file)."""
    return (json.dumps({"format": "overens-copy-report-1", **returned.as_dict(), **extra},
                       ensure_ascii=False, indent=2) + "\n").encode()


def _yes(value: bool | None) -> str:
    return _("unknown") if value is None else _("yes") if value else _("no")


def _row(label: str, value: str | None) -> str:
    cell = html.escape(value or "-")
    return f"<tr><th scope=\"row\">{html.escape(label)}</th><td>{cell}</td></tr>"


def _signature(number: int, signature: SignatureRecord) -> str:
    rows = [
        _row(_("Signer"), signature.signer + (f" ({signature.organisation})"
                                              if signature.organisation else "")),
        _row(_("Intact"), _yes(signature.intact)),
        _row(_("Trusted"), _yes(signature.trusted)),
        _row(_("Signing time it claims"), signature.signed_at),
        _row(_("Timestamp"), signature.timestamp),
        _row(_("Certificate valid then"), _yes(signature.certificate_valid)),
        _row(_("Revocation"), {"good": _("not revoked"), "revoked": _("revoked")}.get(
            signature.revocation, _("unknown (the PDF carries no revocation information)"))),
        _row(_("Covers"), {"whole-file": _("the whole file"),
                           "revision": _("the file up to it")}.get(signature.covers,
                                                                   _("unclear"))),
        _row(_("Changed after it"), _yes(signature.modified_after)),
        _row(_("Issuer"), signature.issuer),
        _row(_("Problem"), signature.problem),
    ]
    caption = _("Signature {number}").format(number=number)
    return f"<table><caption>{html.escape(caption)}</caption>{''.join(rows)}</table>"


def report_html(returned: Returned, filed: str | None = None) -> bytes:
    """The report as a short web page for people."""
    title = _("Signed copy: {file}").format(file=returned.file)
    verdict = _("It holds: the text is the one built.") if returned.holds else _(
        "It does not hold.")
    summary = [
        _row(_("Verdict"), f"{verdict} {returned.message}"),
        _row(_("Organisation"), returned.organisation),
        _row(_("Text fingerprint"), returned.text_fingerprint),
        _row(_("Compared with"), returned.build),
        _row(_("SHA-256 of the file"), returned.sha256),
        _row(_("Filed as"), filed),
        _row(_("Pages after the text"), str(returned.appended_pages)),
    ]
    parts = [f"<table>{''.join(summary)}</table>"]
    parts += [_signature(number, signature)
              for number, signature in enumerate(returned.signatures, 1)]
    if not returned.signatures:
        parts.append(f"<p>{html.escape(_('It carries no e-signature.'))}</p>")
    if returned.findings:
        items = "".join(
            f"<li>{html.escape(finding.severity.value)} [{html.escape(finding.rule)}]"
            + (html.escape(_(" page {page}").format(page=finding.page)) if finding.page
               else "") + f": {html.escape(finding.message)}</li>"
            for finding in returned.findings)
        parts.append(f"<h2>{html.escape(_('Findings'))}</h2><ul>{items}</ul>")
    lang = "sv" if language() == "sv" else "en"
    return ("<!DOCTYPE html>\n"
            f"<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}"
            f"</title><style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
            + "".join(parts) + "</body></html>\n").encode()


def signature_line(signature: SignatureRecord) -> str:
    """One signature in a line: who, when, intact, trusted."""
    state = (_("not intact") if not signature.intact else
             _("intact, trusted") if signature.trusted else _("intact, not trusted"))
    if signature.intact and signature.certificate_valid is False:
        state += ", " + _("certificate not valid then")
    when = signature.timestamp or signature.signed_at or _("no time given")
    kind = _("timestamp") if signature.kind == "document-timestamp" else _("signature")
    return _("{kind} of {signer} ({when}): {state}").format(
        kind=kind, signer=signature.signer, when=when, state=state)


def as_text(returned: Returned) -> str:
    """The verdict, the signatures and the findings, for people."""
    owner = f" ({returned.organisation})" if returned.organisation else ""
    lines = [f"{returned.file}{owner}: {returned.message}"]
    if returned.text_fingerprint:
        lines.append("  " + _("text fingerprint {fingerprint}, compared with {build}").format(
            fingerprint=returned.text_fingerprint, build=returned.build))
    lines += ["  " + signature_line(signature) for signature in returned.signatures]
    lines += ["  " + finding_line(finding) for finding in returned.findings]
    lines.append(_("It holds.") if returned.holds else _("It does not hold."))
    return "\n".join(lines)
