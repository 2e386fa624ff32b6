"""A run's stored result, read into the typed model once.

The database keeps RESULT.json as JSON (``Kjoring.resultat``, the same format the engine writes, see
docs/resultatformat.md) with the job's two extra keys; every reader parses it here with ``model_validate``
(the stored JSON comes from outside this process) and uses attributes, instead of indexing the dict.
"""

from __future__ import annotations

from pydantic import Field

from allokering.resultatformat import Resultat, mangler
from api.db import Kjoring


class Kjoringsresultat(Resultat):
    """RESULT.json as the API stores it: the engine's result and the two-phase delivery's state."""

    analyser_ferdig: bool | None = Field(default=None, exclude_if=mangler)
    """Sann når tilleggsanalysene (marginalverdier, ekteparkostnader, låsenes pris) er med. Mangler i
    kjøringer lagret før tofaselevering; da gjelder kjøringens status (``api.rutere.felles.analyser_ferdig``)."""
    analyser_stoppet: str | None = Field(default=None, exclude_if=mangler)
    """``avbrutt`` eller ``feilet`` når kjøringen ble ferdig uten tilleggsanalysene; ellers mangler feltet."""


class ResultatUt(Kjoringsresultat):
    """The response of GET /kjoringer/{id}/resultat: the run's result and its id."""

    kjoring_id: int


def les_resultat(k: Kjoring) -> Kjoringsresultat | None:
    """The run's stored result as the typed model (None while there is none)."""
    return None if k.resultat is None else Kjoringsresultat.model_validate(k.resultat)
