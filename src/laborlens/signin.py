"""Signing in and out: server-side sessions, a throttle with back-off, the second factor.

- The browser's cookie holds a random session id; the ``user_sessions`` table holds only its SHA-256, so
  sign-out, a password change or disabling the account revokes it on the server (a replayed cookie gets 401).
- Failed attempts are counted per (user name, client address) in the database, and the attempt is counted
  *before* the password is checked, under the write lock: concurrent wrong guesses cannot race past the
  limit. After ``signin_free_failures`` the next attempt must wait ``signin_backoff_seconds``, doubling each
  time up to ``signin_backoff_max_seconds``: slowed down, never locked out. Because the key includes the
  address, guessing one user's password elsewhere does not slow that user down at their own address, and
  one user behind a shared proxy address does not slow down the others.
- Unknown or disabled users are checked against a dummy argon2 hash, so the answer takes as long as for a
  real user with a wrong password.
- Admins and staff assigned to defender cases need a second factor (:mod:`laborlens.totp`): the password
  opens a *pending* session that can only finish the second step, with the same throttle.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from laborlens import audit, totp
from laborlens.accounts import AuthError, Forbidden, Principal, check_password
from laborlens.errors import LaborlensError
from laborlens.settings import Settings
from laborlens.store import Store
from laborlens.store.db import write_lock
from laborlens.store.models import SigninFailures, User, UserSession

RESET_AFTER = timedelta(hours=1)  # a key quiet this long starts again from zero failures


class TooManyAttempts(LaborlensError):
    exit_code = 2
    http_status = 429

    def __init__(self, wait: float) -> None:
        self.wait = wait
        self.retry_after = max(1, int(wait + 0.999))
        self.headers = {"Retry-After": str(self.retry_after)}
        super().__init__(f"too many failed attempts: wait {self.retry_after} s and try again")


class SecondFactorRequired(Forbidden):
    """An account that must use two-factor but has not enrolled yet."""


@dataclass(frozen=True, slots=True)
class SignIn:
    """The outcome of the password step: a new session id (for the cookie) and whether it is pending."""

    session_id: str
    user: Principal
    second_factor: bool


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _throttle_key(step: str, username: str, address: str) -> str:
    return _digest(f"{step}\x00{username.strip().lower()}\x00{address}")


def _reserve(s: Session, settings: Settings, key: str, now: datetime) -> float:
    """Count one attempt for ``key`` atomically; the seconds still to wait (0: go ahead)."""
    write_lock(s)
    ins = pg_insert if s.connection().dialect.name == "postgresql" else sqlite_insert
    s.execute(ins(SigninFailures).values(key=key, failures=0, blocked_until=now, updated_at=now)
              .on_conflict_do_nothing(index_elements=["key"]))
    row = s.execute(select(SigninFailures).where(SigninFailures.key == key).with_for_update()
                    .execution_options(populate_existing=True)).scalar_one()
    if row.blocked_until > now:
        return (row.blocked_until - now).total_seconds()
    if now - row.updated_at > RESET_AFTER:
        row.failures = 0
    row.failures += 1  # counted before the password is checked: racing guesses see each other
    _block(row, settings, now)
    row.updated_at = now
    return 0.0


def _block(row: SigninFailures, settings: Settings, now: datetime) -> None:
    over = row.failures - settings.signin_free_failures
    if over >= 0:
        wait = min(settings.signin_backoff_max_seconds, settings.signin_backoff_seconds * 2 ** over)
        row.blocked_until = max(row.blocked_until, now + timedelta(seconds=wait))


def _failed(s: Session, settings: Settings, key: str) -> None:
    """A confirmed failure: the back-off runs from the moment the answer is given, not from the reservation
    (checking an argon2 hash takes a while)."""
    write_lock(s)
    row = s.execute(select(SigninFailures).where(SigninFailures.key == key).with_for_update()
                    .execution_options(populate_existing=True)).scalar()
    if row is not None:
        _block(row, settings, _now())


def _new_session(s: Session, settings: Settings, user: User, pending: bool) -> str:
    sid = secrets.token_urlsafe(32)
    now = _now()
    # housekeeping, so neither table grows without bound: sessions a day past their end, quiet throttle keys
    s.execute(delete(UserSession).where(UserSession.expires_at < now - timedelta(days=1)))
    s.execute(delete(SigninFailures).where(SigninFailures.updated_at < now - RESET_AFTER,
                                           SigninFailures.blocked_until < now))
    hours = 0.25 if pending else settings.session_hours  # a pending session only lives for the second step
    s.add(UserSession(id_sha256=_digest(sid), user_id=user.id, created_at=now,
                      expires_at=now + timedelta(hours=hours), mfa_pending=pending))
    s.flush()
    return sid


def _throttled(store: Store, step: str, username: str, address: str) -> None:
    key = _throttle_key(step, username, address)
    with store.session() as s:
        wait = _reserve(s, store.settings, key, _now())
        if wait:
            audit.record(s, username[:100] or "?", f"{step}.throttled", "", {"wait_s": round(wait, 1)})
    if wait:
        raise TooManyAttempts(wait)


def sign_in(store: Store, username: str, password: str, address: str) -> SignIn:
    """The password step. Raises :class:`TooManyAttempts` (429), :class:`AuthError` (401, one message
    whatever was wrong) or :class:`SecondFactorRequired` (403) for an account that must enrol first."""
    _throttled(store, "signin", username, address)
    error: LaborlensError | None = None
    with store.session() as s:
        user = check_password(s, username, password)  # constant time for unknown users
        if user is None:
            _failed(s, store.settings, _throttle_key("signin", username, address))
            audit.record(s, username[:100] or "?", "signin.failed")
            error = AuthError("wrong username or password")
        else:
            s.execute(delete(SigninFailures).where(
                SigninFailures.key == _throttle_key("signin", username, address)))
            if user.totp_enabled:
                sid = _new_session(s, store.settings, user, pending=True)
                audit.record(s, user.username, "signin.password")
            elif totp.required_for(s, user):
                audit.record(s, user.username, "signin.refused", "", {"why": "second factor not enrolled"})
                error = SecondFactorRequired(
                    "two-factor sign-in is required for admins and for staff on defender cases: enrol "
                    f"first (`laborlens users totp {user.username}`), then sign in")
            else:
                sid = _new_session(s, store.settings, user, pending=False)
                audit.record(s, user.username, "signin")
    if error is not None:
        raise error
    assert user is not None
    return SignIn(sid, Principal(user.id, user.username, user.role, "session"), user.totp_enabled)


def _session_row(s: Session, sid: str) -> UserSession | None:
    row = s.get(UserSession, _digest(sid))
    if row is None or row.revoked_at is not None or row.expires_at <= _now():
        return None
    return row


def second_factor(store: Store, pending_sid: str, code: str, address: str) -> SignIn:
    """Finish a pending session with a TOTP or recovery code: the pending id is revoked and a new full
    session id is returned (so an id seen before the second step is worth nothing after it)."""
    with store.session() as s:
        row = _session_row(s, pending_sid)
        user = s.get(User, row.user_id) if row is not None and row.mfa_pending else None
        if user is None or user.disabled:
            raise AuthError("sign in with your password first")
        username = user.username
    _throttled(store, "totp", username, address)
    with store.session() as s:
        row, user = _session_row(s, pending_sid), s.get(User, user.id)
        if row is None or user is None:
            raise AuthError("sign in with your password first")
        how = totp.check(s, user, code)
        if how is None:
            _failed(s, store.settings, _throttle_key("totp", username, address))
            audit.record(s, user.username, "totp.failed")
            ok = False
        else:
            ok = True
            row.revoked_at = _now()
            sid = _new_session(s, store.settings, user, pending=False)
            s.execute(delete(SigninFailures).where(
                SigninFailures.key == _throttle_key("totp", username, address)))
            audit.record(s, user.username, "signin", "", {"second_factor": how})
    if not ok:
        raise AuthError("wrong code")
    return SignIn(sid, Principal(user.id, user.username, user.role, "session"), True)


def principal_for_session(s: Session, sid: str) -> Principal:
    """The signed-in user of a full (not pending, not revoked, not expired) session, else AuthError."""
    row = _session_row(s, sid)
    user = s.get(User, row.user_id) if row is not None and not row.mfa_pending else None
    if user is None or user.disabled:
        raise AuthError("sign in or send an API token")
    return Principal(user.id, user.username, user.role, "session")


def pending_user(s: Session, sid: str) -> str | None:
    """The user name of a pending session (for the second-step page), else None."""
    row = _session_row(s, sid)
    if row is None or not row.mfa_pending:
        return None
    u = s.get(User, row.user_id)
    return u.username if u else None


def sign_out(s: Session, sid: str) -> None:
    row = s.get(UserSession, _digest(sid))
    if row is not None and row.revoked_at is None:
        row.revoked_at = _now()
        u = s.get(User, row.user_id)
        audit.record(s, u.username if u else "?", "signout")


def revoke_sessions(s: Session, user: User) -> int:
    """End every session of ``user`` (password change, disabling, a lost device)."""
    res = s.execute(update(UserSession)
                    .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
                    .values(revoked_at=_now()))
    return int(res.rowcount or 0)  # type: ignore[attr-defined]
