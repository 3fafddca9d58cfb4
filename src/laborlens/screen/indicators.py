"""Risk indicators that do not depend on who a party is: UFLPA high-priority sectors (by HTS, material or
description), ILAB good/country pairs, and CBP WRO scopes that are rules rather than entities."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from laborlens.model import WatchEntry
from laborlens.refdata.catalog import CATALOG

# Sector → (HTS prefixes, keywords). Prefixes follow the bundled table's *indicative* HTS mapping (not CBP
# guidance); keywords catch materials and descriptions written in words.
SECTOR_RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Apparel": (("61", "62"), ("apparel", "garment", "t-shirt", "shirt", "jeans", "denim", "clothing",
                               "knitwear", "sweater", "jacket", "trousers", "dress")),
    "Cotton and cotton products": (
        tuple(f"52{n:02d}" for n in range(1, 13)) + ("6302",),
        ("cotton", "yarn", "greige", "fabric", "textile", "bed linen", "towel", "lint")),
    "Silica-based products (incl. polysilicon; downstream solar)": (
        ("280461", "2804.61", "3818", "854142", "8541.42", "854143", "8541.43"),
        ("polysilicon", "poly-silicon", "metallurgical silicon", "silicon metal", "quartzite", "silica",
         "wafer", "ingot", "solar cell", "solar module", "solar panel", "pv module", "photovoltaic")),
    "Tomatoes and downstream products": (("0702", "2002", "210320", "2103.20"),
                                         ("tomato", "ketchup", "tomato paste", "passata")),
    "Aluminum": (("76",), ("aluminum", "aluminium", "alumina", "bauxite")),
    "Polyvinyl chloride (PVC)": (("390410", "3904.10", "390421", "3904.21", "390422", "3904.22", "3918"),
                                 ("pvc", "polyvinyl chloride", "vinyl flooring", "calcium carbide")),
    "Seafood": (("03", "1604", "1605"), ("seafood", "fish", "shrimp", "squid", "tuna", "pollock")),
    "Steel": (("72", "73"), ("steel", "pig iron", "iron ore")),
    "Copper": (("74",), ("copper", "cathode")),
    "Lithium": (("282520", "2825.20", "283691", "2836.91", "850760", "8507.60"),
                ("lithium", "li-ion", "lithium-ion battery")),
    "Caustic soda": (("281511", "2815.11", "281512", "2815.12"), ("caustic soda", "sodium hydroxide")),
    "Red dates (jujubes)": (("080410", "0804.10", "081340", "0813.40"), ("red date", "jujube")),
}


@dataclass(frozen=True, slots=True)
class SectorHit:
    sector: str
    year: str
    via: str  # "HTS 8541.43" or "word 'polysilicon'"


def _hts_digits(hts: str) -> str:
    return re.sub(r"\D", "", hts or "")


@lru_cache(maxsize=1)
def _sector_years() -> dict[str, str]:
    return {r["sector"]: r["year_designated"] for r in CATALOG["sectors"].rows()}


@lru_cache(maxsize=65536)
def high_priority_sector(material: str = "", hts: str = "", description: str = "") -> SectorHit | None:
    digits = _hts_digits(hts)
    if digits:
        for sector, (prefixes, _) in SECTOR_RULES.items():
            for p in prefixes:
                pd = _hts_digits(p)
                if pd and digits.startswith(pd):
                    return SectorHit(sector, _sector_years().get(sector, ""), f"HTS {hts}")
    text = f" {material} {description} ".lower()
    for sector, (_, words) in SECTOR_RULES.items():
        for w in words:
            if re.search(rf"\b{re.escape(w)}(?:s|es)?\b", text):
                return SectorHit(sector, _sector_years().get(sector, ""), f"word '{w}'")
    return None


@dataclass(frozen=True, slots=True)
class IlabHit:
    good: str
    country: str
    forced_labor: bool
    child_labor: bool


def _singular(w: str) -> str:
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


@lru_cache(maxsize=1)
def _ilab() -> dict[str, list[dict[str, str]]]:
    """ILAB rows by ISO-2 country (ILAB writes "Burma", "Kyrgyz Republic", "Turkey (Türkiye)")."""
    from laborlens.countries import iso2

    by_country: dict[str, list[dict[str, str]]] = {}
    with CATALOG["ilab"].path.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            key = iso2(r["country"].split("(")[0]) or r["country"].lower()
            by_country.setdefault(key, []).append(r)
    return by_country


# Words that name an ILAB good in a material or description ("thread/yarn" → yarn, thread).
def _good_words(good: str) -> list[str]:
    return [_singular(w.strip().lower()) for w in re.split(r"[/,()]| and ", good) if w.strip()]


@lru_cache(maxsize=65536)
def ilab_goods(material: str, country: str, description: str = "") -> tuple[IlabHit, ...]:
    """ILAB listed goods for this good and country of production (forced or child labor)."""
    from laborlens.countries import iso2

    rows = _ilab().get(iso2(country) or (country or "").lower(), [])
    text = " ".join(_singular(w) for w in re.findall(r"[a-z\-]+", f"{material} {description}".lower()))
    hits = []
    for r in rows:
        for w in _good_words(r["good"]):
            if w and re.search(rf"\b{re.escape(w)}\b", text):
                hits.append(IlabHit(r["good"], r["country"], r["forced_labor"] == "true",
                                    r["child_labor"] == "true"))
                break
    return tuple(hits)


@dataclass(frozen=True, slots=True)
class ScopeHit:
    wro_id: str
    text: str


def _vessels(text: str) -> list[str]:
    """Vessel names in a WRO scope: "Fishing Vessel: Da Wang 1" or "... fishing vessels A, B, or C"."""
    tail = re.split(r"fishing vessels?:?", text, flags=re.I)[-1]
    parts = re.split(r",\s*(?:or\s+)?|\s+or\s+", tail)
    return [p.strip(" .") for p in parts if p.strip(" .")]


def wro_scopes(material: str, country: str, name: str = "", scopes: Sequence[WatchEntry] | None = None
               ) -> tuple[ScopeHit, ...]:
    """CBP WRO rows that are rules: all Turkmenistan cotton, named fishing vessels, DRC artisanal gold...
    ``scopes`` are the current edition's scope rows (the bundled edition when not given)."""
    if scopes is None:
        from laborlens.refdata.bundled import bundled_entries

        scopes = bundled_entries("wro")
    hits = []
    from laborlens.countries import iso2

    mat = f"{material} {name}".lower()
    code = iso2(country)
    for e in scopes:
        if e.kind != "scope":
            continue
        t = e.name.lower()
        if "turkmenistan cotton" in t and code == "TM" and re.search(r"cotton|yarn|fabric", mat):
            hits.append(ScopeHit(e.entity_id, e.name))
        elif "fishing vessel" in t:
            for v in _vessels(e.name):
                if re.search(rf"\b{re.escape(v.lower())}\b", name.lower()):
                    hits.append(ScopeHit(e.entity_id, e.name))
                    break
        elif ("artisanal" in t and "gold" in mat and code == "CD") or (
                "tobacco" in t and "tobacco" in mat and code == "MW"):
            hits.append(ScopeHit(e.entity_id, e.name))
    return tuple(hits)


# Country-wide WRO scopes as risk indicators of a *good*: (phrase of the scope text, words or HTS chapters of
# the goods it covers). Which country the inputs come from is what tracing must show.
_COUNTRY_WIDE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("turkmenistan cotton", r"cotton|lint", ("52",)),
    ("artisanal", r"gold", ("7108",)),
    ("tobacco produced in the republic of malawi", r"tobacco|cigar", ("24",)),
)


def wro_goods(material: str, hts: str = "", description: str = "",
              scopes: Sequence[WatchEntry] | None = None) -> tuple[ScopeHit, ...]:
    """Country-wide CBP WRO scopes that cover this kind of good (all Turkmenistan cotton for a cotton
    garment): a risk indicator that makes tracing to origin necessary, not a finding on any party."""
    if scopes is None:
        from laborlens.refdata.bundled import bundled_entries

        scopes = bundled_entries("wro")
    text = f" {material} {description} ".lower()
    digits = _hts_digits(hts)
    hits = []
    for e in scopes:
        if e.kind != "scope":
            continue
        t = e.name.lower()
        for phrase, words, chapters in _COUNTRY_WIDE:
            if phrase in t and (re.search(rf"\b(?:{words})", text) or
                                (digits and any(digits.startswith(c) for c in chapters))):
                hits.append(ScopeHit(e.entity_id, e.name))
                break
    return tuple(hits)
