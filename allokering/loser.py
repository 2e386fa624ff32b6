"""Solve a case: eligibility → priority → one CP-SAT model per place family → lexicographic
levels → result with status, objective per level, best bound and gap.

The lexicographic levels are one combined objective (see ``modell``); a proven optimum proves
every level. A level with no terms (no couples, no preferences, no movers) reports 0.

Determinism: with ``deterministisk=True`` (the default) CP-SAT runs one worker with a fixed
seed and the input is put in canonical order (søkere and units sorted by id), so the same
input and seed give the same result on the same machine whatever the order of the input
rows. With several workers the *objective* of a proven optimum is the same, but which of
several equally good solutions is returned may vary.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from allokering.kandidater import SOLVE_ORDER, Delproblem, bygg_delproblem
from allokering.modell import NIVAER, Modell, bygg_modell
from allokering.prioritet import Prioritet, prioriter_alle
from allokering.regler import Kvalifisering, kvalifiser_alle
from modeller.kodeverk import Familie, Laastype
from modeller.sak import Sak


class Laaskonflikt(Exception):
    """The locks cannot all hold at once. ``laaser`` names the ones that conflict."""

    def __init__(self, familie: Familie, laaser: list[tuple[str, str]], melding: str):
        self.familie = familie
        self.laaser = laaser
        super().__init__(melding)


class Ugyldiglaas(Exception):
    """A lock that the rules forbid (the søker is not eligible for the unit)."""


@dataclass(frozen=True)
class Loserparametre:
    """Solver parameters: explicit arguments, never hidden globals."""

    tidsgrense_s: float = 30.0  # per family
    arbeidere: int = 1
    frø: int = 0
    deterministisk: bool = True
    marginalverdier: bool = True
    ektepar_kostnad: bool = True


@dataclass
class Nivaaresultat:
    navn: str
    verdi: int
    grense: int
    bevist: bool


@dataclass
class Familieresultat:
    familie: Familie
    status: str
    nivaaer: list[Nivaaresultat]
    sekunder: float
    kandidater: int
    valgt: list[int]


@dataclass
class Losning:
    """Raw result of solving a case (before explanations)."""

    sak: Sak
    parametre: Loserparametre
    kvalifisering: dict[str, Kvalifisering]
    prioritet: dict[str, Prioritet]
    delproblemer: dict[Familie, Delproblem]
    familier: dict[Familie, Familieresultat]
    sekunder: float
    marginalverdi: dict[str, int] = field(default_factory=dict)
    ekstra_plass_gir: dict[str, list[str]] = field(default_factory=dict)  # unit → waiting søkere it would place
    ektepar_kostnad: dict[tuple[str, str], int | None] = field(default_factory=dict)

    @property
    def status(self) -> str:
        statuser = {f.status for f in self.familier.values()}
        if not statuser or statuser == {"OPTIMAL"}:
            return "OPTIMAL"
        return "FEASIBLE"


def _solver(p: Loserparametre, tid: float) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = max(0.01, tid)
    s.parameters.num_workers = 1 if p.deterministisk else max(1, p.arbeidere)
    s.parameters.random_seed = p.frø
    return s


def loes_modell(
    mod: Modell, p: Loserparametre, bare_nivaa1: bool = False, hint: list[int] | None = None
) -> tuple[str, list[Nivaaresultat], list[int]]:
    """Solve one built model: the combined lexicographic objective (or level 1 alone).
    Returns (status, the value of each level with its bound, chosen candidates)."""
    n_nivaa = 1 if bare_nivaa1 else len(NIVAER)
    if not mod.dp.kandidater:
        return "OPTIMAL", [Nivaaresultat(NIVAER[n], 0, 0, True) for n in range(n_nivaa)], []
    mod.m.maximize(mod.nivaa[0] if bare_nivaa1 else mod.samlet)
    if hint is not None:
        valgte = set(hint)
        mod.m.clear_hints()
        for i, v in enumerate(mod.x):
            mod.m.add_hint(v, i in valgte)
    solver = _solver(p, p.tidsgrense_s)
    status = solver.solve(mod.m)
    if status == cp_model.INFEASIBLE:
        return "INFEASIBLE", [], []
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "UNKNOWN", [], []
    bevist = status == cp_model.OPTIMAL
    verdier = [round(solver.value(mod.nivaa[n])) for n in range(n_nivaa)]
    if bare_nivaa1:
        grense1 = round(solver.best_objective_bound)
    else:
        # Combined bound → level-1 bound: the later levels add at most M1 − 1 and subtract at most r4.
        m1 = mod.vekter[0]
        grense1 = int((solver.best_objective_bound + mod.vekter[2]) // m1)
    resultater = [Nivaaresultat(NIVAER[0], verdier[0], grense1 if not bevist else verdier[0], bevist)]
    for n in range(1, n_nivaa):
        resultater.append(Nivaaresultat(NIVAER[n], verdier[n], verdier[n], bevist))
    valgt = [i for i, v in enumerate(mod.x) if solver.boolean_value(v)]
    return ("OPTIMAL" if bevist else "FEASIBLE"), resultater, valgt


def _diagnoser_laaser(dp: Delproblem, p: Loserparametre) -> list[tuple[str, str]]:
    """Reduce the locks of an infeasible family to a conflicting subset (CP-SAT assumptions)."""
    mod = bygg_modell(dp, laas_som_antakelser=True)
    solver = _solver(Loserparametre(tidsgrense_s=p.tidsgrense_s, arbeidere=1, frø=p.frø), p.tidsgrense_s)
    status = solver.solve(mod.m)
    if status != cp_model.INFEASIBLE:
        return sorted(dp.laast_til.items())
    kjerne = set(solver.sufficient_assumptions_for_infeasibility())
    return sorted((s, dp.laast_til[s]) for s, lit in mod.laas_literal.items() if lit.Index() in kjerne)


def _sjekk_laaser_mot_regler(sak: Sak, kval: dict[str, Kvalifisering]) -> None:
    for laas in sak.laaser:
        if laas.type != Laastype.TILDEL:
            continue
        kv = kval[laas.soker_id]
        if laas.enhet_id not in kv.enheter:
            grunner = [
                f"{r.tekst_nb} ({r.seksjon})"
                for r in kv.regelutfall
                if r.status.value != "oppfylt" and (r.enhet_id in (None, laas.enhet_id))
            ]
            tekst = "; ".join(grunner) if grunner else "søkeren er ikke kvalifisert for enheten"
            raise Ugyldiglaas(
                f"Låsen som tildeler søker «{laas.soker_id}» plass på enhet «{laas.enhet_id}» strider mot "
                f"tildelingskriteriene: {tekst}"
            )


def _frigjort_etter(sak: Sak, familie: Familie, dp: Delproblem, valgt: list[int]) -> dict[str, list[int]]:
    """Free places released in *other* families' units by this family's placements
    (a søker on korttid who moves into langtid frees the korttid bed from the start day)."""
    opphold = {o.id: o for o in sak.opphold}
    sokere = {s.id: s for s in sak.sokere}
    enheter = {e.id: e for e in sak.enheter}
    h = sak.horisont_dager
    ekstra: dict[str, list[int]] = {}
    for i in valgt:
        k = dp.kandidater[i]
        for sid in k.personer:
            s = sokere[sid]
            if s.naverende_opphold_id is None:
                continue
            o = opphold[s.naverende_opphold_id]
            e = enheter[o.enhet_id]
            if e.plasstype.familie == familie:
                continue
            slutt = h - 1 if o.forventet_slutt is None else min(h - 1, sak.dag(o.forventet_slutt))
            rad = ekstra.setdefault(e.id, [0] * h)
            for d in range(max(0, k.start), slutt + 1):
                rad[d] += 1
    return ekstra


def loes(sak: Sak, parametre: Loserparametre | None = None) -> Losning:
    """Solve a case. Raises Laaskonflikt or Ugyldiglaas when the locks cannot hold."""
    p = parametre or Loserparametre()
    t0 = time.perf_counter()
    kval = kvalifiser_alle(sak)
    prio = prioriter_alle(sak)
    _sjekk_laaser_mot_regler(sak, kval)
    familier: dict[Familie, Familieresultat] = {}
    delproblemer: dict[Familie, Delproblem] = {}
    ekstra_ledig: dict[str, list[int]] = {}
    for fam in SOLVE_ORDER:
        t = time.perf_counter()
        dp = bygg_delproblem(sak, fam, kval, prio, ekstra_ledig)
        delproblemer[fam] = dp
        mod = bygg_modell(dp)
        status, nivaaer, valgt = loes_modell(mod, p)
        if status == "INFEASIBLE":
            konflikt = _diagnoser_laaser(dp, p)
            tekst = ", ".join(f"«{s}» → «{u}»" for s, u in konflikt)
            raise Laaskonflikt(
                fam,
                konflikt,
                f"Låsene for {fam.value} kan ikke oppfylles samtidig (for få ledige plasser): {tekst}",
            )
        if status == "UNKNOWN":
            raise RuntimeError(f"Fant ingen løsning for {fam.value} innen tidsgrensen på {p.tidsgrense_s} s")
        familier[fam] = Familieresultat(fam, status, nivaaer, time.perf_counter() - t, len(dp.kandidater), valgt)
        for u, rad in _frigjort_etter(sak, fam, dp, valgt).items():
            eks = ekstra_ledig.setdefault(u, [0] * sak.horisont_dager)
            for d, v in enumerate(rad):
                eks[d] += v
    losning = Losning(sak, p, kval, prio, delproblemer, familier, 0.0)
    if p.marginalverdier:
        _marginalverdier(losning, ekstra_ledig)
    if p.ektepar_kostnad:
        _ektepar_kostnad(losning)
    losning.sekunder = time.perf_counter() - t0
    return losning


def _plassert(losning: Losning) -> dict[str, int]:
    ut = {}
    for fam, fr in losning.familier.items():
        dp = losning.delproblemer[fam]
        for i in fr.valgt:
            for s in dp.kandidater[i].personer:
                ut[s] = i
    return ut


def _marginalverdier(losning: Losning, ekstra_ledig: dict[str, list[int]]) -> None:
    """Value of one more place per unit: the level-1 gain of re-solving its family with the
    unit's capacity raised by one. A unit where no søker could use the place (everyone
    eligible is placed from day 0) is worth 0 without a solve."""
    sak = losning.sak
    plassert = _plassert(losning)
    for fam, dp in losning.delproblemer.items():
        fr = losning.familier[fam]
        base = fr.nivaaer[0].verdi if fr.nivaaer else 0
        for u in dp.enheter:
            brukere = {s for i in dp.per_enhet.get(u, []) for s in dp.kandidater[i].personer}
            kan_vinne = [s for s in brukere if s not in plassert or dp.kandidater[plassert[s]].start > 0]
            if not kan_vinne:
                losning.marginalverdi[u] = 0
                continue
            dp2 = bygg_delproblem(
                sak, fam, losning.kvalifisering, losning.prioritet, ekstra_ledig, ekstra_kapasitet={u: 1}
            )
            mod = bygg_modell(dp2)
            status, nivaaer, valgt = loes_modell(mod, losning.parametre, bare_nivaa1=True)
            if status in ("OPTIMAL", "FEASIBLE") and nivaaer:
                losning.marginalverdi[u] = max(0, nivaaer[0].verdi - base)
                nye = {s for i in valgt for s in dp2.kandidater[i].personer} - set(plassert)
                if nye:
                    losning.ekstra_plass_gir[u] = sorted(nye)
            else:
                losning.marginalverdi[u] = 0


def _ektepar_kostnad(losning: Losning) -> None:
    """For every couple split although both qualify and wish to live together: what keeping
    them together would have cost others at level 1 (None: impossible)."""
    plassert = _plassert(losning)
    for fam, dp in losning.delproblemer.items():
        fr = losning.familier[fam]
        for par in dp.ektepar:
            ia, ib = plassert.get(par.a), plassert.get(par.b)
            if ia is None and ib is None:
                continue
            if ia is not None and ib is not None:
                ka, kb = dp.kandidater[ia], dp.kandidater[ib]
                if ia == ib or dp.institusjon[ka.enhet] == dp.institusjon[kb.enhet]:
                    continue
            mod = bygg_modell(dp, tving_sammen=frozenset({(par.a, par.b)}))
            status, nivaaer, _ = loes_modell(mod, losning.parametre, bare_nivaa1=True)
            if status in ("OPTIMAL", "FEASIBLE") and nivaaer:
                losning.ektepar_kostnad[(par.a, par.b)] = fr.nivaaer[0].verdi - nivaaer[0].verdi
            else:
                losning.ektepar_kostnad[(par.a, par.b)] = None
