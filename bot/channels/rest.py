"""The REST channel behind the input guard: /webhooks/rest/webhook as before, but never a 500.

Invalid JSON, a top-level array, wrong types or a missing sender get a 400
with a JSON error and a Dutch message; a body over the size cap a 413; a
sender over the rate limit a 429. A message over the length cap is trimmed,
answered, and followed by a Dutch note that only the first part was read.
"""

from __future__ import annotations

import inspect
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_speedups
from bot.channels.guard import Accepted, GuardSettings, RateLimiter, Refusal, check_body, texts

log = logging.getLogger(__name__)


class GuardedRestInput(RestInput):
    """Rasa's REST channel with the guard in front (credentials.yml: bot.channels.rest.GuardedRestInput)."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedRestInput:
        return cls()

    def __init__(self, settings: GuardSettings | None = None) -> None:
        self.settings = settings or GuardSettings.from_env()
        self.limiter = RateLimiter(self.settings.rate_messages, self.settings.rate_seconds, self.settings.max_senders)
        rasa_speedups.install()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        module = inspect.getmodule(self)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            checked = check_body(request.body or b"", self.settings)
            if isinstance(checked, Refusal):
                return response.json(checked.body(), status=checked.status)
            if not self.limiter.allow(checked.sender):
                refusal = Refusal(429, "rate_limited")
                return response.json(refusal.body(), status=refusal.status)
            replies = await self.answer(on_new_message, checked)
            if not replies and not await self.paused(request, checked.sender):
                # Every turn gets an answer; silence here means an action failed (e.g. the
                # action server is down): say so instead of leaving the user waiting.
                replies = [self.note(checked.sender, "bot_unavailable")]
            return response.json(replies)

        return webhook

    async def answer(self, on_new_message: Callable[[UserMessage], Awaitable[None]], message: Accepted) -> list:
        collector = CollectingOutputChannel()
        try:
            await on_new_message(
                UserMessage(
                    message.text,
                    collector,
                    message.sender,
                    input_channel=message.input_channel or self.name(),
                    metadata=message.metadata,
                )
            )
        except CancelledError:
            log.error("rest message timed out")
            return collector.messages + [self.note(message.sender, "bot_unavailable")]
        except Exception as error:  # never a 500, and never the user's text in the log
            log.error("rest message failed (%s)", type(error).__name__)
            return collector.messages + [self.note(message.sender, "bot_unavailable")]
        if message.trimmed:
            return collector.messages + [self.note(message.sender, "trimmed")]
        return collector.messages

    @staticmethod
    async def paused(request: Request, sender: str) -> bool:
        """A conversation handed to staff is paused: then silence is what the user should get."""
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return False
        try:
            tracker = await agent.tracker_store.retrieve(sender)
        except Exception as error:
            log.error("tracker lookup failed (%s)", type(error).__name__)
            return False
        return tracker is not None and tracker.is_paused()

    def note(self, sender: str, code: str) -> dict[str, str]:
        return {"recipient_id": sender, "text": texts()[code].format(max_chars=self.settings.max_chars)}
