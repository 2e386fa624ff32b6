"""Monte Carlo replications with common random numbers (CRN) and confidence intervals.

Replication r of every compared scenario uses the same seed ``replikasjonsfro(seed, R)[r]`` (numpy
``SeedSequence(seed).spawn(R)``); inside a replication every draw is tied to a person at arrival
(``scenarier.simulering``), so scenarios that differ only in capacity or allocation share their
arrivals exactly and differences between them have far smaller variance than independent runs.
``sammenlign`` forces one seed and one number of replications on all scenarios.

Confidence intervals (``ki``) respect the quantity's range: waits, counts and kroner get a t-interval
on the log scale (never below 0), shares and occupancy one on the logit scale (inside 0–1), a
difference the plain t-interval (replications are independent). Fan charts use the 5/25/50/75/95 %
quantiles over replications.

Comparing scenarios (issue 23): ``Nokkeltall`` is one key figure of one year measured per
replication (``p90_vent:langtid:2033``); ``parvis`` gives B − A per replication with its interval,
and — from the same replications — the unpaired (Welch) interval, whose width is what independent
runs would have given: the gain of common random numbers, reported in the same run.
``kjor_til_presisjon`` adds replications until the half-width of the key figure (of the paired
difference when scenarios are compared) is below a target, or a replication or time budget is
used; replication r has the same seed whichever batch it runs in.

Bolig: the ``tjeneste`` of a placement is the housing service (``senterleilighet``, ``hdo`` …, equal to
its place type); ``tjeneste="bolig"`` in ``p90_vent`` and the yearly table means all housing types
together (``BOLIGTJENESTER``), as ``langtid`` covers somatisk and skjermet.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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


def _kjor_deler(
    scenarier: Sequence[Scenario],
    backend: Backend,
    reps: range,
    fremdrift: Callable[[int, int], None] | None = None,
) -> list[list[Utdrag]]:
    """Replications ``reps`` of every scenario (seed r of ``replikasjonsfro`` does not depend on how
    many there are in all: ``SeedSequence.spawn`` numbers its children, so adding replications later
    gives the same first ones)."""
    oppgaver = []
    for i, sc in enumerate(scenarier):
        js = reisefast(sc).model_dump_json()
        froer = replikasjonsfro(sc.seed, reps.stop)
        for r in reps:
            oppgaver.append(Oppgave(js, i, r, froer[r]))
    ut = backend.kjor(oppgaver, fremdrift)
    return [sorted((d for nr, d in ut if nr == i), key=lambda d: d.rep) for i in range(len(scenarier))]


def reisefast(sc: Scenario) -> Scenario:
    """The scenario with everything it needs inside it: a population file is read here, in the client,
    and travels as text with every task (``befolkning_csv``), so a worker on another machine never
    opens the client's files. The municipality and its units come from the generator (no files)."""
    if sc.befolkningsfil is None or sc.befolkning_csv is not None:
        return sc
    from scenarier.befolkning import les_tekst

    return sc.model_copy(update={"befolkning_csv": les_tekst(Path(sc.befolkningsfil))})


def kjor(
    scenarier: Sequence[Scenario],
    backend: Backend | None = None,
    fremdrift: Callable[[int, int], None] | None = None,
) -> list[Resultat]:
    """Run all replications of all scenarios on one backend; results in scenario order."""
    backend = backend or ProsessBackend()
    t = time.perf_counter()
    deler = _kjor_deler(scenarier, backend, range(max(sc.replikasjoner for sc in scenarier)), fremdrift)
    sek = time.perf_counter() - t
    resultater = []
    for sc, d in zip(scenarier, deler, strict=True):
        res = _samle(sc, d[: sc.replikasjoner])
        res.sekunder = sek
        resultater.append(res)
    return resultater


def sammenlign(
    scenarier: Sequence[Scenario], backend: Backend | None = None, fremdrift: Callable[[int, int], None] | None = None
) -> list[Resultat]:
    """Run scenarios with common random numbers: the first scenario's seed and replications for all."""
    return kjor(_like(scenarier), backend, fremdrift)


def _like(scenarier: Sequence[Scenario]) -> list[Scenario]:
    forste = scenarier[0]
    return [sc.model_copy(update={"seed": forste.seed, "replikasjoner": forste.replikasjoner}) for sc in scenarier]


# ------------------------------------------------------------------------------------------------
# Key figures per replication, paired comparison (CRN) and precision stopping
# ------------------------------------------------------------------------------------------------

NOKKELTALL = {
    "p90_vent": ("p90 ventetid", "døgn"),
    "snitt_vent": ("snitt ventetid", "døgn"),
    "tid_paa_liste": ("snitt tid på ventelisten (Littles lov)", "døgn"),
    "ukp_dogn": ("UKP-døgn", "døgn"),
    "ukp_kostnad_nok": ("UKP-kostnad", "kr"),
    "venteliste": ("venteliste", "personer"),
    "belegg": ("belegg", "andel"),
    "akutt_avvist_andel": ("andel avviste ØHD/KØH", "andel"),
    "ektepar_splittet": ("ektepar splittet", "par"),
    "ektepar_sammen": ("ektepar sammen", "par"),
}


class Nokkelfeil(ValueError):
    """A key figure that cannot be measured (bokmål)."""


@dataclass(frozen=True)
class Nokkeltall:
    """One key figure of one year, measured per replication: ``p90_vent:langtid:2033``,
    ``snitt_vent:korttid:2030``, ``tid_paa_liste:langtid:2033``,
    ``ukp_dogn::2033``, ``venteliste:langtid:2033``, ``belegg:langtid:2033``,
    ``akutt_avvist_andel::2030``, ``ektepar_splittet::2033`` (the middle part is the service; couples are
    counted over the whole run, the year only has to lie in the horizon)."""

    navn: str
    tjeneste: str | None
    aar: int

    @classmethod
    def les(cls, tekst: str) -> Nokkeltall:
        deler = tekst.split(":")
        if len(deler) != 3 or deler[0] not in NOKKELTALL or not deler[2].isdigit():
            raise Nokkelfeil(
                f"ugyldig nøkkeltall «{tekst}»: skriv NAVN:TJENESTE:ÅR, f.eks. p90_vent:langtid:2033 eller "
                f"ukp_dogn::2033 (navn: {', '.join(NOKKELTALL)})"
            )
        return cls(deler[0], deler[1] or None, int(deler[2]))

    @property
    def andel(self) -> bool:
        return NOKKELTALL[self.navn][1] == "andel"

    @property
    def tekst(self) -> str:
        navn, enhet = NOKKELTALL[self.navn]
        tj = f" {self.tjeneste}" if self.tjeneste else ""
        if self.navn.startswith("ektepar"):  # counted over the whole run, not per year
            return f"{navn} (hele perioden, {enhet})"
        return f"{navn}{tj} i {self.aar}" + ("" if enhet == "andel" else f" ({enhet})")

    def per_rep(self, res: Resultat) -> pd.Series:
        """The figure for each replication (index rep; NaN where it cannot be measured, e.g. no
        placements of the service that year)."""
        sc = res.scenario
        if not sc.startaar <= self.aar <= sc.sluttaar:
            raise Nokkelfeil(
                f"året {self.aar} er utenfor scenariets horisont ({sc.startaar}–{sc.sluttaar}); velg et år innenfor"
            )
        reps = pd.Index(sorted(res.uker["rep"].unique()), name="rep")
        u = res.uker[res.uker["aar"] == self.aar]
        if u.empty:
            raise Nokkelfeil(f"året {self.aar} er ikke simulert (scenariet har {sc.antall_uker} uker)")
        if self.navn in ("p90_vent", "snitt_vent"):
            tj = self.tjeneste or "langtid"
            pl = res.plasseringer
            v = pl[er_tjeneste(pl["tjeneste"], tj) & (pl["start_aar"] == self.aar)].groupby("rep")["vent_dager"]
            x = v.quantile(0.9) if self.navn == "p90_vent" else v.mean()
            return x.reindex(reps)
        if self.navn == "tid_paa_liste":
            # Little's law over the year: person-days on the langtid list / persons who joined it.
            # Counts everyone on the list (also those who withdraw or are still waiting), not only the
            # placed; far less noisy than the waits of the year's placements (issue 23, benchmark ab).
            if (self.tjeneste or "langtid") != "langtid" or "tilgang_langtid" not in u:
                raise Nokkelfeil("tid_paa_liste finnes bare for langtid")
            g = u.groupby("rep")[["venteliste_langtid", "tilgang_langtid"]].sum()
            return (7.0 * g["venteliste_langtid"] / g["tilgang_langtid"].where(g["tilgang_langtid"] > 0)).reindex(reps)
        if self.navn in ("ukp_dogn", "ukp_kostnad_nok"):
            return u.groupby("rep")[self.navn].sum().reindex(reps)
        if self.navn == "akutt_avvist_andel":
            g = u.groupby("rep")[["akutt_avvist", "akutt_ankomster"]].sum()
            return (g["akutt_avvist"] / g["akutt_ankomster"].where(g["akutt_ankomster"] > 0)).reindex(reps)
        if self.navn in ("venteliste", "belegg"):
            kol = f"{self.navn}_{self.tjeneste or 'langtid'}"
            if kol not in u:
                raise Nokkelfeil(f"ukjent tjeneste for {self.navn}: «{self.tjeneste}»")
            return u.groupby("rep")[kol].mean().reindex(reps)
        til = "splittet" if self.navn == "ektepar_splittet" else "sammen"
        f = res.flyt[(res.flyt["fra"] == "ektepar") & (res.flyt["til"] == til)]
        return f.groupby("rep")["antall"].sum().reindex(reps).fillna(0.0)

    def ki(self, res: Resultat) -> tuple[float, float, float]:
        x = self.per_rep(res).to_numpy()
        if np.all(np.isnan(x)):
            raise Nokkelfeil(f"{self.tekst}: ingen replikasjon har en verdi (f.eks. ingen plasseringer det året)")
        return ki(x, nedre=0.0, ovre=1.0 if self.andel else None)


@dataclass
class Parvis:
    """B − A per replication (common random numbers) with its 95 % interval, next to what an unpaired
    comparison (independent runs, Welch) of the same replications would give."""

    nokkel: Nokkeltall
    a: tuple[float, float, float]
    b: tuple[float, float, float]
    diff: tuple[float, float, float]
    uparet: tuple[float, float, float]
    replikasjoner: int
    navn_a: str = "A"
    navn_b: str = "B"

    @property
    def halvbredde(self) -> float:
        return (self.diff[2] - self.diff[1]) / 2

    @property
    def uparet_halvbredde(self) -> float:
        return (self.uparet[2] - self.uparet[1]) / 2

    def setning(self) -> str:
        """«B gir 12 (8–16) færre dager p90 ventetid langtid i 2033 enn A» (bokmål, Norwegian numbers);
        says so when the interval contains 0."""
        from scenarier.rapport import tall

        m, lo, hi = self.diff
        ned = m < 0
        # In the words of the sentence («færre»/«lavere» when B is lower): flip the interval with it.
        x, a_, b_ = (-m, -hi, -lo) if ned else (m, lo, hi)
        andel = self.nokkel.andel
        skala = 100.0 if andel else 1.0
        des = 1 if andel or abs(x) < 10 else 0
        tj = self.nokkel.tjeneste or ""
        faerre, lavere = ("færre", "lavere") if ned else ("flere", "høyere")
        ting = {
            "p90_vent": f"{faerre} dager p90 ventetid {tj}",
            "snitt_vent": f"{faerre} dager snitt ventetid {tj}",
            "tid_paa_liste": f"{faerre} dager snitt tid på ventelisten for {tj} (Littles lov: personer som venter / "
            "nye på listen)",
            "ukp_dogn": f"{faerre} UKP-døgn",
            "ukp_kostnad_nok": f"kr {lavere} UKP-kostnad",
            "venteliste": f"{faerre} personer på ventelisten for {tj}",
            "belegg": f"prosentpoeng {lavere} belegg {tj}",
            "akutt_avvist_andel": f"prosentpoeng {lavere} andel avviste ØHD/KØH",
            "ektepar_splittet": f"{faerre} ektepar splittet",
            "ektepar_sammen": f"{faerre} ektepar plassert sammen",
        }[self.nokkel.navn].replace("  ", " ")
        skille = "–" if a_ >= 0 else " til "
        intervall = f"{tall(a_ * skala, des)}{skille}{tall(b_ * skala, des)}"
        usikker = " Forskjellen er ikke sikker: intervallet inneholder 0." if lo <= 0 <= hi else ""
        return (
            f"{self.navn_b} gir {tall(x * skala, des)} ({intervall}) {ting} i {self.nokkel.aar} enn {self.navn_a} "
            f"(95 % KI for parvise differanser over {self.replikasjoner} replikasjoner med felles tilfeldige tall)."
            + usikker
        )


def parvis(a: Resultat, b: Resultat, nokkel: Nokkeltall) -> Parvis:
    """Paired comparison of two results run with the same seeds (``sammenlign``)."""
    xa, xb = nokkel.per_rep(a), nokkel.per_rep(b)
    felles = xa.index.intersection(xb.index)
    xa, xb = xa.loc[felles], xb.loc[felles]
    ok = xa.notna() & xb.notna()
    if ok.sum() < 2:
        raise Nokkelfeil(f"{nokkel.tekst}: færre enn to replikasjoner med verdi i begge scenarier")
    da, db = xa[ok].to_numpy(), xb[ok].to_numpy()
    d = db - da
    n = len(d)
    ovre = 1.0 if nokkel.andel else None
    # Unpaired: Welch's interval for the difference of two independent means.
    va, vb = da.var(ddof=1) / n, db.var(ddof=1) / n
    se = math.sqrt(va + vb)
    df = (va + vb) ** 2 / ((va**2 + vb**2) / (n - 1)) if se > 0 else n - 1
    h = float(stats.t.ppf(0.975, df)) * se
    m = float(d.mean())
    return Parvis(
        nokkel,
        ki(da, nedre=0.0, ovre=ovre),
        ki(db, nedre=0.0, ovre=ovre),
        ki(d),
        (m, m - h, m + h),
        n,
        a.scenario.navn,
        b.scenario.navn,
    )


@dataclass
class Presisjonssvar:
    resultater: list[Resultat]
    replikasjoner: int
    halvbredde: float
    maal: float
    naadd: bool
    historikk: list[tuple[int, float]]


def kjor_til_presisjon(
    scenarier: Sequence[Scenario],
    nokkel: Nokkeltall,
    halvbredde: float,
    backend: Backend | None = None,
    start: int = 4,
    steg: int | None = None,
    maks: int | None = None,
    logg: Callable[[str], None] | None = None,
    maks_sekunder: float | None = None,
) -> Presisjonssvar:
    """Add replications (common random numbers: the same seeds for every scenario) until the 95 %
    half-width of ``nokkel`` is at most ``halvbredde`` — of the paired difference B − A when two or
    more scenarios are compared (the first two), else of the level — or ``maks`` replications
    (default the scenario's ``replikasjoner``) are run, or — with ``maks_sekunder`` — until the next
    batch would end after that wall time (projected from the slowest batch so far, per replication).
    Replication r is the same whichever batch it runs in, so the answer equals a fixed run of the
    reported number of replications."""
    backend = backend or ProsessBackend()
    scs = _like(scenarier)
    maks = maks or scs[0].replikasjoner
    steg = steg or start
    deler: list[list[Utdrag]] = [[] for _ in scs]
    historikk: list[tuple[int, float]] = []
    n = 0
    per_rep = 0.0
    t = time.perf_counter()
    while True:
        neste = min(maks, max(n + 1, start if n == 0 else n + steg))
        t_runde = time.perf_counter()
        for i, d in enumerate(_kjor_deler(scs, backend, range(n, neste))):
            deler[i].extend(d)
        per_rep = max(per_rep, (time.perf_counter() - t_runde) / (neste - n))
        n = neste
        res = [_samle(sc.model_copy(update={"replikasjoner": n}), d) for sc, d in zip(scs, deler, strict=True)]
        if len(res) >= 2:
            hb = parvis(res[0], res[1], nokkel).halvbredde
        else:
            _m, lo, hi = nokkel.ki(res[0])
            hb = (hi - lo) / 2
        historikk.append((n, hb))
        if logg:
            logg(f"{n} replikasjoner: halvbredde {hb:.2f} (mål {halvbredde:.2f})".replace(".", ","))
        brukt = time.perf_counter() - t
        neste_steg = min(maks, n + steg) - n
        # The slowest batch so far (per replication) projects the next one: later batches are not
        # faster, and the machine's speed drifts.
        for_sent = maks_sekunder is not None and brukt + per_rep * neste_steg > maks_sekunder
        if hb <= halvbredde or n >= maks or for_sent:
            sek = time.perf_counter() - t
            for r in res:
                r.sekunder = sek
            return Presisjonssvar(res, n, hb, halvbredde, hb <= halvbredde, historikk)
