"""Request body limits, per route. Uploads stream under their route's own limit
(:func:`upload_limit`, enforced while the bytes arrive by :mod:`laborlens.api.uploads`); every other body
(JSON, forms) is refused past ``limit`` bytes: up front when Content-Length says so, else while it arrives.

- screening files (``/api/jobs``, ``/upload``) and list imports: the app's ``upload_limit``
  (``serve --max-upload-mb``, default 200 MB);
- RRM evidence (``/api/cases/rrm/{case}/evidence``, ``/cases/rrm/{case}/evidence``): 25 MB.
"""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from laborlens.api import errors
from laborlens.cases.rrm.evidence import MAX_EVIDENCE

APP_LIMIT = "app"  # the application's configured upload_limit
UPLOAD_ROUTES: tuple[tuple[re.Pattern[str], int | str], ...] = (
    (re.compile(r"^/(api/jobs|upload)$"), APP_LIMIT),
    (re.compile(r"^/(lists/import|api/lists/[^/]+/import)$"), APP_LIMIT),
    (re.compile(r"^/(api/)?cases/rrm/[^/]+/evidence$"), MAX_EVIDENCE),
)
UPLOAD_PATHS = re.compile("|".join(f"(?:{p.pattern})" for p, _ in UPLOAD_ROUTES))


def upload_limit(request: Request) -> int:
    """The byte limit of the upload route ``request`` is on."""
    path = request.url.path
    for pattern, limit in UPLOAD_ROUTES:
        if pattern.match(path):
            return int(request.app.state.upload_limit) if limit == APP_LIMIT else int(limit)
    raise LookupError(f"{path} is not an upload route")  # a programming error: the route needs a row above


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than the limit of {limit} bytes")


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or UPLOAD_PATHS.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            response = await errors.handle(Request(scope, receive), BodyTooLarge(self.limit))
            await response(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, limited, send)
