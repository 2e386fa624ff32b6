"""Candidate placements and capacity profiles: the data every solver shares.

A *kandidat* is one way to place one søker (or one ektepar together in a two-room flat):
unit, start day, the days it occupies within the horizon, and its value at each objective
level. The CP-SAT model, the greedy baseline, the HiGHS formulation and the flow relaxation
are all built from the same ``Delproblem`` (one per place family), so they solve exactly the
same problem.

Start days (why the reduction is exact):

* Open-ended stays (langtid, bolig except korttidsleilighet) occupy [s, H−1]. Free capacity
  of a unit only increases over the horizon (stays end; a mover's old place is released), so
  a start day that is not an *event day* (day 0, or a day capacity increases) can be moved
  back to the previous event day without violating any capacity constraint, and an earlier
  start is always worth more. Candidates therefore start only on event days.
* Fixed-length stays (korttid, korttidsleilighet) may start on any day with a free place.
* Akutt (ØHD/KØH) starts on day 0 or not at all: acute needs are met immediately or refused.
* Avlastning is a rolling pattern placed as a whole: the offset of the first stay is chosen
  in [0, min(periode, H)); every later period follows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, count
from typing import NamedTuple

import numpy as np

from allokering.prioritet import Prioritet, placement_value
from allokering.regler import Kvalifisering, Utfall
from modeller.institusjon import Enhet, Opphold
from modeller.kodeverk import Familie, Laastype, Oppholdssted, Plasstype, Romtype
from modeller.sak import Sak
from modeller.soker import Soker

SOLVE_ORDER: tuple[Familie, ...] = (
    Familie.LANGTID,
    Familie.BOLIG,
    Familie.AVLASTNING,
    Familie.KORTTID,
    Familie.AKUTT,
)
"""The canonical order of the families (results, reports). They share no capacity; the only
coupling is that a søker with a current stay in a unit of another family (a korttid bed,
typically) frees it when placed. Coupled families are solved together (``koblede_familier``,
``allokering.loser``), so the order changes nothing in the result."""

PREF_BONUS = (3, 2, 1)
"""Level-3 points for a place at the søker's 1st, 2nd, 3rd preferred institution."""


class Kandidat(NamedTuple):
    """One possible placement: in a named unit (explicit), or in *some* unit of a class
    (aggregated; ``enhet`` is None and ``klasse`` says which units). A named tuple: immutable,
    and about four times cheaper to create than a frozen dataclass (a large case has millions)."""

    idx: int
    personer: tuple[str, ...]  # one søker, or an ektepar placed together in one flat
    enhet: str | None
    start: int
    perioder: tuple[tuple[int, int], ...]  # occupied days within the horizon, inclusive
    verdi: int  # level 1
    pref: int  # level 3
    flytting: int  # level 4: 1 when it moves a current langtid resident
    bruk: int = 1  # places used (beds; a couple in one flat uses one flat)
    toroms: bool = False  # uses a two-room flat
    klasse: int | None = None

    @property
    def slutt(self) -> int:
        return self.perioder[-1][1]


@dataclass(frozen=True)
class Klasse:
    """Søkere who may use exactly the same units with the same stay pattern. Which of the
    units a member gets does not matter to any objective level, so members are placed in
    the class and the class's stays are spread over its units by integer flows (Strom).

    A søker with preferred institutions is also a member of one class per preferred
    institution (its units, with the preference bonus), so the bonus is earned exactly when
    the placement is in that institution. The unit of each member is chosen after the solve
    (``Delproblem.dekomponer``). At a proven optimum this never hides preference points: if a
    member placed through the general class (bonus 0) landed in a unit of a preferred
    institution, routing the same stay through that institution's class would use the same
    capacity and score higher, contradicting optimality."""

    id: int
    enheter: tuple[str, ...]
    monster: tuple[object, ...]
    bonus: int = 0  # level-3 points of every placement in this class (a preferred institution)


class Strom(NamedTuple):
    """Integer column: how many stays of class ``klasse`` start on ``start`` in ``enhet``."""

    idx: int
    enhet: str
    klasse: int
    start: int
    perioder: tuple[tuple[int, int], ...]
    maks: int


class _Starter(NamedTuple):
    """The start days of a stay pattern (in a unit or a class) and each one's periods."""

    dager: list[int]
    perioder: list[tuple[tuple[int, int], ...]]


_NY_TUPPEL = tuple.__new__
"""``tuple.__new__(Kandidat, values)`` makes the same named tuple as ``Kandidat(*values)``
without a Python-level call (the generated ``__new__``); used where thousands are made."""


@dataclass(frozen=True)
class Plassering:
    """A chosen candidate with the unit it ends up in."""

    kandidat: Kandidat
    enhet: str


@dataclass(frozen=True)
class Ektepar:
    """A couple who both qualify for the same family and wish to live together."""

    a: str
    b: str


@dataclass(frozen=True)
class Frigjoring:
    """A søker's current stay in a unit of this model, released if the søker is placed."""

    soker: str
    enhet: str
    til_dag: int  # last day it would otherwise occupy (H−1 when open-ended)
    annen_familie: bool = False  # the unit is of another family than the søker's (a joint model)


@dataclass
class Delproblem:
    """Everything a solver needs for one place family."""

    familie: Familie
    horisont: int
    enheter: list[str]
    institusjon: dict[str, str]
    ledig: dict[str, list[int]]  # free places per unit per day (may be < 0 if over-occupied)
    ledig_toroms: dict[str, list[int]]
    ledige_dobbeltrom: dict[str, int]
    kandidater: list[Kandidat]
    sokere: list[str]  # søkere with at least one candidate, sorted
    prioritet: dict[str, int]
    ektepar: list[Ektepar]
    frigjoringer: list[Frigjoring]
    laast_til: dict[str, str]  # søker → unit (TILDEL locks)
    klasser: list[Klasse] = field(default_factory=list)
    strommer: list[Strom] = field(default_factory=list)
    per_soker: dict[str, list[int]] = field(default_factory=dict)
    per_enhet: dict[str, list[int]] = field(default_factory=dict)  # explicit candidates only
    strom_per_enhet: dict[str, list[int]] = field(default_factory=dict)
    per_klasse_start: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    strom_per_klasse_start: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    soknadsdag: dict[str, int] = field(default_factory=dict)  # day of the søknad (before day 0: negative)
    familier: tuple[Familie, ...] = ()  # every family in it: more than one in a joint model
    _rang: dict[str, int] | None = None

    def rang(self) -> dict[str, int]:
        """Each søker's place in the order of likebehandling (``allokering.likebehandling``, rule 1):
        higher priority first, then the earlier søknad date, then the lower id. Locks do not
        change it."""
        if self._rang is None:
            dag = self.soknadsdag
            rekke = sorted(self.sokere, key=lambda s: (-self.prioritet.get(s, 0), dag.get(s, 0), s))
            self._rang = {s: i for i, s in enumerate(rekke)}
        return self._rang

    def indekser(self) -> None:
        per_soker: dict[str, list[int]] = defaultdict(list)
        per_enhet: dict[str, list[int]] = defaultdict(list)
        per_ks: dict[tuple[int, int], list[int]] = defaultdict(list)
        for k in self.kandidater:
            for p in k.personer:
                per_soker[p].append(k.idx)
            if k.enhet is not None:
                per_enhet[k.enhet].append(k.idx)
            else:
                per_ks[(int(k.klasse), k.start)].append(k.idx)  # type: ignore[arg-type]
        s_enh: dict[str, list[int]] = defaultdict(list)
        s_ks: dict[tuple[int, int], list[int]] = defaultdict(list)
        for z in self.strommer:
            s_enh[z.enhet].append(z.idx)
            s_ks[(z.klasse, z.start)].append(z.idx)
        self.per_soker, self.per_enhet = dict(per_soker), dict(per_enhet)
        self.per_klasse_start, self.strom_per_enhet = dict(per_ks), dict(s_enh)
        self.strom_per_klasse_start = dict(s_ks)

    def dekomponer(self, x: Sequence[float] | np.ndarray) -> list[Plassering]:
        """Turn a solution vector (candidates, then flows) into placements. Aggregated members
        of a class who start the same day are matched to the flows' units in id order, in the
        søker order of likebehandling (``rang``); any matching is equally good at every level."""
        n = len(self.kandidater)
        # Only the chosen columns are read: a few hundred of thousands (vectorised for arrays).
        if isinstance(x, np.ndarray):
            valgt: list[int] = np.flatnonzero(x[:n] > 0.5).tolist()
        else:
            valgt = [i for i in range(n) if x[i] > 0.5]
        ut: list[Plassering] = []
        aggregert: dict[tuple[int, int], list[Kandidat]] = {}  # chosen class members by (class, start)
        for i in valgt:
            k = self.kandidater[i]
            if k.enhet is not None:
                ut.append(Plassering(k, k.enhet))
            else:
                aggregert.setdefault((int(k.klasse), k.start), []).append(k)  # type: ignore[arg-type]
        for kl, st in sorted(aggregert):
            if (kl, st) not in self.per_klasse_start:
                continue
            rang = self.rang()
            valgte = sorted(aggregert[(kl, st)], key=lambda k: (rang.get(k.personer[0], 0), k.personer))
            plasser = [
                self.strommer[j].enhet
                for j in sorted(self.strom_per_klasse_start.get((kl, st), []), key=lambda j: self.strommer[j].enhet)
                for _ in range(round(float(x[n + j])))
            ]
            for k, u in zip(valgte, plasser, strict=False):
                ut.append(Plassering(k, u))
        return ut


def _dekker(opphold_start: int, opphold_slutt: int | None, h: int) -> tuple[int, int] | None:
    lo = max(0, opphold_start)
    hi = h - 1 if opphold_slutt is None else min(h - 1, opphold_slutt)
    return (lo, hi) if lo <= hi else None


@dataclass
class Saksindeks:
    """What every family's build reads from a case, computed in one pass and kept for the
    case object (the solve, marginal values and couple costs build the same case many times)."""

    sak: Sak
    opphold: dict[str, Opphold]
    soker: dict[str, Soker]
    enhet: dict[str, Enhet]
    sokere: dict[Familie, list[Soker]]  # per family, sorted by id
    enheter: dict[Familie, list[Enhet]]  # per family, sorted by id
    brukt: dict[str, list[int]]  # places in use per unit and day
    brukt_2r: dict[str, list[int]]  # two-room flats in use per unit and day
    dobbeltrom_rom: dict[str, set[str]]  # double rooms in use on day 0 per unit


_INDEKS: list[Saksindeks] = []


def saksindeks(sak: Sak) -> Saksindeks:
    """The index of a case (one entry cached: the case being solved)."""
    forrige = _INDEKS[0] if _INDEKS else None  # read once: safe if another thread replaces it
    if forrige is not None and forrige.sak is sak:
        return forrige
    h = sak.horisont_dager
    enheter: dict[Familie, list[Enhet]] = defaultdict(list)
    for e in sorted(sak.enheter, key=lambda e: e.id):
        enheter[e.plasstype.familie].append(e)
    sokere: dict[Familie, list[Soker]] = defaultdict(list)
    for so in sorted(sak.sokere, key=lambda so: so.id):
        sokere[so.soknad.tjeneste.familie].append(so)
    # Occupancy by difference lists: +1 on the first day, −1 after the last.
    diff: dict[str, list[int]] = {e.id: [0] * (h + 1) for e in sak.enheter}
    diff_2r: dict[str, list[int]] = {}
    dobbeltrom_rom: dict[str, set[str]] = defaultdict(set)
    # Day numbers by ordinals: the simulator's weekly case has hundreds of stays, and date
    # arithmetic and enum equality were most of this loop (enum members compare by identity).
    t0 = sak.startdato.toordinal()
    for o in sak.opphold:
        rad = diff.get(o.enhet_id)
        if rad is None:
            continue
        lo = max(0, o.start.toordinal() - t0)
        hi = h - 1 if o.forventet_slutt is None else min(h - 1, o.forventet_slutt.toordinal() - t0)
        if lo > hi:
            continue
        rad[lo] += 1
        rad[hi + 1] -= 1
        rt = o.romtype
        if rt is None:
            continue
        if rt is Romtype.TOROMS:
            r2 = diff_2r.setdefault(o.enhet_id, [0] * (h + 1))
            r2[lo] += 1
            r2[hi + 1] -= 1
        elif rt is Romtype.DOBBELTROM and lo == 0:
            dobbeltrom_rom[o.enhet_id].add(o.rom_id or o.id)
    brukt = {u: list(accumulate(r[:h])) for u, r in diff.items()}
    brukt_2r = {u: list(accumulate(diff_2r[u][:h])) if u in diff_2r else [0] * h for u in diff}
    ix = Saksindeks(
        sak,
        {o.id: o for o in sak.opphold},
        {so.id: so for so in sak.sokere},
        {e.id: e for e in sak.enheter},
        dict(sokere),
        dict(enheter),
        brukt,
        brukt_2r,
        dict(dobbeltrom_rom),
    )
    _INDEKS[:] = [ix]
    return ix


def kapasitetsprofil(
    sak: Sak, enheter: list[Enhet], ekstra_ledig: dict[str, list[int]] | None = None
) -> tuple[dict[str, list[int]], dict[str, list[int]], dict[str, int]]:
    """Free places per unit and day, free two-room flats per day, free double rooms (day 0)."""
    ix = saksindeks(sak)
    ledig = {}
    ledig_2r = {}
    dobbel = {}
    for e in enheter:
        k = e.kapasitet
        rad = [k - b for b in ix.brukt[e.id]]
        if ekstra_ledig and e.id in ekstra_ledig:
            rad = [a + b for a, b in zip(rad, ekstra_ledig[e.id], strict=True)]
        ledig[e.id] = rad
        k2 = e.toroms
        ledig_2r[e.id] = [k2 - b for b in ix.brukt_2r[e.id]]
        dobbel[e.id] = max(0, e.dobbeltrom - len(ix.dobbeltrom_rom.get(e.id, ())))
    return ledig, ledig_2r, dobbel


def _hendelsesdager(ledig: list[int]) -> list[int]:
    dager = [0]
    for d in range(1, len(ledig)):
        if ledig[d] > ledig[d - 1]:
            dager.append(d)
    return dager


def _pref(soker: Soker, institusjon: str) -> int:
    onsker = soker.soknad.onskede_institusjoner
    if institusjon in onsker:
        r = onsker.index(institusjon)
        return PREF_BONUS[r] if r < len(PREF_BONUS) else 0
    return 0


def avlastningsperioder(offset: int, dager: int, periode: int, h: int) -> tuple[tuple[int, int], ...]:
    """The stays of a rolling respite pattern (``dager`` days every ``periode`` days) from day
    ``offset``, cut at the horizon ``h``."""
    ut = []
    s = offset
    while s < h:
        ut.append((s, min(h - 1, s + dager - 1)))
        s += periode
    return tuple(ut)


def bygg_delproblem(
    sak: Sak,
    familie: Familie | tuple[Familie, ...],
    kvalifisering: dict[str, Kvalifisering],
    prioritet: dict[str, Prioritet],
    ekstra_ledig: dict[str, list[int]] | None = None,
    ekstra_kapasitet: dict[str, int] | None = None,
    alle_startdager: bool = False,
    aggreger: bool = True,
    kandidat_kapasitet: int = 0,
    utelat_laas: int | frozenset[int] | None = None,
    eksplisitte: frozenset[str] = frozenset(),
) -> Delproblem:
    """Build the candidates of one family. ``utelat_laas``: the case as if lock number
    ``utelat_laas`` (or every lock in the set) of ``sak.laaser`` were not there (the price of a
    lock, ``laaspriser``); ``eksplisitte``: søkere given one candidate per unit even where a
    class would do (so a lock on them can be set as column bounds). ``ekstra_ledig`` adds
    free places per unit and day
    (released by an earlier family's decisions); ``ekstra_kapasitet`` adds places to units
    (used for marginal values); ``alle_startdager`` turns off the event-day reduction (the
    reference models use it to check that the reduction loses nothing); ``aggreger`` places
    søkere whose unit does not matter to any level in classes (see Klasse) instead of one
    candidate per unit; ``kandidat_kapasitet`` generates candidates as if every unit had that
    many more places (the capacity rows keep the real numbers) — the marginal-value re-solves
    use it so one model serves every unit's «one more place».

    ``familie`` may be several families (``koblede_familier``): one joint model of their units
    and søkere, where a søker's current stay in a unit of another of them is a release
    (``Frigjoring``) like a mover's within a family. The first family names it."""
    fams = (familie,) if isinstance(familie, Familie) else tuple(familie)
    familie = fams[0]
    h = sak.horisont_dager
    ix = saksindeks(sak)
    enheter = sorted((e for f in fams for e in ix.enheter.get(f, [])), key=lambda e: e.id)
    ledig, ledig_2r, dobbel = kapasitetsprofil(sak, enheter, ekstra_ledig)
    if ekstra_kapasitet:
        for u, n in ekstra_kapasitet.items():
            if u in ledig:
                ledig[u] = [v + n for v in ledig[u]]
    enhet_by_id = {e.id: e for e in enheter}
    inst = {e.id: e.institusjon_id for e in enheter}
    opphold_by_id = ix.opphold

    sokere = sorted((so for f in fams for so in ix.sokere.get(f, [])), key=lambda so: so.id)
    if not sokere:
        return Delproblem(
            familie, h, [e.id for e in enheter], inst, ledig, ledig_2r, dobbel, [], [], {}, [], [], {}, familier=fams
        )
    soker_by_id = {s.id: s for s in sokere}

    ikke: dict[str, set[str] | None] = {}
    laast_til: dict[str, str] = {}
    utelatt = utelat_laas if isinstance(utelat_laas, frozenset) else frozenset({utelat_laas})
    for nr, laas in enumerate(sak.laaser):
        if laas.soker_id not in soker_by_id or nr in utelatt:
            continue
        if laas.type == Laastype.TILDEL:
            laast_til[laas.soker_id] = str(laas.enhet_id)
        elif laas.enhet_id is None:
            ikke[laas.soker_id] = None
        else:
            cur = ikke.setdefault(laas.soker_id, set())
            if cur is not None:
                cur.add(laas.enhet_id)

    # Releases of current stays in units of this family (movers within the family).
    frigjoringer: list[Frigjoring] = []
    for s in sokere:
        if s.naverende_opphold_id is None:
            continue
        o = opphold_by_id[s.naverende_opphold_id]
        if o.enhet_id in enhet_by_id:
            iv = _dekker(sak.dag(o.start), None if o.forventet_slutt is None else sak.dag(o.forventet_slutt), h)
            if iv is not None:
                annen = enhet_by_id[o.enhet_id].plasstype.familie != s.soknad.tjeneste.familie
                frigjoringer.append(Frigjoring(s.id, o.enhet_id, iv[1], annen))
    frigjort_i = {f.soker: f.enhet for f in frigjoringer}
    # Movers within their own family; level 4 counts only them (a korttid bed left for langtid
    # is no move).
    flytter_i_familie = {f.soker for f in frigjoringer if not f.annen_familie}
    mover_units = {f.enhet for f in frigjoringer if f.soker in flytter_i_familie}
    flytter = flytter_i_familie

    kand_ledig = {u: [v + kandidat_kapasitet for v in rad] for u, rad in ledig.items()}
    # In a joint model (several families) a unit of another family that a søker would leave is
    # not a mover unit for its candidates: they are built as if every such place were freed
    # from day 0 (an upper bound of any plan's releases), which keeps korttid's candidates few.
    egne = {f.enhet for f in frigjoringer if f.soker in flytter_i_familie}
    for f in frigjoringer:
        if f.enhet not in egne:
            rad = kand_ledig[f.enhet]
            for d in range(f.til_dag + 1):
                rad[d] += 1
    # Largest free count from each day to the end (open-ended stays need a place some day on),
    # every unit in one array operation.
    sufmaks: dict[str, list[int]] = {}
    if kand_ledig:
        tabell = np.array(list(kand_ledig.values()), dtype=np.int64).reshape(len(kand_ledig), h)
        sufmaks = dict(zip(kand_ledig, np.maximum.accumulate(tabell[:, ::-1], axis=1)[:, ::-1].tolist(), strict=True))
    hendelser = {u: (list(range(h)) if alle_startdager else _hendelsesdager(ledig[u])) for u in ledig}
    frigjort_enheter = {f.enhet for f in frigjoringer}  # a release may begin on any event day
    if frigjort_enheter and not alle_startdager:
        alle = sorted({d for u in ledig for d in hendelser[u]})
        for u in frigjort_enheter:
            hendelser[u] = alle

    # The candidates and their indices (``Delproblem.indekser``) are built together, a block of
    # starts at a time: a large family has thousands of candidates and one Python call per
    # candidate was most of this function's time. Every block appends in candidate order, so
    # the indices (their lists and the order of their keys) are those ``indekser`` computes.
    kandidater: list[Kandidat] = []
    per_soker: dict[str, list[int]] = {}
    per_enhet: dict[str, list[int]] = {}
    verdi_cache: dict[int, list[int]] = {}

    def verdier_for(total: int, siste: int) -> list[int]:
        """Level-1 value of each start day 0..``siste`` (at least) for priority ``total``: one
        table per priority, shared by the søkere who have it, extended only as far as a start
        day needs (an akutt søker's table has one entry, not one per day of the horizon)."""
        v = verdi_cache.get(total)
        if v is None:
            v = verdi_cache[total] = []
        if len(v) <= siste:
            v.extend([placement_value(total, d, h) for d in range(len(v), siste + 1)])
        return v

    def blokk(
        personer: tuple[str, ...],
        enhet: str | None,
        starter: Sequence[int],
        perioder: Sequence[tuple[tuple[int, int], ...]],
        total: int,
        pref: int,
        flytting: int,
        klasse: int | None = None,
    ) -> None:
        """Append one candidate of one søker per start day (every other field shared)."""
        if not starter:
            return  # no candidate: no index key either
        n0 = len(kandidater)
        verdi = verdier_for(total, max(starter))
        ny = _NY_TUPPEL  # tuple.__new__: the named tuples without a Python-level call each
        kandidater.extend(
            [
                ny(Kandidat, (i, personer, enhet, d, p, verdi[d], pref, flytting, 1, False, klasse))
                for i, d, p in zip(count(n0), starter, perioder)
            ]
        )
        nye = range(n0, len(kandidater))
        for p in personer:
            per_soker.setdefault(p, []).extend(nye)
        if enhet is not None:
            per_enhet.setdefault(enhet, []).extend(nye)

    def legg_til(personer, enhet, start, perioder, verdi, pref, flytting, bruk=1, toroms=False, klasse=None):  # type: ignore[no-untyped-def]
        i = len(kandidater)
        kandidater.append(Kandidat(i, personer, enhet, start, perioder, verdi, pref, flytting, bruk, toroms, klasse))
        for p in personer:
            per_soker.setdefault(p, []).append(i)
        if enhet is not None:
            per_enhet.setdefault(enhet, []).append(i)

    ektepar = [
        par
        for f in fams
        for par in _ektepar([so for so in sokere if so.soknad.tjeneste.familie == f], kvalifisering, f, ikke, laast_til)
    ]
    i_par = {p.a for p in ektepar} | {p.b for p in ektepar}
    klasse_ix: dict[tuple[object, ...], Klasse] = {}
    klasse_antall: dict[int, int] = defaultdict(int)
    klasse_starter: dict[int, _Starter] = {}
    klasse_baser: dict[int, list[int]] = defaultdict(list)  # index of each member's first candidate
    starter_cache: dict[tuple[str, tuple[object, ...]], _Starter] = {}
    antall: dict[tuple[object, ...], int] = defaultdict(int)
    ventende: list[tuple[Soker, Kvalifisering, int, int, tuple[object, ...], list[tuple[tuple[str, ...], int]]]] = []
    enh_cache: dict[tuple[str, ...], tuple[str, ...]] = {}
    grupper_cache: dict[tuple[tuple[str, ...], tuple[str, ...]], list[tuple[tuple[str, ...], int]]] = {}

    def starter_for(u: str, s: Soker, kv: Kvalifisering, monster: tuple[object, ...]) -> _Starter:
        """Start days (and periods) of a stay pattern in a unit; the same for every søker."""
        nokkel = (u, monster)
        st = starter_cache.get(nokkel)
        if st is None:
            st = starter_cache[nokkel] = _starter(
                s, enhet_by_id[u], kv, kand_ledig[u], sufmaks[u], hendelser[u], h, mover_units
            )
        return st

    for s in sokere:
        kv = kvalifisering.get(s.id)
        if kv is None or kv.utfall != Utfall.KVALIFISERT:
            continue
        forbudt = ikke.get(s.id, set())
        if s.id in ikke and forbudt is None:
            continue
        total = prioritet[s.id].total
        flytting = int(s.oppholdssted == Oppholdssted.LANGTID and s.id in flytter)
        fri_i = frigjort_i.get(s.id)
        laas_i = laast_til.get(s.id)
        if forbudt or fri_i is not None or laas_i is not None:
            enh = tuple(
                u
                for u in kv.enheter
                if u in enhet_by_id
                and not (forbudt and u in forbudt)
                and fri_i != u
                and (laas_i is None or laas_i == u)
            )
        else:  # most søkere: their eligible units in this model, the same for søkere with the same list
            felles = enh_cache.get(kv.enheter)
            if felles is None:
                felles = enh_cache[kv.enheter] = tuple(u for u in kv.enheter if u in enhet_by_id)
            enh = felles
        eksplisitt = not aggreger or s.id in laast_til or s.id in i_par or fri_i is not None or s.id in eksplisitte
        monster = _monster(s, kv, h)
        if eksplisitt:
            for u in enh:
                st = starter_for(u, s, kv, monster)
                blokk((s.id,), u, st.dager, st.perioder, total, _pref(s, inst[u]), flytting)
            continue
        onsker = s.soknad.onskede_institusjoner
        grupper = grupper_cache.get((enh, onsker))
        if grupper is None:
            # Classes: all eligible units (no preference bonus), and the units of each preferred
            # institution (with its bonus) — a søker's unit matters to no level beyond that.
            grupper = [(enh, 0)] if enh else []
            for inst_id in onsker[: len(PREF_BONUS)]:
                i_inst = tuple(u for u in enh if inst[u] == inst_id)
                if i_inst:
                    grupper.append((i_inst, _pref(s, inst_id)))
            grupper_cache[(enh, onsker)] = grupper
        for enheter_k, bonus in grupper:
            antall[(enheter_k, monster, bonus)] += 1
        ventende.append((s, kv, total, flytting, monster, grupper))

    # A class of one member gains nothing from flows (one column per unit and start either
    # way): such a member gets explicit candidates instead.
    for s, kv, total, flytting, monster, grupper in ventende:
        generell_eksplisitt = bool(grupper) and antall[(grupper[0][0], monster, 0)] < 2
        for enheter_k, bonus in grupper:
            nokkel_k = (enheter_k, monster, bonus)
            if antall[nokkel_k] < 2:
                if bonus and generell_eksplisitt:
                    continue  # the explicit general candidates already carry the bonus
                for u in enheter_k:
                    st = starter_for(u, s, kv, monster)
                    blokk(
                        (s.id,), u, st.dager, st.perioder, total, _pref(s, inst[u]) if bonus == 0 else bonus, flytting
                    )
                continue
            kl = klasse_ix.get(nokkel_k)
            if kl is None:
                kl = klasse_ix[nokkel_k] = Klasse(len(klasse_ix), enheter_k, monster, bonus)
            klasse_antall[kl.id] += 1
            ks = klasse_starter.get(kl.id)
            if ks is None:  # the class's start days: the same for every member
                starter: dict[int, tuple[tuple[int, int], ...]] = {}
                for u in enheter_k:
                    st = starter_for(u, s, kv, monster)
                    starter.update(zip(st.dager, st.perioder, strict=True))
                dager = sorted(starter)
                ks = klasse_starter[kl.id] = _Starter(dager, [starter[d] for d in dager])
            if ks.dager:
                klasse_baser[kl.id].append(len(kandidater))
            blokk((s.id,), None, ks.dager, ks.perioder, total, bonus, flytting, kl.id)

    # Aggregated candidates by (class, start): a member's block has one candidate per start
    # of its class, in start order, so the j-th start's candidates are base + j. Classes are
    # numbered in the order of their first member's block, so the keys come in the order in
    # which they first occur among the candidates.
    per_ks: dict[tuple[int, int], list[int]] = {}
    for kid, baser in klasse_baser.items():
        for j, d in enumerate(klasse_starter[kid].dager):
            per_ks[(kid, d)] = [b + j for b in baser]

    strommer: list[Strom] = []
    s_enh: dict[str, list[int]] = {}
    s_ks: dict[tuple[int, int], list[int]] = {}
    # At least one place a flow may use from each start (the largest free count from it on).
    sufmaks_1 = {u: [v if v > 1 else 1 for v in rad] for u, rad in sufmaks.items()}
    for kl in klasse_ix.values():
        kid = kl.id
        n_medl = klasse_antall[kid]
        per_start: dict[int, list[int]] = {}  # this class's flows by start, starts in order of first flow
        for u in kl.enheter:
            st = starter_cache[(u, kl.monster)]
            if not st.dager:
                continue
            if u in mover_units:
                maks: Sequence[int] = [n_medl] * len(st.dager)
            else:
                suf = sufmaks_1[u]
                maks = [suf[d] if suf[d] < n_medl else n_medl for d in st.dager]
            n0 = len(strommer)
            strommer.extend(
                [_NY_TUPPEL(Strom, (j, u, kid, d, p, m)) for j, d, p, m in zip(count(n0), st.dager, st.perioder, maks)]
            )
            s_enh.setdefault(u, []).extend(range(n0, len(strommer)))
            for j, d in zip(count(n0), st.dager):
                liste = per_start.get(d)
                if liste is None:
                    per_start[d] = [j]
                else:
                    liste.append(j)
        for d, liste in per_start.items():
            s_ks[(kid, d)] = liste

    if Familie.BOLIG in fams:
        _felles_leiligheter(
            ektepar,
            soker_by_id,
            kvalifisering,
            enhet_by_id,
            inst,
            kand_ledig,
            ledig_2r,
            hendelser,
            prioritet,
            h,
            legg_til,
        )

    return Delproblem(
        familie=familie,
        horisont=h,
        enheter=[e.id for e in enheter],
        institusjon=inst,
        ledig=ledig,
        ledig_toroms=ledig_2r,
        ledige_dobbeltrom=dobbel,
        kandidater=kandidater,
        sokere=sorted(per_soker),  # every person of a candidate has a key
        prioritet={s.id: prioritet[s.id].total for s in sokere},
        soknadsdag={s.id: sak.dag(s.soknad.soknadsdato) for s in sokere},
        ektepar=ektepar,
        frigjoringer=frigjoringer,
        laast_til=laast_til,
        klasser=sorted(klasse_ix.values(), key=lambda k: k.id),
        strommer=strommer,
        per_soker=per_soker,
        per_enhet=per_enhet,
        strom_per_enhet=s_enh,
        per_klasse_start=per_ks,
        strom_per_klasse_start=s_ks,
        familier=fams,
    )


def _monster(s: Soker, kv: Kvalifisering, h: int) -> tuple[object, ...]:
    """The stay pattern: what, besides the units, decides the places a stay uses *within the
    horizon* of h days. Lengths beyond the horizon are cut to it, because they use the same
    places: a stay of L ≥ h days from day s covers [s, h − 1] whatever L is, and a respite
    pattern whose period is ≥ h has one stay per offset in the horizon. So søkere who differ
    only there share a class (the simulator's weekly case, h = 7, has korttid stays of 14–28
    døgn: one class per set of units instead of one per length)."""
    a = s.soknad.avlastning
    if a is not None:
        if a.periode >= h:
            return ("avlastning", min(a.dager, h), h)
        return ("avlastning", a.dager, a.periode)
    if s.soknad.tjeneste.familie == Familie.AKUTT:
        return ("akutt", min(kv.lengde_dogn or 1, h))
    if kv.lengde_dogn is not None:
        return ("lengde", min(kv.lengde_dogn, h))
    return ("aapen",)


@lru_cache(maxsize=64)
def _faste_perioder(lengde: int, h: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """The periods of a stay of ``lengde`` days from each start day 0..h−1 (shared by every
    unit and søker: thousands of candidates of a large case refer to the same few tuples).
    Call it with ``lengde`` ≤ h: longer stays have the same periods as one of h days."""
    return tuple(((st, min(h - 1, st + lengde - 1)),) for st in range(h))


@lru_cache(maxsize=64)
def _avlastningsmonstre(dager: int, periode: int, h: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """The periods of a respite pattern from each first-stay offset 0..min(periode, h)−1."""
    return tuple(avlastningsperioder(off, dager, periode, h) for off in range(min(periode, h)))


def _starter(s, e, kv, ledig_u, sufmaks_u, hendelser_u, h, mover_units) -> _Starter:  # type: ignore[no-untyped-def]
    """Candidate start days (and periods) of søker s in unit e (see the module docstring)."""
    fam = e.plasstype.familie
    frigjor = e.id in mover_units
    if fam == Familie.AKUTT:
        lengde = kv.lengde_dogn or 1
        if ledig_u[0] > 0:
            return _Starter([0], [((0, min(h - 1, lengde - 1)),)])
        return _Starter([], [])
    if fam == Familie.AVLASTNING:
        a = s.soknad.avlastning
        monstre = _avlastningsmonstre(a.dager, a.periode, h)
        if frigjor:
            return _Starter(list(range(len(monstre))), list(monstre))
        # Days without a free place, counted up to each day: a period [lo, hi] has a free place
        # every day exactly when none of its days is such a day.
        tett = list(accumulate((v <= 0 for v in ledig_u), initial=0))
        dager = [off for off, p in enumerate(monstre) if all(tett[hi + 1] == tett[lo] for lo, hi in p)]
        return _Starter(dager, [monstre[off] for off in dager])
    if kv.lengde_dogn is not None:  # korttid, korttidsleilighet: fixed length
        dager = list(range(h)) if frigjor else [st for st in range(h) if ledig_u[st] > 0]
        faste = _faste_perioder(min(kv.lengde_dogn, h), h)
        return _Starter(dager, [faste[st] for st in dager])
    dager = list(hendelser_u) if frigjor else [st for st in hendelser_u if sufmaks_u[st] > 0]
    aapne = _faste_perioder(h, h)  # open-ended: [st, h − 1], as a stay of h days is
    return _Starter(dager, [aapne[st] for st in dager])


def _ektepar(sokere, kvalifisering, familie, ikke, laast_til) -> list[Ektepar]:  # type: ignore[no-untyped-def]
    """Couples where both qualify in this family and both wish to live together (S §4.22, S §6.2)."""
    by_id = {s.id: s for s in sokere}
    par = []
    for s in sokere:
        if s.ektefelle_id is None or s.id > s.ektefelle_id or s.ektefelle_id not in by_id:
            continue
        t = by_id[s.ektefelle_id]
        if not (s.onsker_bo_sammen and t.onsker_bo_sammen):
            continue
        if s.soknad.tjeneste != t.soknad.tjeneste:
            continue
        if familie not in (Familie.LANGTID, Familie.BOLIG):
            continue
        if familie == Familie.BOLIG and s.soknad.tjeneste.value != Plasstype.SENTERLEILIGHET.value:
            continue
        ka, kb = kvalifisering.get(s.id), kvalifisering.get(t.id)
        if ka is None or kb is None or ka.utfall != Utfall.KVALIFISERT or kb.utfall != Utfall.KVALIFISERT:
            continue
        par.append(Ektepar(s.id, t.id))
    return par


def _felles_leiligheter(
    ektepar,
    soker_by_id,
    kvalifisering,
    enhet_by_id,
    inst,
    ledig,
    ledig_2r,  # type: ignore[no-untyped-def]
    hendelser,
    prioritet,
    h,
    legg_til,
) -> None:
    """Joint candidates: an ektepar in one two-room senterleilighet (S §6.2)."""
    # Largest free count (places, two-room flats) from each day on, per unit: computed once,
    # not by a slice per couple and start day.
    fra_dag: dict[str, tuple[list[int], list[int]]] = {}
    for p in ektepar:
        felles = sorted(set(kvalifisering[p.a].enheter) & set(kvalifisering[p.b].enheter))
        for u in felles:
            e = enhet_by_id.get(u)
            if e is None or e.toroms == 0 or e.plasstype != Plasstype.SENTERLEILIGHET:
                continue
            sa, sb = soker_by_id[p.a], soker_by_id[p.b]
            pref = _pref(sa, inst[u]) + _pref(sb, inst[u])
            if u not in fra_dag:
                fra_dag[u] = (
                    list(accumulate(reversed(ledig[u]), max))[::-1],
                    list(accumulate(reversed(ledig_2r[u]), max))[::-1],
                )
            maks_fra, maks_2r_fra = fra_dag[u]
            for st in sorted(set(hendelser[u]) | set(_hendelsesdager(ledig_2r[u]))):
                if maks_fra[st] <= 0 or maks_2r_fra[st] <= 0:
                    continue
                verdi = placement_value(prioritet[p.a].total, st, h) + placement_value(prioritet[p.b].total, st, h)
                legg_til((p.a, p.b), u, st, ((st, h - 1),), verdi, pref, 0, 1, True)


def frigjort_etter(sak: Sak, familie: Familie, plasseringer: list[Plassering]) -> dict[str, list[int]]:
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


def koblinger(sak: Sak) -> set[tuple[Familie, Familie]]:
    """(family of a søker, family of the unit of its current stay) wherever they differ: a
    placement of the søker frees a place in the other family (a korttid bed left for langtid)."""
    ix = saksindeks(sak)
    ut: set[tuple[Familie, Familie]] = set()
    for s in ix.soker.values():
        o = ix.opphold.get(s.naverende_opphold_id) if s.naverende_opphold_id is not None else None
        e = ix.enhet.get(o.enhet_id) if o is not None else None
        if e is not None and e.plasstype.familie != s.soknad.tjeneste.familie:
            ut.add((s.soknad.tjeneste.familie, e.plasstype.familie))
    return ut


def koblede_familier(sak: Sak, rekkefolge: Sequence[Familie] = SOLVE_ORDER) -> list[tuple[Familie, ...]]:
    """The families in groups that share nothing: families joined by a release (``koblinger``)
    are in one group. A group's families are in release order (a family before those it frees
    places in; the canonical order ``SOLVE_ORDER`` between others), whatever ``rekkefolge``
    says; ``rekkefolge`` orders only the independent groups, which changes no result."""
    kanten = koblinger(sak)
    gruppe = {f: {f} for f in rekkefolge}
    for a, b in kanten:
        if a in gruppe and b in gruppe and gruppe[a] is not gruppe[b]:
            ny = gruppe[a] | gruppe[b]
            for f in ny:
                gruppe[f] = ny
    ut: list[tuple[Familie, ...]] = []
    sett: list[set[Familie]] = []
    for f in rekkefolge:
        g = gruppe[f]
        if any(g is x for x in sett):
            continue
        sett.append(g)
        rest = sorted(g, key=SOLVE_ORDER.index)
        ordnet: list[Familie] = []
        while rest:  # release order; a cycle (never in practice) keeps the canonical order
            fri = [f2 for f2 in rest if not any((a, f2) in kanten for a in rest if a != f2)]
            neste = fri[0] if fri else rest[0]
            ordnet.append(neste)
            rest.remove(neste)
        ut.append(tuple(ordnet))
    return ut


def mulig_frigjort(sak: Sak, fra: Sequence[str], til: Familie) -> dict[str, list[int]]:
    """The most places the søkere ``fra`` (of families other than ``til``) could free in units
    of ``til``: every one placed on day 0. An upper bound of what any of their plans frees."""
    ix = saksindeks(sak)
    h = sak.horisont_dager
    ekstra: dict[str, list[int]] = {}
    for sid in sorted(set(fra)):
        s = ix.soker[sid]
        o = ix.opphold.get(s.naverende_opphold_id) if s.naverende_opphold_id is not None else None
        if o is None or o.enhet_id not in ix.enhet or ix.enhet[o.enhet_id].plasstype.familie != til:
            continue
        slutt = h - 1 if o.forventet_slutt is None else min(h - 1, sak.dag(o.forventet_slutt))
        rad = ekstra.setdefault(o.enhet_id, [0] * h)
        for d in range(max(0, sak.dag(o.start)), slutt + 1):
            rad[d] += 1
    return ekstra
