"""Where a call-back or mail request goes once the caller gave consent and a number or address.

The contact detail is used only for that purpose: it is never written to the
contact log, the message log, the summary or a log line. The default sink keeps
it in its own table (`callback_requests`, bot/storage/privacy.py), from which
`doorvraag purge` removes it once the call-back is done plus a grace period.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallbackRequest:
    conversation_id: str
    channel: str  # terugbellen | mail
    detail: str = field(repr=False)  # phone number or e-mail address: never printed
    opening: datetime  # when the helpdesk opens next


Sink = Callable[[CallbackRequest], None]


def _default_sink(request: CallbackRequest) -> None:
    from bot.storage import Database
    from bot.storage.privacy import store_callback

    store_callback(
        Database.from_env(), request.conversation_id, request.channel, request.detail, opening_at=request.opening
    )
    log.info("callback request (%s) stored", request.channel)


_sinks: list[Sink] = [_default_sink]


def set_sink(sink: Sink) -> None:
    """Replace where requests go (the callback storage, or a test's list)."""
    _sinks[:] = [sink]


def reset_sink() -> None:
    _sinks[:] = [_default_sink]


def submit(request: CallbackRequest) -> bool:
    try:
        for sink in _sinks:
            sink(request)
        return True
    except Exception as error:
        log.warning("callback request failed (%s)", type(error).__name__)
        return False
