"""Screen names against watchlists: retrieval, scoring, calibrated decision and explanation."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from laborlens.match.features import IDX, Evidence, pair_features
from laborlens.match.index import WatchlistIndex
from laborlens.match.model import PairModel
from laborlens.match.model import load as load_model
from laborlens.model import WatchEntry
from laborlens.names.normalize import NameForm, analyze

FEATURE_COUNTRY = IDX["country_conflict"]
FEATURE_SUBS = IDX["subsidiaries"]
CANDIDATE_FLOOR = 0.05  # below this probability the best candidate is not worth naming


@dataclass(frozen=True, slots=True)
class Thresholds:
    match: float = 0.78
    review: float = 0.6
    source: str = "default"


def shipped_thresholds(model: PairModel | None = None) -> Thresholds:
    """The thresholds fitted with the shipped model (F2 on the training folds)."""
    m = model or load_model()
    return Thresholds(m.match, m.review, f"model {m.version}")


def read_thresholds(path: Path) -> Thresholds:
    """Thresholds saved by ``laborlens calibrate --save`` (the caller says where; the library reads no
    settings)."""
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
    evidence: list = field(default_factory=list)  # every feature: value and contribution, in words

    def explanation(self) -> str:
        if not self.entity_id:
            return "; ".join(self.notes) or "no listed name comes close to this name"
        via = f" via alias '{self.via_name}'" if self.via_name and self.via_name != self.entity_name else ""
        parts = [f"{self.decision} {self.score:.2f} against {self.entity_id} '{self.entity_name}'{via}"]
        if self.reading and self.reading != "as written":
            parts.append(f"read as {self.reading}")
        if self.matched:
            parts.append("matched " + ", ".join(
                f"{a}={b}" + (f" ({how} {s:.2f})" if how else "") for a, b, s, how in self.matched))
        if self.missing:
            parts.append("missing " + ", ".join(self.missing))
        if self.extra:
            parts.append("not on list " + ", ".join(self.extra))
        if self.discounted:
            parts.append("discounted " + ", ".join(self.discounted))
        parts.extend(self.notes)
        if self.evidence:
            parts.append("evidence (log-odds): " + ", ".join(self.evidence))
        return "; ".join(parts)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["explanation"] = self.explanation()
        return d


class RemembersBest:
    """``best`` remembered per process (manifests repeat names a lot), for any matcher with ``match`` and a
    ``_memo`` dict: the fitted :class:`Matcher` and the previous scorer the bench compares it with."""

    _memo: dict[tuple[str, str, str], MatchResult]

    def match(self, name: str, country: str = "", address: str = "", top: int = 1) -> list[MatchResult]:
        raise NotImplementedError

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


class Matcher(RemembersBest):
    """Built once from watchlist entries; pure and picklable so every engine runs the same code.

    Each candidate's score is the fitted model's probability over the pair's graded evidence; the decision
    comes from thresholds passed in (``calibrate --save`` output, read by the caller) or shipped with the
    model."""

    def __init__(self, entries: Sequence[WatchEntry], thresholds: Thresholds | None = None,
                 extra_names: Mapping[str, Sequence[str]] | None = None, model: PairModel | None = None,
                 reference: bool = False) -> None:
        self.entries = list(entries)
        self.extra_names = extra_names
        self.model = model or load_model()
        self.thresholds = thresholds or shipped_thresholds(self.model)
        self.index = WatchlistIndex(self.entries, extra_names)
        # ``reference``: the plain path (plain word alignment, every reading scored) that the fast one must
        # equal answer for answer (tests compare them)
        self.reference = reference
        self._country = [country_code(e.country) for e in self.entries]  # once, not per candidate
        self._memo: dict[tuple[str, str, str], MatchResult] = {}

    def __reduce__(self):
        return (Matcher, (self.entries, self.thresholds, self.extra_names, self.model, self.reference))

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

    def evidence(self, name: str, country: str = "") -> list[tuple[int, int, NameForm, Evidence]]:
        """(entry, indexed name, query reading, evidence) for every retrieved candidate and reading."""
        return self._evidence(self.query_forms(name), country)

    def _evidence(self, forms: Sequence[NameForm], country: str) -> list[tuple[int, int, NameForm, Evidence]]:
        qcc = country_code(country)
        out = []
        for ni in sorted(self.index.candidates(forms)):  # sorted: ties go to the primary name
            iname = self.index.names[ni]
            ecc = self._country[iname.entry]
            differs = bool(qcc and ecc and qcc != ecc and not (qcc in ("CN", "HK") and ecc in ("CN", "HK")))
            covers = iname.entry in self.index.covers_subsidiaries
            for qf in forms:
                out.append((iname.entry, ni, qf, pair_features(iname.form, qf, self.index.idf, covers=covers,
                                                                country_differs=differs,
                                                                reference=self.reference)))
        return out

    def scored(self, name: str, country: str = "") -> dict[int, tuple[float, Evidence, int, NameForm]]:
        """Best (probability, evidence, indexed name, query reading) per candidate entry."""
        return self._scored(self.query_forms(name), country)

    def _scored(self, forms: list[NameForm], country: str) -> dict[int, tuple[float, Evidence, int, NameForm]]:
        if not self.reference:
            # Readings with the same words score the same, and the first of equal scores is kept: the later
            # ones cannot change the answer.
            seen: set[tuple] = set()
            uniq = []
            for f in forms:
                k = (f.tokens, f.han, f.truncated)
                if k not in seen:
                    seen.add(k)
                    uniq.append(f)
            forms = uniq
        best: dict[int, tuple[float, Evidence, int, NameForm]] = {}
        for ei, ni, qf, ev in self._evidence(forms, country):
            p = self.model.probability(ev.values)
            cur = best.get(ei)
            if cur is None or p > cur[0]:
                best[ei] = (p, ev, ni, qf)
        return best

    def match(self, name: str, country: str = "", address: str = "", top: int = 1) -> list[MatchResult]:
        """Best candidates for one name, best first (``top`` of them, at least one result)."""
        forms = self.query_forms(name)
        if not any(f.tokens or f.han for f in forms) and any(ch.isalpha() for ch in name):
            return [MatchResult(name, round(self.thresholds.review, 4), "review",
                                notes=["name not readable here (no letters this matcher can read): check by hand"])]
        best = self._scored(forms, country)
        if not best or max(v[0] for v in best.values()) < CANDIDATE_FLOOR:
            return [MatchResult(name, round(max((v[0] for v in best.values()), default=0.0), 4), "clear")]
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], self.entries[kv[0]].entity_id))[:top]
        qcc = country_code(country)
        addr_places = ({t.text for f in analyze(address) for t in f.tokens if t.kind == "place"}
                       if address else set())
        results = []
        for ei, (score, ev, ni, qf) in ranked:
            e = self.entries[ei]
            notes = list(ev.notes)
            ecc = self._country[ei]
            if ev.values[FEATURE_COUNTRY]:
                notes.append(f"country {qcc} differs from listed {ecc}")
            elif qcc and ecc:
                notes.append(f"country {qcc} agrees")
            iname = self.index.names[ni]
            listed_places = {t.text for t in iname.form.tokens if t.kind == "place"} - {"china"}
            shared = listed_places & addr_places
            if shared:
                # Only support: a subsidiary or plant of a listed company may sit anywhere. A tenth of the
                # remaining doubt, never a certainty.
                score = score + 0.1 * (1.0 - score)
                notes.append(f"address agrees: {', '.join(sorted(shared))}")
            if ev.values[FEATURE_SUBS]:
                notes.append("the listing covers subsidiaries and affiliated entities; the name carries the "
                             "listed brand")
            results.append(MatchResult(
                name, round(score, 4), self.decide(score), e.entity_id, e.name, e.list_name, e.edition,
                iname.name, qf.reading, ev.matched, ev.missing, ev.extra, ev.discounted, notes,
                self.model.explain(ev.values)))
        return results



def compare_names(a: str, b: str, thresholds: Thresholds | None = None,
                  aliases: Sequence[str] = ()) -> MatchResult:
    """Score two names against each other (``b`` plays the listed name, with any known ``aliases``)."""
    m = Matcher([WatchEntry("b", b, list_name="compare", aliases=tuple(aliases))], thresholds)
    r = m.best(a)
    if not r.entity_id:  # nothing retrieved: still score the pair directly
        best = None
        for y in m.index.names:
            for x in m.query_forms(a):
                ev = pair_features(y.form, x, m.index.idf, reference=m.reference)
                p = m.model.probability(ev.values)
                if best is None or p > best[0]:
                    best = (p, ev, y)
        if best is not None:
            p, ev, y = best
            r = MatchResult(a, round(p, 4), m.decide(p), "b", b, "compare", "", y.name, "", ev.matched,
                            ev.missing, ev.extra, ev.discounted, ev.notes, m.model.explain(ev.values))
    return r
