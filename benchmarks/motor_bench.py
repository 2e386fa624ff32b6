"""Engine benchmark (issue 4): the engine side by side with greedy, HiGHS and the min-cost-flow floor.

For every case, in one process and one run:

1. **greedy** in priority order (``allokering.referanse.gradig``: the manual practice), per family;
2. **HiGHS** as a MIP on exactly the engine's matrix model (``referanse.highs_mip`` on level 1,
   with a time limit per family; «proven» when HiGHS reports optimal with gap 0);
3. the **floor**: OR-Tools ``SimpleMinCostFlow`` on a network relaxation of the same candidates
   without side constraints (see ``gulv_nett`` for the network and why it is a relaxation);
4. the **engine**, end to end (``les_sak`` from the JSON file → ``kjoring.kjor``: solve with
   marginal values and couple costs → explain → validate) and solve-only (``loser.loes`` with
   ``marginalverdier=False, ektepar_kostnad=False``, the simulator's call).

All four objectives are **level 1** (priority-weighted placements), summed over the families.
Greedy, HiGHS and the floor are run on the engine's own ``Delproblem`` per family (the korttid
family sees the beds freed by the langtid/bolig placements, as in the engine), so the same
problem is solved by all four. Times: greedy, HiGHS and floor exclude building the shared
``Delproblem``/``Matrisemodell`` (shown separately); the engine's times include everything.

Cases (fixed seeds): ``sandefjord`` (the bundled demo case), ``oslo-stress`` (2 000 søkere,
400 units, 5 % in ektepar, 2 % locked), ``gjentatt`` (a Sandefjord-size case solved repeatedly
after one warm-up: median per solve), ``ukeloop`` (the scenario simulator's own weekly engine
calls, timed inside a simulation), ``national-stress`` (10 000 × 2 000, opt-in, 1 round by
default). Last output lines, one per case::

    RESULT case=<name> engine_s=<median> highs_s=<median> floor_s=<median> greedy_obj=<x>
           engine_obj=<x> highs_obj=<x> proven=<0|1> solve_s=<median>      (one line)

``engine_s`` is the end-to-end median (per-solve median for ``gjentatt``, per weekly call for
``ukeloop``, the solve for ``national-stress``); ``proven`` is 1 when
the engine proved level 1 optimal in every family. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from allokering import loser
from allokering.forklaring import lag_resultat
from allokering.kandidater import Delproblem, bygg_delproblem, koblede_familier
from allokering.kjoring import Valideringsfeil, kjor
from allokering.loser import Loserparametre, loes
from allokering.modell import bygg_modell
from allokering.referanse import gradig, highs_mip
from allokering.validator import valider
from modeller.generator import demo_sti, generer, generer_sak
from modeller.lasting import les_sak, sak_til_json
from modeller.regelprofil import SANDEFJORD
from modeller.sak import Sak

ALLE_SAKER = ("sandefjord", "oslo-stress", "national-stress", "gjentatt", "ukeloop")
STANDARD_SAKER = "sandefjord,oslo-stress,gjentatt,ukeloop"
UKELOOP_UKER = (20, 80)  # weeks of warm-up, weeks measured


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saksoppsett:
    navn: str
    beskrivelse: str
    lag: Callable[[], Sak]
    fil: Path | None = None  # a bundled file to load from (otherwise the case is written to a temp file)
    runder: int | None = None  # overrides --runder (national-stress)
    highs_tid: float | None = None  # overrides --highs-tid
    motor_tid: float | None = None  # overrides --motor-tid
    gjentatt: bool = False
    ukeloop: tuple[int, int] | None = None  # (warm-up weeks, measured weeks) of the simulator's loop
    bare_los: bool = False  # no end-to-end run (marginal values for 2 000 units take far longer than the solve)


def ukeloop(uker: tuple[int, int]) -> tuple[list[Sak], list[float], list[float]]:
    """The simulator's inner loop as it runs: one replication of the Sandefjord-size scenario
    (seed 1), the engine in the loop. Returns the weekly cases after the warm-up weeks and the
    engine seconds of every weekly call and of every akutt call in those weeks, timed inside
    the simulation (so the per-søker caches are exactly as warm as in a real run)."""
    import scenarier.simulering as sim
    from scenarier.scenariofil import Scenario

    oppv, maalt = uker
    sc = Scenario(navn="ukeloop", kommune="sandefjord", uker=oppv + maalt, oppvarming_uker=0, replikasjoner=1, seed=1)
    saker: list[Sak] = []
    uke_s: list[float] = []
    akutt_s: list[float] = []
    opprinnelig = loser.loes
    teller = {"uke": 0}

    def tidtatt(sak: Sak, p: Loserparametre) -> loser.Losning:
        t = time.perf_counter()
        los = opprinnelig(sak, p)
        dt = time.perf_counter() - t
        ukekall = sak.horisont_dager == sc.motor.horisont_dager and any(
            e.plasstype.familie.value != "akutt" for e in sak.enheter
        )
        if ukekall:
            teller["uke"] += 1
        if teller["uke"] > oppv:
            if ukekall:
                saker.append(sak)
                uke_s.append(dt)
            else:
                akutt_s.append(dt)
        return los

    sim.Simulator(sim.bygg_modell(sc), 0, sim.replikasjonsfro(sc.seed, 1)[0], loeser=tidtatt).kjor()
    return saker, uke_s, akutt_s


def saksoppsett(navn: str, raske: bool) -> Saksoppsett:
    """The fixed-seed cases. ``raske`` shrinks the stress cases so a smoke run takes seconds."""
    if navn == "sandefjord":
        if raske:
            return Saksoppsett(
                navn, "Sandefjord-profil, 60 søkere × 20 enheter (raske)", lambda: _stress(65_000, 60, 20, 3)
            )
        return Saksoppsett(
            navn,
            "innebygd demosak sandefjord, 28 dager, alle familier",
            lambda: les_sak(demo_sti("sandefjord")),
            fil=demo_sti("sandefjord"),
        )
    if navn == "oslo-stress":
        n, m = (200, 40) if raske else (2_000, 400)
        return Saksoppsett(
            navn, f"{n} søkere × {m} enheter, 5 % ektepar, 2 % låst, frø 7", lambda: _stress(300_000, n, m, 7)
        )
    if navn == "national-stress":
        n, m = (400, 80) if raske else (10_000, 2_000)
        return Saksoppsett(
            navn,
            f"{n} søkere × {m} enheter, 5 % ektepar, 2 % låst, frø 11",
            lambda: _stress(1_500_000, n, m, 11),
            runder=1,
            highs_tid=None if raske else 60.0,
            motor_tid=None if raske else 20.0,
            bare_los=not raske,
        )
    if navn == "gjentatt":
        if raske:
            return Saksoppsett(
                navn,
                "60 søkere × 20 enheter, gjentatte løsninger (raske)",
                lambda: _stress(65_000, 60, 20, 5),
                gjentatt=True,
            )
        return Saksoppsett(
            navn,
            "generert sandefjord (frø 1), samme sak løst gjentatte ganger",
            lambda: generer_sak("sandefjord", seed=1),
            gjentatt=True,
        )
    if navn == "ukeloop":
        uker = (3, 10) if raske else UKELOOP_UKER
        return Saksoppsett(
            navn,
            f"simulatorens ukekall, sandefjord-scenario (frø 1), {uker[1]} uker etter {uker[0]}",
            lambda: generer_sak("sandefjord", seed=1),  # replaced by the last weekly case (kjor_sak)
            ukeloop=uker,
        )
    raise SystemExit(f"ukjent sak «{navn}»; kjente: {', '.join(ALLE_SAKER)}")


def _stress(befolkning: int, sokere: int, enheter: int, fro: int) -> Sak:
    return generer(
        befolkning,
        SANDEFJORD,
        seed=fro,
        antall_sokere=sokere,
        antall_enheter=enheter,
        andel_ektepar=0.05,
        andel_laast=0.02,
    )


# --------------------------------------------------------------------------------------------
# The floor: min-cost flow on a network relaxation
# --------------------------------------------------------------------------------------------


@dataclass
class Nett:
    tails: np.ndarray
    heads: np.ndarray
    caps: np.ndarray
    costs: np.ndarray
    noder: int
    kilde: int
    sluk: int
    tilbud: int
    eksakt: bool  # the relaxation drops nothing that binds in this family (equals the level-1 optimum)


def gulv_nett(dp: Delproblem) -> Nett:
    """Network relaxation of level 1 of one family (maximise Σ value; solved as min cost of −value).

    Nodes: source → one node per søker (capacity 1: one placement per søker, kept exactly) →
    for aggregated classes a hub per (class, start day) → «slot» nodes per unit → sink, plus a
    bypass arc source → sink (a søker may stay unplaced). Arc costs are −level-1 value.

    Capacity per unit, two cases:

    * **Open-ended stays** (every stay in the unit ends on the horizon's last day: langtid,
      bolig, late starts): one node per start day, chained in time; the arc from start day sᵢ
      to the next start sᵢ₊₁ (or to the sink) has capacity min free places on [sᵢ, sᵢ₊₁ − 1].
      Its flow is the number of stays begun by then, i.e. exactly the occupancy on those days,
      so the unit's capacity rows are represented *exactly*.
    * **Fixed-length and rolling stays** (korttid, akutt, avlastning, korttidsleilighet):
      occupancy over time does not fit a network together with the one-placement-per-søker
      arcs, so the day-by-day rows are *relaxed*: the unit's distinct stay patterns are
      partitioned by interval stabbing into groups that all occupy one common day d (for a
      group: the common day with the fewest free places), and each group gets one arc to the
      sink with capacity free(d). Each such arc is one of the model's own day-d capacity rows
      restricted to a subset of its (non-negative) terms, hence implied by the model; the
      other rows are dropped. Fewer constraints ⇒ an upper bound on level 1 (a relaxation).

    Side constraints dropped (each only enlarges the feasible set): locks; two-room flats
    (S §6.2); couples together (level 2, not in level 1 anyway); and movers' releases — instead
    of «a mover's old place is freed from the day the mover starts elsewhere» the released place
    is free *unconditionally* from the mover's earliest possible start. A joint couple placement
    (two søkere, one flat, value v_a + v_b) becomes an arc from søker a with the whole value;
    any solution of the model maps to a flow of at least the same value, so this still relaxes.

    Because every model solution maps to a flow of equal or greater value, the flow optimum is
    ≥ the model's level-1 optimum; it equals it when the family has only open-ended units and
    none of the dropped side constraints (``eksakt``). Its solve time is the «floor»: the time
    of solving a pure network of the same size with the best network code available."""
    h = dp.horisont
    nk = len(dp.kandidater)
    ledig = {u: list(rad) for u, rad in dp.ledig.items()}
    for f in dp.frigjoringer:
        starter = [dp.kandidater[i].start for i in dp.per_soker.get(f.soker, [])]
        if starter:
            for d in range(min(starter), f.til_dag + 1):
                ledig[f.enhet][d] += 1
    cap = {u: [max(0, v) for v in rad] for u, rad in ledig.items()}

    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []

    def arc(a: int, b: int, c: int, k: int) -> None:
        tails.append(a)
        heads.append(b)
        caps.append(c)
        costs.append(k)

    kilde, sluk = 0, 1
    noder = 2
    soker_node: dict[str, int] = {}
    for s in dp.sokere:
        soker_node[s] = noder
        noder += 1
    hub: dict[tuple[int, int], int] = {}
    for kl, st in dp.per_klasse_start:
        hub[(kl, st)] = noder
        noder += 1

    # Items per unit: explicit candidates ("k", idx) and class flows ("z", idx), with their periods.
    elementer: dict[str, list[tuple[str, int, tuple[tuple[int, int], ...]]]] = defaultdict(list)
    for k in dp.kandidater:
        if k.enhet is not None:
            elementer[k.enhet].append(("k", k.idx, k.perioder))
    for z in dp.strommer:
        elementer[z.enhet].append(("z", z.idx, z.perioder))

    slot: dict[tuple[str, int], int] = {}
    alle_aapne = True
    for u in dp.enheter:
        el = elementer.get(u)
        if not el:
            continue
        if all(len(p) == 1 and p[0][1] == h - 1 for _, _, p in el):
            starter = sorted({p[0][0] for _, _, p in el})
            node_av = {}
            for st in starter:
                node_av[st] = noder
                noder += 1
            for i, st in enumerate(starter):
                neste = starter[i + 1] if i + 1 < len(starter) else h
                arc(node_av[st], node_av[neste] if neste < h else sluk, min(cap[u][st:neste]), 0)
            for typ, idx, p in el:
                slot[(typ, idx)] = node_av[p[0][0]]
            continue
        alle_aapne = False
        # Interval stabbing over the distinct stay patterns of the unit.
        monstre = sorted({p for _, _, p in el}, key=lambda p: (p[0][1], p))
        maske = {p: sum(((1 << (hi + 1)) - (1 << lo)) for lo, hi in p) for p in monstre}
        gruppe_av: dict[tuple[tuple[int, int], ...], int] = {}
        for p in monstre:
            if p in gruppe_av:
                continue
            d = p[0][1]
            medl = [q for q in monstre if q not in gruppe_av and (maske[q] >> d) & 1]
            felles = maske[medl[0]]
            for q in medl[1:]:
                felles &= maske[q]
            dag = min((x for x in range(h) if (felles >> x) & 1), key=lambda x: (cap[u][x], x))
            node = noder
            noder += 1
            arc(node, sluk, cap[u][dag], 0)
            for q in medl:
                gruppe_av[q] = node
        for typ, idx, p in el:
            slot[(typ, idx)] = gruppe_av[p]

    for node in soker_node.values():
        arc(kilde, node, 1, 0)
    for k in dp.kandidater:
        a = soker_node[k.personer[0]]
        if k.enhet is None:
            arc(a, hub[(int(k.klasse), k.start)], 1, -k.verdi)  # type: ignore[arg-type]
        else:
            arc(a, slot[("k", k.idx)], 1, -k.verdi)
    for z in dp.strommer:
        arc(hub[(z.klasse, z.start)], slot[("z", z.idx)], z.maks, 0)
    tilbud = len(dp.sokere)
    arc(kilde, sluk, tilbud, 0)
    eksakt = (
        alle_aapne
        and not dp.frigjoringer
        and not dp.laast_til
        and not any(len(k.personer) > 1 or k.toroms for k in dp.kandidater)
    )
    del nk
    return Nett(
        np.asarray(tails, dtype=np.int32),
        np.asarray(heads, dtype=np.int32),
        np.asarray(caps, dtype=np.int64),
        np.asarray(costs, dtype=np.int64),
        noder,
        kilde,
        sluk,
        tilbud,
        eksakt,
    )


@dataclass
class Gulv:
    verdi: int
    bygg_s: float  # extracting the network from the Delproblem (Python)
    los_s: float  # OR-Tools: loading the arcs + solving (the floor time)
    eksakt: bool
    buer: int


def gulv(dp: Delproblem) -> Gulv:
    from ortools.graph.python import min_cost_flow

    t0 = time.perf_counter()
    nett = gulv_nett(dp)
    t1 = time.perf_counter()
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(nett.tails, nett.heads, nett.caps, nett.costs)
    tilbud = np.zeros(nett.noder, dtype=np.int64)
    tilbud[nett.kilde] = nett.tilbud
    tilbud[nett.sluk] = -nett.tilbud
    smcf.set_nodes_supplies(np.arange(nett.noder, dtype=np.int32), tilbud)
    status = smcf.solve()
    t2 = time.perf_counter()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow: status {status}")
    return Gulv(-int(smcf.optimal_cost()), t1 - t0, t2 - t1, nett.eksakt, len(nett.tails))


# --------------------------------------------------------------------------------------------
# Where the engine's time goes (one run with the engine's timing hook, ``Strategi.maaling``)
# --------------------------------------------------------------------------------------------

FASER = (
    "kvalifisering",
    "prioritet",
    "delproblem",
    "modell",
    "gradig",
    "flyt",
    "lp",
    "rk_fiksering",
    "cpsat_bygg",
    "cpsat",
    "likebehandling",
)
"""Profile columns; the hook's «lp:*» steps go to «lp», «sifting_fra_flyt» to «flyt»."""


class Profil:
    """Sums the engine's timing hook into (context, phase). Contexts: «familie:<f>»,
    «marginalverdier», «ektepar_kostnad» (the leaf steps seen since the previous context
    ended belong to the one that ends next: the hook reports a step when it ends), «loes»
    (qualification, priority and the whole solve) and «kjor» (explanation, validator). Only the
    public hook is used; no engine function is patched."""

    def __init__(self, tider: dict[tuple[str, str], float]):
        self.tider = tider
        self.buffer: list[tuple[str, float]] = []

    def __call__(self, steg: str, sekunder: float) -> None:
        if steg.startswith("familie:") or steg in ("marginalverdier", "ektepar_kostnad"):
            for fase, v in self.buffer:
                self.tider[(steg, fase)] += v
            self.buffer.clear()
            self.tider[(steg, "totalt")] += sekunder
        elif steg in ("kvalifisering", "prioritet"):
            self.tider[("loes", steg)] += sekunder
        else:
            fase = "lp" if steg.startswith("lp:") else "flyt" if steg == "sifting_fra_flyt" else steg
            self.buffer.append((fase, sekunder))


def _profilert_kjoring(sak: Sak, p: Loserparametre, tider: dict[tuple[str, str], float], hele: bool) -> None:
    """One solve with the timing hook; with ``hele`` also the explanation and the validator
    (what ``kjoring.kjor`` does), timed here around the public functions."""
    hp = dataclasses.replace(p, strategi=dataclasses.replace(p.strategi, maaling=Profil(tider)))
    t0 = time.perf_counter()
    losning = loes(sak, hp)
    t1 = time.perf_counter()
    tider[("loes", "totalt")] += t1 - t0
    if hele:
        resultat = lag_resultat(losning)
        t2 = time.perf_counter()
        valider(sak, resultat.som_json(), losning.kvalifisering)
        t3 = time.perf_counter()
        tider[("kjor", "forklaring")] += t2 - t1
        tider[("kjor", "validator")] += t3 - t2
        t1 = t3
    tider[("kjor", "totalt")] = t1 - t0


# --------------------------------------------------------------------------------------------
# Running a case
# --------------------------------------------------------------------------------------------


@dataclass
class Familiemaal:
    familie: str
    kandidater: int
    kolonner: int
    rader: int
    modell_s: float
    gradig_obj: int
    gradig_s: list[float]
    motor_obj: int
    motor_bevist: bool
    motor_metode: str
    motor_s: float
    highs_obj: int | None  # None: HiGHS not run (--highs-runder 0)
    highs_bevist: bool
    highs_s: list[float]
    gulv_obj: int
    gulv_eksakt: bool
    gulv_s: list[float]
    gulv_bygg_s: float
    buer: int


@dataclass
class Saksresultat:
    navn: str
    beskrivelse: str
    sokere: int
    enheter: int
    runder: int
    highs_runder: int
    motor_e2e_s: list[float] = field(default_factory=list)
    motor_los_s: list[float] = field(default_factory=list)
    motor_e2e_uten_s: list[float] = field(default_factory=list)  # e2e without the extra analyses
    familier: list[Familiemaal] = field(default_factory=list)
    motor_obj: int = 0
    motor_obj_alle: set[int] = field(default_factory=set)
    bevist: bool = False
    valideringsfeil: list[str] = field(default_factory=list)
    rss_mb: float = 0.0  # process peak RSS after the engine runs
    rss_alle_mb: float = 0.0  # … and after the baselines (HiGHS)
    profil: dict[tuple[str, str], float] = field(default_factory=dict)
    merknader: list[str] = field(default_factory=list)

    @property
    def gradig_obj(self) -> int:
        return sum(f.gradig_obj for f in self.familier)

    @property
    def highs_obj(self) -> int | None:
        verdier = [f.highs_obj for f in self.familier]
        return None if any(v is None for v in verdier) else sum(v for v in verdier if v is not None)

    @property
    def gulv_obj(self) -> int:
        return sum(f.gulv_obj for f in self.familier)

    @property
    def highs_bevist(self) -> bool:
        return all(f.highs_bevist for f in self.familier)

    def median(self, hva: str) -> float:
        if hva == "motor":
            return statistics.median(self.motor_e2e_s)
        if hva == "los":
            return statistics.median(self.motor_los_s)
        runder = {"gradig": "gradig_s", "highs": "highs_s", "gulv": "gulv_s"}[hva]
        per_runde = [sum(vals) for vals in zip(*(getattr(f, runder) for f in self.familier), strict=True)]
        return statistics.median(per_runde) if per_runde else float("nan")

    def sjekker(self) -> dict[str, bool]:
        lik = all(f.motor_obj == f.highs_obj for f in self.familier if f.motor_bevist and f.highs_bevist)
        # HiGHS not run: its checks are left out rather than reported as passed.
        kjort = self.highs_obj is not None
        return {
            "motor ≥ grådig": self.motor_obj >= self.gradig_obj
            and all(f.motor_obj >= f.gradig_obj for f in self.familier),
            **({"motor = HiGHS (begge bevist)": lik} if kjort else {}),
            "gulv ≥ motor, HiGHS": all(f.gulv_obj >= max(f.motor_obj, f.highs_obj or 0) for f in self.familier),
            "validator ok": not self.valideringsfeil,
            "deterministisk objektiv": len(self.motor_obj_alle) == 1,
        }

    def result_linje(self) -> str:
        return (
            f"RESULT case={self.navn} engine_s={self.median('motor'):.4f} highs_s={self.median('highs'):.4f} "
            f"floor_s={self.median('gulv'):.4f} greedy_obj={self.gradig_obj} engine_obj={self.motor_obj} "
            f"highs_obj={'nan' if self.highs_obj is None else self.highs_obj} proven={int(self.bevist)} "
            f"solve_s={self.median('los'):.4f}"
        )


def _valider(sak: Sak, losning: loser.Losning) -> list[str]:
    resultat = lag_resultat(losning)
    return [str(b) for b in valider(sak, resultat.som_json(), losning.kvalifisering)]


def kjor_sak(
    oppsett: Saksoppsett,
    runder: int,
    highs_runder: int,
    highs_tid: float,
    motor_tid: float,
    gjentak: int,
    profil: bool,
    logg: Callable[[str], None],
) -> Saksresultat:
    runder = oppsett.runder if oppsett.runder is not None and runder > oppsett.runder else runder
    highs_runder = min(highs_runder, runder)
    highs_tid = oppsett.highs_tid or highs_tid
    motor_tid = oppsett.motor_tid or motor_tid
    sak = oppsett.lag()
    uke: tuple[list[Sak], list[float], list[float]] | None = None
    if oppsett.ukeloop is not None:
        logg(f"{oppsett.navn}: simulerer {sum(oppsett.ukeloop)} uker med motoren i løkken")
        uke = ukeloop(oppsett.ukeloop)
        sak = uke[0][-1]  # the baselines run on the last weekly case
    res = Saksresultat(oppsett.navn, oppsett.beskrivelse, len(sak.sokere), len(sak.enheter), runder, highs_runder)
    los_p = Loserparametre(tidsgrense_s=motor_tid, marginalverdier=False, ektepar_kostnad=False, laaspriser=False)
    full_p = Loserparametre(tidsgrense_s=motor_tid)

    with tempfile.TemporaryDirectory() as tmp:
        fil = oppsett.fil
        if fil is None:
            fil = Path(tmp) / f"{oppsett.navn}.json"
            fil.write_text(sak_til_json(sak), encoding="utf-8")

        # Warm-up (imports, caches) and the Delproblem per family the baselines share.
        logg(f"{oppsett.navn}: oppvarming")
        los0 = loes(sak, los_p)
        res.valideringsfeil += _valider(sak, los0)

        if uke is not None:
            ukesaker, uke_s, akutt_s = uke
            res.motor_los_s = list(uke_s)
            res.motor_e2e_s = list(uke_s)
            for s_ in ukesaker[-5:]:
                res.valideringsfeil += _valider(s_, loes(s_, los_p))
            res.merknader.append(
                f"engine_s = median per ukekall i simulatoren ({len(uke_s)} kall, "
                f"{statistics.median(uke_s) * 1000:.1f} ms; "
                f"søkere per sak median {statistics.median(len(x.sokere) for x in ukesaker):.0f}); akutt-kall: "
                f"{len(akutt_s)}, median {statistics.median(akutt_s) * 1000:.2f} ms; referansene løser siste ukesak"
            )
        elif oppsett.gjentatt:
            logg(f"{oppsett.navn}: {gjentak} gjentatte løsninger")
            for _ in range(gjentak):
                t = time.perf_counter()
                los = loes(sak, los_p)
                res.motor_los_s.append(time.perf_counter() - t)
                res.motor_obj_alle.add(sum(f.nivaaer[0].verdi for f in los.familier.values()))
                res.valideringsfeil += _valider(sak, los)
            res.motor_e2e_s = list(res.motor_los_s)
            res.merknader.append(f"engine_s = median per løsning (loes uten marginalverdier), {gjentak} løsninger")
        else:
            for r in range(runder):
                logg(f"{oppsett.navn}: motor runde {r + 1}/{runder}")
                if not oppsett.bare_los:
                    t = time.perf_counter()
                    sak_r = les_sak(fil)
                    try:
                        kjor(sak_r, full_p)
                    except Valideringsfeil as e:
                        res.valideringsfeil += [str(b) for b in e.brudd]
                    res.motor_e2e_s.append(time.perf_counter() - t)
                    # The same chain without the two extra analyses (marginal values, couple costs).
                    t = time.perf_counter()
                    try:
                        kjor(les_sak(fil), los_p)
                    except Valideringsfeil as e:
                        res.valideringsfeil += [str(b) for b in e.brudd]
                    res.motor_e2e_uten_s.append(time.perf_counter() - t)
                t = time.perf_counter()
                los = loes(sak, los_p)
                res.motor_los_s.append(time.perf_counter() - t)
                if oppsett.bare_los:
                    res.motor_e2e_s.append(res.motor_los_s[-1])
                res.motor_obj_alle.add(sum(f.nivaaer[0].verdi for f in los.familier.values()))
                res.valideringsfeil += _valider(sak, los)
            res.merknader.append(
                "engine_s = median løsning (loes uten marginalverdier; ende til ende kjøres ikke for denne saken)"
                if oppsett.bare_los
                else "engine_s = median ende til ende (les JSON → kjor: løs, marginalverdier, forklar, valider); "
                f"uten marginalverdier, ekteparkostnad og låspriser: {statistics.median(res.motor_e2e_uten_s):.3f} s"
            )
        res.rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        res.motor_obj = sum(f.nivaaer[0].verdi for f in los0.familier.values())
        res.motor_obj_alle.add(res.motor_obj)
        res.bevist = all(f.nivaaer[0].bevist for f in los0.familier.values() if f.nivaaer)

        if profil:
            tider: dict[tuple[str, str], float] = defaultdict(float)
            hele = not (oppsett.gjentatt or oppsett.ukeloop is not None or oppsett.bare_los)
            _profilert_kjoring(les_sak(fil) if hele else sak, full_p if hele else los_p, tider, hele)
            res.profil = dict(tider)

    # Families coupled by released places are solved by the engine as one joint model
    # (``allokering.koblede``): the references solve the same joint model, one row per group.
    for gruppe in koblede_familier(los0.sak):
        gruppe = tuple(f for f in gruppe if f in los0.delproblemer)
        if not gruppe:
            continue
        fam = gruppe[0]
        if len(gruppe) == 1:
            dp, fr = los0.delproblemer[fam], los0.familier[fam]
        else:
            dp = bygg_delproblem(los0.sak, gruppe, los0.kvalifisering, los0.prioritet)
            frs = [los0.familier[f] for f in gruppe]
            fr = loser.Familieresultat(
                fam,
                frs[0].status,
                [
                    loser.Nivaaresultat(
                        n.navn,
                        sum(x.nivaaer[k].verdi for x in frs),
                        sum(x.nivaaer[k].grense for x in frs),
                        all(x.nivaaer[k].bevist for x in frs),
                    )
                    for k, n in enumerate(frs[0].nivaaer)
                ],
                sum(x.sekunder for x in frs),
                len(dp.kandidater),
                [pl for x in frs for pl in x.plasseringer],
                frs[0].metode,
            )
        navn = "+".join(f.value for f in gruppe)
        logg(f"{oppsett.navn}: referanser for {navn}")
        t = time.perf_counter()
        mm = bygg_modell(dp)
        modell_s = time.perf_counter() - t
        g = [gradig(dp) for _ in range(runder)]
        hs = [highs_mip(mm, mm.nivaa[0], highs_tid) for _ in range(highs_runder)]
        gv = [gulv(dp) for _ in range(runder)]
        n1 = fr.nivaaer[0] if fr.nivaaer else None
        res.familier.append(
            Familiemaal(
                familie=navn,
                kandidater=len(dp.kandidater),
                kolonner=mm.n,
                rader=len(mm.lo),
                modell_s=modell_s,
                gradig_obj=g[0].verdi,
                gradig_s=[x.sekunder for x in g],
                motor_obj=n1.verdi if n1 else 0,
                motor_bevist=bool(n1 and n1.bevist),
                motor_metode=fr.metode,
                motor_s=fr.sekunder,
                highs_obj=hs[0].verdi if hs else None,
                highs_bevist=bool(hs) and hs[0].bevist,
                highs_s=[x.sekunder for x in hs],
                gulv_obj=gv[0].verdi,
                gulv_eksakt=gv[0].eksakt,
                gulv_s=[x.los_s for x in gv],
                gulv_bygg_s=statistics.median(x.bygg_s for x in gv),
                buer=gv[0].buer,
            )
        )
    res.rss_alle_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if highs_runder < runder:
        res.merknader.append(f"HiGHS: {highs_runder} runde(r) (--highs-runder)")
    if oppsett.runder is not None and runder == oppsett.runder:
        res.merknader.append(f"{oppsett.navn}: {runder} runde(r) (treg sak)")
    return res


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def _s(x: float) -> str:
    if x != x:  # nan: not run
        return "–"
    return f"{x * 1000:.1f} ms" if x < 1 else f"{x:.2f} s"


def skriv_tabeller(resultater: Sequence[Saksresultat], con: Any) -> None:
    from rich.table import Table

    hoved = Table(title="Motor mot grådig, HiGHS og min-cost-flow-gulvet (nivå 1; medianer)")
    for kol in (
        "sak",
        "runder",
        "grådig obj",
        "grådig s",
        "HiGHS obj",
        "HiGHS s",
        "gulv obj",
        "gulv s",
        "motor obj",
        "bevist",
        "motor e2e s",
        "motor løs s",
        "e2e/HiGHS",
        "løs/HiGHS",
        "e2e/gulv",
        "løs/gulv",
        "RSS MB motor/alt",
    ):
        hoved.add_column(kol, justify="left" if kol == "sak" else "right")
    for r in resultater:
        me, ml, hi, gu = r.median("motor"), r.median("los"), r.median("highs"), r.median("gulv")
        hoved.add_row(
            r.navn,
            f"{r.runder}/{r.highs_runder}",
            str(r.gradig_obj),
            _s(r.median("gradig")),
            _hs_obj(r.highs_obj, r.highs_bevist),
            _s(hi),
            str(r.gulv_obj),
            _s(gu),
            str(r.motor_obj),
            "ja" if r.bevist else "nei",
            _s(me),
            _s(ml),
            f"{me / hi:.2f}" if hi > 0 else "–",
            f"{ml / hi:.2f}" if hi > 0 else "–",
            f"{me / gu:.0f}×" if gu else "–",
            f"{ml / gu:.0f}×" if gu else "–",
            f"{r.rss_mb:.0f}/{r.rss_alle_mb:.0f}",
        )
    con.print(hoved)
    con.print("  * = HiGHS ikke bevist optimal innen tidsgrensen. Runder: motor/grådig/gulv, HiGHS.")

    for r in resultater:
        t = Table(title=f"{r.navn}: {r.beskrivelse} ({r.sokere} søkere, {r.enheter} enheter) – per familie")
        for kol in (
            "familie",
            "kand.",
            "kol × rader",
            "modell s",
            "grådig obj",
            "motor obj",
            "metode",
            "bevist",
            "motor s",
            "HiGHS obj",
            "HiGHS s",
            "gulv obj",
            "eksakt",
            "gulv s",
            "gulv bygg s",
            "buer",
        ):
            t.add_column(kol, justify="left" if kol == "familie" else "right")
        for f in r.familier:
            t.add_row(
                f.familie,
                str(f.kandidater),
                f"{f.kolonner} × {f.rader}",
                _s(f.modell_s),
                str(f.gradig_obj),
                str(f.motor_obj),
                f.motor_metode,
                "ja" if f.motor_bevist else "nei",
                _s(f.motor_s),
                _hs_obj(f.highs_obj, f.highs_bevist),
                _s(statistics.median(f.highs_s)) if f.highs_s else "–",
                str(f.gulv_obj),
                "ja" if f.gulv_eksakt else "nei",
                _s(statistics.median(f.gulv_s)),
                _s(f.gulv_bygg_s),
                str(f.buer),
            )
        con.print(t)
        sj = r.sjekker()
        con.print("  Sjekker: " + "; ".join(f"{k}: {'OK' if v else 'FEIL'}" for k, v in sj.items()))
        for m in r.merknader:
            con.print(f"  Merk: {m}")
        if r.valideringsfeil:
            con.print(f"  VALIDERINGSFEIL ({len(r.valideringsfeil)}): " + "; ".join(r.valideringsfeil[:5]))
        if r.profil:
            skriv_profil(r, con)


def _hs_obj(verdi: int | None, bevist: bool) -> str:
    return "ikke kjørt" if verdi is None else f"{verdi}{'' if bevist else ' *'}"


def skriv_profil(r: Saksresultat, con: Any) -> None:
    from rich.table import Table

    faser = FASER
    t = Table(title=f"{r.navn}: hvor motorens tid går (én instrumentert kjøring)")
    for kol in ("kontekst", "totalt", *faser, "annet"):
        t.add_column(kol, justify="left" if kol == "kontekst" else "right")
    kontekster = sorted({k for k, _ in r.profil if k != "kjor"}, key=lambda k: (not k.startswith("familie"), k))
    for k in kontekster:
        tot = r.profil.get((k, "totalt"), 0.0)
        if k.startswith("familie"):
            tot += r.profil.get((k, "delproblem"), 0.0)  # built just before loes_familie
        verdier = [r.profil.get((k, f), 0.0) for f in faser]
        annet = tot - sum(verdier)
        if k == "loes":  # the families, marginal values and couple costs run inside loes: own rows
            annet -= sum(
                r.profil.get((j, "totalt"), 0.0) + r.profil.get((j, "delproblem"), 0.0)
                for j in kontekster
                if j != "loes"
            )
        t.add_row(k, _s(tot), *(_s(v) if v else "–" for v in verdier), _s(max(0.0, annet)))
    con.print(t)
    andre = {f: v for (k, f), v in r.profil.items() if k == "kjor"}
    con.print("  kjor: " + ", ".join(f"{f} {_s(v)}" for f, v in sorted(andre.items())))


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> list[Saksresultat]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--raske", action="store_true", help="Røyktest: 1 runde, små stress-saker, 3 gjentak.")
    ap.add_argument("--runder", type=int, default=5, help="Runder per sak (medianer); national-stress: 1.")
    ap.add_argument(
        "--highs-runder", type=int, default=None, help="Runder for HiGHS (standard: = --runder; 0: kjøres ikke)."
    )
    ap.add_argument("--saker", default=STANDARD_SAKER, help=f"Kommaseparert blant {', '.join(ALLE_SAKER)}.")
    ap.add_argument("--highs-tid", type=float, default=120.0, help="HiGHS tidsgrense per familie (s).")
    ap.add_argument("--motor-tid", type=float, default=30.0, help="Motorens tidsgrense per familie (s).")
    ap.add_argument("--gjentak", type=int, default=20, help="Løsninger i «gjentatt» etter oppvarming.")
    ap.add_argument("--uten-profil", action="store_true", help="Dropp den instrumenterte kjøringen.")
    a = ap.parse_args(list(argv) if argv is not None else None)
    if a.raske:
        a.runder, a.gjentak = 1, 3
    highs_runder = a.runder if a.highs_runder is None else a.highs_runder
    saker = [s.strip() for s in a.saker.split(",") if s.strip()]
    for s in saker:
        if s not in ALLE_SAKER:
            ap.error(f"ukjent sak «{s}»; kjente: {', '.join(ALLE_SAKER)}")

    from rich.console import Console

    con = Console(width=220)
    err = Console(stderr=True)
    resultater = []
    for s in saker:
        t = time.perf_counter()
        r = kjor_sak(
            saksoppsett(s, a.raske),
            a.runder,
            highs_runder,
            a.highs_tid,
            a.motor_tid,
            a.gjentak,
            not a.uten_profil,
            lambda m: err.print(f"[dim]{m}[/dim]"),
        )
        err.print(f"[dim]{s}: ferdig på {time.perf_counter() - t:.1f} s[/dim]")
        resultater.append(r)
    skriv_tabeller(resultater, con)
    for r in resultater:
        print(r.result_linje(), flush=True)
    return resultater


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
