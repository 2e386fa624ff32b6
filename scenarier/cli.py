"""``allokering scenario run FILE`` and ``allokering scenario kapasitet FILE`` (bokmål)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from allokering.fremdriftslinje import lag_fremdriftslinje
from modeller.kodeverk import Plasstype

app = typer.Typer(
    help="Scenariosimulering for kapasitetsplanlegging (befolkning → behov → tildelingsmotoren uke for uke).",
    no_args_is_help=True,
    add_completion=False,
)


def _les(fil: Path):  # type: ignore[no-untyped-def]
    from scenarier.scenariofil import Scenariofeil, les_scenario

    try:
        return les_scenario(fil)
    except Scenariofeil as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=2) from None


@app.command("run")
def run(
    filer: list[Path] = typer.Argument(
        ..., help="Scenariofil(er) (YAML). Flere filer sammenlignes med felles tilfeldige tall."
    ),
    ut: Path = typer.Option(Path("scenario-ut"), "--ut", help="Mappe for resultater (Parquet, CSV, HTML-rapport)."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Adresse til en Dask-scheduler (tcp://…)."),
    arbeidere: int | None = typer.Option(None, "--arbeidere", help="Antall prosesser (standard: antall kjerner)."),
    replikasjoner: int | None = typer.Option(None, "--replikasjoner", help="Overstyr antall replikasjoner."),
) -> None:
    """Kjør ett eller flere scenarier og skriv resultater og rapport."""
    from scenarier.dask_backend import lag_backend
    from scenarier.montecarlo import sammenlign
    from scenarier.rapport import lag_rapport

    scs = [_les(f) for f in filer]
    if replikasjoner:
        scs = [s.model_copy(update={"replikasjoner": replikasjoner}) for s in scs]
    backend = lag_backend(scheduler, arbeidere)
    totalt = sum(s.replikasjoner for s in scs)
    try:
        with lag_fremdriftslinje(gjenstaar=True) as prog:
            oppg = prog.add_task("Simulerer replikasjoner", total=totalt)
            res = sammenlign(scs, backend, lambda n, tot: prog.update(oppg, completed=n))
    finally:
        backend.lukk()
    ut.mkdir(parents=True, exist_ok=True)
    for i, r in enumerate(res):
        pre = "" if len(res) == 1 else f"s{i + 1}_"
        r.uker.to_parquet(ut / f"{pre}uker.parquet", index=False)
        r.plasseringer.to_parquet(ut / f"{pre}plasseringer.parquet", index=False)
        r.belegg_aar.to_parquet(ut / f"{pre}belegg_aar.parquet", index=False)
        r.flyt.to_csv(ut / f"{pre}flyt.csv", index=False)
        r.aarstabell().to_csv(ut / f"{pre}aar.csv", index=False)
        (ut / f"{pre}scenario.json").write_text(
            json.dumps(r.scenario.model_dump(mode="json"), ensure_ascii=False, indent=2), encoding="utf-8"
        )
    rapport = lag_rapport(res, ut / "rapport.html")
    for r in res:
        t = r.aarstabell()
        siste = t.iloc[-1]
        typer.echo(
            f"{r.scenario.navn}: {int(siste['aar'])}: venteliste langtid {siste['venteliste_langtid']:.1f} "
            f"(95 % KI {siste['venteliste_langtid_ki_lav']:.1f}–{siste['venteliste_langtid_ki_hoy']:.1f}), "
            f"venteliste bolig {siste['venteliste_bolig']:.1f} "
            f"(95 % KI {siste['venteliste_bolig_ki_lav']:.1f}–{siste['venteliste_bolig_ki_hoy']:.1f}), "
            f"UKP-kostnad {siste['ukp_kostnad_nok'] / 1e6:.2f} MNOK"
        )
    typer.echo(f"Skrev resultater til {ut} og rapporten {rapport}")


@app.command("kapasitet")
def kapasitet(
    fil: Path = typer.Argument(..., help="Scenariofil (YAML)."),
    plasstype: Plasstype = typer.Option(
        Plasstype.LANGTID_SKJERMET, "--plasstype", help="Plasstypen det søkes plasser av."
    ),
    institusjon: str = typer.Option(
        ..., "--institusjon", help="Institusjonen den nye enheten legges til (id eller navn)."
    ),
    aar: int = typer.Option(..., "--aar", help="Året kravet gjelder."),
    maks_dager: float = typer.Option(..., "--maks-dager", help="Høyeste tillatte 90-persentil ventetid (døgn)."),
    fra_aar: int | None = typer.Option(None, "--fra-aar", help="Første år med de nye plassene (standard: startåret)."),
    scheduler: str | None = typer.Option(None, "--scheduler"),
    arbeidere: int | None = typer.Option(None, "--arbeidere"),
) -> None:
    """Finn minste antall nye plasser slik at 90-persentilen av ventetiden ≤ N døgn i år Y."""
    from scenarier.dask_backend import lag_backend
    from scenarier.kapasitet import finn_kapasitet

    sc = _les(fil)
    backend = lag_backend(scheduler, arbeidere)
    try:
        svar = finn_kapasitet(sc, institusjon, plasstype, aar, maks_dager, backend, fra_aar, logg=typer.echo)
    finally:
        backend.lukk()
    if svar.plasser is None:
        typer.echo("Fant ingen løsning innenfor søkegrensen.")
        raise typer.Exit(code=1)
    typer.echo(
        f"Minste antall nye plasser ({plasstype.value}): {svar.plasser} – p90 ventetid {svar.p90:.1f} døgn "
        f"(95 % KI {svar.ki[0]:.1f}–{svar.ki[1]:.1f})"
    )
