"""Candidate retrieval: an inverted index over the lists' tokens, with a deletion index for misspellings, a
prefix lookup for truncated names and Han bigrams for Chinese aliases. Cost per query depends on the
query's tokens and their postings, not on the number of listed entities; very common tokens (place and
industry words) are only used when a name has nothing rarer.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from laborlens.match.features import syllable_initials
from laborlens.model import WatchEntry
from laborlens.names.normalize import NameForm, Token, analyze, kind_of
from laborlens.names.vocab import ABBREVIATIONS, GENERIC, LEGAL, LEGAL_CANON, STOP, pinyin_split, place_names, singular

RETRIEVE_KINDS = ("distinct", "number", "generic", "place", "org")
_COVERS = re.compile(r"subsidiar|subordinate|affiliated entities", re.I)


_EMPTY: set[int] = set()  # the answer for a word nobody lists (never mutated)
_EMPTY_WORDS: frozenset[str] = frozenset()


def _deletes(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        nxt = set()
        for w in frontier:
            for i in range(len(w)):
                nxt.add(w[:i] + w[i + 1 :])
        out |= nxt
        frontier = nxt
    return out


def _depth(word: str) -> int:
    return 0 if len(word) < 4 else 1 if len(word) < 8 else 2


@dataclass(frozen=True, slots=True)
class IndexedName:
    entry: int  # position in WatchlistIndex.entries
    name: str
    alias: bool
    form: NameForm
    weights: tuple[float, ...] = ()


class WatchlistIndex:
    def __init__(self, entries: Sequence[WatchEntry], extra_names: Mapping[str, Sequence[str]] | None = None,
                 common_cut: int = 30) -> None:
        self.entries = list(entries)
        self.names: list[IndexedName] = []
        # Listings that name "X and its subsidiaries" / "subordinate and affiliated entities"
        self.covers_subsidiaries = {ei for ei, e in enumerate(self.entries)
                                    if any(_COVERS.search(n) for n in e.all_names)}
        extra_names = extra_names or {}
        for ei, e in enumerate(self.entries):
            if e.kind != "entity":
                continue
            for ni, text in enumerate((*e.all_names, *extra_names.get(e.entity_id, ()))):
                for form in analyze(text):
                    if form.tokens or form.han:
                        self.names.append(IndexedName(ei, text, ni > 0, form))
        df: Counter[str] = Counter()
        per_entry: dict[int, set[str]] = defaultdict(set)
        self.postings: dict[str, set[int]] = defaultdict(set)
        # Names with no distinctive word ("Xinjiang Energy (Group) Co., Ltd.") can only be found through their
        # place and industry words; every other name is found through its distinctive words.
        self.weak_postings: dict[str, set[int]] = defaultdict(set)
        self.weak_need: dict[int, int] = {}  # words such a name needs the query to share (all but one of 3+)
        self.han_postings: dict[str, set[int]] = defaultdict(set)
        # brands written as their pinyin initials: "jingao" is found by "JA"
        self.initial_postings: dict[str, set[int]] = defaultdict(set)
        kinds: dict[str, str] = {}
        for idx, n in enumerate(self.names):
            for t in n.form.tokens:
                if t.kind in RETRIEVE_KINDS:
                    self.postings[t.text].add(idx)
                    per_entry[n.entry].add(t.text)
                    kinds[t.text] = t.kind
            if not any(t.kind in ("distinct", "number") for t in n.form.tokens):
                weak = {t.text for t in n.form.tokens if t.kind in ("place", "generic")}
                self.weak_need[idx] = max(1, len(weak) - (1 if len(weak) >= 3 else 0))
                for w in weak:
                    self.weak_postings[w].add(idx)
            for bg in _bigrams(n.form.han):
                self.han_postings[bg].add(idx)
            for t in n.form.tokens:
                if t.kind == "distinct":
                    ini = syllable_initials(t.text)
                    if len(ini) >= 2:
                        self.initial_postings[ini].add(idx)
        for toks in per_entry.values():
            df.update(toks)
        n_entries = max(1, len(per_entry))
        # Rarity across the lists: a word shared by many listed names says less about which one is meant.
        self.idf = {t: max(0.5, min(1.5, 1.0 + 0.35 * math.log(n_entries / (1 + c)) / math.log(10)))
                    for t, c in df.items()}
        self.kinds = kinds
        from laborlens.match.score import weights

        self.names = [IndexedName(n.entry, n.name, n.alias, n.form, tuple(weights(n.form.tokens, self.idf)))
                      for n in self.names]
        self.vocab = sorted(self.postings)
        # A fixed cut (not a share of the list) keeps the work per query flat as lists grow.
        self._common_cut = common_cut
        self._del: dict[str, set[str]] = defaultdict(set)
        self._misspelt_memo: dict[str, frozenset[str]] = {}
        spellings: dict[str, set[str]] = defaultdict(set)  # as written ("biotech") → canonical token
        for n in self.names:
            for t in n.form.tokens:
                if t.kind in ("distinct", "generic", "place"):
                    spellings[t.text].add(t.text)
                    raw = t.raw.lower()
                    if raw.isalnum() and raw != t.text:
                        spellings[raw].add(t.text)
        for w, targets in spellings.items():
            for d in _deletes(w, _depth(w)):
                self._del[d] |= targets
        # words a run-together name may be made of: the lists' own words first, then legal, stop, industry
        # and place words (``wordsegment`` knows English, not brands or pinyin)
        self._split_vocab = (set(kinds) | set(spellings) | LEGAL | set(LEGAL_CANON) | STOP | GENERIC
                             | set(place_names()) | set(ABBREVIATIONS))

    def __len__(self) -> int:
        return len(self.entries)

    # -- query-side help that needs the lists' vocabulary -------------------------------------------------
    def regroup(self, form: NameForm) -> NameForm | None:
        """Re-split run-together words ("ASHELECOPPER") and re-join split ones ("Join World") against the
        lists' vocabulary. Returns a new form when something changed."""
        toks = list(form.tokens)
        changed = False
        out: list[Token] = []
        i = 0
        while i < len(toks):
            t = toks[i]
            joined = None
            for n in (3, 2):
                if i + n <= len(toks):
                    cat = "".join(x.text for x in toks[i : i + n])
                    if (cat in self.kinds or cat in place_names()) and not all(
                            x.text in self.kinds for x in toks[i : i + n]):
                        joined = (n, cat)
                        break
            if joined:
                n, cat = joined
                raw = " ".join(x.raw for x in toks[i : i + n])
                canon = place_names().get(cat, cat) if cat not in self.kinds else cat
                out.append(Token(canon, raw, self.kinds.get(canon) or kind_of(canon), f"joined {raw}→{cat}"))
                i += n
                changed = True
                continue
            if t.kind == "distinct" and t.text not in self.kinds and len(t.text) >= 5:
                parts = self._split(t.text)
                if parts:
                    how = f"split {t.raw}→{' '.join(parts)}"
                    for p in parts:
                        for tok in analyze(p)[0].tokens:
                            out.append(Token(tok.text, t.raw, tok.kind, how))
                    i += 1
                    changed = True
                    continue
            out.append(t)
            i += 1
        if not changed:
            return None
        reading = "regrouped" if form.reading == "as written" else form.reading + "; regrouped"
        return NameForm(form.name, tuple(out), reading, form.han, form.truncated)

    def _known_piece(self, piece: str) -> bool:
        if len(piece) == 2:  # "co", "ja", "hy": only as a word of a listed name or a legal form
            return piece in self.kinds or piece in LEGAL
        return piece in self._split_vocab or singular(piece) in self._split_vocab

    def _split(self, word: str) -> list[str] | None:
        """Fewest-pieces split of ``word`` into known words (dynamic programming)."""
        n = len(word)
        best: list[list[str] | None] = [None] * (n + 1)
        best[0] = []
        for end in range(1, n + 1):
            for start in range(max(0, end - 20), end - 1):
                piece = word[start:end]
                prev = best[start]
                if prev is not None and self._known_piece(piece):
                    cand = prev + [piece]
                    if best[end] is None or len(cand) < len(best[end]):  # type: ignore[arg-type]
                        best[end] = cand
        res = best[n]
        return res if res and 2 <= len(res) <= 4 else None

    # -- retrieval --------------------------------------------------------------------------------------
    def _misspelt(self, word: str) -> frozenset[str]:
        """Listed words within the deletion distance of ``word``; remembered per distinct word (bounded),
        since a manifest repeats its unlisted brands."""
        memo = self._misspelt_memo
        hit = memo.get(word)
        if hit is None:
            found: set[str] = set()
            for d in _deletes(word, _depth(word)):
                found |= self._del.get(d, _EMPTY_WORDS)
            hit = frozenset(found)
            if len(memo) >= 100_000:
                memo.clear()
            memo[word] = hit
        return hit

    def candidates(self, forms: Iterable[NameForm]) -> set[int]:
        """Indexed-name positions worth scoring for any of the query's forms."""
        found: set[int] = set()
        for form in forms:
            rare: set[int] = set()
            common: set[int] = set()
            weak_hits: Counter[int] = Counter()
            last = len(form.tokens) - 1
            for j, t in enumerate(form.tokens):
                if t.kind not in RETRIEVE_KINDS:
                    continue
                words = {t.text} if t.text in self.postings else set()
                # Known words get no fuzzy credit when scored, so only unknown ones look for misspellings.
                if not words and t.kind == "distinct" and len(t.text) >= 4:
                    words = set(self._misspelt(t.text))
                if form.truncated and j == last and len(t.text) >= 2:
                    k = bisect.bisect_left(self.vocab, t.text)
                    while k < len(self.vocab) and self.vocab[k].startswith(t.text) and k < len(self.vocab):
                        words.add(self.vocab[k])
                        k += 1
                for w in words:
                    if self.kinds[w] in ("distinct", "number"):
                        post = self.postings[w]
                        (common if len(post) > self._common_cut else rare).update(post)
                    else:
                        weak_hits.update(self.weak_postings.get(w, ()))
            rare.update(i for i, c in weak_hits.items() if c >= self.weak_need[i])
            for t in form.tokens:
                if t.kind == "distinct" and 2 <= len(t.text) <= 4 and t.text not in self.postings:
                    post = self.initial_postings.get(t.text, _EMPTY)
                    if len(post) <= self._common_cut:
                        rare.update(post)
            # syllables written one per word (Jing Ao): their initials may be a listed brand (JA)
            toks = form.tokens
            for j in range(len(toks) - 1):
                for n in (2, 3):
                    run = toks[j : j + n]
                    if len(run) == n and all(len(pinyin_split(x.text)) == 1 for x in run):
                        ini = "".join(x.text[0] for x in run)
                        post = self.postings.get(ini, _EMPTY)
                        if ini in self.kinds and self.kinds[ini] == "distinct" and len(post) <= self._common_cut:
                            rare.update(post)
            if not any(t.kind in ("distinct", "number") and t.text in self.postings for t in form.tokens):
                # nothing distinctive in common (a name cut before its brand, or only industry words): the
                # names that contain every one of the query's place and industry words
                sets = [self.postings[t.text] for t in form.tokens
                        if t.kind in ("place", "generic") and t.text in self.postings]
                if len(sets) >= 2:
                    inter = set.intersection(*sorted(sets, key=len))
                    if len(inter) <= self._common_cut:
                        rare |= inter
            found |= rare if rare else common
            for bg in _bigrams(form.han):
                post = self.han_postings.get(bg, _EMPTY)
                if post and len(post) <= self._common_cut:
                    found |= post
        return found


def _bigrams(han: str) -> set[str]:
    return {han[i : i + 2] for i in range(len(han) - 1)} if han else set()
