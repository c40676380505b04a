"""The Socket.IO channel (the chat widget) behind the same input guard as REST.

Refused input never reaches NLU; the user gets the Dutch explanation as a bot
message in the widget instead of silence or a broken socket. Each widget connection
is also counted on its conversation (bot/storage/presence.py), so staff see whether the
user still has the chat open.
"""

from __future__ import annotations

import asyncio
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
from bot.storage import presence
from bot.storage.database import Database

log = logging.getLogger(__name__)


class GuardedSocketIOInput(SocketIOInput):
    """credentials.yml: bot.channels.socketio.GuardedSocketIOInput (same options as `socketio`)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(
        self, *args: Any, settings: GuardSettings | None = None, database: Database | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.settings = settings or GuardSettings.from_env()
        self.database = database  # None: the contact log of DATABASE_URL, looked up when first needed
        self.limiter = RateLimiter(self.settings.rate_messages, self.settings.rate_seconds, self.settings.max_senders)
        rasa_speedups.install()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = super().blueprint(self.guarded(on_new_message))
        self.replace_session_request(webhook.ctx.sio)
        return webhook

    def contact_log(self) -> Database:
        return self.database or Database.from_env()

    async def count_presence(self, change: Callable[..., None], conversation: str) -> bool:
        """One presence write off the event loop; a failure is logged by its type and never reaches the socket."""
        try:
            await asyncio.to_thread(change, self.contact_log(), conversation)
            return True
        except Exception as error:
            log.error("socketio: widget presence not written (%s)", type(error).__name__)
            return False

    async def widget_joined(self, sio, sid: str, conversation: str) -> None:
        """Count this connection on its conversation once. The pending write is kept in the socket's own
        session before anything awaits, so a disconnect that comes quickly waits for it and undoes it."""
        try:
            session = await sio.get_session(sid, namespace=self.namespace)
            earlier = session.get("presence")
            if earlier and earlier[0] == conversation:
                return  # the same widget asked again: still one connection
            counted = asyncio.ensure_future(self.count_presence(presence.connected, conversation))
            await sio.save_session(sid, {**session, "presence": (conversation, counted)}, namespace=self.namespace)
        except Exception as error:  # the socket is gone already, or its session cannot be read
            log.error("socketio: widget presence not tracked (%s)", type(error).__name__)
            return
        if earlier:
            await self.widget_left(earlier)
        await counted

    async def widget_left(self, entry: tuple[str, asyncio.Future] | None) -> None:
        if not entry:
            return
        conversation, counted = entry
        if await counted:
            await self.count_presence(presence.disconnected, conversation)

    def track_disconnect(self, sio) -> None:
        """Replaces Rasa's disconnect handler (which only logs): the connection is no longer counted."""

        async def disconnect(sid: str, reason: Any = None) -> None:
            try:
                session = await sio.get_session(sid, namespace=self.namespace)
            except Exception as error:
                log.error("socketio: widget presence not tracked (%s)", type(error).__name__)
                return
            await self.widget_left(session.get("presence"))

        sio.on("disconnect", disconnect, namespace=self.namespace)

    def replace_session_request(self, sio) -> None:
        """Rasa 3.6 calls `sio.enter_room` without awaiting it, but python-socketio 5.10+ made it a
        coroutine: the session never joins its room, and with session persistence no bot reply
        reaches the widget. This handler awaits it, and gives a malformed session id a fresh one."""

        async def session_request(sid: str, data: dict | None) -> None:
            data = data if isinstance(data, dict) else {}
            asked = data.get("session_id")
            session_id: str = asked if isinstance(asked, str) and valid_sender(asked) else uuid.uuid4().hex
            joined = asyncio.ensure_future(self.widget_joined(sio, sid, session_id))
            if self.session_persistence:
                entered = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(entered):
                    await entered
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            await joined

        sio.on("session_request", session_request, namespace=self.namespace)
        self.track_disconnect(sio)

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
