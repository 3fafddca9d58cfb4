"""What a worker can do without an account: report, come back with the receipt code, read replies, add.

Anonymous by default. Nothing about the sender is stored: no IP address, user agent, phone number or time
of day (the worker's events carry the day only). Contact details are stored only when the worker gives
them and says staff may use them, and then sealed like everything the worker writes. The receipt code is
returned once, to be shown once; only its SHA-256 is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from laborlens import audit
from laborlens.accounts import Principal
from laborlens.errors import InputError, NotFound
from laborlens.grievances import receipt
from laborlens.grievances.i18n import LANGUAGES, WORDS_LANGUAGES
from laborlens.grievances.models import Grievance
from laborlens.grievances.record import WORKER_ACTOR, append, by_receipt, derive, events, new_ref, open_text
from laborlens.service.context import Context

# The principal of every public request: it holds no staff role that matters, and staff use cases refuse it.
WORKER = Principal(0, WORKER_ACTOR, "viewer", "public")
MAX_TEXT = 10_000


class UnknownReceipt(NotFound):
    """One message whatever was wrong with the code (no hint about which codes exist)."""


@dataclass
class Receipt:
    """Returned once by :func:`submit_report`; ``code`` is never stored in clear."""

    ref: str
    code: str

    def __repr__(self) -> str:  # keep the code out of logs and tracebacks
        return f"Receipt({self.ref}, code=<shown once>)"


@dataclass
class WorkerMessage:
    who: str  # worker | staff
    on: date
    text: str


@dataclass
class WorkerView:
    ref: str
    status: str
    language: str
    messages: list[WorkerMessage] = field(default_factory=list)


def _require_public(ctx: Context) -> None:
    if ctx.principal.via != "public":
        raise InputError("worker intake runs as the anonymous worker principal")


def _words(text: str, column: str, required: bool = True) -> str:
    t = (text or "").replace("\r\n", "\n").strip()
    if required and not t:
        raise InputError("please describe what happened", column=column)
    if len(t) > MAX_TEXT:
        raise InputError(f"too long (at most {MAX_TEXT} characters)", column=column)
    return t


def submit_report(
    ctx: Context,
    *,
    words: str,
    language: str,
    channel: str = "web",
    workplace: str = "",
    location: str = "",
    contact: str = "",
    consent_to_contact: bool = False,
    names_at_risk: str = "",
) -> Receipt:
    """A new grievance from the worker's own words (kept as written, with their language)."""
    _require_public(ctx)
    words = _words(words, "words")
    lang = language if language in WORDS_LANGUAGES else "und"
    if channel not in ("web", "sms"):
        raise InputError("channel must be web or sms", column="channel")
    workplace, location = _words(workplace, "workplace", False), _words(location, "location", False)
    contact, names_at_risk = _words(contact, "contact", False), _words(names_at_risk, "names_at_risk", False)
    if contact and not consent_to_contact:
        contact = ""  # given without consent: not kept (the form says so)
    code = receipt.new_code()
    with ctx.unit_of_work() as s:
        g = Grievance(
            ref=new_ref(s),
            receipt_sha256=receipt.digest(code),
            language=lang,
            channel=channel,
            received_on=ctx.clock.today(),
            has_contact=bool(contact),
            version=0,
        )
        s.add(g)
        s.flush()
        # one sealed blob per kind of text, so each can be shown (or withheld) on its own
        extra = [f"[{k}] {v}" for k, v in (("workplace", workplace), ("location", location)) if v]
        body = "\n\n".join([words, "\n".join(extra)]) if extra else words
        append(
            s,
            ctx,
            g,
            "report",
            {"language": lang, "channel": channel, "workplace_given": bool(workplace)},
            body,
            actor=WORKER_ACTOR,
        )
        if contact:
            append(s, ctx, g, "contact", {}, contact, actor=WORKER_ACTOR)
        if names_at_risk:
            append(s, ctx, g, "names", {}, names_at_risk, actor=WORKER_ACTOR)
        audit.record(s, WORKER_ACTOR, "grievance.report", g.ref, {"channel": channel, "language": lang})
        ref = g.ref
    return Receipt(ref, code)


def _find(s, code: str) -> Grievance:
    h = receipt.digest(code)
    g = by_receipt(s, h) if h else None
    if g is None:
        raise UnknownReceipt("that receipt code was not recognised")
    return g


def follow_up(ctx: Context, code: str) -> WorkerView:
    """What the worker sees with their code: status, their own messages and staff replies (audited)."""
    _require_public(ctx)
    with ctx.unit_of_work() as s:
        g = _find(s, code)
        evs = events(s, g)
        st = derive(evs)
        view = WorkerView(g.ref, st.status, g.language)
        for e in evs:
            if e.kind in ("report", "info"):
                view.messages.append(WorkerMessage("worker", e.recorded_on, open_text(ctx, g, e)))
            elif e.kind == "reply":
                view.messages.append(WorkerMessage("staff", e.recorded_on, open_text(ctx, g, e)))
        audit.record(s, WORKER_ACTOR, "grievance.worker.read", g.ref)
    return view


def add_information(ctx: Context, code: str, words: str) -> str:
    """The worker adds to their report; returns the grievance id (for the page, never the code)."""
    _require_public(ctx)
    words = _words(words, "words")
    with ctx.unit_of_work() as s:
        g = _find(s, code)
        append(s, ctx, g, "info", {}, words, actor=WORKER_ACTOR)
        audit.record(s, WORKER_ACTOR, "grievance.worker.info", g.ref)
        return g.ref


def language_names() -> dict[str, str]:
    return dict(LANGUAGES)
