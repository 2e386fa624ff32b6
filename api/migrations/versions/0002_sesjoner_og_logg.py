"""sesjoner og tilgangslogg: tokener tilbakekalles og utløper; hvem opprettet og deaktiverte brukere;
loggen får utfall og hash-kjede

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 20:40:00
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from api.logg import START_HASH, rad_hash

    with op.batch_alter_table("tokener") as b:
        b.add_column(sa.Column("tilbakekalt", sa.DateTime(), nullable=True))
    # Tokens without expiry (from `allokering bruker opprett` before this version) get 30 days from now.
    frist = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=30)
    op.execute(sa.text("UPDATE tokener SET utloper = :frist WHERE utloper IS NULL").bindparams(frist=frist))
    with op.batch_alter_table("brukere") as b:
        b.add_column(sa.Column("opprettet_av", sa.String(length=100), nullable=True))
        b.add_column(sa.Column("deaktivert", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("deaktivert_av", sa.String(length=100), nullable=True))
    with op.batch_alter_table("tilgangslogg") as b:
        b.add_column(sa.Column("utfall", sa.String(length=40), nullable=False, server_default="ok"))
        b.add_column(sa.Column("hash", sa.String(length=64), nullable=False, server_default=""))
    op.create_table(
        "logghode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("antall", sa.Integer(), nullable=False),
        sa.Column("siste_id", sa.Integer(), nullable=False),
        sa.Column("siste_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # Chain the rows already there (renumbered 1..n in their order, as the chain requires).
    conn = op.get_bind()
    felt = "id, tidspunkt, bruker, rolle, handling, hva, metode, sti, sak_id, kjoring_id, soker_id, formal, utfall"
    rader = conn.execute(sa.text(f"SELECT {felt} FROM tilgangslogg ORDER BY id")).mappings().all()
    forrige, nr = START_HASH, 0
    for r in rader:
        nr += 1
        rad = dict(r)
        gammel = rad["id"]
        rad["id"] = nr
        if rad["handling"] == "nektet":
            rad["utfall"] = "nektet"
        if isinstance(rad["tidspunkt"], str):
            rad["tidspunkt"] = datetime.fromisoformat(rad["tidspunkt"])
        forrige = rad_hash(forrige, rad)
        conn.execute(
            sa.text("UPDATE tilgangslogg SET id = :ny, utfall = :utfall, hash = :hash WHERE id = :gammel"),
            {"ny": -nr, "utfall": rad["utfall"], "hash": forrige, "gammel": gammel},
        )
    conn.execute(sa.text("UPDATE tilgangslogg SET id = -id WHERE id < 0"))
    conn.execute(
        sa.text("INSERT INTO logghode (id, antall, siste_id, siste_hash) VALUES (1, :n, :n, :h)"),
        {"n": nr, "h": forrige},
    )


def downgrade() -> None:
    op.drop_table("logghode")
    with op.batch_alter_table("tilgangslogg") as b:
        b.drop_column("hash")
        b.drop_column("utfall")
    with op.batch_alter_table("brukere") as b:
        b.drop_column("deaktivert_av")
        b.drop_column("deaktivert")
        b.drop_column("opprettet_av")
    with op.batch_alter_table("tokener") as b:
        b.drop_column("tilbakekalt")
