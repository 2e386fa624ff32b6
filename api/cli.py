"""Command line for the API: ``allokering serve`` and ``allokering bruker …`` (registered in
``allokering.cli``). All text is bokmål."""

from __future__ import annotations

import typer

bruker_app = typer.Typer(help="Brukere av API-et: opprett, list og deaktiver.", no_args_is_help=True)
logg_app = typer.Typer(help="Tilgangsloggen: kontroller hash-kjeden.", no_args_is_help=True)
DB_HJELP = "Database (som for serve)."


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Adressen serveren lytter på."),
    port: int = typer.Option(8000, "--port", help="Porten serveren lytter på."),
    db: str | None = typer.Option(
        None,
        "--db",
        help="Database: SQLite-fil eller URL. Standard: $DATABASE_URL, $ALLOKERING_DB eller ./allokering.sqlite.",
    ),
    arbeidere: int | None = typer.Option(None, "--arbeidere", help="Samtidige løsejobber (standard 2)."),
) -> None:
    """Start REST-API-et (dokumentasjon på http://HOST:PORT/docs)."""
    import uvicorn

    from api.app import lag_app
    from api.db import db_url

    app = lag_app(db, maks_arbeidere=arbeidere)
    url = db_url(db)
    typer.echo(f"Database: {url.split('@')[-1] if '@' in url else url}")
    typer.echo(f"API-dokumentasjon: http://{host}:{port}/docs")
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)


@bruker_app.command("opprett")
def opprett(
    navn: str = typer.Argument(..., help="Brukernavn."),
    rolle: str = typer.Option(..., "--rolle", help="saksbehandler, planlegger, leder eller admin."),
    passord: bool = typer.Option(
        False,
        "--passord",
        help=(
            "Gi brukeren et passord for innlogging. Passordet leses fra en skjult ledetekst, eller fra "
            "første linje på standard inn når den ikke er en terminal (aldri fra kommandolinjen)."
        ),
    ),
    team: str = typer.Option(
        "felles", "--team", help="Tildelingskontoret (teamet): en saksbehandler ser bare teamets saker."
    ),
    gyldig_dager: int = typer.Option(
        30, "--gyldig-dager", min=1, max=365, help="Hvor mange dager API-tokenet gjelder (1–365)."
    ),
    db: str | None = typer.Option(None, "--db", help="Database (som for serve)."),
) -> None:
    """Opprett en bruker og skriv ut et API-token (vises bare én gang; utløper etter --gyldig-dager)."""
    import sys
    from datetime import timedelta

    from api.auth import opprett_bruker, passordregler, utsted_token
    from api.db import lag_motor, lag_sesjonsfabrikk, migrer
    from api.logg import skriv_logg

    hemmelig: str | None = None
    if passord:
        if sys.stdin.isatty():
            hemmelig = typer.prompt("Passord", hide_input=True, confirmation_prompt="Gjenta passordet")
        else:
            hemmelig = sys.stdin.readline().rstrip("\r\n")
        grunn = passordregler(hemmelig or "", navn.strip())
        if grunn:
            typer.echo(f"Feil: {grunn}.", err=True)
            raise typer.Exit(code=2)
    motor = lag_motor(db)
    migrer(motor)
    with lag_sesjonsfabrikk(motor).begin() as s:
        try:
            b = opprett_bruker(s, navn, rolle, hemmelig, team=team)
        except ValueError as exc:
            typer.echo(f"Feil: {exc}.", err=True)
            raise typer.Exit(code=2) from None
        token = utsted_token(
            s, b, levetid=timedelta(days=gyldig_dager), beskrivelse="opprettet med allokering bruker opprett"
        )
        skriv_logg(
            s,
            bruker="(kommandolinjen)",
            rolle="drift",
            handling="brukeradmin",
            hva=f"opprettet brukeren «{b.navn}» med rollen {b.rolle} i teamet «{b.team}»",
            metode="CLI",
            sti="allokering bruker opprett",
            formal="brukeradministrasjon",
            utfall="ok",
        )
    motor.dispose()
    typer.echo(f"Opprettet «{navn}» med rollen {rolle}. API-token (vises bare nå, gjelder i {gyldig_dager} dager):")
    typer.echo(token)


@bruker_app.command("liste")
def liste(db: str | None = typer.Option(None, "--db", help="Database (som for serve).")) -> None:
    """List brukerne med rolle."""
    from sqlalchemy import select

    from api.db import Bruker, lag_motor, lag_sesjonsfabrikk, migrer

    motor = lag_motor(db)
    migrer(motor)
    with lag_sesjonsfabrikk(motor)() as s:
        for b in s.scalars(select(Bruker).order_by(Bruker.navn)):
            typer.echo(f"{b.navn}\t{b.rolle}\t{b.team}\t{'aktiv' if b.aktiv else 'deaktivert'}")
    motor.dispose()


@bruker_app.command("deaktiver")
def deaktiver(
    navn: str = typer.Argument(..., help="Brukernavn."),
    db: str | None = typer.Option(None, "--db", help=DB_HJELP),
) -> None:
    """Deaktiver en bruker og tilbakekall alle tokenene hennes (logges i tilgangsloggen)."""
    from sqlalchemy import select

    from api.auth import tilbakekall
    from api.db import Bruker, lag_motor, lag_sesjonsfabrikk, migrer, naa
    from api.logg import skriv_logg

    motor = lag_motor(db)
    migrer(motor)
    with lag_sesjonsfabrikk(motor).begin() as s:
        skriv_logg(
            s,
            bruker="(kommandolinjen)",
            rolle="drift",
            handling="brukeradmin",
            hva=f"deaktiver brukeren «{navn}»",
            metode="CLI",
            sti="allokering bruker deaktiver",
            formal="brukeradministrasjon",
            utfall="ok",
        )
        b = s.scalar(select(Bruker).where(Bruker.navn == navn))
        if b is None:
            typer.echo(f"Feil: brukeren «{navn}» finnes ikke.", err=True)
            raise typer.Exit(code=2)
        b.aktiv, b.deaktivert, b.deaktivert_av = False, naa(), "(kommandolinjen)"
        n = tilbakekall(s, b.id)
    motor.dispose()
    typer.echo(f"Deaktiverte «{navn}» og tilbakekalte {n} token.")


@logg_app.command("verifiser")
def verifiser(db: str | None = typer.Option(None, "--db", help=DB_HJELP)) -> None:
    """Kontroller tilgangsloggens hash-kjede. Avslutter med kode 1 om en rad er endret eller slettet.
    Noter siste hash utenfor databasen: da kan også en omskriving av hele loggen avsløres."""
    from api.db import lag_motor, lag_sesjonsfabrikk, migrer
    from api.logg import verifiser as kontroller

    motor = lag_motor(db)
    migrer(motor)
    with lag_sesjonsfabrikk(motor)() as s:
        v = kontroller(s)
    motor.dispose()
    typer.echo(f"{'OK' if v.ok else 'BRUDD'}: {v.melding}")
    typer.echo(f"Rader kontrollert: {v.antall}. Siste hash: {v.siste_hash}")
    if not v.ok:
        raise typer.Exit(code=1)


def opprydding(
    dager: int = typer.Option(
        None,
        "--dager",
        min=1,
        help="Oppbevaringstid i dager (standard $ALLOKERING_OPPBEVARING_DAGER eller 365).",
    ),
    slett: bool = typer.Option(
        False, "--slett", help="Slett faktisk; uten dette vises bare hva som ville blitt slettet."
    ),
    db: str | None = typer.Option(None, "--db", help=DB_HJELP),
) -> None:
    """Slett saker uten aktivitet i oppbevaringstiden, eldre kjøringer og utløpte tokener (logges)."""
    from api.db import lag_motor, lag_sesjonsfabrikk, migrer
    from api.oppbevaring import STANDARD_DAGER, rydd

    motor = lag_motor(db)
    migrer(motor)
    with lag_sesjonsfabrikk(motor).begin() as s:
        r = rydd(s, dager or STANDARD_DAGER, utfor=slett)
    motor.dispose()
    hva = "Slettet" if slett else "Ville slettet (kjør med --slett for å slette)"
    typer.echo(f"Oppbevaringstid: {dager or STANDARD_DAGER} dager (grense {r.grense:%d.%m.%Y %H:%M} UTC).")
    typer.echo(
        f"{hva}: {len(r.saker)} saker ({r.sokere} søkere), {len(r.kjoringer)} eldre kjøringer, "
        f"{r.inndatabilder} øyeblikksbilder uten kjøring, {r.tokener} utløpte tokener."
    )
    for h in r.hoppet_over:
        typer.echo(f"Hoppet over: {h}.")
