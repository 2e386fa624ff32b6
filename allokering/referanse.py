"""Reference solvers for level 1 (priority-weighted placements), used by the tests and the
benchmarks to check and to measure the engine: the greedy manual practice (priority order,
best place that fits) and HiGHS on a MIP of the same placements.

The HiGHS model writes one capacity row per unit and *every* day (it does not use the engine's
reduction to binding days), and the tests build it on candidates with every start day
(``alle_startdager``), so agreeing optima check the engine's reductions as well as its solve.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from allokering.kandidater import Delproblem, Kandidat, Plassering
from allokering.likebehandling import kandidatnokkel
from allokering.lp import Lp, heltall_verdi, ny_highs
from allokering.modell import Matrisemodell


@dataclass(frozen=True)
class Referanseresultat:
    verdi: int
    bevist: bool
    sekunder: float
    valgt: tuple[int, ...]
    plasseringer: tuple[Plassering, ...] = ()


def gradig(dp: Delproblem) -> Referanseresultat:
    """Greedy in priority order (see ``_gradig``): the manual practice."""
    r = _gradig(dp, False)
    assert r is not None
    return r


def gradig_beste(dp: Delproblem) -> Referanseresultat | None:
    """The greedy solution if every søker gets one of its most valuable candidates, else None
    (stops at the first søker who cannot)."""
    return _gradig(dp, True)


def _gradig(dp: Delproblem, bare_beste: bool) -> Referanseresultat | None:
    """Greedy in priority order: each søker (locked ones first) takes the most valuable
    candidate that still fits day by day (a class candidate: the first of its units, by id,
    with room). This is how a waiting list is worked by hand.

    ``bare_beste``: give up (None) as soon as a søker cannot have one of its most valuable
    candidates — the engine's no-competition test needs nothing else (``loser._uten_konkurranse``)."""
    t0 = time.perf_counter()
    # Free places left per unit and day (numpy rows, so a stay is checked with one slice), made
    # when a unit is first looked at: a weekly family touches few of its units.
    rest = _VedBehov(lambda u: np.array(dp.ledig[u], dtype=np.int64))
    rest2 = _VedBehov(lambda u: np.array(dp.ledig_toroms[u], dtype=np.int64))
    frig_av = {f.soker: f for f in dp.frigjoringer}
    klasse_enheter = {k.id: k.enheter for k in dp.klasser}
    plassert: set[str] = set()
    valgt: list[Plassering] = []

    siste = dp.horisont - 1
    # Smallest free count from each day to the end of the horizon: open-ended stays (the
    # common case) are then checked in O(1). Recomputed below whenever ``rest`` of a unit changes.
    sufmin = _VedBehov(lambda u: np.minimum.accumulate(rest[u][::-1])[::-1].tolist())

    def passer(k: Kandidat, u: str) -> bool:
        if len(k.perioder) == 1 and k.perioder[0][1] == siste and not k.toroms:
            return bool(sufmin[u][k.perioder[0][0]] >= k.bruk)
        return all(
            rest[u][lo : hi + 1].min() >= k.bruk and (not k.toroms or rest2[u][lo : hi + 1].min() >= 1)
            for lo, hi in k.perioder
        )

    kk = dp.kandidater
    # Locked søkere first, then the order of likebehandling; each søker's candidates in its order.
    rang = dp.rang()
    nokkel = kandidatnokkel(dp)
    rekkefolge = sorted(dp.sokere, key=lambda s: (s not in dp.laast_til, rang[s]))
    for s in rekkefolge:
        if s in plassert:
            continue
        egne = dp.per_soker.get(s, [])
        if bare_beste:
            # Only the most valuable candidates: the same list as the sort below cut at its
            # first (value, preference), without sorting them all.
            topp = max(((kk[i].verdi, kk[i].pref) for i in egne), default=None)
            kand = sorted((i for i in egne if (kk[i].verdi, kk[i].pref) == topp), key=nokkel)
        else:
            kand = sorted(egne, key=nokkel)
        for i in kand:
            k = dp.kandidater[i]
            if any(p in plassert for p in k.personer):
                continue
            mulige = (k.enhet,) if k.enhet is not None else klasse_enheter[int(k.klasse)]  # type: ignore[arg-type]
            u = next((u for u in mulige if passer(k, u)), None)
            if u is None:
                continue
            for lo, hi in k.perioder:
                rest[u][lo : hi + 1] -= k.bruk
                if k.toroms:
                    rest2[u][lo : hi + 1] -= 1
            sufmin[u] = np.minimum.accumulate(rest[u][::-1])[::-1].tolist()
            for p in k.personer:
                plassert.add(p)
                f = frig_av.get(p)
                if f is not None:
                    rest[f.enhet][k.start : f.til_dag + 1] += 1
                    sufmin[f.enhet] = np.minimum.accumulate(rest[f.enhet][::-1])[::-1].tolist()
            valgt.append(Plassering(k, u))
            break
        else:
            if bare_beste:
                return None
    verdi = sum(p.kandidat.verdi for p in valgt)
    idx = tuple(sorted(p.kandidat.idx for p in valgt))
    return Referanseresultat(verdi, False, time.perf_counter() - t0, idx, tuple(valgt))


class _VedBehov(dict):  # type: ignore[type-arg]
    """A dict that makes a missing entry with ``lag(key)`` when it is first read."""

    def __init__(self, lag: Callable[[str], Any]):
        super().__init__()
        self.lag = lag

    def __missing__(self, nokkel: str) -> Any:
        verdi = self[nokkel] = self.lag(nokkel)
        return verdi


def som_vektor(dp: Delproblem, n: int, plasseringer: tuple[Plassering, ...]) -> np.ndarray:
    """A solution vector of the matrix model (candidates, then class flows) from placements."""
    x = np.zeros(n)
    nk = len(dp.kandidater)
    strom = {(z.klasse, z.start, z.enhet): z.idx for z in dp.strommer}
    for p in plasseringer:
        x[p.kandidat.idx] = 1.0
        if p.kandidat.enhet is None:
            x[nk + strom[(int(p.kandidat.klasse), p.kandidat.start, p.enhet)]] += 1.0  # type: ignore[arg-type]
    return x


def highs_mip(mm: Matrisemodell, mal: np.ndarray, tidsgrense_s: float = 60.0) -> Referanseresultat:
    """HiGHS as a MIP on exactly the engine's matrix model (the benchmarks' «same formulation»)."""
    import highspy

    t0 = time.perf_counter()
    lp = Lp(mm, mal)
    hs = lp.h
    hs.setOptionValue("time_limit", float(tidsgrense_s))
    hs.setOptionValue("mip_rel_gap", 0.0)
    hs.setOptionValue("solver", "choose")
    n = mm.n
    if n:
        hs.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n))
    hs.run()
    status = hs.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return Referanseresultat(-1, True, time.perf_counter() - t0, ())
    x = np.rint(np.asarray(hs.getSolution().col_value))
    verdi = heltall_verdi(mal, x)
    valgt = tuple(int(i) for i in np.flatnonzero(x[: len(mm.dp.kandidater)] > 0.5))
    # An empty model (a family with no candidates) is trivially optimal; HiGHS calls it «empty».
    bevist = status in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kModelEmpty)
    return Referanseresultat(verdi, bevist, time.perf_counter() - t0, valgt)


def highs_nivaa1(dp: Delproblem, tidsgrense_s: float = 60.0) -> Referanseresultat:
    """Level 1 as a MIP solved by HiGHS (maximise Σ value·x; one place per søker; capacity per
    unit and day with released stays — on an over-occupied day new ≤ max(0, free + released);
    two-room flats; locks)."""
    import highspy

    t0 = time.perf_counter()
    n = len(dp.kandidater)
    if any(k.enhet is None for k in dp.kandidater):
        raise ValueError("highs_nivaa1 bygger sine egne rader og krever eksplisitte kandidater (aggreger=False)")
    if n == 0:
        return Referanseresultat(0, True, 0.0, ())
    h = dp.horisont
    rader_lo: list[float] = []
    rader_hi: list[float] = []
    starts: list[int] = []
    idx: list[int] = []
    val: list[float] = []

    def rad(koef: dict[int, float], lo: float, hi: float) -> None:
        starts.append(len(idx))
        for j, c in koef.items():
            idx.append(j)
            val.append(c)
        rader_lo.append(lo)
        rader_hi.append(hi)

    for s, ks in dp.per_soker.items():
        if s in dp.laast_til:
            rad({i: 1.0 for i in ks}, 1.0, 1.0)
        elif len(ks) > 1:
            rad({i: 1.0 for i in ks}, -highspy.kHighsInf, 1.0)
    for s in dp.laast_til:
        if s not in dp.per_soker:
            rad({}, 1.0, 1.0)  # no candidate in the locked unit: infeasible
    hjelpere: list[int] = []  # 0/1 columns after the candidates (over-occupied days)
    for u in dp.enheter:
        ks = dp.per_enhet.get(u, [])
        if not ks:
            continue
        frig = [f for f in dp.frigjoringer if f.enhet == u]
        for d in range(h):
            koef: dict[int, float] = {}
            for i in ks:
                k = dp.kandidater[i]
                if any(lo <= d <= hi for lo, hi in k.perioder):
                    koef[i] = koef.get(i, 0.0) + k.bruk
            for f in frig:
                if d <= f.til_dag:
                    for i in dp.per_soker.get(f.soker, []):
                        if dp.kandidater[i].start <= d:
                            koef[i] = koef.get(i, 0.0) - 1.0
            if koef:
                fri = dp.ledig[u][d]
                ny = {i: c for i, c in koef.items() if c > 0}
                if fri < 0 and len(ny) < len(koef):
                    # Over-occupied with releases: new ≤ max(0, free + released), by a 0/1 column
                    # «the unit admits new stays today» (``modell._overbelagt_dag``).
                    y = n + len(hjelpere)
                    hjelpere.append(y)
                    rad({**ny, y: -float(sum(ny.values()))}, -highspy.kHighsInf, 0.0)
                    rad({**koef, y: float(-fri)}, -highspy.kHighsInf, 0.0)
                else:
                    rad(koef, -highspy.kHighsInf, float(fri if len(ny) < len(koef) else max(0, fri)))
            to = {i: 1.0 for i in ks if dp.kandidater[i].toroms and dp.kandidater[i].start <= d}
            if to:
                rad(to, -highspy.kHighsInf, float(max(0, dp.ledig_toroms[u][d])))

    hs = ny_highs()
    hs.setOptionValue("time_limit", float(tidsgrense_s))
    hs.setOptionValue("mip_rel_gap", 0.0)
    nk = n + len(hjelpere)
    kost = np.array([float(k.verdi) for k in dp.kandidater] + [0.0] * len(hjelpere))
    hs.addVars(nk, np.zeros(nk), np.ones(nk))
    hs.changeColsCost(nk, np.arange(nk, dtype=np.int32), kost)
    hs.changeColsIntegrality(nk, np.arange(nk, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * nk))
    if rader_lo:
        hs.addRows(
            len(rader_lo),
            np.array(rader_lo),
            np.array(rader_hi),
            len(idx),
            np.array(starts, dtype=np.int32),
            np.array(idx, dtype=np.int32),
            np.array(val),
        )
    hs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    hs.run()
    status = hs.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return Referanseresultat(-1, True, time.perf_counter() - t0, ())
    x = np.array(hs.getSolution().col_value)[:n]
    valgt = tuple(int(i) for i in np.flatnonzero(x > 0.5))
    verdi = sum(dp.kandidater[i].verdi for i in valgt)
    bevist = status == highspy.HighsModelStatus.kOptimal
    return Referanseresultat(verdi, bevist, time.perf_counter() - t0, valgt)
