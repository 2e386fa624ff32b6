"""Sifting (``lp.Lp`` with ``startkolonner``) must end at the optimum of the *whole* LP.

Regression: pricing once used the reduced costs of whichever dual sign gave the smaller
Lagrangian bound, not HiGHS's own sign convention; on this 4 000 × 800 langtid case it stopped
with 6 983 489 while the LP optimum is 9 165 957 (the certified bound exposed it: 4.8e9). The
check needs no reference solve: when sifting has converged, the certified bound equals the LP
objective of the vertex (the vertex here is integral).
"""

from __future__ import annotations

import numpy as np

from allokering.familieloser import _startkolonner
from allokering.kandidater import bygg_delproblem
from allokering.lp import Lp, heltall_verdi
from allokering.modell import bygg_modell, gjennomforbar
from allokering.prioritet import prioriter_alle
from allokering.regler import kvalifiser_alle
from modeller.generator import generer
from modeller.kodeverk import Familie
from modeller.regelprofil import SANDEFJORD


def test_sifting_ender_i_lp_optimum_paa_stor_langtidssak():
    sak = generer(
        700_000, SANDEFJORD, seed=13, antall_sokere=4000, antall_enheter=800, andel_ektepar=0.05, andel_laast=0.02
    )
    dp = bygg_delproblem(sak, Familie.LANGTID, kvalifiser_alle(sak), prioriter_alle(sak))
    mm = bygg_modell(dp)
    l1 = mm.nivaa[0]
    r = Lp(mm, l1, startkolonner=_startkolonner(mm)).loes()
    assert r.status == "OPTIMAL" and r.heltallig
    assert gjennomforbar(mm, r.x)
    verdi = heltall_verdi(l1, r.x)
    assert np.floor(r.grense + 1e-6) == verdi, (verdi, r.grense)


def test_store_familier_loeses_i_to_steg_med_samme_nivaaer():
    """Above ``Strategi.tosteg_fra`` columns the combined objective is not tried: level 1, then the
    later levels on its face. The levels are the same and proven, and so is the plan."""
    from allokering import loser
    from allokering.strategi import Strategi

    sak = generer(
        120_000, SANDEFJORD, seed=3, antall_sokere=400, antall_enheter=80, andel_ektepar=0.05, andel_laast=0.02
    )
    dp = bygg_delproblem(sak, Familie.KORTTID, kvalifiser_alle(sak), prioriter_alle(sak))
    steg: list[str] = []

    def maaling(navn: str, _s: float) -> None:
        steg.append(navn)

    ett = loser.loes_familie(dp, loser.Loserparametre(strategi=Strategi(maaling=maaling)))
    assert "lp:samlet" in steg, "the small family should try the combined objective"
    steg.clear()
    to = loser.loes_familie(dp, loser.Loserparametre(strategi=Strategi(tosteg_fra=0, maaling=maaling)))
    assert "lp:nivaa1" in steg and "lp:samlet" not in steg
    assert ett.status == to.status == "OPTIMAL"
    assert [n.verdi for n in ett.nivaaer] == [n.verdi for n in to.nivaaer]
    assert all(n.bevist for n in to.nivaaer)
    # The two-step route proves only level 1's face; likebehandling holds the other levels itself
    # and reaches the same unique plan (before: every step went to CP-SAT, 30 s, not canonical).
    assert ett.kanonisk and to.kanonisk
    plan = sorted((pl.kandidat.personer, pl.enhet, pl.kandidat.start) for pl in ett.plasseringer)
    assert plan == sorted((pl.kandidat.personer, pl.enhet, pl.kandidat.start) for pl in to.plasseringer)
