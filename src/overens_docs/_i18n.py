"""Messages in the user's language: gettext, with one catalogue chosen per run.

Every message a person reads is written in English in the code, wrapped in :func:`_` (or
:func:`ngettext` where a number decides the form), and formatted with *named* fields after
translation, ``_("'{number}' has a wrong check digit").format(number=number)``, so that a
translation may put the fields in its own order. The CLI chooses the language once, before
any message is made (``--lang``, else the locale); the library on its own speaks English.

The catalogues live in ``overens_docs/locale/<lang>/LC_MESSAGES/overens_docs.{po,mo}``. The
compiled ``.mo`` is committed beside its ``.po`` (a test checks that it is up to date), so a
checkout, an editable install and a wheel all find it without a build step.
"""

from __future__ import annotations

import gettext
import locale
import os
import sys
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "overens_docs"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "sv")

_catalogue: gettext.NullTranslations = gettext.NullTranslations()


def _(message: str) -> str:
    """``message`` in the language of this run."""
    return _catalogue.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a message for ``count``, in the language of this run."""
    return _catalogue.ngettext(singular, plural, count)


def set_language(language: str) -> None:
    """Speak ``language`` (``en`` or ``sv``) from now on; English for any other."""
    global _catalogue  # noqa: PLW0603 -- one choice per run, made by the CLI before any message
    if language == "en":
        _catalogue = gettext.NullTranslations()
        return
    _catalogue = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def language() -> str:
    """The language messages are in now."""
    info = _catalogue.info()
    return info.get("language", "en") or "en"


def decimal(value: float, places: int = 1) -> str:
    """``value`` with ``places`` decimals, with the decimal sign of the run's language
    (``3,1`` in Swedish, ``3.1`` in English)."""
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if language() == "sv" else text


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """``sv`` when the locale asks for Swedish, else ``en``.

    As POSIX reads it: the first of LC_ALL, LC_MESSAGES and LANG that is set decides
    (``sv_SE.UTF-8``, ``sv``). Windows sets none of them; there the user's locale
    (``Swedish_Sweden``) decides."""
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "sv" if value.lower().startswith("sv") else "en"
    if sys.platform.startswith("win"):  # pragma: no cover -- Windows only
        name = locale.getlocale()[0] or ""
        return "sv" if name.lower().startswith(("sv", "swedish")) else "en"
    return "en"


def N_(message: str) -> str:  # noqa: N802 -- gettext's name for it, which extraction knows
    """Mark ``message`` for translation where it is defined, once per process (a constant);
    :func:`_` translates it where it is used."""
    return message
