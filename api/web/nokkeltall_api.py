"""Headline figures for managers (``GET /dashbord/nokkeltall``), aggregated, no personal identifiers:

* people waiting now (the latest finished run's waiting list), in all and per service;
* the trend per week, from the meeting's decisions over time (not from solver runs): for each of the last
  weeks, how many søkere had «venteliste» as their current decision at the end of the week;
* median and p90 wait per service (days waited so far by those on the waiting list);
* occupancy per place type on the first day of the plan (current stays plus the plan's placements);
* UKP days and cost in the current plan, and summed over the plans the meeting finalised this month and this year.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy import select

from api import tjenester
from api.db import Beslutning, Kjoring, Moteavslutning, naa
from api.dependencies import Aggregert, Ses, hent_sak
from api.schemas import eks

ruter = APIRouter(tags=["dashbord"])

UKER = 8
"""Weeks in the trend."""


def p90(verdier: list[int]) -> int | None:
    """The 90th percentile by the nearest-rank method (a value that occurs in the data)."""
    if not verdier:
        return None
    v = sorted(verdier)
    return v[max(0, math.ceil(0.9 * len(v)) - 1)]


def median(verdier: list[int]) -> float | None:
    if not verdier:
        return None
    v = sorted(verdier)
    n = len(v)
    return float(v[n // 2]) if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def ukestrend(beslutninger: list[tuple[str, str, datetime]], idag: date, uker: int = UKER) -> list[dict[str, Any]]:
    """Per week (Monday–Sunday, the last ``uker`` weeks up to and including this one): the number of søkere whose
    latest decision at the end of the week is «venteliste». ``beslutninger`` = (søker, utfall, time)."""
    mandag = idag - timedelta(days=idag.weekday())
    ut = []
    for i in range(uker - 1, -1, -1):
        start = mandag - timedelta(weeks=i)
        slutt = datetime.combine(start + timedelta(days=7), time.min)
        siste: dict[str, tuple[datetime, str]] = {}
        for soker, utfall, t in beslutninger:
            if t < slutt and (soker not in siste or t >= siste[soker][0]):
                siste[soker] = (t, utfall)
        aar, uke, _ = start.isocalendar()
        ut.append(
            {
                "uke": f"{aar}-U{uke:02d}",
                "fra": start.isoformat(),
                "venteliste": sum(1 for _, u in siste.values() if u == "venteliste"),
                "tildelt": sum(1 for _, u in siste.values() if u == "tildelt"),
            }
        )
    return ut


@ruter.get(
    "/dashbord/nokkeltall",
    summary="Nøkkeltall for ledelsen",
    description=(
        "Hvor mange som venter nå og utviklingen per uke (fra møtets beslutninger), median og p90 ventetid per "
        "tjeneste, belegg per plasstype og UKP-døgn og -kostnad. Aggregert; ingen personopplysninger."
    ),
    responses=eks(
        {
            "sak_id": 1,
            "kjoring_id": 7,
            "startdato": "2026-11-30",
            "venter_naa": 12,
            "ventetid": [{"tjeneste": "langtid", "antall": 8, "median_dager": 41.5, "p90_dager": 120}],
            "trend": [{"uke": "2026-U49", "fra": "2026-11-30", "venteliste": 12, "tildelt": 30}],
            "belegg": [{"plasstype": "langtid_somatisk", "plasser": 40, "belagt": 39, "andel": 0.975}],
            "ukp": {
                "plan_dogn": 69,
                "plan_kostnad_nok": 396405,
                "denne_maaned": {"planer": 1, "dogn": 69, "kostnad_nok": 396405},
                "hittil_i_aar": {"planer": 3, "dogn": 180, "kostnad_nok": 1034100},
            },
        }
    ),
)
def nokkeltall(s: Ses, _b: Aggregert, sak_id: Annotated[int, Query(ge=1, le=2**31 - 1)]) -> dict[str, Any]:
    hent_sak(s, sak_id)
    k = s.scalar(
        select(Kjoring).where(Kjoring.sak_id == sak_id, Kjoring.status == "done").order_by(Kjoring.id.desc()).limit(1)
    )
    if k is None or k.resultat is None:
        raise HTTPException(409, f"Saken {sak_id} har ingen ferdige kjøringer ennå.")
    res = k.resultat
    venter: dict[str, list[int]] = defaultdict(list)
    for w in res.get("waiting_list", []):
        venter[w["service"]].append(int(w["waiting_days"]))
    belegg = tjenester.belegg(k)
    belagt: Counter[str] = Counter()
    kapasitet: Counter[str] = Counter()
    for e in belegg["enheter"]:
        kapasitet[e["plasstype"]] += e["kapasitet"]
        belagt[e["plasstype"]] += e["dager"][0]["belagt"] if e["dager"] else 0
    rader = s.execute(
        select(Beslutning.soker_id, Beslutning.utfall, Beslutning.besluttet).where(Beslutning.sak_id == sak_id)
    ).all()
    idag = naa().date()
    avsluttet = s.execute(
        select(Moteavslutning.tidspunkt, Kjoring.ukp_dager, Kjoring.ukp_kostnad)
        .join(Kjoring, Kjoring.id == Moteavslutning.kjoring_id)
        .where(Moteavslutning.sak_id == sak_id, Moteavslutning.handling == "ferdigbehandlet")
    ).all()

    def ukp_sum(fra: date) -> dict[str, int]:
        valgt = [r for r in avsluttet if r[0].date() >= fra]
        return {
            "planer": len(valgt),
            "dogn": sum(r[1] or 0 for r in valgt),
            "kostnad_nok": sum(r[2] or 0 for r in valgt),
        }

    return {
        "sak_id": sak_id,
        "kjoring_id": k.id,
        "startdato": belegg["startdato"],
        "venter_naa": sum(len(v) for v in venter.values()),
        "ventetid": [
            {"tjeneste": t, "antall": len(v), "median_dager": median(v), "p90_dager": p90(v)}
            for t, v in sorted(venter.items())
        ],
        "trend": ukestrend([(r[0], r[1], r[2]) for r in rader], idag),
        "belegg": [
            {
                "plasstype": p,
                "plasser": kapasitet[p],
                "belagt": belagt[p],
                "andel": round(belagt[p] / kapasitet[p], 4) if kapasitet[p] else None,
            }
            for p in sorted(kapasitet)
        ],
        "ukp": {
            "plan_dogn": k.ukp_dager,
            "plan_kostnad_nok": k.ukp_kostnad,
            "denne_maaned": ukp_sum(idag.replace(day=1)),
            "hittil_i_aar": ukp_sum(idag.replace(month=1, day=1)),
        },
    }
