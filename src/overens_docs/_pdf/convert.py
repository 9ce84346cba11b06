"""Stage: .docx -> PDF with headless LibreOffice.

Each conversion gets its own LibreOffice user profile (two processes sharing one wait for
each other or fail silently), runs in its own process group, and is killed as a group when
it exceeds its timeout (some documents hang LibreOffice). Starting takes LibreOffice about
0.4 s of CPU, as long as 80 signature pages, so a build starts as few as it can; the profile
is made so that LibreOffice skips its graphics test, which tripled that (see
:data:`_PROFILE_SETTINGS`).

LibreOffice writes its temporary files (``lu*.tmp``) into a private folder that is removed
afterwards, and a LibreOffice that had to be stopped leaves no stale ``OSL_PIPE_*`` socket
in /tmp behind (it always creates that one there).

Documents people receive are exported as PDF/A-2b. The signature batches, whose pages are
only material for assembled files, are exported plainly (see :data:`PAGES_FILTER`).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from overens_docs._errors import ConversionError, ToolMissingError
from overens_docs._i18n import _, ngettext
from overens_docs._scratch import Scratch, sweep

# Where LibreOffice's installers put it; on Windows and macOS it is not on PATH.
_WINDOWS_PLACES = (r"C:\Program Files\LibreOffice\program\soffice.exe",
                   r"C:\Program Files (x86)\LibreOffice\program\soffice.exe")
_MACOS_PLACES = ("/Applications/LibreOffice.app/Contents/MacOS/soffice",)


def install_hint(platform: str | None = None) -> str:
    """What to do when LibreOffice is missing, for the platform the user is on."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        how = _("install LibreOffice from https://www.libreoffice.org/download/ (or: "
                "winget install TheDocumentFoundation.LibreOffice)")
    elif platform == "darwin":
        how = _("install LibreOffice from https://www.libreoffice.org/download/ (or: "
                "brew install --cask libreoffice)")
    else:
        how = _("on Debian/Ubuntu: sudo apt-get install -y --no-install-recommends "
                "libreoffice-writer-nogui fonts-liberation2")
    return _("LibreOffice is needed to make PDFs but 'soffice' was not found; {how}. "
             "Or set OVERENS_SOFFICE to the path of soffice.").format(how=how)


def _pdf_filter(**options: bool | int) -> str:
    """The --convert-to argument for LibreOffice's PDF export with ``options``."""
    typed = {key: {"type": "boolean", "value": str(value).lower()} if isinstance(value, bool)
             else {"type": "long", "value": str(value)} for key, value in options.items()}
    return "pdf:writer_pdf_Export:" + json.dumps(typed, separators=(",", ":"))


# Lossless images, no form fields, in both exports. A misspelled key is silently ignored,
# so verify.py checks the results.
_COMMON = {"UseLosslessCompression": True, "ExportFormFields": False}

# PDF/A-2b (which makes LibreOffice tag the PDF and embed every font) and PDF/UA-1 (the
# accessible PDF that DOS-lagen points to: a structure tree, headers and footers as
# artifacts), bookmarks from headings, the title (not the file name) in the title bar.
PDF_FILTER = _pdf_filter(SelectPdfVersion=2, PDFUACompliance=True, UseTaggedPDF=True,
                         ExportBookmarks=True, DisplayPDFDocumentTitle=True, **_COMMON)

# For pages that assemble.py copies into files which take their PDF/A identification,
# output intent and language from a PDF/A master: tagged (each page's structure goes along
# with it, see structure/), but not PDF/A, which LibreOffice would make slower to write
# for no gain. The fonts are still embedded and checked (check.py), and assembly sets the
# print flag PDF/A asks of annotations.
PAGES_FILTER = _pdf_filter(SelectPdfVersion=0, UseTaggedPDF=True, EmbedStandardFonts=True,
                           ExportBookmarks=False, **_COMMON)


# What each conversion's new user profile holds before LibreOffice starts. LibreOffice runs
# a test of its graphics output (GraphicsRenderTests: drawing on 4096 x 4096 pixel
# surfaces) whenever the profile's ooSetupLastVersion is older than the running version,
# and a new profile has none; ours is new at every conversion, and the test cost 0.8 s of
# the 1.2 s LibreOffice took to start and convert one page (and a third of its time in the
# kernel, zeroing those surfaces). Every consumer of the setting only asks whether it is
# older than the running version, so a version above any real one says "not upgraded".
#
# The profile also keeps LibreOffice from fetching anything a document points to (a
# picture inserted with "Link to file", over http or from a local file): links are refused
# unless they come from a trusted location, of which there is none
# (BlockUntrustedRefererLinks); and should anything still try the network, every protocol
# goes through a proxy on 127.0.0.1:1, where nothing answers. Macros never run. Templates
# with links out are refused before they are rendered (overens_docs._render.template_file);
# this is the second wall, tested by serving a linked picture from 127.0.0.1
# (tests/test_templates_as_data.py).
_INET = "/org.openoffice.Inet/Settings"
_PROFILE_SETTINGS = "".join([
    '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items '
    'xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n',
    *(f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value>'
      f'</prop></item>\n' for path, name, value in (
          ("/org.openoffice.Setup/Product", "ooSetupLastVersion", "9999.9"),
          ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks",
           "true"),
          ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution",
           "true"),
          ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"),
          (_INET, "ooInetProxyType", "1"), (_INET, "ooInetNoProxy", ""),
          (_INET, "ooInetHTTPProxyName", "127.0.0.1"), (_INET, "ooInetHTTPProxyPort", "1"),
          (_INET, "ooInetHTTPSProxyName", "127.0.0.1"), (_INET, "ooInetHTTPSProxyPort", "1"),
          (_INET, "ooInetFTPProxyName", "127.0.0.1"), (_INET, "ooInetFTPProxyPort", "1"))),
    "</oor:items>\n"])

# A conversion that takes longer than this is taken to hang (LibreOffice does, on some
# documents): a minute to start and convert the text, and 100 ms per page on top.
DEFAULT_TIMEOUT = 60.0
SECONDS_PER_PAGE = 0.1
_REPORT_EVERY = 15.0  # seconds between "still converting" notes
_PIPES = Path(tempfile.gettempdir() if os.name == "nt" else "/tmp")  # noqa: S108 -- LibreOffice's own choice


@functools.cache
def _swept() -> None:
    """Once per process: the profiles that killed runs left in the temporary folder."""
    sweep(Path(tempfile.gettempdir()))


def _profile() -> Scratch:
    """A new folder for one LibreOffice's profile and temporary files, locked while it runs
    (LibreOffice inherits the lock), so that a killed run's is removed by the next."""
    _swept()
    return Scratch.make(Path(tempfile.gettempdir()), "overens-lo-profile-")


def timeout_for(pages: int, timeout: float | None = None) -> float:
    """The time limit for converting ``pages`` pages; ``timeout`` as given, if given."""
    return timeout if timeout is not None else DEFAULT_TIMEOUT + SECONDS_PER_PAGE * pages


def _stale_pipes(before: set[Path]) -> list[Path]:
    """LibreOffice's IPC sockets that appeared since ``before`` and nobody listens on."""
    stale = []
    for path in set(_PIPES.glob("OSL_PIPE_*")) - before:
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect(str(path))
            except OSError:
                stale.append(path)
    return stale


def find_soffice(platform: str | None = None) -> str:
    """The LibreOffice executable, or :class:`ToolMissingError` saying how to install it.

    ``OVERENS_SOFFICE`` first (a path that does not exist is an error, not a fallback: the
    user meant that one), then PATH, then the installers' standard places on Windows and
    macOS."""
    platform = platform or sys.platform
    chosen = os.environ.get("OVERENS_SOFFICE")
    if chosen:
        if not Path(chosen).is_file():
            raise ToolMissingError(
                _("OVERENS_SOFFICE is set to '{path}', but there is no such file.")
                .format(path=chosen))
        return chosen
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    places = (_WINDOWS_PLACES if platform.startswith("win")
              else _MACOS_PLACES if platform == "darwin" else ())
    for place in places:
        if Path(place).is_file():
            return place
    raise ToolMissingError(install_hint(platform))


class Conversion:
    """One LibreOffice process converting ``documents`` to PDFs in ``outdir``, started at
    once, so that the caller can work meanwhile without a thread of ours waiting on it
    (see :mod:`overens_docs._build.processes` for why no thread should be alive);
    :meth:`wait` returns the PDFs. As a context manager it stops
    the process group if the caller leaves before waiting.

    ``timeout``: seconds before LibreOffice is taken to hang and stopped.
    ``notify``: called with a line to show while LibreOffice takes long.
    """

    def __init__(self, documents: Sequence[Path], outdir: Path, *,
                 pdf_filter: str = PDF_FILTER, timeout: float | None = None,
                 notify: Callable[[str], None] | None = None) -> None:
        soffice = find_soffice()
        outdir.mkdir(parents=True, exist_ok=True)
        self.outputs = [outdir / f"{document.stem}.pdf" for document in documents]
        self._timeout = timeout = timeout if timeout is not None else DEFAULT_TIMEOUT
        self._notify = notify
        self._temporary = _profile()
        private_tmp = self._temporary.path / "tmp"
        private_tmp.mkdir()
        self._pipes_before = set(_PIPES.glob("OSL_PIPE_*")) if os.name != "nt" else set()
        user = self._temporary.path / "profile"
        (user / "user").mkdir(parents=True)
        (user / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS,
                                                                 encoding="utf-8")
        command = [
            soffice, f"-env:UserInstallation={user.resolve().as_uri()}", "--headless",
            "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--convert-to", pdf_filter, "--outdir", str(outdir),
            *(str(document) for document in documents),
        ]
        # What LibreOffice says goes to a file, not a pipe: nobody reads a pipe while the
        # caller works, and a full one would stop LibreOffice.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 -- closed in wait()/__exit__
        self._started = self._noted = time.monotonic()
        self._deadline = self._started + timeout
        environment = {**os.environ, "TMPDIR": str(private_tmp), "TMP": str(private_tmp),
                       "TEMP": str(private_tmp)}
        group: dict[str, object] = (
            {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if os.name == "nt"  # type: ignore[attr-defined,unused-ignore]
            else {"start_new_session": True})
        self._process = subprocess.Popen(  # noqa: S603 -- fixed program, our own file arguments
            command, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=environment, pass_fds=self._temporary.descriptors if os.name != "nt" else (),
            **group)  # type: ignore[call-overload]

    def __enter__(self) -> Conversion:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process.poll() is None:
            self._stop()
        self._close()

    def _stop(self) -> None:
        if os.name == "nt":
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(self._process.pid)],  # noqa: S603, S607 -- Windows: stop the whole process tree
                           check=False, capture_output=True)
        else:
            os.killpg(self._process.pid, signal.SIGKILL)
        self._process.wait()
        if os.name != "nt":
            for pipe in _stale_pipes(self._pipes_before):
                pipe.unlink(missing_ok=True)

    def _close(self) -> None:
        self._log.close()
        self._temporary.remove()

    def done(self) -> bool:
        """Whether LibreOffice has ended (then :meth:`wait` returns at once), without
        waiting; :class:`ConversionError` once it has taken longer than its time limit."""
        if self._process.poll() is not None:
            return True
        now = time.monotonic()
        if now >= self._deadline:
            self._stop()
            self._close()
            raise ConversionError(self._too_long())
        if self._notify is not None and now - self._noted >= _REPORT_EVERY:
            self._noted = now
            self._notify(self._still_converting())
        return False

    def _still_converting(self) -> str:
        return ngettext("LibreOffice is still converting {count} document ({seconds} s; "
                        "stopped after {limit} s)",
                        "LibreOffice is still converting {count} documents ({seconds} s; "
                        "stopped after {limit} s)", len(self.outputs)).format(
            count=len(self.outputs), seconds=f"{time.monotonic() - self._started:.0f}",
            limit=f"{self._timeout:.0f}")

    def _too_long(self) -> str:
        return ngettext("LibreOffice did not finish converting {count} document within "
                        "{limit} s and was stopped. If the documents are very long, allow "
                        "more time with --timeout SECONDS.",
                        "LibreOffice did not finish converting {count} documents within "
                        "{limit} s and was stopped. If the documents are very long, allow "
                        "more time with --timeout SECONDS.", len(self.outputs)).format(
            count=len(self.outputs), limit=f"{self._timeout:.0f}")

    def wait(self) -> list[Path]:
        """The PDFs, once LibreOffice has written them all; :class:`ConversionError` if not."""
        while True:
            remaining = self._deadline - time.monotonic()
            try:
                self._process.wait(timeout=max(0.0, min(remaining, _REPORT_EVERY)))
                break
            except subprocess.TimeoutExpired:
                if remaining > _REPORT_EVERY:
                    if self._notify is not None:
                        self._notify(self._still_converting())
                    continue
                self._stop()
                self._close()
                raise ConversionError(self._too_long()) from None
        self._log.seek(0)
        said = self._log.read().decode("utf-8", errors="replace").strip()[-500:]
        self._close()
        missing = [path.name for path in self.outputs
                   if not path.is_file() or not path.stat().st_size]
        if self._process.returncode != 0 or missing:
            raise ConversionError(
                _("LibreOffice failed (exit code {code}); missing: {missing}. {said}").format(
                    code=self._process.returncode, missing=", ".join(missing) or _("none"),
                    said=said))
        return self.outputs


def convert(documents: Sequence[Path], outdir: Path, **options: Any) -> list[Path]:
    """Convert ``documents`` in one LibreOffice process; options as for :class:`Conversion`."""
    with Conversion(documents, outdir, **options) as conversion:
        return conversion.wait()
