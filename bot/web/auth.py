"""Accounts, sessions, CSRF tokens and the login rate limit of the console.

Passwords are stored only as argon2 hashes. Sessions live on the server (a
random token in an HttpOnly cookie) with an idle timeout; each has its own CSRF
token for every form. State is held by objects the app owns, never by module
globals, and time comes from an injectable clock so tests need no sleeping.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from bot.storage import values
from bot.storage.audit import record_audit
from bot.storage.database import Database
from bot.storage.models import User
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


@dataclass
class Session:
    token: str
    username: str
    role: str
    csrf: str
    last_seen: float


@dataclass
class SessionStore:
    idle_seconds: float = 30 * 60
    clock: Clock = time.monotonic
    _sessions: dict[str, Session] = field(default_factory=dict)

    def create(self, username: str, role: str) -> Session:
        session = Session(secrets.token_urlsafe(32), username, role, secrets.token_urlsafe(32), self.clock())
        self._sessions[session.token] = session
        return session

    def get(self, token: str | None) -> Session | None:
        session = self._sessions.get(token or "")
        if session is None:
            return None
        now = self.clock()
        if now - session.last_seen > self.idle_seconds:
            del self._sessions[session.token]
            return None
        session.last_seen = now
        return session

    def end(self, token: str | None) -> None:
        self._sessions.pop(token or "", None)


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
