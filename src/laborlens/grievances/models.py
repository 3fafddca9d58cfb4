"""Grievance tables (migration 0008), on the shared ``Base``.

A head row per grievance holds only what is needed to find and route it (random id, hash of the receipt
code, language, channel, linked party, assignee list lives in its own table) plus ``version`` for
optimistic locking. Everything that happens is an appended event. The worker's words, contact details,
names and staff replies exist here only as AES-GCM ciphertext bound to the grievance and event.
No IP address, user agent or phone number has a column.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from laborlens.cases.models import Assigned
from laborlens.store.models import Base


class Grievance(Base):
    __tablename__ = "grievances"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)  # GRV-7F3A9C: random, not a count
    receipt_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(10))  # of the worker's own words
    channel: Mapped[str] = mapped_column(String(10))  # web | sms | staff
    received_on: Mapped[date] = mapped_column(Date)  # a day, not a time: less to correlate with logs
    has_contact: Mapped[bool] = mapped_column(default=False)
    party_id: Mapped[str] = mapped_column(String(200), default="", index=True)
    party_name: Mapped[str] = mapped_column(String(400), default="")  # as linked by staff (not the worker)
    party_country: Mapped[str] = mapped_column(String(100), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)


class GrievanceEvent(Base):
    """Append-only. ``data`` holds categories only; free text is sealed in ``text_ct``."""

    __tablename__ = "grievance_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    grievance_id: Mapped[int] = mapped_column(ForeignKey("grievances.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    text_kid: Mapped[str] = mapped_column(String(16), default="")
    text_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    actor: Mapped[str] = mapped_column(String(100))  # "worker" for the worker, else a staff username
    recorded_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)  # staff events only
    __table_args__ = (UniqueConstraint("grievance_id", "seq"),)


class GrievanceAssignment(Assigned, Base):
    """Need-to-know: staff assigned (and admins) may read the sealed parts; ended by ``revoked_at``."""

    __tablename__ = "grievance_assignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    grievance_id: Mapped[int] = mapped_column(ForeignKey("grievances.id"), index=True)
