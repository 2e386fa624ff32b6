"""The CP-SAT model of one place family: one function per constraint family.

Variables: one Boolean per candidate placement (``kandidater.Kandidat``). Identical places in
a unit are a capacity count, never one Boolean per bed.

Objective levels, lexicographic:
1. priority-weighted placements (earlier is better; UKP counts through the priority),
2. ektepar together (same institution 2 points, plus 1 for a free double room in the same
   unit; a couple in one two-room senterleilighet 2 points),
3. preferred institutions (3/2/1 points for 1st/2nd/3rd choice),
4. fewest moves of current residents (minimised).

The levels are combined in one integer objective  M1·L1 + M2·L2 + M3·L3 − L4  with
M3 = r4 + 1, M2 = M3·(r3 + 1), M1 = M2·(r2 + 1), where r_k is an upper bound on level k's
range (couples × 3, Σ per søker of the best preference bonus, number of possible movers). Any
gain at an earlier level then outweighs every possible change at the later ones, so an optimum
of the combined objective is a lexicographic optimum and CP-SAT's proof of optimality proves
every level. (Fixing each level's optimum as a constraint and re-solving is exact too, but a
fixed objective row is hard for CP-SAT's search; one combined objective keeps the LP bound.)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from allokering.kandidater import Delproblem

NIVAER = ("plassering", "ektepar", "preferanser", "flyttinger")


@dataclass
class Modell:
    """A built CP-SAT model with handles to its variables and objective levels."""

    dp: Delproblem
    m: cp_model.CpModel
    x: list[cp_model.IntVar]
    nivaa: list[cp_model.LinearExprT] = field(default_factory=list)
    nivaa_maks: list[bool] = field(default_factory=list)
    nivaa_tomt: list[bool] = field(default_factory=list)
    vekter: list[int] = field(default_factory=list)  # M1, M2, M3, −1
    samlet: cp_model.LinearExprT = 0
    laas_literal: dict[str, cp_model.IntVar] = field(default_factory=dict)
    sammen: dict[tuple[str, str], cp_model.LinearExprT] = field(default_factory=dict)


def bygg_modell(
    dp: Delproblem, tving_sammen: frozenset[tuple[str, str]] = frozenset(), laas_som_antakelser: bool = False
) -> Modell:
    """Build the CP-SAT model of one family. ``tving_sammen`` forces the given couples to be
    placed together (used to price what keeping a split couple together would cost).
    ``laas_som_antakelser`` makes each lock an assumption literal, so that an infeasible set of
    locks can be reduced to the locks that conflict."""
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{k.idx}") for k in dp.kandidater]
    mod = Modell(dp, m, x)
    en_plass_per_soker(mod)
    kapasitet_per_enhet_og_dag(mod)
    toroms_kapasitet(mod)
    ektepar_sammen = ektepar(mod, tving_sammen)
    laaser(mod, laas_som_antakelser)
    mod.nivaa = [
        sum(k.verdi * x[k.idx] for k in dp.kandidater),
        ektepar_sammen,
        sum(k.pref * x[k.idx] for k in dp.kandidater if k.pref),
        sum(k.flytting * x[k.idx] for k in dp.kandidater if k.flytting),
    ]
    mod.nivaa_maks = [True, True, True, False]
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
    mod.vekter = [m1, m2, m3, -1]
    mod.samlet = sum((m1 * k.verdi + m3 * k.pref - k.flytting) * x[k.idx] for k in dp.kandidater) + m2 * ektepar_sammen
    mod.nivaa_tomt = [
        not dp.kandidater,
        not dp.ektepar,
        not any(k.pref for k in dp.kandidater),
        not any(k.flytting for k in dp.kandidater),
    ]
    return mod


def en_plass_per_soker(mod: Modell) -> None:
    """Each søker gets at most one placement (a joint couple placement counts for both)."""
    for idx in mod.dp.per_soker.values():
        if len(idx) > 1:
            mod.m.add_at_most_one(mod.x[i] for i in idx)


def _kontrolldager(dp: Delproblem, u: str, idx: list[int], mover_starts: dict[str, set[int]]) -> list[int]:
    """Days on which the capacity constraint of unit u can bind. The constraint on day d is
    implied by the one on day d+1 unless something ends on d, capacity rises on d+1, or a
    mover's release into u can begin on d+1."""
    h = dp.horisont
    led = dp.ledig[u]
    slutt = set()
    for i in idx:
        for _, hi in dp.kandidater[i].perioder:
            slutt.add(hi)
    frigj_start = set()
    for f in dp.frigjoringer:
        if f.enhet == u:
            slutt.add(f.til_dag)
            frigj_start |= mover_starts.get(f.soker, set())
    dager = []
    for d in range(h):
        if d == h - 1 or led[d + 1] > led[d] or d in slutt or (d + 1) in frigj_start:
            dager.append(d)
    return dager


def kapasitet_per_enhet_og_dag(mod: Modell) -> None:
    """Per unit and day: new placements − released current stays ≤ free places."""
    dp = mod.dp
    mover_starts: dict[str, set[int]] = defaultdict(set)
    for f in dp.frigjoringer:
        for i in dp.per_soker.get(f.soker, []):
            mover_starts[f.soker].add(dp.kandidater[i].start)
    for u in dp.enheter:
        idx = dp.per_enhet.get(u, [])
        frig = [f for f in dp.frigjoringer if f.enhet == u]
        if not idx:
            continue
        for d in _kontrolldager(dp, u, idx, mover_starts):
            terms = [
                (dp.kandidater[i].bruk, mod.x[i])
                for i in idx
                if any(lo <= d <= hi for lo, hi in dp.kandidater[i].perioder)
            ]
            if not terms:
                continue
            rel = [
                mod.x[i]
                for f in frig
                if d <= f.til_dag
                for i in dp.per_soker.get(f.soker, [])
                if dp.kandidater[i].start <= d
            ]
            # Over-occupied days (negative free places) admit no new stay unless a release comes.
            cap = dp.ledig[u][d] if rel else max(0, dp.ledig[u][d])
            if not rel and sum(b for b, _ in terms) <= cap:
                continue
            mod.m.add(sum(b * v for b, v in terms) - sum(rel) <= cap)


def toroms_kapasitet(mod: Modell) -> None:
    """Couples placed together in a senterleilighet need a free two-room flat (S §6.2)."""
    dp = mod.dp
    for u in dp.enheter:
        idx = [i for i in dp.per_enhet.get(u, []) if dp.kandidater[i].toroms]
        if not idx:
            continue
        for d in range(dp.horisont):
            terms = [mod.x[i] for i in idx if dp.kandidater[i].start <= d]
            if terms and len(terms) > dp.ledig_toroms[u][d]:
                mod.m.add(sum(terms) <= max(0, dp.ledig_toroms[u][d]))


def ektepar(mod: Modell, tving_sammen: frozenset[tuple[str, str]]) -> cp_model.LinearExprT:
    """Level 2: ektepar together «så langt som mulig» (S §4.22). Same institution: 2 points;
    also the same unit where a double room is free: 1 more; one two-room flat: 2 points."""
    dp = mod.dp
    m, x = mod.m, mod.x
    poeng: list[cp_model.LinearExprT] = []
    dobbel_bruk: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for p in dp.ektepar:
        felles = [i for i in dp.per_soker.get(p.a, []) if dp.kandidater[i].personer == (p.a, p.b)]
        a_inst: dict[str, list[int]] = defaultdict(list)
        b_inst: dict[str, list[int]] = defaultdict(list)
        a_enh: dict[str, list[int]] = defaultdict(list)
        b_enh: dict[str, list[int]] = defaultdict(list)
        for i in dp.per_soker.get(p.a, []):
            k = dp.kandidater[i]
            if len(k.personer) == 1:
                a_inst[dp.institusjon[k.enhet]].append(i)
                a_enh[k.enhet].append(i)
        for i in dp.per_soker.get(p.b, []):
            k = dp.kandidater[i]
            if len(k.personer) == 1:
                b_inst[dp.institusjon[k.enhet]].append(i)
                b_enh[k.enhet].append(i)
        sammen_ledd: list[cp_model.LinearExprT] = [x[i] for i in felles]
        for inst in sorted(set(a_inst) & set(b_inst)):
            t = m.new_bool_var(f"sammen_{p.a}_{p.b}_{inst}")
            m.add(t <= sum(x[i] for i in a_inst[inst]))
            m.add(t <= sum(x[i] for i in b_inst[inst]))
            sammen_ledd.append(t)
        for u in sorted(set(a_enh) & set(b_enh)):
            if dp.ledige_dobbeltrom.get(u, 0) <= 0:
                continue
            r = m.new_bool_var(f"dobbeltrom_{p.a}_{p.b}_{u}")
            m.add(r <= sum(x[i] for i in a_enh[u]))
            m.add(r <= sum(x[i] for i in b_enh[u]))
            dobbel_bruk[u].append(r)
            poeng.append(r)
        sammen = sum(sammen_ledd) if sammen_ledd else 0
        mod.sammen[(p.a, p.b)] = sammen
        poeng.append(2 * sammen)
        if (p.a, p.b) in tving_sammen:
            if sammen_ledd:
                m.add(sum(sammen_ledd) == 1)
            else:
                m.add_bool_or([])  # no way to be together: the forced model is infeasible
    for u, rs in dobbel_bruk.items():
        if len(rs) > dp.ledige_dobbeltrom[u]:
            m.add(sum(rs) <= dp.ledige_dobbeltrom[u])
    return sum(poeng) if poeng else 0


def laaser(mod: Modell, som_antakelser: bool) -> None:
    """Locks «tildel»: the søker must be placed in the locked unit (candidates outside it were
    never built, and «ikke_tildel» locks removed theirs)."""
    dp = mod.dp
    for s, u in sorted(dp.laast_til.items()):
        idx = dp.per_soker.get(s, [])
        if som_antakelser:
            lit = mod.m.new_bool_var(f"laas_{s}_{u}")
            mod.laas_literal[s] = lit
            if idx:
                mod.m.add(sum(mod.x[i] for i in idx) == 1).only_enforce_if(lit)
            else:
                mod.m.add_bool_or([lit.Not()])
        elif idx:
            mod.m.add(sum(mod.x[i] for i in idx) == 1)
        else:
            mod.m.add_bool_or([])  # no candidate in the locked unit: infeasible, explained by the diagnosis
    if som_antakelser and mod.laas_literal:
        mod.m.add_assumptions(list(mod.laas_literal.values()))
