"""Company-name analysis: from a raw name in any script to tokens that know what they are.

Every token keeps its raw form, its canonical form and the transformation that produced it, so a match can
be explained ("GRP → group", "Hotan → hetian", "新能源 → new energy") and nothing is dropped silently:
legal forms stay as tokens of kind ``legal`` that the scorer discounts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from laborlens.names import chinese, romanisation
from laborlens.names.qualifiers import short_form_inside
from laborlens.names.vocab import (
    ABBREVIATIONS,
    GENERIC,
    LEGAL,
    LEGAL_CANON,
    ORG,
    STOP,
    pinyin_split,
    place_names,
    provinces,
    singular,
)

KINDS = ("distinct", "number", "generic", "place", "org", "initial", "legal", "stop")

# List annotations that are not part of an entity's name.
_ANNOTATION = re.compile(
    r"\(?\s*\band\s+(?:its\s+|their\s+)?(?:[\w\-]+\s+){0,4}?(?:subsidiaries|affiliated entities|affiliates)\b"
    r"(?:\s+entities)?\s*\)?",
    re.I,
)
_SPLIT = re.compile(r"[^0-9a-z]+")
# Bill-of-lading wording around a name: "TO THE ORDER OF X", "X C/O AGENT", "AGENT OBO X".
_ORDER_OF = re.compile(r"^\s*(?:to\s+(?:the\s+)?order\s+of|to\s+order\s+of|order\s+of)\s*[:,]?\s*", re.I)
_AGENT = re.compile(r"\s*\b(?:c/o|c\\o|care\s+of|obo|o/b/o|on\s+behalf\s+of|attn\.?|attention)\b\s*[:,]?\s*", re.I)
LEGAL_READING = frozenset({"co", "ltd", "company", "limited"})  # legal words a Chinese reading can produce
_HAN_LEGAL = re.compile(r"(股份有限公司|有限责任公司|有限公司|股份公司|总公司|公司|集团)$")


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # canonical form compared by the scorer
    raw: str  # as written in the name
    kind: str  # one of KINDS
    how: str = ""  # the transformation that produced ``text`` from ``raw`` ("" = none)


@dataclass(frozen=True, slots=True)
class NameForm:
    """One reading of a name as tokens (a Chinese name has one form per Latin reading)."""

    name: str
    tokens: tuple[Token, ...]
    reading: str = "as written"
    han: str = ""  # simplified Han core without legal forms, for script-to-script comparison
    truncated: bool = False

    @property
    def key(self) -> str:
        """Order- and punctuation-insensitive key of the name's meaningful tokens."""
        return " ".join(sorted(t.text for t in self.tokens if t.kind not in ("legal", "stop")))


def clean(text: str) -> str:
    """Unicode NFKC, traditional → simplified, casefold; strips list annotations."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _ANNOTATION.sub(" ", text)
    text = chinese.to_simplified(text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.casefold()
    if needs_transliteration(text):
        from normality import ascii_text  # Cyrillic, Greek, kana, Arabic script... → Latin (OpenSanctions')

        text = (ascii_text(text) or text).casefold()
    return text.replace("&", " and ").replace("'", "").replace("’", "")


def needs_transliteration(text: str) -> bool:
    """Letters of a script other than Latin or Chinese (Han names have their own readings)."""
    if text.isascii():  # the common case, answered without looking at each letter
        return False
    return not chinese.has_han(text) and any(ord(c) > 0x24F and c.isalpha() for c in text)


@lru_cache(maxsize=200_000)  # per distinct word: manifests repeat words far more than names
def kind_of(tok: str) -> str:
    if len(tok) == 1 and tok.isalpha():
        return "initial"
    if tok in LEGAL:
        return "legal"
    if tok in STOP:
        return "stop"
    if tok in ORG:
        return "org"
    if tok.isdigit():
        return "number"
    if tok in provinces() or tok in place_names():
        return "place"
    if tok in GENERIC or singular(tok) in GENERIC:
        return "generic"
    return "distinct"


@lru_cache(maxsize=200_000)
def _tok(word: str, raw: str, how: str = "") -> Token:
    word = LEGAL_CANON.get(word, word)
    return Token(word, raw, kind_of(word), how)


def _org_type_words(text: str) -> frozenset[str]:
    """Words inside legal forms that rigour (OpenSanctions' name library) recognises in many languages
    ("S. de R.L. de C.V.", "Sdn. Bhd.", "PT … Tbk", "Aktiengesellschaft")."""
    from rigour.names import extract_org_types

    return frozenset(w for span, _ in extract_org_types(text) for w in _SPLIT.split(span.casefold()) if w)


def _latin_tokens(text: str, short_compounds: bool = False, latin: bool = True, keep_syllables: bool = False
                  ) -> list[Token]:
    raws = [r for r in _SPLIT.split(text) if r]
    legal_words = _org_type_words(text) if latin else frozenset()
    # pinyin written syllable by syllable ("Jing Ao"): a syllable is not a legal form (Russian AO)
    syllabic = sum(len(pinyin_split(r)) == 1 for r in raws) >= 4
    out: list[Token] = []
    i = 0
    compounds = chinese.pinyin_compounds()
    prefixes = chinese.pinyin_compound_prefixes()
    while i < len(raws):
        # pinyin written out ("xin nengyuan", "you xian gong si") → the English term it spells
        merged = None
        for n in ((6, 5, 4, 3, 2, 1) if raws[i] in prefixes and not keep_syllables else ()):
            if i + n <= len(raws):
                cat = "".join(raws[i : i + n])
                # a lone short word ("xinye") is too ambiguous (a county, 新野, as much as 锌业)
                if cat in compounds and (n > 1 or short_compounds or (len(cat) >= 7 and cat not in place_names())):
                    merged = (n, cat, compounds[cat])
                    break
        if merged:
            n, cat, en = merged
            raw = " ".join(raws[i : i + n])
            for w in en.split():
                if w not in STOP:
                    out.append(_tok(w, raw, f"pinyin {raw}→{en}"))
            i += n
            continue
        raw = raws[i]
        i += 1
        if raw in ABBREVIATIONS and raw not in LEGAL:
            for w in ABBREVIATIONS[raw].split():
                out.append(_tok(singular(w), raw, f"abbreviation {raw.upper()}→{w}"))
            continue
        tok, how = raw, ""
        if raw in LEGAL_CANON:
            tok = LEGAL_CANON[raw]
        elif raw in place_names() and place_names()[raw] != raw:
            tok, how = place_names()[raw], f"place {raw}→{place_names()[raw]}"
        elif not raw.isdigit():
            s = singular(raw)
            if s != raw and (s in GENERIC or kind_of(raw) == "generic"):
                tok, how = s, ""
        t = _tok(tok, raw, how)
        if not latin and t.kind == "legal" and t.text not in LEGAL_READING:
            t = Token(t.text, raw, "distinct", how)  # a pinyin syllable (纳 na, 萨 sa), not a legal form
        if raw in legal_words and t.kind not in ("legal", "stop") and not (syllabic and len(pinyin_split(raw)) == 1) \
                and not short_form_inside(raws, i - 1, legal_words):
            t = Token(t.text, raw, "legal", "legal form (rigour)")
        out.append(t)
    return out


def _looks_truncated(raw: str, tokens: list[Token]) -> bool:
    """Could the name have been cut (bill-of-lading fields are 20-45 characters)? Then the listed words after
    the query's last matched word are not required, and a cut-off last word is not held against it."""
    stripped = raw.strip()
    if len(stripped) < 15 or not tokens or not stripped[-1].isalnum():
        return False
    return tokens[-1].kind != "legal" or len(stripped) >= 30


def _up_to_legal_form(tokens: list[Token]) -> list[Token] | None:
    """The name up to the end of its first legal form, when words follow it (an address or agent)."""
    for i, t in enumerate(tokens):
        if t.kind == "legal":
            j = i
            while j + 1 < len(tokens) and tokens[j + 1].kind in ("legal", "stop"):
                j += 1
            rest = [x for x in tokens[j + 1 :] if x.kind not in ("legal", "stop")]
            if rest and j >= 1:
                return tokens[: j + 1]
            return None
    return None


_ADDRESS_LEAD = frozenset({"no", "room", "rm", "unit", "floor", "flat", "building", "bldg", "blk", "block"})
_ADDRESS_WORD = frozenset({"road", "rd", "street", "st", "avenue", "ave", "lu", "jie", "dadao", "lane", "ln",
                           "highway", "boulevard", "blvd", "strasse", "str", "rue", "via", "calle", "ulitsa"})


def _before_address(tokens: list[Token]) -> list[Token] | None:
    """The name before an address a bill of lading runs on with ("... CO LTD NO 18 INDUSTRIAL ROAD"): "no"
    (room, building...) and a number, or a number, followed within three words by a road or street word.
    "No. 2 Cotton Mill" has no road after its number and is left whole."""
    for j in range(1, len(tokens)):
        lead = tokens[j].raw in _ADDRESS_LEAD and j + 1 < len(tokens) and tokens[j + 1].raw.isdigit()
        if not (lead or tokens[j].raw.isdigit()):
            continue
        if any(t.raw in _ADDRESS_WORD for t in tokens[j + 1 : j + 5]):
            head = tokens[:j]
            if any(t.kind in ("distinct", "generic") for t in head):
                return head
    return None


def _after_parent_group(tokens: list[Token]) -> list[Token] | None:
    """A subsidiary's own name after its parent group's ("Baowu Group Xinjiang Bayi Iron and Steel Co., Ltd."
    → "Xinjiang Bayi Iron and Steel Co., Ltd."): what follows "Group" starts with a place and has a
    distinctive word of its own; the parent has one before "Group"."""
    for g, t in enumerate(tokens):
        if t.text != "group" or g == 0 or g + 1 >= len(tokens):
            continue
        rest = tokens[g + 1 :]
        if (rest[0].kind == "place" and any(x.kind == "distinct" for x in tokens[:g])
                and any(x.kind == "distinct" for x in rest)
                and sum(x.kind not in ("legal", "stop") for x in rest) >= 3):
            return list(rest)
    return None


@lru_cache(maxsize=200_000)
def analyze(name: str) -> tuple[NameForm, ...]:
    """All readings of a name as token sequences. Cached: manifests repeat names a lot."""
    text = clean(name)
    stripped = _ORDER_OF.sub("", text)
    parts = [p for p in _AGENT.split(stripped) if len(p.strip()) >= 2]
    if stripped != text or len(parts) > 1:
        # each named party on its own ("X c/o AGENT" names X and the agent)
        seen: dict[tuple, NameForm] = {}
        for p in parts or [stripped]:
            for f in analyze(p):
                seen.setdefault(f.tokens, NameForm(name, f.tokens, _join("bill-of-lading wording removed",
                                                                         f.reading), f.han, f.truncated))
        return tuple(seen.values())
    if not chinese.has_han(text):
        toks = _latin_tokens(text)
        how = "transliterated to Latin" if needs_transliteration(unicodedata.normalize("NFKC", name)) else "as written"
        forms = [NameForm(name, tuple(toks), how, "", _looks_truncated(name, toks))]
        compounds = chinese.pinyin_compounds()
        alt = _latin_tokens(text, short_compounds=True) if any(t.raw in compounds for t in toks) else toks
        if alt != toks:  # "guiye" may be 硅业 (silicon industry) or a place: keep both readings
            forms.append(NameForm(name, tuple(alt), "pinyin words translated", "", forms[0].truncated))
        raws = [r for r in _SPLIT.split(text) if r]
        if sum(len(pinyin_split(r)) == 1 for r in raws) >= 4:
            # pinyin written syllable by syllable: also keep the syllables as they are, so that the
            # lists' vocabulary can join them (Zi Jin → zijin) before terms are read (jin kuang → gold mine)
            plain = _latin_tokens(text, keep_syllables=True)
            if plain != toks:
                forms.append(NameForm(name, tuple(plain), "pinyin syllables kept", "", forms[0].truncated))
        head = _up_to_legal_form(toks)
        if head:
            forms.append(NameForm(name, tuple(head), "name up to its legal form", "", False))
        before = _before_address(toks)
        if before and before != head:
            forms.append(NameForm(name, tuple(before), "name before its address", "", False))
        own = _after_parent_group(toks)
        if own:
            forms.append(NameForm(name, tuple(own), "name without its parent group", "", forms[0].truncated))
        nfkc = unicodedata.normalize("NFKC", name)
        if romanisation.has_cyrillic(nfkc):
            # Russian: company words translated, Chinese names in Palladius transcription read as pinyin
            rr = romanisation.russian_reading(_ANNOTATION.sub(" ", nfkc))
            if rr:
                rtoks = _latin_tokens(clean(rr[0]))
                if rtoks != toks:
                    forms.append(NameForm(name, tuple(rtoks), "Russian: " + "; ".join(rr[1][:6]), "",
                                          forms[0].truncated))
        for f in list(forms[:1]) + [f for f in forms if f.reading.startswith("Russian")]:
            forms.extend(_romanised_forms(f))
        return tuple(forms)
    han = "".join(ch for ch in text if chinese.HAN.match(ch))
    while True:
        core = _HAN_LEGAL.sub("", han)
        if core == han:
            break
        han = core
    forms = []
    for r in chinese.readings(text):
        toks = _latin_tokens(r.text, latin=False)
        marks = {s.split("→")[0]: s for s in r.steps}
        toks = [Token(t.text, t.raw, t.kind, t.how or marks.get(t.raw, "")) for t in toks]
        forms.append(NameForm(name, tuple(toks), "Chinese: " + "; ".join(r.steps[:6]), han, False))
    return tuple(forms)


def _romanised_forms(form: NameForm) -> list[NameForm]:
    """Readings of a Latin name whose brand is written in Hong Kong (Cantonese) or Wade–Giles romanisation,
    its syllables turned into pinyin ("Wah Fook" → huafu, "Hon Hai" → honghai); see ``romanisation``."""
    toks = form.tokens
    # a syllable read as a manifest abbreviation ("Min" → mining) may be one of the brand's syllables
    words = [t.text if t.kind == "distinct" and not t.how else
             t.raw if t.how.startswith("abbreviation") and " " not in t.raw else "" for t in toks]
    runs = romanisation.romanised_runs(words)
    if not runs:
        return []
    out: list[NameForm] = []
    for k in range(romanisation.MAX_READINGS):
        new: list[Token] = []
        pos = 0
        steps = []
        for a, b, reads in runs:
            r = reads[min(k, len(reads) - 1)]
            raw = " ".join(t.raw for t in toks[a:b])
            new += [*toks[pos:a], Token(r, raw, kind_of(r), f"romanisation {raw}→{r}")]
            steps.append(f"{raw}→{r}")
            pos = b
        new += toks[pos:]
        f = NameForm(form.name, tuple(new), _join("other romanisation read as pinyin: " + ", ".join(steps),
                                                    form.reading), "", form.truncated)
        if all(f.tokens != o.tokens for o in out):
            out.append(f)
    return out


def _join(a: str, b: str) -> str:
    return a if b in ("", "as written") else f"{a}; {b}"


def name_key(name: str) -> str:
    """A company's key: meaningful tokens of its first reading, sorted (word order and punctuation free)."""
    return analyze(name)[0].key
