"""første skjema: alle tabeller

Revision ID: 0001
Revises:
Create Date: 2026-11-27 09:20:08.498795
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "brukere",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("navn", sa.String(length=100), nullable=False),
        sa.Column("rolle", sa.String(length=20), nullable=False),
        sa.Column("passord_hash", sa.String(length=300), nullable=True),
        sa.Column("aktiv", sa.Boolean(), nullable=False),
        sa.Column("opprettet", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("navn"),
    )
    op.create_table(
        "saker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("navn", sa.String(length=200), nullable=False),
        sa.Column("kommunenummer", sa.String(length=4), nullable=False),
        sa.Column("kommunenavn", sa.String(length=100), nullable=False),
        sa.Column("regelprofil", sa.String(length=50), nullable=False),
        sa.Column("syntetisk", sa.Boolean(), nullable=False),
        sa.Column("opprettet", sa.DateTime(), nullable=False),
        sa.Column("opprettet_av", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "tilgangslogg",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tidspunkt", sa.DateTime(), nullable=False),
        sa.Column("bruker", sa.String(length=100), nullable=False),
        sa.Column("rolle", sa.String(length=20), nullable=False),
        sa.Column("handling", sa.String(length=10), nullable=False),
        sa.Column("hva", sa.String(length=300), nullable=False),
        sa.Column("metode", sa.String(length=10), nullable=False),
        sa.Column("sti", sa.String(length=500), nullable=False),
        sa.Column("sak_id", sa.Integer(), nullable=True),
        sa.Column("kjoring_id", sa.Integer(), nullable=True),
        sa.Column("soker_id", sa.String(length=64), nullable=True),
        sa.Column("formal", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("tilgangslogg", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tilgangslogg_bruker"), ["bruker"], unique=False)
        batch_op.create_index(batch_op.f("ix_tilgangslogg_soker_id"), ["soker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tilgangslogg_tidspunkt"), ["tidspunkt"], unique=False)

    op.create_table(
        "laaser",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sak_id", sa.Integer(), nullable=False),
        sa.Column("soker_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("enhet_id", sa.String(length=64), nullable=True),
        sa.Column("begrunnelse", sa.Text(), nullable=False),
        sa.Column("opprettet_av", sa.String(length=100), nullable=False),
        sa.Column("opprettet", sa.DateTime(), nullable=False),
        sa.Column("aktiv", sa.Boolean(), nullable=False),
        sa.Column("fjernet_av", sa.String(length=100), nullable=True),
        sa.Column("fjernet", sa.DateTime(), nullable=True),
        sa.Column("fjernet_begrunnelse", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["sak_id"], ["saker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("laaser", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_laaser_sak_id"), ["sak_id"], unique=False)

    op.create_table(
        "saksversjoner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sak_id", sa.Integer(), nullable=False),
        sa.Column("versjon", sa.Integer(), nullable=False),
        sa.Column("kilde", sa.String(length=20), nullable=False),
        sa.Column("filnavn", sa.String(length=500), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("startdato", sa.Date(), nullable=False),
        sa.Column("horisont_dager", sa.Integer(), nullable=False),
        sa.Column("antall_sokere", sa.Integer(), nullable=False),
        sa.Column("antall_enheter", sa.Integer(), nullable=False),
        sa.Column("opprettet", sa.DateTime(), nullable=False),
        sa.Column("opprettet_av", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["sak_id"], ["saker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sak_id", "versjon", name="uq_saksversjon"),
    )
    with op.batch_alter_table("saksversjoner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saksversjoner_sak_id"), ["sak_id"], unique=False)

    op.create_table(
        "tokener",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bruker_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("beskrivelse", sa.String(length=200), nullable=False),
        sa.Column("opprettet", sa.DateTime(), nullable=False),
        sa.Column("utloper", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["bruker_id"], ["brukere.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("tokener", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tokener_bruker_id"), ["bruker_id"], unique=False)

    op.create_table(
        "kjoringer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sak_id", sa.Integer(), nullable=False),
        sa.Column("saksversjon_id", sa.Integer(), nullable=False),
        sa.Column("foreldre_id", sa.Integer(), nullable=True),
        sa.Column("art", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("fremdrift", sa.Float(), nullable=False),
        sa.Column("fase", sa.String(length=200), nullable=False),
        sa.Column("beste_hittil", sa.JSON(), nullable=True),
        sa.Column("avbryt_bedt", sa.DateTime(), nullable=True),
        sa.Column("input_sha256", sa.String(length=64), nullable=False),
        sa.Column("inndata", sa.Text(), nullable=False),
        sa.Column("regelprofil", sa.String(length=50), nullable=False),
        sa.Column("vekter", sa.JSON(), nullable=False),
        sa.Column("parametre", sa.JSON(), nullable=False),
        sa.Column("motorversjon", sa.String(length=50), nullable=False),
        sa.Column("objective", sa.JSON(), nullable=True),
        sa.Column("best_bound", sa.Integer(), nullable=True),
        sa.Column("gap", sa.Float(), nullable=True),
        sa.Column("solve_seconds", sa.Float(), nullable=True),
        sa.Column("losningsstatus", sa.String(length=20), nullable=True),
        sa.Column("ukp_dager", sa.Integer(), nullable=True),
        sa.Column("ukp_kostnad", sa.Integer(), nullable=True),
        sa.Column("resultat", sa.JSON(), nullable=True),
        sa.Column("feilmelding", sa.Text(), nullable=True),
        sa.Column("opprettet", sa.DateTime(), nullable=False),
        sa.Column("startet", sa.DateTime(), nullable=True),
        sa.Column("ferdig", sa.DateTime(), nullable=True),
        sa.Column("sist_livstegn", sa.DateTime(), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("instans", sa.String(length=36), nullable=False),
        sa.Column("bestilt_av", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["sak_id"], ["saker.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["saksversjon_id"], ["saksversjoner.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("kjoringer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kjoringer_sak_id"), ["sak_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_kjoringer_status"), ["status"], unique=False)

    op.create_table(
        "beslutninger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sak_id", sa.Integer(), nullable=False),
        sa.Column("soker_id", sa.String(length=64), nullable=False),
        sa.Column("kjoring_id", sa.Integer(), nullable=True),
        sa.Column("utfall", sa.String(length=20), nullable=False),
        sa.Column("enhet_id", sa.String(length=64), nullable=True),
        sa.Column("startdato", sa.Date(), nullable=True),
        sa.Column("begrunnelse", sa.Text(), nullable=False),
        sa.Column("besluttet_av", sa.String(length=100), nullable=False),
        sa.Column("besluttet", sa.DateTime(), nullable=False),
        sa.Column("gjeldende", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["kjoring_id"], ["kjoringer.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["sak_id"], ["saker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("beslutninger", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_beslutninger_sak_id"), ["sak_id"], unique=False)

    op.create_table(
        "forklaringer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kjoring_id", sa.Integer(), nullable=False),
        sa.Column("soker_id", sa.String(length=64), nullable=False),
        sa.Column("tjeneste", sa.String(length=40), nullable=False),
        sa.Column("utfall", sa.String(length=40), nullable=False),
        sa.Column("tekst", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["kjoring_id"], ["kjoringer.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kjoring_id", "soker_id", name="uq_forklaring"),
    )
    with op.batch_alter_table("forklaringer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forklaringer_kjoring_id"), ["kjoring_id"], unique=False)

    op.create_table(
        "tildelinger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kjoring_id", sa.Integer(), nullable=False),
        sa.Column("soker_id", sa.String(length=64), nullable=False),
        sa.Column("enhet_id", sa.String(length=64), nullable=False),
        sa.Column("institusjon_id", sa.String(length=64), nullable=False),
        sa.Column("plasstype", sa.String(length=40), nullable=False),
        sa.Column("startdato", sa.Date(), nullable=False),
        sa.Column("sluttdato", sa.Date(), nullable=False),
        sa.Column("apen_slutt", sa.Boolean(), nullable=False),
        sa.Column("flytting", sa.Boolean(), nullable=False),
        sa.Column("prioritet", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["kjoring_id"], ["kjoringer.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("tildelinger", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tildelinger_kjoring_id"), ["kjoring_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tildelinger", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tildelinger_kjoring_id"))

    op.drop_table("tildelinger")
    with op.batch_alter_table("forklaringer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forklaringer_kjoring_id"))

    op.drop_table("forklaringer")
    with op.batch_alter_table("beslutninger", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_beslutninger_sak_id"))

    op.drop_table("beslutninger")
    with op.batch_alter_table("kjoringer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kjoringer_status"))
        batch_op.drop_index(batch_op.f("ix_kjoringer_sak_id"))

    op.drop_table("kjoringer")
    with op.batch_alter_table("tokener", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tokener_bruker_id"))

    op.drop_table("tokener")
    with op.batch_alter_table("saksversjoner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saksversjoner_sak_id"))

    op.drop_table("saksversjoner")
    with op.batch_alter_table("laaser", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_laaser_sak_id"))

    op.drop_table("laaser")
    with op.batch_alter_table("tilgangslogg", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tilgangslogg_tidspunkt"))
        batch_op.drop_index(batch_op.f("ix_tilgangslogg_soker_id"))
        batch_op.drop_index(batch_op.f("ix_tilgangslogg_bruker"))

    op.drop_table("tilgangslogg")
    op.drop_table("saker")
    op.drop_table("brukere")
