"""Response schemas of the API (issue 20, item 1): every JSON endpoint declares one as its
``response_model``, so the OpenAPI document says what each answer contains and schemathesis can check
the answers against it. Field descriptions are bokmål (they are shown in /docs)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


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
    enheter: list[Marginalverdi]


class Resultat(Objekt):
    kjoring_id: int


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
    kvalifiserte: int
    tildelt: int
    andel_tildelt: float | None
    dimensjoner: list[Dimensjon]
