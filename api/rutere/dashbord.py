"""The API's «dashbord» endpoints."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api import tjenester
from api.dependencies import (
    Aggregert,
    Ses,
    ferdig_kjoring,
    hent_sak,
)
from api.schemas import Belegg, Ukp, VentelisteGrupper, Ventetider, eks

ruter = APIRouter()


# --- dashbord

KjoringQ = Annotated[int, Query(ge=1, le=2**31 - 1, description="Kjøringen tallene gjelder.")]


@ruter.get(
    "/dashbord/belegg",
    response_model=Belegg,
    tags=["dashbord"],
    summary="Belegg per enhet over tid",
    description=(
        "Belagte plasser og beleggsprosent per enhet per dag i horisonten "
        "(nåværende opphold + foreslåtte tildelinger). Aggregert."
    ),
    responses=eks(
        {
            "kjoring_id": 7,
            "startdato": "2026-11-30",
            "horisont_dager": 28,
            "steg_dager": 7,
            "enheter": [
                {
                    "enhet_id": "E-STR-1",
                    "navn": "Strannasenteret – langtidsavdeling 1",
                    "institusjon": "Strannasenteret",
                    "plasstype": "langtid_somatisk",
                    "kapasitet": 12,
                    "dager": [{"dato": "2026-11-30", "belagt": 12, "belegg": 1.0}],
                }
            ],
        }
    ),
)
def dash_belegg(
    s: Ses, _b: Aggregert, kjoring_id: KjoringQ, steg: Annotated[int, Query(ge=1, le=366)] = 1
) -> dict[str, Any]:
    return tjenester.belegg(ferdig_kjoring(s, kjoring_id, forslag=True), steg)


@ruter.get(
    "/dashbord/venteliste",
    response_model=VentelisteGrupper,
    tags=["dashbord"],
    summary="Venteliste etter prioritet",
    description="Antall på venteliste per tjeneste og prioritetsintervall. Aggregert.",
    responses=eks(
        {
            "kjoring_id": 7,
            "prioritetsintervall": 100,
            "totalt": 3,
            "grupper": [{"tjeneste": "langtid", "prioritet_fra": 400, "prioritet_til": 499, "antall": 2}],
        }
    ),
)
def dash_venteliste(
    s: Ses, _b: Aggregert, kjoring_id: KjoringQ, intervall: Annotated[int, Query(ge=1, le=100000)] = 100
) -> dict[str, Any]:
    return tjenester.venteliste_etter_prioritet(ferdig_kjoring(s, kjoring_id), intervall)


@ruter.get(
    "/dashbord/ventetid",
    response_model=Ventetider,
    tags=["dashbord"],
    summary="Ventetider",
    description=(
        "Per tjeneste: dager ventet så langt for dem på venteliste, og dager "
        "fra søknad til plass for dem som får plass. Aggregert."
    ),
    responses=eks(
        {
            "kjoring_id": 7,
            "tjenester": [
                {
                    "tjeneste": "langtid",
                    "venter_naa": {"antall": 3, "gjennomsnitt": 30.3, "median": 21, "maks": 48},
                    "tid_til_plass": {"antall": 4, "gjennomsnitt": 40.0, "median": 38, "maks": 70},
                }
            ],
        }
    ),
)
def dash_ventetid(s: Ses, _b: Aggregert, kjoring_id: KjoringQ) -> dict[str, Any]:
    return tjenester.ventetider(ferdig_kjoring(s, kjoring_id))


@ruter.get(
    "/dashbord/ukp",
    response_model=Ukp,
    tags=["dashbord"],
    summary="UKP-døgn og kostnad",
    description=(
        "Utskrivningsklare pasienter: døgn i sykehus i planperioden og "
        "kostnaden, per fullført kjøring av saken. Aggregert."
    ),
    responses=eks(
        {
            "sak_id": 1,
            "kjoringer": [{"kjoring_id": 7, "tidspunkt": "2026-11-27T09:00:00", "ukp_dogn": 69, "kostnad_nok": 396405}],
        }
    ),
)
def dash_ukp(s: Ses, _b: Aggregert, sak_id: Annotated[int, Query(ge=1, le=2**31 - 1)]) -> dict[str, Any]:
    hent_sak(s, sak_id)
    return tjenester.ukp(s, sak_id)
