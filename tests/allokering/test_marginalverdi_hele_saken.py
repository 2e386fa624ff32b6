"""«Verdien av én ekstra plass» over the whole case: the unit's own family and the families after
it whose free places change (a langtid place frees a korttid bed), including full KØH/ØHD
units — checked against full re-solves of the bundled cases with one more place."""

from __future__ import annotations

from allokering.kjoring import kjor
from allokering.loser import Loserparametre, loes
from modeller.generator import demo_sti
from modeller.lasting import les_sak
from modeller.sak import Sak

UTEN = Loserparametre(marginalverdier=False, ektepar_kostnad=False, laaspriser=False)


def _gevinster(sak: Sak) -> tuple[dict[str, int], dict[str, int]]:
    """(reported marginal value, whole-case level-1 gain of a full re-solve) per unit."""
    losning = loes(sak, Loserparametre(ektepar_kostnad=False, laaspriser=False))
    total = sum(fr.nivaaer[0].verdi for fr in losning.familier.values())
    hele: dict[str, int] = {}
    for e in sak.enheter:
        enheter = tuple(x.model_copy(update={"kapasitet": x.kapasitet + 1}) if x.id == e.id else x for x in sak.enheter)
        ny = loes(sak.model_copy(update={"enheter": enheter}), UTEN)
        hele[e.id] = sum(fr.nivaaer[0].verdi for fr in ny.familier.values()) - total
    return losning.marginalverdi, hele


def test_tvedestrand_hver_enhet_lik_full_omlosning_ogsaa_koh() -> None:
    sak = les_sak(demo_sti("tvedestrand"))
    rapportert, hele = _gevinster(sak)
    assert rapportert == hele
    koh = [e.id for e in sak.enheter if e.plasstype.value == "koh"]
    assert koh and all(rapportert[u] > 0 for u in koh)  # the full KØH unit: one more bed places someone
    # The søker who would get that bed is told so (the counterfactual of a full acute unit).
    res = kjor(sak).som_json()
    kontra = [f for f in res["explanations"] if (f["counterfactual"] or {}).get("extra_place_in_unit") in koh]
    assert kontra and all("én ekstra seng" in f["text_nb"] for f in kontra)


def test_sandefjord_hver_enhet_lik_full_omlosning() -> None:
    """Every unit, langtid included: one more langtid place can free a korttid bed, and the
    value counts it exactly as a re-solve of the whole case does (langtid and korttid are one
    joint model, ``allokering.koblede``). Before that, E-SOL-1 differed (24 526 against 25 376)."""
    sak = les_sak(demo_sti("sandefjord"))
    rapportert, hele = _gevinster(sak)
    assert rapportert == hele
    assert len(hele) == len(sak.enheter) == 49
    langtid = [e.id for e in sak.enheter if e.plasstype.familie.value == "langtid"]
    assert any(hele[u] > 0 for u in langtid)
