"""Who is calling, and may they? Bearer tokens for machines, a signed session cookie for browsers.

Every route depends on :func:`require` with the least role it needs (viewer < analyst < admin). Browser
sessions must also present the session's CSRF token on every unsafe request: the ``csrf`` form field for
pages, the ``X-CSRF-Token`` header for API calls made from the page's JavaScript. On the upload routes
(:data:`laborlens.api.limits.UPLOAD_PATHS`) the form field is only readable once the upload has been streamed,
so the check is deferred to :func:`laborlens.api.uploads.receive_files`, which every upload route calls.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import Request

from laborlens.accounts import AuthError, Forbidden, Principal, user_for_token
from laborlens.api.errors import CsrfError
from laborlens.api.limits import UPLOAD_PATHS
from laborlens.errors import LaborlensError
from laborlens.settings import Settings
from laborlens.store import Store
from laborlens.store.models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_USER, SESSION_CSRF = "uid", "csrf"


def secret_key(settings: Settings) -> str:
    """The session-signing key in ``LABORLENS_HOME/secret_key``, created on first use (mode 0600)."""
    path: Path = settings.ensure_home() / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 32:
            return key
        raise AuthError(f"{path} is too short to be a session key; delete it to have a new one made") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use, so the sign-in form has one too)."""
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return token


def check_csrf(request: Request, presented: str | None) -> None:
    expected = request.session.get(SESSION_CSRF)
    if not expected or not presented or not hmac.compare_digest(str(expected), str(presented)):
        raise CsrfError()


def start_session(request: Request, user: User) -> None:
    """A fresh session for a signed-in user (nothing from before sign-in is kept, including the token)."""
    request.session.clear()
    request.session[SESSION_USER] = user.id
    csrf_token(request)


def end_session(request: Request) -> None:
    request.session.clear()


class TooManyAttempts(LaborlensError):
    exit_code = 2
    http_status = 429


class SigninThrottle:
    """Refuses sign-ins after ``per_user`` failures for one user name, or ``per_client`` from one address,
    within ``window`` seconds (in memory: a restart forgets, which is fine for slowing guessing down)."""

    def __init__(self, per_user: int = 5, per_client: int = 30, window: float = 300.0) -> None:
        self.limits = {"user": per_user, "client": per_client}
        self.window = window
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._failures[key]
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def check(self, username: str, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in (("user", username.lower()), ("client", client)):
                if len(self._recent(key, now)) >= self.limits[key[0]]:
                    raise TooManyAttempts("too many failed sign-ins; wait a few minutes and try again")

    def failed(self, username: str, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in (("user", username.lower()), ("client", client)):
                self._recent(key, now).append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(("user", username.lower()), None)


def _store(request: Request) -> Store:
    return request.app.state.store


def _principal(request: Request) -> Principal:
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    header = request.headers.get("authorization", "")
    u: User | None
    with _store(request).session() as s:
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise AuthError("use 'Authorization: Bearer <token>'")
            u, via = user_for_token(s, token.strip()), "token"
        else:
            uid = request.session.get(SESSION_USER) if "session" in request.scope else None
            u = s.get(User, uid) if isinstance(uid, int) else None
            if u is None or u.disabled:
                raise AuthError("sign in or send an API token")
            via = "session"
        p = Principal(u.id, u.username, u.role, via)
    request.state.principal = p
    return p


def optional_principal(request: Request) -> Principal | None:
    try:
        return _principal(request)
    except AuthError:
        return None


def require(role: str) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency: the caller, who must hold ``role`` or higher (401 if unknown, 403 if too low)."""

    async def dependency(request: Request) -> Principal:
        p = _principal(request)
        if not p.can(role):
            raise Forbidden(f"this needs the {role} role; you are signed in as {p.role}")
        if request.method not in SAFE_METHODS and p.via == "session":
            presented = request.headers.get("x-csrf-token")
            ctype = request.headers.get("content-type", "")
            if presented:
                check_csrf(request, presented)
            elif ctype.startswith("multipart/form-data") and UPLOAD_PATHS.match(request.url.path):
                request.state.csrf_deferred = True  # the upload is streamed: its csrf field comes later
            elif ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
                check_csrf(request, (await request.form()).get("csrf"))  # type: ignore[arg-type]
            else:
                raise CsrfError()
        return p

    dependency.__name__ = f"require_{role}"
    dependency.required_role = role  # type: ignore[attr-defined]
    return dependency


viewer, analyst, admin = require("viewer"), require("analyst"), require("admin")
