"""Translations of the worker-facing text (the public page and SMS replies), through Babel.

Catalogs are plain gettext ``.po`` files under ``grievances/locale/<locale>/LC_MESSAGES/messages.po`` (a
``messages.pot`` template beside them), so a translator can extend or add a language with any PO editor,
no build step: Babel reads the ``.po`` and compiles it in memory on first use. A language is offered once
its folder exists. Only the interface is translated; the worker's own words are never altered.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT = "en"
# the page's language code -> Babel locale folder
LOCALES = {"en": "en", "es": "es", "zh-Hans": "zh_Hans", "vi": "vi", "bn": "bn", "id": "id"}


def _native(code: str) -> str:
    name = Locale.parse(LOCALES[code]).get_display_name(LOCALES[code]) or code
    return name[:1].upper() + name[1:]


LANGUAGES: dict[str, str] = {c: _native(c) for c in LOCALES} | {"id": "Bahasa Indonesia"}
# what a worker may say they wrote in ("und" = another language, kept as written)
WORDS_LANGUAGES = (*LANGUAGES, "und")


@cache
def translations(lang: str) -> NullTranslations:
    folder = LOCALES.get(lang)
    po = LOCALE_DIR / (folder or "") / "LC_MESSAGES" / "messages.po"
    if not folder or not po.is_file():
        return NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=folder)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf)


def pick(requested: str | None, accept_language: str = "") -> str:
    """The requested language if offered, else the first offered one in Accept-Language, else English."""
    if requested in LOCALES:
        return requested
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if not tag:
            continue
        if tag.startswith("zh"):
            if tag in ("zh", "zh-cn", "zh-hans", "zh-sg") or tag.startswith("zh-hans"):
                return "zh-Hans"
            continue
        base = tag.split("-")[0]
        if base in LOCALES:
            return base
        if base == "in":  # the old code for Indonesian
            return "id"
    return DEFAULT


def gettext(lang: str, message: str, **values: str) -> str:
    text = translations(lang).gettext(message)
    return text % values if values else text


def text_direction(lang: str) -> str:
    return Locale.parse(LOCALES.get(lang, DEFAULT)).text_direction
