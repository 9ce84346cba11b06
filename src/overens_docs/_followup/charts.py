"""The report's charts: a table of counts as a stacked bar chart, a PNG, with alt text.

Drawn with matplotlib's Agg renderer on a figure of our own (no pyplot, no global state),
in matplotlib's default style whatever the user's matplotlibrc says, with the DejaVu Sans
that matplotlib carries (the same glyphs on every machine), at a fixed size and
resolution, and saved without the software's name: the same table gives the same bytes.
The colours are told apart without colour too: each bar segment is labelled with its
count, and the table under the chart gives every number.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import Any

from overens_docs._followup.figures import Table
from overens_docs._followup.items import COLUMNS

WIDTH_CM = 16.0  # the text width of the report's pages
DPI = 200
_INCH = 2.54
# Okabe and Ito's colour-blind safe colours, darkened where needed to stand out 3:1 from
# white (WCAG 1.4.11); "ej bedömt" is hatched white.
_COLOURS = {"ej påbörjat": "#D55E00", "pågår": "#0072B2", "genomfört": "#007A5A",
            "ej aktuellt": "#6E6E6E", "ej bedömt": "#FFFFFF"}
_RC: dict[Any, Any] = {"font.family": "DejaVu Sans", "font.size": 9, "axes.spines.top": False,
       "axes.spines.right": False, "hatch.color": "#8C8C8C", "hatch.linewidth": 0.6}


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart made from a table: its picture, and the text that stands for it."""

    table: Table
    png: bytes
    alt: str
    width_cm: float = WIDTH_CM


def alt_text(table: Table) -> str:
    """What a screen reader says for the chart: what kind of chart, what it shows, and
    where its numbers are."""
    shows = table.shows.format(category=table.category.lower())
    return (f"Liggande stapeldiagram, {table.name.lower()}: {shows}. Siffrorna står i "
            "tabellen under diagrammet.")


def _labels(table: Table) -> list[str]:
    return ["\n".join(textwrap.wrap(category, 26)) or category for category, _ in table.rows]


def chart_png(table: Table) -> bytes:
    """``table`` as a horizontal stacked bar chart, one bar per row, as PNG bytes."""
    import matplotlib.style  # noqa: PLC0415 -- half a second to import; only for a report
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415

    labels = _labels(table)
    lines = sum(label.count("\n") + 1 for label in labels)
    height = 1.1 + 0.2 * lines + 0.18 * len(labels)
    with matplotlib.style.context("default"), matplotlib.rc_context(_RC):
        figure = Figure(figsize=(WIDTH_CM / _INCH, height), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        positions = list(range(len(labels)))
        left = [0] * len(labels)
        for index, column in enumerate(COLUMNS):
            values = [counts[index] for _category, counts in table.rows]
            bars = axes.barh(positions, values, left=left, height=0.62, label=column,
                             color=_COLOURS[column], edgecolor="#333333", linewidth=0.6,
                             hatch="///" if column == COLUMNS[-1] else None)
            hatched = column == COLUMNS[-1]  # its label on white, over the hatching
            axes.bar_label(bars, labels=[str(v) if v else "" for v in values],
                           label_type="center", color="black" if hatched else "white",
                           fontweight="bold", fontsize=8,
                           bbox={"boxstyle": "round,pad=0.2", "facecolor": "white",
                                 "edgecolor": "none"} if hatched else None)
            left = [a + b for a, b in zip(left, values, strict=True)]
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel("Antal")
        figure.legend(loc="outside lower center", ncols=len(COLUMNS), frameon=False,
                      fontsize=8, handlelength=1.2)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def chart(table: Table) -> Chart:
    return Chart(table, chart_png(table), alt_text(table))
