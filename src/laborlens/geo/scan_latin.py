"""Latin script: pinyin, English, Uyghur-Latin and postal spellings (one dictionary: the text is cut into
tokens, also at camelCase joins, and every run of up to 10 tokens is looked up concatenated, so
"Wu-lu-mu-qi", "WULUMUQI" and "Wulumuqi" are one key, and a key starts and ends on a token boundary: "Hami"
is not found in "Hamilton"); and the XPCC's divisions and regiments in English ("1st Division")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from laborlens.geo import xuar_tables as T
from laborlens.geo.gazetteer import Gazetteer
from laborlens.geo.model import Entry, Evidence, Prepared

TOKEN_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_PREFIX_RE = re.compile(r"(xinjiang|wulumuqi|urumqi|bingtuan)(..+)")
_LATIN_ETHNIC = frozenset({"hui", "kazakh", "kazak", "mongol", "mongolian", "kirghiz", "kyrgyz", "xibe",
                           "sibe", "tajik"})
_OTHER_TYPE_WORDS = frozenset({"city", "shi", "prefecture", "province", "sheng", "municipality"})
_ORD = "|".join(sorted(T.ORDINALS, key=len, reverse=True))
_PNUM = "|".join(sorted(T.PINYIN_NUMBERS, key=len, reverse=True))
_DIVISION_RE = re.compile(
    r"\b(?:agricultural[\s-]+)?(?:no\.?\s*)?(?:(?P<n1>\d{1,2})(?:st|nd|rd|th)?|(?P<w1>" + _ORD + r"))[\s-]+"
    r"(?:agricultural[\s-]+)?division\b"
    r"|\bdivision[\s-]+(?:no\.?\s*)?(?P<n2>\d{1,2}|" + _ORD + r")\b"
    r"|\bnong[\s-]?(?P<p>" + _PNUM + r"|\d{1,2})[\s-]?shi\b"
)
_REGIMENT_RE = re.compile(
    r"\b(?:regiment|tuan)[\s-]*(?:no\.?\s*)?(?P<n1>\d{1,3})\b"
    r"|\b(?:no\.?\s*)?(?P<n2>\d{1,3})(?:st|nd|rd|th)?[\s-]*(?:regiment|tuan(?:chang)?)\b"
)
_WEAK_TYPED_CAVEAT = ("this name alone is also a common word, a name or a place elsewhere and no other XUAR "
                      "place confirms it")
_BRACKET_CAVEAT = ("the name, also an everyday word or a place elsewhere, stands in brackets where a company "
                   "name gives its location")


class LatinScanner:
    """Gazetteer names in pinyin, English, Uyghur-Latin and postal spellings, and other provinces' and
    countries' names beside them."""

    name = "latin"

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz

    def wants(self, p: Prepared) -> bool:
        return bool(p.latin)

    def scan(self, p: Prepared) -> Iterable[Evidence]:
        latin, t = p.latin, p.text
        raw = TOKEN_RE.findall(latin)
        if not raw:
            return
        toks = "\x00".join(raw).lower().split("\x00")
        n = len(toks)
        keys, prefixes, maxt = self.gaz.latin, self.gaz.latin_prefixes, self.gaz.max_tokens
        spans: list[tuple[int, int]] = []  # token spans, found only once a name is (most texts hold none)

        def span(i: int, j: int) -> tuple[int, int]:
            if not spans:
                spans.extend(m.span() for m in TOKEN_RE.finditer(latin))
            return p.span(spans[i][0], spans[j][1])

        i = 0
        while i < n:
            tok = toks[i]
            if tok not in prefixes:
                if len(tok) > 7 and tok[0] in "xuwb" and (m := _PREFIX_RE.match(tok)):
                    # run-together: "XinjiangLu", "Urumqistrasse", "xinjianghuafu"
                    rest = m.group(2)
                    street = rest in T.STREET_AFTER or any(
                        rest.startswith(d) and rest[len(d):] in T.STREET_AFTER for d in T.STREET_DIRECTIONS)
                    entry = keys[m.group(1)][0]
                    st, en = span(i, i)
                    yield Evidence("xuar", entry.unit, t[st:en], st, en, entry.method, strong=entry.strong,
                                   street=street, script="Latin")
                i += 1
                continue
            best_j, best_key, s = -1, "", ""
            for j in range(i, min(n, i + maxt)):
                s += toks[j]
                if s not in prefixes:
                    break
                if s in keys:
                    best_j, best_key = j, s
            if best_j < 0:
                i += 1
                continue
            nxt = toks[best_j + 1] if best_j + 1 < n else ""
            entries = [e for e in keys[best_key] if e.min_tokens <= best_j - i + 1
                       and (not e.needs_type or nxt in _OTHER_TYPE_WORDS)]
            if not entries:
                i += 1
                continue
            nxt2 = toks[best_j + 2] if best_j + 2 < n else ""
            prev = toks[i - 1] if i > 0 else ""
            street = (nxt in T.STREET_AFTER or (nxt in T.STREET_DIRECTIONS and nxt2 in T.STREET_AFTER)
                      or prev in T.STREET_BEFORE)
            entry = entries[0]
            st, en = span(i, best_j)
            if entry.kind == "other":
                if not street:
                    park = nxt in T.LATIN_PARK_WORDS
                    yield Evidence("other", label=entry.label, place=t[st:en], start=st, end=en, park=park)
            elif entry.kind == "foreign":
                if not street:
                    yield Evidence("foreign", label=entry.label, place=t[st:en], start=st, end=en)
            elif entry.kind == "china":
                yield Evidence("china", place=t[st:en], start=st, end=en)
            elif nxt in T.LATIN_NOT_PLACE_AFTER.get(best_key, ()):
                pass  # "Hami melon", "Hotan jade": a product
            else:
                yield from self._place(p, toks, i, best_j, best_key, entries, street, span)
            i = best_j + 1

    def _place(self, p: Prepared, toks: list[str], i: int, best_j: int, best_key: str, entries: list[Entry],
               street: bool, span) -> Iterable[Evidence]:
        t, n = p.text, len(toks)
        entry = entries[0]
        nxt = toks[best_j + 1] if best_j + 1 < n else ""
        nxt2 = toks[best_j + 2] if best_j + 2 < n else ""
        end_tok = best_j
        ptype = T.TYPE_WORDS.get(nxt, "")
        if not ptype and nxt in _LATIN_ETHNIC and nxt2 == "autonomous":  # Mulei Kazakh Autonomous County
            ptype, nxt = "Prefecture", nxt2
            nxt2 = toks[best_j + 3] if best_j + 3 < n else ""
            best_j_type = best_j + 1
        else:
            best_j_type = best_j
        if ptype and not entry.note:
            end_tok = best_j_type + 1
            if nxt == "autonomous" and nxt2 in T.TYPE_WORDS:
                end_tok, ptype = best_j_type + 2, T.TYPE_WORDS[nxt2]
            if ptype == "Prefecture":
                entry = next((e for e in entries if e.unit.level == "prefecture"), entry)
            elif ptype != "Region":
                entry = next((e for e in entries if e.unit.ptype == ptype), entry)
        weak, conf, caveat = entry.weak, "high", ""
        st, en = span(i, end_tok)
        typed = f"{best_key} {ptype.lower()}" if ptype else ""
        if (weak and ptype and entry.unit.ptype == ptype
                and (best_key in self.gaz.pinyin_keys or typed in T.TYPED_OK) and typed not in T.WEAK_TYPED):
            # "Moyu County", "Lop County": an everyday word, but with its type it names this unit
            weak, conf, caveat = False, "medium", _WEAK_TYPED_CAVEAT
        elif weak and t[:st].rstrip().endswith("(") and t[en:].lstrip().startswith(")"):
            # "Hoshine Silicon Industry (Shanshan) Co., Ltd.": the place of a company, in brackets
            weak, conf, caveat = False, "medium", _BRACKET_CAVEAT
        ev = Evidence("xuar", entry.unit, t[st:en], st, en, entry.method, conf, weak=weak,
                      strong=entry.strong, street=street, script="Latin", caveat=caveat, note=entry.note)
        yield ev
        if entry.weak and not street:
            alt = next((e for e in entries if e.kind == "other"), None)
            if alt is not None:  # Baicheng: 拜城 (XUAR) unless confirmed, else 白城 (Jilin)
                yield Evidence("other", label=alt.label, place=ev.place, start=st, end=en, alt_of=ev)


class LatinXpccScanner:
    """The XPCC's divisions ("1st Division", "Nong Yi Shi") and regiments ("Regiment 150") in Latin script."""

    name = "latin-xpcc"

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz

    def wants(self, p: Prepared) -> bool:
        lower = p.latin.lower()
        return "division" in lower or "regiment" in lower or "tuan" in lower or "nong" in lower

    def scan(self, p: Prepared) -> Iterable[Evidence]:
        lower, t = p.latin.lower(), p.text
        for m in _DIVISION_RE.finditer(lower):
            raw = m.group("n1") or m.group("w1") or m.group("n2") or m.group("p") or ""
            n = int(raw) if raw.isdigit() else T.ORDINALS.get(raw) or T.PINYIN_NUMBERS.get(raw)
            if not n or n > 14:
                continue
            explicit = bool(m.group("p")) or "agricultural" in m.group()
            st, en = p.span(m.start(), m.end())
            yield Evidence("xuar", self.gaz.divisions[n], t[st:en], st, en, "xpcc",
                           "high" if explicit else "medium", strong=explicit, script="Latin")
        for m in _REGIMENT_RE.finditer(lower):
            n = int(m.group("n1") or m.group("n2"))
            if not 1 <= n <= 230:
                continue
            st, en = p.span(m.start(), m.end())
            yield Evidence("xuar", self.gaz.regiment_unit(n, None), t[st:en], st, en, "xpcc", "medium",
                           script="Latin")
