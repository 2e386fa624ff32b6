"""Schemas of the API (issue 20, item 1): the request bodies, the error answer, and the answers — every
JSON endpoint declares one as its ``response_model``, so the OpenAPI document says what each answer
contains and schemathesis can check the answers against it. Descriptions are bokmål (shown in /docs)."""

from __future__ import annotations

import os
from datetime import date
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from api.auth import Rolle
from api.db import STANDARD_TEAM
from api.grenser import MAKS_FEIL, MAKS_ID, trygg_tekst

T = TypeVar("T")
MAKS_TIDSGRENSE_S = float(os.environ.get("ALLOKERING_MAKS_TIDSGRENSE_S", "300"))
TryggTekst = Annotated[str, AfterValidator(trygg_tekst)]
"""Free text without NUL or bidirectional override characters."""

# --- Requests and errors ----------------------------------------------------------------------------


class FeilRad(BaseModel):
    fil: str = Field(description="Filen (eller «forespørsel»).")
    rad: str = Field(description="Raden: linje i CSV/Excel, eller JSON-sti som «sokere[3]».")
    felt: str = Field(description="Feltet eller kolonnen.")
    melding: str = Field(description="Hva som er galt, på bokmål.")


class Feilsvar(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "detail": "Ugyldig inndata: 1 feil. Ingenting er lagret.",
                    "feil": [
                        {"fil": "sokere.csv", "rad": "3", "felt": "alder", "melding": "må være et heltall, fikk 'åtti'"}
                    ],
                }
            ]
        }
    )
    detail: str
    feil: list[FeilRad] = Field(default=[], description=f"Høyst {MAKS_FEIL} feil.")
    flere_feil: int = Field(0, description="Antall feil til som ikke er listet.")


FEILSVAR: dict[int | str, dict[str, Any]] = {
    400: {"model": Feilsvar, "description": "Formål mangler eller er for vagt (endepunkter med personopplysninger)."},
    401: {"model": Feilsvar, "description": "Ikke innlogget eller ugyldig token."},
    403: {"model": Feilsvar, "description": "Rollen eller teamet ditt gir ikke tilgang."},
    404: {"model": Feilsvar, "description": "Finnes ikke."},
    409: {"model": Feilsvar, "description": "I konflikt med tilstanden (f.eks. kjøringen er ikke ferdig)."},
    413: {"model": Feilsvar, "description": "Forespørselen er for stor."},
    422: {
        "model": Feilsvar,
        "description": "Ugyldig forespørsel eller inndata, med feil per fil, rad og felt (høyst 50, resten telt).",
    },
    429: {"model": Feilsvar, "description": "For mange forespørsler; se Retry-After."},
}


def eks(
    eksempel: Any, beskrivelse: str = "OK", kode: int = 200, ekstra: dict[int | str, dict[str, Any]] | None = None
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses with an example for the success code plus the common error responses."""
    ut: dict[int | str, dict[str, Any]] = {
        kode: {"description": beskrivelse, "content": {"application/json": {"example": eksempel}}}
    }
    ut.update(FEILSVAR)
    ut.update(ekstra or {})
    return ut


class Parametre(BaseModel):
    """Solver parameters (capped: ``tidsgrense_s`` per plassfamilie)."""

    model_config = ConfigDict(extra="forbid")
    tidsgrense_s: float = Field(30.0, gt=0, le=MAKS_TIDSGRENSE_S, description="Tidsgrense per plassfamilie i sekunder.")
    arbeidere: int = Field(1, ge=1, le=8, description="CP-SAT-arbeidere (brukes når deterministisk er usann).")
    frø: int = Field(0, ge=0, le=2**31 - 1, description="Frø for CP-SAT.")
    deterministisk: bool = Field(True, description="Én arbeider og fast frø: samme inndata gir samme svar.")
    marginalverdier: bool = Field(True, description="Beregn verdien av én ekstra plass per enhet.")
    ektepar_kostnad: bool = Field(True, description="Beregn hva det koster andre å holde delte ektepar sammen.")
    laaspriser: bool = Field(
        True, description="Beregn hva hver lås fra tildelingsmøtet koster, og hvilke søkere den fortrenger."
    )


class KjoringBestilling(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"versjon": None, "parametre": {"tidsgrense_s": 30, "marginalverdier": True}}]},
    )
    versjon: int | None = Field(None, ge=1, le=MAKS_ID, description="Saksversjon; standard er den nyeste.")
    parametre: Parametre = Field(default_factory=Parametre)


class LaasInn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "soker_id": "S-000014",
                    "type": "tildel",
                    "enhet_id": "E-STR-1",
                    "begrunnelse": "Tildelingsmøtet 27.11: pårørende bor nær, søker ønsker Strannasenteret.",
                }
            ]
        },
    )
    soker_id: TryggTekst = Field(min_length=1, max_length=64)
    type: Literal["tildel", "ikke_tildel"]
    enhet_id: TryggTekst | None = Field(None, max_length=64)
    begrunnelse: TryggTekst = Field(min_length=3, max_length=2000, description="Hvorfor låsen settes (påkrevd).")


class LaasFjern(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"begrunnelse": "Søker trakk ønsket."}]})
    begrunnelse: TryggTekst = Field(min_length=3, max_length=2000)


class BeslutningInn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "utfall": "tildelt",
                    "enhet_id": "E-STR-1",
                    "startdato": "2026-12-01",
                    "kjoring_id": 1,
                    "begrunnelse": "Vedtatt i tildelingsmøtet i tråd med forslaget.",
                }
            ]
        },
    )
    utfall: Literal["tildelt", "venteliste", "avslag", "utsatt"]
    enhet_id: TryggTekst | None = Field(None, max_length=64)
    startdato: date | None = None
    kjoring_id: int | None = Field(None, ge=1, le=MAKS_ID)
    begrunnelse: TryggTekst = Field(min_length=3, max_length=4000)


class BrukerInn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"navn": "kari", "rolle": "saksbehandler", "passord": "et langt passord 7"}]},
    )
    navn: TryggTekst = Field(min_length=1, max_length=100)
    rolle: Rolle
    passord: str = Field(
        min_length=1, max_length=200, description="Minst 12 tegn, ikke brukernavnet, ikke et vanlig passord."
    )
    team: TryggTekst = Field(
        STANDARD_TEAM, min_length=1, max_length=100, description="Tildelingskontoret (teamet) brukeren arbeider i."
    )


class TeamInn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"team": "Tildelingskontoret nord"}]})
    team: TryggTekst = Field(min_length=1, max_length=100)


class SakstilgangInn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"bruker_id": 4, "dager": 7, "begrunnelse": "Vikar for Kari i tildelingsmøtet uke 49."}]
        },
    )
    bruker_id: int = Field(ge=1, le=MAKS_ID)
    dager: int = Field(7, ge=1, le=90, description="Hvor lenge tilgangen gjelder (1–90 dager).")
    begrunnelse: TryggTekst = Field(min_length=10, max_length=2000, description="Det tjenstlige behovet.")


# --- Errors (bokmål) --------------------------------------------------------------------------------


# --- Answers ----------------------------------------------------------------------------------------


class Ut(BaseModel):
    """Base: the answer carries exactly these fields."""

    model_config = ConfigDict(extra="forbid")


class Side(Ut, Generic[T]):
    antall: int = Field(description="Antall i alt.")
    side: int
    per_side: int
    elementer: list[T]


class Objekt(BaseModel):
    """A JSON object passed on as stored (a søker, an explanation, a result row)."""

    model_config = ConfigDict(extra="allow")


class Helse(Ut):
    status: str
    database: str | None = None
    aktive_jobber: int | None = None
    arbeidere_klare: int | None = None
    """Job workers started and warmed (``Koordinator.varm``)."""


class TokenUt(Ut):
    access_token: str
    token_type: str
    rolle: str
    utloper: str | None


class Utlogget(Ut):
    tilbakekalt: int


class Meg(Ut):
    navn: str
    rolle: str


class BrukerUt(Ut):
    id: int
    navn: str
    rolle: str
    team: str
    aktiv: bool
    opprettet: str | None
    opprettet_av: str | None
    deaktivert: str | None
    deaktivert_av: str | None


class VersjonUt(Ut):
    versjon: int
    kilde: str
    filnavn: str
    sha256: str
    startdato: str | None
    horisont_dager: int
    antall_sokere: int
    antall_enheter: int
    opprettet: str | None
    opprettet_av: str


class SakUt(Ut):
    id: int
    navn: str
    kommunenummer: str
    kommunenavn: str
    regelprofil: str
    syntetisk: bool
    opprettet: str | None
    opprettet_av: str
    team: str
    versjoner: list[VersjonUt]


class Slettet(Ut):
    sak_id: int
    slettet: bool
    sokere: int


class TilgangUt(Ut):
    id: int
    sak_id: int
    bruker_id: int
    begrunnelse: str
    gitt_av: str
    gitt: str | None
    utloper: str | None
    tilbakekalt: str | None
    tilbakekalt_av: str | None


class LaasUt(Ut):
    id: int
    sak_id: int
    soker_id: str
    type: str
    enhet_id: str | None
    begrunnelse: str
    opprettet_av: str
    opprettet: str | None
    aktiv: bool
    fjernet_av: str | None
    fjernet: str | None
    fjernet_begrunnelse: str | None


class KjoringUt(Ut):
    id: int
    sak_id: int
    saksversjon_id: int
    art: str
    foreldre_id: int | None
    status: str
    fremdrift: float
    fase: str
    beste_hittil: dict[str, Any] | None
    avbryt_bedt: bool
    input_sha256: str
    regelprofil: str
    vekter: dict[str, Any]
    parametre: dict[str, Any]
    motorversjon: str
    losningsstatus: str | None
    objective: dict[str, Any] | None
    best_bound: int | None
    gap: float | None
    solve_seconds: float | None
    ukp_dogn: int | None
    ukp_kostnad_nok: int | None
    forslag_klart: bool = Field(
        description=(
            "Forslaget (tildelinger, venteliste, målfunksjon, forklaringer) er lagret og kan hentes, også mens "
            "kjøringen fortsatt går (fase «forslag klart, beregner tilleggsanalyser»)."
        )
    )
    analyser_ferdig: bool = Field(
        description=(
            "Tilleggsanalysene (verdien av én ekstra plass, kostnaden ved å holde ektepar samlet, låspriser) er "
            "med i resultatet. False mens de beregnes, og i en kjøring som ble stoppet under dem."
        )
    )
    feilmelding: str | None = Field(description="Uten personopplysninger; hele teksten i /kjoringer/{id}/feil.")
    advarsler: list[str]
    opprettet: str | None
    startet: str | None
    ferdig: str | None
    bestilt_av: str


class Kjoringsfeil(Ut):
    kjoring_id: int
    status: str
    feilmelding: str | None


class Marginalverdi(Ut):
    enhet_id: str
    verdi: float | int | None


class Marginalverdier(Ut):
    kjoring_id: int
    analyser_ferdig: bool = Field(description="False: verdiene beregnes fortsatt (listen er tom så lenge).")
    enheter: list[Marginalverdi]


class BeslutningUt(Ut):
    id: int
    sak_id: int
    soker_id: str
    kjoring_id: int | None
    utfall: str
    enhet_id: str | None
    startdato: str | None
    begrunnelse: str
    besluttet_av: str
    besluttet: str | None
    gjeldende: bool


class BeleggDag(Ut):
    dato: str
    belagt: int
    belegg: float | None


class BeleggEnhet(Ut):
    enhet_id: str
    navn: str
    institusjon: str
    plasstype: str
    kapasitet: int
    dager: list[BeleggDag]


class Belegg(Ut):
    kjoring_id: int
    startdato: str
    horisont_dager: int
    steg_dager: int
    enheter: list[BeleggEnhet]


class Ventegruppe(Ut):
    tjeneste: str
    prioritet_fra: int
    prioritet_til: int
    antall: int


class VentelisteGrupper(Ut):
    kjoring_id: int
    prioritetsintervall: int
    totalt: int
    grupper: list[Ventegruppe]


class Statistikk(Ut):
    antall: int
    gjennomsnitt: float | None
    median: float | None
    maks: int | None


class TjenesteVentetid(Ut):
    tjeneste: str
    venter_naa: Statistikk
    tid_til_plass: Statistikk


class Ventetider(Ut):
    kjoring_id: int
    tjenester: list[TjenesteVentetid]


class UkpKjoring(Ut):
    kjoring_id: int
    tidspunkt: str
    ukp_dogn: int | None
    kostnad_nok: int | None


class Ukp(Ut):
    sak_id: int
    kjoringer: list[UkpKjoring]


class LoggRad(Ut):
    id: int
    tidspunkt: str | None
    bruker: str
    rolle: str
    handling: str
    hva: str
    metode: str
    sti: str
    sak_id: int | None
    kjoring_id: int | None
    soker_id: str | None
    formal: str
    utfall: str
    hash: str


class VerifiseringUt(Ut):
    ok: bool
    antall: int
    siste_hash: str
    melding: str
    brudd_ved_id: int | None


class Rettferdighetsgruppe(Ut):
    gruppe: str
    skjult: bool
    kvalifiserte: int | None
    tildelt: int | None
    andel_tildelt: float | None
    relativ: float | None
    snitt_prioritet: float | None


class Dimensjon(Ut):
    dimensjon: str
    grupper: list[Rettferdighetsgruppe]


class Rettferdighet(Ut):
    kjoring_id: int
    tjeneste: str | None
    min_gruppe: int
    skjult: bool = False
    kvalifiserte: int | None
    tildelt: int | None
    andel_tildelt: float | None
    dimensjoner: list[Dimensjon]
