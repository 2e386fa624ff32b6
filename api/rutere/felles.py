"""Helpers shared by the routers: examples for the OpenAPI document, the public view of a run, client
addresses behind trusted proxies."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from fastapi import Request

from allokering.resultatformat import Resultat
from api.db import (
    Kjoring,
)
from api.jobber import MELDING_ARBEIDER_DOD, MELDING_OMSTART
from api.resultat import Kjoringsresultat

MAKS_I_KO = int(os.environ.get("ALLOKERING_MAKS_I_KO", "200"))


@lru_cache(maxsize=1)
def eksempel_sak() -> dict[str, Any]:
    """A small valid case (two søkere from the synthetic Tvedestrand demo) for the OpenAPI examples."""
    from modeller.generator import last_demo
    from modeller.lasting import sak_til_json

    d = json.loads(sak_til_json(last_demo("tvedestrand")))
    d["sokere"] = [x for x in d["sokere"] if not x["ektefelle_id"] and not x["naverende_opphold_id"]][:2]
    d["laaser"] = []
    d["opphold"] = d["opphold"][:2]
    return d


def _iso(t: datetime | date | None) -> str | None:
    return None if t is None else t.isoformat()


_OFFENTLIGE_FEIL = (MELDING_OMSTART, MELDING_ARBEIDER_DOD, "Avbrutt på forespørsel.")
_FEILTYPER = ("Feil i låsene", "Resultatet ble forkastet", "Ugyldig inndata", "Uventet feil i løseren")


def offentlig_feilmelding(k: Kjoring) -> str | None:
    """The run's error without personal data. The full text (which may name søkere and their health,
    e.g. why a lock cannot hold) is only at ``GET /kjoringer/{id}/feil``: saksbehandler with access
    to the case, with purpose, logged."""
    m = k.feilmelding
    if m is None or m in _OFFENTLIGE_FEIL:
        return m
    art = next((x for x in _FEILTYPER if m.startswith(x)), "Kjøringen feilet")
    return (
        f"{art}. Detaljene kan inneholde personopplysninger og vises for saksbehandler med tilgang til saken "
        f"(GET /kjoringer/{k.id}/feil)."
    )


def analyser_ferdig(k: Kjoring, res: Kjoringsresultat | None = None) -> bool:
    """Whether the run's analyses (marginal values, couple costs, lock prices) are in its result (runs stored
    before the two-phase delivery have them when done). ``res``: the result already read (``les_resultat``)."""
    if k.resultat is None:
        return False
    ferdig = k.resultat.get("analyser_ferdig") if res is None else res.analyser_ferdig
    return k.status == "done" if ferdig is None else bool(ferdig)


def _kjoring_ut(k: Kjoring) -> dict[str, Any]:
    """A run without personal data (status, progress, best-so-far, metadata; the error redacted)."""
    return {
        "id": k.id,
        "sak_id": k.sak_id,
        "saksversjon_id": k.saksversjon_id,
        "art": k.art,
        "foreldre_id": k.foreldre_id,
        "status": k.status,
        "fremdrift": k.fremdrift,
        "fase": k.fase,
        "beste_hittil": k.beste_hittil,
        "avbryt_bedt": k.avbryt_bedt is not None,
        "input_sha256": k.input_sha256,
        "regelprofil": k.regelprofil,
        "vekter": k.vekter,
        "parametre": k.parametre,
        "motorversjon": k.motorversjon,
        "losningsstatus": k.losningsstatus,
        "objective": k.objective,
        "best_bound": k.best_bound,
        "gap": k.gap,
        "solve_seconds": k.solve_seconds,
        "ukp_dogn": k.ukp_dager,
        "ukp_kostnad_nok": k.ukp_kostnad,
        "forslag_klart": k.resultat is not None,
        "analyser_ferdig": analyser_ferdig(k),
        "feilmelding": offentlig_feilmelding(k),
        "advarsler": k.advarsler or [],
        "opprettet": _iso(k.opprettet),
        "startet": _iso(k.startet),
        "ferdig": _iso(k.ferdig),
        "bestilt_av": k.bestilt_av,
    }


KJORING_EKS = {
    "id": 7,
    "sak_id": 1,
    "saksversjon_id": 1,
    "art": "ny",
    "foreldre_id": None,
    "status": "running",
    "fremdrift": 0.45,
    "fase": "løser plassfamilie 2 av 5 (korttid)",
    "beste_hittil": {"familier_ferdig": ["langtid"], "plassering": 381265, "grense": 381265, "bevist": True},
    "avbryt_bedt": False,
    "input_sha256": "9f2c…",
    "regelprofil": "tvedestrand",
    "vekter": {"alvorlighet": 4},
    "parametre": {"tidsgrense_s": 30.0, "arbeidere": 1, "frø": 0, "deterministisk": True},
    "motorversjon": "0.1.0",
    "losningsstatus": None,
    "objective": None,
    "best_bound": None,
    "gap": None,
    "solve_seconds": None,
    "ukp_dogn": None,
    "ukp_kostnad_nok": None,
    "forslag_klart": False,
    "analyser_ferdig": False,
    "feilmelding": None,
    "advarsler": [],
    "opprettet": "2026-11-27T09:00:00",
    "startet": "2026-11-27T09:00:01",
    "ferdig": None,
    "bestilt_av": "kari",
}


STOLTE_PROXYER = frozenset(x.strip() for x in os.environ.get("ALLOKERING_STOLTE_PROXYER", "").split(",") if x.strip())
"""Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses). Without it every
client behind one proxy would share one login limit."""


def klientadresse(request: Request, stolte: frozenset[str] | None = None) -> str:
    """The client's address for login throttling: the socket peer, or, when that is a trusted proxy
    (``stolte``, default ``STOLTE_PROXYER``), the right-most X-Forwarded-For hop that is not itself a
    trusted proxy."""
    stolte = STOLTE_PROXYER if stolte is None else stolte
    adresse = request.client.host if request.client else "ukjent"
    if adresse in stolte:
        for hopp in reversed(request.headers.get("x-forwarded-for", "").split(",")):
            hopp = hopp.strip()
            if hopp and hopp not in stolte:
                return hopp[:64]
    return adresse


def resultatets_sokere(res: Resultat) -> set[str]:
    """Every søker id a result names (explanations, assignments, waiting list)."""
    ut = {x.applicant_id for x in res.explanations}
    ut.update(x.applicant_id for x in res.assignments)
    ut.update(x.applicant_id for x in res.waiting_list)
    return ut
