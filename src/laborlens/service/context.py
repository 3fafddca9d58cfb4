"""What a use case needs, passed in once by the edge: settings, store, clock, keyring and principal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from laborlens.accounts import Forbidden, Principal

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from laborlens.cases.crypto import KeyRing
    from laborlens.settings import Settings
    from laborlens.store import Store


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    """UTC everywhere: stored times are naive UTC to the second; "today" is the UTC date at every edge."""

    def now(self) -> datetime:
        return datetime.now(UTC).replace(tzinfo=None, microsecond=0)

    def today(self) -> date:
        return datetime.now(UTC).date()


@dataclass
class Context:
    """One acting principal's view of the installation for one request or command."""

    settings: Settings
    store: Store
    principal: Principal
    clock: Clock = field(default_factory=SystemClock)
    keyring: Any = None  # laborlens.cases.crypto.KeyRing; built from the settings on first use when not given

    def require(self, role: str) -> Principal:
        """The principal, who must hold ``role`` or higher (:class:`Forbidden` otherwise)."""
        if not self.principal.can(role):
            raise Forbidden(f"this needs the {role} role; you are signed in as {self.principal.role}")
        return self.principal

    def today(self) -> date:
        """"Today" for every rule and default date: the clock's UTC date, whichever edge is acting."""
        return self.clock.today()

    def key_ring(self) -> KeyRing:
        """The defender key ring (loaded from ``settings.defender_key`` or the key file, once)."""
        if self.keyring is None:
            from laborlens.cases.crypto import KeyRing

            self.keyring = KeyRing.from_settings(self.settings)
        return self.keyring

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: the action's writes and its audit entries commit or roll back together."""
        with self.store.session() as s:
            yield s
