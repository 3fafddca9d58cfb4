"""Pure, picklable pair scoring: two analysed names in, a score in [0, 1] with its features out.

Tokens are weighted by kind and rarity. A match needs the *distinctive* part of the listed name: place,
industry and legal words alone can never carry a score past the review threshold. Explanations are data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz.distance import OSA, Indel

from laborlens.names.normalize import NameForm, Token
from laborlens.names.vocab import common_english, pinyin_syllable_count

KIND_WEIGHT = {"distinct": 1.0, "number": 0.8, "generic": 0.22, "place": 0.3, "org": 0.12, "initial": 0.3,
               "legal": 0.02, "stop": 0.0}
FUZZY_MIN = 0.8  # Indel similarity under which two tokens are different words
DISTINCT_MIN = 0.5  # share of the listed name's distinctive weight that must be found


@dataclass(slots=True)
class PairScore:
    score: float
    matched: list[tuple[str, str, float, str]] = field(default_factory=list)  # (listed, query, sim, how)
    missing: list[str] = field(default_factory=list)  # listed tokens not found
    extra: list[str] = field(default_factory=list)  # query tokens not on the listed name
    discounted: list[str] = field(default_factory=list)  # legal forms etc.
    notes: list[str] = field(default_factory=list)
    brand: tuple[str, ...] = ()  # the listed name's distinctive words, when every one of them was found


def token_sim(a: Token, b: Token, allow_prefix: bool, known: frozenset[str] | dict = frozenset()
              ) -> tuple[float, str]:
    """Similarity of a listed token ``a`` and a query token ``b`` with the reason.

    Fuzzy credit is for misspellings only: a query word that is itself a known word (on the lists or in the
    industry, place and legal vocabularies) is a different word, not a typo, and two different words that
    both read as pinyin are two different names (Tianwei is not Tianmei).
    """
    if a.text == b.text:
        return 1.0, "exact"
    if allow_prefix and (len(b.text) >= 2 or a.kind == "legal") and (
            a.text.startswith(b.text) or a.raw.lower().startswith(b.text)):
        return 0.9, f"truncated {b.raw}…"
    if b.kind == "stop" or (b.kind == "legal" and a.kind != "legal"):
        return 0.0, ""
    if a.kind in ("legal", "stop"):  # a misspelt legal form ("Limietd") is still the legal form
        if a.kind == "legal" and b.kind == "distinct" and b.text not in known and len(b.text) >= 5 \
                and OSA.distance(a.raw.lower(), b.text) == 1:
            return 0.85, "spelling"
        return 0.0, ""
    if len(a.text) == 1 or len(b.text) == 1:  # initials in person names: "J." ~ "John"
        if allow_prefix:  # a cut-off fragment is not an initial
            return 0.0, ""
        if a.text[0] == b.text[0] and (len(a.text) == 1) != (len(b.text) == 1):
            return 0.6, "initial"
        return 0.0, ""
    if b.kind not in ("distinct",) or b.text in known or a.text.isdigit() or b.text.isdigit():
        return 0.0, ""
    if a.kind == "distinct" and len(a.text) == len(b.text):
        # same length, same number of syllables: a syllable was swapped (Tianwei/Tianmei), a new name;
        # a dropped or added letter (Guanghui/Guanhui) is a typo
        na, nb = pinyin_syllable_count(a.text), pinyin_syllable_count(b.text)
        if na and na == nb:
            return 0.0, ""
    best = 0.0
    for at in {a.text, a.raw.lower()}:
        n = min(len(at), len(b.text))
        d = OSA.distance(at, b.text)
        if (d == 1 and n >= 3) or (d == 2 and n >= 7):
            best = max(best, 0.85, Indel.normalized_similarity(at, b.text))
        elif n >= 4:
            sim = Indel.normalized_similarity(at, b.text)
            if sim >= FUZZY_MIN:
                best = max(best, sim)
    return (best, "spelling") if best else (0.0, "")


ENGLISH_FACTOR = 0.6  # an ordinary English word (Camel, Hope, Library) names a company less than a brand


def _weights(tokens: tuple[Token, ...], idf: dict[str, float]) -> list[float]:
    english = common_english()
    return [KIND_WEIGHT[t.kind] * (idf.get(t.text, 1.0) * (ENGLISH_FACTOR if t.text in english else 1.0)
                                   if t.kind == "distinct" else 1.0) for t in tokens]


def weights(tokens: tuple[Token, ...], idf: dict[str, float]) -> list[float]:
    return _weights(tokens, idf)


def score_forms(listed: NameForm, query: NameForm, idf: dict[str, float],
                known: frozenset[str] | dict = frozenset(), lw: list[float] | None = None,
                qw: list[float] | None = None) -> PairScore:
    lt, qt = listed.tokens, query.tokens
    lw = lw if lw is not None else _weights(lt, idf)
    qw = qw if qw is not None else _weights(qt, idf)
    last = len(qt) - 1
    pairs = []
    q_pos: dict[str, list[int]] = {}
    for j, b in enumerate(qt):
        q_pos.setdefault(b.text, []).append(j)
    for i, a in enumerate(lt):
        for j in q_pos.get(a.text, ()):
            pairs.append((1.0, -abs(i - j), i, j, "exact"))
    # Only words that could be misspelt, cut or initials are compared letter by letter.
    initials = any(len(t.text) == 1 for t in lt)
    fuzzy_q = [j for j, b in enumerate(qt)
               if initials or len(b.text) == 1 or (query.truncated and j == last)
               or (b.kind == "distinct" and b.text not in known)]
    if fuzzy_q:
        for i, a in enumerate(lt):
            if a.kind == "stop":
                continue
            for j in fuzzy_q:
                if qt[j].text == a.text:
                    continue
                sim, how = token_sim(a, qt[j], query.truncated and j == last, known)
                if sim > 0:
                    pairs.append((sim, -abs(i - j), i, j, how))
    pairs.sort(reverse=True)
    lsim = [0.0] * len(lt)
    qsim = [0.0] * len(qt)
    out = PairScore(0.0)
    for sim, _, i, j, how in pairs:
        if lsim[i] or qsim[j]:
            continue
        lsim[i] = qsim[j] = sim
        if lt[i].kind not in ("legal", "stop"):
            detail = how if how != "exact" else ""
            via = "; ".join(dict.fromkeys(x for x in (lt[i].how, qt[j].how, detail) if x))
            out.matched.append((lt[i].raw, qt[j].raw, round(sim, 3), via))

    # A truncated query cannot be blamed for the listed words after its cut, provided the cut is where the
    # query ends (its last whole word matched the listed name).
    upto = len(lt)
    # a one- or two-letter remnant ("CO L", "INDUSTRY C"); longer cut words match by prefix above
    fragment = bool(query.truncated and qt and not qsim[last] and len(qt[last].text) <= 2
                    and qt[last].text not in known)
    tail = last - 1 if fragment else last
    while tail >= 0 and qt[tail].kind in ("stop", "legal"):
        tail -= 1
    if query.truncated and tail >= 0 and qsim[tail]:
        matched_pos = [i for i, s in enumerate(lsim) if s]
        upto = max(matched_pos) + 1 if matched_pos else len(lt)
        if upto < len(lt):
            out.notes.append(f"query looks truncated; {len(lt) - upto} trailing listed word(s) not required")

    # The cut-off last word of a truncated name ("CO L", "TEXTIL") is not evidence either way.
    qw_eff = list(qw)
    if fragment:
        qw_eff[last] = 0.0
    l_total = sum(lw[:upto]) or 1e-9
    q_total = sum(qw_eff) or 1e-9
    recall = sum(w * s for w, s in zip(lw[:upto], lsim[:upto], strict=False)) / l_total
    precision = sum(w * s for w, s in zip(qw_eff, qsim, strict=False)) / q_total
    score = 0.6 * recall + 0.4 * precision

    d_idx = [i for i in range(upto) if lt[i].kind in ("distinct", "number")]
    all_d = [i for i in range(len(lt)) if lt[i].kind in ("distinct", "number")]
    if all_d and all(lsim[i] for i in all_d):
        out.brand = tuple(lt[i].text for i in all_d)
    if d_idx:
        d_found = sum(lw[i] * lsim[i] for i in d_idx) / sum(lw[i] for i in d_idx)
        top = max(d_idx, key=lambda i: lw[i])
        if d_found < DISTINCT_MIN or (not lsim[top] and lw[top] > max((lw[i] for i in d_idx if i != top), default=0.0)):
            score *= 0.55
            out.notes.append("the distinctive part of the listed name was not found")
    else:
        # A name made only of place/industry words is its own distinctive part: it needs all of it, and
        # a query that adds a distinctive word of its own names some other company.
        non_legal = [i for i in range(upto) if lt[i].kind not in ("legal", "stop", "org")]
        if any(not lsim[i] for i in non_legal):
            score *= 0.75
            out.notes.append("listed name has no distinctive word; all of it is required")
        elif any(not qsim[j] and t.kind in ("generic", "place") and qw_eff[j] for j, t in enumerate(qt)):
            score *= 0.75  # "Xinjiang New Energy" is not "Xinjiang Energy": nothing else tells them apart
            out.notes.append("listed name has no distinctive word; the query adds words of its own")
    # Conflicts: the listed name's industry (or place) words all absent while the query has its own.
    for kind, factor, label in (("generic", 0.8, "industry"), ("place", 0.85, "place")):
        l_k = [i for i in range(upto) if lt[i].kind == kind]
        q_k = [j for j, t in enumerate(qt) if t.kind == kind]
        if l_k and q_k and not any(lsim[i] for i in l_k) and not any(qsim[j] for j in q_k):
            score *= factor
            out.notes.append(f"{label} words differ")
    q_extra_d = [j for j, t in enumerate(qt) if t.kind in ("distinct", "number") and not qsim[j] and qw_eff[j]]
    if q_extra_d:
        share = sum(qw_eff[j] for j in q_extra_d) / q_total
        score *= 1.0 - 0.6 * share
        out.notes.append("query has distinctive words the listed name lacks")

    out.score = max(0.0, min(1.0, score))
    out.missing = [t.raw for i, t in enumerate(lt[:upto]) if not lsim[i] and t.kind not in ("legal", "stop")]
    out.extra = [t.raw for j, t in enumerate(qt) if not qsim[j] and t.kind not in ("legal", "stop")]
    out.discounted = sorted({t.raw for t in (*lt, *qt) if t.kind in ("legal", "stop")})
    return out


def score_han(listed: NameForm, query: NameForm) -> float:
    """Script-to-script comparison of the Han cores (legal forms removed), for Chinese aliases."""
    if not listed.han or not query.han:
        return 0.0
    return Indel.normalized_similarity(listed.han, query.han)
