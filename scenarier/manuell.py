"""Today's manual practice in the weekly loop: the waiting list worked by hand, highest priority first.

``manuell_tildeling(sak)`` runs the engine's own pipeline — the same rules (``allokering.regler``), the
same priorities (``allokering.prioritet``), the same candidates per family in the same order
(``allokering.kandidater.bygg_delproblem``, korttid seeing the beds that langtid placements free) —
but each family is allocated by ``allokering.referanse.gradig``: each søker in priority order takes
the best candidate that still fits (locked ones first). That is how a tildelingskontor works a
waiting list by hand, and it is the comparison a municipality asks for: what does the optimisation add
over greedy highest-need-first with the same rules? The result is read as the engine's is
(``scenarier.tildeling.tildelinger``), so the simulator treats both alike (``Scenario.motor.praksis``).
"""

from __future__ import annotations

from allokering.kandidater import SOLVE_ORDER, Delproblem, Plassering, bygg_delproblem
from allokering.loser import Familieresultat, Loserparametre, Losning
from allokering.prioritet import prioriter_alle
from allokering.referanse import gradig
from allokering.regler import kvalifiser_alle
from modeller.kodeverk import Familie
from modeller.sak import Sak
from scenarier.tildeling import Tildeling, tildelinger


def _frigjort(sak: Sak, familie: Familie, plasseringer: list[Plassering]) -> dict[str, list[int]]:
    """Beds released in other families' units by this family's placements: a korttid patient placed in
    langtid frees the korttid bed from the start day (as the engine does between families)."""
    h = sak.horisont_dager
    sokere = {s.id: s for s in sak.sokere}
    opphold = {o.id: o for o in sak.opphold}
    enheter = {e.id: e for e in sak.enheter}
    ekstra: dict[str, list[int]] = {}
    for p in plasseringer:
        for sid in p.kandidat.personer:
            oid = sokere[sid].naverende_opphold_id
            if oid is None:
                continue
            o = opphold[oid]
            if enheter[o.enhet_id].plasstype.familie == familie:
                continue
            slutt = h - 1 if o.forventet_slutt is None else min(h - 1, sak.dag(o.forventet_slutt))
            rad = ekstra.setdefault(o.enhet_id, [0] * h)
            for d in range(max(0, p.kandidat.start, sak.dag(o.start)), slutt + 1):
                rad[d] += 1
    return ekstra


def manuell_tildeling(sak: Sak) -> list[Tildeling]:
    """Greedy highest-priority-first allocation of a weekly case, family by family (module docstring)."""
    kval = kvalifiser_alle(sak)
    prio = prioriter_alle(sak)
    ekstra_ledig: dict[str, list[int]] = {}
    delproblemer: dict[Familie, Delproblem] = {}
    familier: dict[Familie, Familieresultat] = {}
    for fam in SOLVE_ORDER:
        dp = bygg_delproblem(sak, fam, kval, prio, ekstra_ledig)
        delproblemer[fam] = dp
        r = gradig(dp)
        pl = list(r.plasseringer)
        familier[fam] = Familieresultat(fam, "FEASIBLE", [], r.sekunder, len(dp.kandidater), pl, "gradig")
        for u, rad in _frigjort(sak, fam, pl).items():
            eks = ekstra_ledig.setdefault(u, [0] * sak.horisont_dager)
            for d, v in enumerate(rad):
                eks[d] += v
    return tildelinger(Losning(sak, Loserparametre(), kval, prio, delproblemer, familier, 0.0))
