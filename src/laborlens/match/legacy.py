"""The previous scorer (hand-set gates over token alignment), frozen for comparison in ``bench match``.

Do not improve it: it is the "before" of the before/after figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from laborlens.match.index import WatchlistIndex
from laborlens.match.matcher import MatchResult, RemembersBest, Thresholds, country_code
from laborlens.match.score import PairScore, score_forms, score_han, weights
from laborlens.model import WatchEntry
from laborlens.names.chinese import brand_chars
from laborlens.names.normalize import NameForm, analyze
from laborlens.names.vocab import pinyin_syllable_count

HAN_MIN = 0.8
CANDIDATE_FLOOR = 0.3
LEGACY_THRESHOLDS = Thresholds(0.75, 0.5, "legacy calibration 2026-11-25 (dev set)")


class LegacyMatcher(RemembersBest):
    """The scorer before issue 9 (hand-set gates), kept importable so ``bench match`` can print it beside the
    fitted scorer. Not used for screening."""

    def __init__(self, entries: Sequence[WatchEntry], thresholds: Thresholds | None = None,
                 extra_names: Mapping[str, Sequence[str]] | None = None) -> None:
        self.entries = list(entries)
        self.extra_names = extra_names
        self.thresholds = thresholds or LEGACY_THRESHOLDS
        self.index = WatchlistIndex(self.entries, extra_names)
        self._memo: dict[tuple[str, str, str], MatchResult] = {}

    def __reduce__(self):
        return (LegacyMatcher, (self.entries, self.thresholds, self.extra_names))

    def query_forms(self, name: str) -> list[NameForm]:
        forms = list(analyze(name))
        for f in list(forms):
            g = self.index.regroup(f)
            if g is not None:
                forms.append(g)
        return forms

    def decide(self, score: float) -> str:
        if score >= self.thresholds.match:
            return "match"
        if score >= self.thresholds.review:
            return "review"
        return "clear"

    def match(self, name: str, country: str = "", address: str = "", top: int = 1) -> list[MatchResult]:
        """Best candidates for one name, best first (``top`` of them, at least one result)."""
        forms = self.query_forms(name)
        if not any(f.tokens or f.han for f in forms) and any(ch.isalpha() for ch in name):
            # Cyrillic, Arabic-script Uyghur...: nothing to compare, so a person must read it
            return [MatchResult(name, round(self.thresholds.review, 4), "review",
                                notes=["name not readable here (no Latin or Chinese letters): check by hand"])]
        qweights = [weights(f.tokens, self.index.idf) for f in forms]
        best: dict[int, tuple[float, PairScore, int, NameForm]] = {}
        for ni in sorted(self.index.candidates(forms)):  # sorted: ties go to the primary name
            iname = self.index.names[ni]
            for qf, qw in zip(forms, qweights, strict=False):
                ps = score_forms(iname.form, qf, self.index.idf, self.index.kinds, list(iname.weights), qw)
                h = score_han(iname.form, qf)
                if h >= HAN_MIN and h > ps.score and brand_chars(iname.form.han) <= set(qf.han):
                    ps = PairScore(h, [(iname.form.han, qf.han, round(h, 3), "Chinese script")],
                                   notes=["compared in Chinese script"])
                cur = best.get(iname.entry)
                if cur is None or ps.score > cur[0]:
                    best[iname.entry] = (ps.score, ps, ni, qf)
        if not best or max(v[0] for v in best.values()) < CANDIDATE_FLOOR:
            return [MatchResult(name, 0.0, "clear")]
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], self.entries[kv[0]].entity_id))[:top]
        results = []
        qcc = country_code(country)
        addr_places = ({t.text for f in analyze(address) for t in f.tokens if t.kind == "place"}
                       if address else set())
        for ei, (score, ps, ni, qf) in ranked:
            e = self.entries[ei]
            notes = list(ps.notes)
            ecc = country_code(e.country)
            if qcc and ecc and qcc != ecc and not (qcc in ("CN", "HK") and ecc in ("CN", "HK")):
                score *= 0.9
                notes.append(f"country {qcc} differs from listed {ecc}")
            elif qcc and ecc:
                notes.append(f"country {qcc} agrees")
            iname = self.index.names[ni]
            if ei in self.index.covers_subsidiaries and ps.brand and score < 0.85 and any(
                    pinyin_syllable_count(b) == 0 and len(b) >= 4 for b in ps.brand):
                # "X and subsidiaries": a name that carries the whole (non-pinyin) brand is within the listing
                score = 0.85
                notes.append(f"the listing covers subsidiaries and affiliated entities; the name carries "
                             f"the listed brand {' '.join(ps.brand)}")
            listed_places = {t.text for t in iname.form.tokens if t.kind == "place"} - {"china"}
            if addr_places and listed_places:
                # the address supports a listed name that carries a place, or points elsewhere
                shared = listed_places & addr_places
                # Only support: a subsidiary or plant of a listed company may sit anywhere.
                if shared:
                    score = min(1.0, score + 0.03)
                    notes.append(f"address agrees: {', '.join(sorted(shared))}")
            results.append(MatchResult(
                name, round(score, 4), self.decide(score), e.entity_id, e.name, e.list_name, e.edition,
                iname.name, qf.reading, ps.matched, ps.missing, ps.extra, ps.discounted, notes))
        return results
