"""What may reach the bot: checks shared by the REST and Socket.IO channels.

A bare Rasa 3.6 server answers a top-level JSON array with a 500, puts a
message without sender into one shared "default" conversation, and spends
seconds and gigabytes on a 1 MB message. The guard refuses or trims such
input before NLU sees it, and answers in Dutch. Pure functions and one small
rate limiter; the channels own an instance each (no module state).
"""

from __future__ import annotations

import json
import os
import re
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot import knowledge

SENDER = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")
# C0 and C1 control characters except tab and newline; also the Unicode "noncharacters" U+FFFE/FFFF.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class GuardSettings:
    max_chars: int = 2000
    max_body_bytes: int = 64 * 1024
    rate_messages: int = 10
    rate_seconds: float = 10.0
    max_senders: int = 10000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> GuardSettings:
        """DOORVRAAG_MAX_MESSAGE_CHARS, DOORVRAAG_MAX_BODY_BYTES, DOORVRAAG_RATE_MESSAGES, DOORVRAAG_RATE_SECONDS."""
        env = os.environ if environ is None else environ
        defaults = cls()

        def number(name: str, default, kind):
            raw = (env.get(name) or "").strip()
            try:
                value = kind(raw) if raw else default
            except ValueError:
                raise ValueError(f"{name} must be a number, not {raw!r}") from None
            if value <= 0:
                raise ValueError(f"{name} must be positive")
            return value

        return cls(
            number("DOORVRAAG_MAX_MESSAGE_CHARS", defaults.max_chars, int),
            number("DOORVRAAG_MAX_BODY_BYTES", defaults.max_body_bytes, int),
            number("DOORVRAAG_RATE_MESSAGES", defaults.rate_messages, int),
            number("DOORVRAAG_RATE_SECONDS", defaults.rate_seconds, float),
        )


def texts() -> Mapping[str, str]:
    """The Dutch answers to refused input (bot/knowledge/guard.yml)."""
    return knowledge.load("guard")


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str

    def body(self) -> dict[str, str]:
        return {"error": self.code, "message": texts()[self.code]}


@dataclass(frozen=True)
class Accepted:
    sender: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    input_channel: str | None = None
    trimmed: bool = False


def clean_text(text: str) -> str:
    """Control characters out, lone surrogates replaced, Unicode normalised (NFC)."""
    text = SURROGATE.sub("\ufffd", text)
    text = CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)


def valid_sender(sender: Any) -> bool:
    return isinstance(sender, str) and bool(SENDER.match(sender))


def trim(text: str, max_chars: int) -> tuple:
    """(the part that fits, whether something was cut); cut at a word boundary when one is near."""
    if len(text) <= max_chars:
        return text, False
    cut = text[:max_chars]
    space = cut.rfind(" ")
    if space > max_chars * 0.9:
        cut = cut[:space]
    return cut, True


def check_message(sender: Any, message: Any, metadata: Any, settings: GuardSettings, input_channel: Any = None):
    """Accepted or Refusal for one message whose JSON already parsed."""
    if sender is None:
        return Refusal(400, "sender_missing")
    if not valid_sender(sender):
        return Refusal(400, "sender_invalid")
    if message is None:
        return Refusal(400, "message_missing")
    if not isinstance(message, str):
        return Refusal(400, "message_not_text")
    text = clean_text(message)
    if not text.strip():
        return Refusal(400, "message_empty")
    if metadata is not None and not isinstance(metadata, dict):
        return Refusal(400, "metadata_invalid")
    if input_channel is not None and not isinstance(input_channel, str):
        return Refusal(400, "input_channel_invalid")
    text, trimmed = trim(text, settings.max_chars)
    return Accepted(sender, text, metadata or {}, input_channel, trimmed)


def check_body(body: bytes, settings: GuardSettings):
    """Accepted or Refusal for a REST request body (raw bytes, before any JSON parsing)."""
    if len(body) > settings.max_body_bytes:
        return Refusal(413, "body_too_large")
    if not body.strip():
        return Refusal(400, "body_empty")
    try:
        payload = json.loads(body.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError):
        return Refusal(400, "json_invalid")
    if not isinstance(payload, dict):
        return Refusal(400, "json_not_object")
    return check_message(
        payload.get("sender"), payload.get("message"), payload.get("metadata"), settings, payload.get("input_channel")
    )


class RateLimiter:
    """A token bucket per sender; the least recently seen senders are forgotten beyond `max_senders`."""

    def __init__(
        self, messages: int, seconds: float, max_senders: int = 10000, clock: Callable[[], float] = time.monotonic
    ):
        self.capacity = float(messages)
        self.refill_per_second = messages / seconds
        self.max_senders = max_senders
        self.clock = clock
        self._buckets: OrderedDict[str, tuple] = OrderedDict()

    def allow(self, sender: str) -> bool:
        now = self.clock()
        tokens, last = self._buckets.pop(sender, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.refill_per_second)
        allowed = tokens >= 1.0
        self._buckets[sender] = (tokens - 1.0 if allowed else tokens, now)
        while len(self._buckets) > self.max_senders:
            self._buckets.popitem(last=False)
        return allowed

    def __len__(self) -> int:
        return len(self._buckets)
