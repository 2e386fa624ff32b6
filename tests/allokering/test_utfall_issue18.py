"""Outcomes and vedtak texts of issue 18 (declined offer, ØHD/KØH without a free bed, presumed wish, follow-up
while waiting). Each test quotes the seed sentence it enforces."""

from __future__ import annotations

from allokering.kjoring import kjor
from allokering.loser import Loserparametre
from tests.fabrikk import enhet, sak, soker

RASK = Loserparametre(tidsgrense_s=10.0, marginalverdier=False, ektepar_kostnad=False)


def _forklaring(res: dict, sid: str) -> dict:
    return next(f for f in res["explanations"] if f["applicant_id"] == sid)


def test_takket_nei_er_eget_utfall():
    """S §4.22: «Dersom det takkes nei til tilbudt langtidsplass må det søkes på nytt.»"""
    s = sak([soker("A", takket_nei=True)], [enhet("U", "I", "langtid_somatisk", 1)], profil="sandefjord")
    res = kjor(s, RASK).som_json()
    f = _forklaring(res, "A")
    assert f["outcome"] == "takket_nei" and not res["assignments"]
    assert "takket nei" in f["text_nb"] and "søkes på nytt" in f["text_nb"] and "punkt 4.22" in f["text_nb"]
    assert res["validation"]["ok"]


def test_koh_uten_ledig_seng_er_ikke_venteliste_og_kan_ikke_paklages():
    """T §3.19: «Innleggelse i KØH skal ikke saksbehandles av kommunens saksbehandlere, men besluttes av
    KØH-lege/bemyndiget sykepleier.» Without a free bed the need is met elsewhere; there is no waiting list."""
    s = sak(
        [soker("A", "akutt"), soker("B", "akutt", iplos={"spise": 2})],
        [enhet("K", "I", "koh", 1)],
        profil="tvedestrand",
    )
    res = kjor(s, RASK).som_json()
    uten = [f for f in res["explanations"] if f["outcome"] != "tildelt"]
    assert len(uten) == 1
    f = uten[0]
    assert f["outcome"] == "ingen_ledig_akuttplass"
    assert "påklages" not in f["text_nb"] and "settes på venteliste" not in f["text_nb"]
    assert "legevakt" in f["text_nb"] and "sykehus" in f["text_nb"]
    assert "ikke et vedtak" in f["text_nb"] and "Vedtaket bygger" not in f["text_nb"]
    assert "kommunal øyeblikkelig hjelp (KØH)" in f["text_nb"]
    assert all(w["applicant_id"] != f["applicant_id"] for w in res["waiting_list"])


def test_formodet_onske_skrives_ikke_som_samtykke():
    """T §3.17: «Dersom personen ikke selv kan si noe om sitt ønske legges det til grunn opplysninger som kan bidra
    til å gi informasjon om hva pasienten selv hadde ønsket dersom pasienten kunne uttale seg.»"""
    s = sak([soker("A", onske_formodet=True)], [enhet("U", "I", "langtid_somatisk", 1)], profil="tvedestrand")
    tekst = _forklaring(kjor(s, RASK).som_json(), "A")["text_nb"]
    assert "ønsker og samtykker" not in tekst and "ville ha ønsket" in tekst
    # Sandefjord's document asks for own wish and consent (or pbrl kap. 4A): a presumed wish is not enough.
    s2 = sak([soker("A", onske_formodet=True)], [enhet("U", "I", "langtid_somatisk", 1)], profil="sandefjord")
    assert _forklaring(kjor(s2, RASK).som_json(), "A")["outcome"] == "mangler_opplysninger"


def test_ventelistevedtak_sier_hvordan_sokeren_folges_opp():
    """T §3.17: «I vedtaket skal det også redegjøres for hvordan personen vil bli fulgt opp i ventetiden, slik at
    det skapes trygghet og forutsigbarhet.»"""
    oppfolging = "Hjemmesykepleien kommer tre ganger daglig, og saken vurderes på nytt hver fjortende dag"
    s = sak(
        [
            soker("A", iplos={"spise": 5, "toalett": 5}),
            soker("B", iplos={"spise": 3}, soknad={"langtid": {"oppfolging_i_ventetiden": oppfolging}}),
            soker("C", iplos={"spise": 3}),
        ],
        [enhet("U", "I", "langtid_somatisk", 1)],
        profil="tvedestrand",
    )
    res = kjor(s, RASK).som_json()
    b, c = _forklaring(res, "B"), _forklaring(res, "C")
    assert b["outcome"] == c["outcome"] == "venteliste"
    assert oppfolging in b["text_nb"] and "punkt 3.17" in b["text_nb"]
    assert "må fylles inn av saksbehandler" in c["text_nb"]


def test_rullerende_avlastning_navngir_periodene_uten_ledig_plass():
    """S §5.3: «Tjenesten kan gis som rullerende avlastningsopphold.» A pattern that fits only part of the plan is
    explained by the periods that clash, not by «ingen ledig plass» while the bed is free half the time."""
    a = soker("A", "avlastning", iplos={"spise": 5, "toalett": 5})
    b = soker("B", "avlastning", iplos={"spise": 2}, soknad={"avlastning": {"dager": 7, "periode": 7}})
    s = sak([a, b], [enhet("V", "I", "avlastning", 1)], profil="sandefjord", horisont=28)
    res = kjor(s, RASK).som_json()
    assert {t["applicant_id"] for t in res["assignments"]} == {"A"}
    tekst = _forklaring(res, "B")["text_nb"]
    assert "ledig plass i 2 av 4 perioder" in tekst, tekst
    assert "30.11.2026–06.12.2026" in tekst and "07.12.2026–13.12.2026" in tekst


def test_ektepar_siterer_profilens_eget_grunnlag():
    """S §4.22: «Ektepar der begge vurderes til å ha rett på langtidsplass i institusjon og som ønsker å bo sammen,
    bør gis muligheten så langt som mulig.» Tvedestrand's document has no such clause: its text says what the basis
    is there (medvirkning, T §1.5.3) and never cites Sandefjord's."""
    for profil, forventet, fremmed in (
        ("sandefjord", "punkt 4.22", "Tvedestrand"),
        ("tvedestrand", "punkt 1.5.3", "S §"),
    ):
        par = [
            soker("A", ektefelle_id="B", onsker_bo_sammen=True),
            soker("B", ektefelle_id="A", onsker_bo_sammen=True),
        ]
        s = sak(par, [enhet("U", "I", "langtid_somatisk", 2)], profil=profil)
        tekst = _forklaring(kjor(s, RASK).som_json(), "A")["text_nb"]
        assert "bo sammen med ektefellen" in tekst and forventet in tekst and fremmed not in tekst, tekst
