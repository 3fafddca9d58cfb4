"""keyed audit chain with a signed head; server-side sessions, sign-in throttle, TOTP and recovery codes

The existing chain (unkeyed SHA-256, ordered by id) is checked as it stands, then re-chained with the HMAC
key kept outside the database, and a first keyed event ``audit.rekeyed`` records what the old check found,
so a chain that was already broken stays on the record as broken.

Revision ID: 0005
Revises: 0004
"""
import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

GENESIS = "0" * 64

_log = sa.table("audit_log", sa.column("id", sa.Integer), sa.column("seq", sa.Integer),
                sa.column("at", sa.DateTime), sa.column("actor", sa.String), sa.column("action", sa.String),
                sa.column("target", sa.String), sa.column("detail", sa.JSON),
                sa.column("prev_hash", sa.String), sa.column("hash", sa.String))
_head = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("count", sa.Integer),
                 sa.column("last_hash", sa.String), sa.column("key_id", sa.String),
                 sa.column("signature", sa.String), sa.column("updated_at", sa.DateTime))


def _legacy_digest(prev, at, actor, action, target, detail) -> str:
    body = json.dumps([prev, at.isoformat(), actor, action, target, detail], sort_keys=True,
                      ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def _keys():
    keys = op.get_context().config.attributes.get("keys")
    if keys is None:
        raise RuntimeError("migration 0005 needs the audit key: run it through laborlens (open_store)")
    return keys


def upgrade() -> None:
    from laborlens.audit import digest, head_signature
    from laborlens.store.keys import key_id

    key = _keys().audit()
    bind = op.get_bind()
    with op.batch_alter_table("audit_log") as b:
        b.add_column(sa.Column("seq", sa.Integer(), nullable=True))
    op.create_table("audit_head", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("count", sa.Integer(), nullable=False),
                    sa.Column("last_hash", sa.String(64), nullable=False),
                    sa.Column("key_id", sa.String(12), nullable=False),
                    sa.Column("signature", sa.String(64), nullable=False),
                    sa.Column("updated_at", sa.DateTime(), nullable=False))

    rows = bind.execute(sa.select(_log).order_by(_log.c.id)).mappings().all()
    legacy_prev, legacy_bad = GENESIS, None
    prev, seq = GENESIS, 0
    for r in rows:
        detail = r["detail"] or {}
        if legacy_bad is None and (r["prev_hash"] != legacy_prev or _legacy_digest(
                r["prev_hash"], r["at"], r["actor"], r["action"], r["target"], detail) != r["hash"]):
            legacy_bad = r["id"]
        legacy_prev = r["hash"]
        seq += 1
        h = digest(key, seq, prev, r["at"], r["actor"], r["action"], r["target"], detail)
        bind.execute(sa.update(_log).where(_log.c.id == r["id"]).values(seq=seq, prev_hash=prev, hash=h))
        prev = h
    at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    if rows:  # a new installation starts with an empty chain
        detail = {"legacy_events": len(rows), "legacy_chain_ok": legacy_bad is None,
                  "legacy_first_bad_id": legacy_bad, "legacy_last_hash": legacy_prev}
        seq += 1
        h = digest(key, seq, prev, at, "migration-0005", "audit.rekeyed", "", detail)
        bind.execute(sa.insert(_log).values(seq=seq, at=at, actor="migration-0005", action="audit.rekeyed",
                                            target="", detail=detail, prev_hash=prev, hash=h))
        prev = h
    bind.execute(sa.insert(_head).values(id=1, count=seq, last_hash=prev, key_id=key_id(key),
                                         signature=head_signature(key, seq, prev), updated_at=at))
    with op.batch_alter_table("audit_log") as b:
        b.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        b.create_unique_constraint("uq_audit_log_seq", ["seq"])

    with op.batch_alter_table("users") as b:
        b.add_column(sa.Column("totp_sealed", sa.Text(), nullable=False, server_default=""))
        b.add_column(sa.Column("totp_enabled", sa.Boolean(), nullable=False, server_default=sa.false()))
        b.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=False, server_default="0"))
    op.create_table("user_sessions", sa.Column("id_sha256", sa.String(64), primary_key=True),
                    sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False, index=True),
                    sa.Column("created_at", sa.DateTime(), nullable=False),
                    sa.Column("expires_at", sa.DateTime(), nullable=False),
                    sa.Column("revoked_at", sa.DateTime(), nullable=True),
                    sa.Column("mfa_pending", sa.Boolean(), nullable=False))
    op.create_table("signin_failures", sa.Column("key", sa.String(64), primary_key=True),
                    sa.Column("failures", sa.Integer(), nullable=False),
                    sa.Column("blocked_until", sa.DateTime(), nullable=False),
                    sa.Column("updated_at", sa.DateTime(), nullable=False))
    op.create_table("recovery_codes", sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
                    sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False, index=True),
                    sa.Column("code_sha256", sa.String(64), nullable=False, unique=True),
                    sa.Column("used_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_table("recovery_codes")
    op.drop_table("signin_failures")
    op.drop_table("user_sessions")
    with op.batch_alter_table("users") as b:
        b.drop_column("totp_last_step")
        b.drop_column("totp_enabled")
        b.drop_column("totp_sealed")
    # Back to the unkeyed chain, re-computed in seq order (what 0004's code verifies).
    bind = op.get_bind()
    prev = GENESIS
    for r in bind.execute(sa.select(_log).order_by(_log.c.seq)).mappings().all():
        h = _legacy_digest(prev, r["at"], r["actor"], r["action"], r["target"], r["detail"] or {})
        bind.execute(sa.update(_log).where(_log.c.id == r["id"]).values(prev_hash=prev, hash=h))
        prev = h
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_log") as b:
        b.drop_constraint("uq_audit_log_seq", type_="unique")
        b.drop_column("seq")
