"""Tests for allokering.regler: every rule passes and fails on cases built from the seeds' wording."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import allokering.regler as regler_modul
from allokering.regler import (
    REGLER,
    Kvalifisering,
    Status,
    Utfall,
    kvalifiser,
    kvalifiser_alle,
    regler_for,
    ukp_i_koh,
    vurder_enhet,
    vurder_soker,
)
from modeller import PROFILER, SANDEFJORD, Sak, Soker, Tjeneste
from modeller.kodeverk import Plasstype

START = date(2025, 3, 3)

# --- Factories ------------------------------------------------------------------------------------------------------

ENHETER: dict[str, list[tuple[str, str, Plasstype]]] = {
    "sandefjord": [
        ("nygard", "nygard-somatisk", Plasstype.LANGTID_SOMATISK),
        ("nygard", "nygard-skjermet", Plasstype.LANGTID_SKJERMET),
        ("smh", "smh-korttid", Plasstype.KORTTID),
        ("soletunet", "soletunet-avlastning", Plasstype.AVLASTNING),
        ("smh", "smh-ohd", Plasstype.OHD),
        ("bofellesskap", "bofellesskap-1", Plasstype.TILRETTELAGT_BOLIG),
        ("bugarden", "bugarden-korttidsleilighet", Plasstype.KORTTIDSLEILIGHET),
        ("bugarden", "bugarden-senter", Plasstype.SENTERLEILIGHET),
    ],
    "tvedestrand": [
        ("strannasenteret", "str-somatisk", Plasstype.LANGTID_SOMATISK),
        ("strannasenteret", "str-skjermet", Plasstype.LANGTID_SKJERMET),
        ("strannasenteret", "str-korttid", Plasstype.KORTTID),
        ("strannasenteret", "str-avlastning", Plasstype.AVLASTNING),
        ("strannasenteret", "str-koh", Plasstype.KOH),
        ("strannasenteret", "str-hdo", Plasstype.HDO),
        ("olav-sverresvei", "olav-hdou", Plasstype.HDOU),
        ("trygghetsboliger", "trygg-1", Plasstype.TRYGGHETSBOLIG),
        ("psykisk-helse", "psyk-1", Plasstype.OMSORGSBOLIG_PSYKISK),
    ],
}

TILBUDT: dict[str, list[Tjeneste]] = {
    "sandefjord": [
        Tjeneste.LANGTID,
        Tjeneste.KORTTID,
        Tjeneste.AVLASTNING,
        Tjeneste.AKUTT,
        Tjeneste.TILRETTELAGT_BOLIG,
        Tjeneste.KORTTIDSLEILIGHET,
        Tjeneste.SENTERLEILIGHET,
    ],
    "tvedestrand": [
        Tjeneste.LANGTID,
        Tjeneste.KORTTID,
        Tjeneste.AVLASTNING,
        Tjeneste.AKUTT,
        Tjeneste.HDO,
        Tjeneste.HDOU,
        Tjeneste.TRYGGHETSBOLIG,
        Tjeneste.OMSORGSBOLIG_PSYKISK,
    ],
}

FORVENTEDE_ENHETER: dict[tuple[str, Tjeneste], tuple[str, ...]] = {
    ("sandefjord", Tjeneste.LANGTID): ("nygard-skjermet", "nygard-somatisk"),
    ("sandefjord", Tjeneste.KORTTID): ("smh-korttid",),
    ("sandefjord", Tjeneste.AVLASTNING): ("soletunet-avlastning",),
    ("sandefjord", Tjeneste.AKUTT): ("smh-ohd",),
    ("sandefjord", Tjeneste.TILRETTELAGT_BOLIG): ("bofellesskap-1",),
    ("sandefjord", Tjeneste.KORTTIDSLEILIGHET): ("bugarden-korttidsleilighet",),
    ("sandefjord", Tjeneste.SENTERLEILIGHET): ("bugarden-senter",),
    ("tvedestrand", Tjeneste.LANGTID): ("str-skjermet", "str-somatisk"),
    ("tvedestrand", Tjeneste.KORTTID): ("str-korttid",),
    ("tvedestrand", Tjeneste.AVLASTNING): ("str-avlastning",),
    ("tvedestrand", Tjeneste.AKUTT): ("str-koh",),
    ("tvedestrand", Tjeneste.HDO): ("str-hdo",),
    ("tvedestrand", Tjeneste.HDOU): ("olav-hdou",),
    ("tvedestrand", Tjeneste.TRYGGHETSBOLIG): ("trygg-1",),
    ("tvedestrand", Tjeneste.OMSORGSBOLIG_PSYKISK): ("psyk-1",),
}

_DETALJER: dict[str, dict[str, Any]] = {
    "langtid": {"varig_ute_av_stand": True, "kan_ikke_ivaretas_hjemme": True, "behov_heldogns": True},
    "korttid": {
        "formal": "rehabilitering",
        "lengde_dogn": 10,
        "behov_dognbasert_oppfolging": True,
        "motivert_for_rehabilitering": True,
        "rehabilitering_mulig_hjemme": False,
        "dogn_brukt_siste_aar": 0,
        "vedtak_fattet": True,
    },
    "avlastning": {
        "omsorgsyter_id": "paarorende-1",
        "dager": 7,
        "periode": 42,
        "belastning": {"nattarbeid": True, "timer_per_maned": 120},
        "saerlig_tyngende": True,
        "omsorgsyter_onsker": True,
        "omsorgsmottaker_onsker": True,
    },
    "akutt": {
        "avgrenset_akutt_problem": True,
        "behandlingsplan_skrevet": True,
        "kan_ikke_ivaretas_av_hjemmesykepleie": True,
        "forventet_hjem_innen_3_dager": True,
        "like_bra_som_sykehus": True,
        "kjent_avklart_tilstand": True,
        "innleggende": "fastlege",
        "lengde_dogn": 2,
    },
    "bolig": {
        "bosatt_siste_aar": True,
        "omfattende_behov_hele_dognet": True,
        "kan_ikke_bo_i_ordinar_bolig": True,
        "tidlig_ervervet_funksjonsnedsettelse": True,
        "lav_funksjon_hoyt_behov": True,
        "naverende_bolig_uegnet": True,
        "redusert_evne_bo_alene": True,
        "tungtveiende_helsegrunner": True,
        "behov_hjemmetjenester": True,
        "kun_onske_om_mindre_bolig": False,
        "onsker_og_samtykker_flytting": True,
        "sosial_isolasjon": True,
        "forebygge_funksjonsfall": True,
        "utproving_senterleilighet": True,
        "midlertidig_etter_sykehus": False,
        "akutt_skade_pa_bolig": False,
        "avlastningsbehov": False,
        "lengde_dogn": 30,
    },
}


def _sett(data: dict[str, Any], sti: str, verdi: Any) -> None:
    *ledd, siste = sti.split("__")
    for navn in ledd:
        if data.get(navn) is None:
            data[navn] = {}
        data = data[navn]
    data[siste] = verdi


def lag_soker(tjeneste: Tjeneste = Tjeneste.LANGTID, id: str = "s1", **endringer: Any) -> Soker:
    """A fully assessed søker who meets every rule of the service in both profiles.

    Override nested fields with ``__`` as separator, e.g. ``soknad__langtid__behov_heldogns=None``.
    """
    felt = tjeneste.familie.value
    data: dict[str, Any] = {
        "id": id,
        "alder": 84,
        "kjonn": "kvinne",
        "bydel": "sentrum",
        "samtykke": True,
        "samtykkekompetent": True,
        "diagnoser": {
            "demens": True,
            "atferd_som_krever_skjerming": True,
            "omfattende_skjermingsbehov_uten_demens": False,
            "utviklingshemming_autisme": False,
            "psykisk_helse_rus": False,
        },
        "innsatstrapp": {
            "provde_tiltak": ["hjemmesykepleie", "trygghetsalarm", "korttidsopphold"],
            "lavere_tiltak_utilstrekkelige": True,
            "helseteknologi_vurdert": True,
        },
        "soknad": {"tjeneste": tjeneste.value, "soknadsdato": "2025-01-15", felt: dict(_DETALJER[felt])},
    }
    for sti, verdi in endringer.items():
        _sett(data, sti, verdi)
    return Soker.model_validate(data)


def lag_sak(profil: str, *sokere: Soker, enheter: bool = True) -> Sak:
    rader = ENHETER[profil] if enheter else []
    institusjoner = sorted({inst for inst, _, _ in rader})
    return Sak.model_validate(
        {
            "syntetisk": True,
            "kommune": {
                "nummer": "3907" if profil == "sandefjord" else "4213",
                "navn": profil.capitalize(),
                "regelprofil": profil,
            },
            "startdato": START,
            "institusjoner": [{"id": i, "navn": i} for i in institusjoner],
            "enheter": [
                {"id": eid, "institusjon_id": inst, "navn": eid, "plasstype": pt.value, "kapasitet": 4}
                for inst, eid, pt in rader
            ],
            "sokere": [s.model_dump(mode="json") for s in sokere],
        }
    )


def utfall_for(soker: Soker, profil: str, regel_id: str, enhet_id: str | None = None) -> regler_modul.Regelutfall:
    sak = lag_sak(profil, soker)
    treff = [u for u in kvalifiser(soker, sak).regelutfall if u.regel_id == regel_id and u.enhet_id == enhet_id]
    assert len(treff) == 1, f"{regel_id} ga {len(treff)} utfall"
    return treff[0]


# --- The rule table --------------------------------------------------------------------------------------------------


def test_regel_ider_er_unike_og_dokumentert() -> None:
    ider = [r.id for r in REGLER]
    assert len(ider) == len(set(ider))
    for regel in REGLER:
        assert regel.id in (regler_modul.__doc__ or ""), f"{regel.id} mangler i modulens regeltabell"
        assert regel.seksjon and regel.lovhjemmel and regel.tekst_nb.endswith(".")
        assert regel.profiler <= {"sandefjord", "tvedestrand"}
        assert regel.profiler or regel.id in IKKE_I_NOEN_PROFIL, f"{regel.id} er ikke med i noen profil"
        for profil in regel.profiler:
            prefiks = "S" if profil == "sandefjord" else "T"
            assert f"{prefiks} §" in regel.seksjon, f"{regel.id} må sitere {prefiks}-dokumentet"


def test_enhetsregler_gjelder_tjenestens_familie() -> None:
    for regel in REGLER:
        if regel.plasstyper is None:
            continue
        familier = {t.familie for t in regel.tjenester}
        assert {p.familie for p in regel.plasstyper} <= familier


@pytest.mark.parametrize("profil", ["sandefjord", "tvedestrand"])
def test_hver_tilbudt_tjeneste_har_regler_og_enhetsregel(profil: str) -> None:
    for tjeneste in Tjeneste:
        regler = regler_for(PROFILER[profil], tjeneste)
        if tjeneste in TILBUDT[profil]:
            assert any(r.plasstyper is None for r in regler), tjeneste
            assert any(r.plasstyper is not None for r in regler), tjeneste
        else:
            assert regler == []


# --- Every rule passes for a fully assessed eligible søker -----------------------------------------------------------


@pytest.mark.parametrize(
    ("profil", "tjeneste"), [(p, t) for p, tjenester in TILBUDT.items() for t in tjenester], ids=str
)
def test_fullt_vurdert_soker_er_kvalifisert(profil: str, tjeneste: Tjeneste) -> None:
    soker = lag_soker(tjeneste)
    k = kvalifiser(soker, lag_sak(profil, soker))
    assert k.utfall is Utfall.KVALIFISERT, [u.tekst_nb for u in k.regelutfall if u.status is not Status.OPPFYLT]
    assert k.enheter == FORVENTEDE_ENHETER[(profil, tjeneste)]
    passerte = {u.regel_id for u in k.regelutfall if u.status is Status.OPPFYLT}
    assert {r.id for r in regler_for(PROFILER[profil], tjeneste)} <= passerte


def test_hver_regel_passerer_minst_en_gang() -> None:
    passerte: set[str] = set()
    for profil, tjenester in TILBUDT.items():
        for tjeneste in tjenester:
            soker = lag_soker(tjeneste)
            k = kvalifiser(soker, lag_sak(profil, soker))
            passerte |= {u.regel_id for u in k.regelutfall if u.status is Status.OPPFYLT}
    assert {r.id for r in REGLER} - IKKE_I_NOEN_PROFIL <= passerte


IKKE_I_NOEN_PROFIL: set[str] = set()
"""Rules no built-in profile lists yet (tested with the rule turned on in test_kriterier_issue18)."""


# --- Every rule fails on a case from the seed's wording ---------------------------------------------------------------

L, K, A, AK = Tjeneste.LANGTID, Tjeneste.KORTTID, Tjeneste.AVLASTNING, Tjeneste.AKUTT

# (regel, profil, tjeneste, endringer, enhet) — each makes exactly that rule «ikke oppfylt».
FEILTILFELLER: list[tuple[str, str, Tjeneste, dict[str, Any], str | None]] = [
    ("ST-4.22-3.17-langtid-samtykke", "sandefjord", L, {"samtykke": False}, None),
    ("ST-4.22-3.17-langtid-samtykke", "tvedestrand", L, {"samtykke": False, "samtykkekompetent": False}, None),
    ("ST-4.22-3.17-langtid-varig-behov", "sandefjord", L, {"soknad__langtid__varig_ute_av_stand": False}, None),
    ("ST-4.22-3.17-langtid-ikke-forsvarlig-hjemme", "tvedestrand", L,
     {"soknad__langtid__kan_ikke_ivaretas_hjemme": False}, None),
    ("ST-4.22-3.17-langtid-heldogns-behov", "sandefjord", L, {"soknad__langtid__behov_heldogns": False}, None),
    ("ST-4.22-3.17-langtid-lavere-tiltak", "tvedestrand", L,
     {"innsatstrapp__lavere_tiltak_utilstrekkelige": False}, None),
    ("ST-4.22-3.17-enhet-langtid", "sandefjord", L, {}, "smh-korttid"),
    ("T-3.17-skjermet-enhet", "tvedestrand", L, {"diagnoser__demens": False}, "str-skjermet"),
    ("S-4.22-skjermet-enhet", "sandefjord", L, {"diagnoser__demens": False, "diagnoser__kognitiv_svikt": False},
     "nygard-skjermet"),
    ("ST-4.21-3.18-korttid-samtykke", "sandefjord", K, {"samtykke": False}, None),
    ("ST-4.21-3.18-korttid-dognbehov", "tvedestrand", K, {"soknad__korttid__behov_dognbasert_oppfolging": False}, None),
    ("T-3.18-korttid-rehabilitering", "tvedestrand", K, {"soknad__korttid__motivert_for_rehabilitering": False}, None),
    ("ST-4.21-3.18-enhet-korttid", "tvedestrand", K, {}, "str-somatisk"),
    ("ST-5.3-3.8.2-avlastning-saerlig-tyngende", "sandefjord", A,
     {"soknad__avlastning__saerlig_tyngende": False}, None),
    ("ST-5.3-3.8.2-avlastning-onske", "tvedestrand", A, {"soknad__avlastning__omsorgsmottaker_onsker": False}, None),
    ("ST-5.3-3.8.2-enhet-avlastning", "sandefjord", A, {}, "smh-korttid"),
    ("S-4.20-ohd-fem-kriterier", "sandefjord", AK, {"soknad__akutt__like_bra_som_sykehus": False}, None),
    ("S-4.20-ohd-innleggende", "sandefjord", AK, {"soknad__akutt__innleggende": "sykehuslege"}, None),
    ("S-4.20-ohd-kriseplan", "sandefjord", AK,
     {"diagnoser__psykisk_helse_rus": True, "soknad__akutt__oppdatert_kriseplan": False}, None),
    ("S-4.20-enhet-ohd", "sandefjord", AK, {}, "smh-korttid"),
    ("T-3.19-koh-voksen", "tvedestrand", AK, {"alder": 16}, None),
    ("T-3.19-koh-kjent-tilstand", "tvedestrand", AK, {"soknad__akutt__kjent_avklart_tilstand": False}, None),
    ("T-3.19-koh-innleggelse", "tvedestrand", AK, {"soknad__akutt__innleggende": "hjemmesykepleie"}, None),
    ("T-3.19-enhet-koh", "tvedestrand", AK, {}, "str-korttid"),
    ("T-3.14-hdo-heldogns-behov", "tvedestrand", Tjeneste.HDO, {"soknad__bolig__omfattende_behov_hele_dognet": False},
     None),
    ("T-3.14-hdo-ordinar-bolig-utilstrekkelig", "tvedestrand", Tjeneste.HDO,
     {"soknad__bolig__kan_ikke_bo_i_ordinar_bolig": False}, None),
    ("T-3.14-enhet-hdo", "tvedestrand", Tjeneste.HDO, {}, "olav-hdou"),
    ("T-3.14-hdou-alder", "tvedestrand", Tjeneste.HDOU, {"alder": 17}, None),
    ("T-3.14-hdou-malgruppe", "tvedestrand", Tjeneste.HDOU, {"soknad__bolig__lav_funksjon_hoyt_behov": False}, None),
    ("T-3.14-hdou-tidlig-ervervet", "tvedestrand", Tjeneste.HDOU,
     {"soknad__bolig__tidlig_ervervet_funksjonsnedsettelse": False}, None),
    ("T-3.14-enhet-hdou", "tvedestrand", Tjeneste.HDOU, {}, "str-hdo"),
    ("T-3.15-trygghetsbolig-kriterier", "tvedestrand", Tjeneste.TRYGGHETSBOLIG,
     {"soknad__bolig__tungtveiende_helsegrunner": False, "soknad__bolig__behov_hjemmetjenester": False}, None),
    ("T-3.15-enhet-trygghetsbolig", "tvedestrand", Tjeneste.TRYGGHETSBOLIG, {}, "psyk-1"),
    ("T-3.16-psykisk-bolig-uegnet", "tvedestrand", Tjeneste.OMSORGSBOLIG_PSYKISK,
     {"soknad__bolig__naverende_bolig_uegnet": False}, None),
    ("T-3.16-psykisk-heldogns-behov", "tvedestrand", Tjeneste.OMSORGSBOLIG_PSYKISK,
     {"soknad__bolig__omfattende_behov_hele_dognet": False}, None),
    ("T-3.16-psykisk-evne-bo-alene", "tvedestrand", Tjeneste.OMSORGSBOLIG_PSYKISK,
     {"soknad__bolig__redusert_evne_bo_alene": False}, None),
    ("T-3.16-psykisk-lavere-tiltak", "tvedestrand", Tjeneste.OMSORGSBOLIG_PSYKISK,
     {"innsatstrapp__lavere_tiltak_utilstrekkelige": False}, None),
    ("T-3.16-enhet-omsorgsbolig-psykisk", "tvedestrand", Tjeneste.OMSORGSBOLIG_PSYKISK, {}, "trygg-1"),
    ("S-6-bolig-alder", "sandefjord", Tjeneste.SENTERLEILIGHET, {"alder": 17}, None),
    ("S-6-bolig-bosatt", "sandefjord", Tjeneste.TILRETTELAGT_BOLIG, {"soknad__bolig__bosatt_siste_aar": False}, None),
    ("S-6.3-tilrettelagt-samtykke", "sandefjord", Tjeneste.TILRETTELAGT_BOLIG,
     {"soknad__bolig__onsker_og_samtykker_flytting": False}, None),
    ("S-6.3-tilrettelagt-heldogns-behov", "sandefjord", Tjeneste.TILRETTELAGT_BOLIG,
     {"soknad__bolig__omfattende_behov_hele_dognet": False}, None),
    ("S-6.3-enhet-tilrettelagt-bolig", "sandefjord", Tjeneste.TILRETTELAGT_BOLIG, {}, "bugarden-senter"),
    ("S-6.4-korttidsleilighet-to-kriterier", "sandefjord", Tjeneste.KORTTIDSLEILIGHET,
     {"soknad__bolig__naverende_bolig_uegnet": False}, None),
    ("S-6.4-enhet-korttidsleilighet", "sandefjord", Tjeneste.KORTTIDSLEILIGHET, {}, "bofellesskap-1"),
    ("S-6.2-senterleilighet-bosituasjon", "sandefjord", Tjeneste.SENTERLEILIGHET,
     {"soknad__bolig__naverende_bolig_uegnet": False, "soknad__bolig__sosial_isolasjon": False}, None),
    ("S-6.2-senterleilighet-forebygge", "sandefjord", Tjeneste.SENTERLEILIGHET,
     {"soknad__bolig__forebygge_funksjonsfall": False}, None),
    ("S-6.2-enhet-senterleilighet", "sandefjord", Tjeneste.SENTERLEILIGHET, {}, "bugarden-korttidsleilighet"),
    # S §2.3: «… må du ha et bistandsbehov som ligger i området 3-5 på definerte variabler»
    ("S-2.3-bistandsbehov", "sandefjord", L, {"bistandsbehov_3_5": False}, None),
    # S §5.3: «… omsorgsarbeid til voksne med nedsatt fysisk eller kognitiv funksjon» (issue 18)
    ("S-5.3-avlastning-voksen", "sandefjord", A, {"alder": 12}, None),
]  # fmt: skip

# Rules that by design cannot reject: the liggetid rules («normalt 1–3 døgn» gives a remark), the 14-day rule (it
# shortens the stay), the korttidsleilighet length (missing only), T §3.17 helseteknologi (hovedregel: asks for
# assessment), T §3.14 helseteknologi (one moment of a whole assessment) and T §3.18 60 døgn (the payment rate; it
# rejects only under the profile option korttid_hard_grense, tested in test_korttid_hard_grense_er_et_valg_i_profilen).
KAN_IKKE_AVVISE = {
    "T-3.14-hdo-helseteknologi": ("tvedestrand", Tjeneste.HDO, {"innsatstrapp__helseteknologi_vurdert": False}),
    "T-3.18-korttid-60-dogn": ("tvedestrand", K, {"soknad__korttid__dogn_brukt_i_aar": 75}),
    "S-4.20-ohd-liggetid": ("sandefjord", AK, {"soknad__akutt__lengde_dogn": 3}),
    "T-3.19-koh-liggetid": ("tvedestrand", AK, {"soknad__akutt__lengde_dogn": 1}),
    "S-4.21-korttid-14-dager-uten-vedtak": (
        "sandefjord",
        K,
        {"soknad__korttid__vedtak_fattet": False, "soknad__korttid__lengde_dogn": 30},
    ),
    "S-6.4-korttidsleilighet-periode": ("sandefjord", Tjeneste.KORTTIDSLEILIGHET, {"soknad__bolig__lengde_dogn": None}),
    "T-3.17-langtid-helseteknologi": ("tvedestrand", L, {"innsatstrapp__helseteknologi_vurdert": False}),
    # S §2.2: without consent the søknad cannot be processed – «mangler opplysninger», not a refusal
    # (test_kriterier_issue18.test_sandefjord_samtykke_til_aa_innhente_helseopplysninger)
    "S-2.2-samtykke-helseopplysninger": ("sandefjord", L, {"samtykke_helseopplysninger": False}),
}


def test_alle_regler_har_feiltilfelle() -> None:
    dekket = {regel_id for regel_id, *_ in FEILTILFELLER} | set(KAN_IKKE_AVVISE)
    dekket |= IKKE_I_NOEN_PROFIL  # refusal tested with the rule turned on (test_kriterier_issue18)
    assert {r.id for r in REGLER} <= dekket


@pytest.mark.parametrize(
    ("regel_id", "profil", "tjeneste", "endringer", "enhet"), FEILTILFELLER, ids=[f[0] for f in FEILTILFELLER]
)
def test_regel_feiler(regel_id: str, profil: str, tjeneste: Tjeneste, endringer: dict[str, Any], enhet: str | None):
    soker = lag_soker(tjeneste, **endringer)
    sak = lag_sak(profil, soker)
    if enhet is not None:
        enhetsobjekt = next(e for e in sak.enheter if e.id == enhet)
        regel = next(r for r in REGLER if r.id == regel_id)
        assert regel.sjekk(soker, enhetsobjekt, sak).status is Status.IKKE_OPPFYLT
        utfall = vurder_enhet(soker, enhetsobjekt, sak)
        assert utfall and all(u.enhet_id == enhet for u in utfall)
        assert any(u.status is Status.IKKE_OPPFYLT for u in utfall)
        assert enhet not in kvalifiser(soker, sak).enheter
        return
    k = kvalifiser(soker, sak)
    ikke = [u for u in k.regelutfall if u.status is Status.IKKE_OPPFYLT and u.plasstype is None]
    assert [u.regel_id for u in ikke] == [regel_id]
    assert ikke[0].tekst_nb.startswith("Ikke oppfylt: ")
    assert k.utfall is Utfall.IKKE_KVALIFISERT
    assert k.enheter == ()


@pytest.mark.parametrize("regel_id", sorted(KAN_IKKE_AVVISE))
def test_regler_som_ikke_avviser(regel_id: str) -> None:
    profil, tjeneste, endringer = KAN_IKKE_AVVISE[regel_id]
    u = utfall_for(lag_soker(tjeneste, **endringer), profil, regel_id)
    assert u.status in (Status.OPPFYLT, Status.MANGLER)


# --- Missing information is named, never fulfils ----------------------------------------------------------------------

MANGLER_TILFELLER: list[tuple[str, str, Tjeneste, dict[str, Any], tuple[str, ...]]] = [
    ("ST-4.22-3.17-langtid-samtykke", "sandefjord", L, {"samtykke": None}, ("samtykke",)),
    ("ST-4.22-3.17-langtid-samtykke", "tvedestrand", L,
     {"samtykke": None, "samtykkekompetent": None, "vedtak_4a": True}, ("samtykkekompetent",)),
    ("ST-4.22-3.17-langtid-heldogns-behov", "tvedestrand", L, {"soknad__langtid__behov_heldogns": None},
     ("soknad.langtid.behov_heldogns",)),
    ("ST-4.22-3.17-langtid-varig-behov", "sandefjord", L, {"soknad__langtid": None},
     ("soknad.langtid.varig_ute_av_stand",)),
    ("ST-4.22-3.17-langtid-lavere-tiltak", "sandefjord", L, {"innsatstrapp__lavere_tiltak_utilstrekkelige": None},
     ("innsatstrapp.lavere_tiltak_utilstrekkelige",)),
    ("T-3.17-langtid-helseteknologi", "tvedestrand", L, {"innsatstrapp__helseteknologi_vurdert": None},
     ("innsatstrapp.helseteknologi_vurdert",)),
    ("T-3.18-korttid-rehabilitering", "tvedestrand", K, {"soknad__korttid__rehabilitering_mulig_hjemme": None},
     ("soknad.korttid.rehabilitering_mulig_hjemme",)),
    ("ST-5.3-3.8.2-avlastning-saerlig-tyngende", "tvedestrand", A, {"soknad__avlastning__saerlig_tyngende": None},
     ("soknad.avlastning.saerlig_tyngende",)),
    ("ST-5.3-3.8.2-avlastning-onske", "sandefjord", A,
     {"soknad__avlastning__omsorgsyter_onsker": None, "soknad__avlastning__omsorgsmottaker_onsker": None},
     ("soknad.avlastning.omsorgsyter_onsker", "soknad.avlastning.omsorgsmottaker_onsker")),
    ("S-4.20-ohd-fem-kriterier", "sandefjord", AK, {"soknad__akutt__behandlingsplan_skrevet": None},
     ("soknad.akutt.behandlingsplan_skrevet",)),
    ("S-4.20-ohd-kriseplan", "sandefjord", AK, {"diagnoser__psykisk_helse_rus": None},
     ("diagnoser.psykisk_helse_rus",)),
    ("S-4.20-ohd-kriseplan", "sandefjord", AK, {"diagnoser__psykisk_helse_rus": True},
     ("soknad.akutt.oppdatert_kriseplan",)),
    ("T-3.19-koh-kjent-tilstand", "tvedestrand", AK, {"soknad__akutt__kjent_avklart_tilstand": None},
     ("soknad.akutt.kjent_avklart_tilstand",)),
    ("T-3.14-hdo-heldogns-behov", "tvedestrand", Tjeneste.HDO, {"soknad__bolig": None},
     ("soknad.bolig.omfattende_behov_hele_dognet",)),
    ("T-3.14-hdou-malgruppe", "tvedestrand", Tjeneste.HDOU, {"soknad__bolig__lav_funksjon_hoyt_behov": None},
     ("soknad.bolig.lav_funksjon_hoyt_behov",)),
    ("T-3.15-trygghetsbolig-kriterier", "tvedestrand", Tjeneste.TRYGGHETSBOLIG,
     {"soknad__bolig__tungtveiende_helsegrunner": None, "soknad__bolig__behov_hjemmetjenester": None},
     ("soknad.bolig.tungtveiende_helsegrunner", "soknad.bolig.behov_hjemmetjenester")),
    ("S-6-bolig-bosatt", "sandefjord", Tjeneste.SENTERLEILIGHET, {"soknad__bolig__bosatt_siste_aar": None},
     ("soknad.bolig.bosatt_siste_aar",)),
    ("S-6.2-senterleilighet-bosituasjon", "sandefjord", Tjeneste.SENTERLEILIGHET,
     {"soknad__bolig__naverende_bolig_uegnet": False, "soknad__bolig__sosial_isolasjon": None},
     ("soknad.bolig.sosial_isolasjon",)),
    ("S-6.4-korttidsleilighet-periode", "sandefjord", Tjeneste.KORTTIDSLEILIGHET, {"soknad__bolig__lengde_dogn": None},
     ("soknad.bolig.lengde_dogn",)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("regel_id", "profil", "tjeneste", "endringer", "felt"),
    MANGLER_TILFELLER,
    ids=[f"{m[0]}-{'-'.join(m[4])}" for m in MANGLER_TILFELLER],
)
def test_manglende_opplysninger_navngis(
    regel_id: str, profil: str, tjeneste: Tjeneste, endringer: dict[str, Any], felt: tuple[str, ...]
) -> None:
    soker = lag_soker(tjeneste, **endringer)
    u = utfall_for(soker, profil, regel_id)
    assert u.status is Status.MANGLER
    assert u.mangler_felt == felt
    assert u.tekst_nb.startswith("Mangler opplysninger: ")
    for sti in felt:  # the path is data for the form; the text says what is missing in words (issue 18)
        assert "." not in sti or sti not in u.tekst_nb
    k = kvalifiser(soker, lag_sak(profil, soker))
    assert k.utfall is Utfall.MANGLER_OPPLYSNINGER
    assert k.enheter == ()


@given(
    varig=st.sampled_from([True, False, None]),
    hjemme=st.sampled_from([True, False, None]),
    heldogns=st.sampled_from([True, False, None]),
    profil=st.sampled_from(["sandefjord", "tvedestrand"]),
)
def test_langtid_none_gjor_aldri_kvalifisert(varig, hjemme, heldogns, profil) -> None:  # type: ignore[no-untyped-def]
    soker = lag_soker(
        L,
        soknad__langtid__varig_ute_av_stand=varig,
        soknad__langtid__kan_ikke_ivaretas_hjemme=hjemme,
        soknad__langtid__behov_heldogns=heldogns,
    )
    k = kvalifiser(soker, lag_sak(profil, soker))
    verdier = (varig, hjemme, heldogns)
    if False in verdier:
        assert k.utfall is Utfall.IKKE_KVALIFISERT
    elif None in verdier:
        assert k.utfall is Utfall.MANGLER_OPPLYSNINGER
    else:
        assert k.utfall is Utfall.KVALIFISERT


# --- kvalifiser: utfall logic -----------------------------------------------------------------------------------------


def test_ikke_oppfylt_gaar_foran_mangler() -> None:
    soker = lag_soker(L, samtykke=False, soknad__langtid__behov_heldogns=None)
    k = kvalifiser(soker, lag_sak("sandefjord", soker))
    assert k.utfall is Utfall.IKKE_KVALIFISERT
    assert k.enheter == ()


def test_kvalifisert_uten_enheter_venter() -> None:
    soker = lag_soker(L)
    k = kvalifiser(soker, lag_sak("tvedestrand", soker, enheter=False))
    assert k.utfall is Utfall.KVALIFISERT
    assert k.enheter == ()


def test_regelutfall_soker_foran_enhet_og_enheter_sortert() -> None:
    soker = lag_soker(L)
    k = kvalifiser(soker, lag_sak("sandefjord", soker))
    nivaa = [u.plasstype is not None for u in k.regelutfall]
    assert nivaa == sorted(nivaa)
    plasstyper = [u.plasstype for u in k.regelutfall if u.plasstype is not None]
    assert set(plasstyper) == {"langtid_skjermet", "langtid_somatisk"}  # only the langtid family
    assert list(k.enheter) == sorted(k.enheter)


def test_kvalifiser_alle_sortert_og_deterministisk() -> None:
    sokere = [lag_soker(L, id="c"), lag_soker(K, id="a"), lag_soker(AK, id="b")]
    sak = lag_sak("tvedestrand", *sokere)
    forste = kvalifiser_alle(sak)
    assert list(forste) == ["a", "b", "c"]
    assert all(isinstance(k, Kvalifisering) for k in forste.values())
    assert forste == kvalifiser_alle(sak)


def test_tjeneste_som_ikke_tilbys() -> None:
    soker = lag_soker(Tjeneste.HDO)
    sak = lag_sak("sandefjord", soker)
    utfall = vurder_soker(soker, sak)
    assert [(u.regel_id, u.status) for u in utfall] == [("tjeneste-tilbys-ikke", Status.IKKE_OPPFYLT)]
    assert "tilbys ikke i denne kommunen" in utfall[0].tekst_nb
    assert utfall[0].seksjon == SANDEFJORD.kilde
    assert kvalifiser(soker, sak).utfall is Utfall.IKKE_KVALIFISERT


def test_enhet_i_annen_familie_er_aldri_aktuell() -> None:
    soker = lag_soker(L)
    sak = lag_sak("sandefjord", soker)
    korttid = next(e for e in sak.enheter if e.id == "smh-korttid")
    assert [u.status for u in vurder_enhet(soker, korttid, sak)] == [Status.IKKE_OPPFYLT]


# --- Consent (S §4.22, T §3.17) -------------------------------------------------------------------------------------


def test_samtykke_via_kapittel_4a() -> None:
    soker = lag_soker(L, samtykke=False, samtykkekompetent=False, vedtak_4a=True)
    u = utfall_for(soker, "sandefjord", "ST-4.22-3.17-langtid-samtykke")
    assert u.status is Status.OPPFYLT
    assert "4A" in u.tekst_nb


# --- Skjermet enhet (T §3.17) -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("diagnoser", "forventet"),
    [
        ({"demens": True, "atferd_som_krever_skjerming": True}, ("str-skjermet", "str-somatisk")),
        ({"demens": True, "atferd_som_krever_skjerming": False}, ("str-somatisk",)),
        ({"demens": False, "atferd_som_krever_skjerming": True}, ("str-somatisk",)),
        (
            {"demens": False, "atferd_som_krever_skjerming": False, "omfattende_skjermingsbehov_uten_demens": True},
            ("str-skjermet", "str-somatisk"),
        ),
    ],
)
def test_skjermet_enhet(diagnoser: dict[str, bool], forventet: tuple[str, ...]) -> None:
    endringer = {f"diagnoser__{k}": v for k, v in diagnoser.items()}
    soker = lag_soker(L, **endringer)
    k = kvalifiser(soker, lag_sak("tvedestrand", soker))
    assert k.utfall is Utfall.KVALIFISERT
    assert k.enheter == forventet


def test_skjermet_enhet_mangler_gjelder_bare_enheten() -> None:
    soker = lag_soker(L, diagnoser__demens=None, diagnoser__omfattende_skjermingsbehov_uten_demens=None)
    k = kvalifiser(soker, lag_sak("tvedestrand", soker))
    assert k.utfall is Utfall.KVALIFISERT
    assert k.enheter == ("str-somatisk",)
    skjermet = [u for u in k.regelutfall if u.regel_id == "T-3.17-skjermet-enhet"]
    assert len(skjermet) == 1 and skjermet[0].plasstype == "langtid_skjermet"
    assert skjermet[0].status is Status.MANGLER
    assert skjermet[0].mangler_felt == ("diagnoser.demens", "diagnoser.omfattende_skjermingsbehov_uten_demens")


# --- Korttid caps (S §4.21, T §3.18) ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profil", "lengde", "brukt", "vedtak", "forventet"),
    [
        ("tvedestrand", 20, 0, True, 20),
        ("tvedestrand", 20, 50, True, 20),  # T §3.18: 60 døgn is the rate, not a cap (issue 18)
        ("tvedestrand", 20, 50, False, 20),  # no 14-day rule in T
        ("tvedestrand", 30, 0, False, 30),
        ("sandefjord", 20, 0, False, 14),  # inntil 14 dager før vedtak fattes
        ("sandefjord", 20, 0, True, 20),
        ("sandefjord", 10, 0, False, 10),
        ("sandefjord", 90, 55, True, 90),  # no yearly cap in S
    ],
)
def test_korttid_lengde(profil: str, lengde: int, brukt: int, vedtak: bool, forventet: int) -> None:
    soker = lag_soker(
        K,
        soknad__korttid__lengde_dogn=lengde,
        soknad__korttid__dogn_brukt_i_aar=brukt,
        soknad__korttid__vedtak_fattet=vedtak,
    )
    k = kvalifiser(soker, lag_sak(profil, soker))
    assert k.utfall is Utfall.KVALIFISERT
    assert k.lengde_dogn == forventet


def _hard_grense(sak: Sak) -> Sak:
    profil = sak.profil.model_copy(update={"korttid_hard_grense": True})
    return sak.model_copy(update={"kommune": sak.kommune.model_copy(update={"regelprofil": profil})})


def test_korttid_60_dogn_er_sats_ikke_tak() -> None:
    """T §3.18: «Kan innvilges med inntil 60 døgn per år etter sats for korttidsopphold». The sentence is about
    the payment rate: the stay is granted as needed, and the text says how many døgn fall beyond 60."""
    soker = lag_soker(K, soknad__korttid__lengde_dogn=20, soknad__korttid__dogn_brukt_i_aar=50)
    sak = lag_sak("tvedestrand", soker)
    k = kvalifiser(soker, sak)
    assert k.utfall is Utfall.KVALIFISERT and k.lengde_dogn == 20
    t = next(u for u in k.regelutfall if u.regel_id == "T-3.18-korttid-60-dogn")
    assert "10 av dem faller utover 60 døgn" in t.tekst_nb and "forskrift om egenandel" in t.tekst_nb
    assert f"i {sak.startdato.year}" in t.tekst_nb  # per calendar year, not «siste 12 måneder»
    fullt = lag_soker(K, soknad__korttid__dogn_brukt_i_aar=75)
    assert kvalifiser(fullt, lag_sak("tvedestrand", fullt)).utfall is Utfall.KVALIFISERT


def test_korttid_hard_grense_er_et_valg_i_profilen() -> None:
    """T §3.18: «Kan innvilges med inntil 60 døgn per år …»: a hard cap per calendar year stays as an explicit
    profile option, off by default."""
    soker = lag_soker(K, soknad__korttid__lengde_dogn=20, soknad__korttid__dogn_brukt_i_aar=50)
    sak = _hard_grense(lag_sak("tvedestrand", soker))
    k = kvalifiser(soker, sak)
    assert k.lengde_dogn == 10
    t = next(u for u in k.regelutfall if u.regel_id == "T-3.18-korttid-60-dogn")
    assert "forkortes fra 20 til 10 døgn" in t.tekst_nb
    fullt = lag_soker(K, soknad__korttid__dogn_brukt_i_aar=75)
    assert kvalifiser(fullt, _hard_grense(lag_sak("tvedestrand", fullt))).utfall is Utfall.IKKE_KVALIFISERT
    s = utfall_for(
        lag_soker(K, soknad__korttid__lengde_dogn=20, soknad__korttid__vedtak_fattet=False),
        "sandefjord",
        "S-4.21-korttid-14-dager-uten-vedtak",
    )
    assert s.status is Status.OPPFYLT and "forkortes fra 20 til 14 døgn" in s.tekst_nb


@pytest.mark.parametrize("formal", ["intermediaer", "utredning", "lindrende", "ordinaer"])
def test_rehabiliteringskrav_bare_ved_rehabilitering(formal: str) -> None:
    soker = lag_soker(K, soknad__korttid__formal=formal, soknad__korttid__motivert_for_rehabilitering=None)
    assert utfall_for(soker, "tvedestrand", "T-3.18-korttid-rehabilitering").status is Status.OPPFYLT


# --- ØHD (S §4.20): all five criteria ---------------------------------------------------------------------------------

FEM_KRITERIER = [
    "avgrenset_akutt_problem",
    "behandlingsplan_skrevet",
    "kan_ikke_ivaretas_av_hjemmesykepleie",
    "forventet_hjem_innen_3_dager",
    "like_bra_som_sykehus",
]


@pytest.mark.parametrize("kriterium", FEM_KRITERIER)
def test_ohd_krever_alle_fem(kriterium: str) -> None:
    nummer = f"({FEM_KRITERIER.index(kriterium) + 1})"
    nei = utfall_for(lag_soker(AK, **{f"soknad__akutt__{kriterium}": False}), "sandefjord", "S-4.20-ohd-fem-kriterier")
    assert nei.status is Status.IKKE_OPPFYLT and nummer in nei.tekst_nb
    ukjent = utfall_for(
        lag_soker(AK, **{f"soknad__akutt__{kriterium}": None}), "sandefjord", "S-4.20-ohd-fem-kriterier"
    )
    assert ukjent.status is Status.MANGLER and ukjent.mangler_felt == (f"soknad.akutt.{kriterium}",)


@pytest.mark.parametrize(
    ("innleggende", "status"),
    [
        ("fastlege", Status.OPPFYLT),
        ("legevaktlege", Status.OPPFYLT),
        ("sykehuslege", Status.IKKE_OPPFYLT),
        ("hjemmesykepleie", Status.IKKE_OPPFYLT),
        ("tildelingskontoret", Status.IKKE_OPPFYLT),
    ],
)
def test_ohd_innleggende(innleggende: str, status: Status) -> None:
    soker = lag_soker(AK, soknad__akutt__innleggende=innleggende)
    assert utfall_for(soker, "sandefjord", "S-4.20-ohd-innleggende").status is status


def test_ohd_kriseplan_ved_rus() -> None:
    soker = lag_soker(AK, diagnoser__psykisk_helse_rus=True, soknad__akutt__oppdatert_kriseplan=True)
    k = kvalifiser(soker, lag_sak("sandefjord", soker))
    assert k.utfall is Utfall.KVALIFISERT
    assert k.lengde_dogn == 2


# --- KØH (T §3.19) and the UKP route --------------------------------------------------------------------------------


def test_koh_ukp_rute() -> None:
    soker = lag_soker(
        AK,
        oppholdssted="sykehus_ukp",
        utskrivningsklar_dato="2025-03-01",
        soknad__akutt__innleggende="tildelingskontoret",
        soknad__akutt__ukp_grunnlag="tett_oppfolging_kort_tid",
    )
    assert ukp_i_koh(soker)
    u = utfall_for(soker, "tvedestrand", "T-3.19-koh-innleggelse")
    assert u.status is Status.OPPFYLT
    assert "når ingen akutt innleggelse trenger den" in u.tekst_nb
    k = kvalifiser(soker, lag_sak("tvedestrand", soker))
    assert k.utfall is Utfall.KVALIFISERT and k.enheter == ("str-koh",)


def test_koh_tildelingskontoret_uten_ukp() -> None:
    soker = lag_soker(AK, soknad__akutt__innleggende="tildelingskontoret")
    assert not ukp_i_koh(soker)
    assert utfall_for(soker, "tvedestrand", "T-3.19-koh-innleggelse").status is Status.IKKE_OPPFYLT


@pytest.mark.parametrize("lengde", [1, 2, 3])
def test_koh_liggetid(lengde: int) -> None:
    soker = lag_soker(AK, soknad__akutt__lengde_dogn=lengde)
    k = kvalifiser(soker, lag_sak("tvedestrand", soker))
    assert k.utfall is Utfall.KVALIFISERT and k.lengde_dogn == lengde


# --- Housing ----------------------------------------------------------------------------------------------------------


def test_trygghetsbolig_onske_om_mindre_bolig_er_ikke_nok() -> None:
    soker = lag_soker(
        Tjeneste.TRYGGHETSBOLIG,
        soknad__bolig__tungtveiende_helsegrunner=None,
        soknad__bolig__behov_hjemmetjenester=None,
        soknad__bolig__kun_onske_om_mindre_bolig=True,
    )
    u = utfall_for(soker, "tvedestrand", "T-3.15-trygghetsbolig-kriterier")
    assert u.status is Status.IKKE_OPPFYLT and "lettstelt liten bolig" in u.tekst_nb


def test_trygghetsbolig_minst_ett_kriterium() -> None:
    soker = lag_soker(Tjeneste.TRYGGHETSBOLIG, soknad__bolig__behov_hjemmetjenester=False)
    assert utfall_for(soker, "tvedestrand", "T-3.15-trygghetsbolig-kriterier").status is Status.OPPFYLT


_KL = ["utproving_senterleilighet", "naverende_bolig_uegnet", "midlertidig_etter_sykehus", "akutt_skade_pa_bolig"]


@pytest.mark.parametrize(
    ("verdier", "status", "felt"),
    [
        ((True, True, False, False, False), Status.OPPFYLT, ()),
        ((False, False, True, False, True), Status.OPPFYLT, ()),
        ((True, False, False, False, False), Status.IKKE_OPPFYLT, ()),
        ((False, False, False, False, False), Status.IKKE_OPPFYLT, ()),
        ((True, None, False, False, False), Status.MANGLER, ("soknad.bolig.naverende_bolig_uegnet",)),
        ((None, None, False, False, False), Status.MANGLER, (
            "soknad.bolig.utproving_senterleilighet", "soknad.bolig.naverende_bolig_uegnet")),
        ((None, False, False, False, False), Status.IKKE_OPPFYLT, ()),  # one unknown cannot reach 2
    ],
)  # fmt: skip
def test_korttidsleilighet_minst_to_av_fem(verdier: tuple, status: Status, felt: tuple[str, ...]) -> None:
    navn = [*_KL, "avlastningsbehov"]
    soker = lag_soker(
        Tjeneste.KORTTIDSLEILIGHET, **{f"soknad__bolig__{n}": v for n, v in zip(navn, verdier, strict=True)}
    )
    u = utfall_for(soker, "sandefjord", "S-6.4-korttidsleilighet-to-kriterier")
    assert u.status is status
    assert u.mangler_felt == felt


def test_korttidsleilighet_lengde() -> None:
    soker = lag_soker(Tjeneste.KORTTIDSLEILIGHET, soknad__bolig__lengde_dogn=21)
    k = kvalifiser(soker, lag_sak("sandefjord", soker))
    assert k.utfall is Utfall.KVALIFISERT and k.lengde_dogn == 21


def test_hdou_med_diagnose() -> None:
    soker = lag_soker(
        Tjeneste.HDOU, alder=19, diagnoser__utviklingshemming_autisme=True, soknad__bolig__lav_funksjon_hoyt_behov=None
    )
    k = kvalifiser(soker, lag_sak("tvedestrand", soker))
    assert k.utfall is Utfall.KVALIFISERT and k.enheter == ("olav-hdou",)


@pytest.mark.parametrize("tjeneste", [L, Tjeneste.AVLASTNING, Tjeneste.TILRETTELAGT_BOLIG, Tjeneste.SENTERLEILIGHET])
def test_apen_lengde(tjeneste: Tjeneste) -> None:
    soker = lag_soker(tjeneste)
    assert kvalifiser(soker, lag_sak("sandefjord", soker)).lengde_dogn is None


def test_alle_tekster_er_merket() -> None:
    for profil, tjenester in TILBUDT.items():
        for tjeneste in tjenester:
            soker = lag_soker(tjeneste, samtykke=None)
            for u in kvalifiser(soker, lag_sak(profil, soker)).regelutfall:
                assert u.tekst_nb.split(":")[0] in ("Oppfylt", "Ikke oppfylt", "Mangler opplysninger"), u
                assert u.tekst_nb.endswith(".")


def test_korttid_uten_kartlagte_dogn_innvilges_etter_behov_i_tvedestrand():
    """T §3.18: «Kan innvilges med inntil 60 døgn per år etter sats for korttidsopphold» – without the used days
    recorded the stay is still granted (the rate is settled later); only a hard cap needs the number."""
    soker = lag_soker(K, soknad__korttid__dogn_brukt_i_aar=None)
    kv = kvalifiser(soker, lag_sak("tvedestrand", soker))
    assert kv.utfall == Utfall.KVALIFISERT
    kv = kvalifiser(soker, _hard_grense(lag_sak("tvedestrand", soker)))
    assert kv.utfall == Utfall.MANGLER_OPPLYSNINGER
    assert any("soknad.korttid.dogn_brukt_i_aar" in r.mangler_felt for r in kv.regelutfall)
