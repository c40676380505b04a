"""The public chat page: the helpdesk's hours, the privacy notice, and the self-hosted widget.

rasa-webchat 1.0.1 comes from the npm registry (web/chat/package-lock.json,
installed by `make setup`) and is served from our own files: no CDN. The widget
talks to Rasa's Socket.IO channel (behind the input guard) at
DOORVRAAG_CHAT_SOCKET_URL (default http://127.0.0.1:5005).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from aiohttp import web

from bot import hours
from bot import question_bank as qb

ROOT = Path(__file__).resolve().parents[2]
WIDGET = ROOT / "web" / "chat" / "node_modules" / "rasa-webchat" / "lib" / "index.js"
INIT = Path(__file__).parent / "static" / "chat-init.js"


def tel_href(number: str) -> str:
    """A tap-to-call link target: the digits only ("030-285 66 16" -> "tel:0302856616")."""
    return "tel:" + re.sub(r"[^0-9+]", "", number)


def unreachable_after_ms() -> int:
    """How long the page waits for the chat server before it says the chat can't be reached."""
    try:
        return max(1000, int(os.environ.get("DOORVRAAG_CHAT_UNREACHABLE_MS", "8000")))
    except ValueError:
        return 8000


def socket_url() -> str:
    return os.environ.get("DOORVRAAG_CHAT_SOCKET_URL", "http://127.0.0.1:5005").strip()


def content_security_policy() -> str:
    """Scripts only from here; the socket only to the Rasa server (ws and http for long-polling)."""
    base = socket_url().rstrip("/")
    websocket = base.replace("https://", "wss://").replace("http://", "ws://")
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        f"font-src 'self' data:; "
        f"connect-src 'self' {base} {websocket}; frame-ancestors *"
    )


async def chat_page(request: web.Request) -> web.Response:
    from bot.storage.privacy import RetentionPolicy

    app = request.app["console"]
    # ?open=1 shows the chat opened at once (a link from a "chat now" button, and the browser test).
    page = app.templates.get_template("chat.html").render(
        hours=hours.opening_hours_text(),
        socket_url=socket_url(),
        embedded="true" if request.query.get("open") == "1" else "false",
        retention_days=RetentionPolicy.from_env().retention.days,
        helpdesk=qb.helpdesk_phone(),
        helpdesk_tel=tel_href(qb.helpdesk_phone()),
        unreachable_after_ms=unreachable_after_ms(),
    )
    response = web.Response(text=page, content_type="text/html", charset="utf-8")
    response.headers["Content-Security-Policy"] = content_security_policy()
    return response


def _script(path: Path) -> web.StreamResponse:
    if not path.exists():
        raise web.HTTPServiceUnavailable(text="De chat is nog niet geïnstalleerd (make setup).")
    return web.FileResponse(
        path, headers={"Content-Type": "application/javascript; charset=utf-8", "Cache-Control": "public, max-age=3600"}
    )


async def widget_script(request: web.Request) -> web.StreamResponse:
    return _script(WIDGET)


async def init_script(request: web.Request) -> web.StreamResponse:
    return _script(INIT)


ROUTES: tuple = (
    ("GET", "/chat", chat_page),
    ("GET", "/chat/webchat.js", widget_script),
    ("GET", "/chat/init.js", init_script),
)
