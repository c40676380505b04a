"""Where a call-back or mail request goes once the caller gave consent and a number or address.

The contact detail is used only for that purpose: it is never written to the
contact log, the message log or the summary. Its own minimal storage is a
separate issue; until then `submit` hands it to the registered sink, and the
default sink keeps nothing (it logs that a request came in, without the detail).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, List

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallbackRequest:
    conversation_id: str
    channel: str          # terugbellen | mail
    detail: str = field(repr=False)   # phone number or e-mail address: never printed
    opening: datetime     # when the helpdesk opens next


Sink = Callable[[CallbackRequest], None]


def _default_sink(request: CallbackRequest) -> None:
    log.info("callback request (%s) for conversation %s; no callback storage configured",
             request.channel, request.conversation_id)


_sinks: List[Sink] = [_default_sink]


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
