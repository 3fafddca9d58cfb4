"""What changed between two screening runs, shipment by shipment, and why.

A change is explained by what differs between the runs for the parties the shipment's verdict rests on
(exporter, evidence path, upstream parties, untraced tiers):

* ``decision`` — an analyst decision now applies to a list match that it did not (or differently) before;
* ``list edition`` — a list the runs screened against has another edition, and a list match changed;
* ``new data`` — the shipment, its parties or the links upstream differ (a new supplier, a new address);
* ``other`` — none of these (for example a newer laborlens with other rules).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from laborlens.model import Finding
from laborlens.screen.result import ScreenResult, Verdict

KINDS = ("new presumption", "cleared", "verdict changed", "reasons changed", "added", "removed")


@dataclass(slots=True)
class ShipmentChange:
    shipment_id: str
    kind: str  # one of KINDS
    before: str  # verdict in A ("" when added)
    after: str  # verdict in B ("" when removed)
    reasons_before: list[str]
    reasons_after: list[str]
    why: list[str] = field(default_factory=list)  # decision | list edition | new data | other
    explanation: list[str] = field(default_factory=list)  # one sentence per cause

    def to_dict(self) -> dict[str, Any]:
        return {"shipment_id": self.shipment_id, "kind": self.kind, "before": self.before,
                "after": self.after,
                "reasons_before": self.reasons_before, "reasons_after": self.reasons_after, "why": self.why,
                "explanation": self.explanation}


@dataclass(slots=True)
class RunDiff:
    a: str
    b: str
    counts_a: dict[str, int]
    counts_b: dict[str, int]
    lists_changed: list[str]
    changes: list[ShipmentChange]
    unchanged: int

    def by_kind(self) -> dict[str, int]:
        out = dict.fromkeys(KINDS, 0)
        for c in self.changes:
            out[c.kind] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "counts_a": self.counts_a, "counts_b": self.counts_b,
                "lists_changed": self.lists_changed, "by_kind": self.by_kind(), "unchanged": self.unchanged,
                "changes": [c.to_dict() for c in self.changes]}


def _editions(r: ScreenResult) -> dict[str, str]:
    out: dict[str, set[str]] = {}
    for lst in r.lists:
        name = str(lst.get("list") or lst.get("name") or "")
        out.setdefault(name, set()).add(str(lst.get("edition") or ""))
    return {k: ", ".join(sorted(v)) for k, v in out.items()}


def _involved(v: Verdict) -> set[str]:
    return {v.exporter_id, *v.path, *v.untraced, *(str(p[0]) for p in v.upstream_parties if p)}


def _match_sig(fs: list[Finding]) -> set[tuple[str, str, str, str]]:
    return {(f.severity, str((f.details or {}).get("entity_id", "")), f.edition,
             str((f.details or {}).get("human", ""))) for f in fs if f.rule == "list_match"}


def _humans(fs: list[Finding]) -> dict[str, str]:
    return {str((f.details or {}).get("entity_id", "")): str((f.details or {}).get("human", ""))
            for f in fs if f.rule == "list_match" and (f.details or {}).get("human")}


def _links_of(r: ScreenResult, pid: str) -> set[tuple[str, str]]:
    return {(ln.supplier_id, ln.material) for ln in r.suppliers_of(pid)}


def _causes(a: ScreenResult, b: ScreenResult, va: Verdict | None, vb: Verdict | None,
            lists_changed: list[str]) -> tuple[list[str], list[str]]:
    why: list[str] = []
    said: list[str] = []
    parties = (_involved(va) if va else set()) | (_involved(vb) if vb else set())
    decided, edition, data = [], [], []
    for pid in sorted(parties):
        fa, fb = a.findings_of(pid), b.findings_of(pid)
        ha, hb = _humans(fa), _humans(fb)
        for ent, text in hb.items():
            if ha.get(ent) != text:
                decided.append(f"{b.party_name(pid)} ({pid}) × {ent}: {text}")
        if _match_sig(fa) != _match_sig(fb) and lists_changed and not any(hb.get(e) != ha.get(e) for e in hb):
            edition.append(f"{b.party_name(pid)} ({pid})")
        pa, pb = a.parties.get(pid), b.parties.get(pid)
        if (pa is None) != (pb is None) or (pa and pb and (pa.name, pa.address, pa.country, pa.name_local)
                                            != (pb.name, pb.address, pb.country, pb.name_local)):
            data.append(f"party {pid} {'added' if pa is None else 'removed' if pb is None else 'changed'}")
        elif _links_of(a, pid) != _links_of(b, pid):
            data.append(f"suppliers of {b.party_name(pid)} ({pid}) changed")
    if va and vb and (va.material, va.exporter_id, va.importer_id, va.hts) != \
            (vb.material, vb.exporter_id, vb.importer_id, vb.hts):
        data.insert(0, "the shipment record changed")
    if decided:
        why.append("decision")
        said.append("analyst decision: " + "; ".join(decided[:5]))
    if edition:
        why.append("list edition")
        said.append(f"list edition ({', '.join(lists_changed)}): the list match changed for "
                    + ", ".join(edition[:5]))
    if data:
        why.append("new data")
        said.append("new data: " + "; ".join(data[:5]))
    if not why:
        why.append("other")
        said.append("no difference in decisions, lists or data for these parties (other rules?)")
    return why, said


def _kind(va: Verdict | None, vb: Verdict | None) -> str | None:
    if va is None:
        return "added"
    if vb is None:
        return "removed"
    if va.verdict != vb.verdict:
        if vb.verdict == "presumption":
            return "new presumption"
        if vb.verdict == "clear":
            return "cleared"
        return "verdict changed"
    if sorted(va.reasons) != sorted(vb.reasons):
        return "reasons changed"
    return None


def diff_results(a: ScreenResult, b: ScreenResult, a_label: str = "A", b_label: str = "B") -> RunDiff:
    """Shipments whose verdict or reasons differ from run ``a`` to run ``b``, each with why."""
    ea, eb = _editions(a), _editions(b)
    lists_changed = sorted(n for n in set(ea) | set(eb) if ea.get(n) != eb.get(n))
    ids = list(dict.fromkeys([v.shipment_id for v in a.verdicts] + [v.shipment_id for v in b.verdicts]))
    va_ix, vb_ix = a.index.verdicts, b.index.verdicts
    changes, unchanged = [], 0
    for sid in ids:
        va, vb = va_ix.get(sid), vb_ix.get(sid)
        kind = _kind(va, vb)
        if kind is None:
            unchanged += 1
            continue
        if va and vb:
            why, said = _causes(a, b, va, vb, lists_changed)
        else:
            why, said = ["new data"], [f"shipment {kind} (not in run {a_label if va is None else b_label})"]
        changes.append(ShipmentChange(sid, kind, va.verdict if va else "", vb.verdict if vb else "",
                                      list(va.reasons) if va else [], list(vb.reasons) if vb else [],
                                      why, said))
    order = {k: i for i, k in enumerate(KINDS)}
    changes.sort(key=lambda c: (order[c.kind], c.shipment_id))
    return RunDiff(a_label, b_label, a.counts(), b.counts(), lists_changed, changes, unchanged)
