"""Small hand-written cases for the engine tests: readable, fully assessed søkere."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from modeller.sak import Sak

START = date(2026, 11, 30)

IPLOS_HOY = {k: 4 for k in ("spise", "personlig_hygiene", "toalett", "bevege_seg_innendors", "hukommelse")}
IPLOS_MIDDELS = {k: 3 for k in ("spise", "personlig_hygiene", "toalett", "bevege_seg_innendors", "hukommelse")}


def soker(sid: str, tjeneste: str = "langtid", **over: Any) -> dict[str, Any]:
    """A fully assessed søker who qualifies for ``tjeneste`` (Sandefjord or Tvedestrand)."""
    s: dict[str, Any] = {
        "id": sid,
        "alder": 85,
        "kjonn": "kvinne",
        "bydel": "sentrum",
        "samtykke": True,
        "samtykkekompetent": True,
        "iplos": dict(IPLOS_HOY),
        "diagnoser": {
            "demens": False,
            "atferd_som_krever_skjerming": False,
            "omfattende_skjermingsbehov_uten_demens": False,
            "utviklingshemming_autisme": False,
            "psykisk_helse_rus": False,
            "lindrende": False,
        },
        "innsatstrapp": {
            "provde_tiltak": ["hjemmesykepleie", "trygghetsalarm", "korttidsopphold"],
            "lavere_tiltak_utilstrekkelige": True,
            "helseteknologi_vurdert": True,
        },
        "soknad": {"tjeneste": tjeneste, "soknadsdato": (START - timedelta(days=20)).isoformat()},
    }
    sk = s["soknad"]
    if tjeneste == "langtid":
        sk["langtid"] = {
            "varig_ute_av_stand": True,
            "kan_ikke_ivaretas_hjemme": True,
            "behov_heldogns": True,
            "forsvarlig_hjemme_i_ventetiden": True,
        }
    elif tjeneste == "korttid":
        sk["korttid"] = {
            "formal": "utredning",
            "lengde_dogn": 10,
            "behov_dognbasert_oppfolging": True,
            "motivert_for_rehabilitering": True,
            "rehabilitering_mulig_hjemme": False,
            "dogn_brukt_siste_aar": 0,
            "vedtak_fattet": True,
        }
    elif tjeneste == "avlastning":
        sk["avlastning"] = {
            "omsorgsyter_id": f"P-{sid}",
            "dager": 7,
            "periode": 14,
            "belastning": {"nattarbeid": True, "timer_per_maned": 200, "varighet_maneder": 24},
            "saerlig_tyngende": True,
            "omsorgsyter_onsker": True,
            "omsorgsmottaker_onsker": True,
        }
    elif tjeneste == "akutt":
        sk["akutt"] = {
            "avgrenset_akutt_problem": True,
            "behandlingsplan_skrevet": True,
            "kan_ikke_ivaretas_av_hjemmesykepleie": True,
            "forventet_hjem_innen_3_dager": True,
            "like_bra_som_sykehus": True,
            "kjent_avklart_tilstand": True,
            "oppdatert_kriseplan": True,
            "innleggende": "fastlege",
            "lengde_dogn": 2,
        }
    else:
        sk["bolig"] = {
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
            "midlertidig_etter_sykehus": True,
            "akutt_skade_pa_bolig": False,
            "avlastningsbehov": False,
            "lengde_dogn": 14 if tjeneste == "korttidsleilighet" else None,
        }
    for k, v in over.items():
        if k in ("soknad",):
            for kk, vv in v.items():
                if isinstance(vv, dict) and isinstance(sk.get(kk), dict):
                    sk[kk].update(vv)
                else:
                    sk[kk] = vv
        else:
            s[k] = v
    return s


def enhet(uid: str, inst: str, plasstype: str, kapasitet: int, **over: Any) -> dict[str, Any]:
    return {
        "id": uid,
        "institusjon_id": inst,
        "navn": f"Enhet {uid}",
        "plasstype": plasstype,
        "kapasitet": kapasitet,
        **over,
    }


def opphold(oid: str, uid: str, slutt_dag: int | None, start_dag: int = -300, **over: Any) -> dict[str, Any]:
    return {
        "id": oid,
        "enhet_id": uid,
        "start": (START + timedelta(days=start_dag)).isoformat(),
        "forventet_slutt": None if slutt_dag is None else (START + timedelta(days=slutt_dag)).isoformat(),
        **over,
    }


def sak(
    sokere: list[dict[str, Any]],
    enheter: list[dict[str, Any]],
    opphold_: list[dict[str, Any]] | None = None,
    laaser: list[dict[str, Any]] | None = None,
    profil: str = "sandefjord",
    horisont: int = 28,
    institusjoner: list[str] | None = None,
) -> Sak:
    inst = sorted(set(institusjoner or []) | {e["institusjon_id"] for e in enheter})
    return Sak.model_validate(
        {
            "syntetisk": True,
            "kommune": {
                "nummer": "3907" if profil == "sandefjord" else "4213",
                "navn": profil.title(),
                "regelprofil": profil,
            },
            "startdato": START.isoformat(),
            "horisont_dager": horisont,
            "institusjoner": [{"id": i, "navn": f"Institusjon {i}"} for i in inst],
            "enheter": enheter,
            "opphold": opphold_ or [],
            "sokere": sokere,
            "laaser": laaser or [],
        }
    )
