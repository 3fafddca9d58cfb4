"""The public side of grievances: the ``/report`` page (no account, no JavaScript) and the SMS/WhatsApp
webhook at ``/hooks/sms``. Kept apart from the staff pages: nothing here reads a session or a user.

What is never done here: storing or logging the client address (it is only fed, in memory, to the keyed
HMAC throttle), putting a receipt code in a URL (codes travel in POST bodies only), or echoing the
worker's words in an error.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import HTMLResponse, Response

from laborlens.errors import InputError
from laborlens.grievances import WORKER, intake, sms
from laborlens.grievances.i18n import LANGUAGES, gettext, pick, text_direction
from laborlens.grievances.throttle import IntakeThrottle, TooManyReports
from laborlens.grievances.vocab import STATUSES
from laborlens.service.context import Context
from laborlens.web.render import templates

router = APIRouter()
PUBLIC_PATHS = ("/report", "/hooks/sms")
ROUTE_ROLES: dict[tuple[str, str], str] = {
    ("GET", "/report"): "public", ("POST", "/report"): "public", ("POST", "/report/follow-up"): "public",
    ("POST", "/hooks/sms"): "public",  # the provider's signature, not a role
}


class DropWorkerAddress(logging.Filter):
    """Uvicorn's access log records the client address; for the public intake paths it is blanked, so the
    server log cannot be matched against the day a report arrived."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and str(args[2]).startswith(PUBLIC_PATHS):
            record.args = ("-", *args[1:])
        return True


_access = logging.getLogger("uvicorn.access")
if not any(isinstance(f, DropWorkerAddress) for f in _access.filters):
    _access.addFilter(DropWorkerAddress())
Lang = Annotated[str, Form(max_length=10)]
Text = Annotated[str, Form(max_length=12000)]


def _throttle(request: Request) -> IntakeThrottle:
    t = getattr(request.app.state, "intake_throttle", None)
    if t is None:
        t = request.app.state.intake_throttle = IntakeThrottle()
    return t


def _address(request: Request) -> str:
    return request.client.host if request.client else "?"


def _ctx(request: Request) -> Context:
    return Context(request.app.state.settings, request.app.state.store, WORKER)


def _page(request: Request, lang: str, template: str, status_code: int = 200, **values) -> HTMLResponse:
    def t(message: str, **kw: str) -> str:
        return gettext(lang, message, **kw)

    ctx = {
        "lang": lang,
        "dir": text_direction(lang),
        "languages": LANGUAGES,
        "t": t,
        "statuses": STATUSES,
        **values,
    }
    resp = templates.TemplateResponse(request, f"grievances/{template}", ctx, status_code=status_code)
    resp.headers["Content-Language"] = lang
    return resp


@router.get("/report", response_class=HTMLResponse)
def report_page(request: Request, lang: Annotated[str | None, Query(max_length=10)] = None) -> Response:
    chosen = pick(lang, request.headers.get("accept-language", ""))
    return _page(request, chosen, "report.html", form={}, error="")


@router.post("/report", response_class=HTMLResponse)
def submit(
    request: Request,
    words: Text = "",
    lang: Lang = "en",
    words_language: Lang = "",
    workplace: Annotated[str, Form(max_length=1000)] = "",
    location: Annotated[str, Form(max_length=1000)] = "",
    contact: Annotated[str, Form(max_length=1000)] = "",
    consent: Annotated[str, Form(max_length=5)] = "",
    names_at_risk: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    lang = pick(lang)
    form = {
        "workplace": workplace,
        "location": location,
        "words": words,
        "words_language": words_language,
        "contact": contact,
        "consent": bool(consent),
        "names_at_risk": names_at_risk,
    }
    try:
        _throttle(request).hit(_address(request))
        r = intake.submit_report(
            _ctx(request),
            words=words,
            language=words_language or lang,
            channel="web",
            workplace=workplace,
            location=location,
            contact=contact,
            consent_to_contact=bool(consent),
            names_at_risk=names_at_risk,
        )
    except TooManyReports:
        return _page(
            request,
            lang,
            "report.html",
            429,
            form=form,
            error=gettext(lang, "Too many attempts. Please wait and try again later."),
        )
    except InputError:
        return _page(
            request,
            lang,
            "report.html",
            400,
            form=form,
            error=gettext(lang, "Please describe what happened."),
        )
    return _page(request, lang, "receipt.html", code=r.code)


@router.post("/report/follow-up", response_class=HTMLResponse)
def follow_up(
    request: Request, code: Annotated[str, Form(max_length=60)] = "", lang: Lang = "en", words: Text = ""
) -> Response:
    lang = pick(lang)
    throttle = _throttle(request)
    ctx = _ctx(request)
    added = False
    try:
        throttle.hit(_address(request), code.strip().upper())
        if words.strip():
            intake.add_information(ctx, code, words)
            added = True
        view = intake.follow_up(ctx, code)
    except TooManyReports:
        return _page(
            request,
            lang,
            "report.html",
            429,
            form={},
            error=gettext(lang, "Too many attempts. Please wait and try again later."),
        )
    except intake.UnknownReceipt:
        throttle.failed(_address(request))
        return _page(
            request,
            lang,
            "report.html",
            404,
            form={},
            error=gettext(lang, "That receipt code was not recognised."),
        )
    except InputError:
        return _page(
            request, lang, "report.html", 400, form={}, error=gettext(lang, "Please describe what happened.")
        )
    # the code goes back into the page's hidden field so the worker can add more, never into a URL
    return _page(request, lang, "follow_up.html", view=view, code=code, added=added)


@router.post("/hooks/sms")
async def sms_webhook(request: Request) -> Response:
    """SMS/WhatsApp provider webhook (Twilio shape); answers TwiML, or plain text with ``?reply=plain``."""
    settings = request.app.state.settings
    form = await request.form()
    params = {k: str(v) for k, v in form.multi_items()}
    url = settings.grievance_webhook_url or str(request.url)
    plain = request.query_params.get("reply") == "plain"
    try:
        sms.verify(settings.grievance_webhook_secret, url, params, request.headers.get(sms.SIGNATURE_HEADER))
    except sms.BadSignature as exc:
        return Response(str(exc), status_code=403, media_type="text/plain")
    try:
        _throttle(request).hit("sms|" + params.get("From", ""))  # the provider's address is shared
        text = sms.handle(_ctx(request), params.get("From", ""), params.get("Body", ""))
    except TooManyReports:
        text = gettext("en", "Too many attempts. Please wait and try again later.")
    if plain:
        return Response(text, media_type="text/plain; charset=utf-8")
    return Response(sms.twiml(text), media_type="application/xml")
