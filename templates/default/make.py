"""Write the documents of the default template: ``agreement.docx`` (``make_template.py``),
the ceremony list ``signature-list.docx`` (``make_list_template.py``), the letter to the
organisations that are to sign, ``letter.docx`` (``make_letter_template.py``), and the
yearly follow-up report ``followup-report.docx`` (``make_report_template.py``).

Run from anywhere, with lxml installed::

    python templates/default/make.py
"""

from __future__ import annotations

import make_letter_template
import make_list_template
import make_report_template
import make_template


def main() -> None:
    make_template.main()
    make_list_template.main()
    make_letter_template.main()
    make_report_template.main()


if __name__ == "__main__":
    main()
