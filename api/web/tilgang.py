"""Bearer-token roles for the web module's own JSON endpoints (the same tokens and roles as the API)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer

from api.auth import Rolle, bruker_for_token

_oauth2 = OAuth2PasswordBearer(tokenUrl="auth/token", auto_error=False)


def krev_rolle(roller: frozenset[Rolle]) -> Callable[..., dict[str, Any]]:
    """A dependency giving ``{"navn", "rolle"}`` of the logged-in user, 401/403 (bokmål) otherwise."""

    def sjekk(request: Request, token: Annotated[str | None, Depends(_oauth2)]) -> dict[str, Any]:
        with request.app.state.fabrikk() as s:
            b = bruker_for_token(s, token) if token else None
            if b is None:
                raise HTTPException(401, "Ikke innlogget eller ugyldig token.", headers={"WWW-Authenticate": "Bearer"})
            if b.rolle not in roller:
                raise HTTPException(403, f"Rollen «{b.rolle}» har ikke tilgang til dette.")
            return {"navn": b.navn, "rolle": b.rolle}

    return sjekk
