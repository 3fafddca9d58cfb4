"""Accounts, roles and API tokens. Passwords are hashed with argon2id; tokens are stored as SHA-256 only.

Roles are ordered: viewer < analyst < admin. There are no default accounts: ``laborlens users add`` makes
the first admin.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens import audit
from laborlens.errors import InputError, LaborlensError
from laborlens.store.models import ApiToken, User

ROLES = ("viewer", "analyst", "admin")
_hasher = PasswordHasher()
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,100}$")


class AuthError(LaborlensError):
    exit_code = 2
    http_status = 401


class Forbidden(LaborlensError):
    exit_code = 2
    http_status = 403


@dataclass(frozen=True, slots=True)
class Principal:
    """Whoever is acting, at every edge (CLI, API, web): the one principal type of the use-case layer."""

    id: int
    username: str
    role: str
    via: str  # token | session | cli-token | cli-password (the CLI's authenticated --as user)

    def can(self, role: str) -> bool:
        return role_at_least(self.role, role)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def role_at_least(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)


def add_user(s: Session, username: str, password: str, role: str, actor: str = "cli") -> User:
    if not _USERNAME.match(username):
        raise InputError("username must be 2-100 letters, digits or . _ @ -", column="username")
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}", column="role")
    if len(password) < 10:
        raise InputError("password must have at least 10 characters", column="password")
    if s.execute(select(User).where(User.username == username)).scalar():
        raise InputError(f"user {username!r} already exists", column="username")
    u = User(username=username, password_hash=_hasher.hash(password), role=role, created_at=_now())
    s.add(u)
    s.flush()
    audit.record(s, actor, "user.add", username, {"role": role})
    return u


_dummy_hash: str | None = None


def _dummy() -> str:
    """An argon2 hash of nothing anyone knows, with the same cost as real ones (made once per process)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash(secrets.token_urlsafe(24))
    return _dummy_hash


def check_password(s: Session, username: str, password: str) -> User | None:
    """The active user with this password, else None. Takes the same time whether or not the user exists:
    unknown and disabled users are verified against a dummy hash."""
    u = s.execute(select(User).where(User.username == username)).scalar()
    stored = u.password_hash if u is not None and not u.disabled else _dummy()
    ok: bool
    try:
        ok = bool(_hasher.verify(stored, password))
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or u is None or u.disabled:
        return None
    if _hasher.check_needs_rehash(u.password_hash):
        u.password_hash = _hasher.hash(password)
    return u


def authenticate(s: Session, username: str, password: str) -> User:
    """The user, or AuthError with one message whatever was wrong (no user enumeration). No throttle and no
    second factor: sign-ins from the web and API go through :func:`laborlens.signin.sign_in`."""
    u = check_password(s, username, password)
    if u is None:
        audit.record(s, username or "?", "signin.failed")
        raise AuthError("wrong username or password")
    audit.record(s, u.username, "signin")
    return u


def change_password(s: Session, username: str, old: str, new: str, actor: str | None = None) -> User:
    """Set a new password (the old one must be right, unless an admin ``actor`` resets it) and end every
    session of the account, so a stolen cookie stops working."""
    from laborlens.signin import revoke_sessions

    if len(new) < 10:
        raise InputError("password must have at least 10 characters", column="password")
    u = check_password(s, username, old) if actor is None else \
        s.execute(select(User).where(User.username == username)).scalar()
    if u is None:
        raise AuthError("wrong username or password")
    u.password_hash = _hasher.hash(new)
    ended = revoke_sessions(s, u)
    audit.record(s, actor or u.username, "user.password", u.username, {"sessions_ended": ended})
    return u


def create_token(s: Session, user: User, name: str) -> str:
    """A new API token for ``user``; the clear token is returned once and never stored."""
    token = "llt_" + secrets.token_urlsafe(32)
    s.add(ApiToken(user_id=user.id, name=name, token_sha256=hashlib.sha256(token.encode()).hexdigest(),
                   created_at=_now()))
    audit.record(s, user.username, "token.create", name)
    return token


def user_for_token(s: Session, token: str) -> User:
    digest = hashlib.sha256(token.encode()).hexdigest()
    row = s.execute(select(ApiToken).where(ApiToken.token_sha256 == digest,
                                           ApiToken.revoked_at.is_(None))).scalar()
    if row is None:
        raise AuthError("invalid or revoked API token")
    u = s.get(User, row.user_id)
    if u is None or u.disabled:
        raise AuthError("invalid or revoked API token")
    return u


def list_users(s: Session) -> list[User]:
    return list(s.execute(select(User).order_by(User.username)).scalars())
