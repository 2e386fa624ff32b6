"""Level 1 of langtid by min-cost flow (``allokering.flyt``): a solution of the model, a bound
certified on the model's own matrix, proven without movers, and sifting from its prices ends
where the whole LP does."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from allokering import flyt
from allokering.kandidater import bygg_delproblem
from allokering.loser import Loserparametre, loes_familie
from allokering.lp import Lp, heltall_verdi
from allokering.modell import Matrisemodell, bygg_modell, gjennomforbar
from allokering.prioritet import prioriter_alle
from allokering.regler import kvalifiser_alle
from allokering.strategi import Strategi
from modeller.generator import generer
from modeller.kodeverk import Familie
from modeller.regelprofil import SANDEFJORD


def _langtid(seed: int, uten_flyttere: bool = False) -> Matrisemodell:
    sak = generer(
        120_000, SANDEFJORD, seed=seed, antall_sokere=400, antall_enheter=80, andel_ektepar=0.05, andel_laast=0.02
    )
    dp = bygg_delproblem(sak, Familie.LANGTID, kvalifiser_alle(sak), prioriter_alle(sak))
    if uten_flyttere:
        # The same family where nobody's current place is released by a move (a restriction).
        dp = dataclasses.replace(dp, frigjoringer=[])
    return bygg_modell(dp)


def _lp_optimum(mm: Matrisemodell) -> int:
    r = Lp(mm, mm.nivaa[0]).loes()
    assert r.status == "OPTIMAL" and r.heltallig
    verdi = heltall_verdi(mm.nivaa[0], r.x)
    assert np.floor(r.grense + 1e-6) == verdi
    return verdi


@pytest.mark.parametrize("seed", [3, 8, 21])
def test_flyten_er_en_losning_og_grensen_holder(seed: int) -> None:
    mm = _langtid(seed)
    assert mm.dp.frigjoringer, "the case should have movers"
    fp = flyt.nivaa1_flyt(mm)
    assert fp is not None
    assert gjennomforbar(mm, fp.x)
    assert fp.verdi == heltall_verdi(mm.nivaa[0], fp.x)
    opt = _lp_optimum(mm)
    assert fp.verdi <= opt <= fp.grense + 1e-6


@pytest.mark.parametrize("seed", [3, 8, 21])
def test_uten_flyttere_er_flyten_bevist_optimal(seed: int) -> None:
    mm = _langtid(seed, uten_flyttere=True)
    fp = flyt.nivaa1_flyt(mm)
    assert fp is not None
    assert fp.bevist, (fp.verdi, fp.grense)
    assert fp.verdi == _lp_optimum(mm)


def test_familier_med_annen_form_gaar_til_lp() -> None:
    sak = generer(
        120_000, SANDEFJORD, seed=3, antall_sokere=400, antall_enheter=80, andel_ektepar=0.05, andel_laast=0.02
    )
    dp = bygg_delproblem(sak, Familie.KORTTID, kvalifiser_alle(sak), prioriter_alle(sak))
    assert flyt.nivaa1_flyt(bygg_modell(dp)) is None  # fixed-length stays are not one chain


@pytest.mark.parametrize("seed", [3, 8])
def test_sifting_fra_flytens_priser_gir_samme_nivaaer(seed: int) -> None:
    mm = _langtid(seed)
    steg: list[str] = []
    # Sift even this small family, from the flow's prices; the timing hook says which route ran.
    sikt = Strategi(sikt_fra=0, maaling=lambda navn, _s: steg.append(navn))
    med = loes_familie(mm.dp, Loserparametre(strategi=sikt), tosteg=True)
    assert "sifting_fra_flyt" in steg
    steg.clear()
    uten = loes_familie(mm.dp, Loserparametre(strategi=Strategi(sikt_fra=10**9)), tosteg=True)  # the whole LP
    assert med.status == uten.status == "OPTIMAL"
    assert [n.verdi for n in med.nivaaer] == [n.verdi for n in uten.nivaaer]
    assert all(n.bevist for n in med.nivaaer)
