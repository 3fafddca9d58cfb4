"""Worker-led monitoring: anonymous, multilingual grievance intake that feeds screening and case work.

- :mod:`~laborlens.grievances.intake`: what a worker does without an account (report, receipt code,
  follow-up, add information); :mod:`~laborlens.grievances.sms` the SMS/WhatsApp webhook logic;
- :mod:`~laborlens.grievances.triage`: staff use cases (assign, triage, status, reply, plan, excerpt,
  link or create a party); :mod:`~laborlens.grievances.escalate` to an RRM petition or a defender case;
- :mod:`~laborlens.grievances.views`: list, board with deadlines, one grievance, redacted export;
- :mod:`~laborlens.grievances.findings`: the ``grievance`` party finding for screening.

Every state change is one function taking a :class:`laborlens.service.Context`.
"""

from laborlens.grievances import models as models
from laborlens.grievances.intake import WORKER, Receipt, UnknownReceipt
from laborlens.grievances.vocab import FORCED_LABOUR, ISSUES, SEVERITIES, STATUSES

__all__ = ["FORCED_LABOUR", "ISSUES", "SEVERITIES", "STATUSES", "WORKER", "Receipt", "UnknownReceipt"]
