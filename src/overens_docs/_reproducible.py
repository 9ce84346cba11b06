"""Reproducible outputs: the same inputs give the same bytes, whenever they are built.

Every date a build writes into a file is the *build date* (:func:`build_date`), never the
clock. LibreOffice ignores ``SOURCE_DATE_EPOCH`` and writes the clock into every PDF (Info
``/CreationDate``, XMP ``xmp:CreateDate``, the output intent's ICC profile header), plus a
``/DocChecksum`` and a random ``/ID``; :func:`normalise_pdf` replaces them after
conversion. Word files and workbooks are ZIP archives whose entries carry a time:
:func:`zip_info` gives them the build date; a workbook's properties also carry the time it
was created and saved (:func:`normalise_xlsx`).
"""

from __future__ import annotations

import datetime
import io
import os
import re
import struct
import zipfile
from pathlib import Path

import pikepdf

# The earliest time a ZIP entry can carry; used when nothing else gives a date.
FALLBACK = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)
_ICC_DATE = slice(24, 36)  # dateTimeNumber in an ICC profile header
_ICC_ID = slice(84, 100)  # the profile ID, an MD5 (all zero when not computed)
_XMP_DATES = re.compile(
    rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)[^<]*(</xmp:(?:CreateDate|ModifyDate|"
    rb"MetadataDate)>)")


def build_date(*dates: datetime.date | None) -> datetime.datetime:
    """The first of ``dates`` that is given (the agreement's signing date, then its adoption
    date), else ``SOURCE_DATE_EPOCH`` from the environment, else 1980-01-01; at midnight UTC."""
    for date in dates:
        if date is not None:
            return max(FALLBACK, datetime.datetime(date.year, date.month, date.day,
                                                   tzinfo=datetime.UTC))
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return max(FALLBACK, datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC))
    return FALLBACK


def zip_info(name: str, when: datetime.datetime | tuple[int, int, int, int, int, int],
             ) -> zipfile.ZipInfo:
    """A ZIP entry for ``name`` dated ``when``, compressed, with fixed attributes."""
    date_time = when if isinstance(when, tuple) else (
        when.year, when.month, when.day, when.hour, when.minute, when.second)
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3  # Unix, where it is built or not: zipfile says 0 on Windows
    return info


def normalise_docx(data: bytes, when: datetime.datetime) -> bytes:
    """``data`` (a .docx) with every entry dated ``when``, in the same order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(zip_info(item.filename, when), source.read(item.filename))
    return buffer.getvalue()


_CORE_DATES = re.compile(
    rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def normalise_xlsx(data: bytes, when: datetime.datetime) -> bytes:
    """``data`` (a workbook openpyxl saved) with every entry dated ``when``, and ``when`` as
    the time it was created and last saved (openpyxl writes the clock into the latter)."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            target.writestr(zip_info(item.filename, when), content)
    return buffer.getvalue()


def _pdf_date(when: datetime.datetime) -> str:
    return when.strftime("D:%Y%m%d%H%M%SZ")


def _icc_with_date(profile: bytes, when: datetime.datetime) -> bytes:
    stamp = struct.pack(">6H", when.year, when.month, when.day, when.hour, when.minute,
                        when.second)
    patched = profile[:_ICC_DATE.start] + stamp + profile[_ICC_DATE.stop:]
    if any(patched[_ICC_ID]):  # a computed profile ID would no longer match: drop it
        patched = patched[:_ICC_ID.start] + bytes(16) + patched[_ICC_ID.stop:]
    return patched


def normalise_pdf(path: Path, when: datetime.datetime) -> None:
    """Rewrite the PDF at ``path`` so that it depends only on its content and ``when``:
    creation dates and the ICC profile's date set to ``when``, no ``/DocChecksum``, and
    an ``/ID`` computed from the content."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        info = pdf.docinfo
        for key in ("/CreationDate", "/ModDate"):
            if key in info:
                info[key] = pikepdf.String(_pdf_date(when))
        for holder in (info, pdf.trailer):
            if "/DocChecksum" in holder:
                del holder["/DocChecksum"]
        metadata = pdf.Root.get("/Metadata")
        if metadata is not None:
            stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
            xmp = _XMP_DATES.sub(rb"\g<1>" + stamp + rb"\g<2>", metadata.read_bytes())
            metadata.write(xmp)
        for intent in pdf.Root.get("/OutputIntents") or []:
            profile = intent.get("/DestOutputProfile")
            if profile is not None:
                profile.write(_icc_with_date(profile.read_bytes(), when))  # compressed on save
        if "/ID" in pdf.trailer:
            del pdf.trailer["/ID"]  # else qpdf keeps its first, LibreOffice's random, half
        pdf.save(path, deterministic_id=True, fix_metadata_version=False,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
