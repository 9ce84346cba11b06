"""Stage: PDFs, from LibreOffice to the files delivered. Nothing here knows of agreements.

- :mod:`.convert`: .docx -> PDF with LibreOffice (one profile and process group per run).
- :mod:`.reading`: the fonts a PDF's pages use, its page count.
- :mod:`.font_codes`: what a font's codes mean (ToUnicode CMaps, CID widths).
- :mod:`.page_numbers`: the page number stamped on signature pages.
- :mod:`.structure`: the structure tree (tagging) of PDFs put together from pages of others.
- :mod:`.assemble`: each organisation's PDF and the ceremony file, kept PDF/A and tagged.
- :mod:`.check`: what makes a PDF fit to archive and accessible, as delivered.
"""
