"""``laborlens serve`` (web UI and API) and ``laborlens users`` (accounts and API tokens)."""

from __future__ import annotations

import logging
import os
from enum import Enum
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy import select

from laborlens import accounts
from laborlens.cli.app import app, console, settings, store
from laborlens.errors import InputError, NotFound
from laborlens.store.models import User

users_app = typer.Typer(help="User accounts (viewer < analyst < admin) and API tokens.", no_args_is_help=True)
app.add_typer(users_app, name="users")


class Role(str, Enum):
    viewer = "viewer"
    analyst = "analyst"
    admin = "admin"


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    max_upload_mb: int = typer.Option(200, min=1, help="Largest upload accepted (all files together)."),
    secure_cookies: bool | None = typer.Option(None, "--secure-cookies/--no-secure-cookies",
                                               help="Mark the session cookie Secure (default: yes unless "
                                                    "HOST is a loopback address; needs HTTPS in front)."),
    jobs: int = typer.Option(2, min=1, help="Screening jobs run at the same time."),
) -> None:
    """Serve the web UI and the API under /api (OpenAPI at /openapi.json)."""
    import uvicorn

    from laborlens.api import create_app

    application = create_app(settings(), upload_limit=max_upload_mb * 1024 * 1024, job_workers=jobs,
                             https_only=secure_cookies, host=host)
    with application.state.store.session() as s:
        if s.execute(select(User.id).limit(1)).first() is None:
            console.print(Text("No accounts yet: create one with `laborlens users add NAME --role admin`.",
                               style="yellow"))
    console.print(f"laborlens on http://{host}:{port}/  (API reference: /docs, schema: /openapi.json)")
    uvicorn.run(application, host=host, port=port, log_level="info", proxy_headers=False,
                log_config=_log_config())


class QueryFreeAccessLog(logging.Filter):
    """The access log without query strings: the results and queue filters are URL parameters
    (``?importer=…&q=…``), and what an analyst searched for is no business of the server's log."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?…", *args[3:])
        return True


def _log_config() -> dict:
    import copy

    from uvicorn.config import LOGGING_CONFIG

    cfg = copy.deepcopy(LOGGING_CONFIG)
    cfg.setdefault("filters", {})["no_query"] = {"()": QueryFreeAccessLog}
    cfg["handlers"]["access"]["filters"] = ["no_query"]
    return cfg


def _password(password_file: Path | None) -> str:
    if password_file is not None:
        try:
            lines = password_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise InputError(f"cannot read password file: {exc.strerror}", file=str(password_file)) from None
        return lines[0] if lines else ""
    env = os.environ.get("LABORLENS_PASSWORD")
    if env:
        return env
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def add(
    username: str = typer.Argument(..., help="User name (letters, digits, . _ @ -)."),
    role: Role = typer.Option(Role.viewer, "--role", "-r", help="viewer, analyst or admin."),
    password_file: Path | None = typer.Option(None, "--password-file", help="File whose first line is the "
                                              "password (else $LABORLENS_PASSWORD, else a hidden prompt)."),
) -> None:
    """Create an account. There are no default accounts or passwords."""
    password = _password(password_file)
    with store().session() as s:
        accounts.add_user(s, username, password, role.value, actor="cli")
    console.print(Text(f"added {username} ({role.value})"))


@users_app.command("token")
def token(
    username: str = typer.Argument(..., help="Account the token acts as."),
    name: str = typer.Option(..., "--name", "-n", help="What the token is for (shown in the audit log)."),
) -> None:
    """Create an API token for USERNAME and print it once (only its SHA-256 is stored)."""
    with store().session() as s:
        u = s.execute(select(User).where(User.username == username)).scalar()
        if u is None:
            raise NotFound(f"no user {username!r}")
        clear = accounts.create_token(s, u, name)
    console.print(Text(clear), soft_wrap=True)
    console.print(Text("Keep it now: it cannot be shown again. Send it as 'Authorization: Bearer <token>'.",
                       style="dim"), highlight=False)


@users_app.command("list")
def list_() -> None:
    """Every account with its role."""
    table = Table(title="Users", title_justify="left")
    for col in ("user", "role", "created (UTC)", "two-factor", "disabled"):
        table.add_column(col)
    with store().session() as s:
        for u in accounts.list_users(s):
            table.add_row(Text(u.username), u.role, f"{u.created_at:%Y-%m-%d %H:%M}",
                          "totp" if u.totp_enabled else "", "yes" if u.disabled else "")
    console.print(table)


def _account(s, username: str) -> User:
    u = s.execute(select(User).where(User.username == username)).scalar()
    if u is None:
        raise NotFound(f"no user {username!r}")
    return u


@users_app.command("totp")
def totp_enrol(
    username: str = typer.Argument(..., help="Account to enrol in two-factor sign-in."),
    code: str | None = typer.Option(None, "--code", help="The app's current code (else a prompt)."),
) -> None:
    """Enrol USERNAME in TOTP two-factor sign-in (required for admins and defender-case staff): prints the
    secret and an otpauth:// URI for an authenticator app, asks for the code it shows, then prints ten
    single-use recovery codes once. Re-running replaces the secret and the recovery codes."""
    from laborlens import totp

    st = store()
    with st.session() as s:
        secret, uri = totp.begin_enrolment(s, _account(s, username), actor="cli")
    console.print(Text(f"secret: {secret}"), soft_wrap=True)
    console.print(Text(f"URI:    {uri}"), soft_wrap=True)
    console.print("Add it to an authenticator app (key or URI), then type the 6-digit code it shows.")
    typed = code if code is not None else typer.prompt("Code")
    with st.session() as s:
        codes = totp.confirm_enrolment(s, _account(s, username), typed, actor="cli")
    console.print(Text(f"two-factor on for {username}. Recovery codes (each works once; keep them offline):",
                       style="green"))
    for c in codes:
        console.print(Text("  " + c))


@users_app.command("password")
def password(
    username: str = typer.Argument(..., help="Account whose password to set."),
    password_file: Path | None = typer.Option(None, "--password-file", help="File whose first line is the "
                                              "new password (else $LABORLENS_PASSWORD, else a prompt)."),
) -> None:
    """Set a new password for USERNAME; every signed-in session of the account ends."""
    new = _password(password_file)
    with store().session() as s:
        accounts.change_password(s, username, "", new, actor="cli")
    console.print(Text(f"password changed for {username}; its sessions were ended"))
