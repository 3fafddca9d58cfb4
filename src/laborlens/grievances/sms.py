"""SMS / WhatsApp intake in the common provider shape (Twilio's): a form-encoded POST with ``From`` and
``Body``, signed in ``X-Twilio-Signature`` = base64(HMAC-SHA1(secret, URL + each parameter name and value,
sorted by name)). Requests without a valid signature are refused before anything is read.

A message that starts with a receipt code adds to that grievance and gets the latest staff reply back; any
other message is a new grievance and gets its receipt code back. ``From`` is used only to address the
reply within the request and is never stored, unless the message starts with a contact keyword
(CONTACT, CONTACTO, KONTAK, LIÊN HỆ, যোগাযোগ, 联系): then the worker asked to be contacted and the number
is sealed as their contact details.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from xml.sax.saxutils import escape

from laborlens.errors import InputError, LaborlensError
from laborlens.grievances import intake, receipt
from laborlens.grievances.i18n import gettext
from laborlens.service.context import Context

SIGNATURE_HEADER = "X-Twilio-Signature"
CONTACT_WORDS = ("CONTACT", "CONTACTO", "KONTAK", "LIÊN HỆ", "যোগাযোগ", "联系")
SMS_LIMIT = 1500


class BadSignature(LaborlensError):
    exit_code = 2
    http_status = 403


def signature(secret: str, url: str, params: Mapping[str, str]) -> str:
    payload = url + "".join(k + params[k] for k in sorted(params))
    mac = hmac.new(secret.encode(), payload.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()


def verify(secret: str, url: str, params: Mapping[str, str], presented: str | None) -> None:
    if not secret:
        raise BadSignature("the SMS webhook is not configured (set LABORLENS_GRIEVANCE_WEBHOOK_SECRET)")
    if not presented:
        raise BadSignature("missing signature")
    if not hmac.compare_digest(signature(secret, url, params), presented.strip()):
        raise BadSignature("bad signature")


_VI = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
_ES = {"el", "la", "que", "de", "no", "me", "los", "las", "pagan", "trabajo", "nos", "por", "una", "sin"}
_ID = {"yang", "dan", "tidak", "saya", "kami", "kerja", "gaji", "di", "ini", "itu", "dengan", "untuk"}


def guess_language(text: str) -> str:
    """A rough guess for replies (script first, then a few function words); the words are kept as written."""
    if re.search(r"[\u4e00-\u9fff]", text):
        return "zh-Hans"
    if re.search(r"[\u0980-\u09ff]", text):
        return "bn"
    if _VI.search(text):
        return "vi"
    words = set(re.findall(r"[a-záéíóúñü]+", text.lower()))
    es, idn = len(words & _ES), len(words & _ID)
    if es > idn and es >= 2:
        return "es"
    if idn > es and idn >= 2:
        return "id"
    return "en"


def _contact_request(body: str) -> tuple[bool, str]:
    head = body.strip()
    for w in CONTACT_WORDS:
        if head.upper().startswith(w.upper()):
            return True, head[len(w) :].lstrip(" :,-")
    return False, body


def handle(ctx: Context, sender: str, body: str) -> str:
    """The reply text for one incoming message (the use cases audit; nothing about ``sender`` is kept)."""
    text = (body or "").strip()[: SMS_LIMIT * 4]
    code, rest = receipt.split_leading_code(text)
    if code is not None:
        lang = guess_language(rest) if rest else "en"
        try:
            if rest:
                intake.add_information(ctx, code, rest)
            view = intake.follow_up(ctx, code)
        except intake.UnknownReceipt:
            if any(ch.isdigit() for ch in code):
                return gettext(lang, "That receipt code was not recognised.")
            # five four-letter words, not a code (almost every real code has a digit): a new report
            return _new_report(ctx, sender, text)
        lang = view.language if view.language != "und" else lang
        replies = [m for m in view.messages if m.who == "staff"]
        head = gettext(lang, "Your information was added.") + " " if rest else ""
        tail = (
            gettext(lang, "Latest reply: %(text)s", text=replies[-1].text)
            if replies
            else gettext(lang, "No replies yet.")
        )
        return (head + tail)[:SMS_LIMIT]
    return _new_report(ctx, sender, text)


def _new_report(ctx: Context, sender: str, text: str) -> str:
    wants_contact, words = _contact_request(text)
    if not words.strip():
        return gettext("en", "Please describe what happened.")
    lang = guess_language(words)
    try:
        r = intake.submit_report(
            ctx,
            words=words,
            language=lang,
            channel="sms",
            contact=sender if wants_contact else "",
            consent_to_contact=wants_contact,
        )
    except InputError:
        return gettext(lang, "Please describe what happened.")
    return gettext(
        lang,
        "Report received. Your receipt code: %(code)s. Keep it secret. Start a message with it "
        "to add information or read replies.",
        code=r.code,
    )


def twiml(message: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(message)}</Message></Response>'
