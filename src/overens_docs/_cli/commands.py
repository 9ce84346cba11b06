"""What each ``overens`` command does: call the public API (:mod:`overens_docs._api`),
print the result as text or JSON, and return the exit code (:mod:`.exit_codes`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from overens_docs import _i18n
from overens_docs._cli.exit_codes import EXIT_BUILD_FAILED, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from overens_docs._errors import OverensError, UsageError
from overens_docs._i18n import _, ngettext

if TYPE_CHECKING:
    from overens_docs._api import Summary


def validate(arguments: argparse.Namespace) -> int:
    from overens_docs import _reporters as reporters  # noqa: PLC0415 -- keep startup light
    from overens_docs._api import validate  # noqa: PLC0415

    report = validate(arguments.paths)
    render = reporters.as_json if arguments.format == "json" else reporters.as_text
    print(render(report, strict=arguments.strict))
    return EXIT_FINDINGS if report.fails(strict=arguments.strict) else EXIT_OK


def build(arguments: argparse.Namespace) -> int:
    from overens_docs import _reporters as reporters  # noqa: PLC0415
    from overens_docs._api import build  # noqa: PLC0415

    result = build(arguments.paths, out=arguments.out, only=arguments.only,
                   timeout=arguments.timeout, force=arguments.force, every=arguments.every)
    errors = [_error_of(folder, error) for folder, error in result.errors.items()]
    if arguments.format == "json":  # one JSON document, and nothing else, on stdout
        document = json.loads(reporters.as_json(
            result.report, built=[str(f) for f in result.folders],
            up_to_date=[str(f) for f in result.up_to_date],
            builds={str(built.destination): built.summary.as_dict()
                    for built in result.built}))
        if errors:  # as a run that ends early says it, for every agreement not built
            document.update(error="\n".join(message for message, _code in errors),
                            exit_code=errors[0][1])
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        if result.report.findings:
            print(reporters.as_text(result.report), file=sys.stderr)
        for folder in result.up_to_date:
            print(_("{folder} is up to date (built from the same inputs; --force builds it "
                    "again)").format(folder=folder))
        for built in result.built:
            print(built_line(built.destination, built.summary, built.seconds))
            for line in built_details(built.summary):
                print("  " + line)
    for message, _code in errors:
        print(f"overens: {message}", file=sys.stderr)
    if errors:
        return errors[0][1]
    if result.build_failed:
        return EXIT_BUILD_FAILED
    return EXIT_FINDINGS if result.report.fails() else EXIT_OK


def _error_of(folder: Path, error: OverensError) -> tuple[str, int]:
    """Why one agreement was not built, naming it, and the exit code that says so."""
    from overens_docs._targets import display  # noqa: PLC0415

    message = str(error)
    if display(folder) not in message:
        message = f"{display(folder)}: {message}"
    return message, EXIT_USAGE if isinstance(error, UsageError) else EXIT_BUILD_FAILED


def built_line(folder: Path, summary: Summary, seconds: float) -> str:
    """What a build wrote into ``folder``: organisations, files, pages."""
    return _("Built {folder}: {organisations}, {files}, {pages} in {seconds} s").format(
        folder=folder, seconds=_i18n.decimal(seconds),
        organisations=ngettext("{count} organisation", "{count} organisations",
                               summary.organisations).format(count=summary.organisations),
        files=ngettext("{count} file", "{count} files", summary.files).format(
            count=summary.files),
        pages=ngettext("{count} page", "{count} pages", summary.pages).format(
            count=summary.pages))


def _without(standing: str, count: int) -> str:
    if standing == "signed":
        text = ngettext("{count} has signed the current text",
                        "{count} have signed the current text", count)
    elif standing == "unrecorded":
        text = ngettext("{count} has signed, which version is not recorded",
                        "{count} have signed, which version is not recorded", count)
    else:
        text = ngettext("{count} has withdrawn", "{count} have withdrawn", count)
    return text.format(count=count)


def built_details(summary: Summary) -> list[str]:
    """Who got no documents and why, what signature-pages.pdf is for, and the letters."""
    lines = []
    if summary.without_documents:
        total = sum(count for _standing, count in summary.without_documents)
        reasons = [_without(standing, count) for standing, count in summary.without_documents]
        text = (_("No documents for {count}: {reasons} (--all makes them for everyone who "
                  "has not withdrawn).") if any(standing != "withdrawn" for standing, _count
                                                in summary.without_documents)
                else _("No documents for {count}: {reasons}."))
        lines.append(text.format(count=_organisations(total), reasons=", ".join(reasons)))
    if summary.ceremony is not None:
        lines.append(_("signature-pages.pdf: the ceremony of {date}, {count}.").format(
            date=summary.ceremony, count=_organisations(summary.ceremony_organisations)))
    elif summary.ceremony_organisations:
        lines.append(_("signature-pages.pdf: everyone who is to sign ({count}), at no one "
                       "ceremony.").format(count=_organisations(summary.ceremony_organisations)))
    for date, count in summary.later_ceremonies:
        lines.append(_("The ceremony of {date} ({count}) gets its signature-pages.pdf in a "
                       "build after the one of {first}.").format(
                           date=date, count=_organisations(count), first=summary.ceremony))
    if summary.letters:
        lines.append(ngettext("letters/: {count} letter, and the mailing list.",
                              "letters/: {count} letters, and the mailing list.",
                              summary.letters).format(count=summary.letters))
    elif summary.mailing_list and summary.letters_missing:
        lines.append(_("letters/mailing-list.csv: {count} to write to. No letters: "
                       "agreement.yaml has no invitation (what the letters say).").format(
                           count=_organisations(summary.mailing_list)))
    return lines


def _organisations(count: int) -> str:
    return ngettext("{count} organisation", "{count} organisations", count).format(count=count)


def verify(arguments: argparse.Namespace) -> int:
    from overens_docs import _api as api  # noqa: PLC0415
    from overens_docs import _reporters as reporters  # noqa: PLC0415

    if arguments.file is None:
        report = api.verify(arguments.folder)
        render = reporters.as_json if arguments.format == "json" else reporters.as_text
        print(render(report))
        return EXIT_FINDINGS if report.fails() else EXIT_OK
    from overens_docs._verify import report as copy_report  # noqa: PLC0415

    returned = api.verify_file(arguments.folder, arguments.file, arguments.trust)
    if arguments.format == "json":
        print(json.dumps({**returned.as_dict(), "file": str(arguments.file)},
                         ensure_ascii=False, indent=2))
    else:
        print(copy_report.as_text(returned))
    return EXIT_OK if returned.holds else EXIT_FINDINGS


def receive(arguments: argparse.Namespace) -> int:
    from overens_docs import _receive  # noqa: PLC0415 -- its text
    from overens_docs import _reporters as reporters  # noqa: PLC0415
    from overens_docs._api import receive  # noqa: PLC0415

    result = receive(arguments.folder, arguments.copies, build=arguments.build,
                     trust=arguments.trust, scanned=arguments.scanned)
    if arguments.format == "json":
        print(json.dumps({"findings": [f.as_dict() for f in result.report.sorted_findings()],
                          "copies": [received.as_dict() for received in result.received]},
                         ensure_ascii=False, indent=2))
    else:
        if result.report.findings:
            print(reporters.as_text(result.report), file=sys.stderr)
        if result.received:
            print(_receive.as_text(result))
    return EXIT_FINDINGS if result.refused else EXIT_OK


def status(arguments: argparse.Namespace) -> int:
    from overens_docs import _register as register  # noqa: PLC0415 -- its text and JSON
    from overens_docs import _reporters as reporters  # noqa: PLC0415
    from overens_docs._api import status  # noqa: PLC0415

    result = status(arguments.paths)
    if arguments.format == "json":  # the findings are in the one JSON document
        print(register.as_json(result))
    else:
        if result.report.findings:  # beside the status, not in it
            print(reporters.as_text(result.report), file=sys.stderr)
        if result.agreements:
            print(register.as_text(result))
    return EXIT_FINDINGS if result.report.fails() else EXIT_OK


def diff(arguments: argparse.Namespace) -> int:
    from overens_docs import _reporters as reporters  # noqa: PLC0415
    from overens_docs._api import diff  # noqa: PLC0415
    from overens_docs._revise import summary  # noqa: PLC0415 -- its text and JSON

    result = diff(arguments.old, arguments.new, out=arguments.out, timeout=arguments.timeout)
    if result.revision is None:
        render = reporters.as_json if arguments.format == "json" else reporters.as_text
        print(render(result.report))
        return EXIT_USAGE  # invalid input: the findings say why
    if result.report.findings:  # warnings: beside the comparison, not in it
        print(reporters.as_text(result.report), file=sys.stderr)
    for path in result.written:
        print(_("Wrote {path}").format(path=path), file=sys.stderr)
    revision = result.revision
    print(summary.as_json(revision) if arguments.format == "json" else summary.as_text(revision))
    return EXIT_OK if revision.comparison.same_text else EXIT_FINDINGS


def template(arguments: argparse.Namespace) -> int:
    from overens_docs import _api as api  # noqa: PLC0415
    from overens_docs import _reporters as reporters  # noqa: PLC0415

    if arguments.action == "new":
        written = api.new_template(arguments.destination, force=arguments.force)
        print(_("Wrote {file}. Edit it in Word, then check it:\n"
                "  overens template check {file}\n"
                "To use it, keep it in the agreement's folder and add to agreement.yaml:\n"
                "  template:\n"
                "    document: {name}").format(file=written, name=written.name))
        return EXIT_OK
    report = api.check_template(arguments.file, arguments.agreement)
    render = reporters.as_json if arguments.format == "json" else reporters.as_text
    print(render(report, strict=arguments.strict))
    return EXIT_FINDINGS if report.fails(strict=arguments.strict) else EXIT_OK


def followup(arguments: argparse.Namespace) -> int:
    from overens_docs import _reporters as reporters  # noqa: PLC0415
    from overens_docs._api import followup_new, followup_report  # noqa: PLC0415
    from overens_docs._followup import output  # noqa: PLC0415 -- its text and JSON

    json_out = arguments.format == "json"
    new = arguments.action == "new"
    result = followup_new(arguments.folder, arguments.year) if new else followup_report(
        arguments.folder, arguments.year, out=arguments.out, timeout=arguments.timeout)
    report = result.report
    if report.findings and not json_out:  # failing: instead of the result; else beside it
        print(reporters.as_text(report), file=sys.stdout if report.fails() else sys.stderr)
    if json_out:
        print(output.new_as_json(result) if isinstance(result, output.NewResult)
              else output.report_as_json(result))
    elif not report.fails():
        print(output.new_as_text(result) if isinstance(result, output.NewResult)
              else output.report_as_text(result))
    return EXIT_FINDINGS if report.fails() else EXIT_OK


HANDLERS = {"validate": validate, "build": build, "verify": verify, "receive": receive,
            "status": status, "diff": diff, "template": template, "followup": followup}
