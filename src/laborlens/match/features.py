"""Graded evidence for one (listed name, query name) pair: a fixed vector of features, each in [0, 1].

Nothing here decides. Every feature is a degree of agreement or conflict (brand similarity by pinyin syllable,
place and industry agreement, legal form, numbers, country qualifiers, script channel, coverage,
truncation, acronyms); the fitted model (``laborlens.match.model``) weighs them. Work per distinct token
pair and per distinct name is cached, so a manifest that repeats words costs little.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import OSA, Indel

from laborlens.names.chinese import brand_chars
from laborlens.names.normalize import NameForm, Token
from laborlens.names.qualifiers import (
    country_qualifiers,
    is_number,
    legal_forms,
    legal_tail,
    number_words,
    numbers,
)
from laborlens.names.vocab import common_english, initial_final, pinyin_split, place_names

FEATURES = (
    "brand_cover", "brand_min", "brand_exact", "cover_all", "precision_all", "query_extra_distinct",
    "no_distinct", "english_brand", "generic_agree", "generic_conflict", "place_agree", "place_conflict",
    "place_missing", "legal_agree", "legal_conflict", "number_agree", "number_conflict", "number_missing",
    "qualifier_conflict", "qualifier_extra", "country_conflict", "han_sim", "han_brand", "cross_script",
    "truncated", "acronym", "subsidiaries", "brand_x_place_conflict", "brand_x_generic_conflict",
    "short_listed", "brand_found", "brand_absent", "cover_sq", "precision_sq", "extra_x_brand",
    "qualifier_extra_x_cover", "legal_conflict_x_cover", "number_conflict_x_cover", "all_agree",
    "brand_pinyin_changed", "identical", "close",
)
IDX = {f: i for i, f in enumerate(FEATURES)}

KIND_WEIGHT = {"distinct": 1.0, "number": 0.8, "generic": 0.25, "place": 0.35, "org": 0.12, "initial": 0.3,
               "legal": 0.0, "stop": 0.0}
ALIGN_MIN = 0.5  # below this two words are not aligned at all (their similarity is not evidence)
SKIP = ("legal", "stop")


# -- word similarity -------------------------------------------------------------------------------------
def _final_sim(a: str, b: str) -> float:
    if a == b:
        return 1.0
    ca, cb = a.rstrip("gn"), b.rstrip("gn")
    na, nb = a[len(ca):], b[len(cb):]
    if ca == cb:  # an/ang, in/ing: a nasal coda heard two ways
        return 0.75
    if bool(na) == bool(nb):  # same kind of ending, another vowel: lin/lan, long/ling, wu/wei
        return 0.55
    return 0.2  # tian/tai: another syllable


def syllable_sim(a: str, b: str) -> float:
    if a == b:
        return 1.0
    ia, fa = initial_final(a)
    ib, fb = initial_final(b)
    return (0.45 if ia == ib else 0.0) + 0.55 * _final_sim(fa, fb)


@lru_cache(maxsize=500_000)
def word_sim(a: str, b: str) -> tuple[float, str]:
    """Similarity of two words with how it was judged. Two pinyin words of the same number of syllables
    are compared syllable by syllable (initial and final), so Haolin/Haolan is close and Zhongtian/Zhongtai
    is further; other words by edit distance (Motors/Mortars, Gold/Gld)."""
    if a == b:
        return 1.0, "exact"
    if (len(a) == 1) != (len(b) == 1) and a[0] == b[0]:  # an initial: "J." ~ "John"
        return 0.6, "initial"
    if len(a) < 3 or len(b) < 3 or a.isdigit() or b.isdigit():
        return 0.0, ""
    sa, sb = pinyin_split(a), pinyin_split(b)
    if sa and sb and len(sa) == len(sb) and len(sa) > 1:
        sims = [syllable_sim(x, y) for x, y in zip(sa, sb, strict=False)]
        return 0.5 * (sum(sims) / len(sims) + min(sims)), "pinyin syllables"
    n = max(len(a), len(b))
    sim = max(Indel.normalized_similarity(a, b), 1.0 - OSA.distance(a, b) / n)
    if a[:4] == b[:4] and min(len(a), len(b)) >= 4:  # Daqo/Daquan, Agricultural/Agriculture
        sim = max(sim, 0.8)
    return sim, "spelling"


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w)


@lru_cache(maxsize=200_000)
def syllable_initials(word: str) -> str:
    """Initial letters of a pinyin word's syllables (jingao → ja), the way brands are made (JA, GCL)."""
    return "".join(s[0] for s in pinyin_split(word)) if len(pinyin_split(word)) > 1 else ""


# -- per-name preparation (cached) ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Prepared:
    tokens: tuple[Token, ...]  # dotted initials joined (A.B.C. → abc)
    numbers: frozenset[int]
    countries: frozenset[str]
    legal: frozenset[str]
    places: frozenset[str]
    provinces: frozenset[str]


@lru_cache(maxsize=1)
def _province_of() -> dict[str, str]:
    import csv

    from laborlens.refdata.catalog import DATA

    out: dict[str, str] = {}
    canon = place_names()
    with (DATA / "china_prefectures.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            key = canon.get(r["pinyin_short"].lower().replace(" ", ""), r["pinyin_short"].lower())
            out[key] = r["province_code"]
    with (DATA / "xuar_admin_divisions.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            base = (r["pinyin"] or "").split(" ")[0].lower().replace("'", "")
            if base:
                out.setdefault(canon.get(base, base), "65")
    for prov, code in (("xinjiang", "65"), ("shandong", "37"), ("sichuan", "51"), ("henan", "41"),
                       ("hebei", "13"), ("jiangsu", "32"), ("zhejiang", "33"), ("guangdong", "44"),
                       ("fujian", "35"), ("anhui", "34"), ("hunan", "43"), ("hubei", "42"), ("gansu", "62"),
                       ("yunnan", "53"), ("guangxi", "45"), ("jiangxi", "36"), ("shanxi", "14"),
                       ("shaanxi", "61"), ("liaoning", "21"), ("jilin", "22"), ("heilongjiang", "23"),
                       ("qinghai", "63"), ("ningxia", "64"), ("neimenggu", "15"), ("mongolia", "15"),
                       ("guizhou", "52"), ("hainan", "46"), ("tianjin", "12"), ("beijing", "11"),
                       ("shanghai", "31"), ("chongqing", "50"), ("xizang", "54"), ("tibet", "54")):
        out[prov] = code
    return out


def _join_initials(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and tokens[j].kind == "initial":
            j += 1
        if j - i >= 2:
            run = tokens[i:j]
            out.append(Token("".join(t.text for t in run), ".".join(t.raw for t in run) + ".", "distinct",
                             "initials joined"))
            i = j
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)


@lru_cache(maxsize=200_000)
def prepare(form: NameForm) -> Prepared:
    toks = _join_initials(form.tokens)
    words = tuple(t.raw.lower() for t in form.tokens)
    nums = numbers(tuple(t.text for t in form.tokens))
    prov = _province_of()
    places = frozenset(t.text for t in toks if t.kind == "place" and t.text != "china")
    return Prepared(
        # numbers are weighed by their own features, not as words
        tuple(t for t in toks if not (nums and (t.text in number_words() or t.text == "no" or is_number(t.text)))),
        nums, country_qualifiers(words) - {"CN"}, legal_forms(form.name) if not form.han else frozenset(),
        places, frozenset(prov[p] for p in places if p in prov))


def token_weight(t: Token, idf: dict[str, float]) -> float:
    w = KIND_WEIGHT.get(t.kind, 0.0)
    if t.kind == "distinct":
        w *= idf.get(t.text, 1.0) * (0.6 if t.text in common_english() else 1.0)
    return w


# -- the pair ---------------------------------------------------------------------------------------------
@dataclass(slots=True)
class Evidence:
    values: list[float]
    matched: list[tuple[str, str, float, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    discounted: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _assign(pairs: list, lt: tuple[Token, ...], qt: tuple[Token, ...]
            ) -> tuple[list[float], list[float], list[str], list[str]]:
    """Greedy one-to-one word alignment, best similarity first (ties: the nearer position): the similarity
    of each listed and each query word, how each listed word was matched and the query word it met."""
    pairs.sort(reverse=True)
    ls, qs = [0.0] * len(lt), [0.0] * len(qt)
    hows = [""] * len(lt)
    qraw = [""] * len(lt)
    for sim, _, i, j, how in pairs:
        if ls[i] or qs[j]:
            continue
        ls[i], qs[j], qraw[i] = sim, sim, qt[j].raw
        hows[i] = "; ".join(x for x in (qt[j].how, how) if x)
    return ls, qs, hows, qraw


def _align(lt: tuple[Token, ...], qt: tuple[Token, ...], truncated: bool
           ) -> tuple[list[float], list[float], list[str], list[str], bool]:
    """Greedy one-to-one alignment of listed and query words by similarity; returns per-token similarity
    on both sides, how each listed word was found, and whether an acronym was used."""
    last = len(qt) - 1
    pairs = []
    for i, a in enumerate(lt):
        if a.kind in SKIP:
            continue
        for j, b in enumerate(qt):
            if b.kind in SKIP:
                continue
            if truncated and j == last and len(b.text) >= 2 and a.text != b.text and a.text.startswith(b.text):
                sim, how = 0.9, f"truncated {b.raw}…"
            else:
                sim, how = word_sim(a.text, b.text)
            if sim >= ALIGN_MIN:
                pairs.append((sim, -abs(i - j), i, j, how))
    ls, qs, hows, qraw = _assign(pairs, lt, qt)
    acronym = False
    # Words split into syllables (Dong Hai → donghai) or a brand written as its initials (JA ↔ Jing Ao,
    # A.B.C. ↔ Alpha Beta Capital): compare an unaligned word with a run of unaligned words on the other side.
    for side_a, side_b, sa, sb, listed_side in ((lt, qt, ls, qs, True), (qt, lt, qs, ls, False)):
        for i, a in enumerate(side_a):
            if sa[i] or a.kind in SKIP or len(a.text) < 2:
                continue
            for j in range(len(side_b)):
                for n in (4, 3, 2):
                    run = side_b[j : j + n]
                    if len(run) < n or any(sb[j + k] or t.kind in SKIP for k, t in enumerate(run)):
                        continue
                    cat = "".join(t.text for t in run)
                    sim, how = (1.0, "joined") if cat == a.text else word_sim(a.text, cat)
                    if sim < 0.85 and len(a.text) <= 5 and a.text == _initials([t.text for t in run]):
                        sim, how, acronym = 0.9, "initials", True
                    if sim >= 0.85:
                        sa[i] = sim
                        for k in range(n):
                            sb[j + k] = sim
                        if listed_side:
                            hows[i], qraw[i] = how, " ".join(t.raw for t in run)
                        break
                if sa[i]:
                    break
            if not sa[i] and 2 <= len(a.text) <= 4:
                for j, b in enumerate(side_b):
                    if not sb[j] and b.kind not in SKIP and syllable_initials(b.text) == a.text:
                        sa[i] = sb[j] = 0.9
                        acronym = True
                        if listed_side:
                            hows[i], qraw[i] = "pinyin initials", b.raw
                        break
    return ls, qs, hows, qraw, acronym


# -- the same alignment, fast: what depends on one side only is computed once per distinct word sequence --
_MEMO_CAP = 5_000  # entries per side memo before it is dropped (bounded memory whatever the manifest)
PINYIN_MAX = 6  # letters of the longest syllable ``pinyin_split`` reads


class _Side:
    """One name's words as alignment sees them: the runs of 2-4 joinable words (in the order ``_align`` tries
    them), and, memoised per word of the other name, that word's similar words here and the runs and pinyin
    initials it is found in. Listed names keep theirs for the matcher's life, so the words a manifest repeats
    cost a dictionary look-up."""

    __slots__ = ("tokens", "runs", "_near", "_hits", "_ini")

    def __init__(self, tokens: tuple[Token, ...]) -> None:
        self.tokens = tokens
        ok = [t.kind not in SKIP for t in tokens]
        texts = [t.text for t in tokens]
        runs = []
        m = len(tokens)
        for j in range(m):
            for n in (4, 3, 2):
                if j + n > m or not all(ok[j : j + n]):
                    continue
                words = texts[j : j + n]
                cat = "".join(words)
                runs.append((j, n, cat, _initials(words), len(cat), cat.isdigit()))
        self.runs = tuple(runs)
        self._near: dict[str, tuple[tuple[int, float, str], ...]] = {}
        self._hits: dict[str, tuple[tuple[int, int, float, str, bool], ...]] = {}
        self._ini: dict[str, tuple[int, ...]] = {}

    def near(self, word: str) -> tuple[tuple[int, float, str], ...]:
        """(position, similarity, how) of this name's words ``w`` with ``word_sim(w, word) >= ALIGN_MIN``
        (this side is the listed one: ``word_sim`` takes the listed word first)."""
        hit = self._near.get(word)
        if hit is None:
            out = []
            for i, t in enumerate(self.tokens):
                if t.kind in SKIP:
                    continue
                sim, how = word_sim(t.text, word)
                if sim >= ALIGN_MIN:
                    out.append((i, sim, how))
            hit = tuple(out)
            if len(self._near) >= _MEMO_CAP:
                self._near.clear()
            self._near[word] = hit
        return hit

    def hits(self, word: str) -> tuple[tuple[int, int, float, str, bool], ...]:
        """Runs of this side that ``word`` (of the other side) is found in, in the order tried: (start,
        length, similarity, how, by initials). ``word_sim`` is only asked where it may reach 0.85: a run
        equal to the word, or (both of 3+ letters, no number) of lengths close enough for Indel or OSA
        similarity (both at most 1 - |la - lb| / (la + lb)), or pinyin of the same number of syllables."""
        hit = self._hits.get(word)
        if hit is None:
            out = []
            la = len(word)
            short = la <= 5
            fuzzy = la >= 3 and not word.isdigit()
            k = len(pinyin_split(word)) if fuzzy else 0
            for j, n, cat, ini, lc, digits in self.runs:
                if cat == word:
                    sim, how = 1.0, "joined"
                elif fuzzy and lc >= 3 and not digits and (
                        20 * abs(la - lc) <= 3 * (la + lc)
                        or (k > 1 and lc <= PINYIN_MAX * k and len(pinyin_split(cat)) == k)):
                    sim, how = word_sim(word, cat)
                else:
                    sim, how = 0.0, ""
                acr = False
                if sim < 0.85 and short and word == ini:
                    sim, how, acr = 0.9, "initials", True
                if sim >= 0.85:
                    out.append((j, n, sim, how, acr))
            hit = tuple(out)
            if len(self._hits) >= _MEMO_CAP:
                self._hits.clear()
            self._hits[word] = hit
        return hit

    def initial_hits(self, word: str) -> tuple[int, ...]:
        """Positions of this side's words whose pinyin syllable initials spell ``word`` (JA ↔ Jingao)."""
        hit = self._ini.get(word)
        if hit is None:
            hit = tuple(j for j, b in enumerate(self.tokens)
                        if b.kind not in SKIP and syllable_initials(b.text) == word)
            if len(self._ini) >= _MEMO_CAP:
                self._ini.clear()
            self._ini[word] = hit
        return hit


_BY_ID: dict[int, tuple[NameForm, Prepared, _Side]] = {}


def prepared(form: NameForm) -> tuple[Prepared, _Side]:
    """``prepare(form)`` and its alignment side, found by the form's identity first (hashing a form hashes
    every token: that cost more than the features themselves). The entry holds the form, so its id is not
    reused while the entry lives."""
    hit = _BY_ID.get(id(form))
    if hit is not None and hit[0] is form:
        return hit[1], hit[2]
    p = prepare(form)
    s = _side(p.tokens)
    if len(_BY_ID) >= 20_000:
        _BY_ID.clear()
    _BY_ID[id(form)] = (form, p, s)
    return p, s


@lru_cache(maxsize=8192)
def _side(tokens: tuple[Token, ...]) -> _Side:
    return _Side(tokens)


def _align_fast(ls_: _Side, qs_: _Side, truncated: bool
                ) -> tuple[list[float], list[float], list[str], list[str], bool]:
    """``_align`` with the same answer for every pair (tests compare them): the word-by-word similarities
    come from the listed side's memo, the runs each word is found in from the other side's."""
    lt, qt = ls_.tokens, qs_.tokens
    last = len(qt) - 1
    pairs = []
    for j, b in enumerate(qt):
        if b.kind in SKIP:
            continue
        if truncated and j == last and len(b.text) >= 2:
            for i, a in enumerate(lt):
                if a.kind in SKIP:
                    continue
                if a.text != b.text and a.text.startswith(b.text):
                    pairs.append((0.9, -abs(i - j), i, j, f"truncated {b.raw}…"))
                else:
                    sim, how = word_sim(a.text, b.text)
                    if sim >= ALIGN_MIN:
                        pairs.append((sim, -abs(i - j), i, j, how))
            continue
        for i, sim, how in ls_.near(b.text):
            pairs.append((sim, -abs(i - j), i, j, how))
    ls, qs, hows, qraw = _assign(pairs, lt, qt)
    acronym = False
    for side_a, side_b, other, sa, sb, listed_side in ((lt, qt, qs_, ls, qs, True), (qt, lt, ls_, qs, ls, False)):
        for i, a in enumerate(side_a):
            if sa[i] or a.kind in SKIP or len(a.text) < 2:
                continue
            for j, n, sim, how, acr in other.hits(a.text):
                if any(sb[j : j + n]):
                    continue
                sa[i] = sim
                for k in range(n):
                    sb[j + k] = sim
                acronym = acronym or acr
                if listed_side:
                    hows[i], qraw[i] = how, " ".join(t.raw for t in side_b[j : j + n])
                break
            if not sa[i] and 2 <= len(a.text) <= 4:
                for j in other.initial_hits(a.text):
                    if not sb[j]:
                        sa[i] = sb[j] = 0.9
                        acronym = True
                        if listed_side:
                            hows[i], qraw[i] = "pinyin initials", other.tokens[j].raw
                        break
    return ls, qs, hows, qraw, acronym


def pair_features(listed: NameForm, query: NameForm, idf: dict[str, float], *, covers: bool = False,
                  country_differs: bool = False, reference: bool = False) -> Evidence:
    (lp, lside), (qp, qside) = prepared(listed), prepared(query)
    lt, qt = lp.tokens, qp.tokens
    # ``reference``: the plain alignment the fast one must equal (tests)
    ls, qs, hows, qraw, acronym = (_align(lt, qt, query.truncated) if reference
                                   else _align_fast(lside, qside, query.truncated))
    lw = [token_weight(t, idf) for t in lt]
    qw = [token_weight(t, idf) for t in qt]
    ev = Evidence([0.0] * len(FEATURES))
    v = ev.values

    # truncation: listed words after the query's last aligned word are not held against a cut-off name
    upto = len(lt)
    last = len(qt) - 1
    fragment = bool(query.truncated and qt and not qs[last] and len(qt[last].text) <= 3)
    if fragment:
        qw[last] = 0.0
    if query.truncated and any(ls):
        upto = max(i for i, s in enumerate(ls) if s) + 1
        if upto < len(lt) and any(t.kind not in SKIP for t in lt[upto:]):
            v[IDX["truncated"]] = 1.0
            ev.notes.append(f"query looks truncated; {sum(t.kind not in SKIP for t in lt[upto:])} trailing "
                            f"listed word(s) not required")

    dist = [i for i in range(len(lt)) if lt[i].kind in ("distinct", "number")]
    dist_upto = [i for i in dist if i < upto]
    if dist:
        d = dist_upto or dist
        tot = sum(lw[i] for i in d) or 1e-9
        v[IDX["brand_cover"]] = sum(lw[i] * ls[i] for i in d) / tot
        v[IDX["brand_min"]] = min(ls[i] for i in d)
        v[IDX["brand_exact"]] = sum(lw[i] for i in d if ls[i] == 1.0) / tot
        v[IDX["english_brand"]] = float(all(lt[i].text in common_english() for i in dist))
    else:
        v[IDX["no_distinct"]] = 1.0
        frame = [i for i in range(upto) if lt[i].kind in ("generic", "place")]
        if frame:
            tot = sum(lw[i] for i in frame) or 1e-9
            v[IDX["brand_cover"]] = sum(lw[i] * ls[i] for i in frame) / tot
            v[IDX["brand_min"]] = min(ls[i] for i in frame)
            v[IDX["brand_exact"]] = sum(lw[i] for i in frame if ls[i] == 1.0) / tot
    l_tot = sum(lw[:upto]) or 1e-9
    q_tot = sum(qw) or 1e-9
    v[IDX["cover_all"]] = sum(w * s for w, s in zip(lw[:upto], ls[:upto], strict=False)) / l_tot
    v[IDX["precision_all"]] = sum(w * s for w, s in zip(qw, qs, strict=False)) / q_tot
    v[IDX["query_extra_distinct"]] = sum(qw[j] for j, t in enumerate(qt)
                                         if t.kind in ("distinct", "number") and not qs[j]) / q_tot
    v[IDX["short_listed"]] = float(sum(t.kind not in SKIP for t in lt) <= 1)

    lg = [i for i, t in enumerate(lt) if t.kind == "generic"]
    qg = [j for j, t in enumerate(qt) if t.kind == "generic"]
    if lg:
        v[IDX["generic_agree"]] = sum(1 for i in lg if ls[i]) / len(lg)
    if lg and qg and not any(ls[i] for i in lg) and any(not qs[j] for j in qg):
        v[IDX["generic_conflict"]] = 1.0
        ev.notes.append("industry words differ")
    if lp.places and qp.places:
        if lp.places & qp.places or lp.provinces & qp.provinces:
            v[IDX["place_agree"]] = 1.0
        else:
            v[IDX["place_conflict"]] = 1.0
            ev.notes.append(f"place differs: {', '.join(sorted(qp.places))} vs listed "
                            f"{', '.join(sorted(lp.places))}")
    elif lp.places and not qp.places:
        v[IDX["place_missing"]] = 1.0
    if lp.legal and qp.legal:
        # GmbH & Co. KG written "GMBH CO KG" is still a GmbH & Co. KG: a form inside another agrees
        # ... but the form a name ends with decides: "GmbH & Co. GmbH" is not a "GmbH & Co. KG"
        tl, tq = legal_tail(listed.name), legal_tail(query.name)
        tails = not tl or not tq or tl.endswith(tq) or tq.endswith(tl)
        if tails and (lp.legal & qp.legal or any(a in b or b in a for a in lp.legal for b in qp.legal)):
            v[IDX["legal_agree"]] = 1.0
        else:
            v[IDX["legal_conflict"]] = 1.0
            ev.notes.append(f"legal form {'/'.join(sorted(qp.legal))} differs from listed "
                            f"{'/'.join(sorted(lp.legal))}")
    if lp.numbers and qp.numbers:
        if lp.numbers == qp.numbers:
            v[IDX["number_agree"]] = 1.0
        else:
            v[IDX["number_conflict"]] = 1.0
            ev.notes.append("numbers differ: " + ", ".join(map(str, sorted(qp.numbers))) + " vs listed "
                            + ", ".join(map(str, sorted(lp.numbers))))
    elif lp.numbers or qp.numbers:
        v[IDX["number_missing"]] = 1.0
    if lp.countries and qp.countries and not lp.countries & qp.countries:
        v[IDX["qualifier_conflict"]] = 1.0
        ev.notes.append(f"country qualifier {'/'.join(sorted(qp.countries))} vs listed "
                        f"{'/'.join(sorted(lp.countries))}")
    elif bool(lp.countries) != bool(qp.countries):
        v[IDX["qualifier_extra"]] = 1.0
        ev.notes.append("only one name carries a country qualifier (another subsidiary?)")
    v[IDX["country_conflict"]] = float(country_differs)
    if listed.han and query.han:
        v[IDX["han_sim"]] = Indel.normalized_similarity(listed.han, query.han)
        bc = brand_chars(listed.han)
        v[IDX["han_brand"]] = len(bc & set(query.han)) / len(bc) if bc else v[IDX["han_sim"]]
    elif query.han and not listed.han:
        v[IDX["cross_script"]] = 1.0
    v[IDX["acronym"]] = float(acronym)
    # a brand word that reads as another pinyin name (Tianwei/Tianmei), not as a slip of the keyboard
    v[IDX["brand_pinyin_changed"]] = float(any(ls[i] < 1.0 and hows[i].endswith("pinyin syllables") for i in dist))
    v[IDX["subsidiaries"]] = float(covers and bool(dist) and all(ls[i] >= 0.99 for i in dist))
    if v[IDX["subsidiaries"]]:
        # the listing covers its subsidiaries: another place or trade is what a subsidiary looks like, not a
        # conflict
        v[IDX["place_conflict"]] = v[IDX["generic_conflict"]] = v[IDX["place_missing"]] = 0.0
    v[IDX["brand_x_place_conflict"]] = v[IDX["brand_cover"]] * v[IDX["place_conflict"]]
    v[IDX["brand_x_generic_conflict"]] = v[IDX["brand_cover"]] * v[IDX["generic_conflict"]]
    # a few non-linear terms, so that a linear model can say "all of the brand" and "none of it"
    v[IDX["brand_found"]] = float(v[IDX["brand_min"]] >= 0.99)
    v[IDX["brand_absent"]] = float(v[IDX["brand_cover"]] < 0.5)
    v[IDX["cover_sq"]] = v[IDX["cover_all"]] ** 2
    v[IDX["precision_sq"]] = v[IDX["precision_all"]] ** 2
    v[IDX["extra_x_brand"]] = v[IDX["query_extra_distinct"]] * v[IDX["brand_cover"]]
    v[IDX["qualifier_extra_x_cover"]] = v[IDX["qualifier_extra"]] * v[IDX["cover_all"]]
    v[IDX["legal_conflict_x_cover"]] = v[IDX["legal_conflict"]] * v[IDX["cover_all"]]
    v[IDX["number_conflict_x_cover"]] = v[IDX["number_conflict"]] * v[IDX["cover_all"]]
    conflicts = ("generic_conflict", "place_conflict", "legal_conflict", "number_conflict", "qualifier_conflict",
                 "qualifier_extra", "number_missing")
    v[IDX["all_agree"]] = float(min(v[IDX["cover_all"]], v[IDX["precision_all"]]) >= 0.99
                                and not any(v[IDX[c]] for c in conflicts))
    # the same name after normalisation: every word on both sides, the distinctive ones spelt exactly, no
    # conflict of any kind — graded by the share of the brand found letter for letter
    strict = (*conflicts, "country_conflict", "truncated", "acronym", "cross_script")
    v[IDX["identical"]] = (v[IDX["brand_exact"]] * min(v[IDX["cover_all"]], v[IDX["precision_all"]])
                           if v[IDX["all_agree"]] and not any(v[IDX[c]] for c in strict) else 0.0)

    # graded closeness: how near both coverages are to whole, when nothing conflicts (a typo or a spelling
    # leaves the name close, not identical)
    if not any(v[IDX[c]] for c in (*conflicts, "country_conflict")):
        v[IDX["close"]] = min(1.0, max(0.0, (min(v[IDX["cover_all"]], v[IDX["precision_all"]]) - 0.75) / 0.25))

    for i, t in enumerate(lt):
        if ls[i] and t.kind not in SKIP:
            how = "; ".join(x for x in hows[i].split("; ") if x != "exact")
            via = "; ".join(dict.fromkeys(x for x in (t.how, how) if x))
            ev.matched.append((t.raw, qraw[i], round(ls[i], 3), via))
    ev.missing = [t.raw for i, t in enumerate(lt[:upto]) if not ls[i] and t.kind not in SKIP]
    ev.extra = [t.raw for j, t in enumerate(qt) if not qs[j] and t.kind not in SKIP and qw[j]]
    ev.discounted = sorted({t.raw for t in (*listed.tokens, *query.tokens) if t.kind in SKIP})
    return ev
