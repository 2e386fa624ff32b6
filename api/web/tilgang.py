"""Bearer-token roles for the web module's own JSON endpoints: the API's own dependency
(``api.dependencies.innlogget``), so tokens, expiry, revocation and deactivation work the same."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException

from api.auth import Rolle
from api.db import Bruker
from api.dependencies import innlogget


def krev_rolle(roller: frozenset[Rolle]) -> Callable[..., dict[str, Any]]:
    """A dependency giving ``{"navn", "rolle"}`` of the logged-in user, 401/403 (bokmål) otherwise."""

    def sjekk(b: Annotated[Bruker, Depends(innlogget)]) -> dict[str, Any]:
        if b.rolle not in roller:
            raise HTTPException(403, f"Rollen «{b.rolle}» har ikke tilgang til dette.")
        return {"navn": b.navn, "rolle": b.rolle}

    return sjekk
