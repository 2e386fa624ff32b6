"""The API's «beslutninger» endpoints."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException
from sqlalchemy import select, update

from api import tjenester
from api.db import (
    Beslutning,
    Kjoring,
)
from api.dependencies import (
    Id,
    Person,
    Ses,
    SokerId,
    hent_sak,
)
from api.rutere.felles import _iso
from api.schemas import BeslutningInn, BeslutningUt, eks
from modeller.lasting import Inndatafeil
from modeller.sak import Feil

ruter = APIRouter()


# --- beslutninger


def beslutning_ut(r: Beslutning) -> dict[str, Any]:
    return {
        "id": r.id,
        "sak_id": r.sak_id,
        "soker_id": r.soker_id,
        "kjoring_id": r.kjoring_id,
        "utfall": r.utfall,
        "enhet_id": r.enhet_id,
        "startdato": _iso(r.startdato),
        "begrunnelse": r.begrunnelse,
        "besluttet_av": r.besluttet_av,
        "besluttet": _iso(r.besluttet),
        "gjeldende": r.gjeldende,
    }


BESLUTNING_EKS = {
    "id": 1,
    "sak_id": 1,
    "soker_id": "S-000014",
    "kjoring_id": 7,
    "utfall": "tildelt",
    "enhet_id": "E-STR-1",
    "startdato": "2026-12-01",
    "begrunnelse": "Vedtatt i tildelingsmøtet.",
    "besluttet_av": "kari",
    "besluttet": "2026-11-27T11:00:00",
    "gjeldende": True,
}


@ruter.put(
    "/saker/{sak_id}/beslutninger/{soker_id}",
    response_model=BeslutningUt,
    tags=["beslutninger"],
    summary="Registrer møtets beslutning for en søker",
    description=(
        "Lagrer tildelingsmøtets endelige beslutning (hvem, når, hvorfor). En ny "
        "beslutning erstatter den forrige, som beholdes i historikken."
    ),
    responses=eks(BESLUTNING_EKS),
)
def beslutt(s: Ses, b: Person, sak_id: Id, soker_id: SokerId, inn: BeslutningInn) -> dict[str, Any]:
    hent_sak(s, sak_id, b)
    v = tjenester.siste_versjon(s, sak_id)
    data = json.loads(v.data) if v else {}
    if soker_id not in {x["id"] for x in data.get("sokere", [])}:
        raise HTTPException(404, f"Søkeren «{soker_id}» finnes ikke i sak {sak_id}.")
    if inn.utfall == "tildelt" and not inn.enhet_id:
        raise Inndatafeil([Feil("forespørsel", "", "enhet_id", "en beslutning om tildeling må oppgi enhet_id")])
    if inn.enhet_id and inn.enhet_id not in {e["id"] for e in data.get("enheter", [])}:
        raise Inndatafeil([Feil("forespørsel", "", "enhet_id", f"ukjent enhet «{inn.enhet_id}»")])
    if inn.kjoring_id is not None:
        k = s.get(Kjoring, inn.kjoring_id)
        if k is None or k.sak_id != sak_id:
            raise Inndatafeil(
                [Feil("forespørsel", "", "kjoring_id", f"kjøringen {inn.kjoring_id} hører ikke til sak {sak_id}")]
            )
    s.execute(
        update(Beslutning).where(Beslutning.sak_id == sak_id, Beslutning.soker_id == soker_id).values(gjeldende=False)
    )
    r = Beslutning(
        sak_id=sak_id,
        soker_id=soker_id,
        kjoring_id=inn.kjoring_id,
        utfall=inn.utfall,
        enhet_id=inn.enhet_id,
        startdato=inn.startdato,
        begrunnelse=inn.begrunnelse,
        besluttet_av=b.navn,
        gjeldende=True,
    )
    s.add(r)
    s.commit()
    return beslutning_ut(r)


@ruter.get(
    "/saker/{sak_id}/beslutninger",
    response_model=list[BeslutningUt],
    tags=["beslutninger"],
    summary="Møtets beslutninger",
    description="Gjeldende beslutning per søker (med `historikk=true` også tidligere). Saksbehandler, med formål.",
    responses=eks([BESLUTNING_EKS]),
)
def beslutninger(s: Ses, b: Person, sak_id: Id, historikk: bool = False) -> list[dict[str, Any]]:
    hent_sak(s, sak_id, b)
    q = select(Beslutning).where(Beslutning.sak_id == sak_id)
    if not historikk:
        q = q.where(Beslutning.gjeldende.is_(True))
    rader = s.scalars(q.order_by(Beslutning.soker_id, Beslutning.id)).all()
    b.rorte(r.soker_id for r in rader)
    return [beslutning_ut(r) for r in rader]
