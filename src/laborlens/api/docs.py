"""The API reference page at ``/docs``: Swagger UI from the ``swagger-ui-bundle`` package, served by this
app (no CDN, so it works offline and under the strict CSP), reading ``/openapi.json``."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, Response

router = APIRouter()
ROUTE_ROLES = {("GET", "/docs"): "public", ("GET", "/docs/assets"): "public"}
# Swagger UI sets style attributes on its elements; scripts stay same-origin only.
_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>laborlens API</title><link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml"></head>
<body><div id="swagger-ui"><noscript>The API reference needs JavaScript; the schema itself is at
<a href="/openapi.json">/openapi.json</a>.</noscript></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script><script src="/static/docs-init.js"></script>
</body></html>"""


def assets_dir() -> Path | None:
    try:
        import swagger_ui_bundle
    except ImportError:  # the page then says how to get it
        return None
    return Path(swagger_ui_bundle.swagger_ui_path)


@router.get("/docs", include_in_schema=False)
def docs_page() -> Response:
    if assets_dir() is None:
        missing = ("<!doctype html><title>laborlens API</title><p>The API reference page needs the "
                   "swagger-ui-bundle package (<code>pip install swagger-ui-bundle==1.1.0</code>); "
                   'the schema is at <a href="/openapi.json">/openapi.json</a>.</p>')
        return HTMLResponse(missing, status_code=503)
    return HTMLResponse(_PAGE, headers={"Content-Security-Policy": _CSP})


def install(app: FastAPI) -> None:
    app.include_router(router)
    path = assets_dir()
    if path is not None:
        app.mount("/docs/assets", StaticFiles(directory=str(path)), name="docs-assets")
