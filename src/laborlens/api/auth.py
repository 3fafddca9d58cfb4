"""Who is calling, and may they? Bearer tokens for machines, a server-side session for browsers (the signed
cookie carries only a random session id, see :mod:`laborlens.signin`; sign-out revokes it on the server).

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
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import Request

from laborlens.accounts import AuthError, Forbidden, Principal, user_for_token
from laborlens.api.errors import CsrfError
from laborlens.api.limits import UPLOAD_PATHS
from laborlens.settings import Settings
from laborlens.signin import principal_for_session
from laborlens.store import Store
from laborlens.store.models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_ID, SESSION_PENDING, SESSION_CSRF = "sid", "pending", "csrf"


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


def start_session(request: Request, sid: str, pending: bool = False) -> None:
    """A fresh cookie for a new server-side session (nothing from before sign-in is kept, including the CSRF
    token). A pending session (password done, second factor to come) is kept apart from a full one."""
    request.session.clear()
    request.session[SESSION_PENDING if pending else SESSION_ID] = sid
    csrf_token(request)


def end_session(request: Request) -> str | None:
    """Forget the cookie's session; returns its id so the caller can revoke it on the server."""
    sid = request.session.get(SESSION_ID)
    request.session.clear()
    return sid if isinstance(sid, str) else None


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
            sid = request.session.get(SESSION_ID) if "session" in request.scope else None
            if not isinstance(sid, str):
                raise AuthError("sign in or send an API token")
            p = principal_for_session(s, sid)  # revoked, expired or pending sessions are refused
            request.state.principal = p
            return p
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
