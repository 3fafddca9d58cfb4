"""Volume reconciliation: does a party ship out more of a material than its recorded inputs can explain?

Why: CBP asks importers to make volumes reconcile; a mill that sells more yarn than the cotton it documents
can have bought undocumented (possibly XUAR) cotton and "laundered" it. For each (party, material, unit
kind) shipped out, the check compares

    qty_out  vs  qty_in_equivalent = sum over inbound inputs i of qty_in(i) x conversion(i -> material)
                                     + declared own production of the material

and flags ``qty_out > qty_in_equivalent x (1 + tolerance)``. Conversion comes from the material map (best
chain product, e.g. cotton -> fabric = 0.9 x 0.93; 1.0 for the same material; assumed 1.0 when a material is
unknown to the map, said so in the explanation). It is lenient on purpose: complementary inputs are summed as
if each could make the whole output and an input shared by two outputs counts for both, so a flag is
a strong signal, and the absence of a flag is not proof. It is a ``review`` indicator, not a presumption.

Not concluded (a note instead of a flag): parties with no inbound links at all (raw producers or untraced:
see ``SupplyGraph.upstream``), relevant inputs in an incompatible unit (kg vs pieces), inputs with missing
quantities, and inputs whose mass is not comparable with the output (solar cells in a module).

Columnar: sums are numpy group-bys over packed integer keys, so a million links take about a second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from laborlens.model import Finding, Link, Shipment
from laborlens.trace.graph import Interner, LinkColumns, _material_codes, as_columns
from laborlens.trace.materials import MaterialMap

# unit -> (kind, canonical unit, multiplier to the canonical unit). "ton" is read as the metric tonne,
# as in trade statistics; write "short ton" for 2,000 lb.
_UNITS: dict[str, tuple[str, float]] = {}
for _names, _canon, _mult in (
    (("kg", "kgs", "kilogram", "kilo", "公斤", "千克"), "kg", 1.0), (("g", "gram", "gr"), "kg", 0.001),
    (("t", "mt", "tonne", "ton", "metric ton", "metric tonne", "吨"), "kg", 1000.0),
    (("short ton", "st"), "kg", 907.18474), (("long ton",), "kg", 1016.0469088),
    (("lb", "lbs", "pound"), "kg", 0.45359237), (("oz", "ounce"), "kg", 0.028349523125),
    (("pcs", "pc", "piece", "unit", "ea", "each", "nos", "no", "item", "件", "个"), "pcs", 1.0),
    (("dozen", "doz", "dz"), "pcs", 12.0), (("pair", "pr"), "pair", 1.0),
    (("m", "meter", "metre", "米"), "m", 1.0), (("yd", "yard"), "m", 0.9144), (("km",), "m", 1000.0),
    (("m2", "sqm", "square meter", "square metre", "sq m"), "m2", 1.0), (("ft2", "sqft", "sq ft"),
    "m2", 0.09290304),
    (("l", "liter", "litre", "ltr"), "l", 1.0), (("m3", "cbm", "cubic meter"), "l", 1000.0),
    (("gal", "gallon"), "l", 3.785411784),
):
    for _n in _names:
        _UNITS[_n] = (_canon, _mult)


def _qty(x: float) -> str:
    """Quantities as people write them: 7,208,232 rather than 7.20823e+06."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.3g}"


def normalize_unit(unit: str) -> tuple[str, float]:
    """(canonical unit, multiplier): "tonnes" -> ("kg", 1000.0). Unknown units are kept as written (only
    equal to themselves) so that nothing is silently converted; empty stays "" (unspecified)."""
    u = " ".join(str(unit).casefold().replace(".", " ").split())
    if u in _UNITS:
        return _UNITS[u]
    if u.endswith("s") and u[:-1] in _UNITS:
        return _UNITS[u[:-1]]
    return u, 1.0


@dataclass(frozen=True, slots=True)
class MassBalanceFlag:
    """One party shipping more of a material than its recorded inputs explain. ``ratio`` = out / in
    (inf when nothing explains it); quantities are in ``unit`` (kg for any mass unit)."""

    party_id: str
    material: str
    qty_in_equivalent: float
    qty_out: float
    ratio: float
    explanation: str
    unit: str = "kg"

    def to_finding(self) -> Finding:
        return Finding(self.party_id, "mass_balance", "review", self.explanation,
                       "quantities on links and shipments", "", details={
            "material": self.material, "qty_in_equivalent": self.qty_in_equivalent, "qty_out": self.qty_out,
            "ratio": self.ratio, "unit": self.unit})


@dataclass(slots=True)
class MassBalanceReport:
    flags: list[MassBalanceFlag] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def check_mass_balance(links: Sequence[Link] | LinkColumns, shipments: Sequence[Shipment] = (),
                       own_production: Mapping[str, Mapping[str, float | tuple[float, str]]] | None = None,
                       material_map: MaterialMap | None = None,
                       tolerance: float = 0.05) -> list[MassBalanceFlag]:
    """The flags of :func:`mass_balance`."""
    return mass_balance(links, shipments, own_production, material_map, tolerance).flags


def mass_balance(links: Sequence[Link] | LinkColumns, shipments: Sequence[Shipment] = (),
                 own_production: Mapping[str, Mapping[str, float | tuple[float, str]]] | None = None,
                 material_map: MaterialMap | None = None, tolerance: float = 0.05) -> MassBalanceReport:
    """Flags plus notes on what could not be concluded. Outbound = links supplied + shipments exported.
    ``own_production``: party_id -> {material: qty} (kg) or {material: (qty, unit)}."""
    mmap = material_map or MaterialMap.default()
    cols = as_columns(links)
    n = len(cols)
    parties, vocab, mcache = Interner(), Interner(), dict[str, int]()
    units, ucache = Interner(), dict[str, tuple[int, float]]()

    def unit_codes(values: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        def one(u: str) -> tuple[int, float]:
            if u not in ucache:
                canon, mult = normalize_unit(u or "")
                ucache[u] = (units.add(canon), mult)
            return ucache[u]
        pairs = [one(u) for u in values]
        return (np.array([p[0] for p in pairs], dtype=np.int64), np.array([p[1] for p in pairs], dtype=float))

    sup, buy = parties.codes(cols.supplier_id), parties.codes(cols.buyer_id)
    mat = _material_codes(cols.material, vocab, mmap.normalize, mcache)
    qty = np.full(n, np.nan) if cols.quantity is None else np.asarray(cols.quantity, dtype=float)
    ug, um = unit_codes(cols.unit if cols.unit is not None else [""] * n)
    exp = parties.codes([s.exporter_id for s in shipments])
    smat = _material_codes([s.material for s in shipments], vocab, mmap.normalize, mcache)
    sq = np.array([np.nan if s.quantity is None else s.quantity for s in shipments], dtype=float)
    sg, sm = unit_codes([s.unit for s in shipments])

    # inbound rows: bought (kind 0) and declared own production (kind 1, counted as the same material)
    own_p, own_m, own_q, own_g = [], [], [], []
    for pid, per in (own_production or {}).items():
        for m, v in per.items():
            q, u = (v, "kg") if isinstance(v, (int, float)) else v
            code, mult = unit_codes([u])
            own_p.append(parties.add(pid))
            own_m.append(_material_codes([m], vocab, mmap.normalize, mcache)[0])
            own_q.append(float(q) * mult[0])
            own_g.append(code[0])
    n_p, n_m, n_u = len(parties.names), max(len(vocab.names), 1), max(len(units.names), 1)

    out_p, out_m, out_g = np.concatenate((sup, exp)), np.concatenate((mat, smat)), np.concatenate((ug, sg))
    out_q = np.concatenate((qty * um, sq * sm))
    ok = ~np.isnan(out_q)
    okey, out_sum = _group_sum((out_p[ok], out_m[ok], out_g[ok]), (n_p, n_m, n_u), out_q[ok])
    o_p, o_m, o_g = okey

    in_p = np.concatenate((buy, np.array(own_p, dtype=np.int64)))
    in_m = np.concatenate((mat, np.array(own_m, dtype=np.int64)))
    in_g = np.concatenate((ug, np.array(own_g, dtype=np.int64)))
    in_k = np.concatenate((np.zeros(n, dtype=np.int64), np.ones(len(own_p), dtype=np.int64)))
    in_q = np.concatenate((qty * um, np.array(own_q, dtype=float)))
    missing = np.isnan(in_q)
    ikey, in_sum = _group_sum((in_p[~missing], in_m[~missing], in_g[~missing], in_k[~missing]),
                              (n_p, n_m, n_u, 2), in_q[~missing])
    mkey, _ = _group_sum((in_p[missing], in_m[missing]), (n_p, n_m), np.ones(int(missing.sum())))
    has_inputs = np.bincount(in_p, minlength=n_p) > 0

    relevant, assumed, factor = mmap.matrices(vocab.names)
    # join each outbound key with its party's inbound groups (a party has few materials: small fan-out)
    rep, j = _join_on_party(o_p, ikey[0], n_p)
    i_m, i_g = ikey[1][j], ikey[2][j]
    rel = relevant[i_m, o_m[rep]]
    same_unit = i_g == o_g[rep]
    f = np.where(assumed[i_m, o_m[rep]], 1.0, factor[i_m, o_m[rep]])
    usable = rel & same_unit & ~np.isnan(f)
    contrib = np.where(usable, in_sum[j] * np.nan_to_num(f), 0.0)
    n_out = len(out_sum)
    in_eq = np.bincount(rep, weights=contrib, minlength=n_out)
    blocked_units = np.bincount(rep, weights=rel & ~same_unit, minlength=n_out) > 0
    blocked_conv = np.bincount(rep, weights=rel & same_unit & np.isnan(f), minlength=n_out) > 0
    mrep, mj = _join_on_party(o_p, mkey[0], n_p)
    blocked_missing = np.bincount(mrep, weights=relevant[mkey[1][mj], o_m[mrep]], minlength=n_out) > 0

    over = out_sum > in_eq * (1.0 + tolerance) + 1e-9
    assessed = has_inputs[o_p]
    blocked = blocked_units | blocked_conv | blocked_missing
    report = MassBalanceReport()
    names, mats, unames = parties.names, vocab.names, units.names
    flagged = np.flatnonzero(over & assessed & ~blocked)
    used_assumed = np.bincount(rep, weights=usable & assumed[i_m, o_m[rep]], minlength=n_out) > 0
    detail: dict[int, list[str]] = {int(k): [] for k in flagged}
    for idx in np.flatnonzero(usable & np.isin(rep, flagged)).tolist():
        jj = int(j[idx])
        what = f"declared own production of {mats[ikey[1][jj]]}" if ikey[3][jj] else mats[ikey[1][jj]]
        detail[int(rep[idx])].append(f"{_qty(in_sum[jj])} {unames[ikey[2][jj]]} {what} x {f[idx]:.4g}")
    for k in flagged.tolist():
        unit = unames[o_g[k]] or "(no unit)"
        ratio = float(out_sum[k] / in_eq[k]) if in_eq[k] > 0 else float("inf")
        basis = "; ".join(detail[k]) or "no recorded input that can feed it"
        pct = f"{(ratio - 1) * 100:.0f}% over" if np.isfinite(ratio) else "nothing explains it"
        text = (f"{names[o_p[k]]} ships {_qty(out_sum[k])} {unit} of {mats[o_m[k]]} but its recorded inputs "
                f"support at most {_qty(in_eq[k])} {unit} ({basis}); {pct}, tolerance {tolerance:.0%}")
        if used_assumed[k]:
            text += "; a material not in the input map was assumed to convert 1:1"
        report.flags.append(MassBalanceFlag(names[o_p[k]], mats[o_m[k]], float(in_eq[k]), float(out_sum[k]),
                                            ratio, text, unit))
    for k in np.flatnonzero(over & assessed & blocked).tolist():
        why = [w for w, b in (("inputs in an incompatible unit", blocked_units[k]),
                              ("inputs whose mass is not comparable with the output", blocked_conv[k]),
                              ("inputs without quantities", blocked_missing[k])) if b]
        report.notes.append(f"{names[o_p[k]]} {mats[o_m[k]]} ({unames[o_g[k]] or 'no unit'}): not concluded, "
                            f"{' and '.join(why)}")
    skipped = len(np.unique(o_p[~assessed]))
    if skipped:
        report.notes.append(f"{skipped} part{'y' if skipped == 1 else 'ies'} with outbound quantities but no "
                            "inbound link not assessed (raw producers, or inputs untraced)")
    return report


def _group_sum(cols: Sequence[np.ndarray], sizes: Sequence[int], weights: np.ndarray
               ) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """GROUP BY cols SUM(weights): distinct key columns (sorted, first column major) and their sums."""
    sizes = [max(int(s), 1) for s in sizes]
    if np.prod([float(s) for s in sizes]) >= 2.0 ** 62:
        rows, inv = np.unique(np.stack(cols, axis=1).reshape(-1, len(cols)), axis=0, return_inverse=True)
        inv = inv.ravel()
        return tuple(rows[:, i] for i in range(len(cols))), np.bincount(inv, weights=weights,
                                                                          minlength=len(rows))
    key = np.zeros(len(weights), dtype=np.int64)
    for c, s in zip(cols, sizes, strict=False):
        key = key * s + c
    uniq, inv = np.unique(key, return_inverse=True)
    sums = np.bincount(inv, weights=weights, minlength=len(uniq))
    out, rest = [], uniq
    for s in reversed(sizes):
        out.append(rest % s)
        rest = rest // s
    return tuple(reversed(out)), sums


def _join_on_party(left_party: np.ndarray, right_party: np.ndarray,
                   n_p: int) -> tuple[np.ndarray, np.ndarray]:
    """All (left row, right row) pairs with the same party; ``right_party`` must be sorted."""
    counts = np.bincount(right_party, minlength=n_p)
    first = np.concatenate(([0], np.cumsum(counts)))
    fan = counts[left_party]
    rep = np.repeat(np.arange(len(left_party)), fan)
    within = np.arange(int(fan.sum()), dtype=np.int64) - np.repeat(np.cumsum(fan) - fan, fan)
    return rep, first[left_party][rep] + within
