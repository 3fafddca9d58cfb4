"""Browser sign-in over the API (for scripts and single-page clients): password step, second factor, sign-out,
password change. Machines should use API tokens instead (`laborlens users token NAME`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from laborlens import accounts, signin
from laborlens.accounts import AuthError
from laborlens.api import auth
from laborlens.api.auth import Principal
from laborlens.api.deps import SessionDep, StoreDep

router = APIRouter(prefix="/api/session", tags=["sign-in"])
Viewer = Annotated[Principal, Depends(auth.viewer)]


class SignInIn(BaseModel):
    username: str = Field(max_length=100)
    password: str = Field(max_length=1000)


class CodeIn(BaseModel):
    code: str = Field(max_length=40)


class PasswordIn(BaseModel):
    old_password: str = Field(max_length=1000)
    new_password: str = Field(min_length=10, max_length=1000)


class SessionOut(BaseModel):
    username: str
    role: str
    second_factor_required: bool
    csrf: str


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


@router.post("", response_model=SessionOut)
def sign_in(request: Request, body: SignInIn, store: StoreDep) -> SessionOut:
    """Password step: sets the session cookie. When ``second_factor_required`` is true the session is pending
    until `POST /api/session/totp`. 401 wrong credentials, 403 an account that must enrol in two-factor
    first, 429 too many failures from this address for this user (``Retry-After`` says how long)."""
    r = signin.sign_in(store, body.username, body.password, _client(request))
    auth.start_session(request, r.session_id, pending=r.second_factor)
    return SessionOut(username=r.user.username, role=r.user.role, second_factor_required=r.second_factor,
                      csrf=auth.csrf_token(request))


@router.post("/totp", response_model=SessionOut)
def second_factor(request: Request, body: CodeIn, store: StoreDep) -> SessionOut:
    """Second step: a code from the authenticator app, or a single-use recovery code."""
    sid = request.session.get(auth.SESSION_PENDING)
    if not isinstance(sid, str):
        raise AuthError("sign in with your password first")
    r = signin.second_factor(store, sid, body.code, _client(request))
    auth.start_session(request, r.session_id)
    return SessionOut(username=r.user.username, role=r.user.role, second_factor_required=False,
                      csrf=auth.csrf_token(request))


@router.post("/signout", status_code=204)
def sign_out(request: Request, user: Viewer, s: SessionDep) -> Response:
    """End this session on the server (the cookie stops working, also in copies of it)."""
    sid = auth.end_session(request)
    if sid:
        signin.sign_out(s, sid)
    return Response(status_code=204)


@router.post("/password", status_code=204)
def change_password(request: Request, user: Viewer, body: PasswordIn, s: SessionDep) -> Response:
    """Change your password; every session of the account ends, this one included."""
    accounts.change_password(s, user.username, body.old_password, body.new_password)
    auth.end_session(request)
    return Response(status_code=204)
