"""Whether the chat widget is open: the presence rows (SQLite and PostgreSQL) and the Socket.IO channel
that writes them, with real Socket.IO clients and no browser."""
import asyncio
from datetime import datetime, timedelta, timezone

import pytest
import socketio
from aiohttp import web

from bot.channels.socketio import GuardedSocketIOInput
from bot.storage import Database, migrate, presence
from bot.storage.privacy import RetentionPolicy, forget, purge
from tests.ports import free_port

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def db(database_url):
    migrate.upgrade(database_url)
    database = Database(database_url)
    yield database
    database.dispose()


def minutes(n):
    return T0 + timedelta(minutes=n)


def test_two_tabs_stay_connected_until_both_close(db):
    assert presence.presence(db, "gesprek-1") is None and presence.changes(db, "gesprek-1") == 0
    presence.connected(db, "gesprek-1", now=minutes(0))
    presence.connected(db, "gesprek-1", now=minutes(5))           # a second tab
    both = presence.presence(db, "gesprek-1")
    assert (both.connected, both.connections, both.connected_since, both.closed_at) == (True, 2, minutes(0), None)
    presence.disconnected(db, "gesprek-1", now=minutes(7))
    one = presence.presence(db, "gesprek-1")
    assert (one.connected, one.connections, one.connected_since, one.closed_at) == (True, 1, minutes(0), None)
    presence.disconnected(db, "gesprek-1", now=minutes(9))
    gone = presence.presence(db, "gesprek-1")
    assert (gone.connected, gone.connections, gone.connected_since, gone.closed_at) == (False, 0, None, minutes(9))
    assert gone.changes == 4 == presence.changes(db, "gesprek-1")


def test_reopening_starts_a_new_since_and_stray_disconnects_change_nothing(db):
    presence.disconnected(db, "nooit-open", now=minutes(0))         # never counted: no row, no negative count
    assert presence.presence(db, "nooit-open") is None
    presence.connected(db, "gesprek-2", now=minutes(0))
    presence.disconnected(db, "gesprek-2", now=minutes(1))
    presence.disconnected(db, "gesprek-2", now=minutes(2))          # one too many
    closed = presence.presence(db, "gesprek-2")
    assert (closed.connections, closed.closed_at, closed.changes) == (0, minutes(1), 2)
    presence.connected(db, "gesprek-2", now=minutes(30))
    again = presence.presence(db, "gesprek-2")
    assert (again.connected, again.connected_since) == (True, minutes(30))
    assert presence.presence(db, "gesprek-1") is None                # conversations are apart


@pytest.mark.parametrize("bad", ["", None, "x" * 256, 42])
def test_a_bad_conversation_id_is_refused_and_writes_nothing(db, bad):
    with pytest.raises(ValueError):
        presence.connected(db, bad)
    with pytest.raises(ValueError):
        presence.disconnected(db, bad)


def test_forget_and_purge_remove_presence(db):
    presence.connected(db, "vergeet-mij", now=minutes(0))
    presence.connected(db, "oud", now=T0 - timedelta(days=3))
    presence.connected(db, "nu", now=datetime.now(timezone.utc))
    forget(db, None, "vergeet-mij")
    purge(db, None, RetentionPolicy.from_env({}))
    assert [presence.presence(db, c) is None for c in ("vergeet-mij", "oud", "nu")] == [True, True, False]


# --- the channel: a real Socket.IO server with our handlers, real clients --------------------------


class Widget:
    """One tab's chat widget: connects, asks for its session like rasa-webchat does, and closes."""

    def __init__(self, url):
        self.url, self.client, self.confirmed = url, socketio.AsyncClient(), asyncio.Event()
        self.client.on("session_confirm", self._confirmed)

    async def _confirmed(self, _session_id):
        self.confirmed.set()

    async def open(self, session_id):
        await self.client.connect(self.url, transports=["polling"])  # the pinned aiohttp is too old for its websocket
        await self.client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(self.confirmed.wait(), 10)

    async def close(self):
        await self.client.disconnect()


async def until(condition, what, timeout=10.0):
    """Wait for `condition()` with a deadline (the server handles a disconnect after the client returns)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{what} within {timeout:.0f} s")
        await asyncio.sleep(0.02)


def serve_channel(channel):
    # A short ping: a long-polling client's disconnect waits for its open poll, which the ping ends.
    sio = socketio.AsyncServer(async_mode="aiohttp", ping_interval=0.5, ping_timeout=1)
    app = web.Application()
    sio.attach(app)
    channel.replace_session_request(sio)
    return app


def test_the_channel_counts_each_widget_connection_on_its_conversation(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'contacts.db'}")
    migrate.upgrade(db.url)
    channel = GuardedSocketIOInput(session_persistence=True, database=db)

    def connections():
        found = presence.presence(db, "sessie-abc")
        return None if found is None else found.connections

    async def scenario():
        runner = web.AppRunner(serve_channel(channel))
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        url = f"http://127.0.0.1:{port}"
        first, second = Widget(url), Widget(url)
        seen = []
        try:
            await first.open("sessie-abc")
            await until(lambda: connections() == 1, "the first tab counted")
            seen.append(connections())
            await second.open("sessie-abc")
            await until(lambda: connections() == 2, "the second tab counted")
            seen.append(connections())
            await first.close()
            await until(lambda: connections() == 1, "one tab closed")
            seen.append(presence.presence(db, "sessie-abc").connected)
            await second.close()
            await until(lambda: connections() == 0, "both tabs closed")
            seen.append(presence.presence(db, "sessie-abc").closed_at is not None)
        finally:
            await runner.cleanup()
        return seen

    assert asyncio.run(scenario()) == [1, 2, True, True]
    db.dispose()


def test_a_database_failure_never_breaks_the_socket(tmp_path, caplog):
    db = Database(f"sqlite:///{tmp_path / 'not-migrated.db'}")        # no widget_presence table
    channel = GuardedSocketIOInput(session_persistence=True, database=db)

    async def scenario():
        runner = web.AppRunner(serve_channel(channel))
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        widget = Widget(f"http://127.0.0.1:{port}")
        try:
            await widget.open("sessie-geheim")                        # still confirmed
            await until(lambda: "widget presence not written" in caplog.text, "the failure logged")
            await widget.close()
        finally:
            await runner.cleanup()

    asyncio.run(scenario())
    assert "OperationalError" in caplog.text and "sessie-geheim" not in caplog.text
    db.dispose()
