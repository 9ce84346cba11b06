"""Revisions: what changed between two versions of an agreement (``compare``), as a
summary (``summary``) and as a jämförelsedokument with tracked changes (``redline``,
``review``); ``diff`` runs them for ``overens diff``."""
