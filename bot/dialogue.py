"""The dialogue's texts (bot/knowledge/dialogue.yml), its constants and how a button is made."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import knowledge, labels

# The answer to the check question is logged on the contact under this key (with ja / nee / weet_niet).
DANGER_QUESTION = "gevaar_nu"
# A practical question the knowledge base has no answer for is logged under antwoord:geen (its redacted text).
NO_ANSWER_KEY = "geen"
MAX_DOORVRAGEN = 6
MIN_DOORVRAGEN = 3
DOORVRAAG_SLOTS = tuple(f"doorvraag_{n}" for n in range(1, MAX_DOORVRAGEN + 1))
SAFETY_THEMES = ("pesten", "sociale_veiligheid", "wet_en_regelgeving", "vertrouwenswerk")
# Answers to a yes/no question sent by its buttons.
PAYLOAD_CATEGORIES = {"affirm": "ja", "deny": "nee", "dont_know": "weet_niet", "stop": "stop"}
Button = dict[str, str]


def texts() -> Mapping[str, Any]:
    return knowledge.load("dialogue")


def _payload(intent: str, **entities: str) -> str:
    if not entities:
        return f"/{intent}"
    inner = ",".join(f'"{k}":"{v}"' for k, v in entities.items())
    return f"/{intent}{{{inner}}}"


def button(title: str, intent: str, **entities: str) -> Button:
    return {"title": title, "payload": _payload(intent, **entities)}


def yes_no_buttons(titles: Mapping[str, str]) -> list[Button]:
    return [button(titles["ja"], "affirm"), button(titles["nee"], "deny")]


def confirms_implicitly(confidence: float, theme: str) -> bool:
    return theme != labels.OVERIG and confidence >= float(texts()["confirm"]["implicit_min_confidence"])
