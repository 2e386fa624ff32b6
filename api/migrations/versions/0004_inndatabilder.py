"""inndata-øyeblikksbilder lagres én gang (per sak og innhold), ikke per kjøring; kjøringer får advarsler

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 21:05:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inndatabilder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sak_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("opprettet", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["sak_id"], ["saker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sak_id", "sha256", name="uq_inndatabilde"),
    )
    op.create_index("ix_inndatabilder_sak_id", "inndatabilder", ["sak_id"])
    with op.batch_alter_table("kjoringer") as b:
        b.add_column(sa.Column("inndatabilde_id", sa.Integer(), nullable=True))
        b.add_column(sa.Column("advarsler", sa.JSON(), nullable=True))
    # Move every run's copy of its input into one row per (case, content); runs point to it.
    conn = op.get_bind()
    naa = datetime.now(UTC).replace(tzinfo=None)
    bilder: dict[tuple[int, str], int] = {}
    for kid, sak_id, sha in conn.execute(sa.text("SELECT id, sak_id, input_sha256 FROM kjoringer ORDER BY id")).all():
        nokkel = (sak_id, sha)
        if nokkel not in bilder:
            data = conn.execute(sa.text("SELECT inndata FROM kjoringer WHERE id = :k"), {"k": kid}).scalar_one()
            conn.execute(
                sa.text("INSERT INTO inndatabilder (sak_id, sha256, data, opprettet) VALUES (:s, :h, :d, :t)"),
                {"s": sak_id, "h": sha, "d": data, "t": naa},
            )
            bilder[nokkel] = conn.execute(
                sa.text("SELECT id FROM inndatabilder WHERE sak_id = :s AND sha256 = :h"), {"s": sak_id, "h": sha}
            ).scalar_one()
        conn.execute(
            sa.text("UPDATE kjoringer SET inndatabilde_id = :b WHERE id = :k"), {"b": bilder[nokkel], "k": kid}
        )
    with op.batch_alter_table("kjoringer") as b:
        b.alter_column("inndatabilde_id", existing_type=sa.Integer(), nullable=False)
        b.create_index("ix_kjoringer_inndatabilde_id", ["inndatabilde_id"])
        b.create_foreign_key("fk_kjoringer_inndatabilde", "inndatabilder", ["inndatabilde_id"], ["id"])
        b.drop_column("inndata")


def downgrade() -> None:
    with op.batch_alter_table("kjoringer") as b:
        b.add_column(sa.Column("inndata", sa.Text(), nullable=True))
    op.execute(
        sa.text(
            "UPDATE kjoringer SET inndata = "
            "(SELECT data FROM inndatabilder WHERE inndatabilder.id = kjoringer.inndatabilde_id)"
        )
    )
    with op.batch_alter_table("kjoringer") as b:
        b.drop_constraint("fk_kjoringer_inndatabilde", type_="foreignkey")
        b.drop_index("ix_kjoringer_inndatabilde_id")
        b.drop_column("inndatabilde_id")
        b.drop_column("advarsler")
    op.drop_table("inndatabilder")
