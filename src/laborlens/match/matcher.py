"""Screen names against watchlists: retrieval, scoring, calibrated decision and explanation."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from laborlens.match.index import WatchlistIndex
from laborlens.match.score import PairScore, score_forms, score_han, weights
from laborlens.model import WatchEntry
from laborlens.names.chinese import brand_chars
from laborlens.names.normalize import NameForm, analyze
from laborlens.names.vocab import pinyin_syllable_count

CALIBRATION = Path(__file__).parent / "calibration.json"
HAN_MIN = 0.8
CANDIDATE_FLOOR = 0.3  # below this the best candidate is not worth naming


@dataclass(frozen=True, slots=True)
class Thresholds:
    match: float = 0.78
    review: float = 0.6
    source: str = "default"


def calibrated_thresholds() -> Thresholds:
    """Thresholds saved by ``laborlens calibrate --save`` in this installation's home, else the ones shipped
    (calibrated on the development set)."""
    from laborlens.settings import load_settings

    for path in (load_settings().home / "calibration.json", CALIBRATION):
        if path.exists():
            return _read_thresholds(path)
    return Thresholds()


@lru_cache(maxsize=8)
def _read_thresholds(path: Path) -> Thresholds:
    d = json.loads(path.read_text())
    return Thresholds(d["match"], d["review"], d.get("source", path.name))


def country_code(text: str) -> str:
    from laborlens.countries import iso2

    return iso2(text)


@dataclass(slots=True)
class MatchResult:
    query: str
    score: float
    decision: str  # match | review | clear
    entity_id: str = ""
    entity_name: str = ""
    list_name: str = ""
    edition: str = ""
    via_name: str = ""  # the listed name or alias that matched
    reading: str = ""  # how the query was read (as written, Chinese reading, regrouped)
    matched: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    extra: list = field(default_factory=list)
    discounted: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def explanation(self) -> str:
        if not self.entity_id:
            return "; ".join(self.notes) or "no listed name comes close to this name"
        via = f" via alias '{self.via_name}'" if self.via_name and self.via_name != self.entity_name else ""
        parts = [f"{self.decision} {self.score:.2f} against {self.entity_id} '{self.entity_name}'{via}"]
        if self.reading and self.reading != "as written":
            parts.append(f"read as {self.reading}")
        if self.matched:
            parts.append("matched " + ", ".join(
                f"{a}={b}" + (f" ({how})" if how else "") for a, b, _s, how in self.matched))
        if self.missing:
            parts.append("missing " + ", ".join(self.missing))
        if self.extra:
            parts.append("not on list " + ", ".join(self.extra))
        if self.discounted:
            parts.append("discounted " + ", ".join(self.discounted))
        parts.extend(self.notes)
        return "; ".join(parts)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["explanation"] = self.explanation()
        return d


class Matcher:
    """Built once from watchlist entries; pure and picklable so every engine runs the same code."""

    def __init__(self, entries: Sequence[WatchEntry], thresholds: Thresholds | None = None,
                 extra_names: dict[str, Sequence[str]] | None = None) -> None:
        self.entries = list(entries)
        self.extra_names = extra_names
        self.thresholds = thresholds or calibrated_thresholds()
        self.index = WatchlistIndex(self.entries, extra_names)
        self._memo: dict[tuple[str, str, str], MatchResult] = {}

    def __reduce__(self):
        return (Matcher, (self.entries, self.thresholds, self.extra_names))

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
            for qf, qw in zip(forms, qweights):
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

    def forget(self) -> None:
        """Drop remembered answers (benchmarks measure the work, not the memo)."""
        self._memo.clear()

    def best(self, name: str, country: str = "", address: str = "") -> MatchResult:
        """Best candidate for one name. Remembered per process: manifests repeat names a lot."""
        key = (name, country, address)
        hit = self._memo.get(key)
        if hit is None:
            hit = self.match(name, country, address, top=1)[0]
            if len(self._memo) >= 20_000:  # bounded: a few MiB per worker
                self._memo.clear()
            self._memo[key] = hit
        return hit


def compare_names(a: str, b: str, thresholds: Thresholds | None = None) -> MatchResult:
    """Score two names against each other (``b`` plays the listed name)."""
    m = Matcher([WatchEntry("b", b, list_name="compare")], thresholds)
    r = m.best(a)
    if not r.entity_id:  # nothing retrieved: still score the pair directly
        fa, fb = analyze(a), analyze(b)
        ps = max((score_forms(y, x, m.index.idf) for x in fa for y in fb), key=lambda p: p.score)
        r = MatchResult(a, round(ps.score, 4), m.decide(ps.score), "b", b, "compare", "", b, "",
                        ps.matched, ps.missing, ps.extra, ps.discounted, ps.notes)
    return r
