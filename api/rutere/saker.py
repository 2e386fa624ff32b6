"""The API's «saker» endpoints."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, File, Form, Header, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import tjenester
from api.auth import (
    Rolle,
)
from api.db import (
    Bruker,
    Demonokkel,
    LaasRad,
    SakRad,
    Sakstilgang,
    Saksversjon,
    naa,
)
from api.dependencies import (
    Admin,
    Aggregert,
    Id,
    PerSide,
    Person,
    Ses,
    Side,
    SokerId,
    Tilgang,
    hent_sak,
    logg,
    side_ut,
)
from api.oppbevaring import SakIBruk, slett_sak
from api.rutere.felles import _iso, eksempel_sak
from api.schemas import (
    Feilsvar,
    LaasFjern,
    LaasInn,
    LaasUt,
    Objekt,
    SakstilgangInn,
    SakUt,
    Slettet,
    TeamInn,
    TilgangUt,
    TryggTekst,
    eks,
)
from api.schemas import Side as SideUt
from modeller.lasting import Inndatafeil
from modeller.sak import Feil, Sak

ruter = APIRouter()


# --- saker


def sak_ut(s: Session, rad: SakRad) -> dict[str, Any]:
    versjoner = s.scalars(select(Saksversjon).where(Saksversjon.sak_id == rad.id).order_by(Saksversjon.versjon)).all()
    return {
        "id": rad.id,
        "navn": rad.navn,
        "kommunenummer": rad.kommunenummer,
        "kommunenavn": rad.kommunenavn,
        "regelprofil": rad.regelprofil,
        "syntetisk": rad.syntetisk,
        "opprettet": _iso(rad.opprettet),
        "opprettet_av": rad.opprettet_av,
        "team": rad.team,
        "versjoner": [
            {
                "versjon": v.versjon,
                "kilde": v.kilde,
                "filnavn": v.filnavn,
                "sha256": v.sha256,
                "startdato": _iso(v.startdato),
                "horisont_dager": v.horisont_dager,
                "antall_sokere": v.antall_sokere,
                "antall_enheter": v.antall_enheter,
                "opprettet": _iso(v.opprettet),
                "opprettet_av": v.opprettet_av,
            }
            for v in versjoner
        ],
    }


SAK_EKS = {
    "id": 1,
    "navn": "Tvedestrand uke 48",
    "kommunenummer": "4213",
    "kommunenavn": "Tvedestrand",
    "regelprofil": "tvedestrand",
    "syntetisk": True,
    "opprettet": "2026-11-27T09:00:00",
    "opprettet_av": "kari",
    "team": "felles",
    "versjoner": [
        {
            "versjon": 1,
            "kilde": "json",
            "filnavn": "tvedestrand.json",
            "sha256": "3b1f…",
            "startdato": "2026-11-30",
            "horisont_dager": 28,
            "antall_sokere": 49,
            "antall_enheter": 12,
            "opprettet": "2026-11-27T09:00:00",
            "opprettet_av": "kari",
        }
    ],
}
NavnQ = Annotated[str, Query(max_length=200, description="Navn på saken (ny sak).")]
SakIdQ = Annotated[
    int | None, Query(ge=1, le=2**31 - 1, description="Eksisterende sak: importen blir en ny versjon av den.")
]


@ruter.get(
    "/saker",
    response_model=SideUt[SakUt],
    tags=["saker"],
    summary="List saker",
    description="Saker med kommune og versjoner (ingen personopplysninger). Alle roller.",
    responses=eks({"antall": 1, "side": 1, "per_side": 100, "elementer": [SAK_EKS]}),
)
def saker(s: Ses, _b: Aggregert, side: Side = 1, per_side: PerSide = 100) -> dict[str, Any]:
    antall = s.scalar(select(func.count()).select_from(SakRad)) or 0
    rader = s.scalars(select(SakRad).order_by(SakRad.id).offset((side - 1) * per_side).limit(per_side)).all()
    return side_ut([sak_ut(s, r) for r in rader], antall, side, per_side)


@ruter.post(
    "/saker",
    response_model=SakUt,
    tags=["saker"],
    status_code=201,
    summary="Importer sak (JSON)",
    description=(
        "Importerer en sak i prosjektets JSON-format (se `allokering schema`). Alt eller ingenting: ved feil "
        "lagres ingenting, og svaret (422) lister hver feil med fil, rad (JSON-sti) og felt. Med `sak_id` blir "
        "importen en ny versjon av en eksisterende sak."
    ),
    responses=eks(SAK_EKS, "Opprettet", 201),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}, "example": eksempel_sak()}},
            "description": "Saken som JSON-objekt.",
        }
    },
)
async def importer_json(request: Request, b: Person, navn: NavnQ = "", sak_id: SakIdQ = None) -> JSONResponse:
    innhold = await request.body()
    return await run_in_threadpool(_importer_json, request, innhold, b, navn, sak_id)


def _importer_json(request: Request, innhold: bytes, b: Tilgang, navn: str, sak_id: Id | None) -> JSONResponse:
    sak = tjenester.les_json_sak(innhold, "forespørsel")
    b.rorte(x.id for x in sak.sokere)
    return _ny_versjon(request, b, sak, navn, "json", "", sak_id)


def _ny_versjon(
    request: Request, b: Tilgang, sak: Sak, navn: str, kilde: str, filnavn: str, sak_id: Id | None
) -> JSONResponse:
    """Store an imported case as a new case, or as a new version of ``sak_id`` (which the user must be able to
    open): 201 with the case, 404 when the case is gone."""
    with request.app.state.fabrikk.begin() as s:
        if sak_id is not None:
            hent_sak(s, sak_id, b)
        try:
            v = tjenester.lagre_sak(
                s, sak, navn=navn, kilde=kilde, filnavn=filnavn, bruker=b.navn, sak_id=sak_id, team=b.bruker.team
            )
        except LookupError as exc:
            raise HTTPException(404, str(exc).capitalize() + ".") from None
        b.sak_id = v.sak_id
        ut = sak_ut(s, s.get(SakRad, v.sak_id))  # type: ignore[arg-type]
    return JSONResponse(ut, status_code=201)


@ruter.post(
    "/saker/import",
    response_model=SakUt,
    tags=["saker"],
    status_code=201,
    summary="Importer sak fra CSV/Excel (malene)",
    description=(
        "Importerer søkere og enheter fra malene (`allokering importer --maler MAPPE`): enten `sokere` og "
        "`enheter` (CSV UTF-8 eller .xlsx) og valgfritt `opphold`, eller én `arbeidsbok` (.xlsx med arkene "
        "«sokere» og «enheter»). Alt eller ingenting; feil (422) oppgir fil, rad, kolonne og melding."
    ),
    responses=eks(SAK_EKS, "Opprettet", 201),
)
def importer_tabeller(
    request: Request,
    b: Person,
    profil: Annotated[
        str, Form(max_length=50, description="Regelprofil: sandefjord eller tvedestrand.", examples=["tvedestrand"])
    ],
    startdato: Annotated[
        str, Form(max_length=10, description="Dag 0 i horisonten (ÅÅÅÅ-MM-DD).", examples=["2026-11-30"])
    ],
    horisont_dager: Annotated[int, Form(ge=1, le=366)] = 28,
    kommunenummer: Annotated[str | None, Form(max_length=4)] = None,
    kommunenavn: Annotated[str | None, Form(max_length=100)] = None,
    syntetisk: Annotated[bool, Form()] = False,
    navn: Annotated[str, Form(max_length=200)] = "",
    sak_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
    sokere: Annotated[UploadFile | None, File(description="Søkertabell (.csv/.xlsx).")] = None,
    enheter: Annotated[UploadFile | None, File(description="Enhetstabell (.csv/.xlsx).")] = None,
    opphold: Annotated[UploadFile | None, File(description="Valgfri tabell over nåværende opphold.")] = None,
    arbeidsbok: Annotated[UploadFile | None, File(description="Excel-malen med arkene «sokere» og «enheter».")] = None,
) -> JSONResponse:
    filer: dict[str, tuple[str, bytes]] = {}
    for felt, f in (("sokere", sokere), ("enheter", enheter), ("opphold", opphold), ("arbeidsbok", arbeidsbok)):
        if f is not None and f.filename is not None:
            filer[felt] = (f.filename, f.file.read())
    if "arbeidsbok" not in filer and not ("sokere" in filer and "enheter" in filer):
        raise Inndatafeil(
            [
                Feil(
                    "forespørsel",
                    "",
                    "sokere/enheter",
                    "last opp både «sokere» og «enheter», eller én «arbeidsbok»",
                )
            ]
        )
    sak = tjenester.les_tabeller(
        filer,
        profil=profil,
        kommunenummer=kommunenummer,
        kommunenavn=kommunenavn,
        startdato=startdato,
        horisont_dager=horisont_dager,
        syntetisk=syntetisk,
    )
    b.rorte(x.id for x in sak.sokere)
    kilde = "xlsx" if any(n.lower().endswith((".xlsx", ".xlsm")) for n, _ in filer.values()) else "csv"
    return _ny_versjon(request, b, sak, navn, kilde, ", ".join(n for n, _ in filer.values()), sak_id)


@ruter.post(
    "/saker/demo/{navn}",
    response_model=SakUt,
    tags=["saker"],
    status_code=201,
    summary="Last inn en demosak",
    description=(
        "Lagrer en av de syntetiske demosakene (tvedestrand eller sandefjord) som en ny sak (201). Med "
        "«Idempotency-Key» er kallet idempotent per bruker: første kall med nøkkelen oppretter saken, senere kall "
        "(et klikk til, to samtidige kall) åpner den samme saken (200). Nettsiden sender én nøkkel per demosak."
    ),
    responses=eks(
        SAK_EKS,
        "Opprettet",
        201,
        {200: {"model": SakUt, "description": "Demosaken finnes fra før (samme nøkkel); den åpnes"}},
    ),
)
def demo(
    request: Request,
    b: Person,
    navn: Literal["tvedestrand", "sandefjord"],
    nokkel: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=8,
            max_length=64,
            pattern=r"^[A-Za-z0-9_.:-]+$",
            description="Valgfri nøkkel som gjør kallet idempotent (8–64 tegn: bokstaver, tall, - _ . :).",
        ),
    ] = None,
) -> JSONResponse:
    from modeller.generator import last_demo

    def finnes() -> JSONResponse | None:
        if nokkel is None:
            return None
        with request.app.state.fabrikk() as s:
            rad = s.scalar(select(Demonokkel).where(Demonokkel.bruker_id == b.bruker.id, Demonokkel.nokkel == nokkel))
            if rad is None:
                return None
            if rad.navn != navn:
                raise HTTPException(409, f"Nøkkelen er allerede brukt for demosaken «{rad.navn}».")
            return JSONResponse(sak_ut(s, hent_sak(s, rad.sak_id, b)), status_code=200)

    if (forrige := finnes()) is not None:
        return forrige
    sak = (getattr(request.app.state, "demolaster", None) or last_demo)(navn)
    try:
        with request.app.state.fabrikk.begin() as s:
            v = tjenester.lagre_sak(
                s,
                sak,
                navn=f"Demo {navn}",
                kilde="demo",
                filnavn=f"{navn}.json",
                bruker=b.navn,
                sak_id=None,
                team=b.bruker.team,
            )
            if nokkel is not None:
                # flushed before anything else is read: a concurrent request with the same key waits here on the
                # unique constraint and fails when this one commits, so its case is rolled back
                s.add(Demonokkel(bruker_id=b.bruker.id, nokkel=nokkel, navn=navn, sak_id=v.sak_id))
                s.flush()
            ut = sak_ut(s, s.get(SakRad, v.sak_id))  # type: ignore[arg-type]
    except IntegrityError:
        if (forrige := finnes()) is not None:
            return forrige
        raise
    b.rorte(x.id for x in sak.sokere)
    b.sak_id = v.sak_id
    return JSONResponse(ut, status_code=201)


@ruter.get(
    "/saker/{sak_id}",
    response_model=SakUt,
    tags=["saker"],
    summary="Sak med versjoner",
    description="Metadata om saken og hver importert versjon (ingen personopplysninger). Alle roller.",
    responses=eks(SAK_EKS),
)
def sak(s: Ses, _b: Aggregert, sak_id: Id) -> dict[str, Any]:
    return sak_ut(s, hent_sak(s, sak_id))


@ruter.get(
    "/saker/{sak_id}/versjoner/{versjon}",
    response_model=Objekt,
    tags=["saker"],
    summary="Innholdet i en saksversjon",
    description="Hele saken som importert (JSON), med personopplysninger. Saksbehandler, med formål.",
    responses=eks(eksempel_sak()),
)
def saksversjon(s: Ses, b: Person, sak_id: Id, versjon: Id) -> Response:
    hent_sak(s, sak_id, b)
    v = s.scalar(select(Saksversjon).where(Saksversjon.sak_id == sak_id, Saksversjon.versjon == versjon))
    if v is None:
        raise HTTPException(404, f"Versjon {versjon} av sak {sak_id} finnes ikke.")
    b.rorte(x.get("id") for x in json.loads(v.data).get("sokere", []))
    return Response(v.data, media_type="application/json")


@ruter.get(
    "/saker/{sak_id}/sokere/{soker_id}",
    response_model=Objekt,
    tags=["saker"],
    summary="En søkers opplysninger",
    description="Søkerens registrerte opplysninger i nyeste saksversjon. Saksbehandler, med formål.",
    responses=eks(eksempel_sak()["sokere"][0]),
)
def soker(s: Ses, b: Person, sak_id: Id, soker_id: SokerId) -> dict[str, Any]:
    hent_sak(s, sak_id, b)
    v = tjenester.siste_versjon(s, sak_id)
    data = json.loads(v.data) if v else {}
    for x in data.get("sokere", []):
        if x["id"] == soker_id:
            return x
    raise HTTPException(404, f"Søkeren «{soker_id}» finnes ikke i sak {sak_id}.")


def tilgang_ut(g: Sakstilgang) -> dict[str, Any]:
    return {
        "id": g.id,
        "sak_id": g.sak_id,
        "bruker_id": g.bruker_id,
        "begrunnelse": g.begrunnelse,
        "gitt_av": g.gitt_av,
        "gitt": _iso(g.gitt),
        "utloper": _iso(g.utloper),
        "tilbakekalt": _iso(g.tilbakekalt),
        "tilbakekalt_av": g.tilbakekalt_av,
    }


TILGANG_EKS = {
    "id": 1,
    "sak_id": 1,
    "bruker_id": 4,
    "begrunnelse": "Vikar for Kari i tildelingsmøtet uke 49.",
    "gitt_av": "ola",
    "gitt": "2026-11-27T09:00:00",
    "utloper": "2026-12-04T09:00:00",
    "tilbakekalt": None,
    "tilbakekalt_av": None,
}


@ruter.delete(
    "/saker/{sak_id}",
    response_model=Slettet,
    tags=["saker"],
    summary="Slett en sak med alt under den (admin)",
    description=(
        "Sletter saken med versjoner, låser, kjøringer (resultater og forklaringer), beslutninger og "
        "inndata-øyeblikksbilder. Begrunnelse er påkrevd; tilgangsloggen får én rad per søker i saken. "
        "Ikke mens en kjøring av saken står i kø eller går (409)."
    ),
    responses=eks(
        {"sak_id": 1, "slettet": True, "sokere": 49},
        ekstra={409: {"model": Feilsvar, "description": "Kjøring i gang."}},
    ),
)
def slett(
    request: Request,
    s: Ses,
    a: Admin,
    sak_id: Id,
    begrunnelse: Annotated[TryggTekst, Query(min_length=10, max_length=500, description="Hvorfor saken slettes.")],
) -> dict[str, Any]:
    hent_sak(s, sak_id)
    try:
        n = slett_sak(s, sak_id, bruker=a.navn, rolle=a.rolle, grunn=begrunnelse, sti=request.url.path, metode="DELETE")
    except SakIBruk as exc:
        raise HTTPException(409, str(exc).capitalize() + ".") from None
    s.commit()
    return {"sak_id": sak_id, "slettet": True, "sokere": n}


@ruter.put(
    "/saker/{sak_id}/team",
    response_model=SakUt,
    tags=["saker"],
    summary="Flytt en sak til et annet team (admin)",
    description=("Bare saksbehandlere i teamet (eller med tidsbegrenset tilgang) kan lese sakens personopplysninger."),
    responses=eks(SAK_EKS | {"team": "Tildelingskontoret nord"}),
)
def sak_team(request: Request, s: Ses, a: Admin, sak_id: Id, inn: TeamInn) -> dict[str, Any]:
    rad = hent_sak(s, sak_id)
    gammelt, rad.team = rad.team, " ".join(inn.team.split())
    s.commit()
    hva = f"flyttet sak {sak_id} fra teamet «{gammelt}» til «{rad.team}»"
    logg(request, a, "brukeradmin", "tilgangsstyring", "ok", hva=hva, sak_id=sak_id)
    return sak_ut(s, rad)


@ruter.post(
    "/saker/{sak_id}/tilganger",
    response_model=TilgangUt,
    tags=["saker"],
    status_code=201,
    summary="Gi en saksbehandler utenfor teamet tilgang til saken (admin)",
    description="Tidsbegrenset (høyst 90 dager), med begrunnelse (det tjenstlige behovet). Logges, og hver "
    "lesing gjennom tilgangen merkes i tilgangsloggen.",
    responses=eks(TILGANG_EKS, "Opprettet", 201),
)
def gi_tilgang(request: Request, s: Ses, a: Admin, sak_id: Id, inn: SakstilgangInn) -> JSONResponse:
    hent_sak(s, sak_id)
    b = s.get(Bruker, inn.bruker_id)
    if b is None or b.rolle != Rolle.SAKSBEHANDLER:
        raise HTTPException(404, f"Fant ingen saksbehandler med id {inn.bruker_id}.")
    g = Sakstilgang(
        sak_id=sak_id,
        bruker_id=b.id,
        begrunnelse=inn.begrunnelse,
        gitt_av=a.navn,
        utloper=naa() + timedelta(days=inn.dager),
    )
    s.add(g)
    s.commit()
    hva = f"ga «{b.navn}» tilgang {g.id} til sak {sak_id} i {inn.dager} dager: {inn.begrunnelse}"
    logg(request, a, "brukeradmin", "tilgangsstyring", "ok", hva=hva, sak_id=sak_id)
    return JSONResponse(tilgang_ut(g), status_code=201)


@ruter.get(
    "/saker/{sak_id}/tilganger",
    response_model=list[TilgangUt],
    tags=["saker"],
    summary="Tilganger til saken utenfor teamet (admin)",
    description="Alle tilganger som er gitt, også utløpte og tilbakekalte.",
    responses=eks([TILGANG_EKS]),
)
def tilganger(s: Ses, _a: Admin, sak_id: Id) -> list[dict[str, Any]]:
    hent_sak(s, sak_id)
    q = select(Sakstilgang).where(Sakstilgang.sak_id == sak_id).order_by(Sakstilgang.id)
    return [tilgang_ut(g) for g in s.scalars(q)]


@ruter.delete(
    "/saker/{sak_id}/tilganger/{tilgang_id}",
    response_model=TilgangUt,
    tags=["saker"],
    summary="Tilbakekall en tilgang (admin)",
    description="Tilgangen slutter å gjelde straks. Logges.",
    responses=eks(TILGANG_EKS | {"tilbakekalt": "2026-11-28T09:00:00", "tilbakekalt_av": "ola"}),
)
def tilbakekall_tilgang(request: Request, s: Ses, a: Admin, sak_id: Id, tilgang_id: Id) -> dict[str, Any]:
    g = s.get(Sakstilgang, tilgang_id)
    if g is None or g.sak_id != sak_id:
        raise HTTPException(404, f"Tilgangen {tilgang_id} finnes ikke i sak {sak_id}.")
    if g.tilbakekalt is None:
        g.tilbakekalt, g.tilbakekalt_av = naa(), a.navn
        s.commit()
        logg(request, a, "brukeradmin", "tilgangsstyring", "ok", hva=f"tilbakekalte tilgang {g.id}", sak_id=sak_id)
    return tilgang_ut(g)


# --- låser


def laas_ut(r: LaasRad) -> dict[str, Any]:
    return {
        "id": r.id,
        "sak_id": r.sak_id,
        "soker_id": r.soker_id,
        "type": r.type,
        "enhet_id": r.enhet_id,
        "begrunnelse": r.begrunnelse,
        "opprettet_av": r.opprettet_av,
        "opprettet": _iso(r.opprettet),
        "aktiv": r.aktiv,
        "fjernet_av": r.fjernet_av,
        "fjernet": _iso(r.fjernet),
        "fjernet_begrunnelse": r.fjernet_begrunnelse,
    }


LAAS_EKS = {
    "id": 1,
    "sak_id": 1,
    "soker_id": "S-000014",
    "type": "tildel",
    "enhet_id": "E-STR-1",
    "begrunnelse": "Tildelingsmøtet 27.11.",
    "opprettet_av": "kari",
    "opprettet": "2026-11-27T10:00:00",
    "aktiv": True,
    "fjernet_av": None,
    "fjernet": None,
    "fjernet_begrunnelse": None,
}


@ruter.get(
    "/saker/{sak_id}/laaser",
    response_model=list[LaasUt],
    tags=["låser"],
    summary="List låser og overstyringer",
    description="Alle låser for saken, også fjernede (hvem, når, hvorfor). Saksbehandler, med formål.",
    responses=eks([LAAS_EKS]),
)
def laaser(s: Ses, b: Person, sak_id: Id) -> list[dict[str, Any]]:
    hent_sak(s, sak_id, b)
    rader = s.scalars(select(LaasRad).where(LaasRad.sak_id == sak_id).order_by(LaasRad.id)).all()
    b.rorte(r.soker_id for r in rader)
    return [laas_ut(r) for r in rader]


@ruter.post(
    "/saker/{sak_id}/laaser",
    response_model=LaasUt,
    tags=["låser"],
    status_code=201,
    summary="Sett lås eller overstyring",
    description=(
        "`tildel`: søkeren skal ha plass på enheten; `ikke_tildel`: søkeren skal ikke ha plass (på enheten, "
        "eller i det hele tatt uten `enhet_id`). Kontrolleres mot nyeste saksversjon og de andre låsene; "
        "brukes ved neste kjøring. Begrunnelse er påkrevd."
    ),
    responses=eks(LAAS_EKS, "Opprettet", 201),
)
def ny_laas(s: Ses, b: Person, sak_id: Id, inn: LaasInn) -> JSONResponse:
    hent_sak(s, sak_id, b)
    b.rorte([inn.soker_id])
    v = tjenester.siste_versjon(s, sak_id)
    if v is None:
        raise HTTPException(404, f"Saken {sak_id} har ingen versjoner.")
    laas = {
        "soker_id": inn.soker_id,
        "type": inn.type,
        "enhet_id": inn.enhet_id,
        "begrunnelse": inn.begrunnelse,
        "laast_av": b.navn[:100],
    }
    tjenester.effektiv_sak(s, v, ekstra_laas=laas)
    r = LaasRad(
        sak_id=sak_id,
        soker_id=inn.soker_id,
        type=inn.type,
        enhet_id=inn.enhet_id,
        begrunnelse=inn.begrunnelse,
        opprettet_av=b.navn,
    )
    s.add(r)
    s.commit()
    return JSONResponse(laas_ut(r), status_code=201)


@ruter.delete(
    "/saker/{sak_id}/laaser/{laas_id}",
    response_model=LaasUt,
    tags=["låser"],
    summary="Fjern lås",
    description="Setter låsen inaktiv (raden beholdes med hvem, når og hvorfor den ble fjernet).",
    responses=eks(
        {
            **LAAS_EKS,
            "aktiv": False,
            "fjernet_av": "kari",
            "fjernet": "2026-11-27T11:00:00",
            "fjernet_begrunnelse": "Søker trakk ønsket.",
        }
    ),
)
def fjern_laas(s: Ses, b: Person, sak_id: Id, laas_id: Id, inn: Annotated[LaasFjern, Body()]) -> dict[str, Any]:
    hent_sak(s, sak_id, b)
    r = s.get(LaasRad, laas_id)
    if r is None or r.sak_id != sak_id:
        raise HTTPException(404, f"Låsen {laas_id} finnes ikke i sak {sak_id}.")
    b.rorte([r.soker_id])
    if r.aktiv:
        r.aktiv, r.fjernet_av, r.fjernet, r.fjernet_begrunnelse = False, b.navn, naa(), inn.begrunnelse
        s.commit()
    return laas_ut(r)
