"""Threatened labor-rights defenders (memorandum §3(b)): cases, need-to-know access, redacted export.

Why it is built this way: a leak can get a person hurt. So
- identifying fields (name, organisation, contact, narrative, sex, age group) are one AES-GCM blob and
  free-text notes on events are sealed too; only pseudonym, country and coarse categories are in clear,
  and only those can be searched (:mod:`.sealing`);
- identities are shown only to admins and staff assigned to the case; every read is audited with the
  pseudonym alone; everyone else works with the pseudonymous case (:mod:`.access`);
- messages, audit details and URLs carry the pseudonym, never a name (:mod:`.records`);
- a partner government gets a redacted export: identities only where the person consented (:mod:`.export`);
- the key can be rotated, re-sealing everything in one transaction (:mod:`.rotation`).
"""

from laborlens.cases.defenders.access import assign, assigned_users, may_see, unassign
from laborlens.cases.defenders.export import EXPORT_COLUMNS, export_redacted
from laborlens.cases.defenders.records import (
    ACTIONS,
    DEFENDER_ROLES,
    EVENT_KINDS,
    IDENTITY_FIELDS,
    PERPETRATORS,
    RISKS,
    SUPPORT,
    THREATS,
    DefenderEventView,
    DefenderSummary,
    DefenderView,
    Identity,
    add_event,
    get_case,
    list_cases,
    open_case,
)
from laborlens.cases.defenders.sealing import reseal_all

__all__ = ["ACTIONS", "DEFENDER_ROLES", "EVENT_KINDS", "EXPORT_COLUMNS", "IDENTITY_FIELDS", "PERPETRATORS",
           "RISKS", "SUPPORT", "THREATS", "DefenderEventView", "DefenderSummary", "DefenderView", "Identity",
           "add_event", "assign", "assigned_users", "export_redacted", "get_case", "list_cases", "may_see",
           "open_case", "reseal_all", "unassign"]
