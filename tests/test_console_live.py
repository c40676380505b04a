"""The live console: claims, transfer, the warning before replying, the chat-style transcript, canned
replies, call-backs, sessions that survive a restart, and the Server-Sent Events feed."""
import asyncio
import json
import re

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import create_engine, select, text

from bot.storage import close_contact, open_contact
from bot.storage.models import AuditEntry, CallbackRequest, Contact
from bot.web.app import ConsoleSettings, create_app
from bot.web.auth import LoginLimiter, SessionStore, create_user
from bot.web.takeover import TAKE_OVER_EVENTS, RasaClient
from tests.test_console import PASSWORD, SCRIPT, Clock, contact_id, csrf_of, db, login, run  # noqa: F401

BUTTONS = [{"title": "Bel me terug", "payload": '/inform{"contact_channel":"terugbellen"}'},
           {"title": "Antwoord per mail", "payload": '/inform{"contact_channel":"mail"}'}]


def tracker_with(tmp_path, events):
    """A tracker store holding `events`: (type_name, timestamp, data) for conversation gesprek-1."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                                "type_name TEXT, timestamp FLOAT, intent_name TEXT, action_name TEXT, data TEXT)"))
        for kind, stamp, data in events:
            connection.execute(text("INSERT INTO events (sender_id, type_name, timestamp, data) "
                                    "VALUES ('gesprek-1', :kind, :stamp, :data)"),
                               {"kind": kind, "stamp": stamp, "data": json.dumps(data)})
    engine.dispose()
    return url


# 1700000000 is 14 Nov 2023 22:13:20 UTC, 23:13 in Amsterdam.
CONVERSATION = [
    ("user", 1700000000, {"event": "user", "text": f"hoi {SCRIPT}"}),
    ("bot", 1700000001, {"event": "bot", "text": "Gaat het over *pesten*? Bel bij gevaar **112**.",
                         "data": {"buttons": BUTTONS}}),
    ("user", 1700000002, {"event": "user", "text": '/inform{"contact_channel":"terugbellen"}'}),
    ("pause", 1700000003, {"event": "pause"}),
    ("bot", 1700000004, {"event": "bot", "text": "Anna (helpdesk): Hoi, ik ben Anna.",
                         "metadata": {"from": "staff", "staff": "anna"}}),
]


def test_the_transcript_reads_like_a_chat(db, tmp_path):
    tracker = tracker_with(tmp_path, CONVERSATION)
    cid = contact_id(db)

    async def scenario(client):
        await login(client, "staff")
        return await (await client.get(f"/contacts/{cid}")).text()

    page = run(db, tracker, scenario)
    chat = page[page.index('<ol class="chat"'):page.index("</ol>", page.index('<ol class="chat"'))]
    assert "<strong>gebruiker</strong>" in chat and "<strong>assistent</strong>" in chat
    assert "<strong>Anna</strong>" in chat and "Hoi, ik ben Anna." in chat and "(helpdesk):" not in chat
    assert "Bel me terug" in chat and "contact_channel" not in chat          # the button's title, not its payload
    assert "<em>pesten</em>" in chat and "<strong>112</strong>" in chat     # Markdown rendered ...
    assert "&lt;script&gt;" in chat and "<script>alert" not in page         # ... after escaping
    assert '<time datetime="2023-11-14T23:13:20+01:00">23:13</time>' in chat  # Europe/Amsterdam
    assert "wacht op of loopt met een medewerker" in page                  # paused for a person
    assert "al_geprobeerd" not in page and "gesprek met de klas" in page    # the intake in words, no codes


def test_opening_a_contact_is_audited_once_not_on_every_view(db, tmp_path):
    cid = contact_id(db)

    async def scenario(client):
        await login(client, "staff")
        for _ in range(3):
            await client.get(f"/contacts/{cid}", headers={"X-Doorvraag-Live": "1"})
        return await (await client.get(f"/contacts/{cid}")).text()

    page = run(db, None, scenario)
    with db.session() as session:
        opened = session.scalars(select(AuditEntry).where(AuditEntry.action == "contact_opened")).all()
    assert len(opened) == 1
    assert "contact_opened" not in page


def two_staff(db):
    create_user(db, "sanne", PASSWORD, "staff")
    create_user(db, "piet", PASSWORD, "staff")


def test_a_claim_shows_the_name_and_a_colleague_is_warned_before_replying(db, tmp_path):
    two_staff(db)
    cid = contact_id(db)
    received = []

    async def events(request):
        received.append(await request.json())
        return web.json_response({})

    async def go():
        fake = web.Application()
        fake.router.add_post("/conversations/{conversation}/tracker/events", events)
        async with TestServer(fake) as rasa_server:
            rasa = RasaClient(str(rasa_server.make_url("")).rstrip("/"), "geheim")
            app = create_app(db, None, ConsoleSettings(), SessionStore(clock=Clock()), LoginLimiter(clock=Clock()),
                             rasa)
            server = TestServer(app)
            async with TestClient(server) as sanne, TestClient(server) as piet:
                await login(sanne, "sanne")
                await login(piet, "piet")
                claimed = await sanne.post(f"/contacts/{cid}/claim", data={"csrf": await csrf_of(sanne)},
                                           allow_redirects=False)
                seen_by_piet = await (await piet.get(f"/contacts/{cid}")).text()
                token = await csrf_of(piet)
                warned = await piet.post(f"/contacts/{cid}/reply", data={"csrf": token, "reply": "Hallo"},
                                         allow_redirects=False)
                warning = await warned.text()
                second_claim = await piet.post(f"/contacts/{cid}/claim", data={"csrf": token}, allow_redirects=False)
                anyway = await piet.post(f"/contacts/{cid}/reply",
                                         data={"csrf": token, "reply": "Hallo", "take_over": "1"},
                                         allow_redirects=False)
                handed = await piet.post(f"/contacts/{cid}/transfer", data={"csrf": token, "to": "sanne"},
                                         allow_redirects=False)
                nobody = await piet.post(f"/contacts/{cid}/transfer", data={"csrf": token, "to": "onbekend"},
                                         allow_redirects=False)
                return claimed.status, seen_by_piet, warned.status, warning, second_claim.status, anyway.status, \
                    handed.status, nobody.status

    claimed, seen, warned, warning, second_claim, anyway, handed, nobody = asyncio.run(go())
    assert claimed == 303
    assert "Opgepakt door <strong>Sanne</strong>" in seen and "Toch overnemen van Sanne" in seen
    assert 'name="take_over" value="1" required' in seen                 # the reply form asks to acknowledge
    assert (warned, second_claim) == (409, 409)
    assert "Sanne heeft dit gesprek al opgepakt" in warning
    # Nothing sent before the warning; the reply takes the conversation over (the bot pauses) and comes last.
    assert [r[-1]["text"] for r in received] == ["Piet (helpdesk): Hallo"]
    assert all({"event": "pause"} in r for r in received)
    assert (anyway, handed, nobody) == (303, 303, 400)
    with db.session() as session:
        contact = session.get(Contact, cid)
        assert contact.assigned_to == "sanne" and contact.claimed_at is not None
        actions = [e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.target_id == cid))]
    assert actions.count("claimed") == 2 and "transferred" in actions


def test_claiming_a_waiting_chat_tells_the_user_a_person_joined(db, tmp_path):
    two_staff(db)
    open_contact(db, "wacht-1", theme="pesten", question_type="incident")
    close_contact(db, "wacht-1", status="overgedragen", handoff="wachtrij")
    with db.session() as session:
        cid = session.scalars(select(Contact.id).where(Contact.conversation_id == "wacht-1")).one()
    received = []

    async def events(request):
        received.append(await request.json())
        return web.json_response({})

    async def go():
        fake = web.Application()
        fake.router.add_post("/conversations/{conversation}/tracker/events", events)
        async with TestServer(fake) as rasa_server:
            rasa = RasaClient(str(rasa_server.make_url("")).rstrip("/"), "geheim")
            app = create_app(db, None, ConsoleSettings(), SessionStore(clock=Clock()), LoginLimiter(clock=Clock()),
                             rasa)
            async with TestClient(TestServer(app)) as client:
                await login(client, "sanne")
                await client.post(f"/contacts/{cid}/claim", data={"csrf": await csrf_of(client)})

    asyncio.run(go())
    [events] = received
    line = events[-1]
    assert line["text"].startswith("Sanne van de helpdesk is er nu") and line["metadata"]["from"] == "system"
    # From the claim on the conversation is the staff member's: the waiting stops and the bot pauses.
    assert events[:-1] == list(TAKE_OVER_EVENTS)
    assert {"event": "pause"} in events and {"event": "active_loop", "name": None} in events


def test_canned_replies_are_on_the_contact_page(db, tmp_path):
    from bot import answers, knowledge

    cid = contact_id(db)

    async def go():
        # A Rasa client (never called here) makes the page offer the reply box with its canned replies.
        app = create_app(db, None, ConsoleSettings(), SessionStore(clock=Clock()), LoginLimiter(clock=Clock()),
                         RasaClient("http://127.0.0.1:9", "geheim"))
        async with TestClient(TestServer(app)) as client:
            await login(client, "staff")
            return await (await client.get(f"/contacts/{cid}")).text()

    page = asyncio.run(go())
    buttons = re.findall(r'data-canned="([^"]*)">([^<]*)</button>', page)
    titles = [title for _text, title in buttons]
    assert "De Kindertelefoon" in titles
    an_answer = answers.load()[0]
    assert an_answer.title in titles
    referral = knowledge.load("referrals")["services"]["kindertelefoon"]["text"]
    assert dict((t, x) for x, t in buttons)["De Kindertelefoon"] == referral.replace('"', "&#34;")
    # Answers on the contact's own theme (pesten) come first, after the referrals.
    assert "Antwoorden over pesten" in page and page.index("Antwoorden over pesten") < page.index("Andere antwoorden")


def test_open_call_backs_are_listed_and_gedaan_closes_one(db, tmp_path):
    async def scenario(client):
        await login(client, "staff")
        before = await (await client.get("/callbacks")).text()
        with db.session() as session:
            request_id = session.scalars(select(CallbackRequest.id)).one()
        done = await client.post(f"/callbacks/{request_id}/done", data={"csrf": await csrf_of(client, "/callbacks")},
                                 allow_redirects=False)
        again = await client.post(f"/callbacks/{request_id}/done", data={"csrf": await csrf_of(client, "/callbacks")},
                                  allow_redirects=False)
        after = await (await client.get("/callbacks")).text()
        return before, done.status, again.status, after

    before, done, again, after = run(db, None, scenario)
    assert "0612345678" in before and "Gedaan" in before and "terugbellen" in before
    assert (done, again) == (303, 404)
    assert "0612345678" not in after and "Er staan geen open verzoeken" in after
    with db.session() as session:
        request = session.scalars(select(CallbackRequest)).one()
        assert request.status == "afgehandeld" and request.closed_at is not None   # purge's grace starts now


def test_a_session_survives_a_console_restart(db, tmp_path):
    clock = Clock()

    async def go():
        first = create_app(db, None, ConsoleSettings(), SessionStore(clock=clock), LoginLimiter(clock=clock))
        async with TestClient(TestServer(first)) as client:
            await login(client, "staff")
            cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))["doorvraag_console"].value
        restarted = create_app(db, None, ConsoleSettings(), SessionStore(clock=clock), LoginLimiter(clock=clock))
        async with TestClient(TestServer(restarted)) as client:
            client.session.cookie_jar.update_cookies({"doorvraag_console": cookie}, client.make_url("/"))
            after_restart = await client.get("/queue", allow_redirects=False)
            clock.now += 31 * 60
            idle = await client.get("/queue", allow_redirects=False)
            return cookie, after_restart.status, idle.status

    cookie, after_restart, idle = asyncio.run(go())
    assert (after_restart, idle) == (200, 303)
    from bot.storage.models import ConsoleSession
    with db.session() as session:
        stored = [row.token_hash for row in session.scalars(select(ConsoleSession))]
    assert cookie not in stored                                           # only a hash of the token is kept


async def next_change(stream, timeout=10):
    while True:
        block = await asyncio.wait_for(stream.content.readuntil(b"\n\n"), timeout)
        if block.startswith(b"event: change"):
            return json.loads(block.split(b"data: ", 1)[1])


def test_the_live_feed_announces_a_new_handoff_and_a_new_chat_message(db, tmp_path):
    tracker = tracker_with(tmp_path, CONVERSATION[:1])
    cid = contact_id(db)

    async def go():
        app = create_app(db, tracker, ConsoleSettings(poll_seconds=0.2), SessionStore(clock=Clock()),
                         LoginLimiter(clock=Clock()))
        async with TestClient(TestServer(app)) as client:
            await login(client, "staff")
            async with client.get(f"/live?contact={cid}") as stream:
                assert stream.headers["Content-Type"].startswith("text/event-stream")
                first = await next_change(stream)
                open_contact(db, "nieuw-1", theme="pesten", question_type="incident", urgent=True)
                queued = await next_change(stream)
                tracker_with(tmp_path, [("user", 1700000100, {"event": "user", "text": "nog een vraag"})])
                typed = await next_change(stream)
            return first, queued, typed

    first, queued, typed = asyncio.run(go())
    assert first["first"] and queued["waiting"] == first["waiting"] + 1 and queued["console"] > first["console"]
    assert typed["chat"] > queued["chat"] and typed["waiting"] == queued["waiting"]


def presence_line(page):
    start = page.index('<p id="presence">')
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page[start:page.index("</p>", start)])).strip()


def test_the_contact_page_says_whether_the_chat_window_is_open_and_the_feed_tells_when_that_changes(db, tmp_path):
    from datetime import datetime, timezone

    from bot.storage import presence

    tracker = tracker_with(tmp_path, CONVERSATION[:1])    # last user message 23:13 Amsterdam, long ago
    cid = contact_id(db)
    # 09:30 UTC on 2 March is 10:30 in Amsterdam (CET); 12:05 UTC on 1 July is 14:05 (CEST).
    presence.connected(db, "gesprek-1", now=datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc))

    async def go():
        app = create_app(db, tracker, ConsoleSettings(poll_seconds=0.2), SessionStore(clock=Clock()),
                         LoginLimiter(clock=Clock()))
        async with TestClient(TestServer(app)) as client:
            await login(client, "staff")
            opened = await (await client.get(f"/contacts/{cid}")).text()
            async with client.get(f"/live?contact={cid}") as stream:
                first = await next_change(stream)
                presence.connected(db, "gesprek-1")                         # a second tab
                presence.disconnected(db, "gesprek-1")
                presence.disconnected(db, "gesprek-1", now=datetime(2026, 7, 1, 12, 5, tzinfo=timezone.utc))
                changed = await next_change(stream)
            closed = await (await client.get(f"/contacts/{cid}")).text()
            return opened, first, changed, closed

    opened, first, changed, closed = asyncio.run(go())
    assert "De gebruiker heeft het chatvenster open (sinds 10:30)." in presence_line(opened)
    assert "Laatste bericht van de gebruiker om 23:13" in presence_line(opened)
    assert "misschien weg" not in opened                                   # a real signal, no estimate
    assert changed["presence"] > first["presence"] and changed["console"] == first["console"]
    assert "De gebruiker heeft het chatvenster gesloten (om 14:05)." in presence_line(closed)
    assert "Laatste bericht van de gebruiker om 23:13" in presence_line(closed)


def test_without_a_widget_signal_the_page_keeps_the_estimate(db, tmp_path):
    tracker = tracker_with(tmp_path, CONVERSATION[:1])
    cid = contact_id(db)

    async def scenario(client):
        await login(client, "staff")
        return await (await client.get(f"/contacts/{cid}")).text()

    line = presence_line(run(db, tracker, scenario))
    assert "chatvenster" not in line and "de gebruiker is misschien weg" in line
