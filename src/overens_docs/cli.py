"""The ``overens`` command: parse arguments, call the library, map the result to an exit code.

Exit codes: 0 valid/built, 1 findings that fail (errors; warnings too with --strict),
2 usage error or unreadable input, 3 a build step failed (LibreOffice missing or failing),
130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from overens_docs.errors import OverensError, ToolMissingError, UsageError

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
    return parser


def _validate(arguments: argparse.Namespace) -> int:
    from overens_docs import report as reporters  # noqa: PLC0415 -- keep startup light
    from overens_docs.validate import validate_paths  # noqa: PLC0415

    report, _ = validate_paths(arguments.paths)
    render = reporters.as_json if arguments.format == "json" else reporters.as_text
    print(render(report, strict=arguments.strict))
    return EXIT_FINDINGS if report.fails(strict=arguments.strict) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    handlers = {"validate": _validate}
    try:
        return handlers[arguments.command](arguments)
    except UsageError as error:
        print(f"overens: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:
        # A file that exists but cannot be read (permissions, a folder named like a file).
        print(f"overens: cannot read {error.filename or ''}: {error.strerror or error}",
              file=sys.stderr)
        return EXIT_USAGE
    except ToolMissingError as error:
        print(f"overens: {error}", file=sys.stderr)
        return EXIT_BUILD_FAILED
    except OverensError as error:
        print(f"overens: {error}", file=sys.stderr)
        return EXIT_BUILD_FAILED
    except KeyboardInterrupt:
        print("overens: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
