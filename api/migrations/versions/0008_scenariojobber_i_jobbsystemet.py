"""scenariokjøringer går gjennom det samme jobbsystemet som løsejobbene: bestillingen lagres, og raden får
fase, pid, livstegn, start og avbrytingsønske som kjøringene

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 23:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scenariokjoringer") as b:
        b.add_column(sa.Column("fase", sa.String(length=200), nullable=False, server_default=""))
        b.add_column(sa.Column("bestilling", sa.JSON(), nullable=True))
        b.add_column(sa.Column("avbryt_bedt", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("startet", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("sist_livstegn", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("pid", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scenariokjoringer") as b:
        for kolonne in ("pid", "sist_livstegn", "startet", "avbryt_bedt", "bestilling", "fase"):
            b.drop_column(kolonne)
