"""Who a command-line user is: a named account, authenticated like the API does it.

The CLI names its user (``--as`` or ``LABORLENS_USER``) and proves it with an API token of that user
(``LABORLENS_TOKEN``) or the account's password (``LABORLENS_PASSWORD`` or a hidden prompt the edge shows).
Tokens are checked as the API checks them; passwords go through :func:`laborlens.accounts.authenticate`,
which audits both the sign-in and a failed attempt. The result is the same :class:`Principal` the API and
the web pages use, so role rules and audit actors are the same at every edge.
"""

from __future__ import annotations

from collections.abc import Callable

from laborlens import accounts
from laborlens.accounts import AuthError, Principal
from laborlens.store import Store


def principal_for(store: Store, username: str | None, *, token: str | None = None,
                  password: str | Callable[[], str] | None = None) -> Principal:
    """The named user's principal, or :class:`AuthError` (exit 2 / HTTP 401) when it cannot be proven."""
    name = (username or "").strip()
    if not name:
        raise AuthError("say who you are: --as USER or LABORLENS_USER (an account made with "
                        "`laborlens users add`)")
    if token:
        with store.session() as s:
            u = accounts.user_for_token(s, token.strip())
            if u.username != name:
                raise AuthError(f"the API token in LABORLENS_TOKEN is not {name!r}'s")
            return Principal(u.id, u.username, u.role, "cli-token")
    secret = password() if callable(password) else password
    if not secret:
        raise AuthError("authenticate: set LABORLENS_TOKEN to one of your API tokens, or LABORLENS_PASSWORD")
    with store.session() as s:  # commits the audit event of a failed attempt too
        try:
            u = accounts.authenticate(s, name, secret)
        except AuthError as exc:
            failed = exc
        else:
            return Principal(u.id, u.username, u.role, "cli-password")
    raise failed
