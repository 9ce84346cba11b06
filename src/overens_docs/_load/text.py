"""Decoding bytes as UTF-8, with a finding that says where the first bad byte is."""

from __future__ import annotations

from overens_docs._findings import Finding, Severity

BOM = "\ufeff"


def decode_utf8(raw: bytes, file: str) -> tuple[str | None, Finding | None]:
    """Decode ``raw`` as UTF-8 (a leading byte-order mark is allowed and dropped)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        bad = raw[error.start]
        hint = ""
        if 0x80 <= bad <= 0xFF:
            guess = bytes([bad]).decode("cp1252", errors="replace")
            hint = (
                f" It looks like Windows-1252 ('{guess}'): in Excel choose 'Spara som' ->"
                " 'CSV UTF-8 (kommaavgränsad)', in an editor save as UTF-8."
            )
        message = f"The file is not UTF-8: byte 0x{bad:02x} cannot be read.{hint}"
        return None, Finding(file, line, column, "$", "encoding", Severity.ERROR, message)
    return text.removeprefix(BOM), None
