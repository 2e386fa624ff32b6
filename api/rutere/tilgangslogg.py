"""The API's «tilgangslogg» endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from api.db import (
    Tilgangslogg,
)
from api.dependencies import (
    Admin,
    PerSide,
    Ses,
    Side,
    side_ut,
)
from api.logg import verifiser
from api.rutere.felles import _iso
from api.schemas import LoggRad, VerifiseringUt, eks
from api.schemas import Side as SideUt

ruter = APIRouter()


# --- tilgangslogg


@ruter.get(
    "/tilgangslogg",
    response_model=SideUt[LoggRad],
    tags=["tilgangslogg"],
    summary="Søk i tilgangsloggen (admin)",
    description=(
        "Hvem leste eller skrev personopplysninger, med rolle, hva, når og "
        "formål. Filtrer på bruker, søker, sak og tidsrom."
    ),
    responses=eks(
        {
            "antall": 1,
            "side": 1,
            "per_side": 100,
            "elementer": [
                {
                    "id": 1,
                    "tidspunkt": "2026-11-27T10:00:00",
                    "bruker": "kari",
                    "rolle": "saksbehandler",
                    "handling": "les",
                    "hva": "En søkers opplysninger",
                    "metode": "GET",
                    "sti": "/saker/1/sokere/S-000014",
                    "sak_id": 1,
                    "kjoring_id": None,
                    "soker_id": "S-000014",
                    "formal": "tildelingsmøte",
                    "utfall": "ok",
                    "hash": "5e0c…",
                }
            ],
        }
    ),
)
def tilgangslogg(
    s: Ses,
    _a: Admin,
    bruker: Annotated[str | None, Query(max_length=100)] = None,
    handling: Annotated[
        str | None, Query(max_length=20, description="les, skriv, kjøring, innlogging, brukeradmin …")
    ] = None,
    soker_id: Annotated[str | None, Query(max_length=64)] = None,
    sak_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    fra: datetime | None = None,
    til: datetime | None = None,
    side: Side = 1,
    per_side: PerSide = 100,
) -> dict[str, Any]:
    q = select(Tilgangslogg)
    if bruker:
        q = q.where(Tilgangslogg.bruker == bruker)
    if handling:
        q = q.where(Tilgangslogg.handling == handling)
    if soker_id:
        q = q.where(Tilgangslogg.soker_id == soker_id)
    if sak_id is not None:
        q = q.where(Tilgangslogg.sak_id == sak_id)
    if fra is not None:
        q = q.where(Tilgangslogg.tidspunkt >= fra.replace(tzinfo=None))
    if til is not None:
        q = q.where(Tilgangslogg.tidspunkt <= til.replace(tzinfo=None))
    antall = s.scalar(select(func.count()).select_from(q.subquery())) or 0
    rader = s.scalars(q.order_by(Tilgangslogg.id.desc()).offset((side - 1) * per_side).limit(per_side))
    return side_ut(
        [
            {
                "id": r.id,
                "tidspunkt": _iso(r.tidspunkt),
                "bruker": r.bruker,
                "rolle": r.rolle,
                "handling": r.handling,
                "hva": r.hva,
                "metode": r.metode,
                "sti": r.sti,
                "sak_id": r.sak_id,
                "kjoring_id": r.kjoring_id,
                "soker_id": r.soker_id,
                "formal": r.formal,
                "utfall": r.utfall,
                "hash": r.hash,
            }
            for r in rader
        ],
        antall,
        side,
        per_side,
    )


@ruter.get(
    "/tilgangslogg/verifiser",
    response_model=VerifiseringUt,
    tags=["tilgangslogg"],
    summary="Kontroller hash-kjeden (admin)",
    description=(
        "Regner kjeden av hasher over hele tilgangsloggen på nytt. En endret, innsatt eller slettet rad "
        "bryter kjeden ved den raden. Noter `siste_hash` utenfor databasen for å kunne avsløre at hele "
        "loggen er skrevet om."
    ),
    responses=eks({"ok": True, "antall": 1200, "siste_hash": "5e0c…", "melding": "kjeden er hel: 1200 rader"}),
)
def verifiser_logg(s: Ses, _a: Admin) -> dict[str, Any]:
    v = verifiser(s)
    return {
        "ok": v.ok,
        "antall": v.antall,
        "siste_hash": v.siste_hash,
        "melding": v.melding,
        "brudd_ved_id": v.brudd_ved_id,
    }
