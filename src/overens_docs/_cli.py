"""The ``overens`` command: parse arguments, call the library, map the result to an exit code.

Exit codes: 0 valid/built/status given (diff: the same text), 1 findings that fail (errors;
warnings too with --strict; diff: the texts differ),
2 usage error or unreadable input, 3 a build step failed (LibreOffice missing or failing),
130 interrupted, 141 the output was closed early (``| head``), as for other Unix tools.
With ``--format json`` an error that ends the run is a JSON object on standard output too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from overens_docs import _i18n
from overens_docs._errors import OverensError, ToolMissingError, UsageError
from overens_docs._i18n import _, ngettext

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_BUILD_FAILED = 3
EXIT_INTERRUPTED = 130
EXIT_OUTPUT_CLOSED = 141  # 128 + SIGPIPE, what a shell shows for `cat | head`


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="overens",
        description=_("Validate överenskommelser and build signature-ready documents."),
    )
    parser.add_argument("--lang", choices=_i18n.LANGUAGES, default=None,
                        help=_("language of messages: en or sv (default: from the locale, "
                             "LC_ALL, LC_MESSAGES or LANG)"))
    parser.add_argument("--version", action="version", version=f"overens-docs {_version()}",
                        help=_("print the version of overens-docs and exit"))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate", help=_("check agreements and organisation lists before anything is signed"),
        description=_("Check agreement folders (or single files). Without PATH: every "
                    "agreement folder under agreements/."))
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    validate.add_argument("--format", choices=("text", "json"), default="text",
                          help=_("text for people (default), json for programs"))
    validate.add_argument("--strict", action="store_true", help=_("warnings fail too"))

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
    build.add_argument("--format", choices=("text", "json"), default="text",
                       help=_("how to report findings"))
    build.add_argument("--timeout", type=_seconds, metavar="SECONDS",
                       help=_("how long each LibreOffice run may take before it is taken to hang "
                            "and stopped (default: a minute plus 0.1 s per page)"))
    build.add_argument("--force", action="store_true",
                       help=_("build even when a build folder is up to date (built from the "
                            "same inputs, and unchanged since)"))
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
    verify.add_argument("--format", choices=("text", "json"), default="text",
                        help=_("text for people (default), json for programs"))

    status = commands.add_parser(
        "status", help=_("who has signed which version of each agreement, and who has not"),
        description=_("Validate agreement folders (default: all under agreements/), then list "
                    "for each its text fingerprint, how many organisations signed, are "
                    "invited or withdrew, who signed an older version and who has not signed."))
    status.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    status.add_argument("--format", choices=("text", "json"), default="text",
                        help=_("text for people (default), json for programs"))

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
    diff.add_argument("--format", choices=("text", "json"), default="text",
                      help=_("text for people (default, a Swedish summary), json for programs"))
    diff.add_argument("--out", type=Path, metavar="DIR",
                      help=_("write the jämförelsedokument (.docx and .pdf) into DIR"))
    diff.add_argument("--timeout", type=_seconds, metavar="SECONDS",
                      help=_("how long LibreOffice may take for the PDF (default: a minute)"))
    template_commands = _template_parsers(commands)
    # --lang also after the command, where users put it.
    for command in (validate, build, verify, status, diff, *template_commands):
        command.add_argument("--lang", choices=_i18n.LANGUAGES, default=argparse.SUPPRESS,
                             help=_("language of messages: en or sv"))
    return parser


def _version() -> str:
    """The installed version of overens-docs (a checkout on the path has none)."""
    try:
        return metadata.version("overens-docs")
    except metadata.PackageNotFoundError:
        return _("(not installed)")


def _template_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser],
                      ) -> tuple[argparse.ArgumentParser, ...]:
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
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help=_("text for people (default), json for programs"))
    check.add_argument("--strict", action="store_true", help=_("warnings fail too"))
    return template, new, check


def _template(arguments: argparse.Namespace) -> int:
    from overens_docs import _reporters as reporters  # noqa: PLC0415
    from overens_docs import _templates as templates  # noqa: PLC0415

    if arguments.action == "new":
        written = templates.new_template(arguments.destination, force=arguments.force)
        print(_("Wrote {file}. Edit it in Word, then check it:\n"
                "  overens template check {file}\n"
                "To use it, keep it in the agreement's folder and add to agreement.yaml:\n"
                "  template:\n"
                "    document: {name}").format(file=written, name=written.name))
        return EXIT_OK
    report = templates.check_template_file(arguments.file, arguments.agreement)
    render = reporters.as_json if arguments.format == "json" else reporters.as_text
    print(render(report, strict=arguments.strict))
    return EXIT_FINDINGS if report.fails(strict=arguments.strict) else EXIT_OK


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a number of seconds above 0").format(text=text))
    return value


def _validate(arguments: argparse.Namespace) -> int:
    from overens_docs import _reporters as reporters  # noqa: PLC0415 -- keep startup light
    from overens_docs._api import validate  # noqa: PLC0415

    report = validate(arguments.paths)
    render = reporters.as_json if arguments.format == "json" else reporters.as_text
    print(render(report, strict=arguments.strict))
    return EXIT_FINDINGS if report.fails(strict=arguments.strict) else EXIT_OK


def _build(arguments: argparse.Namespace) -> int:
    from overens_docs import _reporters as reporters  # noqa: PLC0415
    from overens_docs._api import build  # noqa: PLC0415

    result = build(arguments.paths, out=arguments.out, only=arguments.only,
                   timeout=arguments.timeout, force=arguments.force)
    errors = [_error_of(folder, error) for folder, error in result.errors.items()]
    if arguments.format == "json":  # one JSON document, and nothing else, on stdout
        document = json.loads(reporters.as_json(
            result.report, built=[str(f) for f in result.folders],
            up_to_date=[str(f) for f in result.up_to_date]))
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
        for folder in result.folders:
            print(_built(folder, result.seconds.get(folder, 0.0), only=arguments.only))
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


def _built(folder: Path, seconds: float, *, only: str | None) -> str:
    """What a build wrote into ``folder``, from its manifest: organisations, files, pages."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        files = [entry for entry in manifest["files"]
                 if only is None or entry.get("organisation") == only]
        organisations = 1 if only is not None else len(manifest["organisations"])
    except (OSError, ValueError, KeyError, TypeError):  # no readable manifest: say the least
        return _("Built {folder} in {seconds} s").format(folder=folder,
                                                        seconds=_i18n.decimal(seconds))
    pages = sum(entry.get("pages") or 0 for entry in files)
    return _("Built {folder}: {organisations}, {files}, {pages} in {seconds} s").format(
        folder=folder, seconds=_i18n.decimal(seconds),
        organisations=ngettext("{count} organisation", "{count} organisations",
                               organisations).format(count=organisations),
        files=ngettext("{count} file", "{count} files", len(files)).format(count=len(files)),
        pages=ngettext("{count} page", "{count} pages", pages).format(count=pages))


def _verify(arguments: argparse.Namespace) -> int:
    import json  # noqa: PLC0415

    from overens_docs import _reporters as reporters  # noqa: PLC0415
    from overens_docs._verify import verify_builds, verify_returned  # noqa: PLC0415

    folder: Path = arguments.folder
    if not folder.is_dir():
        raise UsageError(_("{folder}: no such build folder.").format(folder=folder))
    if arguments.file is None:
        report = verify_builds(folder)
        render = reporters.as_json if arguments.format == "json" else reporters.as_text
        print(render(report))
        return EXIT_FINDINGS if report.fails() else EXIT_OK
    if not arguments.file.is_file():
        raise UsageError(_("{file}: no such file.").format(file=arguments.file))
    returned = verify_returned(folder, arguments.file)
    if arguments.format == "json":
        print(json.dumps({"file": str(arguments.file), **returned.as_dict()},
                         ensure_ascii=False, indent=2))
    else:
        owner = f" ({returned.organisation})" if returned.organisation else ""
        print(f"{arguments.file}{owner}: {returned.message}")
    return EXIT_OK if returned.holds else EXIT_FINDINGS


def _fail(arguments: argparse.Namespace, message: str, exit_code: int) -> int:
    """Say why the run ended; as a JSON object too when a program reads the output."""
    print(f"overens: {message}", file=sys.stderr)
    if getattr(arguments, "format", "text") == "json":
        print(json.dumps({"error": message, "exit_code": exit_code}, ensure_ascii=False))
    return exit_code


def _silence_stdout() -> None:
    """After a closed pipe: send what is left to devnull, so that Python's flush at exit
    does not raise again (as the Python documentation on SIGPIPE recommends)."""
    try:
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError):  # not a real file (captured by a test)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)


def _run(arguments: argparse.Namespace) -> int:
    """Run the command; the one place where errors become messages and exit codes."""
    handlers = {"validate": _validate, "build": _build, "verify": _verify,
                "status": _status, "diff": _diff, "template": _template}
    try:
        return handlers[arguments.command](arguments)
    except BrokenPipeError:  # an OSError, but not about input: main handles it
        raise
    except ToolMissingError as error:  # before OSError, which it also is
        return _fail(arguments, str(error), EXIT_BUILD_FAILED)
    except UsageError as error:
        return _fail(arguments, str(error), EXIT_USAGE)
    except OSError as error:
        # A file that cannot be read or written (permissions, a folder named like a file).
        return _fail(arguments, f"{error.filename or ''}: {error.strerror or error}",
                     EXIT_USAGE)
    except OverensError as error:
        return _fail(arguments, str(error), EXIT_BUILD_FAILED)
    except KeyboardInterrupt:
        return _fail(arguments, _("interrupted"), EXIT_INTERRUPTED)


def _status(arguments: argparse.Namespace) -> int:
    from overens_docs import _register as register  # noqa: PLC0415
    from overens_docs import _reporters as reporters  # noqa: PLC0415

    result = register.register_status(arguments.paths)
    if arguments.format == "json":  # the findings are in the one JSON document
        print(register.as_json(result))
    else:
        if result.report.findings:  # beside the status, not in it
            print(reporters.as_text(result.report), file=sys.stderr)
        if result.agreements:
            print(register.as_text(result))
    return EXIT_FINDINGS if result.report.fails() else EXIT_OK


def _diff(arguments: argparse.Namespace) -> int:
    from overens_docs import _reporters as reporters  # noqa: PLC0415
    from overens_docs._revise import diff, summary  # noqa: PLC0415

    result = diff.diff(arguments.old, arguments.new)
    if result.revision is None or result.old is None or result.new is None:
        render = reporters.as_json if arguments.format == "json" else reporters.as_text
        print(render(result.report))
        return EXIT_USAGE  # invalid input: the findings say why
    if result.report.findings:  # warnings: beside the comparison, not in it
        print(reporters.as_text(result.report), file=sys.stderr)
    if arguments.out is not None:
        written = diff.write_comparison(result.old, result.new, arguments.out,
                                        timeout=arguments.timeout)
        for path in written:
            print(_("Wrote {path}").format(path=path), file=sys.stderr)
    revision = result.revision
    print(summary.as_json(revision) if arguments.format == "json" else summary.as_text(revision))
    return EXIT_OK if revision.comparison.same_text else EXIT_FINDINGS


def _language_asked(argv: Sequence[str]) -> str | None:
    """The value of ``--lang`` in ``argv``, read before parsing so that --help and the
    parser's own messages are in that language too."""
    for index, argument in enumerate(argv):
        if argument == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if argument.startswith("--lang="):
            return argument.removeprefix("--lang=")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else list(argv)
    _i18n.set_language(_language_asked(given) or _i18n.language_from_environment())
    arguments = _parser().parse_args(given)
    try:
        exit_code = _run(arguments)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except BrokenPipeError:  # the reader stopped reading (`| head`): end quietly
        _silence_stdout()
        return EXIT_OUTPUT_CLOSED
    return exit_code
