"""case numbers from a counter row (not count + 1); engagement summaries sealed

Revision ID: 0006
Revises: 0004
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Existing ids seed the counters, so numbers already handed out are never handed out again.
_SEEDS = (("rrm_petitions", r"^(RRM-\d{4}-)(\d+)$"), ("missions", r"^(MIS-)(\d+)$"),
          ("safeguard_reviews", r"^(SGR-)(\d+)$"))


def upgrade() -> None:
    counters = op.create_table(
        "case_counters",
        sa.Column("prefix", sa.String(length=40), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
    )
    conn = op.get_bind()
    seen: dict[str, int] = {}
    for table, pattern in _SEEDS:
        for (case_id,) in conn.execute(sa.text(f"SELECT id FROM {table}")):  # noqa: S608 - fixed names
            m = re.match(pattern, case_id)
            if m:
                seen[m[1]] = max(seen.get(m[1], 0), int(m[2]))
    if seen:
        op.bulk_insert(counters, [{"prefix": p, "value": v} for p, v in sorted(seen.items())])
    # Engagement summaries can name people: new ones are sealed like defender notes. Old clear ones stay
    # readable in ``summary`` until `laborlens cases defenders rotate-key` seals them.
    with op.batch_alter_table("mission_engagements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary_kid", sa.String(length=16), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("summary_ct", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mission_engagements", schema=None) as batch_op:
        batch_op.drop_column("summary_ct")
        batch_op.drop_column("summary_kid")
    op.drop_table("case_counters")
