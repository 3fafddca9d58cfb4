"""Browsing a run's verdicts: filter, sort, page and export them, the same for the web page, the API and the
exports (so a CSV or XLSX export holds exactly the rows the filter shows).

A :class:`VerdictFilter` is what a results URL carries (``?verdict=review&importer=acme&flag=untraced``):

- ``verdict``: presumption, review or clear;
- ``importer``: part of the importer's id or name (case-insensitive);
- ``flags``: due-diligence flags every row must carry (see :data:`FLAGS`), e.g. ``priority_sector`` and
  ``untraced`` together are the high-priority-sector goods whose chain stops short;
- ``rule``: a finding rule (``list_match``, ``xuar_location``, ``wro_scope``, ``mass_balance``, ...) of a
  party the verdict's evidence names (the parties on its paths and the untraced tiers);
- ``q``: text in the shipment id, the parties' ids and names, the material, HTS code or description;
- ``sort`` and ``desc``: the order (worst first by default).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from laborlens.errors import InputError
from laborlens.exports import Table
from laborlens.paging import Page, paginate
from laborlens.screen.result import SEVERITY, VERDICTS, ScreenResult, Verdict
from laborlens.screen.tiermap import evidence_paths

__all__ = ["EXPORT_COLUMNS", "FLAGS", "SORTS", "VerdictFilter", "export_table", "select", "verdict_page",
           "verdict_row"]

SORTS = ("verdict", "shipment_id", "exporter", "importer", "material", "tier")
_RANK = {v: i for i, v in enumerate(VERDICTS)}

FLAGS: dict[str, tuple[str, Callable[[Verdict], bool]]] = {
    "priority_sector": ("UFLPA high-priority sector", lambda v: bool(v.priority_sector)),
    "ilab": ("ILAB good upstream", lambda v: bool(v.ilab)),
    "wro_scope": ("country-wide WRO scope", lambda v: bool(v.wro_scope)),
    "indicators": ("any risk indicator", lambda v: v.indicators),
    "traced": ("traced to origin", lambda v: v.traced_to_origin),
    "untraced": ("stops at an untraced tier", lambda v: bool(v.untraced)),
}


def _text(value: str | None, limit: int = 200) -> str:
    return " ".join((value or "").split())[:limit]


@dataclass(frozen=True, slots=True)
class VerdictFilter:
    """Every field narrows the rows ("" / empty means any); see the module docstring."""

    verdict: str = ""
    importer: str = ""
    flags: tuple[str, ...] = ()
    rule: str = ""
    q: str = ""
    sort: str = "verdict"
    desc: bool = False

    @classmethod
    def of(cls, verdict: str | None = "", importer: str | None = "", flags: Sequence[str] | None = (),
           rule: str | None = "", q: str | None = "", sort: str | None = "verdict",
           desc: bool = False) -> VerdictFilter:
        """A checked filter from query parameters; a bad value is an InputError naming the parameter."""
        verdict, sort = (verdict or "").strip(), (sort or "verdict").strip() or "verdict"
        if verdict and verdict not in VERDICTS:
            raise InputError(f"verdict must be one of {', '.join(VERDICTS)}", column="verdict")
        if sort not in SORTS:
            raise InputError(f"sort must be one of {', '.join(SORTS)}", column="sort")
        clean: list[str] = []
        for f in flags or ():
            f = f.strip()
            if not f:
                continue
            if f not in FLAGS:
                raise InputError(f"flag must be one of {', '.join(FLAGS)}", column="flag")
            if f not in clean:
                clean.append(f)
        return cls(verdict, _text(importer), tuple(clean), _text(rule, 50), _text(q), sort, bool(desc))

    @property
    def narrows(self) -> bool:
        return bool(self.verdict or self.importer or self.flags or self.rule or self.q)

    def params(self, **override: Any) -> list[tuple[str, str]]:
        """The filter as URL query parameters (defaults left out), for links that keep it."""
        out = [(k, v) for k, v in (("verdict", self.verdict), ("importer", self.importer), ("rule", self.rule),
                                   ("q", self.q)) if v]
        out += [("flag", f) for f in self.flags]
        if self.sort != "verdict":
            out.append(("sort", self.sort))
        if self.desc:
            out.append(("desc", "true"))
        for k, v in override.items():
            out = [(a, b) for a, b in out if a != k]
            if v not in (None, "", False):
                out.append((k, "true" if v is True else str(v)))
        return out


def _rules_of(r: ScreenResult, v: Verdict) -> set[str]:
    """Rules of the counting findings (and indicators) of the parties the verdict's evidence names."""
    pids = {p for path in evidence_paths(v) for p in path} | set(v.untraced) | {v.exporter_id}
    return {f.rule for pid in pids for f in r.findings_of(pid)
            if SEVERITY.get(f.severity, 0) or f.severity == "indicator"}


def select(result: ScreenResult, flt: VerdictFilter) -> list[Verdict]:
    """The verdicts the filter admits, in its order."""
    r = result
    importer = flt.importer.lower()
    needle = flt.q.lower()
    tests = [FLAGS[f][1] for f in flt.flags]
    items = []
    for v in r.verdicts:
        if flt.verdict and v.verdict != flt.verdict:
            continue
        if importer and importer not in f"{v.importer_id}\x1f{r.party_name(v.importer_id)}".lower():
            continue
        if not all(t(v) for t in tests):
            continue
        if needle:
            hay = "\x1f".join((v.shipment_id, v.exporter_id, r.party_name(v.exporter_id), v.importer_id,
                               r.party_name(v.importer_id), v.material, v.hts, v.description))
            if needle not in hay.lower():
                continue
        if flt.rule and flt.rule not in _rules_of(r, v):
            continue
        items.append(v)
    keys: dict[str, Callable[[Verdict], Any]] = {
        "verdict": lambda v: (_RANK.get(v.verdict, 9), v.tier or 99, v.shipment_id),
        "shipment_id": lambda v: v.shipment_id,
        "exporter": lambda v: (r.party_name(v.exporter_id).lower(), v.shipment_id),
        "importer": lambda v: (r.party_name(v.importer_id).lower(), v.shipment_id),
        "material": lambda v: (v.material.lower(), v.shipment_id),
        "tier": lambda v: (v.tier if v.tier is not None else 99, v.shipment_id),
    }
    items.sort(key=keys[flt.sort], reverse=flt.desc)
    return items


def _named(r: ScreenResult, ids: Sequence[str]) -> list[dict[str, str]]:
    return [{"id": pid, "name": r.party_name(pid)} for pid in ids]


def verdict_row(r: ScreenResult, v: Verdict) -> dict[str, Any]:
    """A verdict as the API and pages show it: the contract's fields plus party names."""
    return {
        **v.to_dict(),
        "exporter_name": r.party_name(v.exporter_id),
        "importer_name": r.party_name(v.importer_id),
        "path_parties": _named(r, v.path),
        "untraced_parties": _named(r, v.untraced),
        "gaps": [{**g, "name": r.party_name(str(g.get("party_id", "")))} for g in v.gaps],
        "ilab_parties": [_ilab_named(r, text) for text in v.ilab],
    }


def _ilab_named(r: ScreenResult, text: str) -> dict[str, Any]:
    """An ILAB flag ("Polysilicon from China: S0069, S0088") as the good and its parties with names."""
    good, sep, ids = text.rpartition(": ")
    if not sep:
        return {"good": text, "parties": []}
    return {"good": good, "parties": _named(r, [p.strip() for p in ids.split(",") if p.strip()])}


@dataclass(frozen=True, slots=True)
class VerdictPage:
    page: Page[dict[str, Any]]
    filter: VerdictFilter
    counts: dict[str, int]  # over the whole run
    importers: list[tuple[str, str]] = field(default_factory=list)  # (id, name) of the run's importers
    rules: list[str] = field(default_factory=list)  # finding rules present in the run (for a rule filter)


def verdict_page(result: ScreenResult, flt: VerdictFilter, page: int = 1, per_page: int = 50) -> VerdictPage:
    """One page of the filtered verdicts, rows shaped by :func:`verdict_row`."""
    chosen = select(result, flt)
    p = paginate(chosen, page, per_page)
    rows = [verdict_row(result, v) for v in p.rows]
    importers = sorted({(v.importer_id, result.party_name(v.importer_id)) for v in result.verdicts},
                       key=lambda x: x[1].lower())
    rules = sorted({f.rule for f in result.findings if SEVERITY.get(f.severity, 0) or f.severity == "indicator"})
    return VerdictPage(Page(rows, p.page, p.per_page, p.total), flt, result.counts(), importers, rules)


EXPORT_COLUMNS = ("shipment_id", "verdict", "importer_id", "importer_name", "exporter_id", "exporter_name",
                  "material", "hts", "tier", "path", "path_names", "reasons", "priority_sector", "ilab",
                  "wro_scope", "traced_to_origin", "tiers_traced", "untraced_parties", "untraced_names")


def export_table(result: ScreenResult, flt: VerdictFilter, title: str = "verdicts") -> Table:
    """Every row the filter admits (all pages, in the filter's order), with party names beside the ids."""
    r = result

    def yes(x: object) -> str:
        return "true" if x else "false"

    rows = [[v.shipment_id, v.verdict, v.importer_id, r.party_name(v.importer_id), v.exporter_id,
             r.party_name(v.exporter_id), v.material, v.hts, v.tier if v.tier is not None else "",
             ">".join(v.path), " > ".join(r.party_name(p) for p in v.path), " | ".join(v.reasons),
             v.priority_sector, "; ".join(v.ilab), "; ".join(v.wro_scope), yes(v.traced_to_origin),
             v.tiers_traced or "", ";".join(v.untraced), "; ".join(r.party_name(p) for p in v.untraced)]
            for v in select(r, flt)]
    return Table(EXPORT_COLUMNS, rows, frozenset({"tier", "tiers_traced"}), title)
