"""Helpers for the grievance tests: a fixed clock, contexts for the worker and for staff of each role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from laborlens import accounts
from laborlens.accounts import Principal
from laborlens.grievances import WORKER
from laborlens.service.context import Context
from laborlens.settings import Settings
from laborlens.store import Store

PASSWORD = "correct horse battery"


@dataclass
class FixedClock:
    day: date

    def now(self) -> datetime:
        return datetime.combine(self.day, time(12, 0))

    def today(self) -> date:
        return self.day


class Staff:
    """One account per role plus a second analyst; ``ctx(name, day)`` acts as that user on that day."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings, self.store, self.users = settings, store, {}
        with store.session() as s:
            for name, role in (
                ("viewer", "viewer"),
                ("analyst", "analyst"),
                ("analyst2", "analyst"),
                ("admin", "admin"),
            ):
                u = accounts.add_user(s, name, PASSWORD, role)
                self.users[name] = Principal(u.id, u.username, u.role, "cli")

    def ctx(self, name: str, day: date | None = None) -> Context:
        return Context(self.settings, self.store, self.users[name], clock=FixedClock(day or date(2026, 3, 2)))

    def worker(self, day: date | None = None) -> Context:
        return Context(self.settings, self.store, WORKER, clock=FixedClock(day or date(2026, 3, 2)))
