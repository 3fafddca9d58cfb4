"""grievances: anonymous worker intake, append-only triage events, need-to-know assignments

Revision ID: 0008
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grievances",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("receipt_sha256", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("has_contact", sa.Boolean(), nullable=False),
        sa.Column("party_id", sa.String(length=200), nullable=False),
        sa.Column("party_name", sa.String(length=400), nullable=False),
        sa.Column("party_country", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
        sa.UniqueConstraint("receipt_sha256"),
    )
    op.create_index("ix_grievances_party_id", "grievances", ["party_id"])
    op.create_table(
        "grievance_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("grievance_id", sa.Integer(), sa.ForeignKey("grievances.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("text_kid", sa.String(length=16), nullable=False),
        sa.Column("text_ct", sa.LargeBinary(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("grievance_id", "seq"),
    )
    op.create_index("ix_grievance_events_grievance_id", "grievance_events", ["grievance_id"])
    op.create_table(
        "grievance_assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("grievance_id", sa.Integer(), sa.ForeignKey("grievances.id"), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("assigned_by", sa.String(length=100), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_grievance_assignments_grievance_id", "grievance_assignments", ["grievance_id"])
    op.create_index("ix_grievance_assignments_username", "grievance_assignments", ["username"])


def downgrade() -> None:
    op.drop_table("grievance_assignments")
    op.drop_table("grievance_events")
    op.drop_table("grievances")
