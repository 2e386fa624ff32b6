"""The LP relaxation (HiGHS simplex) of a matrix model, with a *certified* bound.

Why this is exact. The bound is not HiGHS's word for it: from any row multipliers y we compute
the Lagrangian bound

    cᵀx = yᵀAx + (c − Aᵀy)ᵀx ≤ Σ_r (y_r⁺·hi_r − y_r⁻·lo_r) + Σ_j max(d_j·u_j, d_j·l_j),   d = c − Aᵀy,

which holds for every x with lo ≤ Ax ≤ hi and l ≤ x ≤ u, whatever y is (a multiplier whose
side is unbounded is set to 0). When the simplex vertex is integral and its exact integer
objective z satisfies bound − z < 1, no integer solution can be better: z is proven optimal.
For langtid and bolig without couples the constraint matrix (one row per søker, nested
capacity rows per unit) is the union of two laminar families, hence totally unimodular, so
the LP vertex is integral and level 1 is proven here in milliseconds.

Reduced-cost fixing. With an integer solution of value z and the bound B, any solution with
value ≥ z has x_j = 0 where d_j < −(B − z) and x_j = 1 where d_j > B − z (moving such a column
would cost more than the whole gap). Those columns are fixed before CP-SAT sees the model.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from allokering.modell import INF, Matrisemodell

_BANNER_LAAS = threading.Lock()


@contextlib.contextmanager
def _uten_banner() -> Iterator[None]:
    """HiGHS prints a banner on stdout when constructed; keep the CLI output clean. The
    redirection is process-wide, so threads take turns (else one could restore another's
    /dev/null as stdout)."""
    with _BANNER_LAAS:
        try:
            fd = os.dup(1)
        except OSError:  # no stdout
            yield
            return
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                yield
        finally:
            os.dup2(fd, 1)
            os.close(fd)


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
    ):
        """``startkolonner``: solve by sifting — HiGHS sees only these columns at first; after
        each solve every other column is priced with the duals (c − Aᵀy) and the attractive ones
        are added, until none is left. The result is the LP optimum of the whole model."""
        import highspy

        self.hs_mod = highspy
        self.mm = mm
        self.c = np.asarray(c, dtype=np.float64)
        self.indptr, self.indices, self.data = mm.csr()
        self.rad_av = mm.rad_av()
        self.lo = np.asarray(mm.lo if lo is None else lo, dtype=np.float64)
        self.hi = np.asarray(mm.hi if hi is None else hi, dtype=np.float64)
        self.xl = np.asarray(mm.nedre, dtype=np.float64) if xl is None else xl.astype(np.float64)
        self.xu = np.asarray(mm.ovre, dtype=np.float64) if xu is None else xu.astype(np.float64)
        with _uten_banner():
            h = highspy.Highs()
        h.setOptionValue("output_flag", False)
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
        starts: list[int] = []
        idx: list[int] = []
        val: list[float] = []
        for j in kol:
            a, b = self.colptr[j], self.colptr[j + 1]
            starts.append(len(idx))
            idx.extend(self.csc_rad[a:b])
            val.extend(self.csc_data[a:b])
        self.h.addCols(
            len(kol),
            self.c[kol],
            self.xl[kol],
            self.xu[kol],
            len(idx),
            np.asarray(starts, dtype=np.int32),
            np.asarray(idx, dtype=np.int32),
            np.asarray(val, dtype=np.float64),
        )
        self.i_lp[kol] = True
        self.aktive = np.concatenate([self.aktive, kol])

    def sett_rad(self, rad: int, lo: float, hi: float) -> None:
        """Change both bounds of one row."""
        inf = self.hs_mod.kHighsInf
        self.h.changeRowBounds(int(rad), lo if np.isfinite(lo) else -inf, hi if np.isfinite(hi) else inf)
        self.lo[rad], self.hi[rad] = lo, hi

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
            maks = max(2000, utenfor.size // 4)
            if utenfor.size > maks:
                utenfor = utenfor[np.argsort(-d_pris[utenfor], kind="stable")[:maks]]
            self._legg_til(utenfor)
        heltallig = bool(np.all(np.abs(x - np.rint(x)) < 1e-6))
        return Lpresultat("OPTIMAL", np.rint(x) if heltallig else x, grense, heltallig, d, ye)

    def lagrange(self, y: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """The Lagrangian bound for multipliers y (valid for any y; see the module docstring)."""
        y = np.where((y > 0) & np.isfinite(self.hi), y, np.where((y < 0) & np.isfinite(self.lo), y, 0.0))
        rad = float(np.sum(np.where(y > 0, y * np.where(np.isfinite(self.hi), self.hi, 0.0), 0.0)))
        rad += float(np.sum(np.where(y < 0, y * np.where(np.isfinite(self.lo), self.lo, 0.0), 0.0)))
        aty = np.bincount(self.indices, weights=self.data * y[self.rad_av], minlength=self.mm.n)
        d = self.c - aty
        kol = float(np.sum(np.where(d > 0, d * self.xu, d * self.xl)))
        return rad + kol, d, y


def heltall_verdi(c: np.ndarray, x: np.ndarray) -> int:
    """Exact integer objective of an integral vector (Python integers, no rounding error)."""
    xr = np.rint(x).astype(np.int64)
    return int(sum(int(c[j]) * int(xr[j]) for j in np.flatnonzero(xr)))


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
    integer data a term larger than the gap forces its column or row to its bound."""
    margin = gap + 1e-6 * max(1.0, abs(gap))
    fast: dict[int, int] = {}
    for j in np.flatnonzero((r.d < -margin) | (lp.xl == lp.xu)):
        fast[int(j)] = int(lp.xl[j])
    for j in np.flatnonzero(r.d > margin):
        fast[int(j)] = int(lp.xu[j])
    lo, hi = lp.lo.copy(), lp.hi.copy()
    tett_hi = r.y > margin
    tett_lo = r.y < -margin
    lo[tett_hi] = hi[tett_hi]
    hi[tett_lo] = lo[tett_lo]
    return Flate(fast, lo, hi)


class Basisforskyvning:
    """Raise some row upper bounds and read the new optimum off an optimal basis, without the
    LP solver — when the basis stays feasible.

    Why this is exact. Changing row bounds leaves a basis's reduced costs unchanged, so it
    stays dual feasible. Its primal solution for the new bounds keeps every nonbasic column at
    its bound and every nonbasic (tight) row at its bound; the basic columns move by
    Δx_B = M⁻¹·Δb, where M is the square block tight rows × basic columns. If the moved x is
    within its bounds, the basis is still optimal. Nothing here rests on that argument alone:
    ``flytt`` returns x only when it is integral, within its column bounds, every row holds with
    the new bounds (the activities A·x, computed as A·x₀ plus the columns that moved), and its value
    reaches the certified Lagrangian bound of the new problem — the base multipliers y give
    bound + Σ y⁺·Δhi (``Lp.lagrange`` is linear in hi). Otherwise None, and the caller re-solves.
    Used for the marginal values, where HiGHS's own cost per re-solve (model checks on every
    run, measured 17–40 ms on the Oslo families even with no simplex iteration) dominates."""

    def __init__(self, lp: Lp, r: Lpresultat, basis: Any):
        mm = lp.mm
        m = len(lp.lo)
        if r.status != "OPTIMAL" or not r.heltallig:
            raise ValueError("trenger en optimal, heltallig basisløsning")
        # The base problem, copied: the LP object may be re-solved with other bounds meanwhile.
        self.lo, self.hi, self.xl, self.xu, self.c = lp.lo.copy(), lp.hi.copy(), lp.xl.copy(), lp.xu.copy(), lp.c
        self.x0 = r.x
        self.grense0 = r.grense
        self.y = r.y
        cs = np.fromiter((int(v) for v in basis.col_status), dtype=np.int8, count=mm.n)
        rs = np.fromiter((int(v) for v in basis.row_status), dtype=np.int8, count=m)
        basisk = int(lp.hs_mod.HighsBasisStatus.kBasic)
        self.kb = np.flatnonzero(cs == basisk)
        rn = np.flatnonzero(rs != basisk)
        if rn.size != self.kb.size:
            raise ValueError("ikke en gyldig basis")
        indptr, indices, data = mm.csr()
        a = sp.csr_matrix((data, indices, indptr), shape=(m, mm.n))
        self.a_kol = a.tocsc()
        self.pos = np.full(m, -1, dtype=np.int64)
        self.pos[rn] = np.arange(rn.size)
        self.lu = splu(a[rn][:, self.kb].tocsc()) if rn.size else None  # RuntimeError if singular
        self.ax0 = a @ self.x0
        self.laas = threading.Lock()  # SuperLU's solve is not documented as thread-safe

    def flytt(self, rader: np.ndarray, hi: np.ndarray) -> np.ndarray | None:
        """The proven optimum (integral x) when ``rader`` get upper bounds ``hi``, or None."""
        delta = hi - self.hi[rader]
        x = self.x0.copy()
        b = np.zeros(self.kb.size)
        tette = self.pos[rader] >= 0
        b[self.pos[rader][tette]] = delta[tette]
        if b.any():
            if self.lu is None:
                return None
            with self.laas:
                dx = self.lu.solve(b)
            x[self.kb] += dx
        if np.any(x < self.xl - 1e-9) or np.any(x > self.xu + 1e-9) or np.any(np.abs(x - np.rint(x)) > 1e-6):
            return None
        x = np.rint(x)
        endret = np.flatnonzero(x != self.x0)
        ax = self.ax0 + self.a_kol[:, endret] @ (x[endret] - self.x0[endret])
        hi_alle = self.hi.copy()
        hi_alle[rader] = hi
        if np.any(ax > hi_alle + 1e-9) or np.any(ax < self.lo - 1e-9):
            return None
        grense = self.grense0 + float(np.sum(np.maximum(self.y[rader], 0.0) * delta))
        if np.floor(grense + 1e-6) > heltall_verdi(self.c, x):
            return None
        return x
