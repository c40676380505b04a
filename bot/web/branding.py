"""The organisation's name and colour on the public chat page, from the environment.

A helpdesk that runs Doorvraag shows its own name and house colour instead of the
widget's default blue. The colour comes from an operator, so it is checked: a value
that is not `#rrggbb` falls back to the default, and the text on it is chosen (white
or near-black) by WCAG contrast, so any house colour keeps the widget AA-readable.
Links on the white page use the colour only when it is dark enough for text there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.organisation import organisation_name

COLOUR_ENV = "DOORVRAAG_ORG_COLOR"
DEFAULT_COLOUR = "#1f5f8b"
LIGHT_TEXT = "#ffffff"
DARK_TEXT = "#000000"  # with white, one of the two reaches 4.58:1 on any colour (#1a1a1a would not)
PAGE_BACKGROUND = "#ffffff"
AA_NORMAL_TEXT = 4.5  # WCAG 2.1 success criterion 1.4.3, normal-size text
HEX = re.compile(r"#[0-9a-fA-F]{6}")


def luminance(colour: str) -> float:
    """WCAG relative luminance of `#rrggbb`."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two `#rrggbb` colours (1 to 21)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@dataclass(frozen=True)
class Branding:
    name: str
    colour: str  # backgrounds: the widget's header, launcher, the user's bubbles, answer buttons
    on_colour: str  # text on `colour`: whichever of white and near-black contrasts more
    link: str  # text colour for links and accents on the white page

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Branding:
        env = os.environ if env is None else env
        name = organisation_name(env)
        given = (env.get(COLOUR_ENV) or "").strip()
        colour = given.lower() if HEX.fullmatch(given) else DEFAULT_COLOUR
        on_colour = max((LIGHT_TEXT, DARK_TEXT), key=lambda text: contrast(text, colour))
        link = colour if contrast(colour, PAGE_BACKGROUND) >= AA_NORMAL_TEXT else DEFAULT_COLOUR
        return cls(name=name, colour=colour, on_colour=on_colour, link=link)
