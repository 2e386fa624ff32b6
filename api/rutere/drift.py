"""The API's «drift» endpoints."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from api.auth import (
    bruker_for_token,
)
from api.dependencies import (
    Ses,
    oauth2,
)
from api.schemas import Helse, eks

ruter = APIRouter()


# --- drift


@ruter.get(
    "/helse",
    response_model=Helse,
    response_model_exclude_unset=True,
    tags=["drift"],
    summary="Helsesjekk",
    description=(
        'Svarer straks, også mens løsejobber går. Uten innlogging bare `{"status": "ok"}`; '
        "en innlogget bruker ser også databasetype, antall aktive jobber og antall oppvarmede arbeidsprosesser."
    ),
    responses=eks({"status": "ok", "database": "sqlite", "aktive_jobber": 1, "arbeidere_klare": 2}),
)
def helse(request: Request, s: Ses, token: Annotated[str | None, Depends(oauth2)]) -> dict[str, Any]:
    if not token or bruker_for_token(s, token) is None:
        return {"status": "ok"}
    return {
        "status": "ok",
        "database": request.app.state.motor.dialect.name,
        "aktive_jobber": request.app.state.koordinator.antall_i_prosess(),
        "arbeidere_klare": request.app.state.koordinator.antall_varme(),
    }
