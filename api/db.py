"""Database: SQLAlchemy 2 models, engine and sessions.

Default: an embedded SQLite file (``./allokering.sqlite`` or ``$ALLOKERING_DB``) in WAL mode, created
on first use. PostgreSQL when ``DATABASE_URL`` is set (``postgresql+psycopg://…``). The schema is
owned by the Alembic migrations in ``api/migrations``; ``migrer`` applies them (the app does so on
startup). Times are stored as naive UTC.
"""

from __future__ import annotations

import importlib.util
import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker
from sqlalchemy.pool import NullPool

STANDARD_SQLITE = "allokering.sqlite"
STANDARD_TEAM = "felles"
"""The team (tildelingskontor) of users and cases when none is given; one team = everyone as before."""


def naa() -> datetime:
    """Now, naive UTC (what the database stores)."""
    return datetime.now(UTC).replace(tzinfo=None)


def db_url(url: str | None = None) -> str:
    """The database URL: explicit, else ``DATABASE_URL``, else the SQLite file ``ALLOKERING_DB``
    (default ``./allokering.sqlite``). A bare file path is accepted and made a SQLite URL."""
    if url is None:
        url = os.environ.get("DATABASE_URL") or os.environ.get("ALLOKERING_DB") or STANDARD_SQLITE
    if "://" not in url:
        url = "sqlite:///" + str(Path(url).expanduser().resolve())
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def sikker_fil(sti: Path) -> None:
    """Create the SQLite file readable by its owner only (0600; SQLite gives its -wal and -shm files
    the same mode), and tighten an existing file that is readable by others."""
    sti.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Only a new file is opened here. An existing database may be in use by this process (a
        # second engine on the same file, as after a restart in the same process), and closing any
        # descriptor of a file drops every POSIX lock this process holds on it — SQLite's
        # included (sqlite.org/howtocorrupt.html §2.2). The likely cause of one «disk I/O error»
        # in the restart test (tests/api/test_jobbsystem.py), which does exactly that while
        # worker processes write to the file.
        try:
            fd = os.open(sti, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            pass
        else:
            os.close(fd)
        for fil in (sti, sti.with_name(sti.name + "-wal"), sti.with_name(sti.name + "-shm")):
            if fil.exists() and fil.stat().st_mode & 0o077:
                os.chmod(fil, 0o600)
    except OSError:  # read-only location or someone else's file: SQLite reports what matters
        pass


def lag_motor(url: str | None = None, *, nullpool: bool = False) -> Engine:
    """An engine for the URL. SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    url = db_url(url)
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and ":memory:" not in url:
            sikker_fil(Path(url.removeprefix("sqlite:///").split("?", 1)[0]))
        motor = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=NullPool if nullpool else None,
        )

        @event.listens_for(motor, "connect")
        def _sqlite_oppsett(dbapi_conn: Any, _rec: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return motor
    if url.startswith("postgresql+psycopg") and importlib.util.find_spec("psycopg") is None:
        raise RuntimeError(
            "PostgreSQL krever tillegget «postgres»: kjør python3 -m pip install -e '.[postgres]' "
            "(eller bruk den innebygde SQLite-databasen ved å la DATABASE_URL være tom)."
        )
    kw: dict[str, Any] = {"pool_pre_ping": True}
    if nullpool:
        kw["poolclass"] = NullPool
    else:
        kw.update(pool_size=10, max_overflow=20)
    return create_engine(url, **kw)


def lag_sesjonsfabrikk(motor: Engine) -> sessionmaker:
    return sessionmaker(motor, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


class Bruker(Base):
    __tablename__ = "brukere"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    navn: Mapped[str] = mapped_column(String(100), unique=True)
    rolle: Mapped[str] = mapped_column(String(20))
    passord_hash: Mapped[str | None] = mapped_column(String(300))
    aktiv: Mapped[bool] = mapped_column(Boolean, default=True)
    opprettet: Mapped[datetime] = mapped_column(DateTime, default=naa)
    opprettet_av: Mapped[str | None] = mapped_column(String(100))
    deaktivert: Mapped[datetime | None] = mapped_column(DateTime)
    deaktivert_av: Mapped[str | None] = mapped_column(String(100))
    team: Mapped[str] = mapped_column(String(100), default=STANDARD_TEAM)


class Token(Base):
    __tablename__ = "tokener"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bruker_id: Mapped[int] = mapped_column(ForeignKey("brukere.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    beskrivelse: Mapped[str] = mapped_column(String(200), default="")
    opprettet: Mapped[datetime] = mapped_column(DateTime, default=naa)
    utloper: Mapped[datetime | None] = mapped_column(DateTime)
    tilbakekalt: Mapped[datetime | None] = mapped_column(DateTime)


class SakRad(Base):
    """A case; its content lives in versions (every import is a new version)."""

    __tablename__ = "saker"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    navn: Mapped[str] = mapped_column(String(200))
    kommunenummer: Mapped[str] = mapped_column(String(4))
    kommunenavn: Mapped[str] = mapped_column(String(100))
    regelprofil: Mapped[str] = mapped_column(String(50))
    syntetisk: Mapped[bool] = mapped_column(Boolean, default=False)
    opprettet: Mapped[datetime] = mapped_column(DateTime, default=naa)
    opprettet_av: Mapped[str] = mapped_column(String(100))
    team: Mapped[str] = mapped_column(String(100), default=STANDARD_TEAM, index=True)


class Sakstilgang(Base):
    """Access to a case for a saksbehandler outside the case's team: given by an admin, with a reason
    and an expiry, revocable; reads through it are marked in the access log."""

    __tablename__ = "sakstilganger"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sak_id: Mapped[int] = mapped_column(ForeignKey("saker.id", ondelete="CASCADE"), index=True)
    bruker_id: Mapped[int] = mapped_column(ForeignKey("brukere.id", ondelete="CASCADE"), index=True)
    begrunnelse: Mapped[str] = mapped_column(Text)
    gitt_av: Mapped[str] = mapped_column(String(100))
    gitt: Mapped[datetime] = mapped_column(DateTime, default=naa)
    utloper: Mapped[datetime] = mapped_column(DateTime)
    tilbakekalt: Mapped[datetime | None] = mapped_column(DateTime)
    tilbakekalt_av: Mapped[str | None] = mapped_column(String(100))


class Saksversjon(Base):
    __tablename__ = "saksversjoner"
    __table_args__ = (UniqueConstraint("sak_id", "versjon", name="uq_saksversjon"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sak_id: Mapped[int] = mapped_column(ForeignKey("saker.id", ondelete="CASCADE"), index=True)
    versjon: Mapped[int] = mapped_column(Integer)
    kilde: Mapped[str] = mapped_column(String(20))
    filnavn: Mapped[str] = mapped_column(String(500), default="")
    data: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    startdato: Mapped[date] = mapped_column(Date)
    horisont_dager: Mapped[int] = mapped_column(Integer)
    antall_sokere: Mapped[int] = mapped_column(Integer)
    antall_enheter: Mapped[int] = mapped_column(Integer)
    opprettet: Mapped[datetime] = mapped_column(DateTime, default=naa)
    opprettet_av: Mapped[str] = mapped_column(String(100))


class LaasRad(Base):
    """A lock or override set by the allocation meeting: who, when, why; removal keeps the row."""

    __tablename__ = "laaser"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sak_id: Mapped[int] = mapped_column(ForeignKey("saker.id", ondelete="CASCADE"), index=True)
    soker_id: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(20))
    enhet_id: Mapped[str | None] = mapped_column(String(64))
    begrunnelse: Mapped[str] = mapped_column(Text)
    opprettet_av: Mapped[str] = mapped_column(String(100))
    opprettet: Mapped[datetime] = mapped_column(DateTime, default=naa)
    aktiv: Mapped[bool] = mapped_column(Boolean, default=True)
    fjernet_av: Mapped[str | None] = mapped_column(String(100))
    fjernet: Mapped[datetime | None] = mapped_column(DateTime)
    fjernet_begrunnelse: Mapped[str | None] = mapped_column(Text)


class Demonokkel(Base):
    """«Last inn demosak» is idempotent: the client sends one key per user and demo case
    (``Idempotency-Key``); the first request with a key creates the case, later ones (a second click, a
    concurrent double request) open it. The unique constraint makes two concurrent requests create one case."""

    __tablename__ = "demonokler"
    __table_args__ = (UniqueConstraint("bruker_id", "nokkel", name="uq_demonokkel"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bruker_id: Mapped[int] = mapped_column(ForeignKey("brukere.id", ondelete="CASCADE"), index=True)
    nokkel: Mapped[str] = mapped_column(String(64))
    navn: Mapped[str] = mapped_column(String(40))
    sak_id: Mapped[int] = mapped_column(ForeignKey("saker.id", ondelete="CASCADE"), index=True)
    opprettet: Mapped[datetime] = mapped_column(DateTime, default=naa)


class Inndatabilde(Base):
    """A run's input snapshot, stored once: every run of the same case version with the same locks
    points to the same row (content-addressed by its SHA-256 within the case)."""

    __tablename__ = "inndatabilder"
    __table_args__ = (UniqueConstraint("sak_id", "sha256", name="uq_inndatabilde"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sak_id: Mapped[int] = mapped_column(ForeignKey("saker.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text)
    opprettet: Mapped[datetime] = mapped_column(DateTime, default=naa)


class Kjoring(Base):
    """One allocation run (a solve job): its input snapshot (``inndatabilde``), parameters, status and
    results."""

    __tablename__ = "kjoringer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sak_id: Mapped[int] = mapped_column(ForeignKey("saker.id", ondelete="CASCADE"), index=True)
    saksversjon_id: Mapped[int] = mapped_column(ForeignKey("saksversjoner.id", ondelete="CASCADE"))
    foreldre_id: Mapped[int | None] = mapped_column(Integer)
    art: Mapped[str] = mapped_column(String(20), default="ny")
    status: Mapped[str] = mapped_column(String(20), index=True)
    fremdrift: Mapped[float] = mapped_column(Float, default=0.0)
    fase: Mapped[str] = mapped_column(String(200), default="")
    beste_hittil: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    avbryt_bedt: Mapped[datetime | None] = mapped_column(DateTime)
    input_sha256: Mapped[str] = mapped_column(String(64))
    inndatabilde_id: Mapped[int] = mapped_column(ForeignKey("inndatabilder.id"), index=True)
    inndatabilde: Mapped[Inndatabilde] = relationship(lazy="select")
    advarsler: Mapped[list[str] | None] = mapped_column(JSON)
    regelprofil: Mapped[str] = mapped_column(String(50))
    vekter: Mapped[dict[str, Any]] = mapped_column(JSON)
    parametre: Mapped[dict[str, Any]] = mapped_column(JSON)
    motorversjon: Mapped[str] = mapped_column(String(50))
    objective: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    best_bound: Mapped[int | None] = mapped_column(Integer)
    gap: Mapped[float | None] = mapped_column(Float)
    solve_seconds: Mapped[float | None] = mapped_column(Float)
    losningsstatus: Mapped[str | None] = mapped_column(String(20))
    ukp_dager: Mapped[int | None] = mapped_column(Integer)
    ukp_kostnad: Mapped[int | None] = mapped_column(Integer)
    resultat: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    feilmelding: Mapped[str | None] = mapped_column(Text)
    opprettet: Mapped[datetime] = mapped_column(DateTime, default=naa)
    startet: Mapped[datetime | None] = mapped_column(DateTime)
    ferdig: Mapped[datetime | None] = mapped_column(DateTime)
    sist_livstegn: Mapped[datetime | None] = mapped_column(DateTime)
    pid: Mapped[int | None] = mapped_column(Integer)
    instans: Mapped[str] = mapped_column(String(36))
    bestilt_av: Mapped[str] = mapped_column(String(100))

    @property
    def inndata(self) -> str:
        """The input snapshot (JSON), from ``inndatabilde`` (loaded on first use)."""
        return self.inndatabilde.data


class Scenariokjoring(Base):
    """A scenario run (multi-year simulation) started from the web page: a job of the same job system
    as the solve jobs (``api.jobber``: queue, worker pool, progress, stopping, restart recovery); its
    order, state, the aggregated result and the HTML report are stored."""

    __tablename__ = "scenariokjoringer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    fremdrift: Mapped[float] = mapped_column(Float, default=0.0)
    ferdige: Mapped[int] = mapped_column(Integer, default=0)
    totalt: Mapped[int] = mapped_column(Integer)
    scenarier: Mapped[list[str]] = mapped_column(JSON)
    uker: Mapped[int] = mapped_column(Integer)
    replikasjoner: Mapped[int] = mapped_column(Integer)
    feilmelding: Mapped[str | None] = mapped_column(Text)
    sekunder: Mapped[float | None] = mapped_column(Float)
    bestilt_av: Mapped[str] = mapped_column(String(100))
    instans: Mapped[str] = mapped_column(String(36))
    resultat: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    rapport: Mapped[str | None] = mapped_column(Text)
    opprettet: Mapped[datetime] = mapped_column(DateTime, default=naa)
    ferdig: Mapped[datetime | None] = mapped_column(DateTime)
    # the job system's columns (as on ``Kjoring``; see ``api.jobber``)
    fase: Mapped[str] = mapped_column(String(200), default="", server_default="")
    bestilling: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    """The scenarios as ordered (``Scenario.model_dump``): the worker reads them from here."""
    avbryt_bedt: Mapped[datetime | None] = mapped_column(DateTime)
    startet: Mapped[datetime | None] = mapped_column(DateTime)
    sist_livstegn: Mapped[datetime | None] = mapped_column(DateTime)
    pid: Mapped[int | None] = mapped_column(Integer)


class TildelingRad(Base):
    __tablename__ = "tildelinger"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kjoring_id: Mapped[int] = mapped_column(ForeignKey("kjoringer.id", ondelete="CASCADE"), index=True)
    soker_id: Mapped[str] = mapped_column(String(64))
    enhet_id: Mapped[str] = mapped_column(String(64))
    institusjon_id: Mapped[str] = mapped_column(String(64))
    plasstype: Mapped[str] = mapped_column(String(40))
    startdato: Mapped[date] = mapped_column(Date)
    sluttdato: Mapped[date] = mapped_column(Date)
    apen_slutt: Mapped[bool] = mapped_column(Boolean)
    flytting: Mapped[bool] = mapped_column(Boolean)
    prioritet: Mapped[int] = mapped_column(Integer)


class ForklaringRad(Base):
    __tablename__ = "forklaringer"
    __table_args__ = (UniqueConstraint("kjoring_id", "soker_id", name="uq_forklaring"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kjoring_id: Mapped[int] = mapped_column(ForeignKey("kjoringer.id", ondelete="CASCADE"), index=True)
    soker_id: Mapped[str] = mapped_column(String(64))
    tjeneste: Mapped[str] = mapped_column(String(40))
    utfall: Mapped[str] = mapped_column(String(40))
    tekst: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class Beslutning(Base):
    """The meeting's final decision for a søker. History is kept; ``gjeldende`` marks the latest."""

    __tablename__ = "beslutninger"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sak_id: Mapped[int] = mapped_column(ForeignKey("saker.id", ondelete="CASCADE"), index=True)
    soker_id: Mapped[str] = mapped_column(String(64))
    kjoring_id: Mapped[int | None] = mapped_column(ForeignKey("kjoringer.id", ondelete="SET NULL"))
    utfall: Mapped[str] = mapped_column(String(20))
    enhet_id: Mapped[str | None] = mapped_column(String(64))
    startdato: Mapped[date | None] = mapped_column(Date)
    begrunnelse: Mapped[str] = mapped_column(Text)
    besluttet_av: Mapped[str] = mapped_column(String(100))
    besluttet: Mapped[datetime] = mapped_column(DateTime, default=naa)
    gjeldende: Mapped[bool] = mapped_column(Boolean, default=True)


class Moteavslutning(Base):
    """The meeting finalised a case («ferdigbehandlet», with the run its decisions come from) or reopened it
    («gjenåpnet», with a reason). The latest row is the case's state; rows are never changed."""

    __tablename__ = "moteavslutninger"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sak_id: Mapped[int] = mapped_column(ForeignKey("saker.id", ondelete="CASCADE"), index=True)
    kjoring_id: Mapped[int | None] = mapped_column(ForeignKey("kjoringer.id", ondelete="SET NULL"))
    handling: Mapped[str] = mapped_column(String(20))
    antall: Mapped[int] = mapped_column(Integer, default=0)
    begrunnelse: Mapped[str] = mapped_column(Text)
    av: Mapped[str] = mapped_column(String(100))
    tidspunkt: Mapped[datetime] = mapped_column(DateTime, default=naa)


class Tilgangslogg(Base):
    """One row per read or write of personal data (and per refused attempt)."""

    __tablename__ = "tilgangslogg"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tidspunkt: Mapped[datetime] = mapped_column(DateTime, default=naa, index=True)
    bruker: Mapped[str] = mapped_column(String(100), index=True)
    rolle: Mapped[str] = mapped_column(String(20))
    handling: Mapped[str] = mapped_column(String(40))
    hva: Mapped[str] = mapped_column(String(300))
    metode: Mapped[str] = mapped_column(String(10))
    sti: Mapped[str] = mapped_column(String(500))
    sak_id: Mapped[int | None] = mapped_column(Integer)
    kjoring_id: Mapped[int | None] = mapped_column(Integer)
    soker_id: Mapped[str | None] = mapped_column(String(64), index=True)
    formal: Mapped[str] = mapped_column(String(500))
    utfall: Mapped[str] = mapped_column(String(40), default="ok")
    hash: Mapped[str] = mapped_column(String(64), default="")


class Logghode(Base):
    """The head of the access log's hash chain (one row, id 1): count, last id and last hash.
    Writers lock it first, which serialises appends (see ``api.logg``)."""

    __tablename__ = "logghode"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    antall: Mapped[int] = mapped_column(Integer, default=0)
    siste_id: Mapped[int] = mapped_column(Integer, default=0)
    siste_hash: Mapped[str] = mapped_column(String(64))


def migrer(motor: Engine) -> None:
    """Apply the Alembic migrations up to head (idempotent)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with motor.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
