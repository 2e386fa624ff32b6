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
from scenarier.montecarlo import Resultat

FARGER = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")
NAVN = {
    "venteliste_langtid": "Venteliste langtid (personer)",
    "venteliste_korttid": "Venteliste korttid (personer)",
    "venteliste_bolig": "Venteliste omsorgsboliger, alle boligtyper (personer)",
    "belegg_langtid": "Belegg langtid",
    "belegg_akutt": "Belegg ØHD/KØH",
    "belegg_bolig": "Belegg omsorgsboliger, alle boligtyper",
    "ukp_kostnad_nok": "UKP-kostnad per uke (NOK)",
}


def _rgba(hex_: str, a: float) -> str:
    h = hex_.lstrip("#")
    return f"rgba({int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{a})"


def vifte(resultater: Sequence[Resultat], kolonne: str) -> go.Figure:
    fig = go.Figure()
    for i, r in enumerate(resultater):
        v = r.vifte(kolonne)
        f = FARGER[i % len(FARGER)]
        x = pd.to_datetime(v["dato"])
        for lo, hi, a in (("p5", "p95", 0.12), ("p25", "p75", 0.25)):
            fig.add_trace(go.Scatter(x=x, y=v[hi], line={"width": 0}, showlegend=False, hoverinfo="skip"))
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=v[lo],
                    fill="tonexty",
                    fillcolor=_rgba(f, a),
                    line={"width": 0},
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
        fig.add_trace(go.Scatter(x=x, y=v["snitt"], name=f"{r.scenario.navn} (snitt)", line={"color": f}))
        fig.add_trace(
            go.Scatter(
                x=x, y=v["ki_hoy"], line={"color": f, "dash": "dot", "width": 1}, name="95 % KI", showlegend=i == 0
            )
        )
        fig.add_trace(go.Scatter(x=x, y=v["ki_lav"], line={"color": f, "dash": "dot", "width": 1}, showlegend=False))
    fig.update_layout(
        title=NAVN.get(kolonne, kolonne) + " – vifte (5–95 %, 25–75 %) og 95 % KI for snittet", height=380
    )
    return fig


def varmekart(r: Resultat) -> go.Figure:
    b = r.belegg_aar.groupby(["enhet_id", "aar"])["belegg"].mean().unstack("aar")
    navn = r.enheter.set_index("enhet_id").loc[b.index]
    etiketter = [f"{u} ({pt})" for u, pt in zip(b.index, navn["plasstype"], strict=True)]
    fig = go.Figure(
        go.Heatmap(
            z=b.to_numpy(),
            x=[str(c) for c in b.columns],
            y=etiketter,
            colorscale="YlOrRd",
            zmin=0,
            zmax=1,
            colorbar={"title": "belegg"},
        )
    )
    fig.update_layout(title=f"Belegg per enhet og år – {r.scenario.navn}", height=max(350, 18 * len(etiketter)))
    return fig


def ventetider(resultater: Sequence[Resultat]) -> go.Figure:
    fig = go.Figure()
    for i, r in enumerate(resultater):
        pl = r.plasseringer
        boligtyper = sorted(set(pl["tjeneste"]) & set(BOLIGTJENESTER))
        for tj in ("langtid", "korttid", "avlastning", *boligtyper):
            v = pl.loc[pl["tjeneste"] == tj, "vent_dager"]
            if len(v):
                fig.add_trace(
                    go.Box(y=v, name=f"{tj} – {r.scenario.navn}", marker_color=FARGER[i % len(FARGER)], boxpoints=False)
                )
    fig.update_layout(title="Ventetid til plassering (døgn), alle replikasjoner", height=420)
    return fig


def sankey(r: Resultat) -> go.Figure:
    f = r.flyt[~r.flyt["fra"].isin(["ektepar"])].groupby(["fra", "til"])["antall"].sum() / max(
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
    return fig


def _aarstabell_html(t: pd.DataFrame, kol: Sequence[tuple[str, str, int]]) -> str:
    """One row per year; each cell the mean over replications with its 95 % CI."""
    hode = "".join(f"<th>{html.escape(n)}</th>" for _, n, _ in kol)
    rader = []
    for _, rad in t.iterrows():
        celler = []
        for k, _, des in kol:
            if k not in t.columns or pd.isna(rad[k]):
                celler.append("<td>–</td>")
                continue
            tall = [f"{rad[x]:,.{des}f}".replace(",", " ") for x in (k, k + "_ki_lav", k + "_ki_hoy")]
            celler.append(f"<td>{tall[0]}<br><small>({tall[1]} – {tall[2]})</small></td>")
        rader.append(f"<tr><td>{int(rad['aar'])}</td>{''.join(celler)}</tr>")
    return f"<table><tr><th>År</th>{hode}</tr>{''.join(rader)}</table>"


def _tabell(resultater: Sequence[Resultat]) -> str:
    deler = []
    for r in resultater:
        t = r.aarstabell()
        kol = [
            ("venteliste_langtid", "Venteliste langtid", 1),
            ("vent_p90_langtid", "p90 ventetid langtid (døgn)", 0),
            ("belegg_langtid", "Belegg langtid", 3),
            ("venteliste_bolig", "Venteliste bolig", 1),
            ("vent_p90_bolig", "p90 ventetid bolig (døgn)", 0),
            ("belegg_bolig", "Belegg bolig", 3),
            ("ukp_dogn", "UKP-døgn", 0),
            ("ukp_kostnad_nok", "UKP-kostnad (NOK)", 0),
            ("akutt_avvist_andel", "Avvist ØHD/KØH", 3),
        ]
        deler.append(f"<h3>{html.escape(r.scenario.navn)}</h3>{_aarstabell_html(t, kol)}")
        if r.boligtyper:
            # Omsorgsboliger type by type: planners decide flats per type (bolig above = all types).
            kol_b = [
                (f"{k}_{tj}", f"{navn} {tj.replace('_', ' ')}", des)
                for tj in r.boligtyper
                for k, navn, des in (
                    ("venteliste", "Venteliste", 1),
                    ("vent_p90", "p90 ventetid (døgn)", 0),
                    ("belegg", "Belegg", 3),
                )
            ]
            deler.append(
                f"<h4>Omsorgsboliger per boligtype – {html.escape(r.scenario.navn)}</h4>{_aarstabell_html(t, kol_b)}"
            )
    return "\n".join(deler)


def lag_rapport(resultater: Sequence[Resultat], sti: str | Path) -> Path:
    """Write the report; returns its path."""
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
    figurer.append(ventetider(resultater))
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
Motortid per kall: snitt {motor.mean() * 1000:.1f} ms, {r0.motor_kall} kall.</p>
<h2>Nøkkeltall per år (snitt og 95 % konfidensintervall)</h2>{_tabell(resultater)}
<h2>Figurer</h2>{"".join(deler)}
</body></html>"""
    sti.parent.mkdir(parents=True, exist_ok=True)
    sti.write_text(tekst, encoding="utf-8")
    return sti
