"""møtets avslutning av en sak: ferdigbehandlet (med kjøringen) eller gjenåpnet, med hvem, når og hvorfor

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 21:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "moteavslutninger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sak_id", sa.Integer(), nullable=False),
        sa.Column("kjoring_id", sa.Integer(), nullable=True),
        sa.Column("handling", sa.String(length=20), nullable=False),
        sa.Column("antall", sa.Integer(), nullable=False),
        sa.Column("begrunnelse", sa.Text(), nullable=False),
        sa.Column("av", sa.String(length=100), nullable=False),
        sa.Column("tidspunkt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["sak_id"], ["saker.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["kjoring_id"], ["kjoringer.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_moteavslutninger_sak_id", "moteavslutninger", ["sak_id"])


def downgrade() -> None:
    op.drop_index("ix_moteavslutninger_sak_id", "moteavslutninger")
    op.drop_table("moteavslutninger")
