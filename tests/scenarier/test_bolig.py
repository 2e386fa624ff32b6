"""Omsorgsboliger in the scenario simulator: eligible prototypes, the initial state, placements,
occupancy, determinism, untouched draws of the other services, capacity plans on housing units, the
yearly outputs and the capacity search (the report's bolig sections: test_montecarlo)."""

from __future__ import annotations

import dataclasses
import math
import random
from datetime import date

import numpy as np
import pytest

from allokering.loser import loes
from allokering.regler import Utfall, kvalifiser_alle
from modeller.institusjon import Enhet, Institusjon
from modeller.kodeverk import Familie, Plasstype
from modeller.regelprofil import SANDEFJORD, TVEDESTRAND
from modeller.sak import Kommune, Sak
from scenarier.behov import BOLIGTJENESTER, Behovsmodell, bolig_per_aar
from scenarier.dask_backend import Backend
from scenarier.liggetid import Liggetidsmodell
from scenarier.montecarlo import kjor
from scenarier.scenariofil import Kapasitetsendring, Scenario
from scenarier.simulering import Modell, Replikasjon, Simulator, bygg_modell, lag_prototyper
from scenarier.tildeling import tildelinger

BOLIG = set(BOLIGTJENESTER)


def _sc(kommune: str = "tvedestrand", uker: int = 52, **kw) -> Scenario:  # type: ignore[no-untyped-def]
    return Scenario(navn="bolig", kommune=kommune, uker=uker, oppvarming_uker=0, seed=5, **kw)


_KJORT: dict[str, tuple[Modell, Simulator, Replikasjon]] = {}
UKER = {"sandefjord": 16, "tvedestrand": 60}
FRO = 5  # replication seed


def _kjor(kommune: str) -> tuple[Modell, Simulator, Replikasjon]:
    """One replication per municipality (``UKER`` weeks, no capacity plan), shared by the tests below:
    keeps the suite fast."""
    if kommune not in _KJORT:
        m = bygg_modell(_sc(kommune, UKER[kommune]))
        sim = Simulator(m, 0, FRO)
        _KJORT[kommune] = (m, sim, sim.kjor())
    return _KJORT[kommune]


@pytest.mark.parametrize("profil", [SANDEFJORD, TVEDESTRAND], ids=lambda p: p.id)
def test_bolig_prototyper_er_kvalifisert(profil) -> None:  # type: ignore[no-untyped-def]
    """Every housing type of the profile: its prototype meets the rules, for units of its own type only."""
    d0 = date(2026, 1, 5)
    pr = lag_prototyper(profil, d0)
    typer = [pt for pt in profil.plasstyper if pt.er_bolig]
    assert len(typer) >= 3
    sokere = tuple(pr.bolig[pt.value].model_copy(update={"id": f"S{i}"}) for i, pt in enumerate(typer))
    enheter = tuple(
        Enhet(id=f"E{i}", institusjon_id="I", navn=pt.value, plasstype=pt, kapasitet=2) for i, pt in enumerate(typer)
    )
    sak = Sak(
        kommune=Kommune(nummer="3907", navn="x", regelprofil=profil),
        startdato=d0,
        institusjoner=(Institusjon(id="I", navn="x"),),
        enheter=enheter,
        sokere=sokere,
    )
    kv = kvalifiser_alle(sak)
    for i, pt in enumerate(typer):
        assert kv[f"S{i}"].utfall == Utfall.KVALIFISERT, (pt, kv[f"S{i}"])
        assert kv[f"S{i}"].enheter == (f"E{i}",), pt


def test_boligenheter_er_med_i_modellen() -> None:
    for kommune, typer in (
        ("sandefjord", {"senterleilighet", "tilrettelagt_bolig", "korttidsleilighet"}),
        ("tvedestrand", {"hdo", "hdou", "omsorgsbolig_psykisk", "trygghetsbolig"}),
    ):
        m = _kjor(kommune)[0]
        bolig = [p for p in m.enheter if p.plasstype.familie is Familie.BOLIG]
        assert {p.plasstype.value for p in bolig} == typer
        assert set(m.boligtyper) == typer and set(m.bolig_nivaa) == typer
        assert all(r > 0 for r in m.bolig_nivaa.values())
        # Their institutions are in the weekly case.
        assert {p.institusjon for p in bolig} <= {i.id for i in m.institusjoner}
    # Sandefjord: 214 flats (162 senterleiligheter, 39 tilrettelagte, 13 korttidsleiligheter).
    m = _kjor("sandefjord")[0]
    assert sum(p.kap(0) for p in m.enheter if p.plasstype.er_bolig) == 214


def test_bolig_plasseringer_belegg_og_venteliste() -> None:
    m, sim, r = _kjor("sandefjord")
    pl = [x for x in r.plasseringer if x.tjeneste in BOLIG]
    typer = {x.tjeneste for x in pl}
    assert typer == {"senterleilighet", "tilrettelagt_bolig", "korttidsleilighet"}
    for x in pl:
        assert x.plasstype == x.tjeneste  # the place type of the unit is the housing type applied for
        assert m.enheter[[p.id for p in m.enheter].index(x.enhet_id)].plasstype.value == x.tjeneste
        assert x.vent_dager >= 0
    # The waiting list present at the start (Q₀ ≈ 0.15 per flat) waited before the simulation began.
    assert any(x.ankomst_dag < 0 for x in pl if x.tjeneste == "senterleilighet")
    # Occupancy per housing unit: never above capacity; open-ended flats almost always let, with long
    # stays; korttidsleiligheter often free.
    for p in m.enheter:
        if not p.plasstype.er_bolig:
            continue
        b, k = r.belegg[p.id], r.kapasitet[p.id]
        assert np.all(b <= k + 1e-9), p.id
        if p.plasstype is not Plasstype.KORTTIDSLEILIGHET:
            assert b.sum() / k.sum() > 0.9, (p.id, b.sum() / k.sum())
    uker = r.uker
    for tj, lo, hi in (
        ("senterleilighet", 0.95, 1.0),
        ("tilrettelagt_bolig", 0.9, 1.0),
        ("korttidsleilighet", 0.3, 0.95),
    ):
        assert lo <= np.mean(uker[f"belegg_{tj}"]) <= hi, tj
    assert uker["plasser_bolig"][0] == 214
    # The family's waiting list is the sum of the types', and there is one (calibrated: ≈ 30).
    for w in range(len(uker["uke"])):
        deler = sum(uker[f"venteliste_{tj}"][w] for tj in m.boligtyper)
        assert math.isclose(uker["venteliste_bolig"][w], deler)
    assert 10 < np.mean(uker["venteliste_bolig"]) < 60
    # The start: ≈ 97 % of the 201 open-ended flats let, tenancies that began years ago.
    init = [
        s
        for s in [*sim.opphold.values(), *sim.ferdige]
        if s.person == "init" and s.tjeneste in ("senterleilighet", "tilrettelagt_bolig")
    ]
    assert 185 <= len(init) <= 201
    assert np.mean([-s.start for s in init]) > 3 * 365
    # Tenancies last years: few end in 16 weeks (expected ≈ 201 × 112 / 1 826 ≈ 12 for 5-year tenancies).
    slutt = sum(n for (fra, til), n in r.flyt.items() if til == "flyttet ut")
    assert 3 <= slutt <= 35
    # The engine sees open-ended tenancies without an end; korttidsleiligheter with their end.
    aapne = [s for s in sim.opphold.values() if s.tjeneste in BOLIG]
    assert aapne
    for s in aapne:
        o = sim._opphold_obj(s)
        assert (o.forventet_slutt is None) == (s.tjeneste != "korttidsleilighet"), s


def test_boligsokere_har_riktige_egenskaper() -> None:
    m, sim, _ = _kjor("tvedestrand")
    bolig = [p for p in sim.personer.values() if p.tjeneste in BOLIG]
    typer = {p.tjeneste for p in bolig}
    assert (
        {"hdo", "omsorgsbolig_psykisk", "trygghetsbolig"}
        <= typer
        <= {"hdo", "hdou", "omsorgsbolig_psykisk", "trygghetsbolig"}
    )
    assert all(p.alder >= 18 and p.id.startswith("B-") and not p.ukp and p.ektefelle is None for p in bolig)
    eldre = [p.alder for p in bolig if p.tjeneste in ("hdo", "trygghetsbolig")]
    unge = [p.alder for p in bolig if p.tjeneste in ("hdou", "omsorgsbolig_psykisk")]
    assert np.mean(eldre) > 75 and np.mean(unge) < 60
    # The engine's rules find every simulated bolig søker eligible.
    kv = kvalifiser_alle(sim._sak(0, [m.enhet(p, p.kap(0)) for p in m.enheter], [], [sim._soker(p) for p in bolig], 7))
    assert all(k.utfall == Utfall.KVALIFISERT and k.enheter for k in kv.values())


def test_bolig_endrer_ikke_de_andre_tjenestenes_trekk() -> None:
    """Bolig has its own streams and ids: without the housing units, arrivals, placements and weekly
    outputs of the other services are exactly the same."""
    m, _, med = _kjor("tvedestrand")
    inst = {p.institusjon for p in m.enheter if not p.plasstype.er_bolig}
    uten_m = dataclasses.replace(
        m,
        enheter=[p for p in m.enheter if not p.plasstype.er_bolig],
        institusjoner=tuple(i for i in m.institusjoner if i.id in inst),
        boligtyper=(),
        bolig_nivaa={},
        bolig_start={},
        enhet_cache={},
    )
    uten = Simulator(uten_m, 0, FRO).kjor()
    assert [a for a in med.ankomster if a.tjeneste not in BOLIG] == uten.ankomster
    assert [x for x in med.plasseringer if x.tjeneste not in BOLIG] == uten.plasseringer
    assert any(x.tjeneste in BOLIG for x in med.plasseringer)
    for k, v in uten.uker.items():
        if k not in ("motor_sekunder", "venteliste_bolig", "belegg_bolig", "plasser_bolig"):
            assert med.uker[k] == v, k
    andre = lambda flyt: {k: v for k, v in flyt.items() if BOLIG.isdisjoint(k) and k[1] != "frafall bolig"}  # noqa: E731
    assert andre(med.flyt) == andre(uten.flyt)
    assert med.flyt[("hjemme", "frafall bolig")] > 0


def test_bolig_deterministisk_og_uavhengig_av_radrekkefolge() -> None:
    """Same seed → identical bolig results; a simulated week's case solved with its rows shuffled
    gives the same assignments (bolig included)."""
    _, _, a = _kjor("tvedestrand")
    b = Simulator(bygg_modell(_sc("tvedestrand", UKER["tvedestrand"])), 0, FRO).kjor()
    assert a.ankomster == b.ankomster and a.plasseringer == b.plasseringer and a.flyt == b.flyt
    for k in a.uker:
        if k != "motor_sekunder":
            assert a.uker[k] == b.uker[k], k
    m = bygg_modell(_sc("tvedestrand", 20))
    sim = Simulator(m, 0, FRO)
    saker: list[Sak] = []
    orig = sim._sak

    def fang(*x, **k):  # type: ignore[no-untyped-def]
        s = orig(*x, **k)
        if len(s.enheter) > 5:
            saker.append(s)
        return s

    sim._sak = fang  # type: ignore[method-assign]
    sim.kjor()
    for sak in saker[3:]:  # a week where the engine lets flats
        ta = tildelinger(loes(sak, sim.p))
        if any(t.plasstype.value in BOLIG for t in ta):
            break
    else:
        pytest.fail("ingen uke med boligtildeling")
    assert sum(1 for so in sak.sokere if so.soknad.tjeneste.value in BOLIG) >= 2
    rng = random.Random(1)
    deler = {k: list(getattr(sak, k)) for k in ("sokere", "enheter", "opphold", "institusjoner")}
    for v in deler.values():
        rng.shuffle(v)
    stokket = sak.model_copy(update={k: tuple(v) for k, v in deler.items()})
    assert tildelinger(loes(stokket, sim.p)) == ta


def test_kapasitetsplan_for_boligenheter() -> None:
    """+6 trygghetsboliger (a new unit) and −4 HDO flats from 2027: the capacity changes from the
    first day of 2027, the new flats are let from the waiting list, nobody moves into HDO while it is
    over-occupied, and the arrivals are the same as without the plan (common random numbers)."""
    plan = (
        Kapasitetsendring(fra_aar=2027, institusjon="I-TRD", plasstype=Plasstype.TRYGGHETSBOLIG, endring=6),
        Kapasitetsendring(fra_aar=2027, institusjon="Strannasenteret", plasstype=Plasstype.HDO, endring=-4),
    )
    m = bygg_modell(_sc("tvedestrand", UKER["tvedestrand"], kapasitetsplan=plan))
    ny = next(p for p in m.enheter if p.id.startswith("E-NY"))
    assert ny.plasstype is Plasstype.TRYGGHETSBOLIG and ny.institusjon == "I-TRD"
    fra = (date(2027, 1, 1) - m.d0).days
    assert ny.kap(fra - 1) == 0 and ny.kap(fra) == 6
    hdo = next(p for p in m.enheter if p.plasstype is Plasstype.HDO)
    assert hdo.kap(fra - 1) == 12 and hdo.kap(fra) == 8
    r = Simulator(m, 0, FRO).kjor()
    uten = _kjor("tvedestrand")[2]
    assert r.ankomster == uten.ankomster
    uker_2027 = [w for w, a in enumerate(r.uker["aar"]) if a >= 2027]
    assert 0 < len(uker_2027) < len(r.uker["aar"])
    for w, a in enumerate(r.uker["aar"]):
        assert r.uker["plasser_trygghetsbolig"][w] == (30 if a >= 2027 else 24)
        assert r.uker["plasser_hdo"][w] == (8 if a >= 2027 else 12)
        assert r.uker["plasser_bolig"][w] == (53 if a >= 2027 else 51)
    # The new unit is empty before 2027 and let from the waiting list from its first day.
    inn = [x for x in r.plasseringer if x.enhet_id == ny.id]
    assert inn and min(x.start_dag for x in inn) >= fra and min(x.start_dag for x in inn) < fra + 7
    assert r.belegg[ny.id][:fra].sum() == 0 and r.belegg[ny.id][fra:].mean() > 4
    assert np.all(r.belegg[ny.id] <= r.kapasitet[ny.id])
    vent = lambda res, tj: np.mean([res.uker[f"venteliste_{tj}"][w] for w in uker_2027])  # noqa: E731
    assert vent(r, "trygghetsbolig") < vent(uten, "trygghetsbolig")
    assert vent(r, "hdo") >= vent(uten, "hdo")
    # Closing occupied flats: current tenants stay; a new one moves in only below the new capacity.
    assert r.belegg[hdo.id][fra:].max() > 8
    for x in r.plasseringer:
        if x.enhet_id == hdo.id and x.start_dag >= fra:
            assert r.belegg[hdo.id][x.start_dag] <= 8


def test_boligparametre_i_scenariofilen() -> None:
    sc = Scenario.model_validate(
        {
            "navn": "x",
            "behov": {"bolig": {"venteliste_per_bolig": {"senterleilighet": 0.3}}},
            "liggetid": {"bolig_middel_aar": {"hdo": 3.0}},
            "tiltak": {"bolig_okning": 0.2, "bolig_fra_aar": 2030},
        }
    )
    bb = sc.behov.bolig
    assert bb.venteliste_per_bolig[Plasstype.SENTERLEILIGHET] == 0.3
    assert bb.venteliste_per_bolig[Plasstype.TILRETTELAGT_BOLIG] == 0.15  # the others keep their defaults
    assert sc.liggetid.bolig_middel_aar[Plasstype.HDO] == 3.0
    assert sc.liggetid.bolig_middel_aar[Plasstype.SENTERLEILIGHET] == 5.0
    with pytest.raises(ValueError, match="ikke en boligtype"):
        Behovsmodell.model_validate({"bolig": {"frafall_middel_dager": {"korttid": 30}}})
    # Flow balance: every flat turns over once per mean tenancy, and Q₀ loses its withdrawals.
    lam = bolig_per_aar(bb, "senterleilighet", 100, 5 * 365.25)
    assert math.isclose(lam, 100 / 5 + 0.3 * 100 * 365.25 / 730)
    # The lever raises bolig arrivals from its year only.
    sim = Simulator(bygg_modell(_sc("tvedestrand", 1, tiltak=sc.tiltak)), 0, 1)
    assert sim._faktor(2029).get("bolig", 1.0) == 1.0 and sim._faktor(2030)["bolig"] == 1.2


def test_bolig_liggetid() -> None:
    lg = Liggetidsmodell()
    rng = np.random.default_rng(3)
    x = lg.bolig(rng, "senterleilighet", 100_000)
    assert abs(x.mean() / 365.25 - 5.0) < 0.1 and x.min() >= 1
    brukt, rest = lg.bolig_naverende(rng, "senterleilighet", 100_000)  # exponential: both Exp(mean)
    assert abs(brukt.mean() / 365.25 - 5.0) < 0.1 and abs(rest.mean() / 365.25 - 5.0) < 0.1
    k = lg.bolig(rng, "korttidsleilighet", 10_000)
    assert k.min() == 7 and k.max() == 42


def test_bolig_i_aarstabellen() -> None:
    """The yearly table has bolig as a family and per housing type (the report draws both; its
    bolig sections are checked in test_montecarlo.test_cli_og_rapport)."""
    res = kjor([_sc("tvedestrand", 30).model_copy(update={"replikasjoner": 2})], Backend())[0]
    t = res.aarstabell()
    assert res.boligtyper == ["hdo", "hdou", "omsorgsbolig_psykisk", "trygghetsbolig"]
    for k in ("venteliste_bolig", "belegg_bolig", "vent_p90_bolig", "vent_snitt_bolig"):
        assert k in t.columns and t[k].notna().all(), k
    for tj in res.boligtyper:
        assert f"venteliste_{tj}" in t.columns and f"belegg_{tj}" in t.columns and f"vent_p90_{tj}" in t.columns
    assert math.isclose(t["venteliste_bolig"].iloc[0], sum(t[f"venteliste_{tj}"].iloc[0] for tj in res.boligtyper))
    assert 0.85 < t["belegg_trygghetsbolig"].iloc[0] <= 1.0
    assert res.p90_vent("bolig", 2026)[0] > 0
    assert set(res.belegg_aar["plasstype"]) >= {"hdo", "hdou", "omsorgsbolig_psykisk", "trygghetsbolig"}


def test_kapasitetssok_for_boligtype() -> None:
    """The capacity search runs on the wait for the housing service (the simulations are replaced by
    a stand-in whose p90 wait falls with the number of new flats)."""
    import scenarier.kapasitet as kapasitet

    sett: list[tuple[str, int]] = []

    class Svar:
        def __init__(self, n: int) -> None:
            self.n = n

        def p90_vent(self, tj: str, aar: int) -> tuple[float, float, float]:
            sett.append((tj, self.n))
            return 400.0 - 30 * self.n, 0.0, 0.0

    def kjor_stand_in(scs, backend=None):  # type: ignore[no-untyped-def]
        (sc,) = scs
        return [Svar(sum(k.endring for k in sc.kapasitetsplan if k.plasstype is Plasstype.SENTERLEILIGHET))]

    sc = _sc("sandefjord", 52)
    svar = kapasitet.finn_kapasitet(
        sc, "I-BUG", Plasstype.SENTERLEILIGHET, 2027, maks_dager=180.0, simuler=kjor_stand_in
    )
    assert svar.plasser == 8  # 400 − 30·8 = 160 ≤ 180 < 190
    assert {tj for tj, _ in sett} == {"senterleilighet"}
    with pytest.raises(ValueError, match="støtter ikke"):
        kapasitet.finn_kapasitet(sc, "I-SMS", Plasstype.OHD, 2027, maks_dager=1.0)
