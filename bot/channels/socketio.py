"""The Socket.IO channel (the chat widget) behind the same input guard as REST.

Refused input never reaches NLU; the user gets the Dutch explanation as a bot
message in the widget instead of silence or a broken socket.
"""

from __future__ import annotations

import inspect
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot import rasa_speedups
from bot.channels.guard import GuardSettings, RateLimiter, Refusal, check_message, texts, valid_sender

log = logging.getLogger(__name__)


class GuardedSocketIOInput(SocketIOInput):
    """credentials.yml: bot.channels.socketio.GuardedSocketIOInput (same options as `socketio`)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(self, *args: Any, settings: GuardSettings | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.settings = settings or GuardSettings.from_env()
        self.limiter = RateLimiter(self.settings.rate_messages, self.settings.rate_seconds, self.settings.max_senders)
        rasa_speedups.install()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = super().blueprint(self.guarded(on_new_message))
        self.replace_session_request(webhook.ctx.sio)
        return webhook

    def replace_session_request(self, sio) -> None:
        """Rasa 3.6 calls `sio.enter_room` without awaiting it, but python-socketio 5.10+ made it a
        coroutine: the session never joins its room, and with session persistence no bot reply
        reaches the widget. This handler awaits it, and gives a malformed session id a fresh one."""

        async def session_request(sid: str, data: dict | None) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not valid_sender(session_id):
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                entered = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(entered):
                    await entered
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        sio.on("session_request", session_request, namespace=self.namespace)

    def guarded(
        self, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> Callable[[UserMessage], Awaitable[None]]:
        async def handle(message: UserMessage) -> None:
            output, sender = message.output_channel, message.sender_id
            checked = check_message(sender, message.text, message.metadata, self.settings)
            if isinstance(checked, Refusal):
                if isinstance(sender, str) and sender:
                    await output.send_text_message(sender, texts()[checked.code])
                return
            if not self.limiter.allow(checked.sender):
                await output.send_text_message(sender, texts()["rate_limited"])
                return
            try:
                await on_new_message(
                    UserMessage(
                        checked.text, output, checked.sender, input_channel=self.name(), metadata=checked.metadata
                    )
                )
            except Exception as error:  # the socket stays up; the user hears what happened
                log.error("socketio message failed (%s)", type(error).__name__)
                await output.send_text_message(sender, texts()["bot_unavailable"])
                return
            if checked.trimmed:
                await output.send_text_message(sender, texts()["trimmed"].format(max_chars=self.settings.max_chars))

        return handle
