"""The words of triage: issue types, severities, statuses and how a grievance may move between them."""

from __future__ import annotations

# The ILO's 11 indicators of forced labour (ILO Special Action Programme to Combat Forced Labour, 2012)
FORCED_LABOUR: dict[str, str] = {
    "abuse_of_vulnerability": "Abuse of vulnerability",
    "deception": "Deception",
    "restriction_of_movement": "Restriction of movement",
    "isolation": "Isolation",
    "physical_sexual_violence": "Physical and sexual violence",
    "intimidation_threats": "Intimidation and threats",
    "retention_of_documents": "Retention of identity documents",
    "withholding_of_wages": "Withholding of wages",
    "debt_bondage": "Debt bondage",
    "abusive_conditions": "Abusive working and living conditions",
    "excessive_overtime": "Excessive overtime",
}
OTHER_ISSUES: dict[str, str] = {
    "child_labour": "Child labour",
    "freedom_of_association": "Freedom of association",
    "osh": "Occupational safety and health",
    "wages_and_hours": "Wages and hours",
    "discrimination": "Discrimination",
}
ISSUES: dict[str, str] = {**FORCED_LABOUR, **OTHER_ISSUES}
SEVERITIES = ("low", "medium", "high", "critical")
STATUSES = ("received", "acknowledged", "investigating", "remediation", "closed")
# forward one step at a time; a grievance can be closed from anywhere (e.g. found not credible) and
# reopened into investigation when new information arrives
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("acknowledged", "closed"),
    "acknowledged": ("investigating", "closed"),
    "investigating": ("remediation", "closed"),
    "remediation": ("investigating", "closed"),
    "closed": ("investigating",),
}
CLOSE_REASONS = (
    "remediated",
    "not_credible",
    "out_of_scope",
    "duplicate",
    "withdrawn",
    "no_contact",
    "other",
)
CHANNELS = ("web", "sms", "staff")
