"""Horizontal bar charts as inline SVG, like the annual report's: no libraries, no external assets.

Every text goes through `html.escape`, so a label can never become markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 300
BAR_WIDTH = 360
VALUE_WIDTH = 60
COLOUR = "#1f5f8b"  # 7.0:1 against white (WCAG AA for text and graphics)
TEXT = "#1a1a1a"


def bar_chart_svg(title: str, counts: Mapping[str, int], labels: Mapping[str, str] | None = None) -> str:
    labels = labels or {}
    rows = list(counts.items())
    top = max([n for _, n in rows] + [1])
    height = GAP + len(rows) * (BAR_HEIGHT + GAP) + 30
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    summary = "; ".join(f"{labels.get(code, code)}: {n}" for code, n in rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}. {escape(summary)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" font-size="15" font-weight="bold" fill="{TEXT}">{escape(title)}</text>',
    ]
    for index, (code, count) in enumerate(rows):
        y = 30 + index * (BAR_HEIGHT + GAP)
        bar = round(BAR_WIDTH * count / top)
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" font-size="13" text-anchor="end" fill="{TEXT}">'
            f"{escape(labels.get(code, code))}</text>",
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar}" height="{BAR_HEIGHT}" fill="{COLOUR}"/>',
            f'<text x="{LABEL_WIDTH + bar + 6}" y="{y + 16}" font-size="13" fill="{TEXT}">{count}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)
