"""scenariokjøringer lagres i databasen (tilstand, resultat og rapport) og overlever en omstart

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenariokjoringer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("fremdrift", sa.Float(), nullable=False),
        sa.Column("ferdige", sa.Integer(), nullable=False),
        sa.Column("totalt", sa.Integer(), nullable=False),
        sa.Column("scenarier", sa.JSON(), nullable=False),
        sa.Column("uker", sa.Integer(), nullable=False),
        sa.Column("replikasjoner", sa.Integer(), nullable=False),
        sa.Column("feilmelding", sa.Text(), nullable=True),
        sa.Column("sekunder", sa.Float(), nullable=True),
        sa.Column("bestilt_av", sa.String(length=100), nullable=False),
        sa.Column("instans", sa.String(length=36), nullable=False),
        sa.Column("resultat", sa.JSON(), nullable=True),
        sa.Column("rapport", sa.Text(), nullable=True),
        sa.Column("opprettet", sa.DateTime(), nullable=False),
        sa.Column("ferdig", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_scenariokjoringer_status", "scenariokjoringer", ["status"])


def downgrade() -> None:
    op.drop_table("scenariokjoringer")
