"""PDF form signature pages: fill a one-page AcroForm per organisation and flatten it."""

from overens_docs._render.pdf_form.form import FIELDS, SignatureForm
from overens_docs._render.pdf_form.layout import MIN_FONT_SIZE

__all__ = ["FIELDS", "MIN_FONT_SIZE", "SignatureForm"]
