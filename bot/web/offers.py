"""After a while unclaimed, the bot offers a waiting user a call-back by itself, once.

The console runs this in the background (it already talks to Rasa for staff lines): every few
seconds it looks for chat contacts waiting unclaimed longer than DOORVRAAG_CALLBACK_OFFER_AFTER
seconds (300) and appends one bot line with the call-back button to each conversation, the same way
staff lines reach the open widget. Whether it was offered is kept on the contact
(`callback_offered_at`), and a conditional UPDATE takes the offer (bot/storage/waiting.py), so
several console processes or a restart never offer twice, and a claim in between stops it.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import waiting
from bot.storage import waiting as waiting_store
from bot.storage.database import Database
from bot.web.takeover import RasaClient, TakeoverError

log = logging.getLogger(__name__)
DEFAULT_AFTER = 300.0


@dataclass(frozen=True)
class OfferSettings:
    after: timedelta = timedelta(seconds=DEFAULT_AFTER)

    @classmethod
    def from_env(cls) -> OfferSettings:
        """DOORVRAAG_CALLBACK_OFFER_AFTER: seconds unclaimed before the offer (at least 1; default 300)."""
        raw = os.environ.get("DOORVRAAG_CALLBACK_OFFER_AFTER", "").strip()
        try:
            seconds = float(raw) if raw else DEFAULT_AFTER
        except ValueError:
            log.warning("DOORVRAAG_CALLBACK_OFFER_AFTER is not a number; using %s seconds", DEFAULT_AFTER)
            seconds = DEFAULT_AFTER
        return cls(timedelta(seconds=max(1.0, seconds)))

    @property
    def check_every(self) -> float:
        """How often to look: a quarter of the delay, between half a second and ten seconds."""
        return min(10.0, max(0.5, self.after.total_seconds() / 4))


async def offer_due(db: Database, rasa: RasaClient, after: timedelta, *, now: datetime | None = None) -> int:
    """Offer the call-back to every contact due for it; returns how many were offered."""
    text, buttons = waiting.offer_message()
    offered = 0
    for contact_id, conversation in await asyncio.to_thread(waiting_store.due_for_offer, db, after, now=now):
        if not await asyncio.to_thread(waiting_store.mark_offered, db, contact_id, now=now):
            continue  # another console process took it, or a staff member claimed it just now
        try:
            await rasa.offer_callback(conversation, text, buttons)
        except TakeoverError:
            log.warning("console: the call-back offer could not be sent (Rasa unreachable); trying again later")
            await asyncio.to_thread(waiting_store.unmark_offered, db, contact_id)
            continue
        offered += 1
    return offered


async def run(db: Database, rasa: RasaClient, settings: OfferSettings) -> None:
    """The background loop; a failing round is logged (error class only) and the next one tries again."""
    while True:
        await asyncio.sleep(settings.check_every)
        try:
            await offer_due(db, rasa, settings.after)
        except Exception as error:  # the console keeps serving staff whatever this round did
            log.warning("console: call-back offers failed (%s)", type(error).__name__)
