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


def _backend(scheduler: str | None, arbeidere: int | None, dask: bool):  # type: ignore[no-untyped-def]
    from scenarier.dask_backend import lag_backend

    try:
        return lag_backend(scheduler, arbeidere, dask)
    except (RuntimeError, OSError) as exc:
        typer.echo(f"Kan ikke starte eller koble til Dask: {exc}", err=True)
        raise typer.Exit(code=2) from None


@app.command("run")
def run(
    filer: list[Path] = typer.Argument(
        ..., help="Scenariofil(er) (YAML). Flere filer sammenlignes med felles tilfeldige tall."
    ),
    ut: Path = typer.Option(Path("scenario-ut"), "--ut", help="Mappe for resultater (Parquet, CSV, HTML-rapport)."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Adresse til en Dask-scheduler (tcp://…)."),
    arbeidere: int | None = typer.Option(
        None,
        "--arbeidere",
        help="Antall prosesser (standard: antall kjerner). Med --scheduler: vent til så mange arbeidere er koblet til.",
    ),
    dask: bool = typer.Option(
        False, "--dask", help="Start en lokal Dask-klynge (LocalCluster) med --arbeidere prosesser."
    ),
    replikasjoner: int | None = typer.Option(
        None, "--replikasjoner", help="Overstyr antall replikasjoner (med --presisjon: høyeste antall)."
    ),
    presisjon: float | None = typer.Option(
        None,
        "--presisjon",
        help="Legg til replikasjoner til 95 %-halvbredden av nøkkeltallet (ved to filer: av B − A) er under dette.",
    ),
    nokkeltall: str | None = typer.Option(
        None,
        "--nokkeltall",
        help=(
            "Nøkkeltall for sammenligning og --presisjon: NAVN:TJENESTE:ÅR (standard tid_paa_liste:langtid:<sluttår>, "
            "snitt tid på langtidslisten etter Littles lov; p90_vent av årets plasseringer har mye mer støy)."
        ),
    ),
    maks_sekunder: float | None = typer.Option(
        None, "--maks-sekunder", help="Med --presisjon: ikke start en ny runde som ville ende etter så mange sekunder."
    ),
) -> None:
    """Kjør ett eller flere scenarier og skriv resultater og rapport."""
    from scenarier.montecarlo import Nokkelfeil, Nokkeltall, kjor_til_presisjon, parvis, sammenlign
    from scenarier.rapport import lag_rapport, tall

    scs = [_les(f) for f in filer]
    if replikasjoner:
        scs = [s.model_copy(update={"replikasjoner": replikasjoner}) for s in scs]
    try:
        nokkel = Nokkeltall.les(nokkeltall) if nokkeltall else Nokkeltall("tid_paa_liste", "langtid", scs[0].sluttaar)
        if not scs[0].startaar <= nokkel.aar <= scs[0].sluttaar:
            raise Nokkelfeil(
                f"året {nokkel.aar} er utenfor scenariets horisont ({scs[0].startaar}–{scs[0].sluttaar}); velg et år "
                "innenfor"
            )
    except Nokkelfeil as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=2) from None
    backend = _backend(scheduler, arbeidere, dask)
    totalt = sum(s.replikasjoner for s in scs)
    try:
        if presisjon is not None:
            sv = kjor_til_presisjon(
                scs, nokkel, presisjon, backend, maks=scs[0].replikasjoner, logg=typer.echo, maks_sekunder=maks_sekunder
            )
            res = sv.resultater
            typer.echo(
                f"Presisjon: {sv.replikasjoner} replikasjoner trengtes; halvbredde {tall(sv.halvbredde, 2)} "
                f"(mål {tall(presisjon, 2)})"
                + ("" if sv.naadd else " – MÅLET ER IKKE NÅDD (grense for replikasjoner/tid)")
            )
        else:
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
            json.dumps(r.scenario.model_dump(mode="json", exclude={"befolkning_csv"}), ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
    rapport = lag_rapport(res, ut / "rapport.html", nokkel=nokkel)
    from scenarier.rapport import delvise_aar

    for r in res:
        t = r.aarstabell()
        hele = t[~t["aar"].isin(list(delvise_aar(r)))]
        siste = (hele if len(hele) else t).iloc[-1]  # the last whole year (a last partial year says little)
        typer.echo(
            f"{r.scenario.navn}: {int(siste['aar'])}: venteliste langtid {tall(siste['venteliste_langtid'], 1)} "
            f"(95 % KI {tall(siste['venteliste_langtid_ki_lav'], 1)}–{tall(siste['venteliste_langtid_ki_hoy'], 1)}), "
            f"venteliste bolig {tall(siste['venteliste_bolig'], 1)} "
            f"(95 % KI {tall(siste['venteliste_bolig_ki_lav'], 1)}–{tall(siste['venteliste_bolig_ki_hoy'], 1)}), "
            f"UKP-kostnad {tall(siste['ukp_kostnad_nok'] / 1e6, 2)} MNOK"
        )
    if len(res) >= 2:
        for b in res[1:]:
            try:
                p = parvis(res[0], b, nokkel)
            except Nokkelfeil as exc:
                typer.echo(f"Sammenligning: {exc}")
                continue
            forhold = p.uparet_halvbredde / p.halvbredde if p.halvbredde > 0 else float("nan")
            typer.echo(p.setning())
            typer.echo(
                f"Halvbredde parvis (felles tilfeldige tall) {tall(p.halvbredde, 1)} mot "
                f"{tall(p.uparet_halvbredde, 1)} uparet: {tall(forhold, 1)} ganger smalere."
            )
    typer.echo(f"Skrev resultater til {ut} og rapporten {rapport}")


@app.command("kapasitet")
def kapasitet(
    fil: Path = typer.Argument(..., help="Scenariofil (YAML)."),
    plasstype: Plasstype = typer.Option(
        Plasstype.LANGTID_SKJERMET, "--plasstype", help="Plasstypen det søkes plasser av (ohd/koh: søk på avviste)."
    ),
    institusjon: str = typer.Option(
        ..., "--institusjon", help="Institusjonen den nye enheten legges til (id eller navn)."
    ),
    aar: int = typer.Option(..., "--aar", help="Året kravet gjelder."),
    maks_dager: float | None = typer.Option(
        None, "--maks-dager", help="Høyeste tillatte 90-persentil ventetid (døgn); ikke for ohd/koh."
    ),
    maks_avvist: float | None = typer.Option(
        None, "--maks-avvist", help="ØHD/KØH: høyeste tillatte andel avviste i prosent (f.eks. 5)."
    ),
    ankomster_per_dag: float | None = typer.Option(
        None, "--ankomster-per-dag", help="ØHD/KØH: innleggelsesforespørsler per døgn i startåret, oppgitt direkte."
    ),
    fra_aar: int | None = typer.Option(None, "--fra-aar", help="Første år med de nye plassene (standard: startåret)."),
    replikasjoner: int | None = typer.Option(None, "--replikasjoner", help="Overstyr antall replikasjoner."),
    scheduler: str | None = typer.Option(None, "--scheduler"),
    arbeidere: int | None = typer.Option(None, "--arbeidere"),
    dask: bool = typer.Option(False, "--dask", help="Start en lokal Dask-klynge (LocalCluster)."),
) -> None:
    """Finn minste antall plasser slik at 90-persentilen av ventetiden ≤ N døgn i år Y (ØHD/KØH: andelen
    avviste ≤ x %, kontrollert mot Erlang B)."""
    from scenarier.kapasitet import Kapasitetsfeil, finn_akuttkapasitet, finn_kapasitet
    from scenarier.rapport import tall

    sc = _les(fil)
    if replikasjoner:
        sc = sc.model_copy(update={"replikasjoner": replikasjoner})
    akutt = plasstype in (Plasstype.OHD, Plasstype.KOH)
    if akutt and maks_avvist is None:
        typer.echo("For ØHD/KØH søkes det på andelen avviste: oppgi --maks-avvist (prosent).", err=True)
        raise typer.Exit(code=2)
    if not akutt and maks_dager is None:
        typer.echo("Oppgi --maks-dager (høyeste tillatte 90-persentil ventetid i døgn).", err=True)
        raise typer.Exit(code=2)
    if ankomster_per_dag is not None:
        behov = sc.behov.model_copy(
            update={"ankomster_per_dag": {**sc.behov.ankomster_per_dag, "akutt": ankomster_per_dag}}
        )
        sc = sc.model_copy(update={"behov": behov})
    backend = _backend(scheduler, arbeidere, dask)
    try:
        if akutt:
            assert maks_avvist is not None
            a = finn_akuttkapasitet(sc, institusjon, plasstype, aar, maks_avvist / 100, backend, logg=typer.echo)
        else:
            assert maks_dager is not None
            svar = finn_kapasitet(sc, institusjon, plasstype, aar, maks_dager, backend, fra_aar, logg=typer.echo)
    except Kapasitetsfeil as exc:
        typer.echo(f"Feil: {exc}", err=True)
        raise typer.Exit(code=2) from None
    finally:
        backend.lukk()
    if akutt:
        m, lo, hi = a.avvist
        typer.echo(
            f"Færreste {plasstype.value}-senger på {institusjon} med høyst {tall(maks_avvist or 0.0, 1)} % avviste "
            f"i {aar}: "
            f"{a.senger} (i dag {a.dagens_senger}) – avvist {tall(100 * m, 1)} % (95 % KI {tall(100 * lo, 1)}–"
            f"{tall(100 * hi, 1)} %, {a.replikasjoner} replikasjoner). Erlang B med samme ankomstrate "
            f"({tall(a.ankomster_per_dag, 2)} per døgn) og liggetid ({tall(a.middel_liggetid, 2)} døgn): "
            f"{a.erlang_senger} senger; B({a.senger}) = {tall(100 * a.erlang_avvist, 1)} %."
        )
        advarsel = a.advarsel
    else:
        if svar.plasser is None:
            typer.echo("Fant ingen løsning innenfor søkegrensen.")
            raise typer.Exit(code=1)
        typer.echo(
            f"Minste antall nye plasser ({plasstype.value}): {svar.plasser} – p90 ventetid {tall(svar.p90, 1)} døgn "
            f"(95 % KI {tall(svar.ki[0], 1)}–{tall(svar.ki[1], 1)}, {svar.replikasjoner} replikasjoner)"
        )
        advarsel = svar.advarsel
    if advarsel:
        typer.echo(f"ADVARSEL: {advarsel}", err=True)
        if "USIKKERT" in advarsel:
            raise typer.Exit(code=3)
