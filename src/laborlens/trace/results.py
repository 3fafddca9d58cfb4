"""What tracing returns: per-shipment results with evidence paths, and an upstream summary for rebuttals.

Plain frozen dataclasses (picklable, no numpy) so that engines, the report and the API can pass them on.
Severity is an int so that the graph code stays independent of the finding rules: 2 = presumption
(listed entity or XUAR, any tier), 1 = review (risk indicators), 0 = clear.
"""

from __future__ import annotations

from dataclasses import dataclass

VERDICTS: dict[int, str] = {2: "presumption", 1: "review", 0: "clear"}


def verdict_of(severity: int) -> str:
    """Verdict word for a severity; anything above 2 is still a presumption."""
    return VERDICTS[max(0, min(2, int(severity)))]


@dataclass(frozen=True, slots=True)
class TaintHit:
    """One tainted upstream party and its shortest input chain to the exporter.

    ``path`` runs from the tainted party to the exporter; ``materials[i]`` is what ``path[i]`` sells on
    (the last is the shipped material). ``tier`` = len(path): the exporter is tier 1, its supplier tier 2.
    ``assumed_edges`` lists (input, output) material pairs on the path that the material map did not know
    and tracing assumed could feed (conservative)."""

    party_id: str
    severity: int
    tier: int
    path: tuple[str, ...]
    materials: tuple[str, ...]
    assumed_edges: tuple[tuple[str, str], ...] = ()

    @property
    def assumed(self) -> bool:
        return bool(self.assumed_edges)

    @property
    def path_str(self) -> str:
        return ">".join(self.path)

    @property
    def verdict(self) -> str:
        return verdict_of(self.severity)


@dataclass(frozen=True, slots=True)
class TraceResult:
    """Outcome of tracing one shipment: the worst hit (higher severity, then shorter path) and all hits."""

    shipment_id: str
    exporter_id: str
    material: str
    worst: TaintHit | None = None
    tainted: tuple[TaintHit, ...] = ()

    @property
    def severity(self) -> int:
        return self.worst.severity if self.worst else 0

    @property
    def verdict(self) -> str:
        return verdict_of(self.severity)

    @property
    def party_id(self) -> str:
        return self.worst.party_id if self.worst else ""

    @property
    def tier(self) -> int | None:
        return self.worst.tier if self.worst else None

    @property
    def path(self) -> tuple[str, ...]:
        return self.worst.path if self.worst else ()

    @property
    def path_str(self) -> str:
        return self.worst.path_str if self.worst else ""

    @property
    def materials(self) -> tuple[str, ...]:
        return self.worst.materials if self.worst else ()

    @property
    def assumed(self) -> bool:
        return bool(self.worst and self.worst.assumed)

    @property
    def reason(self) -> str:
        """One sentence a reviewer can check against the path, saying when tracing was conservative."""
        w = self.worst
        if w is None:
            return "no party with a finding is connected to this shipment through a chain of inputs"
        where = ("the exporter itself" if w.tier == 1
                 else f"tier {w.tier} ({w.tier - 1} step(s) above the exporter)")
        chain = " > ".join(f"{m or '(no material)'} ({p})" for p, m in zip(w.path, w.materials, strict=False))
        text = f"{w.verdict}: {w.party_id} at {where}; input chain {chain}"
        if w.assumed:
            pairs = "; ".join(f"'{a or '(no material)'}' can feed '{b or '(no material)'}'"
                              for a, b in w.assumed_edges)
            text += f"; tracing conservative: assumed {pairs} (material not in the input map)"
        others = len(self.tainted) - 1
        if others > 0:
            text += f"; {others} other tainted upstream part{'y' if others == 1 else 'ies'}"
        return text


@dataclass(frozen=True, slots=True)
class Upstream:
    """Everyone who can feed a shipment, and the tiers that still need tracing (for a rebuttal checklist).

    ``parties``: (party_id, nearest tier), exporter excluded. ``untraced``: (party_id, material, tier) for
    nodes upstream (the exporter included) that sell a material short of its origin (see
    ``MaterialMap.is_origin``) but have no inbound link that can feed it: their inputs are not yet traced
    back to raw materials, as CBP's guidance expects."""

    shipment_id: str
    parties: tuple[tuple[str, int], ...] = ()
    untraced: tuple[tuple[str, str, int], ...] = ()

    @property
    def count(self) -> int:
        return len(self.parties)

    @property
    def depth(self) -> int:
        """Tiers reached, the exporter being tier 1."""
        return max((t for _p, t in self.parties), default=1)

    @property
    def traced_to_origin(self) -> bool:
        return not self.untraced
