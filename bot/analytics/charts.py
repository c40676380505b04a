"""Horizontal bar charts as inline SVG, like the annual report's: no libraries, no external assets.

Every text goes through `html.escape`, so a label can never become markup. SVG
cannot measure text, so the label column is sized from a generous estimate of
each label's width (CHAR_WIDTH per character) and long labels wrap onto more
lines: a label is never cut off, whatever the role or theme is called.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from html import escape

BAR_HEIGHT = 22
LINE_HEIGHT = 16
GAP = 8
FONT_SIZE = 13
TITLE_SIZE = 15
# Wider than the average character of common sans-serif fonts at 1 em (about 0.55 em).
CHAR_WIDTH = 0.62
WRAP_AT = 34  # characters per label line
MIN_LABEL_WIDTH = 120
BAR_WIDTH = 360
VALUE_WIDTH = 60
PADDING = 8
COLOUR = "#1f5f8b"  # 7.0:1 against white (WCAG AA for text and graphics)
TEXT = "#1a1a1a"


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """An upper estimate of the rendered width of `text` in pixels."""
    return len(text) * size * CHAR_WIDTH


def label_lines(label: str) -> list[str]:
    return textwrap.wrap(label, WRAP_AT, break_long_words=False, break_on_hyphens=False) or [""]


def bar_chart_svg(title: str, counts: Mapping[str, int], labels: Mapping[str, str] | None = None) -> str:
    labels = labels or {}
    rows = [(code, count, label_lines(labels.get(code, code))) for code, count in counts.items()]
    top = max([n for _, n, _ in rows] + [1])
    label_width = PADDING + max([MIN_LABEL_WIDTH] + [text_width(line) for _, _, lines in rows for line in lines])
    label_width = int(label_width + 0.5)
    heights = [max(BAR_HEIGHT, len(lines) * LINE_HEIGHT + 6) for _, _, lines in rows]
    height = 30 + sum(h + GAP for h in heights) + GAP
    width = int(max(label_width + BAR_WIDTH + VALUE_WIDTH, text_width(title, TITLE_SIZE) + PADDING) + 0.5)
    summary = "; ".join(f"{labels.get(code, code)}: {n}" for code, n, _ in rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}. {escape(summary)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" font-size="{TITLE_SIZE}" font-weight="bold" fill="{TEXT}">{escape(title)}</text>',
    ]
    y = 30
    for (_code, count, lines), row_height in zip(rows, heights, strict=True):
        bar = round(BAR_WIDTH * count / top)
        middle = y + row_height / 2
        first = middle - (len(lines) - 1) * LINE_HEIGHT / 2 + 5
        spans = "".join(
            f'<tspan x="{label_width - PADDING}" y="{first + i * LINE_HEIGHT:.0f}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        parts += [
            f'<text font-size="{FONT_SIZE}" text-anchor="end" fill="{TEXT}">{spans}</text>',
            f'<rect x="{label_width}" y="{middle - BAR_HEIGHT / 2:.0f}" width="{bar}" height="{BAR_HEIGHT}" '
            f'fill="{COLOUR}"/>',
            f'<text x="{label_width + bar + 6}" y="{middle + 5:.0f}" font-size="{FONT_SIZE}" fill="{TEXT}">'
            f"{count}</text>",
        ]
        y += row_height + GAP
    parts.append("</svg>")
    return "\n".join(parts)
