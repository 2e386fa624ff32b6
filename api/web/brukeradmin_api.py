"""The admin user page's one missing call: ``PUT /brukere/{bruker_id}/rolle`` changes a user's role (admin only,
logged). An admin cannot take the admin role from themself, so the last admin is never locked out."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict

from api.auth import Rolle
from api.db import Bruker
from api.dependencies import Admin, Id, Ses, logg
from api.rutere.brukere import BRUKER_EKS, bruker_ut
from api.schemas import BrukerUt, eks

ruter = APIRouter(tags=["innlogging"])


class RolleInn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"rolle": "planlegger"}]})
    rolle: Rolle


@ruter.put(
    "/brukere/{bruker_id}/rolle",
    response_model=BrukerUt,
    summary="Gi bruker en annen rolle (admin)",
    description="Setter rollen (saksbehandler, planlegger, leder eller admin). Gjelder fra neste forespørsel. Logges.",
    responses=eks(BRUKER_EKS | {"rolle": "planlegger"}),
)
def bruker_rolle(request: Request, s: Ses, a: Admin, bruker_id: Id, inn: RolleInn) -> dict[str, Any]:
    b = s.get(Bruker, bruker_id)
    if b is None:
        raise HTTPException(404, f"Brukeren {bruker_id} finnes ikke.")
    if b.id == a.id and inn.rolle != Rolle.ADMIN:
        raise HTTPException(409, "Du kan ikke ta fra deg selv admin-rollen; be en annen admin om å gjøre det.")
    gammel, b.rolle = b.rolle, inn.rolle.value
    s.commit()
    logg(
        request,
        a,
        "brukeradmin",
        "brukeradministrasjon",
        "ok",
        hva=f"ga «{b.navn}» rollen «{b.rolle}» (var «{gammel}»)",
    )
    return bruker_ut(b)
