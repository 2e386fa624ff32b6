"""The job system's own endpoint: every job of the server's one job system (``api.jobber``), solve jobs
and scenario runs together, with status and progress (no personal data). Each kind is stopped at its
own address (``DELETE /kjoringer/{id}``, ``DELETE /scenarier/kjoringer/{id}``), both through the same
``Koordinator.avbryt``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from api.dependencies import Aggregert
from api.schemas import eks

ruter = APIRouter()


class JobbUt(BaseModel):
    art: Literal["losing", "scenario"]
    id: int
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    fremdrift: float
    fase: str
    avbryt_bedt: bool
    bestilt_av: str
    opprettet: str | None
    startet: str | None
    ferdig: str | None


JOBB_EKS = {
    "art": "scenario",
    "id": 3,
    "status": "running",
    "fremdrift": 0.48,
    "fase": "simulerer: 3 av 6 replikasjoner ferdige",
    "avbryt_bedt": False,
    "bestilt_av": "per",
    "opprettet": "2026-11-27T09:00:00",
    "startet": "2026-11-27T09:00:01",
    "ferdig": None,
}


@ruter.get(
    "/jobber",
    response_model=list[JobbUt],
    tags=["kjøringer"],
    summary="Jobbene i jobbsystemet",
    description=(
        "Løsejobber (`art=losing`, samme id som `GET /kjoringer/{id}`) og scenariokjøringer (`art=scenario`, "
        "`GET /scenarier/kjoringer/{id}`) i én liste, nyeste først: status, fremdrift og fase. Som standard bare "
        "de som står i kø eller går. Aggregert; alle roller."
    ),
    responses=eks([JOBB_EKS]),
)
def jobber(
    request: Request,
    _b: Aggregert,
    alle: Annotated[bool, Query(description="Også avsluttede jobber (de siste 200).")] = False,
) -> list[dict[str, Any]]:
    return request.app.state.koordinator.jobber(bare_aktive=not alle)
