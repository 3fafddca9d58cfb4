"""Case-work tables, declared on the shared ``Base`` so Alembic (migration 0003) and the store see them.

Pattern: a *head* row per case holds facts fixed at intake plus ``version`` (optimistic lock); an *events*
table holds everything that happened, appended with ``seq`` = the version it produced and never updated.
Current state is derived from the events. Defender identities and free-text notes exist here only as
AES-GCM ciphertext with the id of the key that sealed them; nothing identifying is indexed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from laborlens.store.models import Base


class Opened:
    """Who opened a head row and when, plus its optimistic-lock ``version``: the same on every case head."""

    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=0)


class Appended:
    """Who appended an event and when: the same on every case event table."""

    actor: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class Assigned:
    """A need-to-know grant (cases and grievances alike), ended by ``revoked_at``."""

    username: Mapped[str] = mapped_column(String(100), index=True)
    assigned_by: Mapped[str] = mapped_column(String(100))
    assigned_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class CaseCounter(Base):
    """The last number handed out per id prefix (``RRM-2026-``, ``MIS-``, ``SGR-``): ids never repeat, and two
    writers never get the same number (the increment is one UPDATE, which takes the row's write lock)."""

    __tablename__ = "case_counters"
    prefix: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


# -- USMCA Rapid Response Labor Mechanism ------------------------------------------------------------------


class RrmPetition(Opened, Base):
    """One RRM case (a petition or self-initiation) about one Covered Facility in Mexico."""

    __tablename__ = "rrm_petitions"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # RRM-R01 (real) / RRM-2026-001 (filed)
    facility: Mapped[str] = mapped_column(Text)
    company: Mapped[str] = mapped_column(Text, default="")
    municipality: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(2), default="MX")
    sector: Mapped[str] = mapped_column(
        String(20)
    )  # covered class: manufacturing | services | mining | unknown
    sector_detail: Mapped[str] = mapped_column(Text, default="")
    petitioner: Mapped[str] = mapped_column(Text, default="")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    allegations: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(20), default="filed")  # filed | real
    sources: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class RrmEvent(Appended, Base):
    __tablename__ = "rrm_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    petition_id: Mapped[str] = mapped_column(ForeignKey("rrm_petitions.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    on_date: Mapped[str] = mapped_column(String(20), default="")  # as the source has it: 2021-06, 2023
    precision: Mapped[str] = mapped_column(String(10), default="exact")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("petition_id", "seq"),)


class RrmClockOverride(Base):
    """An administrator's setting for an *unverified* clock (verified statutory clocks are not editable)."""

    __tablename__ = "rrm_clock_overrides"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    days: Mapped[int] = mapped_column(Integer)
    business: Mapped[bool] = mapped_column(Boolean)
    holiday_calendar: Mapped[str] = mapped_column(String(20), default="US")
    set_by: Mapped[str] = mapped_column(String(100))
    set_at: Mapped[datetime] = mapped_column(DateTime)


# -- threatened labor-rights defenders ---------------------------------------------------------------------


class DefenderCase(Opened, Base):
    """Only the pseudonym, country and coarse categories are in clear; the identity is one sealed blob."""

    __tablename__ = "defender_cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pseudonym: Mapped[str] = mapped_column(String(20), unique=True)  # DEF-7F3A: HMAC of a random token
    country: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(30), default="trade_unionist")
    sector: Mapped[str] = mapped_column(String(100), default="")
    identity_kid: Mapped[str] = mapped_column(String(16))
    identity_ct: Mapped[bytes] = mapped_column(LargeBinary)  # 12-byte nonce || AES-GCM ciphertext+tag


class DefenderEvent(Appended, Base):
    __tablename__ = "defender_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("defender_cases.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))  # opened | threat | action | risk | consent | status | note
    on_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)  # categories only, never free text
    note_kid: Mapped[str] = mapped_column(String(16), default="")
    note_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    __table_args__ = (UniqueConstraint("case_id", "seq"),)


class DefenderAssignment(Assigned, Base):
    """Need-to-know: staff assigned to a case (and admins) may read its identity; ended by ``revoked_at``."""

    __tablename__ = "defender_assignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("defender_cases.id"), index=True)


# -- missions and stakeholder engagement -------------------------------------------------------------------


class Mission(Opened, Base):
    __tablename__ = "missions"
    id: Mapped[str] = mapped_column(String(20), primary_key=True)  # MIS-0001
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))  # mission | negotiation
    country: Mapped[str] = mapped_column(String(100), default="")
    agency: Mapped[str] = mapped_column(String(100), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class MissionEngagement(Appended, Base):
    __tablename__ = "mission_engagements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mission_id: Mapped[str] = mapped_column(ForeignKey("missions.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    phase: Mapped[str] = mapped_column(String(10))  # before | during | after
    stakeholder: Mapped[str] = mapped_column(String(40))
    on_date: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")  # only rows from before 0006; new ones are sealed
    summary_kid: Mapped[str] = mapped_column(String(16), default="")
    summary_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # may name a person: sealed
    __table_args__ = (UniqueConstraint("mission_id", "seq"),)


# -- development-bank safeguard reviews ------------------------------------------------------------------


class SafeguardReview(Opened, Base):
    __tablename__ = "safeguard_reviews"
    id: Mapped[str] = mapped_column(String(20), primary_key=True)  # SGR-0001
    project: Mapped[str] = mapped_column(Text)
    bank: Mapped[str] = mapped_column(String(100))
    project_ref: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(100), default="")
    framework: Mapped[str] = mapped_column(String(10))  # ESS2 | PS2


class SafeguardScore(Appended, Base):
    __tablename__ = "safeguard_scores"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    review_id: Mapped[str] = mapped_column(ForeignKey("safeguard_reviews.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column(Integer)  # 0 absent, 1 partial, 2 met
    evidence: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("review_id", "seq"),)


# -- memorandum progress review -----------------------------------------------------------------------------


class DirectiveTracker(Base):
    """The lock row for one of the memorandum's 22 directives (its text lives in refdata directives.csv)."""

    __tablename__ = "directive_trackers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # directive number 1..22
    version: Mapped[int] = mapped_column(Integer, default=0)


class DirectiveUpdate(Appended, Base):
    __tablename__ = "directive_updates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    directive_no: Mapped[int] = mapped_column(ForeignKey("directive_trackers.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))  # not_started | in_progress | done | blocked
    evidence: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    __table_args__ = (UniqueConstraint("directive_no", "seq"),)
