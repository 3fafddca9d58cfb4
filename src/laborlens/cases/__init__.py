"""Case work: RRM petitions, threatened defenders, mission engagements, MDB safeguard reviews and the
memorandum's progress review. Shares the store, accounts and audit log; does not depend on screening.

The library only (no HTTP, no templates), by domain: :mod:`.rrm` (lifecycle, clocks, board, evidence,
real cases), :mod:`.defenders` (records, access, sealing, export, rotation), :mod:`.engagements`,
:mod:`.safeguards`, :mod:`.progress`; shared :mod:`.common`, :mod:`.deadlines`, :mod:`.crypto`,
:mod:`.models`. User actions on them are in :mod:`laborlens.service`.

Importing this package registers the case tables on ``laborlens.store.models.Base`` (Alembic's
autogenerate in ``store/migrations/env.py`` needs that import; migrations 0003 and 0006 create them).
"""

from __future__ import annotations

from laborlens.accounts import Principal
from laborlens.cases import models as models
from laborlens.cases.common import Conflict
from laborlens.store import Store

__all__ = ["Conflict", "demo_case_work"]

# ``laborlens demo`` seeds a fresh home before anyone has signed in: its loads are recorded as "demo".
DEMO = Principal(0, "demo", "admin", "demo")


def demo_case_work(store: Store) -> dict[str, int]:
    """Load the 26 real RRM cases (idempotent) for ``laborlens demo``; returns what was added/skipped."""
    from laborlens.cases.rrm.real import load_real_cases

    with store.session() as s:
        r = load_real_cases(s, DEMO)
    return {"rrm_cases_added": r.added, "rrm_cases_present": r.skipped}
