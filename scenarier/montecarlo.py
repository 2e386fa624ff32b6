"""Monte Carlo replications with common random numbers (CRN) and confidence intervals.

Replication r of every compared scenario uses the same seed ``replikasjonsfro(seed, R)[r]`` (numpy
``SeedSequence(seed).spawn(R)``); inside a replication every draw is tied to a person at arrival
(``scenarier.simulering``), so scenarios that differ only in capacity or allocation share their
arrivals exactly and differences between them have far smaller variance than independent runs.
``sammenlign`` forces one seed and one number of replications on all scenarios.

Confidence intervals: the mean over replications ± t(0.975, R−1)·s/√R (replications are independent).
Fan charts use the 5/25/50/75/95 % quantiles over replications.

Bolig: the ``tjeneste`` of a placement is the housing service (``senterleilighet``, ``hdo`` …, equal to
its place type); ``tjeneste="bolig"`` in ``p90_vent`` and the yearly table means all housing types
together (``BOLIGTJENESTER``), as ``langtid`` covers somatisk and skjermet.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from scenarier.behov import BOLIGTJENESTER
from scenarier.dask_backend import Backend, Oppgave, ProsessBackend
from scenarier.scenariofil import Scenario
from scenarier.simulering import replikasjonsfro
from scenarier.utdrag import Utdrag


def er_tjeneste(tjeneste_kolonne: pd.Series, tjeneste: str) -> pd.Series:
    """Rows of a service; ``bolig`` = every housing service."""
    if tjeneste == "bolig":
        return tjeneste_kolonne.isin(BOLIGTJENESTER)
    return tjeneste_kolonne == tjeneste


@dataclass
class Resultat:
    """All replications of one scenario as tables (one row per replication × week etc.)."""

    scenario: Scenario
    uker: pd.DataFrame
    plasseringer: pd.DataFrame
    belegg_aar: pd.DataFrame  # rep, aar, enhet_id, plasstype, belegg
    avlastning_dag: pd.DataFrame  # dato, belagte senger (mean over replications)
    flyt: pd.DataFrame  # rep, fra, til, antall
    enheter: pd.DataFrame
    motor_sekunder: list[float] = field(default_factory=list)
    motor_kall: int = 0
    sekunder: float = 0.0

    # -- summaries --------------------------------------------------------------------------------
    @property
    def boligtyper(self) -> list[str]:
        """The housing services with units in this scenario (their own columns in the outputs)."""
        return sorted(set(self.enheter["plasstype"]) & set(BOLIGTJENESTER)) if len(self.enheter) else []

    def vifte(self, kolonne: str) -> pd.DataFrame:
        """Per week: mean with 95 % CI and the 5/25/50/75/95 % quantiles over replications."""
        g = self.uker.groupby("uke")[kolonne]
        ut = pd.DataFrame({"dato": self.uker.groupby("uke")["dato"].first(), "snitt": g.mean()})
        n = g.count()
        sd = g.std(ddof=1).fillna(0.0)
        t = stats.t.ppf(0.975, np.maximum(1, n - 1))
        ut["ki_lav"] = ut["snitt"] - t * sd / np.sqrt(n)
        ut["ki_hoy"] = ut["snitt"] + t * sd / np.sqrt(n)
        for q in (5, 25, 50, 75, 95):
            ut[f"p{q}"] = g.quantile(q / 100)
        return ut.reset_index()

    def aarstabell(self) -> pd.DataFrame:
        """Per year: means over replications with 95 % CI of the key outputs; for bolig both all housing
        types together (``*_bolig``) and each type (``venteliste_senterleilighet``, ``vent_p90_hdo`` …)."""
        per_type = {f"{k}_{tj}": (f"{k}_{tj}", "mean") for tj in self.boligtyper for k in ("venteliste", "belegg")}
        per_rep = self.uker.groupby(["rep", "aar"]).agg(
            venteliste_langtid=("venteliste_langtid", "mean"),
            venteliste_korttid=("venteliste_korttid", "mean"),
            venteliste_bolig=("venteliste_bolig", "mean"),
            belegg_langtid=("belegg_langtid", "mean"),
            belegg_korttid=("belegg_korttid", "mean"),
            belegg_akutt=("belegg_akutt", "mean"),
            belegg_bolig=("belegg_bolig", "mean"),
            ukp_dogn=("ukp_dogn", "sum"),
            ukp_kostnad_nok=("ukp_kostnad_nok", "sum"),
            akutt_ankomster=("akutt_ankomster", "sum"),
            akutt_avvist=("akutt_avvist", "sum"),
            **per_type,
        )
        per_rep["akutt_avvist_andel"] = per_rep["akutt_avvist"] / per_rep["akutt_ankomster"].clip(lower=1)
        pl = self.plasseringer.copy()
        if len(pl):
            pl["aar"] = pl["start_aar"]
            for tj in ("langtid", "korttid", "bolig", *self.boligtyper):
                v = pl[er_tjeneste(pl["tjeneste"], tj)].groupby(["rep", "aar"])["vent_dager"]
                per_rep[f"vent_p90_{tj}"] = v.quantile(0.9)
                per_rep[f"vent_snitt_{tj}"] = v.mean()
        rader = []
        for aar, df in per_rep.groupby(level="aar"):
            rad: dict[str, float] = {"aar": int(aar)}
            for k in df.columns:
                x = df[k].dropna().to_numpy()
                m, lo, hi = ki(x)
                rad[k], rad[f"{k}_ki_lav"], rad[f"{k}_ki_hoy"] = m, lo, hi
            rader.append(rad)
        return pd.DataFrame(rader)

    def p90_vent(self, tjeneste: str, aar: int) -> tuple[float, float, float]:
        """Mean over replications of the 90th percentile wait (days) of placements starting in ``aar``
        (``tjeneste="bolig"``: all housing types)."""
        pl = self.plasseringer
        v = (
            pl[er_tjeneste(pl["tjeneste"], tjeneste) & (pl["start_aar"] == aar)]
            .groupby("rep")["vent_dager"]
            .quantile(0.9)
        )
        return ki(v.to_numpy())


def ki(x: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95 % t-interval."""
    x = np.asarray(x, dtype=float)
    if len(x) == 0:
        return math.nan, math.nan, math.nan
    m = float(x.mean())
    if len(x) < 2:
        return m, m, m
    h = float(stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return m, m - h, m + h


def _samle(sc: Scenario, deler: list[Utdrag]) -> Resultat:
    """One scenario's tables from its replications' tables (made by the workers, see ``utdrag``;
    the client does not build the model again)."""
    if not deler:
        raise ValueError("ingen replikasjoner å samle")
    start = deler[0].start
    uker = pd.concat([d.uker for d in deler], ignore_index=True)
    pl = pd.concat([d.plasseringer for d in deler], ignore_index=True)
    enh = deler[0].enheter
    belegg_aar = pd.concat([d.belegg_aar for d in deler], ignore_index=True)
    avl_sum = sum((d.avlastning_dag for d in deler[1:]), deler[0].avlastning_dag.copy())
    avl_df = pd.DataFrame(
        {"dato": pd.date_range(start, periods=len(avl_sum), freq="D"), "belagte_senger": avl_sum / len(deler)}
    )
    flyt = pd.concat([d.flyt for d in deler], ignore_index=True)
    return Resultat(
        scenario=sc,
        uker=uker,
        plasseringer=pl,
        belegg_aar=belegg_aar,
        avlastning_dag=avl_df,
        flyt=flyt,
        enheter=enh,
        motor_sekunder=[s for d in deler for s in d.motor_sekunder.tolist()],
        motor_kall=sum(d.motor_kall for d in deler),
    )


def kjor(
    scenarier: Sequence[Scenario],
    backend: Backend | None = None,
    fremdrift: Callable[[int, int], None] | None = None,
) -> list[Resultat]:
    """Run all replications of all scenarios on one backend; results in scenario order."""
    backend = backend or ProsessBackend()
    oppgaver = []
    for i, sc in enumerate(scenarier):
        js = sc.model_dump_json()
        for r, s in enumerate(replikasjonsfro(sc.seed, sc.replikasjoner)):
            oppgaver.append(Oppgave(js, i, r, s))
    t = time.perf_counter()
    ut = backend.kjor(oppgaver, fremdrift)
    sek = time.perf_counter() - t
    resultater = []
    for i, sc in enumerate(scenarier):
        deler = sorted((d for nr, d in ut if nr == i), key=lambda d: d.rep)
        res = _samle(sc, deler)
        res.sekunder = sek
        resultater.append(res)
    return resultater


def sammenlign(
    scenarier: Sequence[Scenario], backend: Backend | None = None, fremdrift: Callable[[int, int], None] | None = None
) -> list[Resultat]:
    """Run scenarios with common random numbers: the first scenario's seed and replications for all."""
    forste = scenarier[0]
    like = [sc.model_copy(update={"seed": forste.seed, "replikasjoner": forste.replikasjoner}) for sc in scenarier]
    return kjor(like, backend, fremdrift)
