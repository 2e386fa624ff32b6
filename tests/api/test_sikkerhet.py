"""Every finding of issue 20 tried again as an attacker or operator would, with the fix asserted.
One test per row of the issue's table (in its order); deeper tests of the same fixes are in
test_grenser.py, test_sesjoner_og_logg.py and test_tilgang.py."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from sqlalchemy import select

from api.db import Tilgangslogg
from tests.api.conftest import vent_paa

PW = "et langt passord 7"


def _demo(c: Any, h: dict[str, str]) -> int:
    r = c.post("/saker/demo/tvedestrand", headers=h)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_01_admin_lager_konto_og_leser_alt_blir_synlig_og_kan_stanses(
    klient: Any, roller: dict[str, Any], app: Any
) -> None:
    sak_id = _demo(klient, roller["saksbehandler"])
    a = roller["admin"]
    ny = klient.post("/brukere", headers=a, json={"navn": "skygge", "rolle": "saksbehandler", "passord": PW})
    tok = klient.post("/auth/token", data={"username": "skygge", "password": PW}).json()["access_token"]
    h = {"Authorization": f"Bearer {tok}", "X-Formal": "saksbehandling"}
    assert klient.get(f"/saker/{sak_id}/versjoner/1", headers=h).status_code == 200
    with app.state.fabrikk() as s:
        rader = s.scalars(select(Tilgangslogg).where(Tilgangslogg.bruker.in_(["skygge", "test-admin"]))).all()
    assert any(r.bruker == "test-admin" and "opprettet brukeren «skygge»" in r.hva for r in rader)
    assert sum(1 for r in rader if r.bruker == "skygge" and r.handling == "les" and r.soker_id) > 40
    assert klient.post(f"/brukere/{ny.json()['id']}/deaktiver", headers=a).status_code == 200
    assert klient.get(f"/saker/{sak_id}/versjoner/1", headers=h).status_code == 401


def test_02_stor_fiendtlig_kropp_stanses_og_feilsvaret_er_lite(klient: Any, roller: dict[str, Any]) -> None:
    h = {**roller["saksbehandler"], "Content-Type": "application/json"}
    kropp = b'{"sokere":[' + b",".join([b"{}"] * 1_000_000) + b"]}"
    r = klient.post("/saker", headers=h, content=kropp)
    assert r.status_code == 422 and len(r.content) < 10_000
    kropp = b'{"sokere":[' + b",".join([b"{}"] * 130_000) + b"]}"  # the 400 KB body
    r = klient.post("/saker", headers=h, content=kropp)
    assert r.status_code == 422 and len(r.content) < 20_000 and len(r.json()["feil"]) <= 50


def test_03_laasefeil_i_kjoringen_viser_ikke_personopplysninger(klient: Any, roller: dict[str, Any], app: Any) -> None:
    from api.db import Kjoring, naa

    h = roller["saksbehandler"]
    sak_id = _demo(klient, h)
    kid = klient.post(f"/saker/{sak_id}/kjoringer", headers=h, json={"parametre": {"tidsgrense_s": 5}}).json()["id"]
    vent_paa(klient, kid, h, 120)
    with app.state.fabrikk.begin() as s:
        k = s.get(Kjoring, kid)
        assert k is not None
        k.status, k.feilmelding, k.ferdig = "failed", "Feil i låsene: S-000007 (demens) kan ikke bo på E-1", naa()
    for rolle in ("leder", "planlegger"):
        assert "S-000007" not in klient.get(f"/kjoringer/{kid}", headers=roller[rolle]).text


def test_04_hull_i_tilgangsloggen_er_tettet(klient: Any, roller: dict[str, Any], app: Any) -> None:
    h = roller["saksbehandler"]
    sak_id = _demo(klient, h)
    kid = klient.post(f"/saker/{sak_id}/kjoringer", headers=roller["planlegger"], json={}).json()["id"]
    assert vent_paa(klient, kid, h, 120)["status"] == "done"
    klient.get(f"/kjoringer/{kid}/resultat", headers=h)
    klient.post(
        f"/saker/{sak_id}/laaser",
        headers=h,
        json={"soker_id": "S-000001", "type": "ikke_tildel", "begrunnelse": "møtet vil vente"},
    )
    klient.put(
        f"/saker/{sak_id}/beslutninger/S-000002",
        headers=h,
        json={"utfall": "tildelt", "enhet_id": "ukjent", "begrunnelse": "feil enhet"},
    )
    with app.state.fabrikk() as s:
        rader = s.scalars(select(Tilgangslogg)).all()
    sti_resultat = f"/kjoringer/{kid}/resultat"
    assert all(r.soker_id for r in rader if r.sti == sti_resultat)  # bulk read: one row per søker
    assert any(r.sti.endswith("/laaser") and r.soker_id == "S-000001" for r in rader)  # the lock's søker
    assert sum(1 for r in rader if r.bruker == "test-planlegger" and r.handling == "kjøring") > 40
    feilet = [r for r in rader if r.sti.endswith("/beslutninger/S-000002")]
    assert feilet and feilet[-1].utfall == "avvist (422)"
    assert (
        klient.get(
            f"/saker/{sak_id}/sokere/S-000001?formal=abc", headers={"Authorization": h["Authorization"]}
        ).status_code
        == 400
    )


def test_05_saksbehandler_i_annet_team_og_planlegger_som_stopper_andres_jobb(
    klient: Any, roller: dict[str, Any], monkeypatch: Any
) -> None:
    monkeypatch.setenv("ALLOKERING_JOBB_FORSINKELSE_S", "30")
    a = roller["admin"]
    klient.post("/brukere", headers=a, json={"navn": "andre", "rolle": "saksbehandler", "passord": PW, "team": "sør"})
    tok = klient.post("/auth/token", data={"username": "andre", "password": PW}).json()["access_token"]
    h2 = {"Authorization": f"Bearer {tok}", "X-Formal": "saksbehandling"}
    sak_id = _demo(klient, roller["saksbehandler"])
    assert klient.get(f"/saker/{sak_id}/sokere/S-000001", headers=h2).status_code == 403
    kid = klient.post(f"/saker/{sak_id}/kjoringer", headers=roller["saksbehandler"], json={}).json()["id"]
    assert klient.delete(f"/kjoringer/{kid}", headers=roller["planlegger"]).status_code == 403
    klient.delete(f"/kjoringer/{kid}", headers=roller["saksbehandler"])


def test_06_og_07_gjetting_strupes_og_riktig_passord_etter_50_feil_slipper_ikke_inn(
    klient: Any, roller: dict[str, Any]
) -> None:
    koder = [
        klient.post("/auth/token", data={"username": "test-leder", "password": f"gjett {i}"}).status_code
        for i in range(50)
    ]
    assert koder.count(401) <= 5 and koder.count(429) >= 45
    assert klient.post("/auth/token", data={"username": "test-leder", "password": PW}).status_code == 429


def test_08_utlogging_og_utlop(klient: Any, roller: dict[str, Any]) -> None:
    tok = klient.post("/auth/token", data={"username": "test-planlegger", "password": PW}).json()
    assert tok["utloper"]
    h = {"Authorization": f"Bearer {tok['access_token']}"}
    assert klient.post("/auth/logg-ut", headers=h).status_code == 200
    assert klient.get("/meg", headers=h).status_code == 401


def test_09_de_tre_500_svarene(klient: Any, roller: dict[str, Any]) -> None:
    h = roller["saksbehandler"]
    sak_id = _demo(klient, h)
    assert klient.post(f"/saker/{sak_id}/kjoringer", headers=h, json={"versjon": 10**30}).status_code == 422
    r = klient.put(
        f"/saker/{sak_id}/beslutninger/S-000001",
        headers=h,
        json={"utfall": "avslag", "kjoring_id": 2**63, "begrunnelse": "vedtatt i møtet"},
    )
    assert r.status_code == 422
    dyp = b"[" * 1000 + b"]" * 1000
    r = klient.post("/saker", headers={**h, "Content-Type": "application/json"}, content=dyp)
    assert r.status_code == 422


def test_12_sikkerhetshoder_og_dokumentasjon_uten_cdn(klient: Any, roller: dict[str, Any]) -> None:
    h = roller["saksbehandler"]
    sak_id = _demo(klient, h)
    for sti, hode in (
        (f"/saker/{sak_id}/sokere/S-000001", h),
        ("/helse", {}),
        ("/finnes-ikke", {}),
        ("/web/logg-inn", {}),
        ("/docs", {}),
    ):
        r = klient.get(sti, headers=hode)
        assert "default-src" in r.headers["content-security-policy"], sti
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], sti
        assert r.headers["x-content-type-options"] == "nosniff", sti
        assert r.headers["referrer-policy"] == "no-referrer", sti
        assert r.headers["x-frame-options"] == "DENY", sti
        assert r.headers["cache-control"] == "no-store", sti
    for sti in ("/docs", "/redoc"):
        tekst = klient.get(sti).text
        assert "cdn" not in tekst.lower() and "http" not in tekst.lower().replace('spec-url="/openapi.json"', ""), sti
        assert "<script>" not in tekst  # no inline script
    assert klient.get("/docs/statisk/swagger-ui-bundle.js").status_code == 200
    assert klient.get("/docs/statisk/redoc.standalone.js").status_code == 200
    assert klient.get("/docs/statisk/..%2Fcore.py").status_code == 404


def test_13_passordregler_og_ingen_passord_i_argv(klient: Any, roller: dict[str, Any]) -> None:
    r = klient.post("/brukere", headers=roller["admin"], json={"navn": "x1", "rolle": "leder", "passord": "x"})
    assert r.status_code == 422
    import inspect

    from api.cli import opprett

    assert "passord: bool" in inspect.getsource(opprett)  # the flag only asks; it takes no value


def test_14_ingen_engelske_feilmeldinger(klient: Any, roller: dict[str, Any]) -> None:
    h = roller["saksbehandler"]
    sak_id = _demo(klient, h)
    svar = [
        klient.post("/saker", headers={**h, "Content-Type": "application/json"}, content=b"{oops"),
        klient.post(f"/saker/{sak_id}/laaser", headers=h, json={"ukjent": 1}),
        klient.post(f"/saker/{sak_id}/laaser", headers=h, json={}),
        klient.post(f"/saker/{sak_id}/kjoringer", headers={**h, "Content-Type": "application/json"}, content=b"{oops"),
        klient.post("/saker", headers=h, json={"sokere": [{"id": 1, "alder": "x"}], "kommune": 3}),
        klient.post("/auth/token", data={}),
        klient.get("/kjoringer?status=ukjent", headers=h),
    ]
    for r in svar:
        tekst = r.text
        assert r.status_code in (400, 401, 422), tekst
        for engelsk in ("There was an error", "Field required", "Extra inputs", "Input should", "parsing the body"):
            assert engelsk not in tekst, tekst


def test_15_sqlite_filen_er_0600(tmp_path: Path) -> None:
    from api.app import lag_app

    app = lag_app(f"sqlite:///{tmp_path / 'ny.sqlite'}")
    for navn in ("ny.sqlite", "ny.sqlite-wal", "ny.sqlite-shm"):
        sti = tmp_path / navn
        if sti.exists():
            assert stat.S_IMODE(os.stat(sti).st_mode) == 0o600, navn
    app.state.motor.dispose()


def _prov_las(sti: str, kø: Any) -> None:
    """In another process: can this file be locked exclusively right now?"""
    import fcntl

    with open(sti, "r+b") as f:
        try:
            fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            kø.put("opptatt")
        else:
            kø.put("ledig")


def test_15b_ny_motor_paa_en_fil_i_bruk_slipper_ikke_prosessens_laaser(tmp_path: Path) -> None:
    """Opening and closing a file drops every POSIX lock the process holds on it. Making a second
    engine on a database this process already uses (a restart in the same process) must not
    open the file, or SQLite's locks are gone and other processes may write under our readers."""
    import fcntl
    import multiprocessing

    from api.db import lag_motor

    sti = tmp_path / "i_bruk.sqlite"
    lag_motor(f"sqlite:///{sti}").dispose()
    ctx = multiprocessing.get_context("spawn")
    with open(sti, "r+b") as f:
        fcntl.lockf(f, fcntl.LOCK_SH)  # stands for the lock SQLite holds while it reads
        motor = lag_motor(f"sqlite:///{sti}")  # the second engine, same process
        kø = ctx.Queue()
        p = ctx.Process(target=_prov_las, args=(str(sti), kø))
        p.start()
        p.join(30)
        assert kø.get(timeout=5) == "opptatt"
        motor.dispose()


def test_16_helse_sier_bare_ok_til_anonyme(klient: Any, roller: dict[str, Any]) -> None:
    assert klient.get("/helse").json() == {"status": "ok"}
    full = klient.get("/helse", headers=roller["leder"]).json()
    assert full["status"] == "ok" and "database" in full
    h = roller["saksbehandler"]
    r = klient.post(
        f"/saker/{_demo(klient, h)}/laaser",
        headers=h,
        json={"soker_id": "S-000001", "type": "ikke_tildel", "begrunnelse": "tekst\u202emed retningstegn"},
    )
    assert r.status_code == 422
