"""The use-case layer: one function per user action.

Every state change takes a :class:`~laborlens.service.context.Context`, validates its input, authorises the
principal, writes, audits and commits as one unit of work (zulip's ``do_*`` actions). CLI commands, API
routers and web pages only parse, call one of these and format the answer.

Modules by domain: :mod:`.rrm`, :mod:`.defenders`, :mod:`.missions`, :mod:`.safeguards`, :mod:`.progress`
(case work), :mod:`.lists` (watchlist imports) and :mod:`.identity` (who a CLI user is).
"""

from laborlens.service.context import Context, SystemClock

__all__ = ["Context", "SystemClock"]
