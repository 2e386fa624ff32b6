"""Likebehandling: the fifth and last lexicographic level, which makes the optimum unique.

Several plans are often equally good on the four levels (placements, couples, preferences,
moves). Which one a solver returns would then depend on LP pricing, candidate order and how a
family is modelled, so the same case could give a different answer next year. This level picks
one of them by a rule a saksbehandler can read (``docs/likebehandling.md``):

1. The søkere are put in one order: higher priority first, then the earlier søknad date, then
   the lower søker id. Locks do not change the order (a lock that only confirms the proposal
   must not move anyone else).
2. Among the plans that are optimal on levels 1–4, the first søker in that order gets its best
   outcome, then the second søker its best outcome among the plans left, and so on. A søker's
   outcomes are ranked: placed before not placed, then the higher value for this søker
   (level-1 points: earlier start), more preference points, the earlier start day, the unit
   (lower id; a group of interchangeable units counts as its lowest id), and last the model's
   candidate number (only reached by two candidates for the very same stay).
3. Søkere who can use exactly the same units with the same stay (a class) share the places
   the class gets: those are filled from the lowest unit id up (per class and start day, in
   class and start order), and handed out in the søker order of point 1.

This is an exact lexicographic optimum, not a heuristic: ``kanoniser`` takes any optimal plan
and walks the søkere in order. A søker whose outcome in the current plan is already its best
outcome still possible (its best candidate not excluded by the face of the optimum or by the
choices made for earlier søkere) keeps it — no plan can give it more. Otherwise one step
maximises the outcomes of the next søkere in order (mixed-radix weights) over the plans with
levels 1–4 at their optimal values and every earlier choice fixed: a warm-started LP on the face
of the optimum when it proves its answer (integral, every row and level held, certified bound
within 1; weights below 2³⁰), else CP-SAT (weights within 62 bits); the answer becomes the current
plan. The same walk then fixes the class flows in unit order, several groups per step. The
result depends only on the set of optimal plans and the rule, not on which optimum the solver
started from, so the CP-SAT, LP, sifting and two-step paths, any thread count and any input
order give byte-identical placements.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from allokering.kandidater import Delproblem
from allokering.lp import Lp, Lpresultat, heltall_verdi
from allokering.modell import Cpsat, Matrisemodell, gjennomforbar, til_cpsat

GRENSE = 2**60
"""The sum of |coefficient| × domain of one CP-SAT step's objective stays below this (CP-SAT
rejects a model whose linear expressions could overflow int64)."""


def soker_rang(dp: Delproblem) -> dict[str, int]:
    """Each søker's place in the order of point 1 (0 = first)."""
    return dp.rang()


def ordningsenheter(dp: Delproblem) -> list[str]:
    """The unit each candidate counts as in the order of point 2: its own, or for a class
    candidate the class's lowest unit id (a group of interchangeable units counts as its lowest)."""
    forste = {k.id: min(k.enheter) if k.enheter else "" for k in dp.klasser}
    return [k.enhet if k.enhet is not None else forste.get(int(k.klasse), "") for k in dp.kandidater]  # type: ignore[arg-type]


def kandidatnokkel(dp: Delproblem) -> Callable[[int], tuple[int, int, int, str, int]]:
    """Sort key of a candidate within one søker's outcomes (best first; see point 2)."""
    kk = dp.kandidater
    enheter = ordningsenheter(dp)

    def nokkel(i: int) -> tuple[int, int, int, str, int]:
        k = kk[i]
        return (-k.verdi, -k.pref, k.start, enheter[i], i)

    return nokkel


LP_GRENSE = 2**30
"""The same for one LP step. The certified bound carries its rounding-error term
(``lp.lagrangegrense``), so a step with larger weights is not wrong, only more often unproven
(the term grows with the weights; an unproven step goes to CP-SAT). Measured 5.12.2026: at 2³⁰
the term stayed below 0.03 on every step of the bundled Sandefjord case, every step was proven,
and the walk took 10/5/2/1 LP steps in its families against 14/8/3/1 at 2²⁰ (0.04 → 0.03 s);
oslo-stress bolig 70 → 46 steps, every one proven; the plans identical."""

LP_FEIL_MAKS = 20
"""After this many LP steps that did not prove their answer in one family, the rest go straight to
CP-SAT (an LP that is fractional on this face tends to stay so)."""


@dataclass
class Kanonisering:
    """What ``kanoniser`` did (for tests and measurements)."""

    x: np.ndarray
    cpsat_steg: int = 0
    lp_steg: int = 0


class Ikkekanonisk(RuntimeError):
    """CP-SAT could not prove a step of the walk within its time (the plan stays as solved)."""


def kanoniser(
    dp: Delproblem,
    x: np.ndarray,
    modell: Callable[[], Matrisemodell],
    fast: dict[int, int] | None = None,
    lo: np.ndarray | None = None,
    hi: np.ndarray | None = None,
    tidsgrense_s: float = 30.0,
    bruk_lp: bool = True,
) -> Kanonisering:
    """The plan of the rule (see the module docstring) from an optimal plan ``x`` (candidates,
    then class flows, then any helper columns of the matrix model).

    ``modell`` gives the family's matrix model; it is only called when a CP-SAT step is needed.
    ``fast``/``lo``/``hi``: the face of the optimum (columns and rows every optimal plan has at
    a bound, from the certified bound); used to skip CP-SAT where the current plan is already
    best, and passed to CP-SAT as valid restrictions. ``bruk_lp`` False: every step by CP-SAT
    (``Strategi.likebehandling_lp``)."""
    x = np.rint(np.asarray(x, dtype=np.float64))
    fast = fast or {}
    nk = len(dp.kandidater)
    rang = soker_rang(dp)
    rekke = sorted(rang, key=rang.__getitem__)
    egne, egne_np = _egne_kandidater(dp, rekke)
    mulig = np.ones(nk, dtype=bool)
    for j, v in fast.items():
        if v == 0 and j < nk:
            mulig[j] = False
    valgt: dict[str, int] = {}  # søker → chosen candidate, −1 = not placed
    fester: list[tuple[np.ndarray, np.ndarray]] = []  # (flow columns, their values) fixed before ``cp``
    steg = 0
    lp_steg = 0
    cp: Cpmodell | None = None

    def gjeldende(s: str) -> int:
        for j in egne[s]:
            if x[j] > 0.5:
                return j
        return -1

    def beste_mulige(s: str) -> int:
        for j in egne[s]:
            if mulig[j] and all(valgt.get(p, j) == j for p in dp.kandidater[j].personer):
                return j
        return -1

    def velg(s: str, j: int) -> None:
        valgt[s] = j
        if j >= 0:
            for p in dp.kandidater[j].personer:
                valgt[p] = j
            behold = mulig[j]
            mulig[egne_np[s]] = False
            mulig[j] = behold
        else:
            mulig[egne_np[s]] = False
        if cp is not None:
            cp.fest_soker(egne_np[s], j)

    def modellen() -> Cpmodell:
        nonlocal x
        mm = modell()
        if x.size < mm.n:
            x = np.concatenate([x, np.zeros(mm.n - x.size)])
        ny = Cpmodell(mm, x, fast, lo, hi, tidsgrense_s, bruk_lp)
        for s2, j2 in valgt.items():
            ny.fest_soker(egne_np[s2], j2)
        for c2, v2 in fester:
            ny.fest_kolonner(c2, v2)
        return ny

    def gruppe_fra(i: int, grense: int) -> tuple[list[str], list[tuple[list[int], list[int], int]]]:
        """The next søkere in order from ``rekke[i]``, as many as their outcome ranges fit in one
        objective with |coefficient| × domain summed below ``grense``: adding a søker with n
        candidates still possible multiplies the earlier weights by n + 1 and adds 1 + … + n.
        Each søker's candidates score n, n − 1, … in its order, not placed 0."""
        gruppe: list[str] = []
        produkt = 1
        sum_abs = 0
        kandidater_av: dict[str, list[int]] = {}
        for s2 in rekke[i:]:
            if s2 in valgt:
                continue
            # Only the candidates still possible (the face excludes the rest from every optimum).
            kandidater_av[s2] = [j for j in egne[s2] if mulig[j]]
            omfang = len(kandidater_av[s2]) + 1
            ny_sum = sum_abs * omfang + omfang * (omfang - 1) // 2
            if gruppe and ny_sum >= grense:
                break
            gruppe.append(s2)
            produkt *= omfang
            sum_abs = ny_sum
        ledd: list[tuple[list[int], list[int], int]] = []
        vekt = produkt
        for s2 in gruppe:
            n2 = len(kandidater_av[s2])
            vekt //= n2 + 1
            ledd.append((kandidater_av[s2], [n2 - r for r in range(n2)], vekt))
        return gruppe, ledd

    i = 0
    while i < len(rekke):
        s = rekke[i]
        if s in valgt:
            i += 1
            continue
        naa = gjeldende(s)
        if naa == beste_mulige(s):
            velg(s, naa)
            i += 1
            continue
        if cp is None:
            cp = modellen()
        # The first søker may get more: an LP on the face maximises the outcomes of the next
        # søkere in order at once (mixed-radix weights, warm-started from the last step; exact
        # when it proves its answer), with weights small enough for its certified bound; else
        # CP-SAT. (Proving first that a run of søkere already has its best, with one LP per
        # run, cost more on the bundled cases: the plan a solver returns is seldom the rule's.)
        gruppe, ledd = gruppe_fra(i, LP_GRENSE)
        ny = cp.lp_maksimer(ledd, x)
        if ny is not None:
            x = ny
            lp_steg += 1
            for s2 in gruppe:
                if s2 not in valgt:
                    velg(s2, gjeldende(s2))
            continue
        gruppe, ledd = gruppe_fra(i, GRENSE)
        x = cp.maksimer(ledd, x)
        steg += 1
        for s2 in gruppe:
            if s2 not in valgt:
                velg(s2, gjeldende(s2))
    # The class flows: per class and start day, fill the lowest unit id first. The candidates are
    # all fixed by now, so each group's total is too; the flows of all groups form one sequence
    # (groups in order, units in order) maximised lexicographically.
    grupper = sorted(dp.strom_per_klasse_start.items())
    kol_f = grp_f = igjen = grunn = tak_f = np.zeros(0, dtype=np.int64)
    if grupper:
        # Flow columns in order: groups in order, units in id order within a group.
        strom_idx = [idx for _, idx in grupper]
        lengder = [len(idx) for idx in strom_idx]
        alle = np.fromiter(itertools.chain.from_iterable(strom_idx), dtype=np.int64, count=sum(lengder))
        gruppe_av = np.repeat(np.arange(len(grupper)), lengder)
        enhetsnavn = [dp.strommer[j].enhet for j in alle.tolist()]
        navnrang = {u: r for r, u in enumerate(sorted(set(enhetsnavn)))}
        orden = np.lexsort((np.array([navnrang[u] for u in enhetsnavn], dtype=np.int64), gruppe_av))
        kol_f = nk + alle[orden]
        grp_f = gruppe_av[orden]
        # What each group's members take in the plan (fixed by now).
        medlemmer = [dp.per_klasse_start.get(g, []) for g, _ in grupper]
        mlengder = [len(v) for v in medlemmer]
        midx = np.fromiter(itertools.chain.from_iterable(medlemmer), dtype=np.int64, count=sum(mlengder))
        igjen = np.rint(
            np.bincount(np.repeat(np.arange(len(grupper)), mlengder), weights=x[midx], minlength=len(grupper))
        ).astype(np.int64)
        grunn = igjen + 1  # a flow's values lie in 0 … members
        maks_f = np.array([dp.strommer[c - nk].maks for c in kol_f.tolist()], dtype=np.int64)
        tak_f = np.minimum(maks_f, np.array([fast.get(c, _STOR) for c in kol_f.tolist()], dtype=np.int64))
    pos = 0
    while pos < kol_f.size:
        # The run of flows from ``pos`` that already take all they can, in order (each flow's
        # room: its group's members not yet in an earlier unit, its maximum and the face).
        xv = np.rint(x[kol_f[pos:]]).astype(np.int64)
        g = grp_f[pos:]
        foer = np.cumsum(xv) - xv  # taken before each flow in this sequence …
        ny_gruppe = np.r_[True, g[1:] != g[:-1]]
        foer -= np.maximum.accumulate(np.where(ny_gruppe, foer, 0))  # … within its group
        tak = np.minimum(igjen[g] - foer, tak_f[pos:])
        feil = np.flatnonzero(xv != tak)
        lengde = int(feil[0]) if feil.size else xv.size
        if lengde:
            _fest_strommer(kol_f[pos : pos + lengde], xv[:lengde], grp_f[pos : pos + lengde], igjen, fester, cp)
            pos += lengde
            continue
        if cp is None:
            cp = modellen()
        # The next flows in order at once (mixed radix: the group's members + 1), across
        # groups: an LP step when it proves its answer, else CP-SAT.
        bruk, ledd = _stromledd(kol_f[pos:], grunn[grp_f[pos:]], LP_GRENSE)
        ny = cp.lp_maksimer(ledd, x)
        if ny is not None:
            x = ny
            lp_steg += 1
        else:
            # CP-SAT bounds its objective by each column's declared domain (0 … the flow's
            # maximum), not by the group's members: the radix must cover the domain, or the
            # objective can overflow (MODEL_INVALID on Sandefjord's langtid+korttid model).
            ovre = np.asarray(cp.mm.ovre, dtype=np.int64)[kol_f[pos:]]
            bruk, ledd = _stromledd(kol_f[pos:], np.maximum(grunn[grp_f[pos:]], ovre + 1), GRENSE)
            x = cp.maksimer(ledd, x)
            steg += 1
        slutt = pos + len(bruk)
        _fest_strommer(
            kol_f[pos:slutt], np.rint(x[kol_f[pos:slutt]]).astype(np.int64), grp_f[pos:slutt], igjen, fester, cp
        )
        pos = slutt
    return Kanonisering(x, steg, lp_steg)


_STOR = 2**62
"""A flow's room when the face does not fix it."""


def _egne_kandidater(dp: Delproblem, rekke: list[str]) -> tuple[dict[str, list[int]], dict[str, np.ndarray]]:
    """Each søker's candidates in its order of outcomes (best first; ``kandidatnokkel``), as a
    list and as an array. The candidates are ranked once (a couple's candidate is in two lists)."""
    kk = dp.kandidater
    enhet = ordningsenheter(dp)
    navn = sorted(set(enhet))
    enhet_nr = {u: r for r, u in enumerate(navn)}
    # The order of ``kandidatnokkel`` (−verdi, −pref, start, unit, index), as one lexsort.
    orden = np.lexsort(
        (
            np.array([enhet_nr[u] for u in enhet], dtype=np.int64),
            np.array([k.start for k in kk], dtype=np.int64),
            -np.array([k.pref for k in kk], dtype=np.int64),
            -np.array([k.verdi for k in kk], dtype=np.int64),
        )
    )
    rangert = np.empty(len(kk), dtype=np.int64)
    rangert[orden] = np.arange(len(kk))
    plass = rangert.tolist()
    egne = {s: sorted(dp.per_soker.get(s, []), key=plass.__getitem__) for s in rekke}
    return egne, {s: np.array(v, dtype=np.int64) for s, v in egne.items()}


def _fest_strommer(
    kol: np.ndarray,
    verdi: np.ndarray,
    grp: np.ndarray,
    igjen: np.ndarray,
    fester: list[tuple[np.ndarray, np.ndarray]],
    cp: Cpmodell | None,
) -> None:
    """Fix flow columns at their values, and take them from their groups' members left. Until the
    model exists the fixes are kept in ``fester``, for it to take when it is built."""
    np.subtract.at(igjen, grp, verdi)
    if cp is None:
        fester.append((kol.copy(), verdi.copy()))
    else:
        cp.fest_kolonner(kol, verdi)


def _stromledd(
    kol: np.ndarray, radiks: np.ndarray, grense: int
) -> tuple[list[int], list[tuple[list[int], list[int], int]]]:
    """The first flow columns of ``kol`` (a column's values lie in 0 … radix − 1) whose mixed-radix
    weights (the first highest) fit below ``grense`` (Σ weight × (radix − 1) = Π radix − 1), and
    the objective terms that fill them in that order. A column of radix 1 (a group without
    members) can only be 0: it is taken along without a term."""
    # Only a prefix can fit: found from the sums of log₂ radix, then exactly.
    lengde = int(np.searchsorted(np.cumsum(np.log2(radiks)), np.log2(grense) + 1e-6, side="right")) + 2
    flere = np.flatnonzero(radiks[:lengde] > 1)
    slutt = min(lengde, len(kol))
    valgt: list[tuple[int, int]] = []
    produkt = 1
    for i, g2 in zip(flere.tolist(), radiks[flere].tolist(), strict=True):
        if (valgt or i > 0) and produkt * g2 > grense:
            slutt = i
            break
        valgt.append((int(kol[i]), g2))
        produkt *= g2
    ledd: list[tuple[list[int], list[int], int]] = []
    vekt = produkt
    for c2, g2 in valgt:
        vekt //= g2
        ledd.append(([c2], [1], vekt))
    return kol[: max(slutt, 1)].tolist(), ledd


class Cpmodell:
    """The family's model with levels 1–4 held at the values of the plan it starts from: an LP on
    the face of the optimum for single steps, and CP-SAT (built when first needed) for the rest."""

    def __init__(
        self,
        mm: Matrisemodell,
        x: np.ndarray,
        fast: dict[int, int],
        lo: np.ndarray | None,
        hi: np.ndarray | None,
        tidsgrense_s: float,
        bruk_lp: bool = True,
    ):
        self.mm = mm
        self.bruk_lp = bruk_lp
        self.fast = fast
        self.lo, self.hi = lo, hi
        self.tid = tidsgrense_s
        self.verdier = [heltall_verdi(mm.nivaa[k], x) for k in range(mm.nivaa.shape[0])]
        self.fester: list[tuple[np.ndarray, np.ndarray]] = []  # (columns, their values) since the start
        self._ventende = 0  # how many of ``fester`` (from the end) the LP has not been given yet
        self._cp: Cpsat | None = None
        self._lp: Lp | None = None
        self._lp_feil = 0
        self._nivaarader = False  # levels 1–4 as rows of the LP (``lp_maksimer``)

    @property
    def cp(self) -> Cpsat:
        if self._cp is None:
            self._cp = cp = til_cpsat(self.mm, fast=self.fast, lo=self.lo, hi=self.hi)
            self.indeks = np.array([v.index for v in cp.x], dtype=np.int64)
            self.fri_kol = np.array([j for j in range(self.mm.n) if j not in self.fast], dtype=np.int64)
            self.fri = self.indeks[self.fri_kol]
            m = cp.m
            for k in range(self.mm.nivaa.shape[0]):
                c = self.mm.nivaa[k]
                nz = np.flatnonzero(c)
                if nz.size:
                    m.add(
                        cp_model.LinearExpr.weighted_sum([cp.x[j] for j in nz], [int(c[j]) for j in nz])
                        == self.verdier[k]
                    )
            for kol, verdi in self.fester:
                self._fest_cp(kol, verdi)
        return self._cp

    def _fest_cp(self, kol: np.ndarray, verdi: np.ndarray) -> None:
        assert self._cp is not None
        for j, v in zip(kol.tolist(), verdi.tolist(), strict=True):
            self._cp.m.add(self._cp.x[j] == v)

    def fest_kolonner(self, kol: np.ndarray, verdi: np.ndarray) -> None:
        """Fix columns at values. The LP gets them in one call before its next solve (one HiGHS
        call per søker or flow column cost more than the LP steps on Sandefjord)."""
        kol = np.asarray(kol, dtype=np.int64)
        verdi = np.asarray(verdi, dtype=np.int64)
        self.fester.append((kol, verdi))
        if self._lp is not None:
            self._ventende += 1
        if self._cp is not None:
            self._fest_cp(kol, verdi)

    def fest_soker(self, kolonner: np.ndarray, j: int) -> None:
        """A søker's outcome chosen: candidate ``j`` (−1: not placed), its other candidates 0."""
        self.fest_kolonner(kolonner, (kolonner == j).astype(np.int64))

    def _bygg_lp(self) -> Lp:
        """The LP over the columns not yet fixed (by the face or a choice), with the rows that
        hold any of them and their bounds less what the fixed columns use."""
        mm = self.mm
        xl, xu = (np.asarray(v, dtype=np.float64).copy() for v in mm.grenser()[:2])
        for j, v in self.fast.items():
            xl[j] = xu[j] = v
        for kol, verdi in self.fester:
            xl[kol] = xu[kol] = verdi
        fri = np.flatnonzero(xl < xu)
        self._fri = fri
        self._pos = np.full(mm.n, -1, dtype=np.int64)
        self._pos[fri] = np.arange(fri.size)
        self._xfast = np.where(xl < xu, 0.0, xl)
        # The submatrix straight from the stored entries (numpy; scipy's slicing cost more than
        # the LP in the simulator's small weekly models). Entries are in row order, so the kept
        # ones of each row stay together and in their order.
        _, indices, data = mm.csr()
        rad_av = mm.rad_av()
        m = len(mm.lo)
        brukt = mm.matrise() @ self._xfast
        behold = self._pos[indices] >= 0
        antall = np.bincount(rad_av[behold], minlength=m)
        rader = np.flatnonzero(antall > 0)
        sub_kol = [self._pos[indices[behold]]]
        sub_koef = [data[behold]]
        sub_indptr = np.concatenate([[0], np.cumsum(antall[rader])]).astype(np.int64)
        rlo = np.asarray(mm.lo if self.lo is None else self.lo, dtype=np.float64)[rader] - brukt[rader]
        rhi = np.asarray(mm.hi if self.hi is None else self.hi, dtype=np.float64)[rader] - brukt[rader]
        art = [mm.art[r] for r in rader.tolist()]
        if self._nivaarader:
            # Levels 1–4 held at their values as rows (the face alone did not hold them).
            nv = mm.nivaa[:, fri].astype(np.float64)
            nivaa_rader = [k for k in range(nv.shape[0]) if np.any(nv[k])]
            rest = np.array([self.verdier[k] - float(mm.nivaa[k] @ self._xfast) for k in nivaa_rader])
            for k in nivaa_rader:
                nz = np.flatnonzero(nv[k])
                sub_kol.append(nz)
                sub_koef.append(nv[k, nz])
                sub_indptr = np.append(sub_indptr, sub_indptr[-1] + nz.size)
            rlo, rhi = np.concatenate([rlo, rest]), np.concatenate([rhi, rest])
            art += ["nivaa"] * len(nivaa_rader)
        sub = Matrisemodell(
            mm.dp,
            int(fri.size),
            [mm.navn[j] for j in fri],
            mm.nivaa[:, fri].copy(),
            mm.vekter,
            ovre=[int(v) for v in xu[fri]],
            nedre=[int(v) for v in xl[fri]],
        )
        sub.indptr = sub_indptr.tolist()
        sub._kol = [np.concatenate(sub_kol).astype(np.int64)]
        sub._koef = [np.concatenate(sub_koef).astype(np.float64)]
        sub.lo, sub.hi = rlo.tolist(), rhi.tolist()
        sub.art = art
        self._sub = sub
        # The first solve starts from nothing: HiGHS's default (dual simplex) is faster there
        # (Sandefjord langtid 8 → 5 ms); ``_lp_loes`` switches to primal after it.
        return Lp(sub, np.zeros(sub.n))

    def _gi_lp_festene(self) -> None:
        """Give the LP the fixes made since its last solve (``fest_kolonner``)."""
        if self._lp is None or not self._ventende:
            return
        nye = self.fester[-self._ventende :]
        self._ventende = 0
        kol = np.concatenate([k for k, _ in nye])
        verdi = np.concatenate([v for _, v in nye])
        _, siste = np.unique(kol[::-1], return_index=True)  # one entry per column: its last fix
        kol, verdi = kol[::-1][siste], verdi[::-1][siste].astype(np.float64)
        pos = self._pos[kol]
        i_lp = pos >= 0
        self._lp.sett_kolonner(pos[i_lp], verdi[i_lp], verdi[i_lp])

    def _lp_loes(self, ledd: list[tuple[list[int], list[int], int]]) -> tuple[Lpresultat, np.ndarray]:
        mm = self.mm
        if self._lp is None:
            self._lp = self._bygg_lp()  # built with every fix so far
            self._primal = False
            self._ventende = 0
        self._gi_lp_festene()
        kol: list[int] = []
        verdi: list[int] = []
        for kolonner, poeng, vekt in ledd:
            kol.extend(kolonner)
            verdi.extend(q * vekt for q in poeng)
        c = np.zeros(mm.n)
        c[kol] = verdi
        self._lp.sett_kost(c[self._fri])
        r = self._lp.loes()
        if not self._primal:
            # Each later step changes only the objective and fixes columns at values the
            # current plan has, so the basis stays primal feasible: primal simplex from it.
            self._lp.h.setOptionValue("simplex_strategy", 4)
            self._primal = True
        return r, c

    def lp_maksimer(self, ledd: list[tuple[list[int], list[int], int]], x: np.ndarray) -> np.ndarray | None:
        """The plan that maximises Σ vekt·poeng·x (``ledd`` as in ``maksimer``) over the optimal
        plans with every choice so far, from one LP on the face (warm-started in HiGHS from the
        last step), or None when the LP does not prove it: its vertex must be integral, satisfy
        every row, bound and choice, hold levels 1–4 at their values, and reach the certified
        bound. Every optimal plan lies on the face, so then no optimal plan scores more."""
        if not self.bruk_lp or not any(k for k, _, _ in ledd) or self._lp_feil >= LP_FEIL_MAKS:
            return None
        r, c = self._lp_loes(ledd)
        lp, sub = self._lp, self._sub
        assert lp is not None
        ny = self._xfast.copy()
        ny[self._fri] = r.x
        fast_del = float(c @ self._xfast)
        nivaa_holdt = r.heltallig and self._nivaaer(ny) == self.verdier
        if r.status == "OPTIMAL" and r.heltallig and not nivaa_holdt and not self._nivaarader:
            # The face does not hold every level (a route that proves only level 1's face, e.g.
            # the two-step route): the LP left the optimal plans. Hold the levels as rows from now
            # on and take the step again (before, every later step went to CP-SAT and ran into the
            # time limit: 30 s on a korttid family of 4 814 candidates).
            self._nivaarader = True
            self._lp = None
            return self.lp_maksimer(ledd, x)
        if (
            r.status != "OPTIMAL"
            or not r.heltallig
            or np.any(r.x < lp.xl - 1e-9)
            or np.any(r.x > lp.xu + 1e-9)
            or not gjennomforbar(sub, r.x, lp.lo, lp.hi)
            or not nivaa_holdt
            or np.floor(r.grense + fast_del + 1e-6) > heltall_verdi(c, ny)
        ):
            self._lp_feil += 1
            return None
        return ny

    def _nivaaer(self, x: np.ndarray) -> list[int]:
        """Levels 1–4 of an integral plan, exactly (``heltall_verdi``, all levels in one product
        when no sum can overflow int64)."""
        nivaa = self.mm.nivaa
        nz = np.flatnonzero(x)
        xn = np.rint(x[nz]).astype(np.int64)
        if nz.size and float(np.abs(nivaa).max()) * float(np.abs(xn).sum()) < 2.0**62:
            return [int(v) for v in nivaa[:, nz].astype(np.int64) @ xn]
        return [heltall_verdi(nivaa[k], x) for k in range(nivaa.shape[0])]

    def maksimer(self, ledd: list[tuple[list[int], list[int], int]], x: np.ndarray) -> np.ndarray:
        cp = self.cp
        m, xv = cp.m, cp.x
        kol: list[int] = []
        koef: list[int] = []
        for kolonner, poeng, vekt in ledd:
            for j, p in zip(kolonner, poeng, strict=True):
                kol.append(j)
                koef.append(p * vekt)
        # Hint and read by variable index on the proto (per-variable calls cost more than the solve).
        m.clear_hints()
        hint = m.proto.solution_hint
        hint.vars.extend(self.fri.tolist())
        hint.values.extend(np.rint(x[self.fri_kol]).astype(np.int64).tolist())
        m.maximize(cp_model.LinearExpr.weighted_sum([xv[j] for j in kol], koef))
        s = cp_model.CpSolver()
        s.parameters.num_workers = 1
        s.parameters.random_seed = 0
        s.parameters.max_time_in_seconds = max(0.01, self.tid)
        status = s.solve(m)
        if status != cp_model.OPTIMAL:
            raise Ikkekanonisk(f"CP-SAT fant ikke et bevist optimum i likebehandlingssteget ({s.status_name(status)})")
        return np.asarray(s.response_proto.solution, dtype=np.float64)[self.indeks]
