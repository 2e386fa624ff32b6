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
from itertools import chain
from operator import itemgetter
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from ortools.sat.python import cp_model

from allokering.kandidater import Delproblem, Kandidat, Strom

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
    # A and Aᵀ as scipy matrices, with the csr() arrays they were built from (see ``matrise``).
    _a: tuple[tuple[np.ndarray, np.ndarray, np.ndarray], sp.csr_matrix, sp.csc_matrix] | None = field(
        default=None, repr=False, compare=False
    )

    def rad(self, kol: list[int] | np.ndarray, koef: list[int] | np.ndarray, lo: float, hi: float, art: str) -> int:
        self._kol.append(kol)
        self._koef.append(koef)
        self._csr = None
        self.indptr.append(self.indptr[-1] + len(kol))
        self.lo.append(lo)
        self.hi.append(hi)
        self.art.append(art)
        return len(self.lo) - 1

    def rader(
        self,
        kol: np.ndarray,
        koef: np.ndarray,
        lengder: np.ndarray,
        lo: list[float],
        hi: list[float],
        art: list[str],
    ) -> int:
        """Append many rows at once: row r holds the next ``lengder[r]`` entries of ``kol`` and
        ``koef``. The bulk form of ``rad``: one piece for ``csr()`` to join instead of one per
        row (a large family has thousands of rows). Returns the first new row."""
        forste = len(self.lo)
        if not len(lengder):
            return forste
        self._kol.append(kol)
        self._koef.append(koef)
        self._csr = None
        self.indptr.extend((np.cumsum(lengder) + self.indptr[-1]).tolist())
        self.lo.extend(lo)
        self.hi.extend(hi)
        self.art.extend(art)
        return forste

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

    def matrise(self) -> sp.csr_matrix:
        """A as a scipy CSR matrix sharing the csr() arrays, kept until a row is added. Its
        products sum each row (Ax) or column (Aᵀv) in entry order, as a bincount over the
        entries would, but in one pass in C: feasibility checks and reduced costs are asked
        for many times per model."""
        return self._matriser()[1]

    def _matriser(self) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], sp.csr_matrix, sp.csc_matrix]:
        csr = self.csr()
        if self._a is None or self._a[0] is not csr or self._a[1].shape != (len(self.lo), self.n):
            indptr, indices, data = csr
            a = sp.csr_matrix((data, indices, indptr), shape=(len(self.lo), self.n))
            self._a = (csr, a, a.T)  # Aᵀ: the same arrays read as CSC, no copy
        return self._a

    def a_t(self, v: np.ndarray) -> np.ndarray:
        """Aᵀv: the row weights v summed per column (the reduced costs are c − Aᵀy)."""
        return np.asarray(self._matriser()[2] @ np.asarray(v, dtype=np.float64)[: len(self.lo)])

    @property
    def indices(self) -> np.ndarray:
        return self.csr()[1]

    @property
    def data(self) -> np.ndarray:
        return self.csr()[2]


class _Felt(NamedTuple):
    """The candidate and flow fields the builders read, as arrays: read once per model, because
    a large family has thousands of candidates and attribute access per candidate is what made
    building the model slow. Candidates are positional (``Kandidat.idx`` is its index in
    ``dp.kandidater``, ``Strom.idx`` its index in ``dp.strommer``): the whole engine relies on it."""

    verdi: np.ndarray  # per candidate
    pref: np.ndarray
    flytting: np.ndarray
    start: np.ndarray
    toroms: np.ndarray
    bruk: np.ndarray  # per column (candidates, then flows): places used; a flow counts stays
    maks: np.ndarray  # per column: upper bound (1 for a candidate, a flow's maximum)
    perioder: tuple[tuple[tuple[int, int], ...], ...]  # per column: occupied days


def _felt(dp: Delproblem) -> _Felt:
    nk, ns = len(dp.kandidater), len(dp.strommer)
    # zip(*rows) transposes the named tuples in C: far cheaper than one comprehension per field.
    k = list(zip(*dp.kandidater, strict=True)) if nk else [()] * len(Kandidat._fields)
    z = list(zip(*dp.strommer, strict=True)) if ns else [()] * len(Strom._fields)
    kf, zf = Kandidat._fields, Strom._fields

    def tall(t: tuple[int, ...]) -> np.ndarray:
        return np.fromiter(t, dtype=np.int64, count=len(t))

    return _Felt(
        verdi=tall(k[kf.index("verdi")]),
        pref=tall(k[kf.index("pref")]),
        flytting=tall(k[kf.index("flytting")]),
        start=tall(k[kf.index("start")]),
        toroms=np.fromiter(k[kf.index("toroms")], dtype=bool, count=nk),
        bruk=np.concatenate([tall(k[kf.index("bruk")]), np.ones(ns, dtype=np.int64)]),
        maks=np.concatenate([np.ones(nk, dtype=np.int64), tall(z[zf.index("maks")])]),
        perioder=k[kf.index("perioder")] + z[zf.index("perioder")],
    )


# Names "x0", "x1", … of candidate columns, shared by every model (formatting thousands of names
# per model cost more than the rest of a small model). Replaced, never mutated, so a thread that
# reads it while another extends it sees a consistent list; capped so a huge case does not keep
# millions of names alive.
_KANDIDATNAVN: list[str] = []
_MAKS_NAVN = 200_000


def _kandidatnavn(nk: int) -> list[str]:
    global _KANDIDATNAVN
    navn = _KANDIDATNAVN
    if len(navn) >= nk:
        return navn[:nk]
    navn = navn + [f"x{i}" for i in range(len(navn), nk)]
    if nk <= _MAKS_NAVN:
        _KANDIDATNAVN = navn
    return navn


def bygg_modell(dp: Delproblem, tving_sammen: frozenset[tuple[str, str]] = frozenset()) -> Matrisemodell:
    """Build the model of one family. ``tving_sammen`` forces the given couples to be placed
    together (used to price what keeping a split couple together would cost)."""
    nk = len(dp.kandidater)
    n = nk + len(dp.strommer)
    kf = _felt(dp)
    nivaa = np.zeros((4, n), dtype=np.int64)
    nivaa[0, :nk] = kf.verdi
    nivaa[2, :nk] = kf.pref
    nivaa[3, :nk] = kf.flytting
    navn = _kandidatnavn(nk) + [f"z{z.idx}_{z.enhet}_{z.start}" for z in dp.strommer]
    ovre = [1] * nk + kf.maks[nk:].tolist()
    mm = Matrisemodell(dp, n, navn, nivaa, (1, 0, 0, -1), ovre, [0] * n)
    en_plass_per_soker(mm)
    klassestrom(mm)
    kapasitet_per_enhet_og_dag(mm, kf)
    toroms_kapasitet(mm, kf)
    ektepar(mm, tving_sammen)
    laaser(mm)
    mm.nivaa = mm.nivaa[:, : mm.n]
    mm.vekter = leksikografiske_vekter(dp, kf.pref, kf.flytting)
    return mm


def _per_soker_flatt(dp: Delproblem) -> tuple[np.ndarray, np.ndarray]:
    """The candidates of every søker in ``dp.per_soker`` order, flat, and the number of each."""
    lister = dp.per_soker.values()
    lengder = np.fromiter(map(len, lister), dtype=np.int64, count=len(lister))
    kol = np.fromiter(chain.from_iterable(lister), dtype=np.int64, count=int(lengder.sum()))
    return kol, lengder


def leksikografiske_vekter(
    dp: Delproblem, pref: np.ndarray | None = None, flytting: np.ndarray | None = None
) -> tuple[int, int, int, int]:
    """M1, M2, M3, −1 of the combined objective (see the module docstring); they depend on the
    family's candidates only (``pref``/``flytting``: their fields as arrays, if already read)."""
    r2 = 3 * len(dp.ektepar)
    if pref is None or flytting is None:
        pref = np.fromiter((k.pref for k in dp.kandidater), dtype=np.int64, count=len(dp.kandidater))
        flytting = np.fromiter((k.flytting for k in dp.kandidater), dtype=np.int64, count=len(dp.kandidater))
    # Per søker (``per_soker`` holds every candidate a søker is in, a couple's joint ones too):
    # the best preference bonus (never below 0), and whether some candidate moves them.
    kol, lengder = _per_soker_flatt(dp)
    lengder = lengder[lengder > 0]  # (never empty in practice; reduceat needs non-empty groups)
    if len(lengder):
        start = np.cumsum(lengder) - lengder
        r3 = int(np.maximum(np.maximum.reduceat(pref[kol], start), 0).sum())
        r4 = int(np.count_nonzero(np.logical_or.reduceat(flytting[kol] != 0, start)))
    else:
        r3 = r4 = 0
    m3 = r4 + 1
    m2 = m3 * (r3 + 1)
    m1 = m2 * (r2 + 1)
    return (m1, m2, m3, -1)


def en_plass_per_soker(mm: Matrisemodell) -> None:
    """Each søker gets at most one placement (a joint couple placement counts for both)."""
    dp = mm.dp
    kol: list[int] = []
    lengder: list[int] = []
    for s, idx in dp.per_soker.items():
        if len(idx) > 1 and s not in dp.laast_til:
            kol += idx
            lengder.append(len(idx))
    r = len(lengder)
    mm.rader(np.array(kol, dtype=np.int64), np.ones(len(kol)), np.array(lengder), [-INF] * r, [1] * r, ["en_plass"] * r)


def klassestrom(mm: Matrisemodell) -> None:
    """Members of a class placed on a day = the class's stays that start that day in its units."""
    dp = mm.dp
    kol: list[int] = []
    lengder: list[int] = []  # members, flows, members, flows, … : two pieces per row
    art: list[str] = []
    for (kl, st), idx in sorted(dp.per_klasse_start.items()):
        zs = dp.strom_per_klasse_start.get((kl, st), [])
        kol += idx
        kol += zs
        lengder += (len(idx), len(zs))
        art.append(f"klasse:{kl}:{st}")
    r = len(art)
    # Members count +1, flows −1; flows are columns after the candidates.
    koef = np.repeat(np.tile(np.array([1, -1], dtype=np.int64), r), lengder)
    kol_a = np.array(kol, dtype=np.int64)
    kol_a[koef < 0] += len(dp.kandidater)
    rad_lengde = np.add.reduceat(np.array(lengder, dtype=np.int64), np.arange(0, 2 * r, 2)) if r else np.zeros(0)
    mm.rader(kol_a, koef, rad_lengde, [0] * r, [0] * r, art)


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


def _mover_starts(dp: Delproblem) -> dict[str, set[int]]:
    """Per søker with a release: the start days of their candidates."""
    mover_starts: dict[str, set[int]] = defaultdict(set)
    for f in dp.frigjoringer:
        for i in dp.per_soker.get(f.soker, []):
            mover_starts[f.soker].add(dp.kandidater[i].start)
    return mover_starts


def kapasitet_per_enhet_og_dag(mm: Matrisemodell, kf: _Felt | None = None, dag_for_dag: bool = False) -> None:
    """Per unit and day: new placements − released current stays ≤ free places.
    Over-occupied days (negative free places) admit a new stay only where releases make room
    for it (``_overbelagt_dag``).

    The rows of all units are built at once with arrays (``_kapasitet_dag_for_dag`` is the same
    rule written row by row; it builds the units with an over-occupied day, whose extra columns
    and rows are irregular, and with ``dag_for_dag`` every unit: the tests' reference)."""
    dp = mm.dp
    kf = kf if kf is not None else _felt(dp)
    nk, h = len(dp.kandidater), dp.horisont
    # Columns that occupy places of a unit, unit after unit: explicit candidates and class
    # flows into it. Units without any have no rows.
    enheter: list[str] = []
    kol: list[int] = []
    antall: list[int] = []
    for u in dp.enheter:
        kol_u = dp.per_enhet.get(u, []) + [nk + j for j in dp.strom_per_enhet.get(u, [])]
        if kol_u:
            enheter.append(u)
            kol += kol_u
            antall.append(len(kol_u))
    if dag_for_dag:
        mover_starts = _mover_starts(dp)
        for u in enheter:
            _kapasitet_dag_for_dag(mm, u, kf, mover_starts)
        return
    if not kol or h <= 0:
        return
    ne = len(enheter)
    kol_a = np.array(kol, dtype=np.int64)
    enh = np.repeat(np.arange(ne), antall)  # unit of every column
    dager = np.arange(h)

    # Day coverage of every column (columns × days). Most columns have one period; respite
    # patterns have several, joined per column.
    pp = itemgetter(*kol)(kf.perioder) if len(kol) > 1 else (kf.perioder[kol[0]],)
    lengder = np.fromiter(map(len, pp), dtype=np.int64, count=len(kol))
    flat = np.fromiter(chain.from_iterable(chain.from_iterable(pp)), dtype=np.int64, count=2 * int(lengder.sum()))
    lo_p, hi_p = flat[0::2], flat[1::2]
    dekning = (dager >= lo_p[:, None]) & (dager <= hi_p[:, None])
    if not np.all(lengder == 1):
        per_kol = np.zeros((len(kol), h), dtype=bool)
        har = lengder > 0
        if har.any():
            per_kol[har] = np.logical_or.reduceat(dekning, (np.cumsum(lengder) - lengder)[har], axis=0)
        dekning = per_kol

    # Releases of current stays in the units: the mover's candidates count −1 on the days
    # from their start to the release's last day (in release order, as one row lists them).
    upos = {u: e for e, u in enumerate(enheter)}
    rel_kol: list[int] = []
    rel_enh: list[int] = []
    rel_til: list[int] = []
    for f in dp.frigjoringer:
        e = upos.get(f.enhet)
        if e is not None:
            idx = dp.per_soker.get(f.soker, [])
            rel_kol += idx
            rel_enh += [e] * len(idx)
            rel_til += [f.til_dag] * len(idx)
    rel_kol_a = np.array(rel_kol, dtype=np.int64)
    rel_enh_a = np.array(rel_enh, dtype=np.int64)
    rel_til_a = np.array(rel_til, dtype=np.int64)
    rel_start = kf.start[rel_kol_a]

    # Control days (as ``_kontrolldager``): the last day, a day before capacity rises, a day
    # something ends (a column's period or a release), a day before a mover's candidate starts.
    led = np.array([dp.ledig[u][:h] for u in enheter], dtype=np.int64).reshape(ne, h)
    kontroll = np.zeros((ne, h), dtype=bool)
    kontroll[:, h - 1] = True
    kontroll[:, :-1] |= led[:, 1:] > led[:, :-1]
    enh_p = np.repeat(enh, lengder)
    inne = (hi_p >= 0) & (hi_p < h)
    kontroll[enh_p[inne], hi_p[inne]] = True
    inne = (rel_til_a >= 0) & (rel_til_a < h)
    kontroll[rel_enh_a[inne], rel_til_a[inne]] = True
    inne = (rel_start >= 1) & (rel_start <= h)
    kontroll[rel_enh_a[inne], rel_start[inne] - 1] = True

    # Entries of the rows, keyed by unit·h + day: new stays, listed column by column, then
    # releases, release by release; a stable sort by key then gives each row its new stays in
    # column order followed by its releases in release order, as the row-by-row rule writes it.
    c, d = np.divmod(np.flatnonzero(dekning & kontroll[enh]), h)  # faster than a 2-d nonzero
    kol_c = kol_a[c]
    nokkel_ny = (enh * h)[c] + d
    r, d = np.nonzero((dager >= rel_start[:, None]) & (dager <= rel_til_a[:, None]) & kontroll[rel_enh_a])
    nokkel_rel = rel_enh_a[r] * h + d
    antall_ny = np.bincount(nokkel_ny, minlength=ne * h)
    ny_maks = np.bincount(nokkel_ny, weights=(kf.bruk * kf.maks)[kol_c], minlength=ne * h)
    har_rel = np.bincount(nokkel_rel, minlength=ne * h) > 0
    fri = led.ravel()
    cap = np.where(har_rel, fri, np.maximum(fri, 0))
    over = (antall_ny > 0) & har_rel & (fri < 0)
    # A row where something new can come and it can bind (with releases it always can).
    behold = (antall_ny > 0) & ~over & (har_rel | (ny_maks > cap))
    overfylt = over.reshape(ne, h).any(axis=1)  # units built day by day
    if overfylt.any():
        behold &= ~np.repeat(overfylt, h)

    nokkel = np.concatenate([nokkel_ny, nokkel_rel])
    valgt = np.flatnonzero(behold[nokkel])
    nokkel = nokkel[valgt]
    if ne * h <= np.iinfo(np.uint16).max:
        # Keys below 2¹⁶ as 16-bit integers: numpy sorts those stably by radix, in linear time.
        nokkel = nokkel.astype(np.uint16)
    valgt = valgt[np.argsort(nokkel, kind="stable")]  # stable: the order within a row stays
    kol_e = np.concatenate([kol_c, rel_kol_a[r]])[valgt]
    koef_e = np.concatenate([kf.bruk[kol_c], np.full(len(r), -1, dtype=np.int64)])[valgt]
    rader = np.flatnonzero(behold)  # keys in order: unit by unit, day by day
    rad_lengde = np.bincount(nokkel, minlength=ne * h)[rader]
    hi = cap[rader].tolist()
    art = [f"kapasitet:{enheter[k // h]}:{k % h}" for k in rader.tolist()]
    if not overfylt.any():
        mm.rader(kol_e, koef_e, rad_lengde, [-INF] * len(hi), hi, art)
        return

    # Units with an over-occupied day, in their place among the others.
    slutt = np.concatenate([[0], np.cumsum(rad_lengde)])  # entry offset of each row
    forste = np.searchsorted(rader // h, np.arange(ne + 1))  # first row of each unit

    def legg_til(a: int, b: int) -> None:
        s = slice(slutt[a], slutt[b])
        mm.rader(kol_e[s], koef_e[s], rad_lengde[a:b], [-INF] * (b - a), hi[a:b], art[a:b])

    a = 0
    mover_starts = _mover_starts(dp)
    for e in np.flatnonzero(overfylt).tolist():
        legg_til(a, int(forste[e]))
        _kapasitet_dag_for_dag(mm, enheter[e], kf, mover_starts)
        a = int(forste[e + 1])
    legg_til(a, len(rader))


def _kapasitet_dag_for_dag(mm: Matrisemodell, u: str, kf: _Felt, mover_starts: dict[str, set[int]]) -> None:
    """The capacity rows of unit ``u``, day by day (see ``kapasitet_per_enhet_og_dag``)."""
    dp = mm.dp
    nk = len(dp.kandidater)
    kol_u = dp.per_enhet.get(u, []) + [nk + j for j in dp.strom_per_enhet.get(u, [])]
    if not kol_u:
        return
    perioder = [kf.perioder[j] for j in kol_u]
    frig = [f for f in dp.frigjoringer if f.enhet == u]
    # Day coverage of every column of the unit, as a boolean matrix (columns × days).
    dekning = np.zeros((len(kol_u), dp.horisont), dtype=bool)
    for r, pp in enumerate(perioder):
        for lo, hi in pp:
            dekning[r, lo : hi + 1] = True
    kol_arr = np.asarray(kol_u, dtype=np.int64)
    bruk, maks = kf.bruk[kol_arr], kf.maks[kol_arr]
    for d in _kontrolldager(dp, u, perioder, mover_starts):
        rader = np.flatnonzero(dekning[:, d])
        if rader.size == 0:
            continue
        fri = dp.ledig[u][d]
        rel_per_soker = [
            [i for i in dp.per_soker.get(f.soker, []) if dp.kandidater[i].start <= d] for f in frig if d <= f.til_dag
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


def toroms_kapasitet(mm: Matrisemodell, kf: _Felt | None = None) -> None:
    """Couples placed together in a senterleilighet need a free two-room flat (S §6.2)."""
    dp = mm.dp
    kf = kf if kf is not None else _felt(dp)
    if not kf.toroms.any():  # most families have no two-room flats
        return
    dager = np.arange(dp.horisont)
    for u in dp.enheter:
        idx = np.asarray(dp.per_enhet.get(u, []), dtype=np.int64)
        idx = idx[kf.toroms[idx]]
        if not idx.size:
            continue
        # A flat is in use from the couple's start on; a row where more could start than are free.
        paa = kf.start[idx][None, :] <= dager[:, None]  # days × candidates
        antall = paa.sum(axis=1)
        ledig = np.asarray(dp.ledig_toroms[u][: dp.horisont], dtype=np.int64)
        dag = np.flatnonzero((antall > 0) & (antall > ledig))
        if not dag.size:
            continue
        _, j = np.nonzero(paa[dag])
        r = len(dag)
        mm.rader(
            idx[j],
            np.ones(len(j), dtype=np.int64),
            antall[dag],
            [-INF] * r,
            np.maximum(ledig[dag], 0).tolist(),
            [f"toroms:{u}:{t}" for t in dag.tolist()],
        )


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
    ax = mm.matrise() @ np.asarray(x, dtype=np.float64)
    lo = rlo if lo is None else lo
    hi = rhi if hi is None else hi
    return bool(np.all(ax <= hi + 1e-9) and np.all(ax >= lo - 1e-9))
