"""Fairness indicators for managers (aggregated, no personal identifiers): ``GET /dashbord/rettferdighet``.

For one finished run: among the søkere whose assessed need qualifies them for the service they applied
for (outcome «tildelt» or «venteliste»), the share who get a place in the planning horizon, per age
group, sex and district, and that share relative to the share for everyone (1.0 = like the whole).
The mean priority of each group (the assessed need: nytte, ressurs, alvorlighet, UKP) is shown beside
it, since «highest need first» (T §3.17) means a lower rate may be explained by lower assessed need.
Groups with fewer than ``MIN_GRUPPE`` søkere are suppressed (counts and rates hidden) so no one can be
recognised in a small group, and the suppression is complementary (``skjulte_grupper``): no hidden
group can be recovered from the total minus the shown groups, nor from one service's view against
all services.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from api.auth import AGGREGERT
from api.db import Kjoring
from api.schemas import FEILSVAR, Rettferdighet
from api.web.tilgang import krev_rolle
from modeller.sak import Sak

MIN_GRUPPE = 5
ALDERSGRUPPER = ((0, 66, "under 67"), (67, 79, "67–79"), (80, 89, "80–89"), (90, 200, "90 og eldre"))
KVALIFISERT = ("tildelt", "venteliste")

ruter = APIRouter(tags=["dashbord"])


def _aldersgruppe(alder: int) -> str:
    for lav, hoy, navn in ALDERSGRUPPER:
        if lav <= alder <= hoy:
            return navn
    return "ukjent"


def skjulte_grupper(celler: dict[str | None, dict[str, int]], min_gruppe: int = MIN_GRUPPE) -> set[str]:
    """The groups of one dimension to hide in every view, so no small group can be recovered.

    ``celler[view][group]`` = the number in the group in that view (``None`` = all services, and one
    view per service, since ``tjeneste`` filters). Primary: a group with 1 to ``min_gruppe``−1 in any
    view. Complementary: while some view has hidden groups whose sum is below ``min_gruppe`` (or a
    single hidden group, which the total minus the shown groups would give away), the smallest shown
    group is hidden too. The same groups are hidden in every view, so differences between views (all
    services minus one service) give only sums over groups that are hidden everywhere."""
    grupper = {g for v in celler.values() for g in v}
    skjult = {g for v in celler.values() for g, n in v.items() if 0 < n < min_gruppe}
    while skjult and skjult != grupper:
        svake = [
            v
            for v in celler.values()
            if any(v.get(g, 0) for g in skjult)
            and (sum(v.get(g, 0) for g in skjult) < min_gruppe or sum(1 for g in skjult if v.get(g, 0)) < 2)
        ]
        if not svake:
            break
        v = svake[0]
        kandidater = sorted((n, g) for g, n in v.items() if g not in skjult and n > 0)
        if not kandidater:  # nothing shown in this view to hide; hide the smallest shown group overall
            kandidater = sorted((sum(x.get(g, 0) for x in celler.values()), g) for g in grupper - skjult)
        skjult.add(kandidater[0][1])
    return skjult


def rettferdighet(kjoring: Kjoring, tjeneste: str | None = None) -> dict[str, Any]:
    """The indicators for one finished run (see the module docstring)."""
    sak = Sak.model_validate_json(kjoring.inndata, context={"utsett_kryssjekk": True})
    sokere = {s.id: s for s in sak.sokere}
    res = kjoring.resultat or {}
    prio = {v["applicant_id"]: v["priority"] for v in res.get("waiting_list", [])}
    prio.update({a["applicant_id"]: a["priority"] for a in res.get("assignments", [])})
    alle: list[tuple[Any, bool, int, str]] = []
    for f in res.get("explanations", []):
        s = sokere.get(f["applicant_id"])
        if s is None or f["outcome"] not in KVALIFISERT:
            continue
        alle.append((s, f["outcome"] == "tildelt", prio.get(s.id, 0), f["service"]))
    rader = [(s, t, p) for s, t, p, tj in alle if not tjeneste or tj == tjeneste]
    totalt = len(rader)
    tildelt = sum(1 for _, t, _ in rader if t)
    andel_alle = tildelt / totalt if totalt else None

    def dimensjon(navn: str, nokkel: Any, rekkefolge: list[str] | None = None) -> dict[str, Any]:
        celler: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for s, _, _, tj in alle:
            celler[None][nokkel(s)] += 1
            celler[tj][nokkel(s)] += 1
        skjult = skjulte_grupper(celler)
        grupper: dict[str, list[tuple[bool, int]]] = defaultdict(list)
        for s, t, p in rader:
            grupper[nokkel(s)].append((t, p))
        navnene = rekkefolge or sorted(grupper)
        ut = []
        for g in navnene:
            xs = grupper.get(g, [])
            if not xs and rekkefolge:
                continue
            if g in skjult or len(xs) < MIN_GRUPPE:
                ut.append(
                    {
                        "gruppe": g,
                        "skjult": True,
                        "kvalifiserte": None,
                        "tildelt": None,
                        "andel_tildelt": None,
                        "relativ": None,
                        "snitt_prioritet": None,
                    }
                )
                continue
            n_t = sum(1 for t, _ in xs if t)
            andel = n_t / len(xs)
            ut.append(
                {
                    "gruppe": g,
                    "skjult": False,
                    "kvalifiserte": len(xs),
                    "tildelt": n_t,
                    "andel_tildelt": round(andel, 3),
                    "relativ": round(andel / andel_alle, 2) if andel_alle else None,
                    "snitt_prioritet": round(sum(p for _, p in xs) / len(xs), 1),
                }
            )
        return {"dimensjon": navn, "grupper": ut}

    return {
        "kjoring_id": kjoring.id,
        "tjeneste": tjeneste,
        "min_gruppe": MIN_GRUPPE,
        "kvalifiserte": totalt,
        "tildelt": tildelt,
        "andel_tildelt": round(andel_alle, 3) if andel_alle is not None else None,
        "dimensjoner": [
            dimensjon("aldersgruppe", lambda s: _aldersgruppe(s.alder), [n for _, _, n in ALDERSGRUPPER]),
            dimensjon("kjønn", lambda s: s.kjonn.value, ["kvinne", "mann"]),
            dimensjon("bydel", lambda s: s.bydel),
        ],
    }


@ruter.get(
    "/dashbord/rettferdighet",
    response_model=Rettferdighet,
    summary="Likebehandling: tildelingsandel etter alder, kjønn og bydel",
    description=(
        "Blant søkere med vurdert behov som kvalifiserer (tildelt eller venteliste): andelen som får plass i "
        f"planperioden per aldersgruppe, kjønn og bydel, relativt til alle. Grupper med færre enn {MIN_GRUPPE} "
        "søkere skjules. Aggregert; alle roller."
    ),
    responses={
        200: {
            "description": "OK",
            "content": {
                "application/json": {
                    "example": {
                        "kjoring_id": 7,
                        "tjeneste": None,
                        "min_gruppe": MIN_GRUPPE,
                        "kvalifiserte": 42,
                        "tildelt": 21,
                        "andel_tildelt": 0.5,
                        "dimensjoner": [
                            {
                                "dimensjon": "kjønn",
                                "grupper": [
                                    {
                                        "gruppe": "kvinne",
                                        "skjult": False,
                                        "kvalifiserte": 25,
                                        "tildelt": 12,
                                        "andel_tildelt": 0.48,
                                        "relativ": 0.96,
                                        "snitt_prioritet": 301.2,
                                    }
                                ],
                            }
                        ],
                    }
                }
            },
        },
        **FEILSVAR,
    },
)
def dash_rettferdighet(
    request: Request,
    _b: Annotated[dict[str, Any], Depends(krev_rolle(AGGREGERT))],
    kjoring_id: Annotated[int, Query(ge=1, le=2**31 - 1, description="Kjøringen tallene gjelder.")],
    tjeneste: Annotated[str | None, Query(max_length=40, description="Bare denne tjenesten.")] = None,
) -> dict[str, Any]:
    with request.app.state.fabrikk() as s:
        k = s.get(Kjoring, kjoring_id)
        if k is None:
            raise HTTPException(404, f"Kjøringen {kjoring_id} finnes ikke.")
        if k.status != "done" or k.resultat is None:
            raise HTTPException(409, f"Kjøringen {kjoring_id} har ikke noe resultat (status «{k.status}»).")
        return rettferdighet(k, tjeneste or None)
