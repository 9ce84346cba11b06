"""The ``overens`` command: parse arguments (:mod:`.arguments`), call the library
(:mod:`.commands`), map the result to an exit code (:mod:`.exit_codes`).

Errors that end a run become a message and an exit code here, in one place.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from overens_docs import _i18n
from overens_docs._cli.arguments import parser
from overens_docs._cli.commands import HANDLERS
from overens_docs._cli.exit_codes import (
    EXIT_BUILD_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OUTPUT_CLOSED,
    EXIT_USAGE,
)
from overens_docs._errors import OverensError, ToolMissingError, UsageError
from overens_docs._i18n import _

__all__ = ["main"]


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
    try:
        return HANDLERS[arguments.command](arguments)
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
    arguments = parser().parse_args(given)
    try:
        exit_code = _run(arguments)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except BrokenPipeError:  # the reader stopped reading (`| head`): end quietly
        _silence_stdout()
        return EXIT_OUTPUT_CLOSED
    return exit_code
