"""Staff take over a conversation: their reply appears in the user's chat; "terug naar de bot" resumes it.

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

BACK_TO_BOT = "Je praat weer met de digitale assistent. Stel gerust een nieuwe vraag."
MAX_REPLY = 2000


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

    async def send_staff_message(self, conversation_id: str, text: str) -> None:
        text = text.strip()[:MAX_REPLY]
        if not text:
            raise ValueError("empty reply")
        await self._append(conversation_id, [{"event": "bot", "text": text, "metadata": {"from": "staff"}}])

    async def resume(self, conversation_id: str) -> None:
        await self._append(conversation_id, [{"event": "resume"}, {"event": "bot", "text": BACK_TO_BOT}])
