"""The console web app (aiohttp + Jinja2): login, the staff queue, contacts, and the dashboard.

Routes are data: each names the roles that may use it; a middleware checks the
session, the role and, for every POST, the CSRF token before a handler runs.
Templates escape everything (autoescape), so text typed in a chat can never
become markup here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import jinja2
from aiohttp import web
from sqlalchemy import create_engine

from bot import labels, referrals
from bot.analytics.charts import bar_chart_svg
from bot.analytics.figures import AXES, HANDED_OFF, label_for
from bot.analytics.report import figures_csv
from bot.organisation import organisation_name
from bot.storage import presence, values
from bot.storage.database import Database
from bot.storage.dates import parse_date
from bot.storage.privacy import RetentionPolicy
from bot.web import canned, chat, console_data, live, staff_lines, transcript, wording
from bot.web import offers as offers_module
from bot.web.auth import LoginLimiter, SessionStore, csrf_ok, verify_login
from bot.web.takeover import RasaClient, TakeoverError

log = logging.getLogger(__name__)
COOKIE = "doorvraag_console"
TEMPLATES = Path(__file__).parent / "templates"
CONSOLE_JS = Path(__file__).parent / "static" / "console.js"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
STAFF = frozenset({"staff", "admin"})
ANALYSTS = frozenset({"analyst", "admin"})
ADMINS = frozenset({"admin"})
PUBLIC: frozenset[str] = frozenset()


@dataclass
class ConsoleSettings:
    secure_cookies: bool = False
    idle_minutes: int = 30
    poll_seconds: float = 1.0

    @classmethod
    def from_env(cls) -> ConsoleSettings:
        """DOORVRAAG_CONSOLE_SECURE_COOKIES=1 behind https; DOORVRAAG_CONSOLE_IDLE_MINUTES (30);
        DOORVRAAG_CONSOLE_POLL_SECONDS (1): how often a live page asks the database for news."""
        return cls(
            os.environ.get("DOORVRAAG_CONSOLE_SECURE_COOKIES", "") in ("1", "true", "yes"),
            int(os.environ.get("DOORVRAAG_CONSOLE_IDLE_MINUTES", "30") or 30),
            min(5.0, max(0.2, float(os.environ.get("DOORVRAAG_CONSOLE_POLL_SECONDS", "1") or 1))),
        )


@dataclass
class Console:
    db: Database
    tracker_url: str | None
    settings: ConsoleSettings = field(default_factory=ConsoleSettings)
    sessions: SessionStore = field(default_factory=SessionStore)
    logins: LoginLimiter = field(default_factory=LoginLimiter)
    rasa: RasaClient | None = None

    def __post_init__(self) -> None:
        # The store keeps its sessions in this console's database, with the configured idle timeout.
        idle = self.settings.idle_minutes * 60
        self.sessions = replace(self.sessions, db=self.sessions.db or self.db, idle_seconds=idle)
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=jinja2.StrictUndefined
        )
        self.templates.globals.update(
            label=labels.label_text, QUEUE_NAMES=QUEUE_NAMES, urgency_text=referrals.describe, **wording.GLOBALS
        )
        self.templates.filters["local"] = wording.local_time
        # One engine for the tracker store: the live feed asks it every second.
        self.tracker = create_engine(self.tracker_url, future=True, hide_parameters=True) if self.tracker_url else None

    def render(self, request: web.Request, name: str, status: int = 200, **context) -> web.Response:
        page = self.templates.get_template(name).render(user=request.get("session"), **context)
        return web.Response(text=page, content_type="text/html", charset="utf-8", status=status)


QUEUE_NAMES = {"nieuw": "nieuw", "in_behandeling": "in behandeling", "afgerond": "afgerond"}


def console(request: web.Request) -> Console:
    return request.app["console"]


# ------------------------------------------------------------------ handlers

LOGIN_CSRF = "doorvraag_login_csrf"


def _login_form(request: web.Request, status: int = 200, error: str | None = None) -> web.Response:
    """The login page with a fresh double-submit CSRF token (cookie + hidden field)."""
    import secrets

    token = secrets.token_urlsafe(24)
    app = console(request)
    response = app.render(request, "login.html", status=status, error=error, login_csrf=token)
    response.set_cookie(
        LOGIN_CSRF,
        token,
        httponly=True,
        samesite="Strict",
        path="/login",
        secure=app.settings.secure_cookies or request.secure,
    )
    return response


async def login_page(request: web.Request) -> web.Response:
    return _login_form(request)


async def login(request: web.Request) -> web.Response:
    import hmac

    app = console(request)
    form = await request.post()
    expected = request.cookies.get(LOGIN_CSRF, "")
    if not expected or not hmac.compare_digest(expected, str(form.get("csrf", ""))):
        return _login_form(request, 403, "Het formulier is verlopen. Probeer het opnieuw.")
    username = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))[:1024]
    keys = (f"ip:{request.remote}", f"user:{username.lower()}")
    if app.logins.blocked(*keys):
        return _login_form(request, 429, "Te veel pogingen. Wacht een kwartier en probeer het dan opnieuw.")
    user = verify_login(app.db, username, password) if username and password else None
    if user is None:
        app.logins.failed(*keys)
        return _login_form(request, 401, "Gebruikersnaam of wachtwoord klopt niet.")
    app.logins.succeeded(*keys)
    session = app.sessions.create(user.username, user.role)
    response = web.HTTPSeeOther("/")
    response.set_cookie(
        COOKIE,
        session.token,
        httponly=True,
        samesite="Lax",
        path="/",
        secure=app.settings.secure_cookies or request.secure,
    )
    raise response


async def logout(request: web.Request) -> web.Response:
    console(request).sessions.end(request.cookies.get(COOKIE))
    response = web.HTTPSeeOther("/login")
    response.del_cookie(COOKIE, path="/")
    raise response


async def home(request: web.Request) -> web.Response:
    raise web.HTTPSeeOther("/dashboard" if request["session"].role == "analyst" else "/queue")


async def queue_page(request: web.Request) -> web.Response:
    app = console(request)
    return app.render(
        request,
        "queue.html",
        contacts=console_data.queue(app.db),
        waiting=console_data.waiting_count(app.db),
        now=_now(),
    )


async def contact_page(request: web.Request, warning: str | None = None, status: int = 200) -> web.Response:
    app = console(request)
    found = console_data.contact(app.db, request.match_info["contact_id"], request["session"].username)
    if found is None:
        raise web.HTTPNotFound(text="Dit contact bestaat niet (meer).")
    conversation = found["contact"].conversation_id
    return app.render(
        request,
        "contact.html",
        status=status,
        chat=transcript.read(app.tracker, conversation),
        presence=presence.presence(app.db, conversation),
        statuses=values.QUEUE_STATUSES,
        takeover=app.rasa is not None,
        colleagues=console_data.staff_members(app.db),
        canned=canned.grouped(found["contact"].theme),
        warning=warning,
        waiting=console_data.waiting_count(app.db),
        now=_now(),
        **found,
    )


async def claim_contact(request: web.Request) -> web.Response:
    """ "Ik pak dit op": the name goes on the contact for everyone, and the user hears a person joined."""
    app = console(request)
    form = await request.post()
    contact_id = request.match_info["contact_id"]
    me = request["session"].username
    try:
        claimed = console_data.claim(app.db, contact_id, me, take_over=form.get("take_over") == "1")
    except console_data.Claimed as taken:
        return await contact_page(request, _claimed_warning(taken.owner), status=409)
    if claimed is None:
        raise web.HTTPNotFound(text="Dit contact bestaat niet (meer).")
    await _announce_join(app, claimed)
    raise web.HTTPSeeOther(f"/contacts/{contact_id}")


def _claimed_warning(owner: str) -> str:
    return (
        f"{staff_lines.display_name(owner)} heeft dit gesprek al opgepakt. Overleg eerst, "
        "of kies bewust voor overnemen."
    )


async def _announce_join(app: Console, claimed) -> None:
    """Tell the waiting user a person joined; a chat that can't be reached does not undo the claim."""
    if app.rasa is None or claimed.channel != "chat" or claimed.handoff != "wachtrij":
        return
    try:
        await app.rasa.announce_join(claimed.conversation_id, claimed.assigned_to)
    except TakeoverError:
        log.warning("console: the join line could not be sent (Rasa unreachable)")


async def transfer_contact(request: web.Request) -> web.Response:
    app = console(request)
    form = await request.post()
    try:
        done = console_data.transfer(
            app.db, request.match_info["contact_id"], str(form.get("to", "")), request["session"].username
        )
    except ValueError:
        raise web.HTTPBadRequest(text="Kies een collega uit de lijst.") from None
    if not done:
        raise web.HTTPNotFound(text="Dit contact bestaat niet (meer).")
    raise web.HTTPSeeOther(f"/contacts/{request.match_info['contact_id']}")


async def callbacks_page(request: web.Request) -> web.Response:
    app = console(request)
    return app.render(
        request,
        "callbacks.html",
        callbacks=console_data.open_callbacks(app.db),
        grace_days=RetentionPolicy.from_env().callback_grace.days,
        waiting=console_data.waiting_count(app.db),
        now=_now(),
    )


async def callback_done(request: web.Request) -> web.Response:
    app = console(request)
    if not console_data.callback_done(app.db, request.match_info["request_id"], request["session"].username):
        raise web.HTTPNotFound(text="Dit verzoek bestaat niet of is al afgehandeld.")
    form = await request.post()
    back = str(form.get("back", ""))
    raise web.HTTPSeeOther(back if back.startswith("/contacts/") else "/callbacks")


async def live_feed(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events: a `change` event whenever the queue or this contact's conversation changed."""
    return await live.stream(request, console(request))


async def console_script(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(
        CONSOLE_JS, headers={"Content-Type": "application/javascript; charset=utf-8", "Cache-Control": "no-cache"}
    )


async def change_status(request: web.Request) -> web.Response:
    app = console(request)
    form = await request.post()
    status = str(form.get("status", ""))
    if status not in values.QUEUE_STATUSES:
        raise web.HTTPBadRequest(text="Onbekende status.")
    if not console_data.set_status(app.db, request.match_info["contact_id"], status, request["session"].username):
        raise web.HTTPNotFound(text="Dit contact bestaat niet (meer).")
    raise web.HTTPSeeOther(f"/contacts/{request.match_info['contact_id']}")


async def _takeover(request: web.Request, action: str) -> web.Response:
    from bot.storage.models import Contact

    app = console(request)
    contact_id = request.match_info["contact_id"]
    with app.db.session() as session:
        found = session.get(Contact, contact_id)
        conversation = found.conversation_id if found else None
    if conversation is None:
        raise web.HTTPNotFound(text="Dit contact bestaat niet (meer).")
    if app.rasa is None:
        raise web.HTTPServiceUnavailable(text="Overnemen kan niet: de Rasa-API is niet ingesteld (RASA_TOKEN).")
    form = await request.post()
    me = request["session"].username
    reply = str(form.get("reply", ""))
    if action == "reply" and not reply.strip():
        raise web.HTTPBadRequest(text="Een antwoord mag niet leeg zijn.")
    try:
        # Replying picks the contact up; someone else's contact only after the warning was acknowledged.
        claimed = console_data.claim(app.db, contact_id, me, take_over=form.get("take_over") == "1")
    except console_data.Claimed as taken:
        return await contact_page(request, _claimed_warning(taken.owner), status=409)
    try:
        if action == "reply":
            if claimed is not None and not _has_spoken(app, conversation):
                await _announce_join(app, claimed)
            await app.rasa.send_staff_message(conversation, reply, me)
        else:
            await app.rasa.resume(conversation, me)
    except ValueError:
        raise web.HTTPBadRequest(text="Een antwoord mag niet leeg zijn.") from None
    except TakeoverError:
        raise web.HTTPBadGateway(text="Het gesprek kon niet worden bereikt. Probeer het zo nog eens.") from None
    console_data.record_takeover(app.db, contact_id, me, "staff_reply" if action == "reply" else "back_to_bot")
    raise web.HTTPSeeOther(f"/contacts/{contact_id}")


def _has_spoken(app: Console, conversation: str) -> bool:
    """Whether a person already joined this conversation (a join line or a staff reply is in it)."""
    return any(line.kind in ("medewerker", "melding") for line in transcript.read(app.tracker, conversation).lines)


async def staff_reply(request: web.Request) -> web.Response:
    return await _takeover(request, "reply")


async def back_to_bot(request: web.Request) -> web.Response:
    return await _takeover(request, "resume")


async def add_note(request: web.Request) -> web.Response:
    app = console(request)
    form = await request.post()
    note = str(form.get("note", ""))
    if not note.strip():
        raise web.HTTPBadRequest(text="Een notitie mag niet leeg zijn.")
    if not console_data.add_note(app.db, request.match_info["contact_id"], note, request["session"].username):
        raise web.HTTPNotFound(text="Dit contact bestaat niet (meer).")
    raise web.HTTPSeeOther(f"/contacts/{request.match_info['contact_id']}")


def _choices(axis: str, codes) -> list[tuple[str, str]]:
    return [(code, labels.label_text(axis, code)) for code in codes]


async def new_contact_page(request: web.Request) -> web.Response:
    return console(request).render(request, "new_contact.html", error=None, choices=_form_choices())


def _form_choices() -> dict[str, list[tuple[str, str]]]:
    return {
        "theme": _choices("themes", labels.themes()),
        "question_type": _choices("question_types", labels.question_types()),
        "caller_role": _choices("caller_roles", labels.caller_roles()),
        "school_type": _choices("school_types", labels.school_types()),
    }


async def new_contact(request: web.Request) -> web.Response:
    app = console(request)
    form = {key: str(value) for key, value in (await request.post()).items()}
    try:
        contact_id = console_data.enter_contact(app.db, form, request["session"].username)
    except ValueError as error:
        return app.render(
            request,
            "new_contact.html",
            status=400,
            choices=_form_choices(),
            error=f"Kies een geldige waarde voor: {error}.",
        )
    raise web.HTTPSeeOther(f"/contacts/{contact_id}")


def _period(request: web.Request) -> tuple[date, date]:
    today = _now().date()
    try:
        start = parse_date(request.query["van"]) if request.query.get("van") else today.replace(month=1, day=1)
        end = parse_date(request.query["tot"]) if request.query.get("tot") else today
    except ValueError:
        raise web.HTTPBadRequest(text="Gebruik datums als 2026-01-31.") from None
    if start > end:
        raise web.HTTPBadRequest(text="De begindatum ligt na de einddatum.")
    return start, end


async def dashboard(request: web.Request) -> web.Response:
    from bot.analytics.calendar import parse_week, previous_complete_week
    from bot.analytics.compare import compare
    from bot.analytics.report import cross_table_html
    from bot.analytics.trends import describe, trends

    app = console(request)
    start, end = _period(request)
    try:
        week = parse_week(request.query["week"]) if request.query.get("week") else previous_complete_week(_now().date())
    except ValueError:
        raise web.HTTPBadRequest(text="Gebruik een week als 2026-W07.") from None
    comparison = compare(app.db, start, end)
    figures = comparison.current
    charts = [
        bar_chart_svg(title, getattr(figures, attribute), {c: label_for(axis, c) for c in getattr(figures, attribute)})
        for attribute, axis, title in AXES
        if getattr(figures, attribute)
    ]
    signals = trends(app.db, week)
    return app.render(
        request,
        "dashboard.html",
        figures=figures,
        comparison=comparison,
        cross_table=cross_table_html(comparison.cross),
        signals=signals,
        signal_lines=describe(signals),
        handed_off_text=HANDED_OFF,
        organisation=organisation_name(),
        charts=charts,
        start=start,
        end=end,
        week=week,
    )


async def dashboard_csv(request: web.Request) -> web.Response:
    from bot.analytics.compare import compare

    start, end = _period(request)
    comparison = compare(console(request).db, start, end)
    body = figures_csv(comparison.current, comparison.previous, comparison.cross)
    return web.Response(
        text=body,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="doorvraag-{start}-{end}.csv"'},
    )


async def answers_page(request: web.Request) -> web.Response:
    from bot.analytics.answer_use import answer_use, unanswered

    app = console(request)
    start, end = _period(request)
    return app.render(
        request,
        "answers.html",
        uses=answer_use(app.db, start, end),
        groups=unanswered(app.db, start, end),
        start=start,
        end=end,
    )


async def unanswered_export(request: web.Request) -> web.Response:
    from bot.analytics.answer_use import unanswered, unanswered_yaml

    start, end = _period(request)
    return web.Response(
        text=unanswered_yaml(unanswered(console(request).db, start, end)),
        content_type="application/x-yaml",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="zonder-antwoord-{start}-{end}.yml"'},
    )


async def intents_page(request: web.Request) -> web.Response:
    from bot.analytics.intents import known_intents, list_messages

    app = console(request)
    selected = request.query.get("max", "")
    try:
        ceiling = float(selected) if selected else None
    except ValueError:
        raise web.HTTPBadRequest(text="Kies een geldige zekerheid.") from None
    return app.render(
        request,
        "intents.html",
        messages=list_messages(app.db, max_confidence=ceiling, limit=200),
        intents=known_intents(),
        selected=selected,
    )


async def relabel_message(request: web.Request) -> web.Response:
    from bot.analytics.intents import relabel

    form = await request.post()
    try:
        found = relabel(
            console(request).db,
            request.match_info["message_id"],
            str(form.get("intent", "")),
            request["session"].username,
        )
    except ValueError:
        raise web.HTTPBadRequest(text="Onbekende intentie.") from None
    if not found:
        raise web.HTTPNotFound(text="Dit bericht bestaat niet (meer).")
    raise web.HTTPSeeOther("/intents")


async def intents_export(request: web.Request) -> web.Response:
    from bot.analytics.intents import relabelled_nlu_yaml

    return web.Response(
        text=relabelled_nlu_yaml(console(request).db),
        content_type="application/x-yaml",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="herlabeld.yml"'},
    )


async def audit_page(request: web.Request) -> web.Response:
    app = console(request)
    return app.render(request, "audit.html", entries=console_data.audit_log(app.db))


def _now():
    from datetime import datetime

    from bot.storage.dates import AMSTERDAM

    return datetime.now(AMSTERDAM)


# (method, path, handler, roles allowed; empty = no login needed)
ROUTES: tuple[tuple[str, str, Handler, frozenset[str]], ...] = (
    ("GET", "/login", login_page, PUBLIC),
    ("POST", "/login", login, PUBLIC),
    ("POST", "/logout", logout, STAFF | ANALYSTS),
    ("GET", "/", home, STAFF | ANALYSTS),
    ("GET", "/queue", queue_page, STAFF),
    ("GET", "/contacts/new", new_contact_page, STAFF),
    ("POST", "/contacts/new", new_contact, STAFF),
    ("GET", "/contacts/{contact_id}", contact_page, STAFF),
    ("POST", "/contacts/{contact_id}/status", change_status, STAFF),
    ("POST", "/contacts/{contact_id}/notes", add_note, STAFF),
    ("POST", "/contacts/{contact_id}/reply", staff_reply, STAFF),
    ("POST", "/contacts/{contact_id}/resume", back_to_bot, STAFF),
    ("POST", "/contacts/{contact_id}/claim", claim_contact, STAFF),
    ("POST", "/contacts/{contact_id}/transfer", transfer_contact, STAFF),
    ("GET", "/callbacks", callbacks_page, STAFF),
    ("POST", "/callbacks/{request_id}/done", callback_done, STAFF),
    ("GET", "/live", live_feed, STAFF),
    ("GET", "/console.js", console_script, STAFF | ANALYSTS),
    ("GET", "/dashboard", dashboard, ANALYSTS),
    ("GET", "/dashboard.csv", dashboard_csv, ANALYSTS),
    ("GET", "/answers", answers_page, ANALYSTS),
    ("GET", "/answers/unanswered.yml", unanswered_export, ANALYSTS),
    ("GET", "/intents", intents_page, ANALYSTS),
    ("POST", "/intents/{message_id}/relabel", relabel_message, ANALYSTS),
    ("GET", "/intents.yml", intents_export, ANALYSTS),
    ("GET", "/audit", audit_page, ADMINS),
    *((method, path, handler, PUBLIC) for method, path, handler in chat.ROUTES),
)


def _roles_for(request: web.Request) -> frozenset[str] | None:
    info = request.match_info.route.resource
    path = info.canonical if info is not None else request.path
    for method, route_path, _handler, roles in ROUTES:
        if method == request.method and route_path == path:
            return roles
    return None


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    roles = _roles_for(request)
    if roles is None:
        return await _with_headers(handler, request)  # 404 / 405 from aiohttp itself
    app = console(request)
    session = app.sessions.get(request.cookies.get(COOKIE))
    request["session"] = session
    if roles:
        if session is None:
            if request.method == "GET":
                raise web.HTTPSeeOther("/login")
            raise web.HTTPUnauthorized(text="Log eerst in.")
        if session.role not in roles:
            raise web.HTTPForbidden(text="Deze pagina is niet voor jouw rol.")
    if request.method == "POST" and request.path != "/login":
        form = await request.post()
        if session is None or not csrf_ok(session, str(form.get("csrf", ""))):
            raise web.HTTPForbidden(text="Het formulier is verlopen. Laad de pagina opnieuw.")
    return await _with_headers(handler, request)


async def _with_headers(handler: Handler, request: web.Request) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        response = error
        _secure(response)
        raise
    _secure(response)
    return response


def _secure(response: web.StreamResponse) -> None:
    response.headers.setdefault(
        "Content-Security-Policy",  # the chat page sets its own
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")


def create_app(
    db: Database,
    tracker_url: str | None,
    settings: ConsoleSettings | None = None,
    sessions: SessionStore | None = None,
    logins: LoginLimiter | None = None,
    rasa: RasaClient | None = None,
    offers: offers_module.OfferSettings | None = None,
) -> web.Application:
    state = Console(
        db,
        tracker_url,
        settings or ConsoleSettings.from_env(),
        sessions or SessionStore(),
        logins or LoginLimiter(),
        rasa,
    )
    app = web.Application(middlewares=[guard], client_max_size=64 * 1024)
    app["console"] = state
    for method, path, handler, _roles in ROUTES:
        app.router.add_route(method, path, handler)

    async def dispose(_app: web.Application) -> None:
        if state.tracker is not None:
            state.tracker.dispose()

    app.on_cleanup.append(dispose)  # type: ignore[arg-type]  # aiohttp's stub types the signal oddly
    if rasa is not None:
        app.cleanup_ctx.append(_offering(state.db, rasa, offers or offers_module.OfferSettings.from_env()))
    return app


def _offering(db: Database, rasa: RasaClient, settings: offers_module.OfferSettings):
    """The call-back offer loop (bot/web/offers.py) for as long as the app runs."""

    async def context(_app: web.Application):
        task = asyncio.create_task(offers_module.run(db, rasa, settings))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return context


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    from bot.storage import settings

    app = create_app(Database.from_env(), settings.tracker_database_url(), rasa=RasaClient.from_env())
    web.run_app(app, host=host, port=port, print=lambda text: print(f"Doorvraag console on http://{host}:{port}"))
