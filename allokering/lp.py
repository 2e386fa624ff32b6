"""The LP relaxation (HiGHS simplex) of a matrix model, with a *certified* bound.

Why this is exact. The bound is not HiGHS's word for it: from any row multipliers y we compute
the Lagrangian bound

    cᵀx = yᵀAx + (c − Aᵀy)ᵀx ≤ Σ_r (y_r⁺·hi_r − y_r⁻·lo_r) + Σ_j max(d_j·u_j, d_j·l_j),   d = c − Aᵀy,

which holds for every x with lo ≤ Ax ≤ hi and l ≤ x ≤ u, whatever y is (a multiplier whose
side is unbounded is set to 0). It is computed in floating point with a rounding-error term
(``lagrangegrense``), so the number used is an upper bound of the exact value, not an estimate
of it. When the simplex vertex is integral and its exact integer objective z satisfies
bound − z < 1, no integer solution can be better: z is proven optimal.
For langtid and bolig without couples the constraint matrix (one row per søker, nested
capacity rows per unit) is the union of two laminar families, hence totally unimodular, so
the LP vertex is integral and level 1 is proven here in milliseconds.

Reduced-cost fixing. With an integer solution of value z and the bound B, any solution with
value ≥ z has x_j = 0 where d_j < −(B − z) and x_j = 1 where d_j > B − z (moving such a column
would cost more than the whole gap). Those columns are fixed before CP-SAT sees the model.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from allokering.modell import INF, Matrisemodell


def ny_highs() -> Any:
    """A HiGHS instance that prints nothing, silenced through HiGHS's own option.

    ``highspy.Highs`` (the Python wrapper) installs its callbacks in its constructor, and that
    prints HiGHS's banner on stdout before any option can be set; the core class it wraps
    (``highspy._core._Highs``) has the same solver methods and logs only as its options say.
    So nothing touches the process's stdout (an earlier version pointed file descriptor 1 at
    /dev/null while constructing, which inside the API server silenced every thread)."""
    from highspy._core import _Highs

    h = _Highs()
    h.setOptionValue("output_flag", False)
    return h


@dataclass
class Lpresultat:
    status: str  # "OPTIMAL" | "INFEASIBLE" | "FEIL"
    x: np.ndarray
    grense: float  # certified upper bound of cᵀx over the (restricted) problem
    heltallig: bool
    d: np.ndarray  # reduced costs c − Aᵀy
    y: np.ndarray  # the row multipliers that gave the bound


class Lp:
    """One LP relaxation kept in HiGHS, so that re-solves after bound changes warm-start."""

    def __init__(
        self,
        mm: Matrisemodell,
        c: np.ndarray,
        xl: np.ndarray | None = None,
        xu: np.ndarray | None = None,
        lo: np.ndarray | None = None,
        hi: np.ndarray | None = None,
        startkolonner: np.ndarray | None = None,
        sikt_andel: float = 0.05,
    ):
        """``sikt_andel``: share of the attractive columns sifting adds per round
        (``Strategi.sikt_andel``). ``startkolonner``: solve by sifting — HiGHS sees only these columns at first; after
        each solve every other column is priced with the duals (c − Aᵀy) and the attractive ones
        are added, until none is left. The result is the LP optimum of the whole model."""
        import highspy

        self.hs_mod = highspy
        self.mm = mm
        self.sikt_andel = sikt_andel
        self.c = np.asarray(c, dtype=np.float64)
        self.indptr, self.indices, self.data = mm.csr()
        self.rad_av = mm.rad_av()
        self.lo = np.asarray(mm.lo if lo is None else lo, dtype=np.float64)
        self.hi = np.asarray(mm.hi if hi is None else hi, dtype=np.float64)
        self.xl = np.asarray(mm.nedre, dtype=np.float64) if xl is None else xl.astype(np.float64)
        self.xu = np.asarray(mm.ovre, dtype=np.float64) if xu is None else xu.astype(np.float64)
        self._feil: Feilgrunnlag | None = None  # built at the first bound (``lagrange``)
        h = ny_highs()
        h.setOptionValue("solver", "simplex")
        # Presolve costs more than it saves on these sparse, nearly network-shaped LPs (measured
        # 3–4× slower on the bundled cases), and without it re-solves warm-start from the basis.
        h.setOptionValue("presolve", "off")
        h.setOptionValue("random_seed", 0)
        inf = highspy.kHighsInf
        n = mm.n
        m = len(mm.lo)
        self.h = h
        self.sikt = startkolonner is not None
        if not self.sikt:
            self.aktive = np.arange(n, dtype=np.int64)
            h.addVars(n, self.xl, self.xu)
            if n:
                h.changeColsCost(n, np.arange(n, dtype=np.int32), self.c)
            if m:
                h.addRows(
                    m,
                    np.where(np.isfinite(self.lo), self.lo, -inf),
                    np.where(np.isfinite(self.hi), self.hi, inf),
                    len(self.indices),
                    self.indptr[:-1].astype(np.int32),
                    self.indices.astype(np.int32),
                    self.data,
                )
        else:
            # Column-wise copy of the matrix for adding columns.
            orden = np.argsort(self.indices, kind="stable")
            self.csc_rad = self.rad_av[orden].astype(np.int32)
            self.csc_data = self.data[orden]
            self.colptr = np.concatenate([[0], np.cumsum(np.bincount(self.indices, minlength=n))]).astype(np.int64)
            if m:
                h.addRows(
                    m,
                    np.where(np.isfinite(self.lo), self.lo, -inf),
                    np.where(np.isfinite(self.hi), self.hi, inf),
                    0,
                    np.zeros(m, dtype=np.int32),
                    np.zeros(0, dtype=np.int32),
                    np.zeros(0),
                )
            self.aktive = np.zeros(0, dtype=np.int64)
            self.i_lp = np.zeros(n, dtype=bool)
            self._legg_til(np.unique(np.asarray(startkolonner, dtype=np.int64)))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)

    def _legg_til(self, kol: np.ndarray) -> None:
        kol = kol[~self.i_lp[kol]]
        if kol.size == 0:
            return
        # The columns' entries gathered from the column-wise copy in one step (a Python loop over
        # hundreds of thousands of columns cost seconds on national-stress).
        lengder = self.colptr[kol + 1] - self.colptr[kol]
        starts = np.concatenate([[0], np.cumsum(lengder)[:-1]]).astype(np.int64)
        pos = np.repeat(self.colptr[kol] - starts, lengder) + np.arange(int(lengder.sum()), dtype=np.int64)
        idx = self.csc_rad[pos]
        self.h.addCols(
            len(kol),
            self.c[kol],
            self.xl[kol],
            self.xu[kol],
            len(idx),
            starts.astype(np.int32),
            idx.astype(np.int32),
            self.csc_data[pos].astype(np.float64),
        )
        self.i_lp[kol] = True
        self.aktive = np.concatenate([self.aktive, kol])

    def sett_rad(self, rad: int, lo: float, hi: float) -> None:
        """Change both bounds of one row."""
        inf = self.hs_mod.kHighsInf
        self.h.changeRowBounds(int(rad), lo if np.isfinite(lo) else -inf, hi if np.isfinite(hi) else inf)
        self.lo[rad], self.hi[rad] = lo, hi

    def sett_kost(self, c: np.ndarray) -> None:
        """Change the objective (not in a sifted LP); the next solve starts from the basis."""
        assert not self.sikt
        c = np.asarray(c, dtype=np.float64)
        endret = np.flatnonzero(c != self.c)
        if endret.size:
            self.h.changeColsCost(endret.size, endret.astype(np.int32), c[endret])
            self.c = c.copy()

    def sett_kolonner(self, kol: np.ndarray, xl: np.ndarray, xu: np.ndarray) -> None:
        """Change the bounds of some columns (not in a sifted LP)."""
        assert not self.sikt
        if len(kol):
            self.h.changeColsBounds(
                len(kol), np.asarray(kol, dtype=np.int32), xl.astype(np.float64), xu.astype(np.float64)
            )
            self.xl[kol], self.xu[kol] = xl, xu

    def sett_radgrense(self, rader: np.ndarray, hi: np.ndarray) -> None:
        """Change the upper bounds of some rows (e.g. one more place in a unit)."""
        inf = self.hs_mod.kHighsInf
        for r, v in zip(rader, hi, strict=True):
            lo = self.lo[r] if np.isfinite(self.lo[r]) else -inf
            self.h.changeRowBounds(int(r), float(lo), float(v))
            self.hi[r] = v

    def basis(self) -> Any:
        """The current simplex basis (to start later re-solves from)."""
        return self.h.getBasis()

    def basisstatus(self) -> tuple[np.ndarray, np.ndarray]:
        """The current basis as HiGHS status integers per column (all of the model's columns:
        those sifting has not brought in are nonbasic at 0) and per row."""
        b = self.h.getBasis()
        kol = np.full(self.mm.n, int(self.hs_mod.HighsBasisStatus.kLower), dtype=np.int8)
        kol[self.aktive] = statuser(b.col_status)
        return kol, statuser(b.row_status)

    def sett_basis(self, basis: Any) -> None:
        """Start the next solve from ``basis`` (from ``basis()`` on a model of the same shape)."""
        self.h.setBasis(basis)

    def loes(self) -> Lpresultat:
        hs = self.hs_mod
        n = self.mm.n
        if n == 0:
            tom = np.zeros(0)
            infeasible = bool(np.any(self.lo > 0))
            return Lpresultat("INFEASIBLE" if infeasible else "OPTIMAL", tom, 0.0, True, tom, np.zeros(len(self.lo)))
        while True:
            self.h.run()
            st = self.h.getModelStatus()
            if st == hs.HighsModelStatus.kInfeasible and not self.sikt:
                return Lpresultat("INFEASIBLE", np.zeros(n), INF, False, np.zeros(n), np.zeros(len(self.lo)))
            if st == hs.HighsModelStatus.kInfeasible:
                # A restricted LP can be infeasible where the whole is not (locks): take every column.
                alle = np.flatnonzero(~self.i_lp)
                if alle.size == 0:
                    return Lpresultat("INFEASIBLE", np.zeros(n), INF, False, np.zeros(n), np.zeros(len(self.lo)))
                self._legg_til(alle)
                continue
            if st != hs.HighsModelStatus.kOptimal:
                return Lpresultat("FEIL", np.zeros(n), INF, False, np.zeros(n), np.zeros(len(self.lo)))
            sol = self.h.getSolution()
            x = np.zeros(n)
            x[self.aktive] = np.asarray(sol.col_value, dtype=np.float64)
            y = np.asarray(sol.row_dual, dtype=np.float64) if len(self.lo) else np.zeros(0)
            grense, d, ye = self.lagrange(y)
            if not self.sikt and grense <= float(self.c[self.aktive] @ x[self.aktive]) + 1e-9 * max(1.0, abs(grense)):
                # The bound already meets the vertex's value: the other sign cannot be
                # meaningfully smaller (HiGHS's duals have had this sign on every LP measured).
                break
            grense2, d2, ye2 = self.lagrange(-y)
            # Pricing needs the reduced costs in HiGHS's own sign convention (they must agree
            # with its column duals); the bound may take whichever sign gives the smaller value,
            # as it is valid for any multipliers.
            d_pris = d
            if self.sikt and self.aktive.size:
                kd = np.asarray(sol.col_dual, dtype=np.float64)
                if np.abs(d2[self.aktive] - kd).max() < np.abs(d[self.aktive] - kd).max():
                    d_pris = d2
            if grense2 < grense:
                grense, d, ye = grense2, d2, ye2
            if not self.sikt:
                break
            # Price the columns HiGHS has not seen: at 0, attractive when d > 0.
            utenfor = np.flatnonzero(~self.i_lp & (d_pris > 1e-9) & (self.xu > 0))
            if utenfor.size == 0:
                break
            maks = max(SIKT_MIN, int(utenfor.size * self.sikt_andel))
            if utenfor.size > maks:
                utenfor = utenfor[np.argsort(-d_pris[utenfor], kind="stable")[:maks]]
            self._legg_til(utenfor)
        heltallig = bool(np.all(np.abs(x - np.rint(x)) < 1e-6))
        return Lpresultat("OPTIMAL", np.rint(x) if heltallig else x, grense, heltallig, d, ye)

    def feilgrunnlag(self) -> Feilgrunnlag:
        """|A| and the column lengths, for the rounding-error terms (built once)."""
        if self._feil is None:
            self._feil = Feilgrunnlag.fra_modell(self.mm)
        return self._feil

    def lagrange(self, y: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """The Lagrangian bound for multipliers y (valid for any y; see the module docstring)."""
        return lagrangegrense(self.mm.a_t, self.c, y, self.lo, self.hi, self.xl, self.xu, self.feilgrunnlag())


ENHETSAVRUNDING = 2.0**-53
"""The unit roundoff of IEEE double precision (numpy's float64)."""


def _gamma(k: int) -> float:
    """γ_k = k·u / (1 − k·u): the relative error bound of k floating-point operations in a row
    (a sum or dot product of k terms, in any order; Higham, *Accuracy and Stability of Numerical
    Algorithms*, 2nd ed., §3.1)."""
    return k * ENHETSAVRUNDING / (1 - k * ENHETSAVRUNDING)


class Feilgrunnlag:
    """What the rounding-error term of ``lagrangegrense`` needs to know about the matrix: |A|
    (for |A|·w, with w a bound of |x|) and the most entries in one column (the length of the
    sums in Aᵀy). |A|·w is kept for the last w: a w that is nowhere larger gives a valid
    (larger) term, so narrowed column bounds (fixes, locks) do not recompute it. Plain numpy
    over the stored entries (a scipy matrix per LP cost more than the weekly call's small LPs)."""

    def __init__(self, rad: np.ndarray, kol: np.ndarray, abs_data: np.ndarray, m: int, n: int):
        self.rad, self.kol, self.abs_data, self.m, self.n = rad, kol, abs_data, m, n
        self.kmaks = int(np.bincount(kol, minlength=n).max(initial=0))
        self._w: np.ndarray | None = None
        self._aw: np.ndarray | None = None

    @classmethod
    def fra_modell(cls, mm: Matrisemodell) -> Feilgrunnlag:
        _, indices, data = mm.csr()
        return cls(mm.rad_av(), indices, np.abs(data), len(mm.lo), mm.n)

    @classmethod
    def fra_matrise(cls, a: sp.spmatrix) -> Feilgrunnlag:
        k = sp.coo_matrix(a)
        return cls(k.row, k.col, np.abs(k.data), a.shape[0], a.shape[1])

    def aw(self, w: np.ndarray) -> np.ndarray:
        """An upper bound of |A|·w, per row."""
        if self._w is None or self._aw is None or np.any(w > self._w):
            self._w = w.copy()
            self._aw = np.bincount(self.rad, weights=self.abs_data * w[self.kol], minlength=self.m)
        return self._aw

    def abs_a_t(self, v: np.ndarray) -> np.ndarray:
        """|A|ᵀ·v, per column."""
        return np.bincount(self.kol, weights=self.abs_data * v[self.rad], minlength=self.n)


def lagrangegrense(
    a_t: Callable[[np.ndarray], np.ndarray],
    c: np.ndarray,
    y: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    xl: np.ndarray,
    xu: np.ndarray,
    feil: Feilgrunnlag,
) -> tuple[float, np.ndarray, np.ndarray]:
    """The Lagrangian bound of max cᵀx over lo ≤ Ax ≤ hi, xl ≤ x ≤ xu for multipliers y (valid
    for any y; see the module docstring); ``a_t(v)`` is Aᵀv. Returns (bound, c − Aᵀy, y used).

    The bound is computed in floating point, so it carries a rounding-error term that makes it
    an upper bound of the exact Lagrangian value for these y, not only an approximation: each
    sum of k terms errs by at most γ_k times the sum of the terms' magnitudes (``_gamma``), a
    reduced cost d_j by γ_{k_j+1}·(|c_j| + Σ_i |a_ij·y_i|) (k_j entries in column j), which moves
    its column's term by at most that times max(|xl_j|, |xu_j|). The term is added twice over,
    to cover the rounding of its own computation. (Before, the callers' 1e-6 of slack stood for
    it: enough where every multiplier is an integer, as on the TU families, but not a proof.)"""
    y = np.where((y > 0) & np.isfinite(hi), y, np.where((y < 0) & np.isfinite(lo), y, 0.0))
    b = np.where(y > 0, np.where(np.isfinite(hi), hi, 0.0), np.where(y < 0, np.where(np.isfinite(lo), lo, 0.0), 0.0))
    yb = y * b
    rad = float(np.sum(np.where(y > 0, yb, 0.0)))
    rad += float(np.sum(np.where(y < 0, yb, 0.0)))
    d = c - a_t(y)
    ledd = np.where(d > 0, d * xu, d * xl)
    kol = float(np.sum(ledd))
    w = np.maximum(np.abs(xl), np.abs(xu))
    s_d = float(np.abs(c) @ w) + float(np.abs(y) @ feil.aw(w))
    avrunding = (
        _gamma(len(y) + 2) * float(np.abs(yb).sum())
        + _gamma(feil.kmaks + 2) * s_d
        + _gamma(len(c) + 2) * float(np.abs(ledd).sum())
        + ENHETSAVRUNDING * abs(rad + kol)
    )
    return rad + kol + 2.0 * avrunding, d, y


def statuser(liste: Any) -> np.ndarray:
    """HiGHS basis statuses (a list of enum members) as integers (``.value``: the fastest
    conversion measured, ~0.25 µs each)."""
    return np.array([v.value for v in liste], dtype=np.int8)


def heltall_verdi(c: np.ndarray, x: np.ndarray) -> int:
    """Exact integer objective of an integral vector, no rounding error: in int64 when no
    partial sum can overflow (|c|·Σ|x| < 2⁶², checked), else in Python integers. (The Python
    loop cost 1 ms per call on oslo-stress models with 2 000 placements, and the marginal
    values call it twice per unit.)"""
    nz = np.flatnonzero(x)
    if nz.size == 0:
        return 0
    cn, xn = np.asarray(c)[nz], np.rint(x[nz]).astype(np.int64)
    if float(np.abs(cn).max()) * float(np.abs(xn).sum()) < 2.0**62:
        return int(np.dot(cn.astype(np.int64), xn))
    return int(sum(int(cn[i]) * int(xn[i]) for i in range(nz.size)))


@dataclass
class Flate:
    """What every integer solution within the gap of the bound must satisfy: fixed columns
    and rows that must be tight (the reduced-cost and dual arguments of the module docstring)."""

    fast: dict[int, int]
    lo: np.ndarray
    hi: np.ndarray


def redusert_kost_fiksering(r: Lpresultat, gap: float, lp: Lp) -> Flate:
    """Columns and rows that every integer solution within ``gap`` of the bound must take at a
    bound. Each term of bound − value is non-negative, so none can exceed the gap; with
    integer data a term larger than the gap forces its column or row to its bound. A reduced
    cost is a floating-point number: a column is fixed only when its cost exceeds the gap by
    more than its own rounding error too (``lagrangegrense``)."""
    margin = gap + 1e-6 * max(1.0, abs(gap))
    feil = lp.feilgrunnlag()
    avrunding = 2.0 * _gamma(feil.kmaks + 2) * (np.abs(lp.c) + feil.abs_a_t(np.abs(r.y)))
    margin_j = np.maximum(margin, gap + avrunding)
    ned = np.flatnonzero((r.d < -margin_j) | (lp.xl == lp.xu))
    opp = np.flatnonzero(r.d > margin_j)
    fast: dict[int, int] = dict(zip(ned.tolist(), lp.xl[ned].astype(np.int64).tolist(), strict=True))
    fast.update(zip(opp.tolist(), lp.xu[opp].astype(np.int64).tolist(), strict=True))
    lo, hi = lp.lo.copy(), lp.hi.copy()
    tett_hi = r.y > margin
    tett_lo = r.y < -margin
    lo[tett_hi] = hi[tett_hi]
    hi[tett_lo] = lo[tett_lo]
    return Flate(fast, lo, hi)


SIKT_MIN = 1000

DUAL_MAKS_ITER = 40
"""Dual simplex pivots ``Basisforskyvning`` tries before it gives the «+1» back to HiGHS."""


class Basisforskyvning:
    """Raise some row upper bounds and read the new optimum off an optimal basis, without the
    LP solver — directly when the basis stays feasible, else after a few dual simplex pivots.

    Why this is exact. Changing row bounds leaves a basis's reduced costs unchanged, so it
    stays dual feasible. Its primal solution for the new bounds keeps every nonbasic column at
    its bound and every nonbasic (tight) row at its bound; the basic columns move by
    Δx_B = M⁻¹·Δb, where M is the square block tight rows × basic columns. If the moved x is
    within its bounds, the basis is still optimal. If not, the dual simplex (``_dual_simplex``:
    the leaving variable by steepest-edge weights, the entering one by a bound-flipping ratio
    test, product-form updates of the inverse) walks from that dual feasible basis to a primal
    feasible one — on oslo-stress in one to three pivots, as a «+1» disturbs few rows.
    Nothing here rests on those arguments alone: ``flytt`` returns x only when it is integral,
    within its column bounds (the columns that moved checked in ``flytt``, the others as part
    of x0 in ``__init__``), every row holds with the new bounds (the activities A·x computed
    from x itself), and its value reaches a certified Lagrangian bound of the new problem — for
    the shifted basis the base multipliers give bound + Σ y⁺·Δhi (``Lp.lagrange`` is linear in
    hi); after pivots the bound is computed afresh from the final basis's multipliers.
    Otherwise None, and the caller re-solves. Used for the marginal values, where HiGHS's own
    cost per re-solve (model checks on every run, measured 17–40 ms on the Oslo families even
    with no simplex iteration) dominates."""

    def __init__(self, lp: Lp, r: Lpresultat, basis: Any, maks_pivoter: int | None = None, dual_fra_rader: int = 1000):
        """``maks_pivoter``: dual simplex pivots allowed per ``flytt`` (default ``DUAL_MAKS_ITER``
        on models with at least ``dual_fra_rader`` rows — ``Strategi.dual_fra_rader`` — else 0)."""
        mm = lp.mm
        m = len(lp.lo)
        if r.status != "OPTIMAL" or not r.heltallig:
            raise ValueError("trenger en optimal, heltallig basisløsning")
        # The base problem, copied: the LP object may be re-solved with other bounds meanwhile.
        self.lo, self.hi, self.xl, self.xu, self.c = lp.lo.copy(), lp.hi.copy(), lp.xl.copy(), lp.xu.copy(), lp.c
        self.x0 = r.x
        if np.any(self.x0 < self.xl - 1e-9) or np.any(self.x0 > self.xu + 1e-9):
            raise ValueError("basisløsningen er utenfor kolonnegrensene")
        self.verdi0 = heltall_verdi(self.c, self.x0)
        self.grense0 = r.grense
        self.y = r.y
        self.n, self.m = mm.n, m
        cs = statuser(basis.col_status)
        rs = statuser(basis.row_status)
        if cs.size != mm.n or rs.size != m:
            raise ValueError("basisen hører til en annen modell")
        status = lp.hs_mod.HighsBasisStatus
        basisk = int(status.kBasic)
        self.kb = np.flatnonzero(cs == basisk)
        self.xl_kb = self.xl[self.kb] - 1e-9
        self.xu_kb = self.xu[self.kb] + 1e-9
        rn = np.flatnonzero(rs != basisk)
        if rn.size != self.kb.size:
            raise ValueError("ikke en gyldig basis")
        a = mm.matrise()
        self.a_kol = a.tocsc()
        self.pos = np.full(m, -1, dtype=np.int64)
        self.pos[rn] = np.arange(rn.size)
        self.lu = splu(a[rn][:, self.kb].tocsc()) if rn.size else None  # RuntimeError if singular
        self.ax0 = a @ self.x0
        self.laas = threading.Lock()  # SuperLU's solve is not documented as thread-safe
        self.maks_pivoter = (DUAL_MAKS_ITER if m >= dual_fra_rader else 0) if maks_pivoter is None else maks_pivoter
        self.lu_full = None
        if self.maks_pivoter > 0 and m:
            # For the dual simplex: variables z = (x, r) with A·x − r = 0, the base basis (basic
            # columns, then the rows whose activity is basic) and where each nonbasic one sits.
            self.a_full = sp.hstack([self.a_kol, -sp.identity(m, format="csc")], format="csc")
            self.a_full_r = self.a_full.tocsr()
            self.a_full_t = self.a_full.T.tocsr()
            self.basis0 = np.concatenate([self.kb, mm.n + np.flatnonzero(rs == basisk)]).astype(np.int64)
            ovre = int(status.kUpper)
            self.ved_ovre0 = np.concatenate([cs == ovre, rs == ovre])
            # A nonbasic column HiGHS reports «at lower» while the solution has it at its upper
            # bound: go by the solution.
            self.ved_ovre0[: mm.n] |= (cs != basisk) & (self.x0 >= self.xu) & (self.xu > self.xl)
            self.cz = np.concatenate([self.c, np.zeros(m)])
            with contextlib.suppress(RuntimeError):  # singular: no pivots from this basis
                self.lu_full = splu(self.a_full[:, self.basis0].tocsc())
        self.pivoter = 0  # pivots done (for measurements)
        self.feil: Feilgrunnlag | None = None  # for bounds after pivots (``lagrangegrense``)

    def flytt(self, rader: np.ndarray, hi: np.ndarray) -> np.ndarray | None:
        """The proven optimum (integral x) when ``rader`` get upper bounds ``hi``, or None."""
        delta = hi - self.hi[rader]
        x = self.x0.copy()
        # The columns x may differ from x0 in: the basic ones here, all after pivots. The rest
        # keep x0's values, which __init__ checked (integral, within bounds).
        kan_endres: np.ndarray | None = self.kb
        b = np.zeros(self.kb.size)
        tette = self.pos[rader] >= 0
        b[self.pos[rader][tette]] = delta[tette]
        if b.any():
            if self.lu is None:
                return None
            with self.laas:
                dx = self.lu.solve(b)
            x[self.kb] += dx
        hi_alle = self.hi.copy()
        hi_alle[rader] = hi
        # The base bound moved by what the raised rows add at the base multipliers, with the
        # rounding of that sum and of the raised rows' share of the error term (``lagrangegrense``).
        hevet = np.maximum(self.y[rader], 0.0) * delta
        tillegg = float(np.sum(hevet))
        grense = self.grense0 + tillegg
        grense += 2.0 * (_gamma(len(rader) + 2) * float(np.abs(hevet).sum()) + ENHETSAVRUNDING * abs(grense))
        xb = x[self.kb]
        if np.any(xb < self.xl_kb) or np.any(xb > self.xu_kb):
            res = self._dual_simplex(hi_alle)
            if res is None:
                return None
            x, y = res
            kan_endres = None
            if self.feil is None:
                self.feil = Feilgrunnlag.fra_matrise(self.a_kol)
            grense = min(
                lagrangegrense(lambda v: self.a_kol.T @ v, self.c, v, self.lo, hi_alle, self.xl, self.xu, self.feil)[0]
                for v in (y, -y)
            )
        ks = np.arange(self.n) if kan_endres is None else kan_endres
        xs = x[ks]
        # Without pivots the basic columns' bounds were checked just above.
        if kan_endres is None and (np.any(xs < self.xl - 1e-9) or np.any(xs > self.xu + 1e-9)):
            return None
        if np.any(np.abs(xs - np.rint(xs)) > 1e-6):
            return None
        x[ks] = np.rint(xs)
        endret = ks[x[ks] != self.x0[ks]]
        ax = self.ax0 + self.a_kol[:, endret] @ (x[endret] - self.x0[endret])
        if np.any(ax > hi_alle + 1e-9) or np.any(ax < self.lo - 1e-9):
            return None
        # The value of x, exactly: x0's plus the changes.
        if np.floor(grense + 1e-6) > self.verdi0 + heltall_verdi(self.c[endret], x[endret] - self.x0[endret]):
            return None
        return x

    def _dual_simplex(self, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Dual simplex from the base basis on the problem with row upper bounds ``hi``: the
        primal x and the row multipliers y of the first primal feasible basis, or None after
        ``maks_pivoter`` pivots (or when no column can enter: the raised problem would be
        infeasible, which raising bounds cannot make it). The base basis is factorised once
        (``__init__``); each pivot adds an elementary matrix (product form of the inverse) and
        updates the basic values and reduced costs by the pivot's row and column, so a pivot
        costs a few triangular solves and one product with Aᵀ. The result is checked by
        ``flytt`` (from x itself, not from these updates)."""
        n, m = self.n, self.m
        if self.lu_full is None or self.maks_pivoter == 0:
            return None
        zl = np.concatenate([self.xl, self.lo])
        zu = np.concatenate([self.xu, hi])
        basis = self.basis0.copy()
        ved_ovre = self.ved_ovre0.copy()
        i_basis = np.zeros(n + m, dtype=bool)
        i_basis[basis] = True
        kan_flytte = zl < zu
        tol = 1e-9
        etaer: list[tuple[int, np.ndarray]] = []  # (row p, B⁻¹·a_q of the entering column)
        lu = self.lu_full

        def ftran(b: np.ndarray) -> np.ndarray:  # B⁻¹·b
            with self.laas:
                v = lu.solve(b)
            for p, a in etaer:
                vp = v[p] / a[p]
                v -= vp * a
                v[p] = vp
            return v

        def btran(b: np.ndarray) -> np.ndarray:  # B⁻ᵀ·b
            u = b.copy()
            for p, a in reversed(etaer):
                u[p] = (u[p] - (a @ u - a[p] * u[p])) / a[p]
            with self.laas:
                return lu.solve(u, trans="T")

        z = np.where(ved_ovre, zu, zl)
        z[i_basis] = 0.0
        if not np.all(np.isfinite(z)):
            return None  # a nonbasic variable without a finite bound: not this method's case
        z[basis] = ftran(-(self.a_full_r @ z))
        d = self.cz - self.a_full_t @ btran(self.cz[basis])  # reduced costs (0 on the basis)
        vekt = np.ones(m)  # dual steepest-edge weights ‖row i of B⁻¹‖², from 1 (devex start)
        for it in range(self.maks_pivoter + 1):
            zb = z[basis]
            under = zl[basis] - zb
            over = zb - zu[basis]
            brudd = np.maximum(under, over)
            if brudd.max() <= 1e-9:
                return z[:n], btran(self.cz[basis])
            p = int(np.argmax(np.where(brudd > 1e-9, brudd * brudd / vekt, 0.0)))
            if it == self.maks_pivoter:
                return None
            self.pivoter += 1
            e = np.zeros(m)
            e[p] = 1.0
            rho = btran(e)
            alfa = self.a_full_t @ rho  # ∂z_B[p]/∂z_q = −alfa_q
            opp = under[p] > 0  # z_B[p] must rise to its lower bound (else sink to its upper)
            fri = ~i_basis & kan_flytte
            if opp:
                valgbar = fri & ((~ved_ovre & (alfa < -tol)) | (ved_ovre & (alfa > tol)))
            else:
                valgbar = fri & ((~ved_ovre & (alfa > tol)) | (ved_ovre & (alfa < -tol)))
            kand = np.flatnonzero(valgbar)
            if kand.size == 0:
                return None
            # Bound-flipping ratio test: walk the breakpoints |d_j/alfa_j| in order (ties: the
            # larger pivot element first); a 0/1 column whose breakpoint is passed while the
            # leaving variable is still infeasible goes to its other bound instead of entering.
            forhold = np.abs(d[kand]) / np.abs(alfa[kand])
            orden = np.lexsort((kand, -np.abs(alfa[kand]), forhold))
            helling = brudd[p]
            q = -1
            vend: list[int] = []
            for j in kand[orden]:
                spenn = zu[j] - zl[j]
                etter = helling - abs(alfa[j]) * spenn
                if not np.isfinite(spenn) or etter <= 1e-9:
                    q = int(j)
                    break
                vend.append(int(j))
                helling = etter
            if q < 0:
                return None
            if vend:
                f = np.asarray(vend, dtype=np.int64)
                ny = np.where(ved_ovre[f], zl[f], zu[f])
                kol = np.zeros(m)
                for j, dz in zip(f, ny - z[f], strict=True):
                    a, b = self.a_full.indptr[j], self.a_full.indptr[j + 1]
                    kol[self.a_full.indices[a:b]] += dz * self.a_full.data[a:b]
                z[basis] -= ftran(kol)
                z[f] = ny
                ved_ovre[f] = ~ved_ovre[f]
                zb = z[basis]
            kol = np.zeros(m)
            a, b = self.a_full.indptr[q], self.a_full.indptr[q + 1]
            kol[self.a_full.indices[a:b]] = self.a_full.data[a:b]
            a_q = ftran(kol)
            if abs(a_q[p]) < 1e-9 or abs(a_q[p] - alfa[q]) > 1e-7 * max(1.0, abs(alfa[q])):
                return None  # numerically unsafe pivot (row and column disagree): leave it to HiGHS
            # The leaving variable goes to the bound it violated; the entering one moves so far.
            ut = int(basis[p])
            maal = zl[ut] if opp else zu[ut]
            steg = (zb[p] - maal) / a_q[p]
            z[basis] -= steg * a_q
            z[q] += steg
            z[ut] = maal
            tau = ftran(rho)
            r = a_q / a_q[p]
            wp = vekt[p]
            vekt = np.maximum(vekt - 2.0 * r * tau + r * r * wp, 1e-4)
            vekt[p] = max(wp / (a_q[p] * a_q[p]), 1e-4)
            theta = d[q] / alfa[q]  # y moves by theta·(row p of B⁻ᵀ) so that d_q becomes 0
            d -= theta * alfa
            d[q], d[ut] = 0.0, -theta
            etaer.append((p, a_q))
            basis[p] = q
            i_basis[q] = True
            i_basis[ut] = False
            ved_ovre[ut] = not opp
        return None


def lag_basis(kol: np.ndarray, rad: np.ndarray) -> Any:
    """A HiGHS basis from status integers per column and row (as ``Lp.basisstatus`` gives)."""
    import highspy

    etter_verdi = {int(v): v for v in highspy.HighsBasisStatus.__members__.values()}
    b = highspy.HighsBasis()
    b.col_status = [etter_verdi[v] for v in kol.tolist()]
    b.row_status = [etter_verdi[v] for v in rad.tolist()]
    b.valid = True
    return b
