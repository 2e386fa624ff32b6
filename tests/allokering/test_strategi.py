"""The engine's strategy object (thresholds passed in, timing hook) and HiGHS's silence."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from allokering.kandidater import bygg_delproblem
from allokering.loser import Loserparametre, loes, loes_familie
from allokering.prioritet import prioriter_alle
from allokering.regler import kvalifiser_alle
from allokering.strategi import Strategi
from modeller.generator import generer
from modeller.kodeverk import Familie
from modeller.regelprofil import SANDEFJORD


def test_highs_skriver_ingenting_og_rorer_ikke_stdout() -> None:
    """HiGHS is silenced through its own option, not by pointing file descriptor 1 elsewhere
    (inside the API server that silenced every thread): a process where ``os.dup2`` fails
    still solves, and prints only its own line."""
    kode = textwrap.dedent(
        """
        import os
        def forbudt(*a):
            raise AssertionError("fildeskriptor 1 ble omdirigert")
        os.dup2 = forbudt
        from modeller.generator import generer
        from modeller.regelprofil import SANDEFJORD
        from allokering.loser import loes, Loserparametre
        from allokering.referanse import highs_mip
        from allokering.modell import bygg_modell
        sak = generer(20_000, SANDEFJORD, seed=1, antall_sokere=40, antall_enheter=10, horisont_dager=14)
        l = loes(sak, Loserparametre(marginalverdier=False, ektepar_kostnad=False, strategi=__import__(
            "allokering.strategi", fromlist=["Strategi"]).Strategi(vei="lp")))
        dp = next(iter(l.delproblemer.values()))
        highs_mip(bygg_modell(dp), bygg_modell(dp).nivaa[0], 5.0)
        print("ferdig")
        """
    )
    r = subprocess.run([sys.executable, "-c", kode], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "ferdig\n"


def test_maalingskroken_ser_stegene() -> None:
    steg: list[str] = []
    sak = generer(20_000, SANDEFJORD, seed=2, antall_sokere=60, antall_enheter=12, horisont_dager=14)
    p = Loserparametre(strategi=Strategi(maaling=lambda navn, s: steg.append(navn)))
    loes(sak, p)
    assert {"delproblem", "marginalverdier", "ektepar_kostnad"} <= set(steg)
    # Forcing the LP route on a family builds the model and solves an LP.
    dp = bygg_delproblem(sak, Familie.KORTTID, kvalifiser_alle(sak), prioriter_alle(sak))
    steg.clear()
    loes_familie(dp, Loserparametre(strategi=Strategi(vei="lp", maaling=lambda navn, s: steg.append(navn))))
    assert "modell" in steg and any(s.startswith("lp:") for s in steg)
