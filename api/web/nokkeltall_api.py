"""Headline figures for managers (``GET /dashbord/nokkeltall``), aggregated, no personal identifiers, all from the
meeting's decisions over time (stored in ``beslutninger``), not from solver runs:

* people waiting now (latest decision «venteliste»), in all and per service, and the trend per week;
* median and p90 days waited per service, now and per week (hidden for groups under ``MIN_GRUPPE``);
* occupancy per place type, now and per week (current stays plus granted places that have started);
* UKP days (utskrivningsklare søkere in hospital without a started place) and their cost, per week, this month and
  this year to date.

The current plan (the latest finished run) is shown beside them for reference only.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy import func, select

from api.db import Beslutning, Kjoring, Moteavslutning, Saksversjon, naa
from api.dependencies import Aggregert, Ses, hent_sak
from api.resultat import les_resultat
from api.schemas import eks
from api.web.dashbord_api import MIN_GRUPPE
from modeller.kodeverk import Oppholdssted
from modeller.sak import Sak

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


AVSLAG = frozenset({"ikke_kvalifisert", "mangler_opplysninger", "takket_nei", "avslag"})
"""Decisions after which a utskrivningsklar søker no longer waits for a municipal place (no UKP days counted)."""


def _uke_slutt(mandag: date, idag: date) -> date:
    """The day a week's figures are taken on: its Sunday, or today for the current week."""
    return min(mandag + timedelta(days=6), idag)


def fra_beslutninger(
    sak: Sak,
    beslutninger: list[tuple[str, str, str | None, date | None, datetime]],
    idag: date,
    uker: int = UKER,
    min_gruppe: int = MIN_GRUPPE,
) -> dict[str, Any]:
    """The managers' figures from the meeting's decisions over time, not from solver runs.

    ``beslutninger`` = (søker, utfall, enhet, startdato, besluttet). On each week's last day (today for the
    current week) a søker's state is their latest decision made by the end of that day; the søker's service,
    søknad date and utskrivningsklar date come from the case (``sak``). Per week: people waiting (per service),
    median and p90 days waited per service (hidden for fewer than ``min_gruppe`` people: the figure would be
    one person's wait), occupancy per place type (the case's current stays still running that day, less the
    stays of søkere who have moved into a place they were granted, plus the granted places started by that day,
    over the capacity) and UKP days (days a utskrivningsklar søker waited in hospital without a started place
    and without a refusal). UKP days and cost are also summed for this month and this year up to today."""
    sokere = {s.id: s for s in sak.sokere}
    enheter = {e.id: e for e in sak.enheter}
    kapasitet: Counter[str] = Counter()
    for e in enheter.values():
        kapasitet[e.plasstype.value] += e.kapasitet
    rader = sorted((b for b in beslutninger if b[0] in sokere), key=lambda b: (b[4], b[0], b[1]))

    minne: dict[date, dict[str, tuple[str, str | None, date | None]]] = {}

    def tilstand(dag: date) -> dict[str, tuple[str, str | None, date | None]]:
        if dag not in minne:
            slutt = datetime.combine(dag + timedelta(days=1), time.min)
            ut: dict[str, tuple[str, str | None, date | None]] = {}
            for soker, utfall, enhet, start, t in rader:
                if t < slutt:
                    ut[soker] = (utfall, enhet, start)
            minne[dag] = ut
        return minne[dag]

    def plassert(st: tuple[str, str | None, date | None] | None, dag: date) -> bool:
        return st is not None and st[0] == "tildelt" and st[2] is not None and st[2] <= dag

    def ukp_dager(fra: date, til: date) -> int:
        n = 0
        for s in sokere.values():
            if s.oppholdssted != Oppholdssted.SYKEHUS_UKP or s.utskrivningsklar_dato is None:
                continue
            dag = max(fra, s.utskrivningsklar_dato)
            while dag <= til:
                st = tilstand(dag).get(s.id)
                if not plassert(st, dag) and not (st is not None and st[0] in AVSLAG):
                    n += 1
                dag += timedelta(days=1)
        return n

    def ventetider(dag: date, st: dict[str, tuple[str, str | None, date | None]]) -> dict[str, dict[str, Any]]:
        per: dict[str, list[int]] = defaultdict(list)
        for soker, (utfall, _, _) in st.items():
            if utfall == "venteliste":
                s = sokere[soker]
                per[s.soknad.tjeneste.value].append(max(0, (dag - s.soknad.soknadsdato).days))
        return {
            tj: {
                "venter": len(v),
                "median_dager": median(v) if len(v) >= min_gruppe else None,
                "p90_dager": p90(v) if len(v) >= min_gruppe else None,
            }
            for tj, v in sorted(per.items())
        }

    def belegg(dag: date, st: dict[str, tuple[str, str | None, date | None]]) -> dict[str, dict[str, Any]]:
        flyttet = {
            s.naverende_opphold_id for s in sokere.values() if s.naverende_opphold_id and plassert(st.get(s.id), dag)
        }
        belagt: Counter[str] = Counter()
        for o in sak.opphold:
            if o.id in flyttet or o.enhet_id not in enheter or o.start > dag:
                continue
            if o.forventet_slutt is None or o.forventet_slutt >= dag:
                belagt[enheter[o.enhet_id].plasstype.value] += 1
        for utfall, enhet, start in st.values():
            if utfall == "tildelt" and enhet in enheter and start is not None and start <= dag:
                belagt[enheter[enhet].plasstype.value] += 1
        return {
            p: {"belagt": belagt[p], "andel": round(belagt[p] / kapasitet[p], 4) if kapasitet[p] else None}
            for p in sorted(kapasitet)
        }

    mandag = idag - timedelta(days=idag.weekday())
    trend = []
    for i in range(uker - 1, -1, -1):
        start = mandag - timedelta(weeks=i)
        dag = _uke_slutt(start, idag)
        st = tilstand(dag)
        aar, uke, _ = start.isocalendar()
        vt = ventetider(dag, st)
        trend.append(
            {
                "uke": f"{aar}-U{uke:02d}",
                "fra": start.isoformat(),
                "dato": dag.isoformat(),
                "venteliste": sum(1 for u, _, _ in st.values() if u == "venteliste"),
                "tildelt": sum(1 for u, _, _ in st.values() if u == "tildelt"),
                "per_tjeneste": vt,
                "belegg": belegg(dag, st),
                "ukp_dogn": ukp_dager(start, dag),
            }
        )
    pris = sak.profil.ukp_dognpris_nok
    maaned = ukp_dager(idag.replace(day=1), idag)
    aar_ = ukp_dager(idag.replace(month=1, day=1), idag)
    naa_st = tilstand(idag)
    return {
        "dato": idag.isoformat(),
        "venter_naa": sum(1 for u, _, _ in naa_st.values() if u == "venteliste"),
        "ventetid_naa": ventetider(idag, naa_st),
        "belegg_naa": belegg(idag, naa_st),
        "kapasitet": dict(sorted(kapasitet.items())),
        "trend": trend,
        "ukp": {
            "dognpris_nok": pris,
            "denne_maaned": {"dogn": maaned, "kostnad_nok": maaned * pris},
            "hittil_i_aar": {"dogn": aar_, "kostnad_nok": aar_ * pris},
        },
    }


@ruter.get(
    "/dashbord/nokkeltall",
    summary="Nøkkeltall for ledelsen",
    description=(
        "Fra møtets beslutninger over tid (ikke fra kjøringene): hvor mange som venter nå og utviklingen per uke, "
        "median og p90 ventetid per tjeneste (skjult for færre enn fem), belegg per plasstype og UKP-døgn og "
        "-kostnad denne måneden og hittil i år. Gjeldende plan (siste kjøring) vises for seg. Aggregert; ingen "
        "personopplysninger."
    ),
    responses=eks(
        {
            "sak_id": 1,
            "dato": "2026-12-05",
            "beslutninger": 183,
            "ferdigbehandlede_moter": 1,
            "min_gruppe": 5,
            "venter_naa": 12,
            "ventetid": [{"tjeneste": "langtid", "venter": 8, "median_dager": 41.5, "p90_dager": 120}],
            "trend": [
                {
                    "uke": "2026-U49",
                    "fra": "2026-11-30",
                    "dato": "2026-12-05",
                    "venteliste": 12,
                    "tildelt": 30,
                    "per_tjeneste": {"langtid": {"venter": 8, "median_dager": 41.5, "p90_dager": 120}},
                    "belegg": {"langtid_somatisk": {"belagt": 39, "andel": 0.975}},
                    "ukp_dogn": 14,
                }
            ],
            "belegg": [{"plasstype": "langtid_somatisk", "plasser": 40, "belagt": 39, "andel": 0.975}],
            "ukp": {
                "dognpris_nok": 5745,
                "denne_maaned": {"dogn": 14, "kostnad_nok": 80430},
                "hittil_i_aar": {"dogn": 180, "kostnad_nok": 1034100},
            },
            "plan": {"kjoring_id": 7, "venteliste": 12, "ukp_dogn": 69, "ukp_kostnad_nok": 396405},
        }
    ),
)
def nokkeltall(s: Ses, _b: Aggregert, sak_id: Annotated[int, Query(ge=1, le=2**31 - 1)]) -> dict[str, Any]:
    hent_sak(s, sak_id)
    v = s.scalar(select(Saksversjon).where(Saksversjon.sak_id == sak_id).order_by(Saksversjon.versjon.desc()).limit(1))
    if v is None:
        raise HTTPException(409, f"Saken {sak_id} har ingen versjoner.")
    sak = Sak.model_validate_json(v.data, context={"utsett_kryssjekk": True})
    rader = s.execute(
        select(Beslutning.soker_id, Beslutning.utfall, Beslutning.enhet_id, Beslutning.startdato, Beslutning.besluttet)
        .where(Beslutning.sak_id == sak_id)
        .order_by(Beslutning.id)
    ).all()
    idag = naa().date()
    b = fra_beslutninger(sak, [(r[0], r[1], r[2], r[3], r[4]) for r in rader], idag)
    k = s.scalar(
        select(Kjoring).where(Kjoring.sak_id == sak_id, Kjoring.status == "done").order_by(Kjoring.id.desc()).limit(1)
    )
    plan = None
    res = None if k is None else les_resultat(k)
    if k is not None and res is not None:
        plan = {
            "kjoring_id": k.id,
            "venteliste": len(res.waiting_list),
            "ukp_dogn": k.ukp_dager,
            "ukp_kostnad_nok": k.ukp_kostnad,
        }
    avsluttet = s.scalar(
        select(func.count())
        .select_from(Moteavslutning)
        .where(Moteavslutning.sak_id == sak_id, Moteavslutning.handling == "ferdigbehandlet")
    )
    return {
        "sak_id": sak_id,
        "dato": b["dato"],
        "beslutninger": len(rader),
        "ferdigbehandlede_moter": int(avsluttet or 0),
        "min_gruppe": MIN_GRUPPE,
        "venter_naa": b["venter_naa"],
        "ventetid": [{"tjeneste": tj, **x} for tj, x in b["ventetid_naa"].items()],
        "trend": b["trend"],
        "belegg": [{"plasstype": p, "plasser": b["kapasitet"][p], **x} for p, x in b["belegg_naa"].items()],
        "ukp": b["ukp"],
        "plan": plan,
    }
