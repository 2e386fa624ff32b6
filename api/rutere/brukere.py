"""The API's «innlogging» endpoints."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth import (
    TOKEN_LEVETID,
    logg_inn,
    opprett_bruker,
    passordregler,
    tilbakekall,
    utsted_token,
)
from api.db import (
    Bruker,
    naa,
)
from api.dependencies import (
    Admin,
    Id,
    PerSide,
    Ses,
    Side,
    innlogget,
    logg,
    oauth2,
    side_ut,
)
from api.rutere.felles import _iso, klientadresse
from api.schemas import BrukerInn, BrukerUt, Feilsvar, Meg, TeamInn, TokenUt, Utlogget, eks
from api.schemas import Side as SideUt
from modeller.lasting import Inndatafeil
from modeller.sak import Feil

ruter = APIRouter()


# --- innlogging


@ruter.post(
    "/auth/token",
    response_model=TokenUt,
    tags=["innlogging"],
    summary="Logg inn (OAuth2 passord)",
    description=(
        "Gir et bearer-token (gyldig i 12 timer) for brukernavn og passord. Begrenset: 20 forsøk i minuttet "
        "per klientadresse og 5 mislykkede forsøk per bruker i 15 minutter (deretter 429, også med riktig "
        "passord). Hvert forsøk logges."
    ),
    responses=eks(
        {"access_token": "q8…", "token_type": "bearer", "rolle": "saksbehandler", "utloper": "2026-11-27T21:00:00"},
        ekstra={429: {"model": Feilsvar, "description": "For mange forsøk; se Retry-After."}},
    ),
)
def token(
    request: Request, s: Ses, skjema: Annotated[OAuth2PasswordRequestForm, Depends()], response: Response
) -> dict[str, Any]:
    navn = skjema.username[:100]
    adresse = klientadresse(request)
    slipp, grunn, vent = request.app.state.innloggingsvakt.slipp_inn(adresse, navn)
    if not slipp:
        logg(request, None, "innlogging", "innlogging", "nektet (for mange forsøk)", brukernavn=navn, hva=grunn)
        raise HTTPException(429, f"{grunn} Prøv igjen om {vent} sekunder.", headers={"Retry-After": str(vent)})
    b = logg_inn(s, navn, skjema.password)
    if b is None:
        request.app.state.innloggingsvakt.mislykket(navn)
        logg(request, None, "innlogging", "innlogging", "avvist (401)", brukernavn=navn, hva="Logg inn")
        raise HTTPException(401, "Feil brukernavn eller passord.", headers={"WWW-Authenticate": "Bearer"})
    tok = utsted_token(s, b, beskrivelse=f"innlogging fra {adresse}"[:200])
    s.commit()
    logg(request, b, "innlogging", "innlogging", "ok", hva="Logg inn")
    response.headers["Cache-Control"] = "no-store"
    utloper = naa() + TOKEN_LEVETID
    return {"access_token": tok, "token_type": "bearer", "rolle": b.rolle, "utloper": _iso(utloper)}


@ruter.post(
    "/auth/logg-ut",
    response_model=Utlogget,
    tags=["innlogging"],
    summary="Logg ut",
    description="Tilbakekaller tokenet som sendes med, på tjeneren. Det kan ikke brukes igjen.",
    responses=eks({"tilbakekalt": 1}),
)
def logg_ut(
    request: Request, s: Ses, b: Annotated[Bruker, Depends(innlogget)], tok: Annotated[str | None, Depends(oauth2)]
) -> dict[str, Any]:
    n = tilbakekall(s, b.id, tok or "")
    s.commit()
    logg(request, b, "innlogging", "utlogging", "ok", hva="Logg ut")
    return {"tilbakekalt": n}


@ruter.get(
    "/meg",
    response_model=Meg,
    tags=["innlogging"],
    summary="Hvem er jeg",
    description="Brukernavn og rolle for tokenet.",
    responses=eks({"navn": "kari", "rolle": "saksbehandler"}),
)
def meg(b: Annotated[Bruker, Depends(innlogget)]) -> dict[str, Any]:
    return {"navn": b.navn, "rolle": b.rolle}


BRUKER_EKS = {
    "id": 3,
    "navn": "kari",
    "rolle": "saksbehandler",
    "team": "felles",
    "aktiv": False,
    "opprettet": "2026-11-27T09:00:00",
    "opprettet_av": "ola",
    "deaktivert": "2026-11-28T09:00:00",
    "deaktivert_av": "ola",
}


@ruter.post(
    "/brukere",
    response_model=BrukerUt,
    tags=["innlogging"],
    status_code=201,
    summary="Opprett bruker (admin)",
    description="Oppretter en bruker med rolle og passord.",
    responses=eks({**BRUKER_EKS, "aktiv": True, "deaktivert": None, "deaktivert_av": None}, "Opprettet", 201),
)
def ny_bruker(request: Request, s: Ses, a: Admin, inn: BrukerInn) -> dict[str, Any]:
    grunn = passordregler(inn.passord, inn.navn.strip())
    if grunn:
        logg(request, a, "brukeradmin", "brukeradministrasjon", "avvist (422)", hva=f"opprett «{inn.navn}»")
        raise Inndatafeil([Feil("forespørsel", "body", "passord", grunn)])
    try:
        b = opprett_bruker(s, inn.navn, inn.rolle, inn.passord, team=inn.team)
    except ValueError as exc:
        logg(request, a, "brukeradmin", "brukeradministrasjon", "avvist (409)", hva=f"opprett «{inn.navn}»")
        raise HTTPException(409, str(exc).capitalize() + ".") from None
    b.opprettet_av = a.navn
    s.commit()
    hva = f"opprettet brukeren «{b.navn}» (id {b.id}) med rollen {b.rolle} i teamet «{b.team}»"
    logg(request, a, "brukeradmin", "brukeradministrasjon", "ok", hva=hva)
    return bruker_ut(b)


def bruker_ut(b: Bruker) -> dict[str, Any]:
    return {
        "id": b.id,
        "navn": b.navn,
        "rolle": b.rolle,
        "team": b.team,
        "aktiv": b.aktiv,
        "opprettet": _iso(b.opprettet),
        "opprettet_av": b.opprettet_av,
        "deaktivert": _iso(b.deaktivert),
        "deaktivert_av": b.deaktivert_av,
    }


def sett_aktiv(request: Request, s: Session, a: Bruker, bruker_id: int, aktiv: bool) -> dict[str, Any]:
    b = s.get(Bruker, bruker_id)
    hva = f"{'aktiver' if aktiv else 'deaktiver'} bruker {bruker_id}"
    if b is None:
        logg(request, a, "brukeradmin", "brukeradministrasjon", "avvist (404)", hva=hva)
        raise HTTPException(404, f"Brukeren {bruker_id} finnes ikke.")
    if b.id == a.id and not aktiv:
        logg(request, a, "brukeradmin", "brukeradministrasjon", "avvist (409)", hva=hva)
        raise HTTPException(409, "Du kan ikke deaktivere deg selv.")
    b.aktiv = aktiv
    if aktiv:
        b.deaktivert, b.deaktivert_av = None, None
    else:
        b.deaktivert, b.deaktivert_av = naa(), a.navn
        tilbakekall(s, b.id)
    s.commit()
    hva = f"{'aktiverte' if aktiv else 'deaktiverte'} brukeren «{b.navn}» (id {b.id}, {b.rolle})"
    logg(request, a, "brukeradmin", "brukeradministrasjon", "ok", hva=hva)
    return bruker_ut(b)


@ruter.post(
    "/brukere/{bruker_id}/deaktiver",
    response_model=BrukerUt,
    tags=["innlogging"],
    summary="Deaktiver bruker (admin)",
    description="Brukeren kan ikke logge inn, og alle tokenene hennes tilbakekalles straks. Logges.",
    responses=eks(BRUKER_EKS),
)
def deaktiver(request: Request, s: Ses, a: Admin, bruker_id: Id) -> dict[str, Any]:
    return sett_aktiv(request, s, a, bruker_id, False)


@ruter.post(
    "/brukere/{bruker_id}/aktiver",
    response_model=BrukerUt,
    tags=["innlogging"],
    summary="Aktiver bruker igjen (admin)",
    description="Brukeren kan logge inn igjen (gamle tokener forblir tilbakekalt). Logges.",
    responses=eks(BRUKER_EKS | {"aktiv": True, "deaktivert": None, "deaktivert_av": None}),
)
def aktiver(request: Request, s: Ses, a: Admin, bruker_id: Id) -> dict[str, Any]:
    return sett_aktiv(request, s, a, bruker_id, True)


@ruter.put(
    "/brukere/{bruker_id}/team",
    response_model=BrukerUt,
    tags=["innlogging"],
    summary="Flytt bruker til et annet team (admin)",
    description="Setter tildelingskontoret (teamet) brukeren arbeider i. Logges.",
    responses=eks(BRUKER_EKS | {"team": "Tildelingskontoret nord"}),
)
def bruker_team(request: Request, s: Ses, a: Admin, bruker_id: Id, inn: TeamInn) -> dict[str, Any]:
    b = s.get(Bruker, bruker_id)
    if b is None:
        raise HTTPException(404, f"Brukeren {bruker_id} finnes ikke.")
    gammelt, b.team = b.team, " ".join(inn.team.split())
    s.commit()
    hva = f"flyttet brukeren «{b.navn}» fra teamet «{gammelt}» til «{b.team}»"
    logg(request, a, "brukeradmin", "brukeradministrasjon", "ok", hva=hva)
    return bruker_ut(b)


@ruter.get(
    "/brukere",
    response_model=SideUt[BrukerUt],
    tags=["innlogging"],
    summary="List brukere (admin)",
    description="Alle brukere med rolle og status.",
    responses=eks(
        {
            "antall": 1,
            "side": 1,
            "per_side": 100,
            "elementer": [{"id": 1, "navn": "kari", "rolle": "saksbehandler", "aktiv": True}],
        }
    ),
)
def brukere(s: Ses, _a: Admin, side: Side = 1, per_side: PerSide = 100) -> dict[str, Any]:
    antall = s.scalar(select(func.count()).select_from(Bruker)) or 0
    rader = s.scalars(select(Bruker).order_by(Bruker.id).offset((side - 1) * per_side).limit(per_side))
    return side_ut([bruker_ut(b) for b in rader], antall, side, per_side)
