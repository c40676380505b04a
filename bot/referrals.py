"""The urgent referral message, composed from bot/knowledge/referrals.yml."""

from __future__ import annotations

from bot import knowledge

GENERAL = "algemeen"
OPENING = "Dit klinkt ernstig. Veiligheid gaat nu voor alles."
CHECK_QUESTION = "Ben je nu zelf veilig?"
AFTERWARDS = (
    "Als je wilt, denk ik daarna met je mee over de volgende stappen op school. "
    "Wacht niet op de helpdesk als er nu gevaar is."
)


def services_for(category: str | None) -> list[str]:
    categories = knowledge.load("referrals")["categories"]
    spec = categories.get(category or GENERAL) or categories[GENERAL]
    return list(spec["services"])


def referral_lines(category: str | None) -> list[str]:
    """The lines of the referral, the urgent number first (domain.md §4)."""
    services = knowledge.load("referrals")["services"]
    lines = [OPENING]
    lines += [services[key]["text"] for key in services_for(category)]
    lines += [CHECK_QUESTION, AFTERWARDS]
    return lines


def referral_message(category: str | None) -> str:
    return "\n".join(referral_lines(category))
