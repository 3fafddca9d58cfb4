"""What the case-work pages share: their links, the template context, and the form round trip.

Every form is a plain HTML POST (the Content-Security-Policy allows no inline script) carrying the
session's CSRF token (checked by the route's role dependency, before anything else) and, for appends, the
``version`` the page was rendered with. A successful write answers with a redirect (303) to the page that
shows it, with a flash message; a refused one (:class:`InputError`, a stale version's :class:`Conflict`, a
:class:`NotFound` inside the form) re-renders the page with the message next to the form and the values
typed kept, except a defender's identity fields, which are never sent back. Other errors (403, 404 of the
page itself) go to the application's error page.

Nothing identifying goes into a URL, a redirect, a flash message (the session cookie is signed, not
encrypted) or an error text: defender cases are addressed by pseudonym; identities travel in POST bodies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.responses import HTMLResponse, Response

from laborlens.cases.common import Conflict
from laborlens.cases.defenders import IDENTITY_FIELDS
from laborlens.cases.rrm.evidence import MAX_EVIDENCE
from laborlens.errors import InputError, LaborlensError, NotFound
from laborlens.service import Context
from laborlens.web.render import flash, redirect, render

BASE = "/cases"
CASE_NAV = (("rrm", f"{BASE}/rrm", "RRM board"), ("defenders", f"{BASE}/defenders", "Defenders"),
            ("missions", f"{BASE}/missions", "Missions"),
            ("safeguards", f"{BASE}/safeguards", "Safeguard reviews"),
            ("review", f"{BASE}/review", "Progress review"))
NEVER_ECHOED = frozenset(IDENTITY_FIELDS)  # accepted in POST bodies only, never written back into a page


@dataclass(frozen=True)
class Posted:
    """A form's fields (text values only; the CSRF token and file parts are left out)."""

    data: dict[str, list[str]]

    def get(self, name: str) -> str:
        values = self.data.get(name)
        return values[-1] if values else ""

    def text(self, name: str) -> str:
        return self.get(name).strip()

    def getlist(self, name: str) -> list[str]:
        return [v for v in self.data.get(name, []) if v]

    def flag(self, name: str) -> bool:
        return self.get(name).lower() in ("1", "on", "true", "yes")

    def version(self) -> int:
        v = self.get("version").strip()
        if not v.isdigit():
            raise InputError("the form has no version: reload the page and try again", column="version")
        return int(v)

    def kept(self) -> dict[str, list[str]]:
        """What may be written back into the form after an error (never a defender's identity)."""
        return {k: v for k, v in self.data.items() if k not in NEVER_ECHOED and k not in ("csrf", "version")}


async def posted(request: Request) -> Posted:
    form = await request.form()
    data: dict[str, list[str]] = {}
    for k, v in form.multi_items():
        if isinstance(v, str) and k != "csrf":
            data.setdefault(k, []).append(v)
    return Posted(data)


def message(exc: LaborlensError) -> str:
    """The error as the form shows it: the field's name, then what is wrong (never a value typed)."""
    column = getattr(exc, "column", None)
    detail = getattr(exc, "detail", None)
    if isinstance(exc, InputError) and column and detail and not getattr(exc, "file", None):
        return f"{str(column).replace('_', ' ')}: {detail}"
    return str(exc)


def whole_number(text: str, column: str) -> int:
    t = (text or "").strip()
    if not t.lstrip("-").isdigit():
        raise InputError("expected a whole number", column=column)
    return int(t)


def show(request: Request, ctx: Context, template: str, section: str, failed: dict | None = None,
         status_code: int = 200, **data: Any) -> HTMLResponse:
    """A case page inside the app's layout (top bar, navigation, stylesheet) with the case sub-navigation."""
    p = ctx.principal
    return render(request, template, status_code=status_code, active="cases", base=BASE, link=True,
                  case_nav=CASE_NAV, case_active=section, failed=failed, evidence_mb=MAX_EVIDENCE // 2**20,
                  may={"analyst": p.can("analyst"), "admin": p.can("admin")}, **data)


def done(request: Request, said: str, url: str) -> Response:
    flash(request, said)
    return redirect(url)


def attempt(f: Posted, form: str, write: Callable[[], Response],
            again: Callable[[dict], HTMLResponse]) -> Response:
    """Run ``write`` (one use case); on a refusal the form can explain, re-render its page with it."""
    try:
        return write()
    except (InputError, Conflict, NotFound) as exc:
        failed = {"form": form, "message": message(exc), "values": f.kept(), "status": exc.http_status}
        return again(failed)  # a fresh read: after a conflict the page shows what changed
