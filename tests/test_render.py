"""Fast copies of rendered .docx files (no LibreOffice needed)."""

from __future__ import annotations

import io
import zipfile

from overens_docs._render.personalise import PAGE_NUMBER_PLACEHOLDER, fill_page_number


def _docx(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return buffer.getvalue()


def test_filled_copy_changes_only_the_placeholders() -> None:
    parts = {
        "[Content_Types].xml": b"<Types/>",
        "word/document.xml": f"<w:t>sida {PAGE_NUMBER_PLACEHOLDER} av "
                             f"{PAGE_NUMBER_PLACEHOLDER}, å ä ö</w:t>".encode(),
        "word/styles.xml": b"<w:styles/>" * 100,
    }
    copy = fill_page_number(_docx(parts), 7)
    with zipfile.ZipFile(io.BytesIO(copy)) as package:
        assert package.testzip() is None
        filled = {name: package.read(name) for name in package.namelist()}
    assert filled == {**parts, "word/document.xml": "<w:t>sida 7 av 7, å ä ö</w:t>".encode()}
