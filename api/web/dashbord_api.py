"""Fairness indicators for managers (aggregated, no personal identifiers): ``GET /dashbord/rettferdighet``.

For one finished run: among the søkere whose assessed need qualifies them for the service they applied
for (outcome «tildelt» or «venteliste»), the share who get a place in the planning horizon, per age
group, sex and district, and that share relative to the share for everyone (1.0 = like the whole).
The mean priority of each group (the assessed need: nytte, ressurs, alvorlighet, UKP) is shown beside
it, since «highest need first» (T §3.17) means a lower rate may be explained by lower assessed need.
Groups with fewer than ``MIN_GRUPPE`` søkere are suppressed (counts and rates hidden) so no one can be
recognised in a small group; so is a service's own total below ``MIN_GRUPPE`` (with its groups).
The suppression is complementary (``skjult_tabell``): no hidden group or total can be recovered from
the total minus the shown groups, from one service's view against all services, nor from the total of
all services minus the shown services' totals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from scipy.optimize import linprog

from api.auth import AGGREGERT
from api.db import Kjoring
from api.resultat import les_resultat
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


def skjulte_celler(
    celler: dict[str | None, dict[str, int]], min_gruppe: int = MIN_GRUPPE
) -> dict[str | None, set[str]]:
    """The cells of one dimension to hide, per view (see ``skjult_tabell``, which also hides view totals)."""
    return skjult_tabell(celler, min_gruppe)[0]


def skjult_tabell(
    celler: dict[str | None, dict[str, int]],
    min_gruppe: int = MIN_GRUPPE,
    totaler: Iterable[str | None] = (),
) -> tuple[dict[str | None, set[str]], set[str | None]]:
    """The cells of one dimension to hide per view, and the views whose total is hidden, so no small group
    and no small service can be recovered.

    ``celler[view][group]`` = the number in the group in that view (``None`` = all services, and one
    view per service, since ``tjeneste`` filters). The table has three kinds of lines a reader can
    subtract along: a view (its total is shown unless hidden), a group across views (all services = the
    sum of the services) and the totals (all services' total = the sum of the services' totals).

    Primary: every cell with 1 to ``min_gruppe``−1, the views in ``totaler`` (hidden by another dimension's
    table, since a view's total is the same in every dimension), and every view whose own total is 1 to ``min_gruppe``−1
    (a view with a hidden total has all its cells hidden: its cells would add up to the total).
    Complementary, until nothing changes: a view whose hidden cells hold something must have at least two
    hidden cells holding something and hidden cells summing to at least ``min_gruppe``; a group must have 0
    or at least two hidden cells holding something among its views; the services' hidden totals likewise
    (0, or at least two holding something and summing to at least ``min_gruppe``). A line that breaks this
    gets its smallest shown cell (or total) hidden (one holding something first; an empty cell only when
    nothing else is left, so a view with one søker does not show which group the others are not in).
    Hiding cell by cell instead of whole groups everywhere keeps the large groups of the all-services view
    visible when one small service is hidden. The rules are a heuristic; the audit (``_avslorte``: linear
    programming over every hidden cell and total) decides, and hides more while a hidden small cell or
    total can be pinned inside 1..``min_gruppe``−1. ``tests/api/test_tilgang.py`` checks it independently."""
    visninger = list(celler)
    grupper = sorted({g for v in celler.values() for g in v})
    tjenester = [v for v in visninger if v is not None]

    def n(v: str | None, g: str) -> int:
        return celler[v].get(g, 0)

    def total(v: str | None) -> int:
        return sum(celler[v].values())

    skjult: dict[str | None, set[str]] = {v: {g for g in grupper if 0 < n(v, g) < min_gruppe} for v in visninger}
    skjult_total: set[str | None] = {v for v in visninger if 0 < total(v) < min_gruppe} | set(totaler)
    if None in skjult_total:  # everyone is a small group: nothing of any view is shown
        skjult_total = set(visninger)

    def skjul_minste(linje: list[tuple[str | None, str]], tomme: bool) -> bool:
        kandidater = sorted((n(v, g), str(v), g, v) for v, g in linje if g not in skjult[v] and (n(v, g) > 0 or tomme))
        if not kandidater:
            return False
        _, _, g, v = kandidater[0]
        skjult[v].add(g)
        return True

    def skjul_minste_total(tomme: bool) -> bool:
        kandidater = sorted((total(v), str(v), v) for v in tjenester if v not in skjult_total and (total(v) or tomme))
        if not kandidater:
            return False
        skjult_total.add(kandidater[0][2])
        return True

    endret = True
    while endret:
        endret = False
        for v in skjult_total:
            if skjult[v] != set(grupper):
                skjult[v] = set(grupper)
                endret = True
        for v in visninger:
            holder = [g for g in skjult[v] if n(v, g) > 0]
            if v not in skjult_total and holder and (len(holder) < 2 or sum(n(v, g) for g in holder) < min_gruppe):
                linje = [(v, g) for g in grupper]
                endret |= skjul_minste(linje, False) or skjul_minste(linje, True)
        if None in celler and tjenester:
            for g in grupper:
                linje = [(v, g) for v in visninger]
                i_gruppen = [w for w, _ in linje if g in skjult[w] and n(w, g) > 0]
                if len(i_gruppen) == 1:
                    endret |= skjul_minste(linje, False) or skjul_minste(linje, True)
            if None not in skjult_total:
                holder_t = [v for v in skjult_total if v is not None and total(v) > 0]
                if holder_t and (len(holder_t) < 2 or sum(total(v) for v in holder_t) < min_gruppe):
                    endret |= skjul_minste_total(False) or skjul_minste_total(True)
        if not endret:
            # The rules above are a heuristic; the audit decides. A hidden small cell or total that the shown cells,
            # the shown totals and «all services = the sum» pin inside 1..min_gruppe−1 gets one more of its lines
            # hidden.
            for v, gruppe in _avslorte(celler, skjult, skjult_total, grupper, min_gruppe):
                if gruppe is None:
                    if skjul_minste_total(False) or skjul_minste_total(True):
                        endret = True
                        break
                    continue
                linjer = [(v, h) for h in grupper] + [(w, gruppe) for w in visninger]
                if skjul_minste(linjer, False) or skjul_minste(linjer, True):
                    endret = True
                    break
    return skjult, skjult_total


def _avslorte(
    celler: dict[str | None, dict[str, int]],
    skjult: dict[str | None, set[str]],
    skjult_total: set[str | None],
    grupper: list[str],
    min_gruppe: int,
) -> list[tuple[str | None, str | None]]:
    """The hidden cells (view, group) and hidden view totals (view, ``None``) with 1..min_gruppe−1 søkere whose
    least possible value is at least 1 and largest below ``min_gruppe``, given everything shown (linear
    programming over the hidden cells and totals: every view's cells sum to its total and, with an all-services
    view, each group's and the totals' sum over the services; a network's matrix, so the bounds are exact)."""
    ukjente: list[tuple[str | None, str | None]] = [(v, g) for v in celler for g in grupper if g in skjult[v]]
    ukjente += [(v, None) for v in celler if v in skjult_total]
    if not ukjente:
        return []
    nr = {c: i for i, c in enumerate(ukjente)}

    def verdi(v: str | None, g: str | None) -> int:
        return sum(celler[v].values()) if g is None else celler[v].get(g, 0)

    tjenester = [v for v in celler if v is not None]
    linjer: list[list[tuple[str | None, str | None, int]]] = [
        [*[(v, g, 1) for g in grupper], (v, None, -1)] for v in celler
    ]
    if None in celler and tjenester:
        linjer += [[(None, g, 1), *[(v, g, -1) for v in tjenester]] for g in grupper]
        linjer.append([(None, None, 1), *[(v, None, -1) for v in tjenester]])
    a = np.zeros((len(linjer), len(ukjente)))
    b = np.zeros(len(linjer))
    for i, ledd in enumerate(linjer):
        for v, g, fortegn in ledd:
            if (v, g) in nr:
                a[i, nr[(v, g)]] += fortegn
            else:
                b[i] -= fortegn * verdi(v, g)
    brukt = np.any(a != 0, axis=1)
    a, b = a[brukt], b[brukt]
    ut = []
    for c, i in nr.items():
        if not 0 < verdi(*c) < min_gruppe:
            continue
        e = np.zeros(len(ukjente))
        e[i] = 1.0
        lav = linprog(e, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        hoy = linprog(-e, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        if lav.status == 0 and hoy.status == 0 and round(lav.fun) >= 1 and round(-hoy.fun) < min_gruppe:
            ut.append(c)
    return ut


def rettferdighet(kjoring: Kjoring, tjeneste: str | None = None) -> dict[str, Any]:
    """The indicators for one finished run (see the module docstring)."""
    sak = Sak.model_validate_json(kjoring.inndata, context={"utsett_kryssjekk": True})
    sokere = {s.id: s for s in sak.sokere}
    res = les_resultat(kjoring)
    alle: list[tuple[Any, bool, int, str]] = []
    if res is not None:
        prio = {v.applicant_id: v.priority for v in res.waiting_list}
        prio.update({a.applicant_id: a.priority for a in res.assignments})
        for f in res.explanations:
            s = sokere.get(f.applicant_id)
            if s is None or f.outcome not in KVALIFISERT:
                continue
            alle.append((s, f.outcome == "tildelt", prio.get(s.id, 0), f.service))
    rader = [(s, t, p) for s, t, p, tj in alle if not tjeneste or tj == tjeneste]
    totalt = len(rader)
    tildelt = sum(1 for _, t, _ in rader if t)
    andel_alle = tildelt / totalt if totalt else None

    def tabell(nokkel: Any) -> dict[str | None, dict[str, int]]:
        celler: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for s, _, _, tj in alle:
            celler[None][nokkel(s)] += 1
            celler[tj][nokkel(s)] += 1
        return celler

    dimensjoner: list[tuple[str, Any, list[str] | None]] = [
        ("aldersgruppe", lambda s: _aldersgruppe(s.alder), [n for _, _, n in ALDERSGRUPPER]),
        ("kjønn", lambda s: s.kjonn.value, ["kvinne", "mann"]),
        ("bydel", lambda s: s.bydel, None),
    ]
    tabeller = {navn: tabell(nokkel) for navn, nokkel, _ in dimensjoner}
    # A view's total is the same in every dimension: hide it if any dimension's table hides it, and redo the
    # tables with that until the hidden totals agree.
    skjulte_totaler: set[str | None] = set()
    while True:
        losning = {navn: skjult_tabell(c, MIN_GRUPPE, skjulte_totaler) for navn, c in tabeller.items()}
        alle_totaler = set().union(*(tot for _, tot in losning.values()))
        if alle_totaler == skjulte_totaler:
            break
        skjulte_totaler = alle_totaler
    total_skjult = tjeneste in skjulte_totaler

    def dimensjon(navn: str, nokkel: Any, rekkefolge: list[str] | None = None) -> dict[str, Any]:
        skjult = losning[navn][0].get(tjeneste, set())
        if total_skjult:
            skjult = {g for c in tabeller[navn].values() for g in c}
        grupper: dict[str, list[tuple[bool, int]]] = defaultdict(list)
        for s, t, p in rader:
            grupper[nokkel(s)].append((t, p))
        navnene = rekkefolge or sorted(set(grupper) | skjult)
        ut = []
        for g in navnene:
            xs = grupper.get(g, [])
            if not xs and g not in skjult:  # an empty group is left out, unless leaving it out would tell
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
        "skjult": total_skjult,
        "kvalifiserte": None if total_skjult else totalt,
        "tildelt": None if total_skjult else tildelt,
        "andel_tildelt": round(andel_alle, 3) if andel_alle is not None and not total_skjult else None,
        "dimensjoner": [dimensjon(navn, nokkel, rekkefolge) for navn, nokkel, rekkefolge in dimensjoner],
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
