"""The simulator reads the engine's typed result (``scenarier.tildeling``), not RESULT.json's dictionaries.

``tildelinger`` must give exactly what the simulator used to read from ``lag_tildelinger`` — the same
søkere, units, institutions, place types and start days, in the same order — or a replication's
output would change for the same seed. Checked on the bundled cases (couples sharing a flat) and on
the weekly cases of a short simulation, for the engine and for manual practice."""

from __future__ import annotations

from pathlib import Path

from allokering.forklaring import lag_tildelinger
from allokering.loser import Loserparametre, Losning, loes
from modeller.lasting import les_sak
from modeller.sak import Sak
from scenarier.manuell import manuell_tildeling
from scenarier.scenariofil import Scenario
from scenarier.simulering import Plasseringsrad, Simulator, bygg_modell
from scenarier.tildeling import Tildeling, tildelinger
from tests.fabrikk import enhet, sak, soker

ROT = Path(__file__).resolve().parents[2]
P = Loserparametre(marginalverdier=False, ektepar_kostnad=False, laaspriser=False, traader=1)


def _som_for(losning: Losning) -> list[Tildeling]:
    """What the simulator read from the dictionaries before (``scenarier.simulering`` up to this change)."""
    return [
        Tildeling(t["applicant_id"], t["unit_id"], t["institution_id"], t["place_type"], t["start_day"])
        for t in lag_tildelinger(losning)
    ]


def _sjekk(losning: Losning) -> int:
    ny = tildelinger(losning)
    assert ny == _som_for(losning)
    assert all(type(t.start_dag) is int and t.plasstype.value == t.plasstype for t in ny)
    return len(ny)


def test_samme_som_resultatets_tildelinger_paa_de_innebygde_sakene() -> None:
    for navn in ("sandefjord", "tvedestrand"):
        los = loes(les_sak(ROT / "modeller" / "data" / f"{navn}.json"), P)
        n = _sjekk(los)
        assert n == sum(len(p.kandidat.personer) for fr in los.familier.values() for p in fr.plasseringer)


def test_ektepar_i_toromsleilighet_gir_en_tildeling_per_person() -> None:
    s = sak(
        [
            soker("A", "senterleilighet", ektefelle_id="B", onsker_bo_sammen=True),
            soker("B", "senterleilighet", ektefelle_id="A", onsker_bo_sammen=True),
            soker("C", "senterleilighet"),
        ],
        [enhet("SL", "I", "senterleilighet", 2, toroms=1)],
    )
    los = loes(s, P)
    assert any(len(p.kandidat.personer) == 2 for fr in los.familier.values() for p in fr.plasseringer)
    assert _sjekk(los) == 3
    assert {t.soker_id for t in tildelinger(los)} == {"A", "B", "C"}


def test_samme_som_resultatets_tildelinger_i_simulatorens_uker() -> None:
    saker: list[Sak] = []
    sc = Scenario(navn="t", kommune="tvedestrand", uker=10, oppvarming_uker=0, seed=3)
    r = Simulator(bygg_modell(sc), 0, 11, ved_sak=saker.append).kjor()
    uker = [s for s in saker if s.horisont_dager == sc.motor.horisont_dager]
    assert len(uker) == 10 and len(saker) > len(uker)  # the akutt calls too
    plassert = 0
    for uke_sak in uker[::3] + [s for s in saker if s.horisont_dager != sc.motor.horisont_dager][:20]:
        plassert += _sjekk(loes(uke_sak, P))
        manuell = manuell_tildeling(uke_sak)
        assert manuell == sorted(manuell, key=lambda t: (t.enhet_id, t.start_dag, t.soker_id))
    assert plassert > 0
    # The simulator's own records are named; the waiting time is the start day minus the arrival day.
    assert r.plasseringer and all(type(x) is Plasseringsrad for x in r.plasseringer)
    assert all(x.vent_dager == x.start_dag - x.ankomst_dag for x in r.plasseringer)


def test_ukekallet_bygger_ikke_familiemodellene_i_en_felles_gruppe() -> None:
    """The bundled Sandefjord case solves langtid and korttid as one joint model; their own models are built only
    when the explanations read them. Reading the placements for the simulator must not build them (the weekly
    call is the hot path): before, ``tildelinger`` read the institution from each family's model."""
    from allokering.resultat import Delproblemer
    from modeller.generator import demo_sti
    from modeller.kodeverk import Familie

    losning = loes(les_sak(demo_sti("sandefjord")), P)
    assert losning.familier[Familie.LANGTID].metode.startswith("samlet")
    assert isinstance(losning.delproblemer, Delproblemer)
    assert not losning.delproblemer.er_bygget(Familie.LANGTID)
    assert tildelinger(losning) == _som_for(losning)
    assert not losning.delproblemer.er_bygget(Familie.LANGTID)
