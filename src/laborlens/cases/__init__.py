"""Case work: RRM petitions, threatened defenders, mission engagements, MDB safeguard reviews and the
memorandum's progress review. Shares the store, accounts and audit log; does not depend on screening.

Importing this package registers the case tables on ``laborlens.store.models.Base`` (Alembic's
autogenerate in ``store/migrations/env.py`` needs that import; migration 0003 creates them).
"""

from __future__ import annotations

from laborlens.cases import models as models
from laborlens.cases.common import Conflict, Operator, Principal
from laborlens.store import Store

__all__ = ["Conflict", "Operator", "Principal", "demo_case_work"]


def demo_case_work(store: Store) -> dict[str, int]:
    """Load the 26 real RRM cases (idempotent) for ``laborlens demo``; returns what was added/skipped."""
    from laborlens.cases.rrm_real import load_real_cases

    with store.session() as s:
        r = load_real_cases(s)
    return {"rrm_cases_added": r.added, "rrm_cases_present": r.skipped}
