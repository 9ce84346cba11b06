"""The exit codes of ``overens``, as for other Unix tools.

0 valid/built/status given (diff: the same text), 1 findings that fail (errors; warnings
too with --strict; diff: the texts differ), 2 usage error or unreadable input, 3 a build
step failed (LibreOffice missing or failing), 130 interrupted, 141 the output was closed
early (``| head``). With ``--format json`` an error that ends the run is a JSON object on
standard output too.
"""

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_BUILD_FAILED = 3
EXIT_INTERRUPTED = 130
EXIT_OUTPUT_CLOSED = 141  # 128 + SIGPIPE, what a shell shows for `cat | head`
