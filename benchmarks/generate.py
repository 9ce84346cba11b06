"""Generated organisation lists for benchmarks: fictional, valid, with Swedish names."""

from __future__ import annotations

from pathlib import Path

import yaml
from stdnum import luhn

_KINDS = ["Idrottsförening", "Kulturförening", "Pensionärsförening", "Hembygdsförening",
          "Scoutkår", "Föreningen för Ö-bor & Vänner", "Kooperativ", "Stiftelse"]
_PLACES = ["Åby", "Änglaholm", "Östra Påhittsta", "Vivalla", "Brickebacken", "Haga"]


def organisation_number(index: int) -> str:
    body = f"8029{index:05d}"
    return f"{body[:6]}-{body[6:]}{luhn.calc_check_digit(body)}"


def organisations(count: int) -> list[dict[str, str]]:
    return [
        {
            "id": f"org-{index:05d}",
            "name": f"{_PLACES[index % len(_PLACES)]} {_KINDS[index % len(_KINDS)]} nr {index}",
            "org_number": organisation_number(index),
            "representative": f"Åsa Öberg-{index}",
            "representative_title": "Ordförande",
            "email": f"org{index}@example.org",
        }
        for index in range(count)
    ]


def write_organisations(path: Path, count: int) -> Path:
    document = {"organisations": organisations(count)}
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


def write_organisations_csv(path: Path, count: int) -> Path:
    rows = organisations(count)
    columns = list(rows[0])
    lines = [";".join(columns)] + [";".join(row[column] for column in columns) for row in rows]
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path
