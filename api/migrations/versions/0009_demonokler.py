"""«Last inn demosak» idempotent: demonokler (bruker, nøkkel) → sak, unik per bruker og nøkkel

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-04 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "demonokler",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bruker_id", sa.Integer(), nullable=False),
        sa.Column("nokkel", sa.String(length=64), nullable=False),
        sa.Column("navn", sa.String(length=40), nullable=False),
        sa.Column("sak_id", sa.Integer(), nullable=False),
        sa.Column("opprettet", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["bruker_id"], ["brukere.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sak_id"], ["saker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bruker_id", "nokkel", name="uq_demonokkel"),
    )
    op.create_index("ix_demonokler_bruker_id", "demonokler", ["bruker_id"])
    op.create_index("ix_demonokler_sak_id", "demonokler", ["sak_id"])


def downgrade() -> None:
    op.drop_index("ix_demonokler_sak_id", "demonokler")
    op.drop_index("ix_demonokler_bruker_id", "demonokler")
    op.drop_table("demonokler")
