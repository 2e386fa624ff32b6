"""What the simulator reads from the engine's answer each week: one typed record per placed søker.

The simulator used to turn every weekly ``Losning`` into the dictionaries of RESULT.json
(``allokering.forklaring.lag_tildelinger``) and read them by string key. It needs five facts per søker,
and they are all in the typed result: ``Losning.familier[f].plasseringer`` (``Plassering``: the chosen
candidate and its unit) and the case's units (institution, place type). ``tildelinger`` reads them from
there directly, never from ``Losning.delproblemer``: in a joint group those models are built only when
read (``resultat.Delproblemer``), and the weekly call must not pay for them. The order is the one
``lag_tildelinger`` sorts its assignments in (unit, start day, søker), so the simulator realises the
placements in the same order as before and a replication's output is unchanged
(``tests/scenarier/test_tildeling.py``).
"""

from __future__ import annotations

from typing import NamedTuple

from allokering.resultat import Losning
from modeller.institusjon import Enhet
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
    enheter: dict[str, Enhet] | None = None
    for fr in losning.familier.values():
        if not fr.plasseringer:
            continue
        if enheter is None:
            enheter = {e.id: e for e in losning.sak.enheter}
        for pl in fr.plasseringer:
            e, k = enheter[pl.enhet], pl.kandidat
            for sid in k.personer:
                ut.append(Tildeling(sid, pl.enhet, e.institusjon_id, e.plasstype, k.start))
    ut.sort(key=_sorteringsnokkel)
    return ut


__all__ = ["Tildeling", "tildelinger"]
