"""The values each coded column of the contact log may hold.

Label axes come from bot/labels.py (one source for bot, log and reports);
the contact-log-only vocabularies are defined here.
"""

from __future__ import annotations

from bot import labels

CHANNELS: tuple[str, ...] = ("chat", "telefoon", "mail")
HANDOFFS: tuple[str, ...] = ("geen", "wachtrij", "terugbellen", "mail")
STATUSES: tuple[str, ...] = ("nieuw", "lopend", "afgerond", "onvolledig", "overgedragen")
# close_contact may only end a contact in one of these.
FINAL_STATUSES: tuple[str, ...] = ("afgerond", "onvolledig", "overgedragen")
ANSWER_CATEGORIES: tuple[str, ...] = ("ja", "nee", "weet_niet", "tekst", "stop", "onbruikbaar")
# The six bouwstenen of the Digitaal Veiligheidsplan (domain.md §1), fundament first.
BUILDING_BLOCKS: tuple[str, ...] = ("visie", "inzicht", "voorwaarden", "preventie", "signaleren", "handelen")
BLOCK_STATES: tuple[str, ...] = ("aanwezig", "ontbreekt", "onbekend")

# Staff console: where a handed-off contact is in the queue (None while not handed off).
QUEUE_STATUSES: tuple[str, ...] = ("nieuw", "in_behandeling", "afgerond")
# Urgency (0003): the level the bot saw (None: no danger) and the category it referred for.
URGENCY_LEVELS: tuple[str, ...] = (labels.ACUUT, labels.MOGELIJK)
# Call-back and mail requests: the contact detail lives apart from the contact.
CALLBACK_CHANNELS: tuple[str, ...] = ("terugbellen", "mail")
CALLBACK_STATUSES: tuple[str, ...] = ("open", "afgehandeld")
USER_ROLES: tuple[str, ...] = ("staff", "analyst", "admin")

OPEN_STATUS = "lopend"
STALE_STATUS = "onvolledig"

MAX_CONVERSATION_ID = 255
MAX_QUESTION_KEY = 64
MAX_INTENT = 100
MAX_SUMMARY = 500
MAX_TEXT = 2000
MAX_USERNAME = 64
MAX_CONTACT_DETAIL = 254  # the longest valid e-mail address


def themes() -> tuple[str, ...]:
    return labels.themes()


def question_types() -> tuple[str, ...]:
    return labels.question_types()


def caller_roles() -> tuple[str, ...]:
    return labels.caller_roles()


def school_types() -> tuple[str, ...]:
    return labels.school_types()


def urgency_categories() -> tuple[str, ...]:
    """The categories of bot/knowledge/referrals.yml, the general one included."""
    from bot import knowledge

    return tuple(knowledge.load("referrals")["categories"])


def urgency_services() -> tuple[str, ...]:
    """The services of bot/knowledge/referrals.yml a referral may name."""
    from bot import knowledge

    return tuple(knowledge.load("referrals")["services"])
