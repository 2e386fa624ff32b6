"""What the simulator reads from the engine's answer each week: one typed record per placed søker.

The simulator used to turn every weekly ``Losning`` into the dictionaries of RESULT.json
(``allokering.forklaring.lag_tildelinger``) and read them by string key. It needs five facts per søker,
and they are all in the typed result: ``Losning.familier[f].plasseringer`` (``Plassering``: the chosen
candidate and its unit) and the family's ``Delproblem`` (the unit's institution). ``tildelinger`` reads
them from there directly, in the order ``lag_tildelinger`` sorts its assignments (unit, start day,
søker), so the simulator realises the placements in the same order as before and a replication's
output is unchanged (``tests/scenarier/test_tildeling.py``).
"""

from __future__ import annotations

from typing import NamedTuple

from allokering.resultat import Losning
from modeller.kodeverk import Plasstype


class Tildeling(NamedTuple):
    """One søker's placement in a weekly case (a couple sharing a flat gives one per person)."""

    soker_id: str
    enhet_id: str
    institusjon_id: str
    plasstype: Plasstype  # the unit's place type
    start_dag: int  # day of the case the stay begins


def _sorteringsnokkel(t: Tildeling) -> tuple[str, int, str]:
    return t.enhet_id, t.start_dag, t.soker_id


def tildelinger(losning: Losning) -> list[Tildeling]:
    """Every placed søker of ``losning``, sorted by unit, start day and søker id."""
    ut: list[Tildeling] = []
    plasstype: dict[str, Plasstype] | None = None
    for fam, fr in losning.familier.items():
        if not fr.plasseringer:
            continue
        if plasstype is None:
            plasstype = {e.id: e.plasstype for e in losning.sak.enheter}
        institusjon = losning.delproblemer[fam].institusjon
        for pl in fr.plasseringer:
            k = pl.kandidat
            for sid in k.personer:
                ut.append(Tildeling(sid, pl.enhet, institusjon[pl.enhet], plasstype[pl.enhet], k.start))
    ut.sort(key=_sorteringsnokkel)
    return ut


__all__ = ["Tildeling", "tildelinger"]
