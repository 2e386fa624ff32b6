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
    tildelt = res.assignments
    holdt_tilbake = {x.soker_id for x in sak.laaser if x.type.value == "ikke_tildel" and x.enhet_id is None}
    sperret = {(x.soker_id, x.enhet_id) for x in sak.laaser if x.type.value == "ikke_tildel" and x.enhet_id}
    sjekket = med_lavere = 0
    for f in res.explanations:
        if f.outcome != "venteliste" or f.applicant_id in holdt_tilbake:
            continue
        sid = f.applicant_id
        egne = set(losning.kvalifisering[sid].enheter)
        alle = sorted(
            ((t.priority, t.applicant_id, t.unit_id) for t in tildelt if t.unit_id in egne),
            key=lambda z: (-z[0], z[1]),
        )
        alle = [z for z in alle if z[1] != sid]
        forventet = [(a, u, p) for p, a, u in alle[:10]]
        assert [(x.applicant_id, x.unit_id, x.priority) for x in f.outranked_by] == forventet, sid
        total = losning.prioritet[sid].total
        hoyere = [a for p, a, _ in alle if p >= total][:5]
        lavere = [a for p, a, u in alle if p < total and (sid, u) not in sperret][:3]
        tekst = f.text_nb
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


def test_en_soeker_tildelingsmoetet_holder_tilbake_faar_moetets_grunn_ikke_andres_plasser():
    """A søker the meeting holds back («ikke tildel» with no unit) waits because of that decision: the text says who
    decided and why, and does not blame the places lower-priority søkere got (the bundled Sandefjord case holds back
    the top of its waiting list, S-000227, «Venter på avklaring med pårørende»)."""
    from modeller.generator import demo_sti
    from modeller.lasting import les_sak

    sak = les_sak(demo_sti("sandefjord"))
    laas = next(x for x in sak.laaser if x.type.value == "ikke_tildel" and x.enhet_id is None)
    losning = loes(sak, Loserparametre(marginalverdier=False, ektepar_kostnad=False, laaspriser=False))
    f = next(f for f in lag_resultat(losning).explanations if f.applicant_id == laas.soker_id)
    assert f.outcome == "venteliste"
    tekst = f.text_nb
    assert f"Tildelingsmøtet har besluttet at søkeren ikke tildeles plass nå: {laas.begrunnelse.rstrip('. ')}" in tekst
    assert "lavere prioritet" not in tekst and "høyere eller lik prioritet" not in tekst
    assert f.counterfactual is None
    assert re.search(r"IPLOS-snitt \d,\d", tekst) and not re.search(r"IPLOS-snitt \d\.\d", tekst)  # decimal comma


def test_alle_som_venter_paa_full_akuttenhet_faar_vite_hvem_en_ekstra_seng_gaar_til():
    """Bundled Tvedestrand: three qualified KØH søkere and no free bed. One more bed places one of them
    (the counterfactual «plass ved én ekstra seng»); the other two are told who that bed would go to
    instead, not left with no answer to «would one more bed have helped me?»."""
    from allokering.kjoring import kjor
    from modeller.generator import last_demo

    res = kjor(last_demo("tvedestrand"), Loserparametre())
    uten = [f for f in res.explanations if f.outcome == "ingen_ledig_akuttplass"]
    assert len(uten) >= 2
    med_kontra = [f for f in uten if f.counterfactual is not None]
    assert len(med_kontra) == 1
    assert "kunne fått plass ved én ekstra seng" in med_kontra[0].text_nb
    for f in uten:
        if f.counterfactual is None:
            assert f"ville gått til {med_kontra[0].applicant_id}" in f.text_nb, f.text_nb
