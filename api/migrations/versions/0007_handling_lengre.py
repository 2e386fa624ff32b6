"""tilgangslogg.handling får plass til «brukeradmin» og «ferdigbehandlet» (PostgreSQL håndhever lengden)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tilgangslogg") as b:
        b.alter_column("handling", type_=sa.String(length=40), existing_type=sa.String(length=10))


def downgrade() -> None:
    with op.batch_alter_table("tilgangslogg") as b:
        b.alter_column("handling", type_=sa.String(length=10), existing_type=sa.String(length=40))
