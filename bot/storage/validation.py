"""Checking what callers hand to the repository, before anything is queued.

A wrong code is a programming error, so it raises ValueError at once rather
than failing later inside the outbox where nobody would see it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, overload

from bot.storage import values
from bot.storage.timestamps import as_utc, utc_now

# Which columns update_contact may change, and what each must hold.
CODED_FIELDS = {
    "channel": lambda: values.CHANNELS,
    "caller_role": values.caller_roles,
    "school_type": values.school_types,
    "theme": values.themes,
    "question_type": values.question_types,
    "handoff": lambda: values.HANDOFFS,
    "urgency_level": lambda: values.URGENCY_LEVELS,
    "urgency_category": values.urgency_categories,
}
OPTIONAL_CODES = ("caller_role", "school_type", "urgency_level", "urgency_category")
FLAG_FIELDS = ("urgent", "corrected")
UPDATABLE_FIELDS = (
    tuple(CODED_FIELDS)
    + FLAG_FIELDS
    + (
        "intent",
        "confidence",
        "building_blocks",
        "summary",
        "urgency_services",
    )
)


@overload
def code(field: str, value: Any, allowed: Sequence[str], optional: Literal[False] = False) -> str: ...


@overload
def code(field: str, value: Any, allowed: Sequence[str], optional: bool = False) -> str | None: ...


def code(field: str, value: Any, allowed: Sequence[str], optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if value not in allowed:
        raise ValueError(f"{field} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def text(field: str, value: Any, limit: int, required: bool = False) -> str | None:
    """Strings are cut at `limit`; they are already redacted, so only their size is bounded here."""
    if value is None:
        if required:
            raise ValueError(f"{field} is required")
        return None
    if not isinstance(value, str):
        raise ValueError(f"{field} must be a string")
    if required and not value.strip():
        raise ValueError(f"{field} must not be empty")
    return value[:limit]


def identifier(field: str, value: Any, limit: int) -> str:
    """Keys are never cut: a shortened conversation id would point at another conversation."""
    value = text(field, value, limit + 1, required=True)
    if len(value) > limit:
        raise ValueError(f"{field} is longer than {limit} characters")
    return value


def confidence(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"confidence must lie between 0 and 1, not {number}")
    return number


def flag(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{field} must be True or False")
    return value


def building_blocks(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ValueError("building_blocks must map a bouwsteen to its state")
    checked = {}
    for block, state in value.items():
        code("building block", block, values.BUILDING_BLOCKS)
        checked[block] = code(f"state of {block}", state, values.BLOCK_STATES)
    return checked


def services(value: Any) -> list[str]:
    """Referred services, each a key of referrals.yml, in the order they were named; repeats dropped."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ValueError("urgency_services must be a list of service keys")
    allowed = values.urgency_services()
    return list(dict.fromkeys(code("service", key, allowed) for key in value))


def timestamp(value: datetime | None) -> str:
    """An aware moment as ISO text in UTC (the outbox stores JSON); None means now."""
    return as_utc(value if value is not None else utc_now()).isoformat()


def contact_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The columns update_contact/open_contact may set, each checked."""
    unknown = sorted(set(fields) - set(UPDATABLE_FIELDS))
    if unknown:
        raise ValueError(
            f"cannot set {', '.join(unknown)} on a contact "
            f"(allowed: {', '.join(UPDATABLE_FIELDS)}; use close_contact for the status)"
        )
    checked: dict[str, Any] = {}
    for name, value in fields.items():
        if name in CODED_FIELDS:
            checked[name] = code(name, value, CODED_FIELDS[name](), optional=name in OPTIONAL_CODES)
        elif name in FLAG_FIELDS:
            checked[name] = flag(name, value)
        elif name == "intent":
            checked[name] = text(name, value, values.MAX_INTENT)
        elif name == "confidence":
            checked[name] = confidence(value)
        elif name == "building_blocks":
            checked[name] = building_blocks(value)
        elif name == "summary":
            checked[name] = text(name, value, values.MAX_SUMMARY)
        elif name == "urgency_services":
            checked[name] = services(value)
    return checked
