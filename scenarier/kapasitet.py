"""Capacity search: the smallest number of extra places of a type (a new unit at a named institution
from the start year, or from ``fra_aar``) such that the 90th percentile wait to placement for the
service stays ≤ ``maks_dager`` in year ``aar``. Housing types (omsorgsboliger: senterleilighet, HDO …)
are searched on the wait for that housing service. For housing, ask for a year after the new flats
open and use several replications: new flats are first let to today's waiting list (people who have
already waited long), so in the opening year the p90 wait *of those placed* can rise with more flats
(the criterion is not monotone there), and few flats turn over per year, so the p90 is noisy.

Every candidate number is run with the **same** replication seeds (common random numbers), so the
comparison between two candidates is not blurred by different arrivals. Bisection over the integer
number of places assumes the p90 wait falls (weakly) as places are added; the criterion is the mean
over replications of the per-replication p90 (its 95 % CI is reported with the answer). The search
first doubles an upper bound from ``start`` until the criterion holds (at most ``maks_plasser``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from modeller.kodeverk import Plasstype
from scenarier.dask_backend import Backend
from scenarier.montecarlo import kjor
from scenarier.scenariofil import Kapasitetsendring, Scenario

TJENESTE_FOR = {
    Plasstype.LANGTID_SOMATISK: "langtid",
    Plasstype.LANGTID_SKJERMET: "langtid",
    Plasstype.KORTTID: "korttid",
    Plasstype.AVLASTNING: "avlastning",
}


@dataclass
class Kapasitetssvar:
    plasser: int | None
    p90: float
    ki: tuple[float, float]
    proevd: dict[int, tuple[float, float, float]] = field(default_factory=dict)


def med_ekstra(sc: Scenario, institusjon: str, plasstype: Plasstype, n: int, fra_aar: int | None = None) -> Scenario:
    if n == 0:
        return sc
    endring = Kapasitetsendring(
        fra_aar=fra_aar or sc.startaar, institusjon=institusjon, plasstype=plasstype, endring=n,
        enhetsnavn=f"Kapasitetssøk: +{n} {plasstype.value}",
    )  # fmt: skip
    return sc.model_copy(update={"kapasitetsplan": (*sc.kapasitetsplan, endring)})


def finn_kapasitet(
    sc: Scenario,
    institusjon: str,
    plasstype: Plasstype,
    aar: int,
    maks_dager: float,
    backend: Backend | None = None,
    fra_aar: int | None = None,
    start: int = 4,
    maks_plasser: int = 512,
    logg: Callable[[str], None] | None = None,
) -> Kapasitetssvar:
    tj = TJENESTE_FOR.get(plasstype, plasstype.value if plasstype.er_bolig else None)
    if tj is None:
        raise ValueError(f"kapasitetssøk støtter ikke plasstypen {plasstype.value}")
    proevd: dict[int, tuple[float, float, float]] = {}

    def p90(n: int) -> float:
        if n not in proevd:
            res = kjor([med_ekstra(sc, institusjon, plasstype, n, fra_aar)], backend)[0]
            proevd[n] = res.p90_vent(tj, aar)
            if logg:
                m, lo, hi = proevd[n]
                logg(f"+{n} plasser: p90 ventetid {tj} i {aar} = {m:.1f} døgn (95 % KI {lo:.1f}–{hi:.1f})")
        v = proevd[n][0]
        return 0.0 if v != v else v  # no placements that year: no wait measured

    if p90(0) <= maks_dager:
        return Kapasitetssvar(0, *_svar(proevd[0]), proevd)
    lo, hi = 0, max(1, start)
    while p90(hi) > maks_dager:
        lo, hi = hi, hi * 2
        if hi > maks_plasser:
            return Kapasitetssvar(None, *_svar(proevd[lo]), proevd)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if p90(mid) <= maks_dager:
            hi = mid
        else:
            lo = mid
    return Kapasitetssvar(hi, *_svar(proevd[hi]), proevd)


def _svar(x: tuple[float, float, float]) -> tuple[float, tuple[float, float]]:
    return x[0], (x[1], x[2])
