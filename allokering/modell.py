"""The model of one place family as a sparse integer matrix: one function per constraint family.

Variables: one 0/1 column per candidate placement (``kandidater.Kandidat``: a søker in a named
unit, or in a class of interchangeable units), one integer column per class flow into a unit
and start day (``kandidater.Strom``), integer occupancy columns per unit and run of days, and a
few indicator columns for ektepar. Identical places in a unit are a capacity count, never one
column per bed. The same matrix feeds the LP relaxation (HiGHS, ``allokering.lp``) and the
CP-SAT model (``til_cpsat``), so both solve exactly the same problem.

Objective levels, lexicographic:
1. priority-weighted placements (earlier is better; UKP counts through the priority),
2. ektepar together (same institution 2 points, plus 1 for a free double room in the same
   unit; a couple in one two-room senterleilighet 2 points),
3. preferred institutions (3/2/1 points for 1st/2nd/3rd choice),
4. fewest moves of current residents (minimised).

For CP-SAT the levels are one integer objective  M1·L1 + M2·L2 + M3·L3 − L4  with
M3 = r4 + 1, M2 = M3·(r3 + 1), M1 = M2·(r2 + 1), where r_k bounds level k's range (couples × 3,
Σ per søker of the best preference bonus, number of possible movers). Any gain at an earlier
level outweighs every possible change at the later ones, so an optimum of the combined
objective is a lexicographic optimum and a proof of optimality proves every level.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from allokering.kandidater import Delproblem

NIVAER = ("plassering", "ektepar", "preferanser", "flyttinger")
INF = float("inf")


@dataclass
class Matrisemodell:
    """max Σ_k w_k·levels_k(x)  s.t.  lo ≤ A·x ≤ hi,  x ∈ {0,1}ⁿ  (rows in CSR form)."""

    dp: Delproblem
    n: int
    navn: list[str]  # column names (candidates "x<idx>", indicators "sammen_…"/"dobbeltrom_…")
    nivaa: np.ndarray  # shape (4, n): integer coefficients of each level (level 4 counts moves)
    vekter: tuple[int, int, int, int]  # M1, M2, M3, −1
    ovre: list[int] = field(default_factory=list)  # upper bound of each column (1, or a flow's maximum)
    nedre: list[int] = field(default_factory=list)  # lower bound of each column
    indptr: list[int] = field(default_factory=lambda: [0])
    _kol: list[np.ndarray | list[int]] = field(default_factory=list)  # row pieces, joined by csr()
    _koef: list[np.ndarray | list[int]] = field(default_factory=list)
    _csr: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    _rad_av: np.ndarray | None = None
    _grenser: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    lo: list[float] = field(default_factory=list)
    hi: list[float] = field(default_factory=list)
    art: list[str] = field(default_factory=list)  # constraint family of each row
    laas_rad: dict[str, int] = field(default_factory=dict)  # søker → row of its lock
    sammen_kol: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # couple → columns meaning together
    tving_rad: dict[tuple[str, str], int] = field(default_factory=dict)  # couple → row forcing them together

    def rad(self, kol: list[int] | np.ndarray, koef: list[int] | np.ndarray, lo: float, hi: float, art: str) -> int:
        self._kol.append(kol)
        self._koef.append(koef)
        self._csr = None
        self.indptr.append(self.indptr[-1] + len(kol))
        self.lo.append(lo)
        self.hi.append(hi)
        self.art.append(art)
        return len(self.lo) - 1

    def ny_kolonne(self, navn: str, nedre: int = 0, ovre: int = 1) -> int:
        self.navn.append(navn)
        self.nedre.append(nedre)
        self.ovre.append(ovre)
        if self.n >= self.nivaa.shape[1]:  # grow geometrically; trimmed when the model is done
            self.nivaa = np.hstack([self.nivaa, np.zeros((4, max(64, self.n)), dtype=np.int64)])
        self.n += 1
        return self.n - 1

    @property
    def samlet(self) -> np.ndarray:
        """Combined integer objective coefficients (see the module docstring)."""
        w = np.array(self.vekter, dtype=np.int64)
        return (w[:, None] * self.nivaa).sum(axis=0)

    def csr(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(indptr, indices, data) of the rows as numpy arrays (kept until a row is added)."""
        if self._csr is None:
            kol = (
                np.concatenate([np.asarray(k, dtype=np.int64) for k in self._kol])
                if self._kol
                else np.zeros(0, np.int64)
            )
            koef = np.concatenate([np.asarray(k, dtype=np.float64) for k in self._koef]) if self._koef else np.zeros(0)
            self._csr = (np.asarray(self.indptr, dtype=np.int64), kol, koef)
        return self._csr

    def rad_av(self) -> np.ndarray:
        """The row of every stored entry (CSR order), kept with the CSR arrays."""
        if self._rad_av is None or self._csr is None or len(self._rad_av) != len(self._csr[1]):
            indptr = self.csr()[0]
            self._rad_av = np.repeat(np.arange(len(self.lo)), np.diff(indptr))
        return self._rad_av

    def grenser(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(column lower, column upper, row lower, row upper) as arrays, built once."""
        if self._grenser is None or len(self._grenser[2]) != len(self.lo) or len(self._grenser[0]) != self.n:
            self._grenser = (
                np.asarray(self.nedre, dtype=np.float64),
                np.asarray(self.ovre, dtype=np.float64),
                np.asarray(self.lo, dtype=np.float64),
                np.asarray(self.hi, dtype=np.float64),
            )
        return self._grenser

    def a_t(self, v: np.ndarray) -> np.ndarray:
        """Aᵀv: the row weights v summed per column (the reduced costs are c − Aᵀy)."""
        _, indices, data = self.csr()
        return np.bincount(indices, weights=data * v[self.rad_av()], minlength=self.n)

    @property
    def indices(self) -> np.ndarray:
        return self.csr()[1]

    @property
    def data(self) -> np.ndarray:
        return self.csr()[2]


def bygg_modell(dp: Delproblem, tving_sammen: frozenset[tuple[str, str]] = frozenset()) -> Matrisemodell:
    """Build the model of one family. ``tving_sammen`` forces the given couples to be placed
    together (used to price what keeping a split couple together would cost)."""
    nk = len(dp.kandidater)
    n = nk + len(dp.strommer)
    nivaa = np.zeros((4, n), dtype=np.int64)
    for k in dp.kandidater:
        nivaa[0, k.idx] = k.verdi
        nivaa[2, k.idx] = k.pref
        nivaa[3, k.idx] = k.flytting
    navn = [f"x{i}" for i in range(nk)] + [f"z{z.idx}_{z.enhet}_{z.start}" for z in dp.strommer]
    ovre = [1] * nk + [z.maks for z in dp.strommer]
    mm = Matrisemodell(dp, n, navn, nivaa, (1, 0, 0, -1), ovre, [0] * n)
    en_plass_per_soker(mm)
    klassestrom(mm)
    kapasitet_per_enhet_og_dag(mm)
    toroms_kapasitet(mm)
    ektepar(mm, tving_sammen)
    laaser(mm)
    mm.nivaa = mm.nivaa[:, : mm.n]
    mm.vekter = leksikografiske_vekter(dp)
    return mm


def leksikografiske_vekter(dp: Delproblem) -> tuple[int, int, int, int]:
    """M1, M2, M3, −1 of the combined objective (see the module docstring); they depend on the
    family's candidates only."""
    r2 = 3 * len(dp.ektepar)
    beste_pref: dict[str, int] = {}
    movers: set[str] = set()
    for k in dp.kandidater:
        for p in k.personer:
            beste_pref[p] = max(beste_pref.get(p, 0), k.pref)
            if k.flytting:
                movers.add(p)
    r3, r4 = sum(beste_pref.values()), len(movers)
    m3 = r4 + 1
    m2 = m3 * (r3 + 1)
    m1 = m2 * (r2 + 1)
    return (m1, m2, m3, -1)


def en_plass_per_soker(mm: Matrisemodell) -> None:
    """Each søker gets at most one placement (a joint couple placement counts for both)."""
    for s, idx in mm.dp.per_soker.items():
        if len(idx) > 1 and s not in mm.dp.laast_til:
            mm.rad(idx, [1] * len(idx), -INF, 1, "en_plass")


def klassestrom(mm: Matrisemodell) -> None:
    """Members of a class placed on a day = the class's stays that start that day in its units."""
    dp = mm.dp
    nk = len(dp.kandidater)
    for (kl, st), idx in sorted(dp.per_klasse_start.items()):
        zs = [nk + j for j in dp.strom_per_klasse_start.get((kl, st), [])]
        mm.rad(idx + zs, [1] * len(idx) + [-1] * len(zs), 0, 0, f"klasse:{kl}:{st}")


def _kontrolldager(
    dp: Delproblem, u: str, perioder: list[tuple[tuple[int, int], ...]], mover_starts: dict[str, set[int]]
) -> list[int]:
    """Days on which the capacity constraint of unit u can bind. The constraint on day d is
    implied by the one on day d+1 unless something ends on d, capacity rises on d+1, or a
    mover's release into u can begin on d+1."""
    h = dp.horisont
    led = dp.ledig[u]
    slutt = set()
    for pp in perioder:
        for _, hi in pp:
            slutt.add(hi)
    frigj_start: set[int] = set()
    for f in dp.frigjoringer:
        if f.enhet == u:
            slutt.add(f.til_dag)
            frigj_start |= mover_starts.get(f.soker, set())
    return [d for d in range(h) if d == h - 1 or led[d + 1] > led[d] or d in slutt or (d + 1) in frigj_start]


def kapasitet_per_enhet_og_dag(mm: Matrisemodell) -> None:
    """Per unit and day: new placements − released current stays ≤ free places.
    Over-occupied days (negative free places) admit a new stay only where releases make room
    for it (``_overbelagt_dag``)."""
    dp = mm.dp
    mover_starts: dict[str, set[int]] = defaultdict(set)
    for f in dp.frigjoringer:
        for i in dp.per_soker.get(f.soker, []):
            mover_starts[f.soker].add(dp.kandidater[i].start)
    nk = len(dp.kandidater)
    for u in dp.enheter:
        # Columns that occupy places of u: explicit candidates and class flows into u.
        kol_u = dp.per_enhet.get(u, []) + [nk + j for j in dp.strom_per_enhet.get(u, [])]
        if not kol_u:
            continue
        perioder = [dp.kandidater[j].perioder if j < nk else dp.strommer[j - nk].perioder for j in kol_u]
        frig = [f for f in dp.frigjoringer if f.enhet == u]
        # Day coverage of every column of the unit, as a boolean matrix (columns × days).
        dekning = np.zeros((len(kol_u), dp.horisont), dtype=bool)
        for r, pp in enumerate(perioder):
            for lo, hi in pp:
                dekning[r, lo : hi + 1] = True
        bruk = np.array([dp.kandidater[j].bruk if j < nk else 1 for j in kol_u], dtype=np.int64)
        kol_arr = np.asarray(kol_u, dtype=np.int64)
        maks = np.array([1 if j < nk else dp.strommer[j - nk].maks for j in kol_u], dtype=np.int64)
        for d in _kontrolldager(dp, u, perioder, mover_starts):
            rader = np.flatnonzero(dekning[:, d])
            if rader.size == 0:
                continue
            fri = dp.ledig[u][d]
            rel_per_soker = [
                [i for i in dp.per_soker.get(f.soker, []) if dp.kandidater[i].start <= d]
                for f in frig
                if d <= f.til_dag
            ]
            rel = [i for idx in rel_per_soker for i in idx]
            ny_maks = int((bruk[rader] * maks[rader]).sum())
            if fri < 0 and rel:
                _overbelagt_dag(mm, u, d, kol_arr[rader], bruk[rader], rel, fri, ny_maks, rel_per_soker)
                continue
            cap = fri if rel else max(0, fri)
            if not rel and ny_maks <= cap:
                continue
            if rel:
                kol = np.concatenate([kol_arr[rader], np.asarray(rel, dtype=np.int64)])
                koef = np.concatenate([bruk[rader], np.full(len(rel), -1, dtype=np.int64)])
            else:
                kol, koef = kol_arr[rader], bruk[rader]
            mm.rad(kol, koef, -INF, cap, f"kapasitet:{u}:{d}")


def _overbelagt_dag(
    mm: Matrisemodell,
    u: str,
    d: int,
    ny: np.ndarray,
    bruk: np.ndarray,
    rel: list[int],
    fri: int,
    ny_maks: int,
    rel_per_soker: list[list[int]],
) -> None:
    """Day ``d`` of unit ``u`` is over-occupied (``fri`` < 0 free places: more current stays than
    places, e.g. after a cut in capacity or a stay longer than planned) and current stays in it
    may be released (a mover within the family, or a korttid patient who gets langtid in a joint
    model, ``koblede``). The rule: the current over-occupancy stands, and a new stay is admitted
    only where the releases make room for it — new ≤ max(0, free + released). «new − released ≤
    free» alone would force releases even when nobody new comes (a move nobody asked for, or no
    plan at all when the over-occupancy is larger than the possible releases); counting no
    release at all would lose the places the releases do free (a korttid bed left for langtid).

    When the søkere who may release by day ``d`` are at most the over-occupancy, no plan makes
    room: new ≤ 0. Otherwise the rule is not convex and gets one 0/1 column «the unit admits new
    stays on day d» (``aapen``): new ≤ ny_maks·aapen, and new − released + |free|·aapen ≤ 0 (with
    aapen = 1 that is new − released ≤ free; with 0 it only says nothing new comes). The routes
    that build a plan without the model's columns (greedy start, flow sifting) do not know this
    column; their plans fail the row check there and the LP or CP-SAT solves the family."""
    mulige = sum(1 for idx in rel_per_soker if idx)
    if mulige <= -fri:
        mm.rad(ny, bruk, -INF, 0, f"kapasitet:{u}:{d}")
        return
    a = mm.ny_kolonne(f"aapen_{u}_{d}")
    mm.rad(np.append(ny, a), np.append(bruk, -ny_maks), -INF, 0, f"aapen:{u}:{d}")
    kol = np.concatenate([ny, np.asarray(rel, dtype=np.int64), [a]])
    koef = np.concatenate([bruk, np.full(len(rel), -1, dtype=np.int64), [-fri]])
    mm.rad(kol, koef, -INF, 0, f"kapasitet:{u}:{d}")


def toroms_kapasitet(mm: Matrisemodell) -> None:
    """Couples placed together in a senterleilighet need a free two-room flat (S §6.2)."""
    dp = mm.dp
    for u in dp.enheter:
        idx = [i for i in dp.per_enhet.get(u, []) if dp.kandidater[i].toroms]
        for d in range(dp.horisont):
            terms = [i for i in idx if dp.kandidater[i].start <= d]
            if terms and len(terms) > dp.ledig_toroms[u][d]:
                mm.rad(terms, [1] * len(terms), -INF, max(0, dp.ledig_toroms[u][d]), f"toroms:{u}:{d}")


def ektepar(mm: Matrisemodell, tving_sammen: frozenset[tuple[str, str]]) -> None:
    """Level 2: ektepar together «så langt som mulig» (S §4.22). Same institution: 2 points;
    also the same unit where a double room is free: 1 more; one two-room flat: 2 points."""
    dp = mm.dp
    dobbel_bruk: dict[str, list[int]] = defaultdict(list)
    for p in dp.ektepar:
        felles = [i for i in dp.per_soker.get(p.a, []) if dp.kandidater[i].personer == (p.a, p.b)]
        a_inst: dict[str, list[int]] = defaultdict(list)
        b_inst: dict[str, list[int]] = defaultdict(list)
        a_enh: dict[str, list[int]] = defaultdict(list)
        b_enh: dict[str, list[int]] = defaultdict(list)
        for person, inst_map, enh_map in ((p.a, a_inst, a_enh), (p.b, b_inst, b_enh)):
            for i in dp.per_soker.get(person, []):
                k = dp.kandidater[i]
                if len(k.personer) == 1 and k.enhet is not None:  # couples are always explicit
                    inst_map[dp.institusjon[k.enhet]].append(i)
                    enh_map[k.enhet].append(i)
        sammen = list(felles)
        for i in felles:
            mm.nivaa[1, i] += 2
        for inst in sorted(set(a_inst) & set(b_inst)):
            t = mm.ny_kolonne(f"sammen_{p.a}_{p.b}_{inst}")
            mm.nivaa[1, t] = 2
            mm.rad([t, *a_inst[inst]], [1] + [-1] * len(a_inst[inst]), -INF, 0, "ektepar")
            mm.rad([t, *b_inst[inst]], [1] + [-1] * len(b_inst[inst]), -INF, 0, "ektepar")
            sammen.append(t)
        for u in sorted(set(a_enh) & set(b_enh)):
            if dp.ledige_dobbeltrom.get(u, 0) <= 0:
                continue
            r = mm.ny_kolonne(f"dobbeltrom_{p.a}_{p.b}_{u}")
            mm.nivaa[1, r] = 1
            mm.rad([r, *a_enh[u]], [1] + [-1] * len(a_enh[u]), -INF, 0, "ektepar")
            mm.rad([r, *b_enh[u]], [1] + [-1] * len(b_enh[u]), -INF, 0, "ektepar")
            dobbel_bruk[u].append(r)
        mm.sammen_kol[(p.a, p.b)] = sammen
        # Inactive unless the couple is forced together; pricing a split couple switches it on.
        tving = (p.a, p.b) in tving_sammen
        mm.tving_rad[(p.a, p.b)] = mm.rad(
            sammen, [1] * len(sammen), 1 if tving else -INF, 1 if tving else INF, "tving_sammen"
        )
    for u, rs in dobbel_bruk.items():
        if len(rs) > dp.ledige_dobbeltrom[u]:
            mm.rad(rs, [1] * len(rs), -INF, dp.ledige_dobbeltrom[u], f"dobbeltrom:{u}")


def laaser(mm: Matrisemodell) -> None:
    """Locks «tildel»: the søker is placed in the locked unit (candidates outside it were never
    built, and «ikke_tildel» locks removed theirs). A lock with no candidate is an empty row
    that cannot hold, which the lock diagnosis then names."""
    for s in sorted(mm.dp.laast_til):
        idx = mm.dp.per_soker.get(s, [])
        mm.laas_rad[s] = mm.rad(idx, [1] * len(idx), 1, 1, f"laas:{s}")


@dataclass
class Cpsat:
    m: cp_model.CpModel
    x: list[cp_model.IntVar]
    laas_literal: dict[str, cp_model.IntVar]


def til_cpsat(
    mm: Matrisemodell,
    fast: dict[int, int] | None = None,
    mal: np.ndarray | None = None,
    laas_som_antakelser: bool = False,
    lo: np.ndarray | None = None,
    hi: np.ndarray | None = None,
) -> Cpsat:
    """The CP-SAT model of a matrix model. ``fast`` fixes columns (from LP reduced costs);
    ``mal`` is the objective (default: the combined lexicographic one). With
    ``laas_som_antakelser`` each lock row is enforced by an assumption literal, so an
    infeasible set of locks can be reduced to the ones that conflict. ``lo``/``hi`` replace
    the row bounds (rows the LP duals prove tight)."""
    rlo = mm.lo if lo is None else lo
    rhi = mm.hi if hi is None else hi
    m = cp_model.CpModel()
    fast = fast or {}
    x = []
    for j in range(mm.n):
        if j in fast:
            x.append(m.new_constant(fast[j]))
        elif mm.ovre[j] == 1 and mm.nedre[j] == 0:
            x.append(m.new_bool_var(mm.navn[j]))
        else:
            x.append(m.new_int_var(mm.nedre[j], mm.ovre[j], mm.navn[j]))
    laas_rader = {r: s for s, r in mm.laas_rad.items()}
    literal: dict[str, cp_model.IntVar] = {}
    indptr, indices, data = mm.csr()
    for r in range(len(mm.lo)):
        a, b = indptr[r], indptr[r + 1]
        kol = indices[a:b].tolist()
        koef = [int(v) for v in data[a:b]]
        rad_lo = int(rlo[r]) if rlo[r] > -INF else cp_model.INT_MIN
        rad_hi = int(rhi[r]) if rhi[r] < INF else cp_model.INT_MAX
        expr = cp_model.LinearExpr.weighted_sum([x[j] for j in kol], koef)
        c = m.add_linear_constraint(expr, rad_lo, rad_hi)
        if laas_som_antakelser and r in laas_rader:
            lit = m.new_bool_var(f"laas_{laas_rader[r]}")
            c.only_enforce_if(lit)
            literal[laas_rader[r]] = lit
    if literal:
        m.add_assumptions(list(literal.values()))
    obj = mm.samlet if mal is None else mal
    nz = np.flatnonzero(obj)
    m.maximize(cp_model.LinearExpr.weighted_sum([x[j] for j in nz], [int(obj[j]) for j in nz]))
    return Cpsat(m, x, literal)


def gjennomforbar(mm: Matrisemodell, x: np.ndarray, lo: np.ndarray | None = None, hi: np.ndarray | None = None) -> bool:
    """Whether x satisfies every row and column bound (``lo``/``hi`` replace the row bounds)."""
    xl, xu, rlo, rhi = mm.grenser()
    if np.any(x < xl - 1e-9) or np.any(x > xu + 1e-9):
        return False
    _, indices, data = mm.csr()
    ax = np.bincount(mm.rad_av(), weights=data * x[indices], minlength=len(mm.lo))
    lo = rlo if lo is None else lo
    hi = rhi if hi is None else hi
    return bool(np.all(ax <= hi + 1e-9) and np.all(ax >= lo - 1e-9))
