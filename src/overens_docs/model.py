"""Validated data -> what templates see (the render context) and the organisations to build.

Templates get plain dicts and lists of plain strings: long texts are split into
paragraphs, dates are also given in Swedish ("31 mars 2025"), and each commitment's cited
principles are already written out as "principen om öppenhet och om dialog".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from overens_docs.naming import slugify, unique_slugs
from overens_docs.validate import orgnr

_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
           "september", "oktober", "november", "december")


def swedish_date(value: str | None) -> str | None:
    """``2025-03-31`` -> ``31 mars 2025``."""
    if value is None:
        return None
    date = datetime.date.fromisoformat(value)
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


def paragraphs(text: str | None) -> list[str]:
    """A YAML text block as paragraphs: each non-empty line is one paragraph.

    With ``>`` (folded) YAML joins wrapped lines and a blank line becomes a line break, so
    each resulting line is one paragraph as written.
    """
    if not text:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def cite(names: list[str]) -> str:
    """``["öppenhet", "dialog"]`` -> ``(principen om öppenhet och om dialog)``, as Örebro writes."""
    if not names:
        return ""
    parts = [f"om {name}" for name in names]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]
    return f"(principen {joined})"


@dataclass(frozen=True, slots=True)
class Organisation:
    """One signing organisation, as the documents print it."""

    id: str
    name: str
    org_number: str | None
    representative: str
    representative_title: str
    file_stem: str  # unique within the agreement; the name of its output files
    line: int | None = None  # where it is listed, for messages

    def context(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "org_number": self.org_number,
            "representative": self.representative,
            "representative_title": self.representative_title,
        }


def organisations(data: dict[str, Any], lines: list[int | None] | None = None,
                  ) -> list[Organisation]:
    """Validated organisation rows -> :class:`Organisation`, with unique ids and file names."""
    rows: list[dict[str, Any]] = data["organisations"]
    explicit = {row["id"] for row in rows if row.get("id")}
    stems = unique_slugs([row["name"] for row in rows])
    result = []
    taken = set(explicit)
    for index, (row, stem) in enumerate(zip(rows, stems, strict=True)):
        number = row.get("org_number")
        formatted = orgnr.check(number).formatted if number else None
        identifier = row.get("id")
        if not identifier:
            # Derived ids: the organisation number, else the name; never one already taken.
            base = formatted or slugify(row["name"]) or "organisation"
            identifier, suffix = base, 1
            while identifier in taken:
                suffix += 1
                identifier = f"{base}-{suffix}"
        taken.add(identifier)
        result.append(Organisation(
            id=identifier, name=row["name"], org_number=formatted,
            representative=row["representative"],
            representative_title=row["representative_title"], file_stem=stem,
            line=lines[index] if lines else None))
    return result


def agreement_context(data: dict[str, Any]) -> dict[str, Any]:
    """The ``agreement`` the templates see, built from validated ``agreement.yaml`` data."""
    short_names = {p["id"]: p.get("short_name") or p["name"] for p in data["principles"]}

    def commitment(item: dict[str, Any]) -> dict[str, Any]:
        return {"id": item["id"], "text": " ".join(paragraphs(item["text"])),
                "principles": list(item["principles"]),
                "citation": cite([short_names[pid] for pid in item["principles"]])}

    adoption = data["adoption"]
    period = data.get("period")
    signing = data.get("signing") or {}
    parties = [{
        "id": party["id"], "name": party["name"], "role": party["role"],
        "heading": party.get("heading") or f"{party['name']}s åtaganden",
        "signatory": ({"name": party["signatory"].get("name"),
                       "title": party["signatory"]["title"]} if "signatory" in party else None),
        "commitments": [commitment(item) for item in party["commitments"]],
    } for party in data["parties"]]
    return {
        "title": data["title"],
        "public_body": {"name": data["public_body"]["name"], "kind": data["public_body"]["kind"]},
        "adoption": {"body": adoption["body"], "date": adoption.get("date"),
                     "date_text": swedish_date(adoption.get("date")),
                     "diarienummer": adoption.get("diarienummer")},
        "period": ({"start": period["start"], "end": period["end"],
                    "start_text": swedish_date(period["start"]),
                    "end_text": swedish_date(period["end"])} if period else None),
        "background": paragraphs(data.get("background")),
        "purpose": paragraphs(data.get("purpose")),
        "eligibility": paragraphs(data.get("eligibility")),
        "value_base": paragraphs(data.get("value_base")),
        "follow_up": paragraphs(data.get("follow_up")),
        "definitions": [{"term": d["term"], "paragraphs": paragraphs(d["text"])}
                        for d in data.get("definitions") or []],
        "principles": [{"id": p["id"], "name": p["name"],
                        "short_name": p.get("short_name") or p["name"],
                        "paragraphs": paragraphs(p["text"])} for p in data["principles"]],
        "parties": parties,
        "shared_commitments": [commitment(item) for item in data.get("shared_commitments") or []],
        "signing": {"place": signing.get("place"), "date": signing.get("date"),
                    "date_text": swedish_date(signing.get("date"))},
    }


def render_context(agreement: dict[str, Any], organisations: list[dict[str, Any]], *,
                   include_text: bool, signature_page_number: int = 0) -> dict[str, Any]:
    """Everything a document template may use (see templates/default/README.md)."""
    public_party = next(p for p in agreement["parties"] if p["role"] == "public_body")
    return {
        "agreement": agreement,
        "public_party": public_party,
        "public_signatory": public_party["signatory"],
        "organisations": organisations,
        "include_text": include_text,
        "signature_page_number": signature_page_number,
    }
