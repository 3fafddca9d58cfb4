"""The redacted export for a partner government: categories and actions; names only with consent."""

from __future__ import annotations

import io
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens import audit, csvout
from laborlens.cases.common import Principal, choice, require_role
from laborlens.cases.crypto import KeyRing
from laborlens.cases.defenders.access import may_see
from laborlens.cases.defenders.records import case_events, summarise
from laborlens.cases.defenders.sealing import open_identity
from laborlens.cases.models import DefenderCase

EXPORT_COLUMNS = (
    "case",
    "country",
    "role",
    "sector",
    "threats",
    "risk",
    "status",
    "actions",
    "consent_to_publicity",
    "name",
    "organisation",
)


def export_redacted(s: Session, ring: KeyRing, who: Principal, fmt: str = "json") -> str:
    """For a partner government: categories and actions only; name and organisation only with consent.

    Contact details, narrative, notes, sex and age group never leave. Need-to-know holds here too: admins
    export every case, other staff only the cases they are assigned to (an analyst assigned to none gets an
    empty export, not the consenting names of other people's cases). Each identity exported is audited."""
    require_role(who, "analyst")
    fmt = choice(fmt, ("json", "csv"), "format")
    rows: list[dict[str, Any]] = []
    for case in s.execute(select(DefenderCase).order_by(DefenderCase.id)).scalars():
        if not may_see(s, who, case):
            continue
        sm = summarise(case, case_events(s, case))
        row = {
            "case": sm.pseudonym,
            "country": sm.country,
            "role": sm.role,
            "sector": sm.sector,
            "threats": sm.threats,
            "risk": sm.risk,
            "status": sm.status,
            "actions": sm.actions,
            "consent_to_publicity": sm.consent_to_publicity,
            "name": "",
            "organisation": "",
        }
        if sm.consent_to_publicity:
            ident = open_identity(ring, case)
            row["name"], row["organisation"] = ident.get("name", ""), ident.get("organisation", "")
            audit.record(s, who.username, "defender.identity.export", case.pseudonym)
        rows.append(row)
    audit.record(s, who.username, "defender.export", "", {"cases": len(rows), "format": fmt})
    if fmt == "json":
        return json.dumps({"redacted": True, "cases": rows}, ensure_ascii=False, indent=2)
    buf = io.StringIO()
    w = csvout.DictWriter(buf, fieldnames=EXPORT_COLUMNS)
    w.writeheader()
    for r in rows:
        w.writerow({**r, "threats": ";".join(r["threats"]), "actions": ";".join(r["actions"])})
    return buf.getvalue()
