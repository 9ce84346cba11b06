"""Sessions: build (the main job), validate, tests, lint, typecheck, bench, translations.

Run ``nox -l`` to list them. Each installs what it needs into its own environment, made
with uv when it is installed (much faster), else virtualenv. Environments are kept between
runs, and the package is installed into one only when it is new or ``pyproject.toml`` has
changed since (the install is editable, so changes to the code need no reinstall): a warm
``nox -s build`` starts ``overens`` at once. ``nox -s build -N`` makes the environment anew.
Options after ``--`` go to the command: ``nox -s build -- --only ID``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import nox

nox.options.sessions = ["build"]
nox.options.reuse_existing_virtualenvs = True
nox.options.default_venv_backend = "uv|virtualenv"


class _WithoutUvNoise(logging.Filter):
    """Whenever nox makes an environment it looks for uv, whichever backend it then uses,
    and where uv is not installed it says "uv binary not found." on every run: nothing is
    wrong (virtualenv makes the environment), but a newcomer takes it for an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "uv binary not found."


logging.getLogger("nox").addFilter(_WithoutUvNoise())

PYPROJECT = Path(__file__).parent / "pyproject.toml"
LOCALES = "src/overens_docs/locale"


def _install(session: nox.Session, *requirements: str) -> None:
    """``session.install(*requirements)``, unless this environment already has them for
    this ``pyproject.toml``: a marker in the environment holds the hash of both."""
    digest = hashlib.sha256(PYPROJECT.read_bytes() + repr(requirements).encode()).hexdigest()
    location = getattr(session.virtualenv, "location", None)
    marker = Path(location) / ".overens-installed" if location else None
    if marker is not None and marker.is_file() and marker.read_text() == digest:
        return
    session.install(*requirements)
    if marker is not None:
        marker.write_text(digest)


@nox.session
def build(session: nox.Session) -> None:
    """Validate and build every agreement under agreements/ into build/."""
    _install(session, "-e", ".")
    session.run("overens", "build", *session.posargs)


@nox.session
def validate(session: nox.Session) -> None:
    """Validate every agreement under agreements/ (the pre-signing check).

    Warnings are reported, not failed on: the register sample has an organisation that
    signed an older text, on purpose. Pass -- --strict to fail on warnings too."""
    _install(session, "-e", ".")
    session.run("overens", "validate", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite, including the tests that need LibreOffice."""
    _install(session, "-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff, and the import contracts: each stage imports only the stages below it."""
    _install(session, "-e", ".[dev]")
    session.run("ruff", "check", ".")
    session.run("lint-imports")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over src, tests and this file (nox is in the dev extra for it)."""
    _install(session, "-e", ".[test,dev]")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks; figures go to bench/*.json. Counts: nox -s bench -- 1000,10000,30000."""
    _install(session, "-e", ".")
    count = session.posargs[0] if session.posargs else "1000,10000,30000"
    session.run("python", "benchmarks/validate_bench.py", "10000", "bench/validate.json")
    session.run("python", "benchmarks/build_bench.py", count, "bench/build.json")
    session.run("python", "benchmarks/diff_bench.py", "300", "bench/diff.json")
    session.run("python", "benchmarks/followup_bench.py", "1000", "bench/followup.json")


@nox.session
def translations(session: nox.Session) -> None:
    """Extract every message from the code, merge them into each catalogue (.po), and
    compile the catalogues (.mo, committed: tests/test_i18n.py checks they are current).

    New and changed messages come out untranslated or marked fuzzy; translate them in
    src/overens_docs/locale/<lang>/LC_MESSAGES/overens_docs.po and run this again."""
    _install(session, "Babel>=2.14")
    temporary = Path(session.create_tmp())
    template = temporary / "overens_docs.pot"
    schema_messages = temporary / "schema_messages.py"
    schema_messages.write_text(_schema_messages(Path("schemas")), encoding="utf-8")
    # Babel skips folders named _* unless told otherwise; every stage of ours is one.
    session.run("pybabel", "extract", "--mapping-file", "babel.cfg", "--keyword", "N_",
                "--ignore-dirs", ".* __pycache__", "--no-location", "--sort-output",
                "--width", "100", "--project", "overens-docs", "--output-file",
                str(template), "src/overens_docs", str(schema_messages))
    session.run("pybabel", "update", "--input-file", str(template), "--output-dir", LOCALES,
                "--domain", "overens_docs", "--width", "100", "--ignore-obsolete",
                "--ignore-pot-creation-date")
    session.run("pybabel", "compile", "--directory", LOCALES, "--domain", "overens_docs",
                "--statistics")


def _schema_messages(folder: Path) -> str:
    """Python source that marks, for extraction, the schemas' descriptions that findings
    quote: those of a value with a pattern ("'3 maj 2024' has the wrong form. The date
    ..."). tests/test_i18n.py picks the same ones."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "pattern" in node and "description" in node:
                found.append(node["description"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(folder.glob("*.schema.json")):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return "".join(f"N_({json.dumps(text, ensure_ascii=False)})\n" for text in found)
