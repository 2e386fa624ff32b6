"""Access on the basis of tjenstlig behov (issue 20, item 2): cases belong to a team, access outside
the team is given, time-limited and logged; no side doors (run error texts); a planlegger stops only
her own runs; small-group suppression in /dashbord/rettferdighet is complementary."""

from __future__ import annotations

import random
from typing import Any

from scipy.optimize import linprog
from sqlalchemy import select

from api.db import Kjoring, Tilgangslogg, naa
from api.web.dashbord_api import MIN_GRUPPE, skjult_tabell, skjulte_celler
from tests.api.conftest import vent_paa

PW = "et langt passord 7"


def _bruker(klient: Any, admin: dict[str, str], navn: str, rolle: str, team: str) -> dict[str, Any]:
    r = klient.post("/brukere", headers=admin, json={"navn": navn, "rolle": rolle, "passord": PW, "team": team})
    assert r.status_code == 201, r.text
    tok = klient.post("/auth/token", data={"username": navn, "password": PW}).json()["access_token"]
    return {"id": r.json()["id"], "h": {"Authorization": f"Bearer {tok}", "X-Formal": "saksbehandling"}}


def test_saksbehandler_ser_bare_teamets_saker_uten_tilgang(klient: Any, roller: dict[str, Any], app: Any) -> None:
    admin = roller["admin"]
    nord = _bruker(klient, admin, "nora", "saksbehandler", "nord")
    sor = _bruker(klient, admin, "sofie", "saksbehandler", "sør")
    r = klient.post("/saker/demo/tvedestrand", headers=nord["h"])
    assert r.status_code == 201 and r.json()["team"] == "nord"
    sak_id = r.json()["id"]
    stier = [
        f"/saker/{sak_id}/sokere/S-000001",
        f"/saker/{sak_id}/versjoner/1",
        f"/saker/{sak_id}/laaser",
        f"/saker/{sak_id}/beslutninger",
    ]
    for sti in stier:
        assert klient.get(sti, headers=nord["h"]).status_code == 200, sti
        r = klient.get(sti, headers=sor["h"])
        assert r.status_code == 403 and "teamet «nord»" in r.json()["detail"], sti
    r = klient.post(
        f"/saker/{sak_id}/laaser",
        headers=sor["h"],
        json={"soker_id": "S-000001", "type": "ikke_tildel", "begrunnelse": "prøver å endre"},
    )
    assert r.status_code == 403
    assert klient.post(f"/saker/{sak_id}/kjoringer", headers=sor["h"], json={}).status_code == 403
    with app.state.fabrikk() as s:
        nektet = s.scalars(select(Tilgangslogg).where(Tilgangslogg.bruker == "sofie")).all()
        assert nektet and all(x.utfall == "avvist (403)" for x in nektet if x.handling in ("les", "skriv"))
    # an admin gives sofie access for 7 days, with a reason; reads are marked in the log
    g = klient.post(
        f"/saker/{sak_id}/tilganger",
        headers=admin,
        json={"bruker_id": sor["id"], "dager": 7, "begrunnelse": "Vikar for Nora i tildelingsmøtet."},
    )
    assert g.status_code == 201, g.text
    assert klient.get(stier[0], headers=sor["h"]).status_code == 200
    with app.state.fabrikk() as s:
        rad = s.scalars(select(Tilgangslogg).where(Tilgangslogg.bruker == "sofie").order_by(Tilgangslogg.id)).all()[-1]
        assert rad.utfall == f"ok (sakstilgang {g.json()['id']})" and rad.soker_id == "S-000001"
        gitt = s.scalars(select(Tilgangslogg).where(Tilgangslogg.hva.like("ga «sofie» tilgang%"))).all()
        assert len(gitt) == 1 and gitt[0].bruker == "test-admin"
    assert klient.delete(f"/saker/{sak_id}/tilganger/{g.json()['id']}", headers=admin).status_code == 200
    assert klient.get(stier[0], headers=sor["h"]).status_code == 403
    # moving the case to sofie's team
    assert klient.put(f"/saker/{sak_id}/team", headers=admin, json={"team": "sør"}).json()["team"] == "sør"
    assert klient.get(stier[0], headers=sor["h"]).status_code == 200
    assert klient.get(stier[0], headers=nord["h"]).status_code == 403


def test_planlegger_stopper_bare_egne_kjoringer(klient: Any, roller: dict[str, Any], monkeypatch: Any) -> None:
    monkeypatch.setenv("ALLOKERING_JOBB_FORSINKELSE_S", "60")
    h = roller["saksbehandler"]
    sak_id = klient.post("/saker/demo/tvedestrand", headers=h).json()["id"]
    kid = klient.post(f"/saker/{sak_id}/kjoringer", headers=h, json={}).json()["id"]
    r = klient.delete(f"/kjoringer/{kid}", headers=roller["planlegger"])
    assert r.status_code == 403 and "sine egne" in r.json()["detail"]
    egen = klient.post(f"/saker/{sak_id}/kjoringer", headers=roller["planlegger"], json={}).json()["id"]
    assert klient.delete(f"/kjoringer/{egen}", headers=roller["planlegger"]).status_code == 202
    assert klient.delete(f"/kjoringer/{kid}", headers=h).status_code == 202
    assert vent_paa(klient, kid, h, 60)["status"] == "cancelled"


def test_feilmeldingen_viser_ingen_personopplysninger_til_andre(klient: Any, roller: dict[str, Any], app: Any) -> None:
    h = roller["saksbehandler"]
    sak_id = klient.post("/saker/demo/tvedestrand", headers=h).json()["id"]
    kid = klient.post(f"/saker/{sak_id}/kjoringer", headers=h, json={"parametre": {"tidsgrense_s": 5}}).json()["id"]
    vent_paa(klient, kid, h, 120)
    hemmelig = "Feil i låsene: S-000014 kan ikke tildeles E-STR-1: demensdiagnose, bor alene."
    with app.state.fabrikk.begin() as s:
        k = s.get(Kjoring, kid)
        assert k is not None
        k.status, k.feilmelding, k.ferdig = "failed", hemmelig, naa()
    for rolle in ("planlegger", "leder", "admin", "saksbehandler"):
        for sti in (f"/kjoringer/{kid}", f"/kjoringer?sak_id={sak_id}"):
            tekst = klient.get(sti, headers=roller[rolle]).text
            assert "S-000014" not in tekst and "demens" not in tekst and "Feil i låsene" in tekst, (rolle, sti)
    assert klient.get(f"/kjoringer/{kid}/feil", headers=roller["planlegger"]).status_code == 403
    r = klient.get(f"/kjoringer/{kid}/feil", headers=h)
    assert r.status_code == 200 and r.json()["feilmelding"] == hemmelig
    with app.state.fabrikk() as s:
        rader = s.scalars(select(Tilgangslogg).where(Tilgangslogg.sti == f"/kjoringer/{kid}/feil")).all()
        assert {x.soker_id for x in rader if x.utfall == "ok"} == {"S-000014"}


def test_komplementaer_skjuling_eksempelet_fra_saken() -> None:
    # total 9, kvinne 6 shown, mann 3 hidden: 9 − 6 would give mann away, so kvinne is hidden too
    assert skjulte_celler({None: {"kvinne": 6, "mann": 3}}) == {None: {"kvinne", "mann"}}
    assert skjulte_celler({None: {"kvinne": 6, "mann": 5}}) == {None: set()}
    # a cell small in one service's view: all services − langtid would give korttid's «a» away, so another
    # cell of group a is hidden too, and then one more cell in each view that lost one
    celler = {
        None: {"a": 10, "b": 12, "c": 11},
        "langtid": {"a": 8, "b": 12, "c": 11},
        "korttid": {"a": 2, "b": 0, "c": 0},
    }
    skjult = skjulte_celler(celler)
    assert "a" in skjult["korttid"] and "a" in skjult["langtid"]
    assert len(skjult["langtid"]) >= 2
    # a service with one søker does not show which group that søker is in (the empty cells are hidden too)
    en = skjulte_celler({None: {"a": 20, "b": 30}, "langtid": {"a": 19, "b": 30}, "akutt": {"a": 1}})
    assert en["akutt"] == {"a", "b"}
    # the large groups of the all-services view stay visible when only small services are hidden
    stor = skjulte_celler(
        {
            None: {"a": 40, "b": 50, "c": 60},
            "langtid": {"a": 30, "b": 40, "c": 50},
            "korttid": {"a": 8, "b": 9, "c": 8},
            "akutt": {"a": 2, "b": 1, "c": 2},
        }
    )
    assert stor[None] == set() and stor["akutt"] == {"a", "b", "c"}


def _spenn(
    celler: dict[str | None, dict[str, int]],
    skjult: dict[str | None, set[str]],
    skjult_total: set[str | None] = frozenset(),  # type: ignore[assignment]
) -> dict[Any, tuple[float, float]]:
    """What a reader can compute about each hidden cell (view, group) and hidden view total (view, None): its
    least and largest value consistent with every shown cell, every shown view total, «each view's cells sum to
    its total», «all services = the sum of the services» per group and for the totals (linear programming; the
    constraint matrix is a network's, so the bounds are whole numbers and exact; unbounded = not pinned)."""
    grupper = sorted({g for v in celler.values() for g in v})
    ukjente: list[Any] = [(v, g) for v in celler for g in grupper if g in skjult[v]]
    ukjente += [(v, None) for v in celler if v in skjult_total]
    indeks = {c: i for i, c in enumerate(ukjente)}
    a_eq, b_eq = [], []

    def kjent_verdi(v: Any, g: Any) -> int:
        return sum(celler[v].values()) if g is None else celler[v].get(g, 0)

    def rad(ledd: list[tuple[Any, int]], hoyre: float) -> None:
        r = [0.0] * len(ukjente)
        kjent = 0.0
        for (v, g), fortegn in ledd:
            if (v, g) in indeks:
                r[indeks[(v, g)]] += fortegn
            else:
                kjent += fortegn * kjent_verdi(v, g)
        if any(r):
            a_eq.append(r)
            b_eq.append(hoyre - kjent)

    tjenester = [v for v in celler if v is not None]
    for v in celler:
        rad([*[((v, g), 1) for g in grupper], ((v, None), -1)], 0)
    if None in celler:
        for g in grupper:
            rad([((None, g), 1), *[((v, g), -1) for v in tjenester]], 0)
        rad([((None, None), 1), *[((v, None), -1) for v in tjenester]], 0)
    ut = {}
    for c, i in indeks.items():
        mal = [0.0] * len(ukjente)
        mal[i] = 1.0
        lav = linprog(mal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        mal[i] = -1.0
        hoy = linprog(mal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert lav.status == 0 and hoy.status in (0, 3)
        ut[c] = (round(lav.fun), round(-hoy.fun) if hoy.status == 0 else 10**9)
    return ut


def test_skjulte_celler_kan_ikke_regnes_ut_tilfeldige_tabeller() -> None:
    """No shown cell is small, and for every hidden small cell (1–4 søkere) a reader who solves the table's
    equations cannot tell that the group is small and not empty: the least value it can have is 0, or the
    largest is at least MIN_GRUPPE."""
    rng = random.Random(7)
    for _ in range(250):
        grupper = [f"g{i}" for i in range(rng.randint(2, 5))]
        tjenester = ["langtid", "korttid", "avlastning", "akutt"][: rng.randint(1, 4)]
        celler: dict[str | None, dict[str, int]] = {
            t: {g: rng.choice([0, 0, 1, 2, 3, 5, 8, 13, 30]) for g in grupper} for t in tjenester
        }
        celler[None] = {g: sum(celler[t][g] for t in tjenester) for g in grupper}
        if not all(celler[None].values()):
            # A group nobody is in is not a group of the table (the page leaves it out). With it, «everyone is
            # in the other groups» follows from the totals whatever is hidden, and says nothing about a person.
            continue
        skjult = skjulte_celler(celler)
        for v, c in celler.items():
            assert not [g for g in grupper if g not in skjult[v] and 0 < c[g] < MIN_GRUPPE], (celler, skjult)
        for (v, g), (lav, hoy) in _spenn(celler, skjult, skjult_tabell(celler)[1]).items():
            if g is not None and 0 < celler[v][g] < MIN_GRUPPE:
                assert lav == 0 or hoy >= MIN_GRUPPE, (celler, skjult, v, g, lav, hoy)


def test_smaa_totaler_skjules_komplementaert() -> None:
    """A service whose own total is 1–4 has its total (and so every cell) hidden, and so many other services'
    totals that a reader solving every line of the table (views, groups across services, the totals across
    services) cannot pin a hidden small total or cell inside 1–4. Random tables weighted towards small services;
    the old rule hid small cells only and showed every total."""
    # the case from the issue: akutt has 3 søkere in all; all services 40 − langtid 37 would give it away
    celler: dict[str | None, dict[str, int]] = {
        None: {"kvinne": 22, "mann": 18},
        "langtid": {"kvinne": 20, "mann": 17},
        "akutt": {"kvinne": 2, "mann": 1},
    }
    skjult, totaler = skjult_tabell(celler)
    assert "akutt" in totaler and skjult["akutt"] == {"kvinne", "mann"}
    assert "langtid" in totaler  # the complement: otherwise 40 − 37 = 3
    assert None not in totaler
    assert (
        "akutt"
        not in skjult_tabell({None: {"a": 9, "b": 9}, "langtid": {"a": 4, "b": 5}, "akutt": {"a": 5, "b": 4}})[1]
    )
    rng = random.Random(11)
    provd = 0
    for _ in range(300):
        grupper = [f"g{i}" for i in range(rng.randint(2, 4))]
        tjenester = ["langtid", "korttid", "avlastning", "akutt", "dag"][: rng.randint(1, 5)]
        celler = {
            t: {
                g: rng.choice([0, 0, 1, 1, 2, 3, 6, 12]) if rng.random() < 0.5 else rng.choice([0, 1, 2])
                for g in grupper
            }
            for t in tjenester
        }
        celler[None] = {g: sum(celler[t][g] for t in tjenester) for g in grupper}
        if not all(celler[None].values()):
            continue
        skjult, totaler = skjult_tabell(celler)
        for v, c in celler.items():
            t = sum(c.values())
            if 0 < t < MIN_GRUPPE:
                provd += 1
                assert v in totaler and skjult[v] == set(grupper), (celler, skjult, totaler)
            assert not [g for g in grupper if g not in skjult[v] and 0 < c[g] < MIN_GRUPPE], (celler, skjult)
        for (v, g), (lav, hoy) in _spenn(celler, skjult, totaler).items():
            verdi = sum(celler[v].values()) if g is None else celler[v][g]
            if 0 < verdi < MIN_GRUPPE:
                assert lav == 0 or hoy >= MIN_GRUPPE, (celler, skjult, totaler, v, g, lav, hoy)
    assert provd > 50  # the random tables did contain small services


def test_rettferdighet_fra_api_et_oppfyller_regelen(klient: Any, roller: dict[str, Any]) -> None:
    h = roller["saksbehandler"]
    sak_id = klient.post("/saker/demo/sandefjord", headers=h).json()["id"]
    kid = klient.post(f"/saker/{sak_id}/kjoringer", headers=h, json={"parametre": {"tidsgrense_s": 20}}).json()["id"]
    assert vent_paa(klient, kid, h, 180)["status"] == "done"
    tjenester = {x["service"] for x in klient.get(f"/kjoringer/{kid}/resultat", headers=h).json()["explanations"]}
    sett: dict[str, set[str]] = {}
    for tjeneste in [None, *sorted(tjenester)]:
        q = f"/dashbord/rettferdighet?kjoring_id={kid}" + (f"&tjeneste={tjeneste}" if tjeneste else "")
        d = klient.get(q, headers=roller["leder"]).json()
        if d["skjult"]:  # a small service: its total and every group hidden
            assert d["kvalifiserte"] is None and d["tildelt"] is None
            assert all(g["skjult"] for dim in d["dimensjoner"] for g in dim["grupper"])
            continue
        assert d["kvalifiserte"] == 0 or d["kvalifiserte"] >= MIN_GRUPPE, (tjeneste, d["kvalifiserte"])
        for dim in d["dimensjoner"]:
            skjulte = {g["gruppe"] for g in dim["grupper"] if g["skjult"]}
            vist = sum(g["kvalifiserte"] for g in dim["grupper"] if not g["skjult"])
            rest = d["kvalifiserte"] - vist
            # the hidden groups hold 0 or at least MIN_GRUPPE, unless the view is that small (then all are hidden)
            assert rest == 0 or rest >= MIN_GRUPPE or all(g["skjult"] for g in dim["grupper"]), (tjeneste, dim)
            assert all(g["kvalifiserte"] >= MIN_GRUPPE for g in dim["grupper"] if not g["skjult"])
            sett.setdefault(dim["dimensjon"], set()).update(skjulte)
    print({k: sorted(v) for k, v in sett.items()})
