"""Locks from the allocation meeting: checked against the rules before the solve, and reduced to
a conflicting subset when a family's locks cannot all hold (CP-SAT assumptions)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from allokering.familieloser import cpsat_solver
from allokering.kandidater import Delproblem
from allokering.modell import bygg_modell, til_cpsat
from allokering.regler import Kvalifisering
from allokering.resultat import Loserparametre
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


def _diagnoser_laaser(dp: Delproblem, p: Loserparametre) -> list[tuple[str, str]]:
    """Reduce the locks of an infeasible family to a conflicting subset (CP-SAT assumptions)."""
    mm = bygg_modell(dp)
    cp = til_cpsat(mm, laas_som_antakelser=True)
    solver = cpsat_solver(Loserparametre(tidsgrense_s=p.tidsgrense_s, arbeidere=1, frø=p.frø), p.tidsgrense_s)
    status = solver.solve(cp.m)
    if status != cp_model.INFEASIBLE:
        return sorted(dp.laast_til.items())
    kjerne = set(solver.sufficient_assumptions_for_infeasibility())
    return sorted((s, dp.laast_til[s]) for s, lit in cp.laas_literal.items() if lit.Index() in kjerne)


def _sjekk_laaser_mot_regler(sak: Sak, kval: dict[str, Kvalifisering]) -> None:
    enheter = {e.id: e for e in sak.enheter}
    for laas in sak.laaser:
        if laas.type != Laastype.TILDEL:
            continue
        kv = kval[laas.soker_id]
        if laas.enhet_id not in kv.enheter:
            grunner = [
                f"{r.tekst_nb} ({r.seksjon})"
                for r in kv.regelutfall
                if r.status.value != "oppfylt" and r.plasstype in (None, enheter[str(laas.enhet_id)].plasstype.value)
            ]
            tekst = "; ".join(grunner) if grunner else "søkeren er ikke kvalifisert for enheten"
            raise Ugyldiglaas(
                f"Låsen som tildeler søker «{laas.soker_id}» plass på enhet «{laas.enhet_id}» strider mot "
                f"tildelingskriteriene: {tekst}"
            )
