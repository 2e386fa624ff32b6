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
        ovre = 1.0 if kolonne.startswith("belegg") else None
        kis = g.apply(lambda x: ki(x.to_numpy(), nedre=0.0, ovre=ovre))
        ut["ki_lav"] = [k[1] for k in kis]
        ut["ki_hoy"] = [k[2] for k in kis]
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
                andel = k.startswith(("belegg", "akutt_avvist_andel"))
                m, lo, hi = ki(x, nedre=0.0, ovre=1.0 if andel else None)
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
        return ki(v.to_numpy(), nedre=0.0)


def ki(
    x: np.ndarray | Sequence[float], nedre: float | None = None, ovre: float | None = None, niva: float = 0.95
) -> tuple[float, float, float]:
    """Mean over replications and its 95 % interval, **inside the quantity's range**.

    * No bounds (e.g. a paired difference): the t-interval m ± t(0.975, R−1)·s/√R.
    * A lower bound only (waits, counts, UKP days, costs: ``nedre=0``): the t-interval on the log scale
      of m − nedre (delta method: se(log m) = s/(m√R)), mapped back: m·exp(±t·s/(m√R)). Never below the
      bound, wider upwards — as a skewed, non-negative quantity should be.
    * Both bounds (shares, occupancy: ``nedre=0, ovre=1``): the same on the logit scale.
    With all replications equal (s = 0) or the mean on a bound the interval is that point. Fewer than
    two replications give no interval (the point three times)."""
    arr = np.asarray(x, dtype=float)
    v = arr[np.isfinite(arr)]
    if len(v) == 0:
        return math.nan, math.nan, math.nan
    m = float(v.mean())
    if len(v) < 2:
        return m, m, m
    s = float(v.std(ddof=1))
    t = float(stats.t.ppf(0.5 + niva / 2, len(v) - 1))
    se = s / math.sqrt(len(v))
    if nedre is None and ovre is None:
        return m, m - t * se, m + t * se
    lo_b = -math.inf if nedre is None else nedre
    hi_b = math.inf if ovre is None else ovre
    if se == 0 or m <= lo_b or m >= hi_b:
        return m, m, m
    if ovre is None:  # log scale of m − nedre
        d = m - lo_b
        f = math.exp(t * se / d)
        return m, lo_b + d / f, lo_b + d * f
    if nedre is None:  # log scale of ovre − m
        d = hi_b - m
        f = math.exp(t * se / d)
        return m, hi_b - d * f, hi_b - d / f
    # logit scale of (m − nedre)/(ovre − nedre)
    w = hi_b - lo_b
    p = (m - lo_b) / w
    lg = math.log(p / (1 - p))
    h = t * se / (w * p * (1 - p))
    return m, lo_b + w / (1 + math.exp(-(lg - h))), lo_b + w / (1 + math.exp(-(lg + h)))


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
