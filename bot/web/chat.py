"""The public chat page: the helpdesk's hours, the privacy notice, and the self-hosted widget.

rasa-webchat 1.0.1 comes from the npm registry (web/chat/package-lock.json,
installed by `make setup`) and is served from our own files: no CDN. The widget
talks to Rasa's Socket.IO channel (behind the input guard) at
DOORVRAAG_CHAT_SOCKET_URL (default http://127.0.0.1:5005).

The page may be opened on a shared school computer, so the widget keeps its
conversation in the tab's sessionStorage (gone when the tab closes), and "Snel weg"
leaves for a neutral site (DOORVRAAG_QUICK_EXIT_URL) without a history entry to
come back to. The organisation's name and colour come from bot/web/branding.py.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from aiohttp import web

from bot import hours, knowledge
from bot import question_bank as qb
from bot.web.branding import Branding

ROOT = Path(__file__).resolve().parents[2]
WIDGET = ROOT / "web" / "chat" / "node_modules" / "rasa-webchat" / "lib" / "index.js"
STATIC = Path(__file__).parent / "static"
INIT = STATIC / "chat-init.js"
STYLE = STATIC / "chat.css"
QUICK_EXIT_ENV = "DOORVRAAG_QUICK_EXIT_URL"
DEFAULT_QUICK_EXIT = "https://www.google.nl/"


def tel_href(number: str) -> str:
    """A tap-to-call link target: the digits only ("030-285 66 16" -> "tel:0302856616")."""
    return "tel:" + re.sub(r"[^0-9+]", "", number)


def phone(number: str) -> dict[str, str]:
    """A number as the page shows it and as a tap-to-call link."""
    return {"text": number, "tel": tel_href(number)}


def service_phone(key: str) -> dict[str, str]:
    """An urgent service's number from bot/knowledge/referrals.yml, the one place numbers are kept."""
    return phone(knowledge.load("referrals")["services"][key]["phone"])


def unreachable_after_ms() -> int:
    """How long the page waits for the chat server before it says the chat can't be reached."""
    try:
        return max(1000, int(os.environ.get("DOORVRAAG_CHAT_UNREACHABLE_MS", "8000")))
    except ValueError:
        return 8000


def quick_exit_url() -> str:
    """Where "Snel weg" goes: a neutral http(s) page; anything else (a script URL, a typo) gets the default."""
    given = os.environ.get(QUICK_EXIT_ENV, "").strip()
    return given if re.fullmatch(r"https?://[^\s\"'<>]+", given) else DEFAULT_QUICK_EXIT


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
        quick_exit_url=quick_exit_url(),
        brand=Branding.from_env(),
        alarm=service_phone("alarm"),
        veilig_thuis=service_phone("veilig_thuis"),
    )
    response = web.Response(text=page, content_type="text/html", charset="utf-8")
    response.headers["Content-Security-Policy"] = content_security_policy()
    return response


def _static(path: Path, content_type: str = "application/javascript") -> web.StreamResponse:
    if not path.exists():
        raise web.HTTPServiceUnavailable(text="De chat is nog niet geïnstalleerd (make setup).")
    return web.FileResponse(
        path, headers={"Content-Type": f"{content_type}; charset=utf-8", "Cache-Control": "public, max-age=3600"}
    )


async def widget_script(request: web.Request) -> web.StreamResponse:
    return _static(WIDGET)


async def init_script(request: web.Request) -> web.StreamResponse:
    return _static(INIT)


async def style_sheet(request: web.Request) -> web.StreamResponse:
    return _static(STYLE, "text/css")


ROUTES: tuple = (
    ("GET", "/chat", chat_page),
    ("GET", "/chat/webchat.js", widget_script),
    ("GET", "/chat/init.js", init_script),
    ("GET", "/chat/chat.css", style_sheet),
)
