"""Start-year calibration check per place type (issue 23): the simulated occupancy of each place type in
the start year against the case's (``behov.belegg_mal``), UKP days per 1 000 inhabitants against the
national level, and the waits per service — the numbers a planner shows before any scenario.

``UKP_DOGN_PER_1000`` = 71 800 UKP days in 2022 (Helsedirektoratet, «Utskrivningsklare pasienter»,
public-figures.md) / ≈ 5.5 M inhabitants (the figure ``modeller.generator.SYKEHJEMSANDEL`` uses) =
13.1 per 1 000 inhabitants per year (*derived*). How long UKP wait nationally (Helsedirektoratet, SAMDATA
spesialisthelsetjenesten, «Utskrivningsklare pasienter etter bosted – somatikk», 2021): 80 % of about
82 500 UKP patients had no overliggerdøgn; about 18 000 stays had some, 3.5 døgn on average. The
simulator's UKP are korttid søkere who wait in hospital for a korttid place (``scenarier.behov``: why
langtid søkere are not UKP by default). Measured start year 2026 (seed 2026): Sandefjord 10.8 (95 % KI
9.9–11.7, 4 replications), Tvedestrand 14.7 (12.9–16.7, 12 replications) per 1 000; before the
langtid fix 10.6 and 32.6.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarier.behov import PLASSTYPER_KALIBRERT, belegg_mal
from scenarier.dask_backend import Backend
from scenarier.montecarlo import Resultat, ki, kjor
from scenarier.scenariofil import Scenario

UKP_DOGN_NASJONALT_2022 = 71_800
INNBYGGERE_NASJONALT = 5_500_000
UKP_DOGN_PER_1000 = UKP_DOGN_NASJONALT_2022 / INNBYGGERE_NASJONALT * 1000
"""National UKP days per 1 000 inhabitants per year (*derived*, module docstring): ≈ 13.1."""

AKUTT_TYPER = ("ohd", "koh")


@dataclass
class Kalibrering:
    kommune: str
    aar: int
    replikasjoner: int
    belegg: pd.DataFrame  # plasstype, simulert, ki_lav, ki_hoy, mal, avvik_pp
    ukp_per_1000: tuple[float, float, float]
    vent: pd.DataFrame  # tjeneste, snitt, p90 (pooled over replications)
    skjermet_venteliste: float  # mean number waiting who need skjerming (start year)

    @property
    def maks_avvik_pp(self) -> float:
        return float(self.belegg["avvik_pp"].abs().max())


def kalibreringsscenario(kommune: str, replikasjoner: int = 4, seed: int = 2026) -> Scenario:
    return Scenario(
        navn=f"Kalibrering {kommune}",
        kommune=kommune,
        startaar=2026,
        sluttaar=2026,
        replikasjoner=replikasjoner,
        seed=seed,
    )


def sjekk_kalibrering(sc: Scenario, backend: Backend | None = None, res: Resultat | None = None) -> Kalibrering:
    """Run ``sc`` (only the start year is used) and compare the start year with the case."""
    if res is None:
        res = kjor([sc], backend)[0]
    aar = sc.startaar
    mal = belegg_mal(sc.behov)
    b = res.belegg_aar[res.belegg_aar["aar"] == aar].copy()
    b["plasstype"] = b["plasstype"].where(~b["plasstype"].isin(AKUTT_TYPER), "akutt")
    rader = []
    for pt in PLASSTYPER_KALIBRERT:
        d = b[b["plasstype"] == pt]
        if d.empty:
            continue
        # Occupancy of the type: occupied place-days / place-days over its units, per replication.
        g = d.groupby("rep")[["belagte_dogn", "plassdogn"]].sum()
        m, lo, hi = ki((g["belagte_dogn"] / g["plassdogn"]).to_numpy(), nedre=0.0, ovre=1.0)
        rader.append(
            {
                "plasstype": pt,
                "simulert": m,
                "ki_lav": lo,
                "ki_hoy": hi,
                "mal": mal[pt],
                "avvik_pp": 100 * (m - mal[pt]),
            }
        )
    innb = _innbyggere(sc)
    u = res.uker[res.uker["aar"] == aar].groupby("rep")["ukp_dogn"].sum() / innb * 1000
    # The start year may be partial (it is not here: startaar = sluttaar runs the whole year).
    pl = res.plasseringer
    pl = pl[pl["start_aar"] == aar]
    vent = (
        pl.groupby("tjeneste")["vent_dager"].agg(snitt="mean", p90=lambda x: float(np.quantile(x, 0.9))).reset_index()
    )
    return Kalibrering(
        kommune=sc.kommune,
        aar=aar,
        replikasjoner=sc.replikasjoner,
        belegg=pd.DataFrame(rader),
        ukp_per_1000=ki(u.to_numpy(), nedre=0.0),
        vent=vent,
        skjermet_venteliste=float(res.uker[res.uker["aar"] == aar]["venteliste_skjerming"].mean())
        if "venteliste_skjerming" in res.uker
        else float("nan"),
    )


def _innbyggere(sc: Scenario) -> float:
    from scenarier.befolkning import les_ssb_csv, syntetisk

    if sc.befolkningsfil is not None:
        bef = les_ssb_csv(
            sc.befolkningsfil, kommunenummer=sc.kommunenummer, alternativ=sc.demografi, tekst_inn=sc.befolkning_csv
        )
    else:
        bef = syntetisk(sc.kommune, sc.demografi)
    return bef.total(sc.startaar)


def tekst(k: Kalibrering) -> str:
    """The check as a bokmål table (for the benchmark and the README)."""
    linjer = [f"Kalibrering {k.kommune} {k.aar} ({k.replikasjoner} replikasjoner):"]
    for _, r in k.belegg.iterrows():
        linjer.append(
            f"  {r['plasstype']:<17} simulert {_pst(r['simulert'])} (95 % KI {_pst(r['ki_lav'])}–{_pst(r['ki_hoy'])}), "
            f"saken {_pst(r['mal'])}, avvik {r['avvik_pp']:+.1f} pp"
        )
    m, lo, hi = k.ukp_per_1000
    nasj = UKP_DOGN_PER_1000
    linjer.append(f"  UKP-døgn per 1 000 innbyggere: {m:.1f} (95 % KI {lo:.1f}–{hi:.1f}); nasjonalt {nasj:.1f}")
    for _, r in k.vent.iterrows():
        linjer.append(f"  ventetid {r['tjeneste']:<18} snitt {r['snitt']:.0f} døgn, p90 {r['p90']:.0f} døgn")
    return "\n".join(linjer).replace(".", ",")


def _pst(x: float) -> str:
    return f"{100 * x:.1f} %"
