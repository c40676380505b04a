"""Accounts, sessions, CSRF tokens and the login rate limit of the console.

Passwords are stored only as argon2 hashes. Sessions live on the server, in
the database (a random token in an HttpOnly cookie, stored hashed) with an idle
timeout; each has its own CSRF token for every form. State is held by objects the app owns, never by module
globals, and time comes from an injectable clock so tests need no sleeping.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from bot.storage import values
from bot.storage.audit import record_audit
from bot.storage.database import Database
from bot.storage.models import ConsoleSession, User
from bot.storage.timestamps import utc_now

Clock = Callable[[], float]
MIN_PASSWORD_LENGTH = 12
_HASHER = PasswordHasher()
# A hash to verify against when the user does not exist, so timing does not tell whether it does.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    pass


def create_user(db: Database, username: str, password: str, role: str, actor: str = "cli") -> None:
    username = username.strip()
    if (
        not username
        or len(username) > values.MAX_USERNAME
        or not username.replace("-", "").replace(".", "").replace("_", "").isalnum()
    ):
        raise AccountError("a username is 1-64 letters, digits, '.', '-' or '_'")
    if role not in values.USER_ROLES:
        raise AccountError(f"role must be one of {', '.join(values.USER_ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    with db.session() as session, session.begin():
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise AccountError(f"user {username!r} exists already")
        session.add(
            User(username=username, password_hash=_HASHER.hash(password), role=role, active=True, created_at=utc_now())
        )
        record_audit(
            session, actor=actor, action="user_added", target_type="user", target_id=username, detail={"role": role}
        )


def verify_login(db: Database, username: str, password: str) -> User | None:
    """The active user with this password, or None (a wrong name costs as much time as a wrong password)."""
    with db.session() as session, session.begin():
        user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
        try:
            _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None:
            return None
        if _HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = _HASHER.hash(password)
        user.last_login_at = utc_now()
        session.expunge(user)
        return user


@dataclass(frozen=True)
class Session:
    token: str
    username: str
    role: str
    csrf: str
    last_seen: float


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SessionStore:
    """Sessions in the database (console_sessions), so a console restart logs nobody out and every
    console process knows every session. The cookie's token is stored only as a hash.

    The clock is wall time (seconds), injectable for tests; `last_seen` is written at most every
    `touch_seconds`, so a busy page does not write on every request.
    """

    db: Database | None = None
    idle_seconds: float = 30 * 60
    clock: Clock = time.time
    touch_seconds: float = 15.0

    def _database(self) -> Database:
        if self.db is None:
            raise RuntimeError("the session store has no database")
        return self.db

    def create(self, username: str, role: str) -> Session:
        now = self.clock()
        session = Session(secrets.token_urlsafe(32), username, role, secrets.token_urlsafe(32), now)
        with self._database().session() as db_session, db_session.begin():
            db_session.execute(delete(ConsoleSession).where(ConsoleSession.last_seen < now - self.idle_seconds))
            db_session.add(
                ConsoleSession(
                    token_hash=_hash(session.token),
                    username=username,
                    role=role,
                    csrf=session.csrf,
                    created_at=utc_now(),
                    last_seen=now,
                )
            )
        return session

    def get(self, token: str | None) -> Session | None:
        if not token:
            return None
        now = self.clock()
        with self._database().session() as db_session, db_session.begin():
            row = db_session.get(ConsoleSession, _hash(token))
            if row is None:
                return None
            if now - row.last_seen > self.idle_seconds:
                db_session.delete(row)
                return None
            if now - row.last_seen >= self.touch_seconds:
                row.last_seen = now
            return Session(token, row.username, row.role, row.csrf, row.last_seen)

    def end(self, token: str | None) -> None:
        if not token:
            return
        with self._database().session() as db_session, db_session.begin():
            db_session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == _hash(token)))


def csrf_ok(session: Session, submitted: str | None) -> bool:
    if not submitted:
        return False
    return hmac.compare_digest(session.csrf, submitted)


@dataclass
class LoginLimiter:
    """At most `attempts` failed logins per key (address, and username) per `window` seconds."""

    attempts: int = 5
    window: float = 15 * 60
    max_keys: int = 10000
    clock: Clock = time.monotonic
    _failures: OrderedDict[str, list] = field(default_factory=OrderedDict)

    def blocked(self, *keys: str) -> bool:
        now = self.clock()
        return any(len([t for t in self._failures.get(k, []) if now - t < self.window]) >= self.attempts for k in keys)

    def failed(self, *keys: str) -> None:
        now = self.clock()
        for key in keys:
            recent = [t for t in self._failures.pop(key, []) if now - t < self.window]
            self._failures[key] = recent + [now]
        while len(self._failures) > self.max_keys:
            self._failures.popitem(last=False)

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)
