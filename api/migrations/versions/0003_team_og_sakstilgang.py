"""tjenstlig behov: team på brukere og saker, og tidsbegrenset tilgang til en sak utenfor teamet

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 20:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing users and cases go to the one team «felles», so an existing installation works as before
    # until an admin divides users and cases between teams.
    with op.batch_alter_table("brukere") as b:
        b.add_column(sa.Column("team", sa.String(length=100), nullable=False, server_default="felles"))
    with op.batch_alter_table("saker") as b:
        b.add_column(sa.Column("team", sa.String(length=100), nullable=False, server_default="felles"))
        b.create_index("ix_saker_team", ["team"])
    op.create_table(
        "sakstilganger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sak_id", sa.Integer(), nullable=False),
        sa.Column("bruker_id", sa.Integer(), nullable=False),
        sa.Column("begrunnelse", sa.Text(), nullable=False),
        sa.Column("gitt_av", sa.String(length=100), nullable=False),
        sa.Column("gitt", sa.DateTime(), nullable=False),
        sa.Column("utloper", sa.DateTime(), nullable=False),
        sa.Column("tilbakekalt", sa.DateTime(), nullable=True),
        sa.Column("tilbakekalt_av", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["bruker_id"], ["brukere.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sak_id"], ["saker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sakstilganger_sak_id", "sakstilganger", ["sak_id"])
    op.create_index("ix_sakstilganger_bruker_id", "sakstilganger", ["bruker_id"])


def downgrade() -> None:
    op.drop_table("sakstilganger")
    with op.batch_alter_table("saker") as b:
        b.drop_index("ix_saker_team")
        b.drop_column("team")
    with op.batch_alter_table("brukere") as b:
        b.drop_column("team")
