"""The API's «kjøringer» endpoints."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from allokering.resultatformat import Forklaring, Tildeling, Ventende
from api import tjenester
from api.auth import (
    Rolle,
)
from api.db import (
    ForklaringRad,
    Inndatabilde,
    Kjoring,
    Saksversjon,
)
from api.dependencies import (
    Aggregert,
    Id,
    Kjorer,
    PerSide,
    Person,
    Ses,
    Side,
    SokerId,
    Tilgang,
    ferdig_kjoring,
    hent_kjoring,
    hent_sak,
    side_ut,
)
from api.jobber import TERMINALE
from api.resultat import Kjoringsresultat, ResultatUt, les_resultat
from api.rutere.felles import KJORING_EKS, MAKS_I_KO, _kjoring_ut, analyser_ferdig, resultatets_sokere
from api.schemas import (
    FEILSVAR,
    KjoringBestilling,
    Kjoringsfeil,
    KjoringUt,
    Marginalverdier,
    eks,
)
from api.schemas import Side as SideUt
from api.web.mote_api import er_ferdigbehandlet

ruter = APIRouter()


# --- kjøringer


def opprett_kjoring(
    request: Request,
    s: Session,
    b: Tilgang,
    sak_id: Id,
    versjon: Saksversjon,
    inndata: str,
    sha: str,
    parametre: dict[str, Any],
    art: str,
    foreldre: int | None,
    advarsler: list[str] | None = None,
    sak_: Any = None,
) -> Kjoring:
    """Store the run (its snapshot once per content) and put it in the job queue. ``sak_``: the parsed
    snapshot when the caller has it (parsing 0.7 MB again costs the meeting's re-solve time)."""
    from allokering import __version__
    from modeller.sak import Sak

    aktive = s.scalar(select(func.count()).select_from(Kjoring).where(Kjoring.status == "queued")) or 0
    if aktive >= MAKS_I_KO:
        raise HTTPException(429, f"For mange kjøringer i kø ({aktive}); prøv igjen senere.")
    if sak_ is None:
        sak_ = Sak.model_validate_json(inndata, context={"utsett_kryssjekk": True})
    tjenester.husk_bilde(sha, sak_)
    bilde = s.scalar(select(Inndatabilde).where(Inndatabilde.sak_id == sak_id, Inndatabilde.sha256 == sha))
    if bilde is None:  # stored once per case and content: a new version or new locks
        try:
            with s.begin_nested():
                bilde = Inndatabilde(sak_id=sak_id, sha256=sha, data=inndata)
                s.add(bilde)
        except IntegrityError:  # stored by a concurrent request in the meantime
            bilde = s.scalar(select(Inndatabilde).where(Inndatabilde.sak_id == sak_id, Inndatabilde.sha256 == sha))
            assert bilde is not None
    k = Kjoring(
        sak_id=sak_id,
        saksversjon_id=versjon.id,
        foreldre_id=foreldre,
        art=art,
        status="queued",
        fremdrift=0.0,
        fase="i kø",
        input_sha256=sha,
        inndatabilde_id=bilde.id,
        advarsler=advarsler or None,
        regelprofil=sak_.profil.id,
        vekter=sak_.profil.vekter.model_dump(mode="json"),
        parametre=parametre,
        motorversjon=__version__,
        instans=request.app.state.koordinator.instans,
        bestilt_av=b.navn,
    )
    s.add(k)
    s.commit()
    b.sak_id, b.kjoring_id = sak_id, k.id
    b.rorte(x.id for x in sak_.sokere)
    request.app.state.koordinator.send_inn(k.id)
    return k


@ruter.post(
    "/saker/{sak_id}/kjoringer",
    response_model=KjoringUt,
    tags=["kjøringer"],
    status_code=202,
    summary="Start en kjøring (løsejobb)",
    description=(
        "Lager et øyeblikksbilde av saksversjonen med møtets aktive låser, og starter løsingen som en jobb i "
        "prosessbassenget. Svarer straks med jobbens id; følg den med `GET /kjoringer/{id}`. Samme endepunkt "
        "brukes for å løse på nytt etter nye låser. Saksbehandler eller planlegger."
    ),
    responses=eks(KJORING_EKS | {"status": "queued"}, "Startet", 202),
)
def start_kjoring(
    request: Request, s: Ses, b: Kjorer, sak_id: Id, bestilling: Annotated[KjoringBestilling | None, Body()] = None
) -> JSONResponse:
    bestilling = bestilling or KjoringBestilling()
    hent_sak(s, sak_id, b)
    lukket = er_ferdigbehandlet(s, sak_id)
    if lukket is not None:
        raise HTTPException(
            409,
            f"Saken er ferdigbehandlet i møtet (kjøring {lukket.kjoring_id}, {lukket.tidspunkt:%d.%m.%Y} av "
            f"{lukket.av}). Gjenåpne saken med en begrunnelse før du løser den på nytt.",
        )
    if bestilling.versjon is None:
        v = tjenester.siste_versjon(s, sak_id)
    else:
        v = s.scalar(select(Saksversjon).where(Saksversjon.sak_id == sak_id, Saksversjon.versjon == bestilling.versjon))
    if v is None:
        raise HTTPException(404, f"Fant ikke saksversjonen for sak {sak_id}.")
    sak_, advarsler = tjenester.effektiv_sak_med_advarsler(s, v)
    inndata, sha = tjenester.snapshot(sak_)
    k = opprett_kjoring(
        request, s, b, sak_id, v, inndata, sha, bestilling.parametre.model_dump(), "ny", None, advarsler, sak_
    )
    return JSONResponse(_kjoring_ut(k), status_code=202)


@ruter.post(
    "/kjoringer/{kjoring_id}/reproduser",
    response_model=KjoringUt,
    tags=["kjøringer"],
    status_code=202,
    summary="Reproduser en kjøring",
    description=(
        "Starter en ny jobb med nøyaktig det lagrede øyeblikksbildet og de lagrede parametrene (uten dagens "
        "låser). Med deterministiske parametre gir den samme tildelinger og målverdier."
    ),
    responses=eks(KJORING_EKS | {"status": "queued", "art": "reproduksjon", "foreldre_id": 7}, "Startet", 202),
)
def reproduser(request: Request, s: Ses, b: Kjorer, kjoring_id: Id) -> JSONResponse:
    gammel = hent_kjoring(s, kjoring_id, b)
    v = s.get(Saksversjon, gammel.saksversjon_id)
    assert v is not None
    k = opprett_kjoring(
        request,
        s,
        b,
        gammel.sak_id,
        v,
        gammel.inndata,
        gammel.input_sha256,
        dict(gammel.parametre),
        "reproduksjon",
        gammel.id,
    )
    return JSONResponse(_kjoring_ut(k), status_code=202)


@ruter.get(
    "/kjoringer",
    response_model=SideUt[KjoringUt],
    tags=["kjøringer"],
    summary="List kjøringer",
    description="Kjøringer med status og målverdier (ingen personopplysninger). Filtrer på sak og status.",
    responses=eks({"antall": 1, "side": 1, "per_side": 100, "elementer": [KJORING_EKS]}),
)
def kjoringer(
    s: Ses,
    _b: Aggregert,
    sak_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    status: Annotated[Literal["queued", "running", "done", "failed", "cancelled"] | None, Query()] = None,
    side: Side = 1,
    per_side: PerSide = 100,
) -> dict[str, Any]:
    q = select(Kjoring)
    if sak_id is not None:
        q = q.where(Kjoring.sak_id == sak_id)
    if status is not None:
        q = q.where(Kjoring.status == status)
    antall = s.scalar(select(func.count()).select_from(q.subquery())) or 0
    rader = s.scalars(q.order_by(Kjoring.id.desc()).offset((side - 1) * per_side).limit(per_side))
    return side_ut([_kjoring_ut(k) for k in rader], antall, side, per_side)


@ruter.get(
    "/kjoringer/{kjoring_id}",
    response_model=KjoringUt,
    tags=["kjøringer"],
    summary="Status for en kjøring",
    description=(
        "Status (queued/running/done/failed/cancelled), fremdrift 0–1, fase, beste løsning hittil, målverdier og tider."
    ),
    responses=eks(KJORING_EKS),
)
def kjoring(
    request: Request,
    s: Ses,
    _b: Aggregert,
    kjoring_id: Id,
    vent: Annotated[
        float,
        Query(
            ge=0,
            le=10,
            description=(
                "Vent høyst så mange sekunder på at en kjøring i kø eller under arbeid blir ferdig før svaret "
                "(lang spørring): svaret kommer straks kjøringen er ferdig, eller straks forslaget er lagret "
                "(`forslag_klart`) om det ikke var det da spørringen kom. 0 = svar straks."
            ),
        ),
    ] = 0,
) -> dict[str, Any]:
    k = hent_kjoring(s, kjoring_id)
    if vent > 0 and k.status not in TERMINALE:
        har_forslag = k.resultat is not None
        s.rollback()  # give the connection back while waiting
        request.app.state.koordinator.vent(kjoring_id, frist=vent, til_forslag=not har_forslag)
        k = hent_kjoring(s, kjoring_id)
    return _kjoring_ut(k)


@ruter.get(
    "/kjoringer/{kjoring_id}/feil",
    response_model=Kjoringsfeil,
    tags=["kjøringer"],
    summary="Hele feilmeldingen for en kjøring",
    description=(
        "Feilmeldingen slik løseren skrev den (kan nevne søkere, f.eks. hvorfor en lås ikke kan holde). "
        "Saksbehandler med tilgang til saken, med formål; søkerne som nevnes, logges."
    ),
    responses=eks({"kjoring_id": 7, "status": "failed", "feilmelding": "Feil i låsene: …"}),
)
def kjoringsfeil(s: Ses, b: Person, kjoring_id: Id) -> dict[str, Any]:
    k = hent_kjoring(s, kjoring_id, b)
    if k.feilmelding:
        b.rorte(re.findall(r"\b[A-ZÆØÅ]{1,3}-\d{3,}\b", k.feilmelding))
    return {"kjoring_id": k.id, "status": k.status, "feilmelding": k.feilmelding}


@ruter.delete(
    "/kjoringer/{kjoring_id}",
    response_model=KjoringUt,
    tags=["kjøringer"],
    status_code=202,
    summary="Stopp en kjøring",
    description=("En kjøring i kø avbrytes straks; en som går, stoppes (status blir «cancelled» i løpet av kort tid)."),
    responses=eks(KJORING_EKS | {"status": "running", "avbryt_bedt": True}, "Stopp bestilt", 202),
)
def stopp_kjoring(request: Request, s: Ses, b: Kjorer, kjoring_id: Id) -> JSONResponse:
    k = hent_kjoring(s, kjoring_id, b)
    if b.bruker.rolle != Rolle.SAKSBEHANDLER and k.bestilt_av != b.navn:
        raise HTTPException(
            403, f"Kjøringen {kjoring_id} ble bestilt av en annen; en planlegger kan bare stoppe sine egne."
        )
    if k.status in TERMINALE:
        raise HTTPException(409, f"Kjøringen {kjoring_id} er allerede avsluttet (status «{k.status}»).")
    request.app.state.koordinator.avbryt(kjoring_id)
    s.expire_all()
    return JSONResponse(_kjoring_ut(hent_kjoring(s, kjoring_id)), status_code=202)


RESULTAT_EKS: dict[str, Any] = {
    "kjoring_id": 7,
    "status": "OPTIMAL",
    "input_sha256": "9f2c…",
    "objective": {"plassering": {"value": 381265, "bound": 381265, "proven": True}},
    "assignments": [
        {"applicant_id": "S-000028", "unit_id": "E-OSV-1", "start_date": "2026-11-30", "end_date": "2026-12-27"}
    ],
    "waiting_list": [
        {"position": 1, "applicant_id": "S-000014", "service": "langtid", "priority": 470, "waiting_days": 21}
    ],
    "unit_marginal_value": {"E-STR-1": 520},
    "ukp": {"days": 69, "cost_nok": 396405},
    "analyser_ferdig": True,
}


@ruter.get(
    "/kjoringer/{kjoring_id}/resultat",
    response_model=ResultatUt,
    tags=["kjøringer"],
    summary="Hele resultatet",
    description=(
        "RESULT.json for kjøringen: tildelinger, venteliste, forklaringer, "
        "marginalverdier, ektepar, UKP. Saksbehandler, med formål. Mens tilleggsanalysene beregnes "
        "(kjøringen går fortsatt, `forslag_klart` i statusen) er dette forslaget med `analyser_ferdig: false`: "
        "`unit_marginal_value` er tom, ekteparenes kostnad og låsenes pris mangler (null)."
    ),
    responses=eks(RESULTAT_EKS),
)
def resultat(s: Ses, b: Person, kjoring_id: Id) -> ResultatUt:
    k = ferdig_kjoring(s, kjoring_id, b, forslag=True)
    res = _resultat(k)
    b.rorte(resultatets_sokere(res))
    felt = {**dict(res), "kjoring_id": k.id, "analyser_ferdig": analyser_ferdig(k, res)}
    return ResultatUt.model_construct(**felt)  # the fields of a result validated by les_resultat


@ruter.get(
    "/kjoringer/{kjoring_id}/tildelinger",
    response_model=SideUt[Tildeling],
    tags=["kjøringer"],
    summary="Tildelinger",
    description="Foreslåtte tildelinger (søker, enhet, datoer, prioritet), sidevis. Saksbehandler, med formål.",
    responses=eks({"antall": 1, "side": 1, "per_side": 100, "elementer": [RESULTAT_EKS["assignments"][0]]}),
)
def tildelinger(s: Ses, b: Person, kjoring_id: Id, side: Side = 1, per_side: PerSide = 100) -> dict[str, Any]:
    k = ferdig_kjoring(s, kjoring_id, b, forslag=True)
    alle = _resultat(k).assignments
    b.rorte(x.applicant_id for x in alle[(side - 1) * per_side : side * per_side])
    return side_ut(alle[(side - 1) * per_side : side * per_side], len(alle), side, per_side)


@ruter.get(
    "/kjoringer/{kjoring_id}/venteliste",
    response_model=SideUt[Ventende],
    tags=["kjøringer"],
    summary="Venteliste",
    description=(
        "Kvalifiserte søkere uten plass, etter prioritet (ventetid bryter bare likhet). Saksbehandler, med formål."
    ),
    responses=eks({"antall": 1, "side": 1, "per_side": 100, "elementer": RESULTAT_EKS["waiting_list"]}),
)
def venteliste(s: Ses, b: Person, kjoring_id: Id, side: Side = 1, per_side: PerSide = 100) -> dict[str, Any]:
    k = ferdig_kjoring(s, kjoring_id, b, forslag=True)
    alle = _resultat(k).waiting_list
    b.rorte(x.applicant_id for x in alle[(side - 1) * per_side : side * per_side])
    return side_ut(alle[(side - 1) * per_side : side * per_side], len(alle), side, per_side)


@ruter.get(
    "/kjoringer/{kjoring_id}/forklaringer/{soker_id}",
    response_model=Forklaring,
    tags=["kjøringer"],
    summary="Forklaring for én søker",
    description=(
        "Utfall, hver regel med status, kildeseksjon og lovhjemmel, prioritet og "
        "begrunnelse til vedtaket. Saksbehandler, med formål."
    ),
    responses=eks(
        {
            "applicant_id": "S-000014",
            "service": "langtid",
            "outcome": "venteliste",
            "text_nb": "Søkeren fyller vilkårene …",
            "rules": [],
        }
    ),
)
def forklaring(s: Ses, b: Person, kjoring_id: Id, soker_id: SokerId) -> Forklaring:
    ferdig_kjoring(s, kjoring_id, b, forslag=True)
    r = s.scalar(
        select(ForklaringRad).where(ForklaringRad.kjoring_id == kjoring_id, ForklaringRad.soker_id == soker_id)
    )
    if r is None:
        raise HTTPException(404, f"Søkeren «{soker_id}» finnes ikke i kjøring {kjoring_id}.")
    return Forklaring.model_validate(r.data)


@ruter.get(
    "/kjoringer/{kjoring_id}/marginalverdier",
    response_model=Marginalverdier,
    tags=["kjøringer"],
    summary="Verdien av én ekstra plass per enhet",
    description=(
        "Hvor mye målfunksjonen (nivå 1) ville økt med én ekstra plass på hver enhet. Aggregert; alle roller."
    ),
    responses=eks({"kjoring_id": 7, "analyser_ferdig": True, "enheter": [{"enhet_id": "E-STR-1", "verdi": 520}]}),
)
def marginalverdier(s: Ses, _b: Aggregert, kjoring_id: Id) -> dict[str, Any]:
    k = ferdig_kjoring(s, kjoring_id, forslag=True)
    res = _resultat(k)
    mv = res.unit_marginal_value
    return {
        "kjoring_id": k.id,
        "analyser_ferdig": analyser_ferdig(k, res),
        "enheter": [{"enhet_id": u, "verdi": v} for u, v in mv.items()],
    }


@ruter.get(
    "/kjoringer/{kjoring_id}/eksport",
    tags=["kjøringer"],
    summary="Eksporter resultatet (Excel eller CSV)",
    description=(
        "`format=xlsx`: arkene Tildelinger, Venteliste, Forklaringer, Enheter. "
        "`format=csv`: én rad per søker (semikolon, UTF-8). Saksbehandler, med formål."
    ),
    responses={
        200: {
            "description": "Filen",
            "content": {
                "text/csv": {
                    "example": "søker;tjeneste;utfall;enhet;institusjon;fra;til;prioritet;venteplass;begrunnelse\n"
                },
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"example": "(binær Excel-fil)"},
            },
        },
        **FEILSVAR,
    },
)
def eksport(s: Ses, b: Person, kjoring_id: Id, format: Annotated[Literal["xlsx", "csv"], Query()] = "xlsx") -> Response:
    k = ferdig_kjoring(s, kjoring_id, b)
    res = _resultat(k)
    b.rorte(resultatets_sokere(res))
    if format == "csv":
        return Response(
            tjenester.eksport_csv(res),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="kjoring-{k.id}.csv"'},
        )
    return Response(
        tjenester.eksport_xlsx(res),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="kjoring-{k.id}.xlsx"'},
    )


def _resultat(k: Kjoring) -> Kjoringsresultat:
    """The stored result of a run ``ferdig_kjoring`` has checked has one."""
    res = les_resultat(k)
    if res is None:  # ferdig_kjoring refuses a run without a result
        raise HTTPException(409, f"Kjøringen {k.id} har ikke noe resultat (status «{k.status}»).")
    return res
