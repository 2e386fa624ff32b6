"""Honest statistics (issue 23): paired A/B with CRN, precision stopping, capacity search that warns,
bokmål errors for years outside the horizon, ØHD/KØH search on refusals against Erlang B."""

from __future__ import annotations

from pathlib import Path

import pytest

from modeller.kodeverk import Plasstype
from scenarier.behov import Behovsmodell, erlang_b
from scenarier.dask_backend import Backend
from scenarier.kapasitet import Kapasitetsfeil, finn_akuttkapasitet, finn_kapasitet, sjekk_aar
from scenarier.montecarlo import Nokkelfeil, Nokkeltall, kjor, kjor_til_presisjon, parvis, sammenlign
from scenarier.rapport import prosent, tall
from scenarier.scenariofil import Kapasitetsendring, Scenario


def _sc(**kw) -> Scenario:  # type: ignore[no-untyped-def]
    base = {"navn": "A", "kommune": "tvedestrand", "uker": 40, "oppvarming_uker": 2, "replikasjoner": 6, "seed": 3}
    return Scenario(**{**base, **kw})


def _b() -> Scenario:
    plan = (Kapasitetsendring(fra_aar=2026, institusjon="I-STR", plasstype=Plasstype.LANGTID_SOMATISK, endring=4),)
    return _sc(navn="B", kapasitetsplan=plan)


def test_parvis_smalere_enn_uparet_og_setning() -> None:
    a, b = sammenlign([_sc(), _b()], Backend())
    n = Nokkeltall("venteliste", "langtid", 2026)
    p = parvis(a, b, n)
    assert p.replikasjoner == 6
    assert p.diff[0] < 0  # four more places: a shorter list
    assert p.halvbredde < p.uparet_halvbredde  # the point of common random numbers
    s = p.setning()
    assert s.startswith("B gir ") and "færre personer på ventelisten for langtid i 2026 enn A" in s
    # Differences per replication are B − A exactly.
    xa, xb = n.per_rep(a), n.per_rep(b)
    assert p.diff[0] == pytest.approx(float((xb - xa).mean()))


def test_presisjon_stopper_og_gir_samme_som_fast_kjoring() -> None:
    n = Nokkeltall("venteliste", "langtid", 2026)
    sv = kjor_til_presisjon([_sc(), _b()], n, halvbredde=1e9, backend=Backend(), start=2, steg=2, maks=6)
    assert sv.replikasjoner == 2 and sv.naadd  # a target any run meets: stops after the first batch
    sv = kjor_til_presisjon([_sc(), _b()], n, halvbredde=0.0, backend=Backend(), start=2, steg=2, maks=6)
    assert sv.replikasjoner == 6 and not sv.naadd and [r for r, _ in sv.historikk] == [2, 4, 6]
    fast = sammenlign([_sc(), _b()], Backend())
    assert parvis(*sv.resultater, n).diff == pytest.approx(parvis(*fast, n).diff)


def test_intervaller_aldri_under_null() -> None:
    (r,) = kjor([_sc(replikasjoner=3)], Backend())
    t = r.aarstabell()
    for k in ("venteliste_langtid", "vent_p90_langtid", "ukp_dogn", "akutt_avvist_andel", "belegg_langtid"):
        assert (t[f"{k}_ki_lav"].dropna() >= 0).all(), k
    assert (t["belegg_langtid_ki_hoy"] <= 1).all()
    m, lo, hi = r.p90_vent("langtid", 2026)
    assert 0 <= lo <= m <= hi
    v = r.vifte("venteliste_langtid")
    assert (v["ki_lav"] >= 0).all()


def test_aar_utenfor_horisonten_er_en_klar_feil() -> None:
    sc = _sc(sluttaar=2030, uker=None)
    with pytest.raises(Kapasitetsfeil, match="utenfor scenariets horisont"):
        finn_kapasitet(sc, "I-STR", Plasstype.LANGTID_SOMATISK, 2041, 10.0, Backend())
    with pytest.raises(Kapasitetsfeil, match="ikke simulert"):
        sjekk_aar(_sc(sluttaar=2030), 2028)  # 40 weeks only
    assert "delvis" in (sjekk_aar(_sc(sluttaar=2030), 2026) or "")
    with pytest.raises(Nokkelfeil, match="ugyldig nøkkeltall"):
        Nokkeltall.les("p90:langtid")


def test_kapasitetssok_advarer_naar_intervallet_er_for_bredt() -> None:
    sc = _sc(replikasjoner=2, uker=30)
    svar = finn_kapasitet(sc, "I-STR", Plasstype.KORTTID, 2026, 7.0, Backend(), start=2, maks_plasser=16)
    assert svar.plasser is not None
    assert svar.advarsel is not None and "USIKKERT SVAR" in svar.advarsel  # 2 replications
    assert svar.ki[0] >= 0


def test_akuttsok_paa_avviste_mot_erlang_b() -> None:
    behov = Behovsmodell(ankomster_per_dag={"akutt": 1.0})
    sc = _sc(behov=behov, uker=52, replikasjoner=3)
    svar = finn_akuttkapasitet(sc, "I-STR", Plasstype.KOH, 2026, 0.10, Backend())
    a = svar.ankomster_per_dag * svar.middel_liggetid
    assert svar.ankomster_per_dag == pytest.approx(1.0, rel=0.1)
    assert erlang_b(svar.erlang_senger, a) <= 0.10 < erlang_b(svar.erlang_senger - 1, a)
    assert abs(svar.senger - svar.erlang_senger) <= 1
    assert 0 <= svar.avvist[1] <= svar.avvist[0] <= svar.avvist[2] <= 1
    with pytest.raises(Kapasitetsfeil, match="finnes ikke i regelprofilen"):
        finn_akuttkapasitet(sc, "I-STR", Plasstype.OHD, 2026, 0.10, Backend())


def test_norske_tall() -> None:
    assert tall(12345.678, 1) == "12 345,7"
    assert tall(-3.26, 1) == "−3,3"
    assert tall(-0.01, 1) == "0,0"  # no «−0,0»
    assert prosent(0.987) == "98,7 %"
    assert tall(float("nan")) == "–"


def test_cli_ab_og_presisjon(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from allokering.cli import app

    felles = "kommune: tvedestrand\nuker: 20\noppvarming_uker: 1\nreplikasjoner: 4\nseed: 1\n"
    (tmp_path / "a.yaml").write_text("navn: A\n" + felles, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        "navn: B\n"
        + felles
        + "kapasitetsplan:\n  - {fra_aar: 2026, institusjon: I-STR, plasstype: langtid_somatisk, endring: 4}\n",
        encoding="utf-8",
    )
    ut = tmp_path / "ut"
    args = ["scenario", "run", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "--ut", str(ut)]
    r = CliRunner().invoke(
        app, [*args, "--arbeidere", "1", "--presisjon", "1000", "--nokkeltall", "venteliste:langtid:2026"]
    )
    assert r.exit_code == 0, r.output
    assert "Presisjon: 4 replikasjoner trengtes" in r.output
    assert "B gir " in r.output and "ganger smalere" in r.output
    html = (ut / "rapport.html").read_text(encoding="utf-8")
    assert "Sammenligning med felles tilfeldige tall" in html and "Halvbredde uparet" in html
    r = CliRunner().invoke(app, [*args, "--arbeidere", "1", "--nokkeltall", "venteliste:langtid:2041"])
    assert r.exit_code == 2 and "utenfor scenariets horisont" in r.output


def test_motor_mot_manuell_praksis() -> None:
    """Engine vs manual practice (greedy, highest priority first, same rules) with common random
    numbers: the same arrivals, no placement against the rules for either, a paired table."""
    from scenarier.praksis import kjor_praksis, markdown, praksistabell
    from scenarier.simulering import Simulator, bygg_modell, replikasjonsfro

    sc = _sc(replikasjoner=3, uker=30)
    motor, manuell = kjor_praksis(sc, Backend())
    assert motor.scenario.motor.praksis == "motor" and manuell.scenario.motor.praksis == "manuell"
    rader = {r.tekst: r for r in praksistabell(motor, manuell, 2026)}
    assert rader["plasseringer mot reglene (hele perioden)"].motor == 0
    assert rader["plasseringer mot reglene (hele perioden)"].manuell == 0
    assert "p90 ventetid langtid i 2026 (døgn)" in rader
    tabell = markdown(list(rader.values()), motor, 2026)
    assert tabell.count("\n") == len(rader) + 1 and "motoren − manuell" in tabell
    # The two policies see exactly the same arrivals (common random numbers).
    seed = replikasjonsfro(sc.seed, 1)[0]
    ra = Simulator(bygg_modell(motor.scenario), 0, seed).kjor()
    rb = Simulator(bygg_modell(manuell.scenario), 0, seed).kjor()
    assert len(ra.ankomster) > 100 and ra.ankomster == rb.ankomster


def test_cli_kapasitet_feil_paa_bokmaal(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from allokering.cli import app

    fil = tmp_path / "s.yaml"
    fil.write_text(
        "navn: T\nkommune: tvedestrand\nstartaar: 2026\nsluttaar: 2030\nreplikasjoner: 2\n", encoding="utf-8"
    )
    grunn = ["scenario", "kapasitet", str(fil), "--institusjon", "I-STR", "--arbeidere", "1"]
    r = CliRunner().invoke(app, [*grunn, "--plasstype", "koh", "--aar", "2027"])
    assert r.exit_code == 2 and "--maks-avvist" in r.output
    r = CliRunner().invoke(app, [*grunn, "--plasstype", "koh", "--aar", "2041", "--maks-avvist", "5"])
    assert r.exit_code == 2 and "utenfor scenariets horisont (2026–2030)" in r.output
    r = CliRunner().invoke(app, [*grunn, "--plasstype", "ohd", "--aar", "2027", "--maks-avvist", "5"])
    assert r.exit_code == 2 and "finnes ikke i regelprofilen" in r.output
    r = CliRunner().invoke(app, [*grunn, "--plasstype", "langtid_somatisk", "--aar", "2041", "--maks-dager", "30"])
    assert r.exit_code == 2 and "utenfor scenariets horisont" in r.output


def test_tiltak_beholder_felles_tilfeldige_tall() -> None:
    """A LEON cut removes persons from A's arrivals (thinning) and more avlastning adds persons from
    their own stream: every other arrival of B is exactly A's (before issue 23 a lever changed the
    Poisson draws and with them every later draw, so A/B differences were unpaired)."""
    from scenarier.scenariofil import Tiltak
    from scenarier.simulering import Simulator, bygg_modell

    a = _sc(uker=26)
    b = a.model_copy(
        update={
            "tiltak": Tiltak(leon_reduksjon_langtid=0.3, leon_fra_aar=2026, leon_innfasing_aar=0, avlastning_okning=0.5)
        }
    )
    ra = Simulator(bygg_modell(a), 0, 99).kjor()
    rb = Simulator(bygg_modell(b), 0, 99).kjor()
    sa = {x.soker_id: x for x in ra.ankomster}
    sb = {x.soker_id: x for x in rb.ankomster}
    felles = [i for i in sb if i.startswith("S-")]
    assert all(sb[i] == sa[i] for i in felles)  # same id, week, service, day, age, length, UKP
    lt_a = [i for i, x in sa.items() if x.tjeneste == "langtid" and x.uke >= 0 and i.startswith("S-")]
    lt_b = [i for i in lt_a if i in sb]
    assert 0.45 < len(lt_b) / len(lt_a) < 0.9  # about 70 % kept
    ekstra = [i for i, x in sb.items() if i.startswith("X-")]
    assert ekstra and all(sb[i].tjeneste == "avlastning" for i in ekstra)
    assert all(x.tjeneste == "langtid" for i, x in sa.items() if i not in sb)  # only the LEON lever removes


def test_boligspaken_beholder_felles_tilfeldige_tall() -> None:
    """The bolig_okning lever thins (lower need) or adds persons from their own stream (higher need):
    every other bolig søker of B is exactly A's, also after the lever starts (before the fix the lever
    changed the Poisson counts and with them every later bolig draw)."""
    from scenarier.scenariofil import Tiltak
    from scenarier.simulering import Simulator, bygg_modell

    a = _sc(uker=20)
    ra = Simulator(bygg_modell(a), 0, 7).kjor()
    sa = {x.soker_id: x for x in ra.ankomster if x.soker_id.startswith("B-")}
    assert len(sa) > 10
    for okning in (-0.5, 1.0):
        b = a.model_copy(update={"tiltak": Tiltak(bolig_okning=okning, bolig_fra_aar=2026)})
        rb = Simulator(bygg_modell(b), 0, 7).kjor()
        sb = {x.soker_id: x for x in rb.ankomster if x.soker_id.startswith("B-")}
        assert all(sb[i] == sa[i] for i in sb)  # same id, week, type, day, age, tenancy
        ekstra = [x for x in rb.ankomster if x.soker_id.startswith("BX-")]
        if okning < 0:
            assert 0.3 < len(sb) / len(sa) < 0.8 and not ekstra
        else:
            assert sb == sa and len(ekstra) >= 2
        # The other services' arrivals are untouched by the bolig lever.
        andre = [x for x in rb.ankomster if x.soker_id.startswith("S-")]
        assert andre == [x for x in ra.ankomster if x.soker_id.startswith("S-")]


def test_tid_paa_liste_er_littles_lov() -> None:
    """tid_paa_liste:langtid:ÅR = person-days on the langtid list / persons who joined it that year (all
    who join are counted: the initial queue is not, korttid → langtid transitions are)."""
    import numpy as np

    sc = _sc(uker=30, replikasjoner=2)
    res = kjor([sc], Backend())[0]
    n = Nokkeltall.les("tid_paa_liste:langtid:2026")
    x = n.per_rep(res)
    u = res.uker[res.uker["aar"] == 2026].groupby("rep")
    forventet = 7 * u["venteliste_langtid"].sum() / u["tilgang_langtid"].sum()
    assert (x > 0).all() and np.allclose(x.to_numpy(), forventet.to_numpy())
    assert res.uker["tilgang_langtid"].sum() > 0
    with pytest.raises(Nokkelfeil, match="bare for langtid"):
        Nokkeltall.les("tid_paa_liste:korttid:2026").per_rep(res)
