"""The explanations' «who took the places» against a plain recomputation from the result.

``lag_resultat`` names, for each søker on the waiting list, the ten highest-priority placed søkere
in the units the søker could have had, and in the text the first five of them at or above the
søker's priority and the first three below. Here the same lists are rebuilt the slow, obvious
way (every placement, fully sorted) from the assignments and the eligibility."""

from __future__ import annotations

import re

from allokering.forklaring import lag_resultat
from allokering.loser import Loserparametre, loes
from modeller.generator import generer
from modeller.regelprofil import SANDEFJORD


def test_konkurrentene_i_forklaringen_er_de_hoyest_prioriterte_paa_soekerens_enheter():
    sak = generer(60_000, SANDEFJORD, seed=1, antall_sokere=300, antall_enheter=20, horisont_dager=14)
    losning = loes(sak, Loserparametre(marginalverdier=False, ektepar_kostnad=False))
    res = lag_resultat(losning)
    tildelt = res["assignments"]
    sjekket = med_lavere = 0
    for f in res["explanations"]:
        if f["outcome"] != "venteliste":
            continue
        sid = f["applicant_id"]
        egne = set(losning.kvalifisering[sid].enheter)
        alle = sorted(
            ((t["priority"], t["applicant_id"], t["unit_id"]) for t in tildelt if t["unit_id"] in egne),
            key=lambda z: (-z[0], z[1]),
        )
        alle = [z for z in alle if z[1] != sid]
        forventet = [{"applicant_id": a, "unit_id": u, "priority": p} for p, a, u in alle[:10]]
        assert f["outranked_by"] == forventet, sid
        total = losning.prioritet[sid].total
        hoyere = [a for p, a, _ in alle if p >= total][:5]
        lavere = [a for p, a, _ in alle if p < total][:3]
        tekst = f["text_nb"]
        for navn, forste in ((hoyere, "høyere eller lik prioritet: "), (lavere, "Søkere med lavere prioritet")):
            if not navn:
                assert forste not in tekst, sid
                continue
            del_ = tekst[tekst.index(forste) :].split(". ")[0]
            funnet = re.findall(r"([A-Za-z0-9_.-]+) \((?:prioritetspoeng|hjelpebehov)", del_.split(": ", 1)[1])
            assert funnet == navn, (sid, del_)
        med_lavere += len([a for p, a, _ in alle if p < total]) > 3
        sjekket += 1
    # Enough waiting søkere, and some with more than three placed below them (so the choice of
    # which three are named matters).
    assert sjekket >= 20 and med_lavere >= 1, (sjekket, med_lavere)
