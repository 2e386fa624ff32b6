"""Command line for the API: ``allokering serve`` and ``allokering bruker …`` (registered in
``allokering.cli``). All text is bokmål."""

from __future__ import annotations

import typer

bruker_app = typer.Typer(help="Brukere av API-et: opprett og list.", no_args_is_help=True)


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
    passord: str | None = typer.Option(
        None, "--passord", help="Passord for innlogging (valgfritt; ellers bare token)."
    ),
    db: str | None = typer.Option(None, "--db", help="Database (som for serve)."),
) -> None:
    """Opprett en bruker og skriv ut et API-token (vises bare én gang)."""
    from api.auth import opprett_bruker, utsted_token
    from api.db import lag_motor, lag_sesjonsfabrikk, migrer

    motor = lag_motor(db)
    migrer(motor)
    with lag_sesjonsfabrikk(motor).begin() as s:
        try:
            b = opprett_bruker(s, navn, rolle, passord)
        except ValueError as exc:
            typer.echo(f"Feil: {exc}", err=True)
            raise typer.Exit(code=2) from None
        token = utsted_token(s, b, levetid=None, beskrivelse="opprettet med allokering bruker opprett")
    motor.dispose()
    typer.echo(f"Opprettet «{navn}» med rollen {rolle}. API-token (vises bare nå):")
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
            typer.echo(f"{b.navn}\t{b.rolle}\t{'aktiv' if b.aktiv else 'deaktivert'}")
    motor.dispose()
