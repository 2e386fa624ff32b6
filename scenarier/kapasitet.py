"""Capacity search.

**Waits** (``finn_kapasitet``): the smallest number of extra places of a type (a new unit at a named
institution from the start year, or from ``fra_aar``) such that the 90th percentile wait to placement
for the service stays ≤ ``maks_dager`` in year ``aar``. Housing types (omsorgsboliger: senterleilighet,
HDO …) are searched on the wait for that housing service. For housing, ask for a year after the new
flats open and use several replications: new flats are first let to today's waiting list (people who
have already waited long), so in the opening year the p90 wait *of those placed* can rise with more
flats (the criterion is not monotone there), and few flats turn over per year, so the p90 is noisy.

**Refusals** (``finn_akuttkapasitet``, ØHD/KØH): the fewest beds of the type at the institution (today's
beds ± a change from the start year) such that the share of refused requests in year ``aar`` is
≤ ``maks_avvist``, cross-checked against Erlang B on the same arrival rate (the simulated requests per
day in that year) and mean stay: ØHD/KØH is a loss system, so Erlang B is exact for it
(``scenarier.simulering``). The refusal share is that of all the municipality's akutt units (each
bundled municipality has one).

Every candidate is run with the **same** replication seeds (common random numbers), so the comparison
between two candidates is not blurred by different arrivals, and only up to year ``aar`` (later years
cannot change it). Bisection over the integer number of places assumes the criterion falls (weakly)
as places are added; the criterion is the mean over replications, reported with its 95 % interval
(``montecarlo.ki``: never below 0). **The answer is only as good as that interval**: when the
interval at the answer, or at one place fewer, reaches across the limit, neighbouring capacities
cannot be told apart with these replications, and the answer carries a loud warning
(``Kapasitetssvar.advarsel``; the CLI prints it and exits with code 3) — run more replications.
A year outside the scenario's horizon, a year that is not simulated, or a year with no placements of
the service is an error in bokmål (``Kapasitetsfeil``), never «0 places».
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from modeller.kodeverk import Familie, Plasstype
from scenarier.behov import erlang_b
from scenarier.dask_backend import Backend
from scenarier.montecarlo import Nokkeltall, Resultat, kjor
from scenarier.scenariofil import Kapasitetsendring, Scenario

TJENESTE_FOR = {
    Plasstype.LANGTID_SOMATISK: "langtid",
    Plasstype.LANGTID_SKJERMET: "langtid",
    Plasstype.KORTTID: "korttid",
    Plasstype.AVLASTNING: "avlastning",
}


class Kapasitetsfeil(ValueError):
    """A capacity search that cannot give an answer (bokmål)."""


@dataclass
class Kapasitetssvar:
    plasser: int | None
    p90: float
    ki: tuple[float, float]
    proevd: dict[int, tuple[float, float, float]] = field(default_factory=dict)
    advarsel: str | None = None
    replikasjoner: int = 0


@dataclass
class Akuttsvar:
    senger: int | None  # total beds of the type at the institution
    avvist: tuple[float, float, float]  # refusal share at the answer (mean, 95 % interval)
    erlang_senger: int  # fewest beds by Erlang B on the same arrival rate and stay
    erlang_avvist: float  # B(senger, a) at the answer
    ankomster_per_dag: float
    middel_liggetid: float
    proevd: dict[int, tuple[float, float, float]] = field(default_factory=dict)
    advarsel: str | None = None
    replikasjoner: int = 0
    dagens_senger: int = 0


def med_ekstra(sc: Scenario, institusjon: str, plasstype: Plasstype, n: int, fra_aar: int | None = None) -> Scenario:
    if n == 0:
        return sc
    endring = Kapasitetsendring(
        fra_aar=fra_aar or sc.startaar, institusjon=institusjon, plasstype=plasstype, endring=n,
        enhetsnavn=f"Kapasitetssøk: {n:+d} {plasstype.value}",
    )  # fmt: skip
    return sc.model_copy(update={"kapasitetsplan": (*sc.kapasitetsplan, endring)})


def sjekk_aar(sc: Scenario, aar: int) -> str | None:
    """Raise ``Kapasitetsfeil`` if ``aar`` is outside the horizon or not simulated; returns a note when
    the year is only partly simulated."""
    if not sc.startaar <= aar <= sc.sluttaar:
        raise Kapasitetsfeil(
            f"året {aar} er utenfor scenariets horisont ({sc.startaar}–{sc.sluttaar}); velg et år innenfor"
        )
    d = date(sc.startaar, 1, 1)
    start = d + timedelta(days=(7 - d.weekday()) % 7)
    slutt = start + timedelta(days=7 * sc.antall_uker)  # first day not simulated
    fra, til = max(start, date(aar, 1, 1)), min(slutt, date(aar + 1, 1, 1))
    dager = (til - fra).days
    if dager <= 0:
        raise Kapasitetsfeil(f"året {aar} er ikke simulert (scenariet har {sc.antall_uker} uker fra {start:%d.%m.%Y})")
    if dager < 365:
        return f"året {aar} er bare delvis simulert ({dager} av {(date(aar + 1, 1, 1) - date(aar, 1, 1)).days} dager)"
    return None


def _til_aar(sc: Scenario, aar: int) -> Scenario:
    """The scenario cut after ``aar`` (later years cannot change the criterion)."""
    return sc if sc.uker is not None else sc.model_copy(update={"sluttaar": aar})


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
    simuler: Callable[[list[Scenario], Backend | None], list[Resultat]] = kjor,
) -> Kapasitetssvar:
    """``simuler`` runs the scenarios (``montecarlo.kjor``; tests pass a stand-in)."""
    tj = TJENESTE_FOR.get(plasstype, plasstype.value if plasstype.er_bolig else None)
    if tj is None:
        raise Kapasitetsfeil(
            f"kapasitetssøk på ventetid støtter ikke plasstypen {plasstype.value}; for ØHD/KØH søkes det på andelen "
            "avviste (finn_akuttkapasitet, --maks-avvist)"
        )
    delvis = sjekk_aar(sc, aar)
    sc = _til_aar(sc, aar)
    proevd: dict[int, tuple[float, float, float]] = {}

    def p90(n: int) -> float:
        if n not in proevd:
            res = simuler([med_ekstra(sc, institusjon, plasstype, n, fra_aar)], backend)[0]
            proevd[n] = res.p90_vent(tj, aar)
            if logg:
                m, lo, hi = proevd[n]
                logg(f"+{n} plasser: p90 ventetid {tj} i {aar} = {m:.1f} døgn (95 % KI {lo:.1f}–{hi:.1f})")
        v = proevd[n][0]
        if v != v:
            raise Kapasitetsfeil(
                f"ingen plasseringer av {tj} i {aar} med +{n} plasser: ventetiden kan ikke måles det året "
                "(velg et annet år eller flere replikasjoner)"
            )
        return v

    if p90(0) <= maks_dager:
        return _med_advarsel(Kapasitetssvar(0, *_svar(proevd[0]), proevd), None, maks_dager, delvis, sc)
    lo, hi = 0, max(1, start)
    while p90(hi) > maks_dager:
        lo, hi = hi, hi * 2
        if hi > maks_plasser:
            return Kapasitetssvar(None, *_svar(proevd[lo]), proevd, replikasjoner=sc.replikasjoner)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if p90(mid) <= maks_dager:
            hi = mid
        else:
            lo = mid
    return _med_advarsel(Kapasitetssvar(hi, *_svar(proevd[hi]), proevd), hi - 1, maks_dager, delvis, sc)


def _med_advarsel(
    svar: Kapasitetssvar, nabo: int | None, maks: float, delvis: str | None, sc: Scenario
) -> Kapasitetssvar:
    """Warn when the interval at the answer or at one place fewer reaches across the limit."""
    svar.replikasjoner = sc.replikasjoner
    grunner = []
    assert svar.plasser is not None
    _, lo, hi = svar.proevd[svar.plasser]
    if hi > maks:
        grunner.append(f"intervallet ved svaret ({lo:.1f}–{hi:.1f} døgn) går over grensen {maks:g} døgn")
    if nabo is not None and nabo >= 0:
        if nabo not in svar.proevd:
            grunner.append(f"{nabo} plasser er ikke prøvd, så naboen kan ikke skilles ut")
        else:
            _, nlo, nhi = svar.proevd[nabo]
            if nlo <= maks:
                grunner.append(
                    f"med {nabo} plasser går intervallet ({nlo:.1f}–{nhi:.1f} døgn) under grensen {maks:g} døgn"
                )
    if sc.replikasjoner < 3:
        grunner.append(f"bare {sc.replikasjoner} replikasjon(er)")
    if grunner or delvis:
        tekst = []
        if grunner:
            tekst.append(
                "USIKKERT SVAR: nabokapasitetene kan ikke skilles fra hverandre med disse replikasjonene ("
                + "; ".join(grunner)
                + "). Kjør flere replikasjoner (--replikasjoner) før svaret brukes."
            )
        if delvis:
            tekst.append(f"Merk: {delvis}.")
        svar.advarsel = " ".join(tekst)
    return svar


def _svar(x: tuple[float, float, float]) -> tuple[float, tuple[float, float]]:
    return x[0], (x[1], x[2])


def dagens_akuttsenger(sc: Scenario, institusjon: str, plasstype: Plasstype) -> tuple[str, int]:
    """(institution id, today's beds of the type there) from the municipality template."""
    from modeller.generator import generer_sak

    mal = generer_sak(sc.kommune, seed=0)
    if plasstype not in mal.kommune.regelprofil.plasstyper:
        raise Kapasitetsfeil(
            f"plasstypen {plasstype.value} finnes ikke i regelprofilen til {sc.kommune} "
            f"(ØHD i Sandefjord, KØH i Tvedestrand)"
        )
    inst = {i.id: i.id for i in mal.institusjoner} | {i.navn.lower(): i.id for i in mal.institusjoner}
    iid = inst.get(institusjon) or inst.get(institusjon.lower())
    if iid is None:
        raise Kapasitetsfeil(f"ukjent institusjon «{institusjon}»; kjente er {', '.join(sorted(set(inst.values())))}")
    return iid, sum(e.kapasitet for e in mal.enheter if e.institusjon_id == iid and e.plasstype is plasstype)


def erlang_minste(a: float, maks_avvist: float, maks: int = 10_000) -> int:
    """Fewest beds c with B(c, a) ≤ maks_avvist."""
    c = 1
    while erlang_b(c, a) > maks_avvist and c < maks:
        c += 1
    return c


def finn_akuttkapasitet(
    sc: Scenario,
    institusjon: str,
    plasstype: Plasstype,
    aar: int,
    maks_avvist: float,
    backend: Backend | None = None,
    maks_senger: int = 60,
    logg: Callable[[str], None] | None = None,
) -> Akuttsvar:
    """Fewest ØHD/KØH beds at ``institusjon`` with refusal share ≤ ``maks_avvist`` (0–1) in ``aar``."""
    if plasstype.familie is not Familie.AKUTT:
        raise Kapasitetsfeil(f"søk på andel avviste gjelder ØHD/KØH, ikke {plasstype.value}")
    if not 0 < maks_avvist < 1:
        raise Kapasitetsfeil("høyeste andel avviste må være mellom 0 og 100 %")
    delvis = sjekk_aar(sc, aar)
    sc = _til_aar(sc, aar)
    iid, c0 = dagens_akuttsenger(sc, institusjon, plasstype)
    if c0 == 0:
        raise Kapasitetsfeil(f"{institusjon} har ingen {plasstype.value}-senger i dag; velg institusjonen som har dem")
    nokkel = Nokkeltall("akutt_avvist_andel", None, aar)
    proevd: dict[int, tuple[float, float, float]] = {}
    ankomster: list[float] = []

    def avvist(c: int) -> float:
        if c not in proevd:
            res = kjor([med_ekstra(sc, iid, plasstype, c - c0)], backend)[0]
            proevd[c] = nokkel.ki(res)
            u = res.uker[res.uker["aar"] == aar]
            ankomster.append(float(u["akutt_ankomster"].sum() / res.uker["rep"].nunique() / (7 * u["uke"].nunique())))
            if logg:
                m, lo, hi = proevd[c]
                logg(f"{c} senger: avvist i {aar} = {100 * m:.1f} % (95 % KI {100 * lo:.1f}–{100 * hi:.1f} %)")
        return proevd[c][0]

    lo, hi = 0, c0
    while avvist(hi) > maks_avvist:
        lo, hi = hi, hi * 2
        if hi > maks_senger:
            raise Kapasitetsfeil(f"fant ingen løsning med opptil {maks_senger} senger")
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if avvist(mid) <= maks_avvist:
            hi = mid
        else:
            lo = mid
    lam = ankomster[0]  # the same requests in every candidate (common random numbers)
    el = sc.liggetid.akutt_middel()
    c_erl = erlang_minste(lam * el, maks_avvist)
    svar = Akuttsvar(
        hi, proevd[hi], c_erl, erlang_b(hi, lam * el), lam, el, proevd, replikasjoner=sc.replikasjoner, dagens_senger=c0
    )
    grunner = []
    if proevd[hi][2] > maks_avvist:
        grunner.append(f"intervallet ved svaret når {100 * proevd[hi][2]:.1f} %, over grensen")
    if hi - 1 in proevd and proevd[hi - 1][1] <= maks_avvist:
        grunner.append(f"med {hi - 1} senger går intervallet ned til {100 * proevd[hi - 1][1]:.1f} %, under grensen")
    if abs(c_erl - hi) > 1:
        grunner.append(f"Erlang B gir {c_erl} senger på samme ankomstrate og liggetid")
    tekst = []
    if grunner:
        tekst.append(
            "USIKKERT SVAR: " + "; ".join(grunner) + ". Kjør flere replikasjoner (--replikasjoner) før svaret brukes."
        )
    if delvis:
        tekst.append(f"Merk: {delvis}.")
    svar.advarsel = " ".join(tekst) or None
    return svar
