"""The certified bound (``lp.lagrangegrense``) is an upper bound of the exact Lagrangian value,
rounding included: the proofs of optimality rest on it (``allokering.lp``)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import scipy.sparse as sp

from allokering.lp import Feilgrunnlag, lagrangegrense


def _eksakt(a: sp.csr_matrix, c, y, lo, hi, xl, xu) -> Fraction:  # type: ignore[no-untyped-def]
    """The Lagrangian value in exact rational arithmetic (every float is a dyadic rational),
    with the same multipliers as ``lagrangegrense`` (a multiplier on an unbounded side is 0)."""
    y = np.where((y > 0) & np.isfinite(hi), y, np.where((y < 0) & np.isfinite(lo), y, 0.0))
    yf = [Fraction(float(v)) for v in y]
    verdi = Fraction(0)
    for r, v in enumerate(yf):
        if v > 0:
            verdi += v * Fraction(float(hi[r]))
        elif v < 0:
            verdi += v * Fraction(float(lo[r]))
    a_csc = a.tocsc()
    for j in range(a.shape[1]):
        d = Fraction(float(c[j]))
        for k in range(a_csc.indptr[j], a_csc.indptr[j + 1]):
            d -= Fraction(float(a_csc.data[k])) * yf[a_csc.indices[k]]
        verdi += max(d * Fraction(float(xu[j])), d * Fraction(float(xl[j])))
    return verdi


def _tilfelle(rng: np.random.Generator, skala: float):  # type: ignore[no-untyped-def]
    m, n = 40, 120
    a = sp.random(m, n, density=0.15, random_state=rng, data_rvs=lambda k: rng.integers(-3, 4, k).astype(float))
    a = sp.csr_matrix(a)
    c = rng.integers(-(2**40), 2**40, n).astype(float) * skala
    y = rng.normal(0.0, 2.0**38, m) * skala
    lo = np.where(rng.random(m) < 0.3, -np.inf, rng.integers(-5, 0, m).astype(float))
    hi = np.where(rng.random(m) < 0.2, np.inf, rng.integers(0, 30, m).astype(float))
    xl = np.zeros(n)
    xu = rng.integers(1, 9, n).astype(float)
    return a, c, y, lo, hi, xl, xu


def test_grensen_ligger_over_den_eksakte_verdien_ogsaa_med_store_tall() -> None:
    rng = np.random.default_rng(7)
    under_uten_feilledd = 0
    for _ in range(40):
        a, c, y, lo, hi, xl, xu = _tilfelle(rng, 1.0)
        eksakt = _eksakt(a, c, y, lo, hi, xl, xu)
        grense, d, ye = lagrangegrense(lambda v, a=a: a.T @ v, c, y, lo, hi, xl, xu, Feilgrunnlag.fra_matrise(a))
        assert Fraction(grense) >= eksakt
        # The term is a bound, not a blanket: far below the values' own size.
        assert Fraction(grense) - eksakt < abs(eksakt) * Fraction(1, 10**9) + 1
        # Without the term the computed value falls below the exact one on some of these cases:
        # the rounding is real, the term is needed.
        raa = float(np.sum(np.where(ye > 0, ye * np.where(np.isfinite(hi), hi, 0), 0)))
        raa += float(np.sum(np.where(ye < 0, ye * np.where(np.isfinite(lo), lo, 0), 0)))
        raa += float(np.sum(np.where(d > 0, d * xu, d * xl)))
        under_uten_feilledd += Fraction(raa) < eksakt
    assert under_uten_feilledd > 0


def test_heltallige_data_gir_et_lite_feilledd() -> None:
    """With integer costs and multipliers (the TU families) nothing is rounded, and the term
    stays far below the 1 that separates two integer values."""
    rng = np.random.default_rng(3)
    a, c, y, lo, hi, xl, xu = _tilfelle(rng, 2.0**-30)
    c, y = np.rint(c), np.rint(y)
    eksakt = _eksakt(a, c, y, lo, hi, xl, xu)
    grense, _, _ = lagrangegrense(lambda v: a.T @ v, c, y, lo, hi, xl, xu, Feilgrunnlag.fra_matrise(a))
    assert eksakt == int(eksakt)
    assert 0 <= Fraction(grense) - eksakt < Fraction(1, 100)
