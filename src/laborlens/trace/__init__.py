"""Supply-chain tracing for the UFLPA "wholly or in part" presumption: material input map, upstream
propagation over the (party, material) graph with evidence paths, and volume reconciliation."""

from laborlens.trace.graph import LinkColumns, SupplyGraph, trace
from laborlens.trace.massbalance import (
                                         MassBalanceFlag,
                                         MassBalanceReport,
                                         check_mass_balance,
                                         mass_balance,
                                         normalize_unit,
)
from laborlens.trace.materials import MaterialEdge, MaterialMap, normalize_material, read_bom
from laborlens.trace.results import TaintHit, TraceResult, Upstream, verdict_of

__all__ = [
    "LinkColumns", "MassBalanceFlag", "MassBalanceReport", "MaterialEdge", "MaterialMap", "SupplyGraph",
    "TaintHit", "TraceResult", "Upstream", "check_mass_balance", "mass_balance", "normalize_material",
    "normalize_unit", "read_bom", "trace", "verdict_of",
]
