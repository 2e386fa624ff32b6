"""Profiles name their rules; the template profile «mal»; one source of eligibility (issue 18)."""

from __future__ import annotations

import json

import pytest

from allokering.kjoring import kjor
from allokering.loser import Loserparametre
from allokering.regler import REGLER, Utfall, kvalifiser_alle, kvalifisert_for
from modeller.generator import antatt_kvalifisert, generer
from modeller.lasting import Inndatafeil, sak_fra_data, sak_til_json
from modeller.regelprofil import MAL, PROFILER, PROFILMAPPE, SANDEFJORD, TVEDESTRAND
from tests.fabrikk import enhet, sak, soker

RASK = Loserparametre(tidsgrense_s=10.0, marginalverdier=False, ektepar_kostnad=False)


def _data_med_profil(profil: dict) -> dict:
    data = json.loads(sak_til_json(sak([soker("A")], [enhet("U", "I", "langtid_somatisk", 1)])))
    data["kommune"]["regelprofil"] = profil
    return data


def test_ukjent_regel_er_en_tydelig_feil():
    """A profile that names an unknown rule is a clear bokmål error when the case is loaded."""
    profil = json.loads(SANDEFJORD.model_dump_json())
    profil |= {"id": "egen", "regler": [*profil["regler"], "S-9.9-finnes-ikke"]}
    with pytest.raises(Inndatafeil) as exc:
        sak_fra_data(_data_med_profil(profil), "sak.json")
    assert "ukjent regel «S-9.9-finnes-ikke»" in exc.value.tekst()


def test_egen_profil_uten_regler_valideres_ikke():
    """Before, an inline profile named anything else validated and then every søker got «tjenesten tilbys ikke».
    Now a place type without a rule is an error."""
    profil = json.loads(SANDEFJORD.model_dump_json())
    profil |= {"id": "egen", "regler": []}
    with pytest.raises(Inndatafeil) as exc:
        sak_fra_data(_data_med_profil(profil), "sak.json")
    tekst = exc.value.tekst()
    assert "tilbyr langtidsplass på somatisk avdeling, men har ingen regel for den plasstypen" in tekst


def test_regeltabellens_profiler_stemmer_med_profilenes_lister():
    """The rule table's «pr.» column (documentation) and the profiles' own lists (data) agree."""
    for navn, profil in (("sandefjord", SANDEFJORD), ("tvedestrand", TVEDESTRAND)):
        assert set(profil.regler) == {r.id for r in REGLER if navn in r.profiler}


def test_mal_er_bare_nasjonal_lov_og_en_datafil():
    """The template profile is one data file, built only from national law: it cites no municipal document."""
    assert (PROFILMAPPE / "mal.json").exists() and PROFILER["mal"] is MAL
    assert all(rid.startswith("ST-") for rid in MAL.regler)
    s = sak(
        [soker("A"), soker("B", "korttid"), soker("C", "avlastning")],
        [enhet("L", "I", "langtid_somatisk", 1), enhet("K", "I", "korttid", 1), enhet("V", "I", "avlastning", 1)],
        profil="mal",
    )
    res = kjor(s, RASK).som_json()
    assert {t["applicant_id"] for t in res["assignments"]} == {"A", "B", "C"}
    for f in res["explanations"]:
        for fremmed in ("S §", "T §", "Sandefjord", "Tvedestrand", "punkt "):
            assert fremmed not in f["text_nb"], f["text_nb"]
        assert "pasient- og brukerrettighetsloven" in f["text_nb"]


@pytest.mark.parametrize("profil", [SANDEFJORD, TVEDESTRAND], ids=lambda p: p.id)
def test_generatoren_bruker_de_samme_reglene(profil):
    """One source of eligibility: on generated cases of both profiles the generator's eligibility and the engine's
    agree for every søker and every place type (0 differences)."""
    s = generer(4_000, profil, seed=3, antall_sokere=400, antall_enheter=30)
    kv = kvalifiser_alle(s)
    typer = {e.plasstype for e in s.enheter}
    forskjeller = []
    for soker_ in s.sokere:
        k = kv[soker_.id]
        forventet = {Utfall.KVALIFISERT: True, Utfall.IKKE_KVALIFISERT: False}.get(k.utfall)
        if antatt_kvalifisert(soker_, profil, startdato=s.startdato) != forventet:
            forskjeller.append((soker_.id, None))
        for pt in typer:
            if pt.familie is not soker_.soknad.tjeneste.familie or k.utfall is not Utfall.KVALIFISERT:
                continue
            i_sak = any(e.plasstype is pt for e in s.enheter if e.id in k.enheter)
            if (kvalifisert_for(soker_, profil, pt, s.startdato) is True) != i_sak:
                forskjeller.append((soker_.id, pt))
    assert forskjeller == []


def test_delte_regler_har_seksjon_og_hjemmel_per_profil():
    """A shared rule carries each profile's own section and legal basis: Sandefjord's korttid rests on pbrl § 2-1 a
    (S §4.21), Tvedestrand's on pbrl § 2-1 e (T §3.18)."""
    for navn, seksjon, hjemmel in (
        ("sandefjord", "S §4.21", "pbrl § 2-1 a"),
        ("tvedestrand", "T §3.18", "pbrl § 2-1 e"),
    ):
        s = sak([soker("A", "korttid")], [enhet("K", "I", "korttid", 1)], profil=navn)
        kv = kvalifiser_alle(s)["A"]
        u = next(r for r in kv.regelutfall if r.regel_id == "ST-4.21-3.18-korttid-dognbehov")
        assert u.seksjon == seksjon and hjemmel in u.lovhjemmel
        assert "(S §" not in u.lovhjemmel and "(T §" not in u.lovhjemmel
