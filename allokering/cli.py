"""Command line: ``allokering <kommando>``. All user-facing text is bokmål."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from allokering.norsk_cli import installer as _norsk_cli
from modeller.lasting import Inndatafeil, les_sak
from modeller.sak import Sak

_norsk_cli()

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


def _skriv_skjema(skjema: dict[str, object], ut: Path | None) -> None:
    """A JSON Schema to the screen, or atomically to ``ut``."""
    tekst = json.dumps(skjema, ensure_ascii=False, indent=2)
    if ut is None:
        sys.stdout.write(tekst + "\n")
    else:
        from modeller.lasting import skriv_atomisk

        skriv_atomisk(ut, tekst + "\n")
        typer.echo(f"Skrev {ut}")


@app.command()
def schema(
    ut: Path | None = typer.Option(None, "--ut", help="Skriv JSON Schema til fil i stedet for skjermen."),
) -> None:
    """Skriv ut JSON Schema for saksformatet (en sak = kommune, enheter, opphold, søkere, låser)."""
    _skriv_skjema(Sak.model_json_schema(), ut)


@app.command("resultat-skjema")
def resultat_skjema(
    ut: Path | None = typer.Option(None, "--ut", help="Skriv JSON Schema til fil i stedet for skjermen."),
) -> None:
    """Skriv ut JSON Schema for resultatformatet (RESULT.json, docs/resultatformat.md)."""
    from allokering.resultatformat import Resultat

    _skriv_skjema(Resultat.model_json_schema(), ut)


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


def _parametre(tidsgrense: float, arbeidere: int, seed: int, ikke_deterministisk: bool):  # type: ignore[no-untyped-def]
    from allokering.loser import Loserparametre

    return Loserparametre(
        tidsgrense_s=tidsgrense, arbeidere=arbeidere, frø=seed, deterministisk=not ikke_deterministisk
    )


class _Framdriftslinje:
    """Progress on stderr while a case is solved (only on a terminal): the place families, then
    the value of one more place per unit and the cost of keeping split couples together."""

    def __init__(self, s: Sak):
        from allokering.fremdriftslinje import lag_fremdriftslinje
        from allokering.kandidater import SOLVE_ORDER
        from allokering.loser import Fremdrift

        self.prog = lag_fremdriftslinje()
        par = sum(1 for x in s.sokere if x.ektefelle_id is not None) // 2
        familier = self.prog.add_task("Løser plassfamiliene", total=len(SOLVE_ORDER))
        tillegg = self.prog.add_task(
            "Verdien av én ekstra plass og delte ektepar", total=len(s.enheter) + par, visible=False
        )
        prog = self.prog

        class Linje(Fremdrift):
            def familie_ferdig(self, familie, status, nivaaer):  # type: ignore[no-untyped-def]
                prog.update(familier, advance=1, description=f"Løser plassfamiliene ({familie.value} ferdig)")

            def tillegg_startet(self, hva: str) -> None:
                prog.update(tillegg, advance=1, visible=True)

        self.fremdrift = Linje()

    def __enter__(self):  # type: ignore[no-untyped-def]
        self.prog.start()
        return self.fremdrift

    def __exit__(self, *exc: object) -> None:
        self.prog.stop()


def _kjor_og_skriv(s: Sak, ut: Path | None, excel: Path | None, parametre, stille: bool = False) -> None:  # type: ignore[no-untyped-def]
    from allokering.kjoring import Valideringsfeil, kjor, sammendrag, skriv_excel, skriv_json
    from allokering.loser import Laaskonflikt, Ugyldiglaas

    try:
        with _Framdriftslinje(s) as fremdrift:
            resultat = kjor(s, parametre, fremdrift)
    except (Laaskonflikt, Ugyldiglaas) as exc:
        typer.echo(f"Feil i låsene: {exc}", err=True)
        raise typer.Exit(code=3) from None
    except Valideringsfeil as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=4) from None
    if ut is not None:
        skriv_json(resultat, ut)
    if excel is not None:
        skriv_excel(resultat, excel)
    if not stille:
        typer.echo(sammendrag(s, resultat))
    for sti in (ut, excel):
        if sti is not None:
            typer.echo(f"Skrev {sti}")


@app.command()
def solve(
    sak: Path = typer.Argument(..., help="Saksfil (JSON)."),
    ut: Path | None = typer.Option(None, "--ut", help="Skriv resultatet (RESULT.json) hit."),
    excel: Path | None = typer.Option(None, "--excel", help="Skriv resultatet som Excel-arbeidsbok hit."),
    tidsgrense: float = typer.Option(30.0, "--tidsgrense", help="Tidsgrense per plassfamilie i sekunder."),
    arbeidere: int = typer.Option(1, "--arbeidere", help="Antall CP-SAT-arbeidere (uten --ikke-deterministisk: 1)."),
    seed: int = typer.Option(0, "--seed", help="Frø for CP-SAT."),
    ikke_deterministisk: bool = typer.Option(False, "--ikke-deterministisk", help="Tillat flere arbeidere."),
    stille: bool = typer.Option(False, "--stille", help="Ikke skriv sammendrag."),
) -> None:
    """Løs en sak: kvalifisering, prioritering, optimal tildeling, kontroll og forklaringer."""
    try:
        s = les_sak(sak)
    except Inndatafeil as exc:
        feilavslutt(exc)
        return
    if not s.sokere:
        typer.echo(f"Feil i inndata: {sak}: saken har ingen søkere – ingenting å tildele.", err=True)
        raise typer.Exit(code=2)
    _kjor_og_skriv(s, ut, excel, _parametre(tidsgrense, arbeidere, seed, ikke_deterministisk), stille)


@app.command()
def demo(
    kommune: str = typer.Option("sandefjord", "--kommune", help="sandefjord, tvedestrand eller oslo."),
    ut: Path | None = typer.Option(None, "--ut", help="Skriv resultatet (RESULT.json) hit."),
    excel: Path | None = typer.Option(None, "--excel", help="Skriv resultatet som Excel-arbeidsbok hit."),
) -> None:
    """Løs den medfølgende syntetiske demo-saken og skriv et sammendrag."""
    from modeller.generator import UkjentKommune, last_demo

    try:
        s = last_demo(kommune)
    except UkjentKommune:
        typer.echo(f"Ukjent demo-kommune «{kommune}»; velg sandefjord, tvedestrand eller oslo.", err=True)
        raise typer.Exit(code=2) from None
    _kjor_og_skriv(s, ut, excel, _parametre(30.0, 1, 0, False))


# --- Commands from other modules register here (one line each) ---
app.command("generer")(__import__("modeller.generator", fromlist=["generer_kommando"]).generer_kommando)
app.command("importer")(__import__("modeller.tabeller").tabeller.importer)
app.command("serve")(__import__("api.cli").cli.serve)
app.add_typer(__import__("api.cli").cli.bruker_app, name="bruker")
app.add_typer(__import__("api.cli").cli.logg_app, name="logg")
app.command("opprydding")(__import__("api.cli").cli.opprydding)
app.add_typer(__import__("scenarier.cli").cli.app, name="scenario")
app.command("brev")(__import__("allokering.brev", fromlist=["brev_kommando"]).brev_kommando)


def main() -> None:  # pragma: no cover - entry point
    app()
