"""Command line: ``allokering <kommando>``. All user-facing text is bokmål."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from modeller.lasting import Inndatafeil, les_sak
from modeller.sak import Sak

app = typer.Typer(
    name="allokering",
    help="Tildeling av knappe kommunale helse- og omsorgsplasser (CP-SAT).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def feilavslutt(exc: Inndatafeil) -> None:
    """Print input errors in bokmål to stderr and exit with code 2."""
    typer.echo(f"Feil i inndata ({len(exc.feil)}):", err=True)
    typer.echo(exc.tekst(), err=True)
    raise typer.Exit(code=2)


@app.command()
def schema(ut: Path | None = typer.Option(None, "--ut", help="Skriv JSON Schema til fil i stedet for skjermen.")) -> None:
    """Skriv ut JSON Schema for saksformatet (en sak = kommune, enheter, opphold, søkere, låser)."""
    tekst = json.dumps(Sak.model_json_schema(), ensure_ascii=False, indent=2)
    if ut is None:
        sys.stdout.write(tekst + "\n")
    else:
        from modeller.lasting import skriv_atomisk

        skriv_atomisk(ut, tekst + "\n")
        typer.echo(f"Skrev {ut}")


@app.command()
def valider(sak: Path = typer.Argument(..., help="Saksfil (JSON).")) -> None:
    """Kontroller en saksfil og rapporter alle feil med fil, rad og felt."""
    try:
        s = les_sak(sak)
    except Inndatafeil as exc:
        feilavslutt(exc)
        return
    typer.echo(
        f"{sak}: gyldig sak for {s.kommune.navn} – {len(s.institusjoner)} institusjoner, "
        f"{len(s.enheter)} enheter, {len(s.opphold)} opphold, {len(s.sokere)} søkere, {len(s.laaser)} låser."
    )


# --- Commands from other modules register here (one line each) ---


def main() -> None:  # pragma: no cover - entry point
    app()
