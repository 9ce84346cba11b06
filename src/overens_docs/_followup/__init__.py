"""The compact's yearly cycle after signing: the follow-up.

``overens followup new`` writes the year's workbook and a questionnaire per signatory
(:mod:`new`, :mod:`workbook`, :mod:`questionnaires`); ``overens followup report`` reads
them back, checks them against the agreement (:mod:`reading`), counts (:mod:`figures`),
draws the charts (:mod:`charts`) and writes the report as Word, PDF/A and HTML
(:mod:`report`, :mod:`document`, :mod:`report_html`). :mod:`items` says what is followed
up, :mod:`layout` where the files are and how the workbooks are laid out.
"""

from overens_docs._followup.new import NewResult, followup_new
from overens_docs._followup.report import ReportResult, read_year, write_report

__all__ = ["NewResult", "ReportResult", "followup_new", "read_year", "write_report"]
