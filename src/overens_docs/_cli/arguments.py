"""The ``overens`` command's arguments: one function per command adds its parser."""

from __future__ import annotations

import argparse
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from overens_docs import _i18n
from overens_docs._i18n import _

if TYPE_CHECKING:
    Commands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]


def parser() -> argparse.ArgumentParser:
    """The parser of every command and option."""
    top = argparse.ArgumentParser(
        prog="overens",
        description=_("Validate överenskommelser and build signature-ready documents."),
    )
    top.add_argument("--lang", choices=_i18n.LANGUAGES, default=None,
                     help=_("language of messages: en or sv (default: from the locale, "
                            "LC_ALL, LC_MESSAGES or LANG)"))
    top.add_argument("--version", action="version", version=f"overens-docs {_version()}",
                     help=_("print the version of overens-docs and exit"))
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    made = [_validate(commands), _build(commands), _verify(commands), _receive(commands),
            _status(commands), _diff(commands), *_template(commands), *_followup(commands)]
    # --lang also after the command, where users put it.
    for command in made:
        command.add_argument("--lang", choices=_i18n.LANGUAGES, default=argparse.SUPPRESS,
                             help=_("language of messages: en or sv"))
    return top


def _version() -> str:
    """The installed version of overens-docs (a checkout on the path has none)."""
    try:
        return metadata.version("overens-docs")
    except metadata.PackageNotFoundError:
        return _("(not installed)")


def seconds(text: str) -> float:
    """A number of seconds above 0, for --timeout."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a number of seconds above 0").format(text=text))
    return value


def _format(command: argparse.ArgumentParser, help_text: str | None = None) -> None:
    command.add_argument("--format", choices=("text", "json"), default="text",
                         help=help_text or _("text for people (default), json for programs"))


def _validate(commands: Commands) -> argparse.ArgumentParser:
    validate = commands.add_parser(
        "validate", help=_("check agreements and organisation lists before anything is signed"),
        description=_("Check agreement folders (or single files). Without PATH: every "
                      "agreement folder under agreements/."))
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    _format(validate)
    validate.add_argument("--strict", action="store_true", help=_("warnings fail too"))
    return validate


def _build(commands: Commands) -> argparse.ArgumentParser:
    build = commands.add_parser(
        "build", help=_("validate, then write signature-ready Word and PDF documents"),
        description=_("Build every agreement folder given (default: all under agreements/) into "
                      "OUT/<agreement>/: agreement.docx/.pdf, organisations/<name>.pdf/.docx, "
                      "signature-pages.pdf and manifest.json."))
    build.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    build.add_argument("--out", type=Path, default=Path("build"), metavar="DIR",
                       help=_("where to write (default: build/)"))
    build.add_argument("--only", metavar="ORG_ID",
                       help=_("build only this organisation's documents"))
    build.add_argument("--all", action="store_true", dest="every",
                       help=_("documents for every organisation that has not withdrawn, not "
                              "only for those that are to sign"))
    _format(build, _("how to report findings"))
    build.add_argument("--timeout", type=seconds, metavar="SECONDS",
                       help=_("how long each LibreOffice run may take before it is taken to hang "
                              "and stopped (default: a minute plus 0.1 s per page)"))
    build.add_argument("--force", action="store_true",
                       help=_("build even when a build folder is up to date (built from the "
                              "same inputs, and unchanged since)"))
    return build


def _verify(commands: Commands) -> argparse.ArgumentParser:
    verify = commands.add_parser(
        "verify", help=_("check a build folder, or a copy that came back signed"),
        description=_("Check that BUILD_DIR holds exactly what its manifest lists, that every "
                      "organisation's PDF is the build's text plus its own signature page, and "
                      "that every signature page carries the text fingerprint. A folder of "
                      "build folders (build/) checks each of them. With --file: whose copy "
                      "RETURNED.pdf is, and whether it carries this build's text."))
    verify.add_argument("folder", type=Path, metavar="BUILD_DIR")
    verify.add_argument("--file", type=Path, metavar="RETURNED.pdf",
                        help=_("a PDF that came back (signed, or re-saved) to compare"))
    _trust(verify)
    _format(verify)
    return verify


def _trust(command: argparse.ArgumentParser) -> None:
    command.add_argument("--trust", type=Path, action="append", default=[], metavar="CERT.pem",
                         help=_("a root certificate whose e-signatures you trust (repeatable)"))


def _receive(commands: Commands) -> argparse.ArgumentParser:
    receive = commands.add_parser(
        "receive", help=_("check signed copies that came back, and file and record them"),
        description=_("Verify each COPY.pdf against the agreement's build (and the texts "
                      "kept from earlier builds), check its e-signatures offline, and file "
                      "each copy that holds in AGREEMENT_DIR/signed/ with a receipt in "
                      "signed/receipts.json. A copy that does not hold is refused."))
    receive.add_argument("folder", type=Path, metavar="AGREEMENT_DIR")
    receive.add_argument("copies", nargs="+", type=Path, metavar="COPY.pdf")
    receive.add_argument("--build", type=Path, metavar="BUILD_DIR",
                         help=_("the build folder to compare with (default: "
                                "build/<agreement>)"))
    _trust(receive)
    receive.add_argument("--scanned", metavar="ORG_ID",
                         help=_("the copies are scans of a copy this organisation signed on "
                                "paper"))
    _format(receive)
    return receive


def _status(commands: Commands) -> argparse.ArgumentParser:
    status = commands.add_parser(
        "status", help=_("who has signed which version of each agreement, and who has not"),
        description=_("Validate agreement folders (default: all under agreements/), then list "
                      "for each its text fingerprint, how many organisations signed, are "
                      "invited or withdrew, who signed an older version and who has not signed."))
    status.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    _format(status)
    return status


def _diff(commands: Commands) -> argparse.ArgumentParser:
    diff = commands.add_parser(
        "diff", help=_("what changed between two versions of an agreement, and who must sign "
                       "again"),
        description=_("Validate OLD and NEW (agreement folders or agreement.yaml files) and "
                      "list what changed, by id: principles, definitions, parties, commitments "
                      "and fields. Exit 0 when the texts are the same, 1 when they differ, 2 on "
                      "invalid input. With --out: jamforelsedokument.docx (Word tracked "
                      "changes) and jamforelsedokument.pdf."))
    diff.add_argument("old", type=Path, metavar="OLD")
    diff.add_argument("new", type=Path, metavar="NEW")
    _format(diff, _("text for people (default, a Swedish summary), json for programs"))
    diff.add_argument("--out", type=Path, metavar="DIR",
                      help=_("write the jämförelsedokument (.docx and .pdf) into DIR"))
    diff.add_argument("--timeout", type=seconds, metavar="SECONDS",
                      help=_("how long LibreOffice may take for the PDF (default: a minute)"))
    return diff


def _template(commands: Commands) -> tuple[argparse.ArgumentParser, ...]:
    template = commands.add_parser(
        "template", help=_("start your own Word template from the default, and check it"),
        description=_("Make a copy of the default Word template to edit (new), and check an "
                      "edited template before building with it (check)."))
    actions = template.add_subparsers(dest="action", required=True, metavar="ACTION")
    new = actions.add_parser(
        "new", help=_("write an editable copy of the default template"),
        description=_("Write a copy of the default Word template to DEST.docx, to edit in "
                      "Word (a logo in the header, the kommun's fonts and colours)."))
    new.add_argument("destination", type=Path, metavar="DEST.docx")
    new.add_argument("--force", action="store_true", help=_("replace DEST.docx if it exists"))
    check = actions.add_parser(
        "check", help=_("check a Word template before building with it"),
        description=_("Report every name FILE uses that the data lacks, every tag Word has "
                      "split, tags left open or unsafe, and styles the documents need, each "
                      "with the part, paragraph and first words to find it by in Word."))
    check.add_argument("file", type=Path, metavar="FILE")
    check.add_argument("--agreement", type=Path, metavar="DIR",
                       help=_("check against this agreement folder's data (default: a "
                              "sample in which every optional value is set)"))
    _format(check)
    check.add_argument("--strict", action="store_true", help=_("warnings fail too"))
    return template, new, check


def _followup(commands: Commands) -> tuple[argparse.ArgumentParser, ...]:
    followup = commands.add_parser(
        "followup", help=_("the yearly follow-up: workbook, questionnaires and report"),
        description=_("Write a year's follow-up workbook and the organisations' "
                      "questionnaires (new); read them back and write the report (report)."))
    actions = followup.add_subparsers(dest="action", required=True, metavar="ACTION")
    new = actions.add_parser(
        "new", help=_("write the year's workbook and a questionnaire per signatory"),
        description=_("Write AGREEMENT_DIR/uppfoljning/YEAR/: the year's workbook (last "
                      "year's entries carried over), a questionnaire for every organisation "
                      "that has signed, and the folder svar/ for those that come back. "
                      "Nothing that exists is replaced."))
    report = actions.add_parser(
        "report", help=_("check the year's follow-up and write the report"),
        description=_("Check YEAR's workbook and the questionnaires in svar/ against the "
                      "agreement, then write the report as Word, PDF/A and HTML into DIR."))
    for command in (new, report):
        command.add_argument("folder", type=Path, metavar="AGREEMENT_DIR")
        command.add_argument("year", type=int, metavar="YEAR")
        _format(command)
    report.add_argument("--out", type=Path, metavar="DIR",
                        help=_("where to write (default: build/<agreement>-uppfoljning-YEAR)"))
    report.add_argument("--timeout", type=seconds, metavar="SECONDS",
                        help=_("how long LibreOffice may take for the PDF (default: a minute)"))
    return followup, new, report
