"""Tables. Editions, decisions and events are appended; current state is derived from them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class ListEdition(Base):
    """One edition of one reference or watch list. Imports add editions; rollback marks one retired."""

    __tablename__ = "list_editions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    list_name: Mapped[str] = mapped_column(String(100), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 ... within a list
    label: Mapped[str] = mapped_column(String(200))  # e.g. "bundled 2025-01 (partial)"
    source: Mapped[str] = mapped_column(Text, default="")
    coverage: Mapped[str] = mapped_column(Text, default="")
    fmt: Mapped[str] = mapped_column(String(20), default="csv")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    entries: Mapped[list[ListEntry]] = relationship(back_populates="edition", cascade="all, delete-orphan")
    __table_args__ = (UniqueConstraint("list_name", "seq"),)


class ListEntry(Base):
    __tablename__ = "list_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("list_editions.id", ondelete="CASCADE"), index=True)
    entity_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(Text)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    country: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(20), default="entity")  # entity | scope
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    edition: Mapped[ListEdition] = relationship(back_populates="entries")
    __table_args__ = (UniqueConstraint("edition_id", "entity_id"),)


class Party(Base):
    __tablename__ = "parties"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    country: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    name_local: Mapped[str] = mapped_column(Text, default="")
    registration_id: Mapped[str] = mapped_column(String(200), default="")


class Link(Base):
    """The supplier sells ``material`` to the buyer. ``key`` is a digest of the row: re-loads are no-ops."""

    __tablename__ = "links"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    supplier_id: Mapped[str] = mapped_column(String(200), index=True)
    buyer_id: Mapped[str] = mapped_column(String(200), index=True)
    material: Mapped[str] = mapped_column(String(200))
    hts: Mapped[str] = mapped_column(String(20), default="")
    quantity: Mapped[float | None] = mapped_column(Float, nullable=True)
    unit: Mapped[str] = mapped_column(String(20), default="")
    date: Mapped[str] = mapped_column(String(10), default="")
    document: Mapped[str] = mapped_column(Text, default="")


class Shipment(Base):
    __tablename__ = "shipments"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    importer_id: Mapped[str] = mapped_column(String(200))
    exporter_id: Mapped[str] = mapped_column(String(200), index=True)
    material: Mapped[str] = mapped_column(String(200))
    hts: Mapped[str] = mapped_column(String(20), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[float | None] = mapped_column(Float, nullable=True)
    unit: Mapped[str] = mapped_column(String(20), default="")
    entry_date: Mapped[str] = mapped_column(String(10), default="")


class LoadRecord(Base):
    """One successful ``laborlens load``: what came in and what changed."""

    __tablename__ = "loads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    loaded_at: Mapped[datetime] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(Text)
    added: Mapped[dict] = mapped_column(JSON, default=dict)


Index("ix_list_entries_entity", ListEntry.entity_id)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)  # argon2id
    role: Mapped[str] = mapped_column(String(20))  # admin | analyst | viewer
    created_at: Mapped[datetime] = mapped_column(DateTime)
    disabled: Mapped[bool] = mapped_column(default=False)
    # TOTP secret sealed with the auth key (AES-GCM, bound to the user id); "" when not enrolled
    totp_sealed: Mapped[str] = mapped_column(Text, default="", server_default="")
    totp_enabled: Mapped[bool] = mapped_column(default=False)
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)  # a code is accepted once


class ApiToken(Base):
    """Machine tokens: only a SHA-256 of the token is stored; the token is shown once."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class AuditEvent(Base):
    """Append-only, HMAC-chained: each row's hash covers its position, content and the previous row's hash,
    keyed by a secret kept outside the database (see :mod:`laborlens.audit`)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)  # 1, 2, 3 ... handed out by the locked head
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The one row every append locks: how many events the chain has, its last hash, and an HMAC over both
    (so deleting the newest events, or resetting the head without the key, is detected)."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    count: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(12))
    signature: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class UserSession(Base):
    """A browser session: the cookie holds a random id, the table only its SHA-256. Sign-out, a password
    change or disabling the account revokes it; ``mfa_pending`` sessions may only finish two-factor."""

    __tablename__ = "user_sessions"
    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    mfa_pending: Mapped[bool] = mapped_column(default=False)


class SigninFailures(Base):
    """Failed sign-ins per (user name, client address): the throttle's state, updated atomically."""

    __tablename__ = "signin_failures"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of "user\0address"
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class RecoveryCode(Base):
    """Single-use two-factor recovery codes, stored as SHA-256 only (they are 80-bit random)."""

    __tablename__ = "recovery_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Decision(Base):
    """An analyst's decision on a list match (append-only; the latest per subject wins)."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    party_name: Mapped[str] = mapped_column(Text)  # the screened name the decision is about
    name_key: Mapped[str] = mapped_column(String(400), index=True)
    country: Mapped[str] = mapped_column(String(2), default="", server_default="")  # ISO-2; "" = any
    entity_id: Mapped[str] = mapped_column(String(100))
    list_name: Mapped[str] = mapped_column(String(100))
    verdict: Mapped[str] = mapped_column(String(20))  # confirmed | dismissed
    note: Mapped[str] = mapped_column(Text, default="")


class Job(Base):
    """A screening run started from the web or API; results live in ``out_dir``."""

    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))  # queued | running | done | failed
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    data_dir: Mapped[str] = mapped_column(Text)
    out_dir: Mapped[str] = mapped_column(Text)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)


class ReviewAssignment(Base):
    """Who is to decide a queued list match (append-only; the latest per subject wins, "" = unassigned)."""

    __tablename__ = "review_assignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(400), index=True)
    country: Mapped[str] = mapped_column(String(2), default="")
    entity_id: Mapped[str] = mapped_column(String(100))
    assignee: Mapped[str] = mapped_column(String(100), default="")


class RunName(Base):
    """A human name for a screening run (a job): "Q4 cotton re-screen after the December edition"."""

    __tablename__ = "run_names"
    job_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    named_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
