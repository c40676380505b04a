"""Staff take over a conversation: their reply appears in the user's chat; "terug naar de bot" resumes it.

Taking over (the join line on a claim, or the first reply) pauses the conversation: only then, because
while the user waits unclaimed the bot still answers them (actions/waiting.py).

Uses Rasa's HTTP API (`rasa run --enable-api --auth-token ...`, started that way
by scripts/run.sh): the reply is appended to the conversation as a bot message
and sent through the channel the user last wrote on (the widget's Socket.IO),
and resuming appends a `resume` event. RASA_URL and RASA_TOKEN come from the
environment; without a token the console offers no takeover.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import quote

import aiohttp

from bot.web import staff_lines

MAX_REPLY = 2000


def _bot_line(text: str, source: str, username: str) -> dict:
    """A bot event whose metadata says who wrote it: "staff" (their reply) or "system" (joined, left)."""
    return {"event": "bot", "text": text, "metadata": {"from": source, "staff": username}}


# A staff member takes the conversation: the waiting (or any other) form stops and the bot pauses, so
# from now on the user's messages are for the staff member. Until then the bot kept listening while the
# user waited (actions/waiting.py), so it could answer with the place in the queue and offer a call-back.
TAKE_OVER_EVENTS: tuple[dict, ...] = (
    {"event": "active_loop", "name": None},
    {"event": "slot", "name": "requested_slot", "value": None},
    {"event": "slot", "name": "waiting_reply", "value": None},
    {"event": "slot", "name": "intake_phase", "value": None},
    {"event": "pause"},
)


def take_over_events(line: dict) -> list[dict]:
    """The staff member's line (joined, or their reply) and the conversation theirs from then on."""
    return [*TAKE_OVER_EVENTS, line]


def offer_event(text: str, buttons: list[dict]) -> dict:
    """The bot's own call-back offer: a bot line with its button, in the bot's name (not a person's)."""
    return {
        "event": "bot",
        "text": text,
        "data": {"buttons": buttons},
        "metadata": {"from": "bot", "offer": "callback"},
    }


def resume_events(username: str) -> list[dict]:
    """The bot takes over again: a line that says so, and the tracker left listening (see `resume`)."""
    text = staff_lines.BACK_TO_BOT.format(name=staff_lines.display_name(username))
    return [{"event": "resume"}, _bot_line(text, "system", username), {"event": "action", "name": "action_listen"}]


class TakeoverError(RuntimeError):
    pass


@dataclass(frozen=True)
class RasaClient:
    base_url: str
    token: str
    timeout: float = 10.0

    @classmethod
    def from_env(cls) -> RasaClient | None:
        token = os.environ.get("RASA_TOKEN", "").strip()
        if not token:
            return None
        return cls(os.environ.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"), token)

    async def _append(self, conversation_id: str, events: list[dict]) -> None:
        url = f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/tracker/events"
        params = {"token": self.token, "output_channel": "latest", "execute_side_effects": "true"}
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as session:
                async with session.post(url, params=params, json=events) as answer:
                    if answer.status != 200:
                        raise TakeoverError(f"Rasa answered {answer.status}")
        except aiohttp.ClientError as error:
            raise TakeoverError(f"Rasa is unreachable ({type(error).__name__})") from None

    async def send_staff_message(self, conversation_id: str, text: str, username: str) -> None:
        """The reply under the staff member's name; the metadata says who wrote it."""
        text = text.strip()[:MAX_REPLY]
        if not text:
            raise ValueError("empty reply")
        line = _bot_line(staff_lines.staff_text(username, text), "staff", username)
        await self._append(conversation_id, take_over_events(line))

    async def announce_join(self, conversation_id: str, username: str) -> None:
        """The line that tells the user a person joined (when a staff member claims the conversation)."""
        said = staff_lines.JOINED.format(name=staff_lines.display_name(username))
        await self._append(conversation_id, take_over_events(_bot_line(said, "system", username)))

    async def offer_callback(self, conversation_id: str, text: str, buttons: list[dict]) -> None:
        """The bot offers a waiting user a call-back (bot/web/offers.py); the conversation stays the bot's."""
        await self._append(conversation_id, [offer_event(text, buttons)])

    async def resume(self, conversation_id: str, username: str) -> None:
        """Resume the bot and leave the tracker listening, so the user's next message is answered.

        The take-over paused the conversation (TAKE_OVER_EVENTS): a paused tracker runs no
        `action_listen`, so the next message would be predicted from whatever action ran last
        (an earlier version paused right after `action_handoff`, and that message got no reply
        at all). Appending `action_listen` after the resume puts the tracker where a normal turn starts.
        """
        await self._append(conversation_id, resume_events(username))
