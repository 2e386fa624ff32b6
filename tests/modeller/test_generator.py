"""Tests of the synthetic case generator (modeller.generator) and the bundled demo cases."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from modeller import generator as g
from modeller.kodeverk import Familie, Laastype, Oppholdssted, Plasstype, Tjeneste
from modeller.lasting import les_sak, sak_fra_data, sak_til_json
from modeller.regelprofil import SANDEFJORD, TVEDESTRAND
from modeller.sak import Sak, kryssjekk

INSTITUSJONSTYPER = (
    Plasstype.LANGTID_SOMATISK,
    Plasstype.LANGTID_SKJERMET,
    Plasstype.KORTTID,
    Plasstype.AVLASTNING,
)


@pytest.fixture(scope="module")
def tvedestrand() -> Sak:
    return g.generer_sak("tvedestrand")


@pytest.fixture(scope="module")
def sandefjord() -> Sak:
    return g.generer_sak("sandefjord")


@pytest.fixture(scope="module")
def oslo() -> Sak:
    return g.generer_sak("oslo")


@pytest.fixture(scope="module")
def stress() -> Sak:
    return g.generer(300_000, SANDEFJORD, seed=7, antall_sokere=2000, antall_enheter=400)


@pytest.fixture(scope="module")
def alle(tvedestrand: Sak, sandefjord: Sak, oslo: Sak, stress: Sak) -> dict[str, Sak]:
    return {"tvedestrand": tvedestrand, "sandefjord": sandefjord, "oslo": oslo, "stress": stress}


# --- determinism and bundled files ---------------------------------------------------------


def test_samme_fro_gir_identisk_json(tvedestrand: Sak) -> None:
    assert sak_til_json(g.generer_sak("tvedestrand", seed=0)) == sak_til_json(tvedestrand)
    a = sak_til_json(g.generer(20_000, TVEDESTRAND, seed=5, andel_laast=0.1))
    b = sak_til_json(g.generer(20_000, TVEDESTRAND, seed=5, andel_laast=0.1))
    assert a == b


def test_ulikt_fro_gir_ulik_sak(tvedestrand: Sak) -> None:
    assert sak_til_json(g.generer_sak("tvedestrand", seed=1)) != sak_til_json(tvedestrand)


@pytest.mark.parametrize("navn", g.INNEBYGDE)
def test_innebygde_filer_er_lik_generatorens_utdata(navn: str, tvedestrand: Sak, sandefjord: Sak) -> None:
    sak = {"tvedestrand": tvedestrand, "sandefjord": sandefjord}[navn]
    sti = g.demo_sti(navn)
    assert sti.parent == g.DATAMAPPE
    assert sti.stat().st_size < 1_500_000
    assert sti.read_text(encoding="utf-8") == sak_til_json(sak), (
        "den innebygde filen er utdatert: kjør modeller.generator.skriv_innebygde()"
    )
    assert sak_til_json(g.last_demo(navn)) == sak_til_json(sak)


def test_oslo_genereres_og_caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, oslo: Sak) -> None:
    monkeypatch.setenv("ALLOKERING_CACHE_DIR", str(tmp_path))
    laget: list[tuple[str, int]] = []

    def lag(navn: str, seed: int) -> Sak:
        laget.append((navn, seed))
        return oslo

    sak = g.last_demo("oslo", lag=lag)
    filer = list(tmp_path.iterdir())
    assert [f.name for f in filer] == [f"oslo-{g.DEMO_FRO}-g{g.GENERATORVERSJON}.json"]
    assert sak_til_json(sak) == sak_til_json(oslo)
    assert laget == [("oslo", g.DEMO_FRO)]
    # Second call reads the cache (the generator is not needed any more).
    assert g.demo_sti("oslo", lag=lambda *a: pytest.fail("cache ble ikke brukt")) == filer[0]
    assert sak_til_json(g.last_demo("oslo", lag=lambda *a: pytest.fail("cache ble ikke brukt"))) == sak_til_json(oslo)


def test_ukjent_kommune() -> None:
    with pytest.raises(g.UkjentKommune, match="ukjent kommune «bergen»"):
        g.generer_sak("bergen")


# --- validity --------------------------------------------------------------------------------


@pytest.mark.parametrize("navn", ["tvedestrand", "sandefjord", "oslo", "stress"])
def test_sakene_er_gyldige(navn: str, alle: dict[str, Sak]) -> None:
    sak = alle[navn]
    assert sak.syntetisk
    assert "Syntetisk" in sak.beskrivelse and "frø" in sak.beskrivelse
    assert kryssjekk(sak, fil=navn) == []
    tillatt = set(sak.profil.plasstyper)
    assert {e.plasstype for e in sak.enheter} <= tillatt
    for s in sak.sokere:
        assert s.id.startswith("S-") and s.id[2:].isdigit()


def test_rundtur_gjennom_json(sandefjord: Sak) -> None:
    import json

    tilbake = sak_fra_data(json.loads(sak_til_json(sandefjord)), "sandefjord")
    assert sak_til_json(tilbake) == sak_til_json(sandefjord)


def test_stresstilfelle_har_bedt_storrelse(stress: Sak) -> None:
    assert len(stress.sokere) == 2000
    assert len(stress.enheter) == 400
    stor = g.generer(50_000, TVEDESTRAND, seed=3, antall_sokere=300, antall_enheter=60, antall_institusjoner=9)
    assert (len(stor.sokere), len(stor.enheter), len(stor.institusjoner)) == (300, 60, 9)
    assert kryssjekk(stor, "stor") == []


# --- sizes and shares --------------------------------------------------------------------------


def _institusjonsplasser(sak: Sak) -> int:
    return sum(e.kapasitet for e in sak.enheter if e.plasstype in INSTITUSJONSTYPER)


def test_storrelser(tvedestrand: Sak, sandefjord: Sak, oslo: Sak) -> None:
    assert 40 <= len(tvedestrand.sokere) <= 60
    assert 150 <= len(sandefjord.sokere) <= 300
    assert 2000 <= len(oslo.sokere) <= 3000
    assert 300 <= len(oslo.enheter) <= 400
    assert len(oslo.institusjoner) >= 24  # dozens
    assert oslo.kommune.navn == "Oslo (syntetisk)" and oslo.kommune.nummer == "0301"
    assert oslo.profil.id == "sandefjord"
    assert tvedestrand.profil.id == "tvedestrand" and sandefjord.profil.id == "sandefjord"


@pytest.mark.parametrize(
    ("navn", "befolkning", "toleranse"),
    [("tvedestrand", 6000, 0.1), ("sandefjord", 65_000, 0.05), ("oslo", 700_000, 0.05)],
)
def test_sykehjemsplasser_er_07_prosent(navn: str, befolkning: int, toleranse: float, alle: dict[str, Sak]) -> None:
    andel = _institusjonsplasser(alle[navn]) / befolkning
    assert abs(andel - g.SYKEHJEMSANDEL) <= toleranse * g.SYKEHJEMSANDEL


def test_akuttsenger(tvedestrand: Sak, sandefjord: Sak, oslo: Sak) -> None:
    ohd = [e for e in sandefjord.enheter if e.plasstype is Plasstype.OHD]
    assert sum(e.kapasitet for e in ohd) == 5  # S §4.20
    assert {e.institusjon_id for e in ohd} == {"I-SMS"}
    koh = [e for e in tvedestrand.enheter if e.plasstype is Plasstype.KOH]
    assert 1 <= sum(e.kapasitet for e in koh) <= 4 and {e.institusjon_id for e in koh} == {"I-STR"}  # T §3.19
    assert sum(e.kapasitet for e in oslo.enheter if e.plasstype is Plasstype.OHD) > 40


def test_rom_og_leiligheter(sandefjord: Sak, oslo: Sak) -> None:
    for sak in (sandefjord, oslo):
        assert any(e.dobbeltrom for e in sak.enheter if e.plasstype is Plasstype.LANGTID_SOMATISK)
        assert any(e.toroms for e in sak.enheter if e.plasstype is Plasstype.SENTERLEILIGHET)
        assert any(e.plasstype is Plasstype.LANGTID_SKJERMET for e in sak.enheter)
    navn = {i.navn for i in sandefjord.institusjoner}
    assert {"Nygård bo- og behandlingssenter", "Mosserødhjemmet", "Sandefjord medisinske senter"} <= navn
    assert "Bugårdsenteret" in navn and "Møylandsenteret" in navn


def test_andel_80_pluss() -> None:
    rng = np.random.default_rng(0)
    alder = g.alder_eldre(rng, 200_000)
    assert abs((alder >= 80).mean() - 0.75) < 0.01
    assert alder.min() >= 50 and alder.max() <= 104


def test_andel_80_pluss_blant_langtidssokere(oslo: Sak, sandefjord: Sak) -> None:
    for sak, tol in ((oslo, 0.05), (sandefjord, 0.12)):
        lt = [s for s in sak.sokere if s.soknad.tjeneste is Tjeneste.LANGTID]
        assert abs(sum(s.alder >= 80 for s in lt) / len(lt) - 0.75) <= tol


def test_demensprevalens_dobles_per_baand() -> None:
    for alder in (70, 75, 80, 85):
        assert g.demens_prevalens(alder + 5) == pytest.approx(2 * g.demens_prevalens(alder))
    ref = g._REFERANSE_70PLUSS
    snitt = sum(w * g.demens_prevalens(a) for a, w in ref.items()) / sum(ref.values())
    assert snitt == pytest.approx(0.146, abs=1e-6)  # HUNT4


def test_demensandel_stiger_med_alder(oslo: Sak) -> None:
    antall: Counter[int] = Counter()
    demente: Counter[int] = Counter()
    for s in oslo.sokere:
        if s.alder >= 70 and s.diagnoser.demens is not None:
            b = min(90, s.alder // 10 * 10)
            antall[b] += 1
            demente[b] += bool(s.diagnoser.demens)
    andel = [demente[b] / antall[b] for b in (70, 80, 90)]
    assert andel[0] < andel[1] < andel[2]


def test_liggetid_langtid() -> None:
    rng = np.random.default_rng(0)
    t = g.langtid_liggetid(rng, 400_000)
    assert t.mean() == pytest.approx(730, rel=0.02)  # mean 2 years (SAMDATA 02/17)
    assert (t < 182.5).mean() == pytest.approx(0.28, abs=0.005)  # 28 % within 6 months


def test_faa_langtidsplasser_frigjores(oslo: Sak) -> None:
    lt = {e.id: e for e in oslo.enheter if e.plasstype.familie is Familie.LANGTID}
    kap = sum(e.kapasitet for e in lt.values())
    opph = [o for o in oslo.opphold if o.enhet_id in lt]
    assert all(o.start < oslo.startdato for o in opph)
    slutter = sum(o.forventet_slutt is not None for o in opph)
    # Renewal process: ≈ 28/730 of the beds free up within the horizon, plus ≈ 1.5 % empty now.
    assert 0.02 * kap < slutter < 0.06 * kap
    assert 0.005 * kap < kap - len(opph) < 0.03 * kap
    # The scarcity is the point: more langtid applicants than places coming free.
    soker_lt = sum(s.soknad.tjeneste is Tjeneste.LANGTID for s in oslo.sokere)
    assert soker_lt > 2 * (slutter + kap - len(opph))


def test_korte_opphold(sandefjord: Sak) -> None:
    typ = {e.id: e.plasstype for e in sandefjord.enheter}
    for o in sandefjord.opphold:
        pt = typ[o.enhet_id]
        assert o.forventet_slutt is None or o.forventet_slutt >= sandefjord.startdato
        if pt is Plasstype.KORTTID:
            assert o.forventet_slutt is not None and 14 <= (o.forventet_slutt - o.start).days + 1 <= 28
        if pt is Plasstype.OHD:
            assert o.forventet_slutt is not None and (o.forventet_slutt - o.start).days + 1 <= 3


# --- applicants --------------------------------------------------------------------------------


def test_tjenestemiks(tvedestrand: Sak, sandefjord: Sak) -> None:
    for sak in (tvedestrand, sandefjord):
        tj = Counter(s.soknad.tjeneste for s in sak.sokere)
        forventet = {Tjeneste.LANGTID, Tjeneste.KORTTID, Tjeneste.AVLASTNING, Tjeneste.AKUTT}
        forventet |= {Tjeneste(p.value) for p in sak.profil.plasstyper if p.er_bolig}
        assert set(tj) == forventet
    assert {s.soknad.tjeneste for s in tvedestrand.sokere} >= {Tjeneste.HDO, Tjeneste.HDOU, Tjeneste.TRYGGHETSBOLIG}


def test_utfall_er_blandet(oslo: Sak, sandefjord: Sak) -> None:
    for sak in (oslo, sandefjord):
        u = Counter(g.antatt_kvalifisert(s, sak.profil) for s in sak.sokere)
        n = len(sak.sokere)
        assert u[True] / n > 0.75
        assert 0.03 <= u[None] / n <= 0.12  # about 5–10 % with a missing field
        assert 0.03 <= u[False] / n <= 0.15
    # Every service has eligible and not-eligible applicants in Oslo.
    per = Counter((s.soknad.tjeneste, g.antatt_kvalifisert(s, oslo.profil)) for s in oslo.sokere)
    for tj in {s.soknad.tjeneste for s in oslo.sokere}:
        assert per[tj, True] and per[tj, False] and per[tj, None]


def test_langtidssokere_har_hoy_iplos(oslo: Sak) -> None:
    skarer = [
        v
        for s in oslo.sokere
        if s.soknad.tjeneste is Tjeneste.LANGTID and g.antatt_kvalifisert(s, oslo.profil)
        for v in s.iplos.skarer().values()
    ]
    assert np.mean([3 <= v <= 5 for v in skarer]) > 0.7


def test_ukp_og_korttidslenker(oslo: Sak, tvedestrand: Sak) -> None:
    for sak in (oslo, tvedestrand):
        opph = {o.id: o for o in sak.opphold}
        typ = {e.id: e.plasstype for e in sak.enheter}
        ukp = [s for s in sak.sokere if s.oppholdssted is Oppholdssted.SYKEHUS_UKP]
        assert ukp
        for s in ukp:
            assert s.utskrivningsklar_dato is not None
            assert 0 <= (sak.startdato - s.utskrivningsklar_dato).days <= 7
            assert s.soknad.soknadsdato <= s.utskrivningsklar_dato
        pa_korttid = [s for s in sak.sokere if s.oppholdssted is Oppholdssted.KORTTID]
        assert pa_korttid
        for s in pa_korttid:
            assert s.soknad.tjeneste is Tjeneste.LANGTID
            assert s.naverende_opphold_id is not None
            assert typ[opph[s.naverende_opphold_id].enhet_id] is Plasstype.KORTTID


def test_ektepar(oslo: Sak, sandefjord: Sak) -> None:
    for sak in (oslo, sandefjord):
        sokere = {s.id: s for s in sak.sokere}
        par = [s for s in sak.sokere if s.ektefelle_id]
        assert par and len(par) % 2 == 0
        for s in par:
            e = sokere[s.ektefelle_id]
            assert e.ektefelle_id == s.id
            assert e.soknad.tjeneste == s.soknad.tjeneste
            assert s.soknad.tjeneste in (Tjeneste.LANGTID, Tjeneste.SENTERLEILIGHET)
            assert e.onsker_bo_sammen == s.onsker_bo_sammen
            assert e.bydel == s.bydel
        assert sum(s.onsker_bo_sammen for s in par) / len(par) > 0.6
    assert any(s.soknad.tjeneste is Tjeneste.SENTERLEILIGHET for s in oslo.sokere if s.ektefelle_id)


@pytest.mark.parametrize("navn", ["sandefjord", "oslo", "stress"])
def test_laaser_er_konsistente(navn: str, alle: dict[str, Sak]) -> None:
    sak = alle[navn]
    sokere = {s.id: s for s in sak.sokere}
    enheter = {e.id: e for e in sak.enheter}
    assert sak.laaser
    assert len({laas.soker_id for laas in sak.laaser}) == len(sak.laaser)
    typer = Counter(laas.type for laas in sak.laaser)
    if navn != "sandefjord":
        assert typer[Laastype.TILDEL] and typer[Laastype.IKKE_TILDEL]
    for laas in sak.laaser:
        s = sokere[laas.soker_id]
        if laas.type is Laastype.TILDEL:
            e = enheter[laas.enhet_id]
            assert e.plasstype.familie is s.soknad.tjeneste.familie
            assert g.antatt_kvalifisert(s, sak.profil, e.plasstype) is True
            assert s.ektefelle_id is None
        elif laas.enhet_id is not None:
            assert enheter[laas.enhet_id].plasstype.familie is s.soknad.tjeneste.familie


def test_pseudonyme_ider(sandefjord: Sak) -> None:
    assert all(o.id.startswith("OPP-") for o in sandefjord.opphold)
    assert all(e.id.startswith("E-") for e in sandefjord.enheter)
    omsorgsytere = [s.soknad.avlastning.omsorgsyter_id for s in sandefjord.sokere if s.soknad.avlastning]
    assert omsorgsytere and all(x.startswith("P-") for x in omsorgsytere)


# --- command line --------------------------------------------------------------------------------


def test_cli_generer(tmp_path: Path) -> None:
    from allokering.cli import app

    ut = tmp_path / "t.json"
    res = CliRunner().invoke(app, ["generer", "tvedestrand", "--seed", "3", "--ut", str(ut), "--laast", "0.1"])
    assert res.exit_code == 0, res.output
    assert "søkere" in res.output and "Andel 80 år og eldre" in res.output
    sak = les_sak(ut)
    assert ut.read_text(encoding="utf-8") == sak_til_json(g.generer_sak("tvedestrand", 3, andel_laast=0.1))
    assert len(sak.laaser) == 5

    res = CliRunner().invoke(app, ["generer", "tvedestrand", "--ut", str(ut), "--sokere", "80", "--enheter", "20"])
    assert res.exit_code == 0, res.output
    sak = les_sak(ut)
    assert (len(sak.sokere), len(sak.enheter)) == (80, 20)


def test_cli_ukjent_navn(tmp_path: Path) -> None:
    from allokering.cli import app

    res = CliRunner().invoke(app, ["generer", "bergen", "--ut", str(tmp_path / "x.json")])
    assert res.exit_code == 2
    assert "ukjent kommune «bergen»" in res.output
    assert not (tmp_path / "x.json").exists()
