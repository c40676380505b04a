"""Canned replies for staff: the referrals (bot/knowledge/referrals.yml) and the knowledge-base answers.

One choice puts the text in the reply box (bot/web/static/console.js); staff can still edit it.
Answers on the contact's own theme come first, so the likely ones are at hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import answers, knowledge, labels


@dataclass(frozen=True)
class Canned:
    group: str
    title: str
    text: str


def replies(theme: str | None = None) -> list[Canned]:
    services = knowledge.load("referrals")["services"]
    found = [Canned("Verwijzingen", service["name"], service["text"]) for service in services.values()]
    known = answers.load()
    on_theme = [a for a in known if theme and a.theme == theme]
    others = [a for a in known if a not in on_theme]
    if theme and on_theme:
        group = f"Antwoorden over {labels.label_text('themes', theme)}"
        found += [Canned(group, a.title, a.answer) for a in on_theme]
    found += [Canned("Andere antwoorden", a.title, a.answer) for a in others]
    return found


def grouped(theme: str | None = None) -> list[tuple[str, list[Canned]]]:
    groups: dict[str, list[Canned]] = {}
    for reply in replies(theme):
        groups.setdefault(reply.group, []).append(reply)
    return list(groups.items())
