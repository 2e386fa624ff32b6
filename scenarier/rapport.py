"""Self-contained HTML report (plotly; plotly.js embedded once from the installed package, no CDN).

Sections: key figures per year with 95 % CI, fan charts (waiting lists, occupancy, UKP cost) with the
50 % and 90 % bands over replications and the CI of the mean, occupancy heatmap per unit and year,
waiting-time distributions per service, a Sankey of flows (hjemme/sykehus → korttid → langtid …) and an
avlastning calendar. Several scenarios are drawn side by side (common random numbers). Omsorgsboliger
appear as the other place types do: waiting list, p90 wait and occupancy (all housing types
together) in the yearly table and fan charts, a yearly table per housing type (waiting list, p90 wait,
occupancy), each housing unit in the heatmap, each housing service in the waiting-time plot and the
Sankey (hjemme → senterleilighet → flyttet ut …).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from scenarier.behov import BOLIGTJENESTER
from scenarier.montecarlo import Nokkeltall, Resultat

FARGER = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")
NAVN = {
    "venteliste_langtid": ("Venteliste langtid", "personer"),
    "venteliste_korttid": ("Venteliste korttid", "personer"),
    "venteliste_bolig": ("Venteliste omsorgsboliger, alle boligtyper", "personer"),
    "belegg_langtid": ("Belegg langtid", "%"),
    "belegg_akutt": ("Belegg ØHD/KØH", "%"),
    "belegg_bolig": ("Belegg omsorgsboliger, alle boligtyper", "%"),
    "ukp_kostnad_nok": ("UKP-kostnad per uke", "kr"),
}
SEPARATORER = ", "
"""plotly ``layout.separators``: decimal comma, space between thousands (Norwegian number format)."""


def tall(x: float, des: int = 0) -> str:
    """A number in Norwegian format: space between thousands, decimal comma, «−» for minus
    (12 345,6; −3,2). NaN is «–»."""
    if x != x:
        return "–"
    t = f"{abs(x):,.{des}f}".replace(",", " ").replace(".", ",")
    return ("−" if x < 0 and t.strip("0, ") else "") + t


def prosent(x: float, des: int = 1) -> str:
    """A share as per cent in Norwegian format (0.987 → «98,7 %»)."""
    return "–" if x != x else f"{tall(100 * x, des)} %"


def _rgba(hex_: str, a: float) -> str:
    h = hex_.lstrip("#")
    return f"rgba({int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{a})"


def _norsk(fig: go.Figure, ytittel: str, xtittel: str = "Dato") -> go.Figure:
    fig.update_layout(separators=SEPARATORER)
    fig.update_xaxes(title_text=xtittel)
    fig.update_yaxes(title_text=ytittel)
    return fig


def vifte(resultater: Sequence[Resultat], kolonne: str) -> go.Figure:
    fig = go.Figure()
    navn, enhet = NAVN.get(kolonne, (kolonne, ""))
    skala = 100.0 if enhet == "%" else 1.0
    for i, r in enumerate(resultater):
        v = r.vifte(kolonne)
        f = FARGER[i % len(FARGER)]
        x = pd.to_datetime(v["dato"])
        for lo, hi, a in (("p5", "p95", 0.12), ("p25", "p75", 0.25)):
            fig.add_trace(go.Scatter(x=x, y=v[hi] * skala, line={"width": 0}, showlegend=False, hoverinfo="skip"))
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=v[lo] * skala,
                    fill="tonexty",
                    fillcolor=_rgba(f, a),
                    line={"width": 0},
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
        fig.add_trace(go.Scatter(x=x, y=v["snitt"] * skala, name=f"{r.scenario.navn} (snitt)", line={"color": f}))
        fig.add_trace(
            go.Scatter(
                x=x,
                y=v["ki_hoy"] * skala,
                line={"color": f, "dash": "dot", "width": 1},
                name="95 % KI",
                showlegend=i == 0,
            )
        )
        fig.add_trace(
            go.Scatter(x=x, y=v["ki_lav"] * skala, line={"color": f, "dash": "dot", "width": 1}, showlegend=False)
        )
    fig.update_layout(title=navn + " – vifte (5–95 %, 25–75 %) og 95 % KI for snittet", height=380)
    return _norsk(fig, f"{navn} ({enhet})")


def delvise_aar(r: Resultat) -> dict[int, int]:
    """Years the run covers only partly: year → simulated days."""
    d = pd.to_datetime(r.uker.drop_duplicates("uke")["dato"])
    dager = pd.Series(7, index=d).groupby(d.dt.year).sum()
    ut = {}
    for aar, n in dager.items():
        hele = 366 if pd.Timestamp(int(aar), 12, 31).dayofyear == 366 else 365
        if n < hele - 6:  # a week of the year may lie in the next one: only clearly partial years
            ut[int(aar)] = int(n)
    return ut


def aar_etikett(r: Resultat, aar: int) -> str:
    """«2041 (delvis: 4 dager)» for a partial year."""
    delvis = delvise_aar(r)
    return f"{aar} (delvis: {delvis[aar]} dager)" if aar in delvis else str(aar)


def varmekart(r: Resultat) -> go.Figure:
    b = r.belegg_aar.groupby(["enhet_id", "aar"])["belegg"].mean().unstack("aar")
    navn = r.enheter.set_index("enhet_id").loc[b.index]
    etiketter = [f"{u} ({pt})" for u, pt in zip(b.index, navn["plasstype"], strict=True)]
    fig = go.Figure(
        go.Heatmap(
            z=100 * b.to_numpy(),
            x=[aar_etikett(r, int(c)) for c in b.columns],
            y=etiketter,
            colorscale="YlOrRd",
            zmin=0,
            zmax=100,
            colorbar={"title": "belegg (%)"},
            hovertemplate="%{y}<br>%{x}: %{z:.1f} %<extra></extra>",
        )
    )
    fig.update_layout(
        title=f"Belegg per enhet og år (%) – {r.scenario.navn}; delvise år er merket",
        height=max(350, 18 * len(etiketter)),
    )
    return _norsk(fig, "Enhet (plasstype)", "År")


def ventetider(resultater: Sequence[Resultat]) -> list[go.Figure]:
    """Wait to placement per service and year (one figure per service; a box per year and scenario)."""
    figurer = []
    alle = pd.concat([r.plasseringer.assign(_s=i) for i, r in enumerate(resultater)], ignore_index=True)
    boligtyper = sorted(set(alle["tjeneste"]) & set(BOLIGTJENESTER)) if len(alle) else []
    for tj in ("langtid", "korttid", "avlastning", *boligtyper):
        fig = go.Figure()
        for i, r in enumerate(resultater):
            pl = r.plasseringer[r.plasseringer["tjeneste"] == tj]
            if pl.empty:
                continue
            x = [aar_etikett(r, int(a)) for a in pl["start_aar"]]
            fig.add_trace(
                go.Box(
                    x=x, y=pl["vent_dager"], name=r.scenario.navn, marker_color=FARGER[i % len(FARGER)], boxpoints=False
                )
            )
        if fig.data:
            fig.update_layout(
                title=f"Ventetid til plassering, {tj.replace('_', ' ')} – per år (alle replikasjoner)",
                boxmode="group",
                height=380,
            )
            figurer.append(_norsk(fig, "Ventetid (døgn)", "År plasseringen starter"))
    return figurer


def sankey(r: Resultat) -> go.Figure:
    f = r.flyt[~r.flyt["fra"].isin(["ektepar", "kontroll"])].groupby(["fra", "til"])["antall"].sum() / max(
        1, r.flyt["rep"].nunique()
    )
    noder = sorted(set(f.index.get_level_values(0)) | set(f.index.get_level_values(1)))
    idx = {n: i for i, n in enumerate(noder)}
    fig = go.Figure(
        go.Sankey(
            node={"label": noder, "pad": 15},
            link={
                "source": [idx[a] for a, _ in f.index],
                "target": [idx[b] for _, b in f.index],
                "value": f.to_numpy(),
            },
        )
    )
    fig.update_layout(
        title=f"Flyt (Sankey) hjem/sykehus → korttid → langtid og boliger, snitt per replikasjon – {r.scenario.navn}",
        height=420,
        separators=SEPARATORER,
    )
    return fig


def avlastningskalender(r: Resultat) -> go.Figure:
    d = r.avlastning_dag.copy()
    d["dato"] = pd.to_datetime(d["dato"])
    d = d[d["dato"].dt.year == d["dato"].dt.year.min()]
    iso = d["dato"].dt.isocalendar()
    z = d.assign(uke=iso.week.astype(int), dag=iso.day.astype(int)).pivot_table(
        index="dag", columns="uke", values="belagte_senger"
    )
    fig = go.Figure(
        go.Heatmap(
            z=z.to_numpy(),
            x=z.columns,
            y=["man", "tir", "ons", "tor", "fre", "lør", "søn"][: len(z)],
            colorscale="Blues",
            colorbar={"title": "senger"},
        )
    )
    fig.update_layout(
        title=f"Avlastningskalender (belagte avlastningssenger per dag, første år) – {r.scenario.navn}", height=300
    )
    return _norsk(fig, "Ukedag", "Uke (ISO)")


def _aarstabell_html(r: Resultat, t: pd.DataFrame, kol: Sequence[tuple[str, str, int]]) -> str:
    """One row per year (partial years marked); each cell the mean over replications with its 95 % CI.
    Columns whose name starts with «belegg» or ends in «andel» are shown in %."""
    hode = "".join(f"<th>{html.escape(n)}</th>" for _, n, _ in kol)
    rader = []
    for _, rad in t.iterrows():
        celler = []
        for k, _, des in kol:
            if k not in t.columns or pd.isna(rad[k]):
                celler.append("<td>–</td>")
                continue
            pst = k.startswith("belegg") or k.endswith("andel")
            tallene = [prosent(rad[x], des) if pst else tall(rad[x], des) for x in (k, k + "_ki_lav", k + "_ki_hoy")]
            celler.append(f"<td>{tallene[0]}<br><small>({tallene[1]} – {tallene[2]})</small></td>")
        rader.append(f"<tr><td>{html.escape(aar_etikett(r, int(rad['aar'])))}</td>{''.join(celler)}</tr>")
    return f"<table><tr><th>År</th>{hode}</tr>{''.join(rader)}</table>"


def _ventetabell(r: Resultat, t: pd.DataFrame) -> str:
    """Mean and p90 wait per service and year."""
    kol = [
        (f"vent_{k}_{tj}", f"{navn} {tj.replace('_', ' ')} (døgn)", 0)
        for tj in ("langtid", "korttid", "bolig", *r.boligtyper)
        for k, navn in (("snitt", "Snitt ventetid"), ("p90", "p90 ventetid"))
    ]
    return _aarstabell_html(r, t, kol)


def _tabell(resultater: Sequence[Resultat]) -> str:
    deler = []
    for r in resultater:
        t = r.aarstabell()
        kol = [
            ("venteliste_langtid", "Venteliste langtid", 1),
            ("vent_p90_langtid", "p90 ventetid langtid (døgn)", 0),
            ("belegg_langtid", "Belegg langtid", 1),
            ("venteliste_bolig", "Venteliste bolig", 1),
            ("vent_p90_bolig", "p90 ventetid bolig (døgn)", 0),
            ("belegg_bolig", "Belegg bolig", 1),
            ("ukp_dogn", "UKP-døgn", 0),
            ("ukp_kostnad_nok", "UKP-kostnad (NOK)", 0),
            ("akutt_avvist_andel", "Avvist ØHD/KØH", 1),
        ]
        deler.append(f"<h3>{html.escape(r.scenario.navn)}</h3>{_aarstabell_html(r, t, kol)}")
        deler.append(f"<h4>Ventetid per tjeneste og år – {html.escape(r.scenario.navn)}</h4>{_ventetabell(r, t)}")
        if r.boligtyper:
            # Omsorgsboliger type by type: planners decide flats per type (bolig above = all types).
            kol_b = [
                (f"{k}_{tj}", f"{navn} {tj.replace('_', ' ')}", des)
                for tj in r.boligtyper
                for k, navn, des in (
                    ("venteliste", "Venteliste", 1),
                    ("vent_p90", "p90 ventetid (døgn)", 0),
                    ("belegg", "Belegg", 1),
                )
            ]
            deler.append(
                f"<h4>Omsorgsboliger per boligtype – {html.escape(r.scenario.navn)}</h4>{_aarstabell_html(r, t, kol_b)}"
            )
    return "\n".join(deler)


AB_NOKKELTALL = (
    "tid_paa_liste:langtid",
    "p90_vent:langtid",
    "snitt_vent:langtid",
    "p90_vent:korttid",
    "snitt_vent:korttid",
    "venteliste:langtid",
    "belegg:langtid",
    "ukp_dogn:",
    "ukp_kostnad_nok:",
    "akutt_avvist_andel:",
    "ektepar_splittet:",
)


def ab_tabell(resultater: Sequence[Resultat], aar: int) -> pd.DataFrame:
    """Paired differences (scenario i − the first, common random numbers) of the key figures of ``aar``,
    with the paired and the unpaired 95 % half-width."""
    from scenarier.montecarlo import Nokkelfeil, Nokkeltall, parvis

    rader = []
    for b in resultater[1:]:
        for k in AB_NOKKELTALL:
            n = Nokkeltall.les(f"{k}:{aar}")
            try:
                p = parvis(resultater[0], b, n)
            except Nokkelfeil:
                continue
            rader.append(
                {
                    "scenario": b.scenario.navn,
                    "nokkeltall": n.tekst,
                    "andel": n.andel,
                    "a": p.a[0],
                    "b": p.b[0],
                    "diff": p.diff[0],
                    "diff_lav": p.diff[1],
                    "diff_hoy": p.diff[2],
                    "halvbredde_parvis": p.halvbredde,
                    "halvbredde_uparet": p.uparet_halvbredde,
                    "replikasjoner": p.replikasjoner,
                }
            )
    return pd.DataFrame(rader)


def _ab_html(resultater: Sequence[Resultat], nokkel: Nokkeltall | None) -> str:
    from scenarier.montecarlo import Nokkelfeil, parvis

    if len(resultater) < 2:
        return ""
    aar = nokkel.aar if nokkel is not None else resultater[0].scenario.sluttaar
    deler = ["<h2>Sammenligning med felles tilfeldige tall (parvise differanser)</h2>"]
    if nokkel is not None:
        for b in resultater[1:]:
            try:
                deler.append(f"<p><b>{html.escape(parvis(resultater[0], b, nokkel).setning())}</b></p>")
            except Nokkelfeil as exc:
                deler.append(f"<p>{html.escape(str(exc))}</p>")
    t = ab_tabell(resultater, aar)
    if t.empty:
        return "".join(deler)
    rader = []
    for _, r in t.iterrows():
        f = (lambda x: tall(100 * x, 1)) if r["andel"] else (lambda x: tall(x, 1))
        enh = " pp" if r["andel"] else ""
        rader.append(
            f"<tr><td style='text-align:left'>{html.escape(r['scenario'])}</td>"
            f"<td style='text-align:left'>{html.escape(r['nokkeltall'])}</td><td>{f(r['a'])}</td><td>{f(r['b'])}</td>"
            f"<td>{f(r['diff'])}{enh}<br><small>({f(r['diff_lav'])} – {f(r['diff_hoy'])})</small></td>"
            f"<td>±{f(r['halvbredde_parvis'])}</td><td>±{f(r['halvbredde_uparet'])}</td></tr>"
        )
    deler.append(
        f"<p>Differanse = scenario − {html.escape(resultater[0].scenario.navn)} i {aar}, per replikasjon; 95 % KI. "
        "Kolonnen «uparet» viser hvor bredt intervallet ville vært om scenariene var kjørt med uavhengige "
        "tilfeldige tall (Welch) – forskjellen er gevinsten av felles tilfeldige tall. Andeler i prosentpoeng.</p>"
        "<table><tr><th>Scenario</th><th>Nøkkeltall</th><th>A</th><th>B</th><th>B − A (95 % KI)</th>"
        f"<th>Halvbredde parvis</th><th>Halvbredde uparet</th></tr>{''.join(rader)}</table>"
    )
    return "".join(deler)


def lag_rapport(resultater: Sequence[Resultat], sti: str | Path, nokkel: Nokkeltall | None = None) -> Path:
    """Write the report; returns its path. With several scenarios and ``nokkel`` the A/B answer
    (paired differences) comes first."""
    sti = Path(sti)
    figurer = [
        vifte(resultater, k)
        for k in (
            "venteliste_langtid",
            "venteliste_korttid",
            "venteliste_bolig",
            "belegg_langtid",
            "belegg_akutt",
            "belegg_bolig",
            "ukp_kostnad_nok",
        )
    ]
    figurer += ventetider(resultater)
    for r in resultater:
        figurer += [varmekart(r), sankey(r), avlastningskalender(r)]
    deler = [f.to_html(full_html=False, include_plotlyjs=(i == 0)) for i, f in enumerate(figurer)]
    r0 = resultater[0]
    motor = np.asarray(r0.motor_sekunder) if r0.motor_sekunder else np.zeros(1)
    syntetisk = (
        "Befolkningen er <b>syntetisk</b> (ikke SSB-tall)"
        if r0.scenario.befolkningsfil is None
        else f"Befolkning fra {html.escape(str(r0.scenario.befolkningsfil))}"
    )
    vekst = f"{r0.scenario.ukp_prisvekst:.1%}".replace(".", ",")
    tekst = f"""<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>Scenariorapport</title>
<style>body{{font-family:sans-serif;max-width:1200px;margin:auto}} table{{border-collapse:collapse;font-size:13px}}
td,th{{border:1px solid #ccc;padding:3px 6px;text-align:right}}</style></head><body>
<h1>Scenariorapport – kapasitetsplanlegging</h1>
<p>Laget {datetime.now():%d.%m.%Y %H:%M}. {len(resultater)} scenario(er), {r0.scenario.replikasjoner} replikasjoner
hver med felles tilfeldige tall (samme ankomster i alle scenarier). Hver uke er tildelingen gjort av
tildelingsmotoren (CP-SAT) – ingen forenklet fordeler. {syntetisk}. Kommunen og enhetene er syntetiske
(modeller.generator). Omsorgsboliger (alle boligtyper kommunen har, f.eks. senterleiligheter og tilrettelagte
boliger) er med: botiden er ukjent for motoren og trekkes av simulatoren (år), korttidsleiligheter har fast
lengde, og behov, botid og dagens venteliste er merkede modellantakelser (se scenarier.behov og
scenarier.liggetid); ektepar er ikke simulert for boliger. UKP-kostnad: døgnpris per år fra
Helsedirektoratet (2024: 5 745 kr), etter 2024 i faste 2024-kroner med vekst {vekst}.
Motortid per kall: snitt {tall(motor.mean() * 1000, 1)} ms, {tall(r0.motor_kall)} kall. Intervallene holder seg
innenfor størrelsens område (ventetider, antall og kroner aldri under 0, andeler mellom 0 og 100 %).
Delvise år er merket «delvis».</p>
{_ab_html(resultater, nokkel)}
<h2>Nøkkeltall per år (snitt og 95 % konfidensintervall)</h2>{_tabell(resultater)}
<h2>Figurer</h2>{"".join(deler)}
</body></html>"""
    sti.parent.mkdir(parents=True, exist_ok=True)
    sti.write_text(tekst, encoding="utf-8")
    return sti
