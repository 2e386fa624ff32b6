"""Solve a case: eligibility → priority → one model per place family → lexicographic levels →
result with status, objective per level, best bound and gap.

Per family (``loes_familie``), why this is exact and fast:
0. No competition (``_uten_konkurranse``): when greedy in priority order gives every søker one of
   its most valuable candidates, it reaches the Lagrangian bound «room for all» (multipliers 0 on
   capacity) and is optimal without an LP. Most weekly korttid/avlastning/akutt families are this.
   In a family without couples, locks, movers or two-room flats the matrix model is not even
   built for it (``_uten_konkurranse_direkte``): its rows are then only «one place per søker»,
   class flows and capacity per unit and day, which are checked on the placements directly.
1. The LP relaxation of the family's matrix model is solved by HiGHS. Its bound is certified by
   us (``lp``): if the simplex vertex is integral and within 1 of the bound, it is optimal — no
   search. A large langtid LP is sifted from the columns a min-cost flow prices at ≥ 0
   (``flyt``); the LP is still the proof. The four levels are one combined objective when it
   fits double precision and the family has at most ``TOSTEG_FRA`` columns; otherwise (or when
   the combined vertex is fractional) level 1 is solved first and the later levels on the face
   its reduced costs and duals leave.
   An LP vertex counts only after it has been checked against every row of the model.
2. Only when no LP proves the optimum does CP-SAT run, on the same matrix, with the columns
   and rows the relaxation already fixes removed, from the best start known (LP or greedy); if
   its time runs out with something worse than that start, the start is returned.
Families are independent except for korttid beds freed by placements in langtid/bolig, so they
are solved in ``SOLVE_ORDER``. A level with no terms (no couples, preferences, movers) reports 0.

Determinism: with ``deterministisk=True`` (the default) CP-SAT runs one worker with a fixed
seed, HiGHS runs single-threaded with a fixed seed, and the input is put in canonical order
(søkere and units sorted by id), so the same input and seed give the same result on the same
machine whatever the order of the input rows. With several CP-SAT workers the *objective* of a
proven optimum is the same, but which of several equally good solutions is returned may vary.
The marginal values and couple costs are re-solved in ``Loserparametre.traader`` threads over a
fixed split of the units and couples (``_i_deler``), so the thread count changes nothing.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import numpy as np
from ortools.sat.python import cp_model

from allokering import flyt
from allokering.kandidater import SOLVE_ORDER, Delproblem, Ektepar, Plassering, bygg_delproblem, saksindeks
from allokering.lp import Basisforskyvning, Lp, heltall_verdi, lag_basis, redusert_kost_fiksering
from allokering.modell import INF, NIVAER, Matrisemodell, bygg_modell, leksikografiske_vekter, til_cpsat
from allokering.prioritet import Prioritet, prioriter_alle
from allokering.referanse import gradig, gradig_beste, som_vektor
from allokering.regler import Kvalifisering, kvalifiser_alle
from modeller.kodeverk import Familie, Laastype
from modeller.minne import faerre_gc_runder
from modeller.sak import Sak


class Laaskonflikt(Exception):
    """The locks cannot all hold at once. ``laaser`` names the ones that conflict."""

    def __init__(self, familie: Familie, laaser: list[tuple[str, str]], melding: str):
        self.familie = familie
        self.laaser = laaser
        super().__init__(melding)


class Ugyldiglaas(Exception):
    """A lock that the rules forbid (the søker is not eligible for the unit)."""


class Avbrutt(Exception):
    """The solve was stopped on request (``Fremdrift.avbryt``)."""


class Fremdrift:
    """What the engine tells an observer while it works, and how the observer stops it.

    Subclass and override what you need (the API's jobs do: progress, best-so-far, stop). The
    engine calls ``avbryt`` before each family and each extra computation and raises
    ``Avbrutt`` when it returns True; ``cpsat`` hands over each CP-SAT solver before it
    searches, so another thread can call its ``stop_search()``. Methods run in the solving
    thread and must be quick."""

    def avbryt(self) -> bool:
        return False

    def cpsat(self, solver: cp_model.CpSolver) -> None:
        """A CP-SAT solver is about to search."""

    def familie_ferdig(self, familie: Familie, status: str, nivaaer: list[Nivaaresultat]) -> None:
        """A place family of the main solve is done."""

    def tillegg_startet(self, hva: str) -> None:
        """One extra computation begins: «marginalverdi» (one unit) or «ektepar» (one split couple)."""


def _sjekk_avbrudd(fremdrift: Fremdrift | None) -> None:
    if fremdrift is not None and fremdrift.avbryt():
        raise Avbrutt("Løsingen ble avbrutt på forespørsel.")


@dataclass(frozen=True)
class Loserparametre:
    """Solver parameters: explicit arguments, never hidden globals."""

    tidsgrense_s: float = 30.0  # per family
    arbeidere: int = 1
    frø: int = 0
    deterministisk: bool = True
    marginalverdier: bool = True
    ektepar_kostnad: bool = True
    traader: int = 2  # threads for the marginal-value re-solves; the result is the same for any value


@dataclass
class Nivaaresultat:
    navn: str
    verdi: int
    grense: int
    bevist: bool


@dataclass
class Familieresultat:
    familie: Familie
    status: str
    nivaaer: list[Nivaaresultat]
    sekunder: float
    kandidater: int
    plasseringer: list[Plassering]
    metode: str = "lp"


@dataclass
class Losning:
    """Raw result of solving a case (before explanations)."""

    sak: Sak
    parametre: Loserparametre
    kvalifisering: dict[str, Kvalifisering]
    prioritet: dict[str, Prioritet]
    delproblemer: dict[Familie, Delproblem]
    familier: dict[Familie, Familieresultat]
    sekunder: float
    marginalverdi: dict[str, int] = field(default_factory=dict)
    ekstra_plass_gir: dict[str, list[str]] = field(default_factory=dict)  # unit → waiting søkere it would place
    ektepar_kostnad: dict[tuple[str, str], int | None] = field(default_factory=dict)
    grunnlag: dict[Familie, Lpgrunnlag] = field(default_factory=dict)  # while the couple costs run

    @property
    def status(self) -> str:
        statuser = {f.status for f in self.familier.values()}
        if not statuser or statuser == {"OPTIMAL"}:
            return "OPTIMAL"
        return "FEASIBLE"


def _solver(p: Loserparametre, tid: float) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = max(0.01, tid)
    s.parameters.num_workers = 1 if p.deterministisk else max(1, p.arbeidere)
    s.parameters.random_seed = p.frø
    return s


def _gjennomforbar(
    mm: Matrisemodell, x: np.ndarray, lo: np.ndarray | None = None, hi: np.ndarray | None = None
) -> bool:
    """Whether x satisfies every row and column bound (``lo``/``hi`` replace the row bounds)."""
    xl, xu, rlo, rhi = mm.grenser()
    if np.any(x < xl - 1e-9) or np.any(x > xu + 1e-9):
        return False
    _, indices, data = mm.csr()
    ax = np.bincount(mm.rad_av(), weights=data * x[indices], minlength=len(mm.lo))
    lo = rlo if lo is None else lo
    hi = rhi if hi is None else hi
    return bool(np.all(ax <= hi + 1e-9) and np.all(ax >= lo - 1e-9))


def _gradig_start(mm: Matrisemodell) -> np.ndarray | None:
    """The greedy solution as a start (None if it breaks a lock)."""
    x = som_vektor(mm.dp, mm.n, gradig(mm.dp).plasseringer)
    return x if _gjennomforbar(mm, x) else None


@dataclass
class Familieloesning:
    status: str  # OPTIMAL | FEASIBLE | INFEASIBLE | UNKNOWN
    nivaaer: list[Nivaaresultat]
    plasseringer: list[Plassering]
    metode: str  # "gradig" (greedy reaches the no-competition bound) | "lp" (certified LP bound) | "cp-sat"


@dataclass
class Lpgrunnlag:
    """A family's model and the simplex basis its first LP ended in (HiGHS statuses per column
    and row), kept so the couple costs reuse the model and start their LP from that basis
    instead of building and solving from scratch (measured on oslo-stress: 2.7 → 0.6 s).
    Not for the marginal values: their model has more candidates, and a basis carried over
    to it proved far more degenerate than a fresh solve's — the «+1» shifts then failed and
    the dual simplex wandered (measured 3× slower in all)."""

    mm: Matrisemodell
    kol: np.ndarray
    rad: np.ndarray


def loes_familie(
    dp: Delproblem,
    p: Loserparametre,
    tving_sammen: frozenset[tuple[str, str]] = frozenset(),
    bare_nivaa1: bool = False,
    tosteg: bool = False,
    fremdrift: Fremdrift | None = None,
    mm: Matrisemodell | None = None,
    fangst: list[Lpgrunnlag] | None = None,
) -> Familieloesning:
    """Solve one family exactly: LP relaxation with a certified bound first; if its vertex is
    integral and within 1 of the bound, it is proven optimal without search (level 1), and the
    later levels are solved the same way on the face the reduced costs leave. Otherwise CP-SAT
    solves what the reduced costs have not fixed, from the best start known. ``fangst``, when
    given, receives the model and the basis of the LP (``Lpgrunnlag``)."""
    t0 = time.perf_counter()
    n_nivaa = 1 if bare_nivaa1 else len(NIVAER)
    if not dp.kandidater and not dp.laast_til:
        return Familieloesning("OPTIMAL", [Nivaaresultat(NIVAER[k], 0, 0, True) for k in range(n_nivaa)], [], "lp")
    # In a simple family the no-competition test is made without a model; when it fails there,
    # the same greedy and bound on the model would fail too, so it is not repeated below.
    direkte_provd = mm is None and not tosteg and not tving_sammen and _enkel(dp)
    if direkte_provd:
        direkte = _uten_konkurranse_direkte(dp, n_nivaa)
        if direkte is not None:
            return direkte
    if mm is None:  # the two-step retry reuses the model already built
        mm = bygg_modell(dp, tving_sammen)
    l1 = mm.nivaa[0]
    samlet = mm.samlet
    if not tosteg and not direkte_provd:
        uten_sok = _uten_konkurranse(mm, l1 if bare_nivaa1 else samlet)
        if uten_sok is not None:
            return _ferdig(mm, uten_sok, n_nivaa, heltall_verdi(l1, uten_sok), True, "gradig")
    # One LP for all levels when the combined objective is small enough for the certified
    # bound to be exact in double precision; otherwise level 1 first, then the later levels.
    ett_steg = not bare_nivaa1 and not tosteg and mm.n <= TOSTEG_FRA and _trygg_storrelse(samlet, len(dp.sokere))
    hoved = samlet if ett_steg else l1
    lp1 = Lp(mm, hoved, startkolonner=_sikt(mm, nivaa1=not ett_steg))
    r1 = lp1.loes()
    if fangst is not None and r1.status == "OPTIMAL":
        fangst.append(Lpgrunnlag(mm, *lp1.basisstatus()))
    if r1.status == "INFEASIBLE":
        return Familieloesning("INFEASIBLE", [], [], "lp")
    # The vertex is checked against every row before it counts: the proof rests on our own
    # Lagrangian bound and on a solution we have verified, not on the LP solver's word.
    lp_ok = r1.status == "OPTIMAL" and r1.heltallig and _gjennomforbar(mm, r1.x)
    start = r1.x if lp_ok else _gradig_start(mm)
    z = heltall_verdi(hoved, start) if start is not None else None
    grense_h = int(np.floor(r1.grense + 1e-6)) if r1.status == "OPTIMAL" else None
    bevist1 = lp_ok and z is not None and grense_h is not None and grense_h <= z
    flate = None
    if r1.status == "OPTIMAL" and z is not None:
        flate = redusert_kost_fiksering(r1, r1.grense - z, lp1)
    fast = flate.fast if flate is not None else {}
    if ett_steg:
        if bevist1 and start is not None:
            return _ferdig(mm, start, n_nivaa, heltall_verdi(l1, start), True, "lp")
        # The combined LP's vertex was fractional: level 1 alone is often integral (measured
        # on korttid in the Oslo case), so try the two-step route before any search.
        return loes_familie(dp, p, tving_sammen, bare_nivaa1, tosteg=True, fremdrift=fremdrift, mm=mm, fangst=fangst)
    grense1 = grense_h
    senere = mm.vekter[1] * mm.nivaa[1] + mm.vekter[2] * mm.nivaa[2] - mm.nivaa[3]
    if bevist1 and start is not None:
        if bare_nivaa1 or not senere.any():
            return _ferdig(mm, start, n_nivaa, z, True, "lp")
        xl = lp1.xl.copy()
        xu = lp1.xu.copy()
        for j, v in fast.items():
            xl[j] = xu[j] = v
        assert flate is not None
        r2 = Lp(mm, senere, xl, xu, flate.lo, flate.hi, startkolonner=_flatekolonner(mm, xu)).loes()
        if r2.status == "OPTIMAL" and r2.heltallig and heltall_verdi(l1, r2.x) == z and _gjennomforbar(mm, r2.x):
            if np.floor(r2.grense + 1e-6) <= heltall_verdi(senere, r2.x):
                return _ferdig(mm, r2.x, n_nivaa, z, True, "lp")
    if bevist1 and start is not None and time.perf_counter() - t0 >= p.tidsgrense_s:
        # The time is spent and level 1 is proven: building a CP-SAT model only to give it no
        # time would be waste (measured 20 s on the national-stress langtid model). The LP
        # vertex stands; the later levels are reported unproven.
        fl = _ferdig(mm, start, n_nivaa, grense1, False, "lp")
        fl.nivaaer[0] = Nivaaresultat(NIVAER[0], fl.nivaaer[0].verdi, fl.nivaaer[0].verdi, True)
        return fl
    # CP-SAT on what the relaxation has not fixed.
    mal = l1 if bare_nivaa1 else mm.samlet
    cp = til_cpsat(
        mm, fast=fast, mal=mal, lo=None if flate is None else flate.lo, hi=None if flate is None else flate.hi
    )
    if start is not None:
        for j, var in enumerate(cp.x):
            if j not in fast and j < len(dp.kandidater) + len(dp.strommer):
                cp.m.add_hint(var, round(start[j]))
    solver = _solver(p, p.tidsgrense_s - (time.perf_counter() - t0))
    if fremdrift is not None:
        _sjekk_avbrudd(fremdrift)
        fremdrift.cpsat(solver)
    status = solver.solve(cp.m)
    _sjekk_avbrudd(fremdrift)
    if status == cp_model.INFEASIBLE:
        return Familieloesning("INFEASIBLE", [], [], "cp-sat")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if start is None:
            return Familieloesning("UNKNOWN", [], [], "cp-sat")
        # Out of time before CP-SAT found anything: the best start known stands, unproven
        # (its level 1 is proven when the LP already proved it).
        g0 = _plass_til_alle(mm, l1) if grense1 is None else grense1
        fl = _ferdig(mm, start, n_nivaa, g0, False, "cp-sat")
        if bevist1 and not ett_steg:
            fl.nivaaer[0] = Nivaaresultat(NIVAER[0], fl.nivaaer[0].verdi, fl.nivaaer[0].verdi, True)
        return fl
    x = np.array([solver.value(v) for v in cp.x], dtype=np.float64)
    bevist = status == cp_model.OPTIMAL
    if not bevist and start is not None and heltall_verdi(mal, start) > heltall_verdi(mal, x):
        x = start  # out of time with a worse solution than the start: the start stands (never below greedy)
    if bevist:
        g1 = heltall_verdi(l1, x)
    else:
        cp_grense = solver.best_objective_bound
        g1 = int(cp_grense) if bare_nivaa1 else int((cp_grense + mm.vekter[2]) // mm.vekter[0])
        g1 = min(g1, _plass_til_alle(mm, l1))
        if grense1 is not None:
            g1 = min(g1, grense1)
    return _ferdig(mm, x, n_nivaa, g1, bevist, "cp-sat")


def _plass_til_alle(mm: Matrisemodell, c: np.ndarray) -> int:
    """Upper bound of c·x when every søker could have its best candidate (Lagrangian bound with
    y = 0 on capacity; a couple's joint candidate counts in full for each spouse, so the sum
    only overestimates). Valid for objectives without helper-column terms (level 1)."""
    return sum(max(0, int(c[idx].max())) for idx in mm.dp.per_soker.values() if len(idx))


def _uten_konkurranse(mm: Matrisemodell, c: np.ndarray) -> np.ndarray | None:
    """The greedy solution when it is provably optimal without an LP, else None.

    Bound: with multiplier y_s = max(0, best c_j of søker s) on each søker's «one place» row
    and 0 on every capacity row, the Lagrangian bound (see ``lp``) is Σ_s y_s — every
    søker gets the best candidate, as if there were places for all. Flow columns carry no
    objective, and without ektepar every candidate belongs to one søker and there is no
    helper column, so this is a valid upper bound. When the greedy solution is feasible in
    the model and reaches it, it is optimal for ``c`` (the combined objective: every level).
    This is the common case where places are not scarce in a family (korttid, avlastning,
    akutt in most weeks), and it costs one greedy pass instead of an LP."""
    dp = mm.dp
    nk = len(dp.kandidater)
    if dp.ektepar or nk == 0 or np.any(c[nk:] > 0):
        return None
    grense = _plass_til_alle(mm, c)
    g = gradig_beste(dp)
    if g is None:
        return None
    x = som_vektor(dp, mm.n, g.plasseringer)
    if not _gjennomforbar(mm, x) or heltall_verdi(c, x) < grense:
        return None
    return x


def _enkel(dp: Delproblem) -> bool:
    """A family whose matrix model has only «one place per søker», class-flow and capacity rows
    (no couples, locks, movers, two-room flats; every candidate one søker using one place)."""
    return (
        not dp.ektepar
        and not dp.laast_til
        and not dp.frigjoringer
        and all(k.bruk == 1 and not k.toroms and len(k.personer) == 1 for k in dp.kandidater)
    )


def _uten_konkurranse_direkte(dp: Delproblem, n_nivaa: int) -> Familieloesning | None:
    """``_uten_konkurranse`` for an ``_enkel`` family without building its matrix model (measured
    about a third of the simulator's weekly engine call). The same proof: the greedy placements
    reach the bound «room for all» of the combined objective (every søker its best candidate;
    without couples and movers a candidate is worth M1·value + M3·preference), and they satisfy
    every row the model would have — each søker at most once, each class placement on a flow
    column of the model within its maximum, and per unit and day at most max(0, free places)
    stays (the model's capacity row; rows it leaves out cannot bind). The placements are then
    matched to units exactly as a model solution would be (``Delproblem.dekomponer``)."""
    g = gradig_beste(dp)
    if g is None:
        return None
    m1, _, m3, _ = leksikografiske_vekter(dp)
    vekt = (1, 0) if n_nivaa == 1 else (m1, m3)
    beste: dict[str, int] = {}
    for k in dp.kandidater:
        s = k.personer[0]
        beste[s] = max(beste.get(s, 0), vekt[0] * k.verdi + vekt[1] * k.pref)
    valgt = [p.kandidat for p in g.plasseringer]
    if sum(vekt[0] * k.verdi + vekt[1] * k.pref for k in valgt) < sum(beste.values()):
        return None
    if len({k.personer[0] for k in valgt}) != len(valgt):
        return None
    h = dp.horisont
    belegg: dict[str, np.ndarray] = {}  # units without placements have nothing to check
    strommer = {(z.klasse, z.start, z.enhet): z.maks for z in dp.strommer}
    per_strom: dict[tuple[int, int, str], int] = defaultdict(int)
    for p in g.plasseringer:
        k = p.kandidat
        if k.enhet is None:
            nokkel = (int(k.klasse), k.start, p.enhet)  # type: ignore[arg-type]
            per_strom[nokkel] += 1
            if nokkel not in strommer or per_strom[nokkel] > strommer[nokkel]:
                return None
        elif p.enhet != k.enhet:
            return None
        rad = belegg.get(p.enhet)
        if rad is None:
            rad = belegg[p.enhet] = np.zeros(h, dtype=np.int64)
        for lo, hi in k.perioder:
            rad[lo : hi + 1] += 1
    for u, rad in belegg.items():
        if np.any(rad > np.maximum(0, np.asarray(dp.ledig[u]))):
            return None
    x = som_vektor(dp, len(dp.kandidater) + len(dp.strommer), g.plasseringer)
    verdier = [sum(k.verdi for k in valgt), 0, sum(k.pref for k in valgt), 0][:n_nivaa]
    nivaaer = [Nivaaresultat(NIVAER[i], v, v, True) for i, v in enumerate(verdier)]
    return Familieloesning("OPTIMAL", nivaaer, dp.dekomponer(x), "gradig")


TOSTEG_FRA = 300_000
"""Families with more columns than this solve level 1 first, then the later levels on its face,
without trying the combined objective. Measured on national-stress korttid (624 k columns): the
combined LP took 84 s and its vertex was fractional, so the two steps came after it anyway
(149 s in all); the two steps alone took 56 s (level 1 35 s, the face 13 s), same optimum. On
oslo-stress (korttid 116 k, bolig 30 k columns) the combined LP is integral and faster than two
steps (medians of 5, alternating: 2.25 against 2.53 s and 0.40 against 0.48 s)."""

SIKT_FRA = 20_000
"""Langtid models with more columns than this are solved by sifting (see ``lp.Lp``), from the
flow's prices at level 1 (``flyt``: oslo-stress langtid 1.4 → 0.43 s for the LP, plus 0.3 s for
the flow; national-stress 25–30 s, plus 5–7 s for the flow, where the last session measured
104 s). Sifting from each søker's best columns costs more than it saves on bolig and korttid,
which are solved whole. The later levels' LP on a face of any model this large gets only the
columns not fixed at 0 (oslo-stress langtid 0.21 → 0.07 s)."""


def _sikt(mm: Matrisemodell, nivaa1: bool = False) -> np.ndarray | None:
    """Sifting's first columns, or None: solve whole. For a level-1 LP they come from the
    prices of a min-cost flow when the family has the network's shape (``flyt``), else they
    are each søker's few best columns."""
    if mm.n <= SIKT_FRA or mm.dp.familie != Familie.LANGTID:
        return None
    fp = flyt.nivaa1_flyt(mm) if nivaa1 else None
    if fp is None:
        return _startkolonner(mm)
    return flyt.startkolonner(fp, _startkolonner(mm, per_soker=1))


def _startkolonner(mm: Matrisemodell, per_soker: int = 3) -> np.ndarray:
    """First columns for sifting: each søker's few most valuable candidates, the class flows
    they need and every helper column (couples). Pricing adds the rest that matter."""
    dp = mm.dp
    nk = len(dp.kandidater)
    valgt: set[int] = set()
    for idx in dp.per_soker.values():
        valgt.update(sorted(idx, key=lambda i: (-dp.kandidater[i].verdi, i))[:per_soker])
    for i in list(valgt):
        if i < nk and dp.kandidater[i].klasse is not None:
            k = dp.kandidater[i]
            valgt.update(nk + j for j in dp.strom_per_klasse_start.get((int(k.klasse), k.start), []))  # type: ignore[arg-type]
    valgt.update(range(nk + len(dp.strommer), mm.n))
    return np.array(sorted(valgt), dtype=np.int64)


def _flatekolonner(mm: Matrisemodell, xu: np.ndarray) -> np.ndarray | None:
    """Sifting's first columns for the later levels on a large face: every column not fixed at
    0, i.e. with an upper bound above 0 (a column left out of a sifted LP stands at 0)."""
    if mm.n <= SIKT_FRA:
        return None
    return np.flatnonzero(xu > 0)


def _trygg_storrelse(c: np.ndarray, n_sokere: int) -> bool:
    """Whether sums of up to n_sokere of these coefficients stay far inside double precision."""
    return float(np.abs(c).max(initial=0)) * max(1, n_sokere) < 1e12


def _ferdig(mm: Matrisemodell, x: np.ndarray, n_nivaa: int, grense1: int | None, bevist: bool, metode: str):  # type: ignore[no-untyped-def]
    verdier = [heltall_verdi(mm.nivaa[k], x) for k in range(n_nivaa)]
    nivaaer = [Nivaaresultat(NIVAER[0], verdier[0], verdier[0] if bevist or grense1 is None else grense1, bevist)]
    nivaaer += [Nivaaresultat(NIVAER[k], verdier[k], verdier[k], bevist) for k in range(1, n_nivaa)]
    return Familieloesning("OPTIMAL" if bevist else "FEASIBLE", nivaaer, mm.dp.dekomponer(x), metode)


def _diagnoser_laaser(dp: Delproblem, p: Loserparametre) -> list[tuple[str, str]]:
    """Reduce the locks of an infeasible family to a conflicting subset (CP-SAT assumptions)."""
    mm = bygg_modell(dp)
    cp = til_cpsat(mm, laas_som_antakelser=True)
    solver = _solver(Loserparametre(tidsgrense_s=p.tidsgrense_s, arbeidere=1, frø=p.frø), p.tidsgrense_s)
    status = solver.solve(cp.m)
    if status != cp_model.INFEASIBLE:
        return sorted(dp.laast_til.items())
    kjerne = set(solver.sufficient_assumptions_for_infeasibility())
    return sorted((s, dp.laast_til[s]) for s, lit in cp.laas_literal.items() if lit.Index() in kjerne)


def _sjekk_laaser_mot_regler(sak: Sak, kval: dict[str, Kvalifisering]) -> None:
    enheter = {e.id: e for e in sak.enheter}
    for laas in sak.laaser:
        if laas.type != Laastype.TILDEL:
            continue
        kv = kval[laas.soker_id]
        if laas.enhet_id not in kv.enheter:
            grunner = [
                f"{r.tekst_nb} ({r.seksjon})"
                for r in kv.regelutfall
                if r.status.value != "oppfylt" and r.plasstype in (None, enheter[str(laas.enhet_id)].plasstype.value)
            ]
            tekst = "; ".join(grunner) if grunner else "søkeren er ikke kvalifisert for enheten"
            raise Ugyldiglaas(
                f"Låsen som tildeler søker «{laas.soker_id}» plass på enhet «{laas.enhet_id}» strider mot "
                f"tildelingskriteriene: {tekst}"
            )


def _frigjort_etter(sak: Sak, familie: Familie, plasseringer: list[Plassering]) -> dict[str, list[int]]:
    """Free places released in *other* families' units by this family's placements
    (a søker on korttid who moves into langtid frees the korttid bed from the start day)."""
    ix = saksindeks(sak)
    opphold, sokere, enheter = ix.opphold, ix.soker, ix.enhet
    h = sak.horisont_dager
    ekstra: dict[str, list[int]] = {}
    for p in plasseringer:
        for sid in p.kandidat.personer:
            s = sokere[sid]
            if s.naverende_opphold_id is None:
                continue
            o = opphold[s.naverende_opphold_id]
            e = enheter[o.enhet_id]
            if e.plasstype.familie == familie:
                continue
            slutt = h - 1 if o.forventet_slutt is None else min(h - 1, sak.dag(o.forventet_slutt))
            rad = ekstra.setdefault(e.id, [0] * h)
            for d in range(max(0, p.kandidat.start, sak.dag(o.start)), slutt + 1):
                rad[d] += 1
    return ekstra


def loes(sak: Sak, parametre: Loserparametre | None = None, fremdrift: Fremdrift | None = None) -> Losning:
    """Solve a case. Raises Laaskonflikt or Ugyldiglaas when the locks cannot hold, and
    Avbrutt when ``fremdrift`` asks to stop."""
    with faerre_gc_runder():
        return _loes(sak, parametre, fremdrift)


def _loes(sak: Sak, parametre: Loserparametre | None, fremdrift: Fremdrift | None) -> Losning:
    p = parametre or Loserparametre()
    t0 = time.perf_counter()
    kval = kvalifiser_alle(sak)
    prio = prioriter_alle(sak)
    _sjekk_laaser_mot_regler(sak, kval)
    familier: dict[Familie, Familieresultat] = {}
    delproblemer: dict[Familie, Delproblem] = {}
    grunnlag: dict[Familie, Lpgrunnlag] = {}
    ekstra_ledig: dict[str, list[int]] = {}
    for fam in SOLVE_ORDER:
        t = time.perf_counter()
        dp = bygg_delproblem(sak, fam, kval, prio, ekstra_ledig)
        delproblemer[fam] = dp
        _sjekk_avbrudd(fremdrift)
        fangst: list[Lpgrunnlag] | None = [] if p.ektepar_kostnad and dp.ektepar else None
        fl = loes_familie(dp, p, fremdrift=fremdrift, fangst=fangst)
        if fangst:
            grunnlag[fam] = fangst[-1]
        status, nivaaer = fl.status, fl.nivaaer
        if status == "INFEASIBLE":
            konflikt = _diagnoser_laaser(dp, p)
            tekst = ", ".join(f"«{s}» → «{u}»" for s, u in konflikt)
            raise Laaskonflikt(
                fam,
                konflikt,
                f"Låsene for {fam.value} kan ikke oppfylles samtidig (for få ledige plasser): {tekst}",
            )
        if status == "UNKNOWN":
            raise RuntimeError(f"Fant ingen løsning for {fam.value} innen tidsgrensen på {p.tidsgrense_s} s")
        familier[fam] = Familieresultat(
            fam, status, nivaaer, time.perf_counter() - t, len(dp.kandidater), fl.plasseringer, fl.metode
        )
        if fremdrift is not None:
            fremdrift.familie_ferdig(fam, status, nivaaer)
        for u, rad in _frigjort_etter(sak, fam, fl.plasseringer).items():
            eks = ekstra_ledig.setdefault(u, [0] * sak.horisont_dager)
            for d, v in enumerate(rad):
                eks[d] += v
    losning = Losning(sak, p, kval, prio, delproblemer, familier, 0.0, grunnlag=grunnlag)
    if p.marginalverdier:
        _marginalverdier(losning, ekstra_ledig, fremdrift)
    if p.ektepar_kostnad:
        _ektepar_kostnad(losning, fremdrift)
    losning.grunnlag = {}  # the models are not needed any more
    losning.sekunder = time.perf_counter() - t0
    return losning


def plassert(losning: Losning) -> dict[str, Plassering]:
    """Every placed søker and the placement."""
    return {s: p for fr in losning.familier.values() for p in fr.plasseringer for s in p.kandidat.personer}


T = TypeVar("T")
R = TypeVar("R")

MARGINAL_TRAADER = 2
"""Parts the marginal-value and couple-cost re-solves are split into. HiGHS and CP-SAT release
the GIL while they solve, so two threads use the two cores (measured 1.8× on repeated korttid
LPs). The units are dealt to the parts in a fixed way (every second unit of the family's sorted
list), whatever the machine has, so each part re-solves the same units in the same order from
the same start, and the result depends neither on timing nor on ``Loserparametre.traader``
(with 1 the same parts run one after the other)."""


def _i_deler(arbeid: Callable[[list[T]], list[R]], elementer: list[T], traader: int) -> list[R]:
    """``arbeid`` on fixed parts of ``elementer`` (every ``MARGINAL_TRAADER``-th, in order), in up
    to ``traader`` threads; the results in the order of the parts. The parts do not depend on
    ``traader``, so neither does the result."""
    deler = [elementer[i::MARGINAL_TRAADER] for i in range(MARGINAL_TRAADER) if elementer[i::MARGINAL_TRAADER]]
    if len(deler) <= 1 or traader <= 1:
        return [r for d in deler for r in arbeid(d)]
    with ThreadPoolExecutor(min(len(deler), traader)) as ex:
        return [r for rs in ex.map(arbeid, deler) for r in rs]


def _marginalverdier(losning: Losning, ekstra_ledig: dict[str, list[int]], fremdrift: Fremdrift | None = None) -> None:
    """Value of one more place per unit: the level-1 gain when the unit gets one more place.

    One model per family is built with candidates for one more place everywhere
    (``kandidat_kapasitet=1``) and the real capacities in its rows; each unit's «+1» is then a
    change of that unit's row bounds. Most units' new optimum is read off the optimal basis
    of the real capacities without a re-solve (``lp.Basisforskyvning``: measured 357 of 400
    units on oslo-stress), on large models after a few dual simplex pivots from it if needed
    (the other 43 there, 1–3 pivots each); the rest get a re-solve of the level-1 LP started
    from that basis.
    Either way it is proven by the certified bound like any other solve (CP-SAT when the LP is
    not integral). A unit where nobody could use another place (everyone eligible placed from
    day 0) is worth 0 without a solve. The units are split in ``MARGINAL_TRAADER`` parts run in
    threads, each with its own LP."""
    sak = losning.sak
    har = plassert(losning)
    for fam, dp0 in losning.delproblemer.items():
        fr = losning.familier[fam]
        if not dp0.sokere:
            for u in dp0.enheter:
                losning.marginalverdi[u] = 0
            continue
        dp = bygg_delproblem(sak, fam, losning.kvalifisering, losning.prioritet, ekstra_ledig, kandidat_kapasitet=1)
        mm = bygg_modell(dp)
        # Built once here; the threads only read them.
        mm.csr()
        mm.rad_av()
        mm.grenser()
        base = fr.nivaaer[0].verdi
        rader: dict[str, list[tuple[int, int]]] = {}
        for r, art in enumerate(mm.art):
            if art.startswith("kapasitet:"):
                _, u, d = art.split(":")
                rader.setdefault(u, []).append((r, int(d)))
        medlemmer: dict[int, set[str]] = defaultdict(set)
        for k in dp.kandidater:
            if k.klasse is not None:
                medlemmer[k.klasse].add(k.personer[0])
        aktuelle: list[str] = []
        for u in dp.enheter:
            brukere = {s for i in dp.per_enhet.get(u, []) for s in dp.kandidater[i].personer}
            for kl in dp.klasser:
                if u in kl.enheter:
                    brukere |= medlemmer[kl.id]
            if any(s not in har or har[s].kandidat.start > 0 for s in brukere):
                aktuelle.append(u)
            else:
                _sjekk_avbrudd(fremdrift)
                if fremdrift is not None:
                    fremdrift.tillegg_startet("marginalverdi")
                losning.marginalverdi[u] = 0

        if not aktuelle:
            continue
        # Every unit's re-solve starts from the optimal basis of the real capacities: it then
        # only has to absorb its own unit's «+1» (measured 8× fewer simplex iterations on
        # Sandefjord than re-solving from the previous unit's basis).
        lp0 = Lp(mm, mm.nivaa[0])
        r0 = lp0.loes()
        basis = lp0.basis() if r0.status == "OPTIMAL" else None
        try:  # most units' «+1» is read off this basis without a re-solve (see Basisforskyvning)
            forskyvning = Basisforskyvning(lp0, r0, basis)
        except (ValueError, RuntimeError):  # no integral optimum, or a singular block
            forskyvning = None
        kjor_del = partial(
            _marginal_del,
            losning,
            ekstra_ledig,
            fremdrift,
            fam,
            dp,
            mm,
            rader,
            base=base,
            har=har,
            basis=basis,
            lp0=lp0,
            lp0_for=aktuelle[0],
            forskyvning=forskyvning,
        )
        for u, verdi, nye_pl in sorted(_i_deler(kjor_del, aktuelle, losning.parametre.traader), key=lambda r: r[0]):
            losning.marginalverdi[u] = verdi
            if nye_pl:
                losning.ekstra_plass_gir[u] = nye_pl


def _marginal_del(
    losning: Losning,
    ekstra_ledig: dict[str, list[int]],
    fremdrift: Fremdrift | None,
    fam: Familie,
    dp: Delproblem,
    mm: Matrisemodell,
    rader: dict[str, list[tuple[int, int]]],
    enheter: list[str],
    base: int,
    har: dict[str, Plassering],
    basis: Any = None,
    lp0: Lp | None = None,
    lp0_for: str | None = None,
    forskyvning: Basisforskyvning | None = None,
) -> list[tuple[str, int, list[str]]]:
    """Marginal values of some units of one family: read off the base basis when it stays
    optimal (``forskyvning``), else re-solved in turn on one LP of their own (``lp0`` for the
    part that starts with unit ``lp0_for``, created when first needed), each from ``basis``.
    Returns (unit, value, the waiting søkere one more place would place) per unit."""
    l1 = mm.nivaa[0]
    lp: Lp | None = lp0 if lp0 is not None and enheter and enheter[0] == lp0_for else None
    nk = len(dp.kandidater)
    ut: list[tuple[str, int, list[str]]] = []
    for u in enheter:
        _sjekk_avbrudd(fremdrift)
        if fremdrift is not None:
            fremdrift.tillegg_startet("marginalverdi")
        rr = np.array([r for r, _ in rader.get(u, [])], dtype=np.int64)
        nye = _hevet_kapasitet(mm, dp, u, rader.get(u, []))
        x = forskyvning.flytt(rr, nye) if forskyvning is not None else None
        if x is None:
            if lp is None:
                lp = Lp(mm, l1)
            gamle = lp.hi[rr].copy()
            if basis is not None:
                lp.sett_basis(basis)
            if rr.size:
                lp.sett_radgrense(rr, nye)
            r1 = lp.loes()
            godtatt = (  # checked against the raised rows, before they are put back
                r1.status == "OPTIMAL"
                and r1.heltallig
                and np.floor(r1.grense + 1e-6) <= heltall_verdi(l1, r1.x)
                and _gjennomforbar(mm, r1.x, lo=lp.lo, hi=lp.hi)
            )
            if rr.size:
                lp.sett_radgrense(rr, gamle)
            x = r1.x if godtatt else None
        if x is not None:
            ny_verdi = heltall_verdi(l1, x)
            nye_pl = {s for i in np.flatnonzero(x[:nk] > 0.5) for s in dp.kandidater[i].personer} - set(har)
        else:
            dp1 = bygg_delproblem(
                losning.sak, fam, losning.kvalifisering, losning.prioritet, ekstra_ledig, ekstra_kapasitet={u: 1}
            )
            fl = loes_familie(dp1, losning.parametre, bare_nivaa1=True, fremdrift=fremdrift)
            if fl.status not in ("OPTIMAL", "FEASIBLE"):
                ut.append((u, 0, []))
                continue
            ny_verdi = fl.nivaaer[0].verdi
            nye_pl = {s for p in fl.plasseringer for s in p.kandidat.personer} - set(har)
        ut.append((u, max(0, ny_verdi - base), sorted(nye_pl) if ny_verdi > base else []))
    return ut


def _hevet_kapasitet(mm: Matrisemodell, dp: Delproblem, u: str, rader: list[tuple[int, int]]) -> np.ndarray:
    """Upper bounds of unit u's capacity rows with one more place: as the model builds them
    (``modell.kapasitet_per_enhet_og_dag``) with free places + 1 — the free count itself when
    the row also holds releases (negative terms), else at least 0."""
    if not rader:
        return np.zeros(0)
    indptr, _, data = mm.csr()
    ut = []
    for r, d in rader:
        fri = dp.ledig[u][d] + 1
        ut.append(fri if np.any(data[indptr[r] : indptr[r + 1]] < 0) else max(0, fri))
    return np.asarray(ut, dtype=np.float64)


def _ektepar_kostnad(losning: Losning, fremdrift: Fremdrift | None = None) -> None:
    """For every couple split although both qualify and wish to live together: what keeping
    them together would have cost others at level 1 (None: impossible). One level-1 LP per
    family; each couple switches on its «together» row and re-solves warm, proven by the
    certified bound like any solve (CP-SAT with the couple forced when the LP is fractional).
    The couples are re-solved in threads like the marginal values (``_i_deler``)."""
    har = plassert(losning)
    for fam, dp in losning.delproblemer.items():
        fr = losning.familier[fam]
        delt = []
        for par in dp.ektepar:
            pa, pb = har.get(par.a), har.get(par.b)
            if pa is None and pb is None:
                continue
            if pa is not None and pb is not None and dp.institusjon[pa.enhet] == dp.institusjon[pb.enhet]:
                continue
            delt.append(par)
        if not delt:
            continue
        g = losning.grunnlag.get(fam)
        # The family's own model (no couple forced) when the solve kept it, with its LP basis.
        mm = g.mm if g is not None else bygg_modell(dp)
        # Built once here; the threads only read them.
        mm.csr()
        mm.rad_av()
        mm.grenser()
        start = lag_basis(g.kol, g.rad) if g is not None else None
        arbeid = partial(_ektepar_del, losning, fremdrift, dp, mm, fr.nivaaer[0].verdi, start)
        kost = dict(_i_deler(arbeid, delt, losning.parametre.traader))
        for par in delt:
            losning.ektepar_kostnad[(par.a, par.b)] = kost[par]


def _ektepar_del(
    losning: Losning,
    fremdrift: Fremdrift | None,
    dp: Delproblem,
    mm: Matrisemodell,
    base: int,
    start: Any,
    delt: list[Ektepar],
) -> list[tuple[Ektepar, int | None]]:
    """Couple costs of some split couples of one family, re-solved in turn on one LP of their
    own. With ``start`` (the basis of the family's solve) the LP is solved whole from it first,
    and every couple's re-solve starts from that optimum; without, by sifting from scratch and
    each from the previous couple's basis."""
    l1 = mm.nivaa[0]
    lp = Lp(mm, l1, startkolonner=None if start is not None else _sikt(mm))
    basis = None
    if start is not None:
        lp.sett_basis(start)
        if lp.loes().status == "OPTIMAL":
            basis = lp.basis()
    ut: list[tuple[Ektepar, int | None]] = []
    for par in delt:
        if basis is not None:
            lp.sett_basis(basis)
        _sjekk_avbrudd(fremdrift)
        if fremdrift is not None:
            fremdrift.tillegg_startet("ektepar")
        rad = mm.tving_rad[(par.a, par.b)]
        lp.sett_rad(rad, 1, 1)
        r = lp.loes()
        godtatt = (  # checked with the couple's row forced, before it is released
            r.status == "OPTIMAL"
            and r.heltallig
            and np.floor(r.grense + 1e-6) <= heltall_verdi(l1, r.x)
            and _gjennomforbar(mm, r.x, lo=lp.lo, hi=lp.hi)
        )
        lp.sett_rad(rad, -INF, INF)
        if r.status == "INFEASIBLE":
            ut.append((par, None))
        elif godtatt:
            ut.append((par, base - heltall_verdi(l1, r.x)))
        else:
            fl = loes_familie(
                dp, losning.parametre, tving_sammen=frozenset({(par.a, par.b)}), bare_nivaa1=True, fremdrift=fremdrift
            )
            ok = fl.status in ("OPTIMAL", "FEASIBLE") and fl.nivaaer
            ut.append((par, base - fl.nivaaer[0].verdi if ok else None))
    return ut
