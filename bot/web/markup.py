"""Chat messages as safe HTML: escaped first, then a tiny Markdown subset (bold, italic, line breaks).

The bot writes `**112**` and `*pesten*`; staff should read emphasis, not asterisks. Because the
text is escaped before any tag is added, nothing typed in a chat can become markup: the only tags
that can appear are the three this module writes itself.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")


def render(text: str) -> Markup:
    html = str(escape(text))
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    html = _ITALIC.sub(r"<em>\2</em>", html)
    return Markup(html.replace("\n", "<br>"))
