"""The matrix model is built in bulk for speed (``modell``: the capacity rows of all units at once
with arrays, rows appended in blocks, Ax and Aᵀv through a scipy matrix). These tests hold the
bulk construction to straightforward row-by-row definitions of the same rows, on the families of
generated cases and on over-occupied variants of them, so a faster model is never a different
one: same rows in the same order, same columns, same objective, bit for bit."""

from __future__ import annotations

import copy
from collections import Counter, defaultdict
from functools import cache

import numpy as np
import pytest

from allokering import familieloser, modell
from allokering.kandidater import Delproblem
from allokering.loser import Loserparametre, loes
from modeller.generator import generer, last_demo
from modeller.regelprofil import SANDEFJORD, TVEDESTRAND

INF = float("inf")
Rad = tuple[str, list[int], list[float], float, float]


@cache
def _familier() -> tuple[Delproblem, ...]:
    """The Delproblem of every model the engine builds while solving a few cases (langtid,
    korttid, the joint group, …; with ektepar, locks and movers)."""
    fanget: list[Delproblem] = []
    bygg = familieloser.bygg_modell

    def fang(dp: Delproblem, tving_sammen: frozenset[tuple[str, str]] = frozenset()) -> modell.Matrisemodell:
        fanget.append(dp)
        return bygg(dp, tving_sammen)

    p = Loserparametre(marginalverdier=False, ektepar_kostnad=False, laaspriser=False)
    # (profile, seed, søkere, units, share of ektepar, share locked, horizon): chosen so that
    # two-room flats, double rooms, releases and over-occupied variants all occur.
    tilfeller = [
        (SANDEFJORD, 67, 30, 6, 0.14, 0.1, 7),
        (TVEDESTRAND, 222, 55, 4, 0.12, 0.05, 28),
        (SANDEFJORD, 129, 40, 8, 0.12, 0.05, 28),
        (SANDEFJORD, 315, 70, 7, 0.12, 0.05, 28),
    ]
    saker = [last_demo("tvedestrand")] + [
        generer(
            30_000,
            profil,
            seed=seed,
            antall_sokere=sokere,
            antall_enheter=enheter,
            andel_ektepar=ektepar,
            andel_laast=laast,
            horisont_dager=h,
        )
        for profil, seed, sokere, enheter, ektepar, laast, h in tilfeller
    ]
    familieloser.bygg_modell = fang  # type: ignore[assignment]
    try:
        for sak in saker:
            loes(sak, p)
    finally:
        familieloser.bygg_modell = bygg
    return tuple(fanget)


def _overbelagt(dp: Delproblem, skift: int) -> Delproblem:
    """The family with ``skift`` fewer free places every day (days with negative free places:
    the over-occupied case, ``modell._overbelagt_dag``), ``skift`` − 1 free double rooms per unit
    and fewer free two-room flats."""
    ny = copy.copy(dp)
    ny.ledig = {u: [v - skift for v in dager] for u, dager in dp.ledig.items()}
    ny.ledige_dobbeltrom = {u: skift - 1 for u in dp.enheter}
    ny.ledig_toroms = {u: [v - skift + 1 for v in dager] for u, dager in dp.ledig_toroms.items()}
    return ny


def _varianter() -> list[Delproblem]:
    return [v for dp in _familier() for v in (dp, _overbelagt(dp, 1), _overbelagt(dp, 3))]


def _rader(mm: modell.Matrisemodell, art: str) -> list[Rad]:
    indptr, indices, data = mm.csr()
    return [
        (mm.art[r], indices[indptr[r] : indptr[r + 1]].tolist(), data[indptr[r] : indptr[r + 1]].tolist(), lo, hi)
        for r, (lo, hi) in enumerate(zip(mm.lo, mm.hi, strict=True))
        if mm.art[r].split(":")[0] == art
    ]


def _tom(dp: Delproblem) -> modell.Matrisemodell:
    n = len(dp.kandidater) + len(dp.strommer)
    return modell.Matrisemodell(dp, n, [f"k{j}" for j in range(n)], np.zeros((4, n), dtype=np.int64), (1, 0, 0, -1))


def test_tilfellene_dekker_det_som_skal_sammenlignes() -> None:
    """The cases reach every row family, releases and over-occupied days (else the tests below
    would compare less than they claim)."""
    arter: Counter[str] = Counter()
    for dp in _varianter():
        arter.update(a.split(":")[0] for a in modell.bygg_modell(dp).art)
    assert {"en_plass", "klasse", "kapasitet", "aapen", "toroms", "ektepar", "dobbeltrom", "laas"} <= set(arter)
    assert any(dp.frigjoringer for dp in _familier())


def test_kapasitet_for_alle_enheter_samlet_er_lik_dag_for_dag() -> None:
    """The bulk capacity rows equal the day-by-day construction: rows, their order, entries and
    bounds, and the «aapen» columns of over-occupied days in the same places."""
    sett_frigjort = False
    for dp in _varianter():
        bulk, ref = _tom(dp), _tom(dp)
        modell.kapasitet_per_enhet_og_dag(bulk)
        modell.kapasitet_per_enhet_og_dag(ref, dag_for_dag=True)
        assert bulk.art == ref.art
        assert bulk.lo == ref.lo and bulk.hi == ref.hi
        assert [type(v) for v in bulk.hi] == [type(v) for v in ref.hi]
        for a, b in zip(bulk.csr(), ref.csr(), strict=True):
            assert np.array_equal(a, b)
        assert bulk.n == ref.n and bulk.navn == ref.navn
        assert np.array_equal(bulk.nivaa[:, : bulk.n], ref.nivaa[:, : ref.n])
        assert bulk.ovre == ref.ovre and bulk.nedre == ref.nedre
        sett_frigjort |= bool(np.any(bulk.csr()[2] < 0))
    assert sett_frigjort


def test_radene_er_definisjonene_rad_for_rad() -> None:
    """One placement per søker, class flows, two-room flats, the objective and the weights,
    each written out row by row from the Delproblem."""
    for dp in _varianter():
        mm = modell.bygg_modell(dp)
        nk = len(dp.kandidater)
        en_plass: list[Rad] = [
            ("en_plass", idx, [1.0] * len(idx), -INF, 1)
            for s, idx in dp.per_soker.items()
            if len(idx) > 1 and s not in dp.laast_til
        ]
        assert _rader(mm, "en_plass") == en_plass
        klasse: list[Rad] = []
        for (kl, st), idx in sorted(dp.per_klasse_start.items()):
            zs = [nk + j for j in dp.strom_per_klasse_start.get((kl, st), [])]
            klasse.append((f"klasse:{kl}:{st}", idx + zs, [1.0] * len(idx) + [-1.0] * len(zs), 0, 0))
        assert _rader(mm, "klasse") == klasse
        toroms: list[Rad] = []
        for u in dp.enheter:
            idx = [i for i in dp.per_enhet.get(u, []) if dp.kandidater[i].toroms]
            for d in range(dp.horisont):
                terms = [i for i in idx if dp.kandidater[i].start <= d]
                if terms and len(terms) > dp.ledig_toroms[u][d]:
                    toroms.append((f"toroms:{u}:{d}", terms, [1.0] * len(terms), -INF, max(0, dp.ledig_toroms[u][d])))
        assert _rader(mm, "toroms") == toroms
        for k in dp.kandidater:
            assert (mm.nivaa[0, k.idx], mm.nivaa[2, k.idx], mm.nivaa[3, k.idx]) == (k.verdi, k.pref, k.flytting)
            assert mm.navn[k.idx] == f"x{k.idx}" and mm.ovre[k.idx] == 1
        for z in dp.strommer:
            assert mm.navn[nk + z.idx] == f"z{z.idx}_{z.enhet}_{z.start}" and mm.ovre[nk + z.idx] == z.maks
        beste: dict[str, int] = defaultdict(int)
        flyttes: set[str] = set()
        for k in dp.kandidater:
            for p in k.personer:
                beste[p] = max(beste[p], k.pref)
                if k.flytting:
                    flyttes.add(p)
        m3 = len(flyttes) + 1
        m2 = m3 * (sum(beste.values()) + 1)
        assert mm.vekter == (m2 * (3 * len(dp.ektepar) + 1), m2, m3, -1)
        assert modell.leksikografiske_vekter(dp) == mm.vekter


@pytest.mark.parametrize("frø", [0, 1])
def test_ax_og_atv_summerer_i_radrekkefolge(frø: int) -> None:
    """Ax and Aᵀv through the scipy matrix equal the sums over the entries in CSR order bit for
    bit (the reduced costs and the feasibility check must not move by a rounding), and a row
    added after them is counted."""
    rng = np.random.default_rng(frø)
    for dp in _familier():
        mm = modell.bygg_modell(dp)
        if not mm.n:
            continue
        for _ in range(2):
            m = len(mm.lo)
            indptr, indices, data = mm.csr()
            rad = np.repeat(np.arange(m), np.diff(indptr))
            v = rng.standard_normal(m) * rng.integers(0, 2, m)
            assert np.array_equal(mm.a_t(v), np.bincount(indices, weights=data * v[rad], minlength=mm.n))
            x = rng.integers(0, 2, mm.n).astype(np.float64)
            ax = np.bincount(rad, weights=data * x[indices], minlength=m)
            assert np.array_equal(mm.matrise() @ x, ax)
            lo, hi = np.asarray(mm.lo), np.asarray(mm.hi)
            assert modell.gjennomforbar(mm, x) == bool(np.all(ax <= hi + 1e-9) and np.all(ax >= lo - 1e-9))
            mm.rad([0], [1], 0, 0, "laas:test")  # forces column 0 to 0: a new row the next round must see
