"""Numbers, series markers, legal-form families and country qualifiers read off a name's tokens.

These say *which* of several related companies a name is: "No. 2 Cotton Mill" is not "No. 3 Cotton Mill",
"Siemens (Schweiz) AG" is not "Siemens AG", and an AG is not a GmbH. Each reader returns a small set so the
scorer can ask "agree, conflict, or only one side says"."""

from __future__ import annotations

import re
from functools import lru_cache

_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
             "twentieth": 20, "thirtieth": 30}
# Roman numerals as series markers; "i", "v", "x", "xi", "li", "di" read too often as initials or pinyin.
_ROMAN = {"ii": 2, "iii": 3, "iv": 4, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "xii": 12, "xiii": 13,
          "xiv": 14, "xv": 15, "xvi": 16, "xx": 20}
_ORD_SUFFIX = re.compile(r"^(\d+)(?:st|nd|rd|th)$")


def is_number(word: str) -> bool:
    return word.isdigit() or bool(_ORD_SUFFIX.match(word)) or word in _ROMAN


def number_words() -> frozenset[str]:
    return frozenset(_UNITS) | frozenset(_TENS) | frozenset(_ORDINALS)


def numbers(words: tuple[str, ...]) -> frozenset[int]:
    """Every number a name states, in digits, words, ordinals or roman numerals: 1st = First = 1,
    "forty four" = 44."""
    out: set[int] = set()
    i = 0
    while i < len(words):
        w = words[i]
        m = _ORD_SUFFIX.match(w)
        if w.isdigit():
            out.add(int(w))
        elif m:
            out.add(int(m.group(1)))
        elif w in _TENS:
            v = _TENS[w]
            if i + 1 < len(words) and (words[i + 1] in _UNITS or words[i + 1] in _ORDINALS):
                nxt = words[i + 1]
                v += _UNITS.get(nxt, _ORDINALS.get(nxt, 0))
                i += 1
            out.add(v)
        elif w in _UNITS or w in _ORDINALS:
            out.add(_UNITS.get(w, _ORDINALS.get(w, 0)))
        elif w in _ROMAN:
            out.add(_ROMAN[w])
        i += 1
    return frozenset(out)


# Legal forms that say the same kind of body in English-speaking and Chinese usage: never a conflict.
_ANGLO = frozenset({"co", "ltd", "inc", "corp", "llc", "plc", "limited", "company", "coltd", "corporation",
                    "incorporated", "pte", "pvt", "bhd", "sdn", "companyltd", "corpltd", "ltdco", "colimited",
                    "companylimited", "llp"})


@lru_cache(maxsize=100_000)
def legal_forms(name: str) -> frozenset[str]:
    """Legal forms in a name, in rigour's compare spelling (Aktiengesellschaft → ag, Gesellschaft mit
    beschränkter Haftung → gmbh); the English/Chinese family (Co., Ltd., Inc., Corp.) is one form, since its
    members are used interchangeably."""
    from rigour.names import extract_org_types, replace_org_types_compare

    from laborlens.names.vocab import pinyin_split

    words = re.findall(r"[a-z]+", name.casefold())
    syllabic = sum(len(pinyin_split(w)) == 1 for w in words) >= 4  # "Xin Jiang You Se ...": se is 色
    out = set()
    spans = extract_org_types(name)
    for span, _display in spans:
        if syllabic and len(pinyin_split(span.casefold().strip())) == 1:
            continue
        if not _at_end(name, span, spans):
            continue
        form = re.sub(r"[^0-9a-z]", "", replace_org_types_compare(span.casefold()))
        if form:
            out.add("co/ltd/inc" if form in _ANGLO else form)
    return frozenset(out)


def short_form_inside(raw_words: list[str], i: int, legal_words: frozenset[str]) -> bool:
    """A two-letter word that only rigour reads as a legal form, in a name that also has industry or place
    words: the pinyin initials of a brand ("Tianshui XT Plastics", "HY Solar"), not a legal form. (Longer
    forms such as SAS or Oyj, and those in our own table, stay legal forms.) Does not depend on word
    order."""
    from laborlens.names.vocab import GENERIC, LEGAL, place_names, provinces

    w = raw_words[i]
    return len(w) == 2 and w not in LEGAL and any(
        r in GENERIC or r in place_names() or r in provinces() for r in raw_words if r != w)


def _at_end(name: str, span: str, spans) -> bool:
    words = re.findall(r"[^\W_]+", span.casefold())
    if len(words) != 1:
        return True
    low = re.findall(r"[^\W_]+", name.casefold())
    legal_words = frozenset(w for sp, _ in spans for w in re.findall(r"[^\W_]+", sp.casefold()))
    idx = [i for i, w in enumerate(low) if w == words[0]]
    return not idx or not short_form_inside(low, idx[-1], legal_words)


@lru_cache(maxsize=100_000)
def legal_tail(name: str) -> str:
    """The legal form a name ends with, in the same spelling as ``legal_forms`` ("GmbH & Co. KG" → gmbhcokg;
    "GmbH & Co. GmbH" → gmbh): the form that says what the body is when a name holds several. The
    English/Chinese family counts only when no other form is present."""
    from rigour.names import extract_org_types, replace_org_types_compare

    low = name.casefold()
    best, pos = "", -1
    anglo = False
    spans = extract_org_types(name)
    for span, _display in spans:
        if not _at_end(name, span, spans):
            continue
        at = low.rfind(span.casefold())
        form = re.sub(r"[^0-9a-z]", "", replace_org_types_compare(span.casefold()))
        if form in _ANGLO:  # "Co., Ltd." after another form ("B.V. Co., Ltd.") does not change the body
            anglo = True
        elif form and at >= pos:
            best, pos = form, at
    return best or ("co/ltd/inc" if anglo else "")


_NOT_COUNTRY = frozenset({"co", "as", "sa", "ag", "de", "in", "it", "is", "la", "me", "no", "new", "gold",
                          "bio", "art", "car", "man", "kit", "eco", "top", "ltd", "inc", "and"})


@lru_cache(maxsize=100_000)
def country_qualifiers(words: tuple[str, ...]) -> frozenset[str]:
    """Countries a name names ("(Schweiz)", "Sweden", "Mexico", "Deutschland") as ISO-2 codes. Chinese
    provinces and cities are places (the gazetteer), not qualifiers here."""
    from laborlens.countries import iso2

    out = set()
    for n in (2, 1):
        for i in range(len(words) - n + 1):
            w = " ".join(words[i : i + n])
            if len(w) < 4 or w in _NOT_COUNTRY:
                continue
            code = iso2(w)
            if len(code) == 2:
                out.add(code)
    return frozenset(out)
