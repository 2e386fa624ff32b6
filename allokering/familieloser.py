"""Solve one place family exactly: the per-family strategy and likebehandling (level 5).

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
   fits double precision and the family has at most ``Strategi.tosteg_fra`` columns; otherwise (or when
   the combined vertex is fractional) level 1 is solved first and the later levels on the face
   its reduced costs and duals leave.
   An LP vertex counts only after it has been checked against every row of the model.
2. Only when no LP proves the optimum does CP-SAT run, on the same matrix, with the columns
   and rows the relaxation already fixes removed, from the best start known (LP or greedy); if
   its time runs out with something worse than that start, the start is returned.
"""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np
from ortools.sat.python import cp_model

from allokering import flyt
from allokering.fremdrift import Fremdrift, _sjekk_avbrudd
from allokering.kandidater import Delproblem
from allokering.likebehandling import Ikkekanonisk, kanoniser
from allokering.lp import Flate, heltall_verdi, redusert_kost_fiksering
from allokering.modell import NIVAER, Matrisemodell, bygg_modell, gjennomforbar, leksikografiske_vekter, til_cpsat
from allokering.referanse import Referanseresultat, gradig, gradig_beste, som_vektor
from allokering.resultat import Familieloesning, Loserparametre, Lpgrunnlag, Nivaaresultat
from modeller.kodeverk import Familie


def cpsat_solver(p: Loserparametre, tid: float) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = max(0.01, tid)
    s.parameters.num_workers = 1 if p.deterministisk else max(1, p.arbeidere)
    s.parameters.random_seed = p.frø
    return s


def _gradig_start(mm: Matrisemodell) -> np.ndarray | None:
    """The greedy solution as a start (None if it breaks a lock)."""
    x = som_vektor(mm.dp, mm.n, gradig(mm.dp).plasseringer)
    return x if gjennomforbar(mm, x) else None


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
    """Solve one family exactly (``_loes_familie``); with every level proven and
    ``Loserparametre.likebehandling``, the plan is then the unique one of the last level
    (``allokering.likebehandling``)."""
    fl = _loes_familie(dp, p, tving_sammen, bare_nivaa1, tosteg, fremdrift, mm, fangst)
    if not dp.kandidater and fl.status == "OPTIMAL":
        fl.kanonisk = True  # nobody to place: the one plan
        return fl
    if (
        not p.likebehandling
        or bare_nivaa1
        or fl.status != "OPTIMAL"
        or fl.x is None
        or not all(n.bevist for n in fl.nivaaer)
        or len(dp.kandidater) > p.strategi.likebehandling_til
    ):
        return fl
    return _likebehandling(dp, p, fl, tving_sammen)


def _likebehandling(
    dp: Delproblem, p: Loserparametre, fl: Familieloesning, tving_sammen: frozenset[tuple[str, str]]
) -> Familieloesning:
    assert fl.x is not None
    fast: dict[int, int] = {}
    lo = hi = None
    if fl.metode == "gradig":
        # The greedy plan reached «room for all»: every optimal plan gives each søker one of its
        # most valuable candidates, so the others are excluded.
        kk = dp.kandidater
        for idx in dp.per_soker.values():
            topp = max((kk[i].verdi, kk[i].pref) for i in idx)
            fast.update((i, 0) for i in idx if (kk[i].verdi, kk[i].pref) != topp)
    elif fl.flate is not None:
        fast, lo, hi = fl.flate.fast, fl.flate.lo, fl.flate.hi
    mm = fl.mm

    def modell() -> Matrisemodell:
        nonlocal mm
        if mm is None:
            mm = bygg_modell(dp, tving_sammen)
        return mm

    try:
        with p.strategi.maal("likebehandling"):
            k = kanoniser(dp, fl.x, modell, fast, lo, hi, p.tidsgrense_s, bruk_lp=p.strategi.likebehandling_lp)
    except Ikkekanonisk:
        return fl
    fl.x = k.x
    fl.plasseringer = dp.dekomponer(k.x)
    fl.kanonisk = True
    return fl


def _loes_familie(
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
    vei = p.strategi.vei
    direkte_provd = vei is None and p.strategi.direkte and mm is None and not tosteg and not tving_sammen and _enkel(dp)
    if direkte_provd:
        with p.strategi.maal("gradig"):
            direkte = _uten_konkurranse_direkte(dp, n_nivaa)
        if direkte is not None:
            return direkte
    if mm is None:  # the two-step retry reuses the model already built
        with p.strategi.maal("modell"):
            mm = bygg_modell(dp, tving_sammen)
    l1 = mm.nivaa[0]
    samlet = mm.samlet
    if vei == "cpsat":
        return _cpsat(dp, p, mm, n_nivaa, bare_nivaa1, fremdrift, t0)
    if vei is None and not tosteg and not direkte_provd:
        with p.strategi.maal("gradig"):
            uten_sok = _uten_konkurranse(mm, l1 if bare_nivaa1 else samlet)
        if uten_sok is not None:
            return _ferdig(mm, uten_sok, n_nivaa, heltall_verdi(l1, uten_sok), True, "gradig")
    # One LP for all levels when the combined objective is small enough for the certified
    # bound to be exact in double precision; otherwise level 1 first, then the later levels.
    ett_steg = (
        not bare_nivaa1 and not tosteg and mm.n <= p.strategi.tosteg_fra and _trygg_storrelse(samlet, len(dp.sokere))
    )
    hoved = samlet if ett_steg else l1
    lp1 = p.strategi.lp_klasse(
        mm, hoved, startkolonner=_sikt(mm, p, nivaa1=not ett_steg), sikt_andel=p.strategi.sikt_andel
    )
    with p.strategi.maal("lp:samlet" if ett_steg else "lp:nivaa1"):
        r1 = lp1.loes()
    if fangst is not None and r1.status == "OPTIMAL":
        fangst.append(Lpgrunnlag(mm, *lp1.basisstatus()))
    if r1.status == "INFEASIBLE":
        return Familieloesning("INFEASIBLE", [], [], "lp")
    # The vertex is checked against every row before it counts: the proof rests on our own
    # Lagrangian bound and on a solution we have verified, not on the LP solver's word.
    lp_ok = r1.status == "OPTIMAL" and r1.heltallig and gjennomforbar(mm, r1.x)
    with p.strategi.maal("gradig"):
        start = r1.x if lp_ok else _gradig_start(mm)
    z = heltall_verdi(hoved, start) if start is not None else None
    grense_h = int(np.floor(r1.grense + 1e-6)) if r1.status == "OPTIMAL" else None
    bevist1 = lp_ok and z is not None and grense_h is not None and grense_h <= z
    flate = None
    if r1.status == "OPTIMAL" and z is not None:
        with p.strategi.maal("rk_fiksering"):
            flate = redusert_kost_fiksering(r1, r1.grense - z, lp1)
    fast = flate.fast if flate is not None else {}
    if ett_steg:
        if bevist1 and start is not None:
            return _ferdig(mm, start, n_nivaa, heltall_verdi(l1, start), True, "lp", flate)
        # The combined LP's vertex was fractional: level 1 alone is often integral (measured
        # on korttid in the Oslo case), so try the two-step route before any search.
        return _loes_familie(dp, p, tving_sammen, bare_nivaa1, True, fremdrift, mm, fangst)
    grense1 = grense_h
    senere = mm.vekter[1] * mm.nivaa[1] + mm.vekter[2] * mm.nivaa[2] - mm.nivaa[3]
    if bevist1 and start is not None:
        if bare_nivaa1 or not senere.any():
            return _ferdig(mm, start, n_nivaa, z, True, "lp", flate)
        xl = lp1.xl.copy()
        xu = lp1.xu.copy()
        for j, v in fast.items():
            xl[j] = xu[j] = v
        assert flate is not None
        lp2 = p.strategi.lp_klasse(
            mm,
            senere,
            xl,
            xu,
            flate.lo,
            flate.hi,
            startkolonner=_flatekolonner(mm, xu, p),
            sikt_andel=p.strategi.sikt_andel,
        )
        with p.strategi.maal("lp:flate"):
            r2 = lp2.loes()
        if r2.status == "OPTIMAL" and r2.heltallig and heltall_verdi(l1, r2.x) == z and gjennomforbar(mm, r2.x):
            if np.floor(r2.grense + 1e-6) <= heltall_verdi(senere, r2.x):
                return _ferdig(mm, r2.x, n_nivaa, z, True, "lp", flate)
    if bevist1 and start is not None and time.perf_counter() - t0 >= p.tidsgrense_s:
        # The time is spent and level 1 is proven: building a CP-SAT model only to give it no
        # time would be waste (measured 20 s on the national-stress langtid model). The LP
        # vertex stands; the later levels are reported unproven.
        fl = _ferdig(mm, start, n_nivaa, grense1, False, "lp")
        fl.nivaaer[0] = Nivaaresultat(NIVAER[0], fl.nivaaer[0].verdi, fl.nivaaer[0].verdi, True)
        return fl
    # CP-SAT on what the relaxation has not fixed.
    mal = l1 if bare_nivaa1 else mm.samlet
    with p.strategi.maal("cpsat_bygg"):
        cp = til_cpsat(
            mm, fast=fast, mal=mal, lo=None if flate is None else flate.lo, hi=None if flate is None else flate.hi
        )
    if start is not None:
        for j, var in enumerate(cp.x):
            if j not in fast and j < len(dp.kandidater) + len(dp.strommer):
                cp.m.add_hint(var, round(start[j]))
    solver = cpsat_solver(p, p.tidsgrense_s - (time.perf_counter() - t0))
    if fremdrift is not None:
        _sjekk_avbrudd(fremdrift)
        fremdrift.cpsat(solver)
    with p.strategi.maal("cpsat"):
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
    return _ferdig(mm, x, n_nivaa, g1, bevist, "cp-sat", flate)


def _cpsat(
    dp: Delproblem,
    p: Loserparametre,
    mm: Matrisemodell,
    n_nivaa: int,
    bare_nivaa1: bool,
    fremdrift: Fremdrift | None,
    t0: float,
) -> Familieloesning:
    """The CP-SAT route alone (``Strategi.vei == "cpsat"``): the whole model from the greedy
    start, no LP. Only for checking the other routes: it proves the same optimum, slower."""
    mal = mm.nivaa[0] if bare_nivaa1 else mm.samlet
    cp = til_cpsat(mm, mal=mal)
    start = _gradig_start(mm)
    if start is not None:
        for j, var in enumerate(cp.x):
            if j < len(dp.kandidater) + len(dp.strommer):
                cp.m.add_hint(var, round(start[j]))
    solver = cpsat_solver(p, p.tidsgrense_s - (time.perf_counter() - t0))
    if fremdrift is not None:
        _sjekk_avbrudd(fremdrift)
        fremdrift.cpsat(solver)
    with p.strategi.maal("cpsat"):
        status = solver.solve(cp.m)
    if status == cp_model.INFEASIBLE:
        return Familieloesning("INFEASIBLE", [], [], "cp-sat")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Familieloesning("UNKNOWN", [], [], "cp-sat")
    x = np.array([solver.value(v) for v in cp.x], dtype=np.float64)
    bevist = status == cp_model.OPTIMAL
    return _ferdig(mm, x, n_nivaa, heltall_verdi(mm.nivaa[0], x) if bevist else None, bevist, "cp-sat")


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
    if not gjennomforbar(mm, x) or heltall_verdi(c, x) < grense:
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


def _uten_konkurranse_direkte(
    dp: Delproblem, n_nivaa: int, g: Referanseresultat | None = None
) -> Familieloesning | None:
    """``_uten_konkurranse`` for an ``_enkel`` family without building its matrix model (measured
    about a third of the simulator's weekly engine call). The same proof: the greedy placements
    reach the bound «room for all» of the combined objective (every søker its best candidate;
    without couples and movers a candidate is worth M1·value + M3·preference), and they satisfy
    every row the model would have — each søker at most once, each class placement on a flow
    column of the model within its maximum, and per unit and day at most max(0, free places)
    stays (the model's capacity row; rows it leaves out cannot bind). The placements are then
    matched to units exactly as a model solution would be (``Delproblem.dekomponer``)."""
    g = gradig_beste(dp) if g is None else g  # ``g``: given greedy placements (tests)
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
    return Familieloesning("OPTIMAL", nivaaer, dp.dekomponer(x), "gradig", x=x)


def _sikt(mm: Matrisemodell, p: Loserparametre, nivaa1: bool = False) -> np.ndarray | None:
    """Sifting's first columns, or None: solve whole (``Strategi.sikt_fra``, ``Strategi.vei``).
    For a level-1 LP they come from the prices of a min-cost flow when the family has the
    network's shape (``flyt``), else they are each søker's few best columns."""
    vei = p.strategi.vei
    if vei == "sifting":
        return _startkolonner(mm)
    if vei is not None or mm.n <= p.strategi.sikt_fra or mm.dp.familie != Familie.LANGTID or len(mm.dp.familier) > 1:
        # A joint model (``koblede``) is solved whole: its korttid part has no flow shape, and
        # sifting from each søker's best columns measured 5× slower on oslo-stress.
        return None
    with p.strategi.maal("flyt"):
        fp = flyt.nivaa1_flyt(mm) if nivaa1 else None
    if fp is None:
        return _startkolonner(mm)
    with p.strategi.maal("sifting_fra_flyt"):
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


def _flatekolonner(mm: Matrisemodell, xu: np.ndarray, p: Loserparametre) -> np.ndarray | None:
    """Sifting's first columns for the later levels on a large face: every column not fixed at
    0, i.e. with an upper bound above 0 (a column left out of a sifted LP stands at 0)."""
    if p.strategi.vei != "sifting" and (p.strategi.vei is not None or mm.n <= p.strategi.sikt_fra):
        return None
    return np.flatnonzero(xu > 0)


def _trygg_storrelse(c: np.ndarray, n_sokere: int) -> bool:
    """Whether sums of up to n_sokere of these coefficients stay far inside double precision."""
    return float(np.abs(c).max(initial=0)) * max(1, n_sokere) < 1e12


def _ferdig(  # type: ignore[no-untyped-def]
    mm: Matrisemodell,
    x: np.ndarray,
    n_nivaa: int,
    grense1: int | None,
    bevist: bool,
    metode: str,
    flate: Flate | None = None,
):
    verdier = [heltall_verdi(mm.nivaa[k], x) for k in range(n_nivaa)]
    nivaaer = [Nivaaresultat(NIVAER[0], verdier[0], verdier[0] if bevist or grense1 is None else grense1, bevist)]
    nivaaer += [Nivaaresultat(NIVAER[k], verdier[k], verdier[k], bevist) for k in range(1, n_nivaa)]
    status = "OPTIMAL" if bevist else "FEASIBLE"
    return Familieloesning(status, nivaaer, mm.dp.dekomponer(x), metode, x=x, mm=mm, flate=flate)
