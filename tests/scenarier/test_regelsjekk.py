"""The simulator takes eligibility from ``allokering.regler`` (issue 18): every søker it sends the engine
gets the place types the rules give, for both rule profiles — 0 differences."""

from __future__ import annotations

from datetime import date

import pytest

from allokering.regler import Utfall, kvalifiser
from modeller.kodeverk import Plasstype
from modeller.regelprofil import SANDEFJORD, TVEDESTRAND
from modeller.sak import Sak
from scenarier.scenariofil import Scenario
from scenarier.simulering import Simulator, bygg_modell, lag_prototyper, prototypevarianter, regelsjekk


@pytest.mark.parametrize("profil", [SANDEFJORD, TVEDESTRAND], ids=lambda p: p.id)
def test_alle_varianter_er_kvalifisert(profil) -> None:  # type: ignore[no-untyped-def]
    d0 = date(2026, 1, 5)
    r = regelsjekk(profil, lag_prototyper(profil, d0), d0)
    assert set(r) == set(prototypevarianter(profil))
    for (tj, d, sk, _n, _ukp), typer in r.items():
        assert typer, tj
        if tj == "langtid":
            # Tvedestrand (T §3.17): skjermet for «langtkommet demenssykdom og en atferd som krever skjerming».
            # Sandefjord (S §4.22): «tilrettelagte plasser for personer med kognitiv svikt» – dementia suffices.
            skjermet = (d and sk) if profil.id == "tvedestrand" else d
            assert (Plasstype.LANGTID_SKJERMET in typer) == skjermet
            assert Plasstype.LANGTID_SOMATISK in typer


def test_regelsjekk_stopper_ukvalifisert_prototype() -> None:
    d0 = date(2026, 1, 5)
    pr = lag_prototyper(SANDEFJORD, d0)
    ld = pr.langtid.soknad.langtid
    assert ld is not None
    pr.langtid = pr.langtid.model_copy(
        update={
            "soknad": pr.langtid.soknad.model_copy(update={"langtid": ld.model_copy(update={"behov_heldogns": False})})
        }
    )
    with pytest.raises(ValueError, match="ikke kvalifisert etter reglene"):
        regelsjekk(SANDEFJORD, pr, d0)


@pytest.mark.parametrize("kommune", ["sandefjord", "tvedestrand"])
def test_simulerte_sokere_null_avvik_mot_reglene(kommune: str) -> None:
    """Every søker in the weekly cases of a short run: the rules' verdict on the real case equals the
    table the simulator uses (``Modell.regler``), and søkere the simulator locks out of somatic units
    are exactly those the rules let have a skjermet place."""
    sc = Scenario(navn="t", kommune=kommune, uker=10, oppvarming_uker=2, seed=5)
    m = bygg_modell(sc)
    saker: list[Sak] = []
    sim = Simulator(m, 0, 11, ved_sak=saker.append)
    sim.kjor()
    avvik = []
    antall = 0
    for sak in saker:
        typ = {e.id: e.plasstype for e in sak.enheter}
        laast = {x.soker_id for x in sak.laaser}
        for s in sak.sokere:
            p = sim.personer[s.id]
            kv = kvalifiser(s, sak)
            antall += 1
            forventet = m.regler[(p.tjeneste, p.demens, p.skjerming, p.iplos, p.ukp)]
            faktisk = frozenset(typ[e] for e in kv.enheter)
            if kv.utfall != Utfall.KVALIFISERT or faktisk != forventet & frozenset(typ.values()):
                avvik.append((s.id, kv.utfall, faktisk, forventet))
            # Locked out of somatic units ⇔ the rules give a skjermet place (the case may lack none).
            if p.tjeneste == "langtid":
                assert (s.id in laast) == (p.skjerming and Plasstype.LANGTID_SKJERMET in forventet)
    assert antall > 50
    assert avvik == []
