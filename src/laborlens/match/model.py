"""The fitted pair model: logistic-regression weights over ``features.FEATURES`` and the F2 thresholds,
shipped as a small versioned JSON file. Inference is pure Python (no scikit-learn at run time), so the
matcher pickles into DuckDB and Spark workers unchanged."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from laborlens.errors import InputError
from laborlens.match.features import FEATURES

MODEL = Path(__file__).parent / "model.json"
FORMAT = "laborlens-match-model/1"

# Words for the explanation: what a feature's value means.
_WORDS = {
    "brand_cover": "distinctive words of the listed name found", "brand_min": "weakest distinctive word",
    "brand_exact": "distinctive words found exactly", "cover_all": "listed words found",
    "precision_all": "query words accounted for", "query_extra_distinct": "distinctive words the list lacks",
    "no_distinct": "listed name has no distinctive word", "english_brand": "brand is an ordinary English word",
    "generic_agree": "industry words agree", "generic_conflict": "industry words conflict",
    "place_agree": "place agrees", "place_conflict": "place conflicts", "place_missing": "listed place absent",
    "legal_agree": "legal form agrees", "legal_conflict": "legal form conflicts",
    "number_agree": "numbers agree", "number_conflict": "numbers conflict",
    "number_missing": "a number only on one side", "qualifier_conflict": "country qualifier conflicts",
    "qualifier_extra": "country qualifier on one side only", "country_conflict": "country conflicts",
    "han_sim": "Chinese-script similarity", "han_brand": "Chinese brand characters present",
    "cross_script": "Chinese name read into Latin", "truncated": "query truncated",
    "acronym": "initials or acronym used", "subsidiaries": "listing covers subsidiaries, brand present",
    "brand_x_place_conflict": "brand found but place conflicts",
    "brand_x_generic_conflict": "brand found but industry conflicts",
    "short_listed": "listed name is one word", "brand_found": "all distinctive words found",
    "brand_absent": "distinctive words mostly absent", "cover_sq": "listed words found (squared)",
    "precision_sq": "query words accounted for (squared)", "extra_x_brand": "brand found with extra words",
    "qualifier_extra_x_cover": "close name with a country qualifier on one side",
    "legal_conflict_x_cover": "close name with a conflicting legal form",
    "number_conflict_x_cover": "close name with a conflicting number",
    "all_agree": "every word accounted for on both sides, no conflict",
    "brand_pinyin_changed": "a brand syllable reads as another name",
    "identical": "same name after normalisation (brand spelt exactly, nothing added or missing)",
    "close": "every word nearly accounted for on both sides, no conflict",
}


@dataclass(frozen=True, slots=True)
class PairModel:
    weights: tuple[float, ...]
    intercept: float
    match: float
    review: float
    version: str = "untrained"
    provenance: dict = field(default_factory=dict)

    def logit(self, x: list[float]) -> float:
        return self.intercept + sum(w * v for w, v in zip(self.weights, x, strict=False))

    def probability(self, x: list[float]) -> float:
        z = self.logit(x)
        return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0

    def explain(self, x: list[float]) -> list[str]:
        """Every feature with its value and its contribution to the log-odds, largest effect first."""
        rows = sorted(zip(FEATURES, x, self.weights, strict=False), key=lambda r: -abs(r[1] * r[2]))
        return [f"{_WORDS.get(f, f)} = {v:.2f} ({'+' if v * w >= 0 else '−'}{abs(v * w):.2f})"
                for f, v, w in rows]

    def to_json(self) -> dict:
        return {"format": FORMAT, "version": self.version, "features": list(FEATURES),
                "weights": [round(w, 6) for w in self.weights], "intercept": round(self.intercept, 6),
                "thresholds": {"match": self.match, "review": self.review}, "provenance": self.provenance}

    def save(self, path: Path = MODEL) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def from_json(d: dict, source: str = "") -> PairModel:
    if d.get("format") != FORMAT:
        raise InputError(f"not a {FORMAT} file", file=source)
    names = d["features"]
    if list(names) != list(FEATURES):
        raise InputError("model was fitted on other features than this version computes; refit it with "
                         "`laborlens bench match --fit`", file=source)
    return PairModel(tuple(d["weights"]), d["intercept"], d["thresholds"]["match"], d["thresholds"]["review"],
                     d.get("version", ""), d.get("provenance", {}))


@lru_cache(maxsize=8)
def load(path: Path = MODEL) -> PairModel:
    return from_json(json.loads(path.read_text(encoding="utf-8")), str(path))
