"""The acting user of a CLI command, authenticated the way the API authenticates.

``--as USER`` (or ``LABORLENS_USER``) names the account; an API token of that user in
``LABORLENS_TOKEN``, else the password in ``LABORLENS_PASSWORD``, else a hidden prompt proves it. Failures
exit 2 with the same messages as the API's 401, and password attempts are audited (``signin`` /
``signin.failed``). The commands then run with the same role rules as the API and the web pages.
"""

from __future__ import annotations

import os

import typer

from laborlens.cli.app import store
from laborlens.service import Context
from laborlens.service.identity import principal_for

AsUser = typer.Option(None, "--as", envvar="LABORLENS_USER", show_envvar=True,
                      help="Act as this laborlens user (authenticated by LABORLENS_TOKEN or the password).")


def context(as_user: str | None) -> Context:
    """The use-case context of the named, authenticated user."""
    st = store()

    def ask() -> str:
        env = os.environ.get("LABORLENS_PASSWORD")
        return env or typer.prompt(f"Password for {as_user}", hide_input=True)

    who = principal_for(st, as_user, token=os.environ.get("LABORLENS_TOKEN"), password=ask)
    return Context(settings=st.settings, store=st, principal=who)
