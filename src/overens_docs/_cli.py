"""The ``overens`` command: parse arguments, call the library, map the result to an exit code.

Exit codes: 0 valid/built/status given, 1 findings that fail (errors; warnings too with --strict),
2 usage error or unreadable input, 3 a build step failed (LibreOffice missing or failing),
130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from overens_docs._errors import OverensError, ToolMissingError, UsageError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_BUILD_FAILED = 3
EXIT_INTERRUPTED = 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="overens",
        description="Validate överenskommelser and build signature-ready documents.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate", help="check agreements and organisation lists before anything is signed",
        description="Check agreement folders (or single files). Without PATH: every "
                    "agreement folder under agreements/.")
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    validate.add_argument("--format", choices=("text", "json"), default="text",
                          help="text for people (default), json for programs")
    validate.add_argument("--strict", action="store_true", help="warnings fail too")

    build = commands.add_parser(
        "build", help="validate, then write signature-ready Word and PDF documents",
        description="Build every agreement folder given (default: all under agreements/) into "
                    "OUT/<agreement>/: agreement.docx/.pdf, organisations/<name>.pdf/.docx, "
                    "signature-pages.pdf and manifest.json.")
    build.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    build.add_argument("--out", type=Path, default=Path("build"), metavar="DIR",
                       help="where to write (default: build/)")
    build.add_argument("--only", metavar="ORG_ID",
                       help="build only this organisation's documents")
    build.add_argument("--format", choices=("text", "json"), default="text",
                       help="how to report findings")

    status = commands.add_parser(
        "status", help="who has signed which version of each agreement, and who has not",
        description="Validate agreement folders (default: all under agreements/), then list "
                    "for each its text fingerprint, how many organisations signed, are "
                    "invited or withdrew, who signed an older version and who has not signed.")
    status.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    status.add_argument("--format", choices=("text", "json"), default="text",
                        help="text for people (default), json for programs")
    return parser


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

    result = build(arguments.paths, out=arguments.out, only=arguments.only)
    render = reporters.as_json if arguments.format == "json" else reporters.as_text
    if result.report.findings or arguments.format == "json":
        print(render(result.report), file=sys.stdout if arguments.format == "json" else sys.stderr)
    if result.report.fails() and not result.build_failed:
        return EXIT_FINDINGS
    if result.build_failed:
        return EXIT_BUILD_FAILED
    for folder in result.folders:
        print(f"Built {folder}")
    return EXIT_OK


def _status(arguments: argparse.Namespace) -> int:
    from overens_docs import _register as register  # noqa: PLC0415
    from overens_docs import _reporters as reporters  # noqa: PLC0415

    result = register.register_status(arguments.paths)
    if result.report.fails():
        render = reporters.as_json if arguments.format == "json" else reporters.as_text
        print(render(result.report))
        return EXIT_FINDINGS
    if result.report.findings:  # warnings: beside the status, not in it
        print(reporters.as_text(result.report), file=sys.stderr)
    print(register.as_json(result) if arguments.format == "json" else register.as_text(result))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    handlers = {"validate": _validate, "build": _build, "status": _status}
    try:
        return handlers[arguments.command](arguments)
    except ToolMissingError as error:  # before OSError, which it also is
        print(f"overens: {error}", file=sys.stderr)
        return EXIT_BUILD_FAILED
    except UsageError as error:
        print(f"overens: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:
        # A file that exists but cannot be read (permissions, a folder named like a file).
        print(f"overens: cannot read {error.filename or ''}: {error.strerror or error}",
              file=sys.stderr)
        return EXIT_USAGE
    except OverensError as error:
        print(f"overens: {error}", file=sys.stderr)
        return EXIT_BUILD_FAILED
    except KeyboardInterrupt:
        print("overens: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
