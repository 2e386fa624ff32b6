"""The no-competition path without a matrix model (``familieloser._uten_konkurranse_direkte``).

It must give exactly what the model path gives (same levels, same placements), and its own
feasibility check must refuse placements that break a row the model would have — tested by
handing it corrupted greedy results."""

from __future__ import annotations

import dataclasses

from allokering import familieloser as loser
from allokering.kandidater import SOLVE_ORDER, Plassering, bygg_delproblem
from allokering.loser import Loserparametre, loes, loes_familie
from allokering.referanse import gradig_beste
from allokering.strategi import Strategi
from modeller.generator import generer
from modeller.regelprofil import SANDEFJORD, TVEDESTRAND

UTEN = Loserparametre(marginalverdier=False, ektepar_kostnad=False)


def _familier(antall_sokere: int, antall_enheter: int):  # type: ignore[no-untyped-def]
    for seed in range(8):
        profil = SANDEFJORD if seed % 2 else TVEDESTRAND
        sak = generer(60_000, profil, seed=seed, antall_sokere=antall_sokere, antall_enheter=antall_enheter,
                      horisont_dager=14)  # fmt: skip
        losning = loes(sak, UTEN)
        for fam in SOLVE_ORDER:
            yield bygg_delproblem(sak, fam, losning.kvalifisering, losning.prioritet)


def _nokkel(fl: loser.Familieloesning) -> tuple[object, ...]:
    return (
        fl.status,
        fl.metode,
        [(n.verdi, n.grense, n.bevist) for n in fl.nivaaer],
        sorted((p.kandidat.personer, p.enhet, p.kandidat.start) for p in fl.plasseringer),
    )


def test_direkte_vei_gir_det_samme_som_modellveien():
    steg: list[str] = []
    tell = UTEN.__class__(
        marginalverdier=False, ektepar_kostnad=False, strategi=Strategi(maaling=lambda n, _s: steg.append(n))
    )
    modellvei = UTEN.__class__(marginalverdier=False, ektepar_kostnad=False, strategi=Strategi(direkte=False))
    direkte = 0
    for dp in _familier(40, 24):  # places to spare: most families have no competition
        for bare1 in (False, True):
            steg.clear()
            ny = loes_familie(dp, tell, bare_nivaa1=bare1)
            uten_modell = "modell" not in steg and ny.metode == "gradig"
            direkte += uten_modell
            gammel = loes_familie(dp, modellvei, bare_nivaa1=bare1)
            assert _nokkel(ny) == _nokkel(gammel), dp.familie
    assert direkte >= 20, direkte


def _forste_direkte():  # type: ignore[no-untyped-def]
    """A family on the direct path whose greedy placements include explicit and class ones."""
    for dp in _familier(40, 24):
        if loser._enkel(dp) and loser._uten_konkurranse_direkte(dp, 4) is not None:
            g = gradig_beste(dp)
            assert g is not None
            if {p.kandidat.enhet is None for p in g.plasseringer} == {True, False}:
                return dp
    raise AssertionError("ingen familie uten konkurranse med både klasse- og enhetsplasseringer")


def test_direkte_vei_avviser_plasseringer_som_bryter_en_rad():
    dp = _forste_direkte()
    ekte = gradig_beste(dp)
    assert ekte is not None

    def med(plasseringer, delproblem=dp):  # type: ignore[no-untyped-def]
        return loser._uten_konkurranse_direkte(delproblem, 4, dataclasses.replace(ekte, plasseringer=plasseringer))

    assert med(tuple(ekte.plasseringer)) is not None
    # The same søker placed twice.
    assert med((*ekte.plasseringer, ekte.plasseringer[0])) is None
    # The first placement moved to a unit (with room) that is not its candidate's (explicit) or
    # has no flow column for it (class).
    ny = "E-UTENFOR"
    med_ny_enhet = dataclasses.replace(dp, enheter=[*dp.enheter, ny], ledig={**dp.ledig, ny: [9] * dp.horisont})
    for klasse in (False, True):
        i = next(i for i, p in enumerate(ekte.plasseringer) if (p.kandidat.enhet is None) == klasse)
        flyttet = list(ekte.plasseringer)
        flyttet[i] = Plassering(flyttet[i].kandidat, ny)
        assert med(tuple(flyttet), med_ny_enhet) is None, klasse
    # More stays than free places: the first placement's unit has none left.
    p0 = ekte.plasseringer[0]
    full = dataclasses.replace(dp, ledig={**dp.ledig, p0.enhet: [0] * dp.horisont})
    assert med(tuple(ekte.plasseringer), full) is None


def test_gradig_beste_er_gradig_naar_alle_faar_sin_beste():
    """``gradig_beste`` looks only at each søker's most valuable candidates (without sorting them
    all) and stops at the first søker who cannot have one. Whenever it gives a result, the plain
    greedy, which sorts every candidate, must place exactly the same; when it gives none, the
    plain greedy must leave some søker without a most valuable candidate."""
    from allokering.referanse import gradig

    sett = {"resultat": 0, "ingen": 0}
    for antall in (40, 120):  # spare places, then scarce ones
        for dp in _familier(antall, 24):
            if not dp.kandidater:
                continue
            full = gradig(dp)
            beste = gradig_beste(dp)
            toppen = {
                s: max((dp.kandidater[i].verdi, dp.kandidater[i].pref) for i in idx) for s, idx in dp.per_soker.items()
            }
            fikk = {p: (pl.kandidat.verdi, pl.kandidat.pref) for pl in full.plasseringer for p in pl.kandidat.personer}
            alle_fikk_toppen = all(fikk.get(s) == t for s, t in toppen.items())
            if beste is None:
                sett["ingen"] += 1
                assert dp.ektepar or not alle_fikk_toppen  # a spouse placed jointly is not re-checked
            else:
                sett["resultat"] += 1
                assert dp.ektepar or alle_fikk_toppen
                assert [(p.kandidat.idx, p.enhet) for p in beste.plasseringer] == [
                    (p.kandidat.idx, p.enhet) for p in full.plasseringer
                ]
    assert sett["resultat"] >= 10 and sett["ingen"] >= 3, sett
