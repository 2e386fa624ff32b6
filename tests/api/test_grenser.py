"""Limits (issue 20, item 5): hostile bodies against a real server process, with its memory measured
from /proc (VmHWM: the peak resident set), plus the three requests that used to give status 500."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.grenser import MAKS_FEIL

ROT = Path(__file__).resolve().parents[2]


def _ledig_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _vmhwm_mb(pid: int) -> float:
    for linje in Path(f"/proc/{pid}/status").read_text().splitlines():
        if linje.startswith("VmHWM:"):
            return int(linje.split()[1]) / 1024
    raise AssertionError("VmHWM mangler")


@pytest.fixture(scope="module")
def tjener(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not Path("/proc/self/status").exists():
        pytest.skip("trenger /proc for å måle minnet")
    from api.auth import opprett_bruker, utsted_token
    from api.db import lag_motor, lag_sesjonsfabrikk, migrer

    url = f"sqlite:///{tmp_path_factory.mktemp('grenser') / 'g.sqlite'}"
    motor = lag_motor(url)
    migrer(motor)
    with lag_sesjonsfabrikk(motor).begin() as s:
        token = utsted_token(s, opprett_bruker(s, "kari", "saksbehandler", "et langt passord 1"))
    motor.dispose()
    port = _ledig_port()
    kode = (
        "import uvicorn; from api.app import lag_app; "
        f"uvicorn.run(lag_app({url!r}, maks_arbeidere=1), host='127.0.0.1', port={port}, log_level='warning')"
    )
    p = subprocess.Popen([sys.executable, "-c", kode], cwd=ROT, env={**os.environ, "PYTHONPATH": str(ROT)})
    base = f"http://127.0.0.1:{port}"
    slutt = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/helse", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert p.poll() is None and time.monotonic() < slutt, "tjeneren startet ikke"
        time.sleep(0.2)
    hode = {"Authorization": f"Bearer {token}", "X-Formal": "test av grensene for innlesing"}
    r = httpx.post(f"{base}/saker/demo/tvedestrand", headers=hode, timeout=30)
    assert r.status_code == 201, r.text
    yield {"base": base, "pid": p.pid, "hode": hode, "sak_id": r.json()["id"]}
    p.terminate()
    p.wait(20)


def _fiendtlige_kropper() -> dict[str, bytes]:
    fire_mb = 4 * 1024 * 1024
    tomme = b'{"sokere":[' + b",".join([b"{}"] * (fire_mb // 3)) + b"]}"
    femti_tusen_tomme = b'{"sokere":[' + b",".join([b"{}"] * 50_000) + b"]}"
    dyp = b"[" * (fire_mb // 2) + b"]" * (fire_mb // 2)
    en_soker_stor_liste = b'{"sokere":[{"x":[' + b",".join([b"{}"] * (fire_mb // 3 - 10)) + b"]}]}"
    strenger = b'{"sokere":[' + b",".join([b'"a"'] * (fire_mb // 4)) + b"]}"
    med_felt = json.dumps(
        {
            "kommune": {"nummer": "4213", "navn": "x"},
            "sokere": [{"id": f"S-{i}", "alder": "gammel"} for i in range(49_000)],
        }
    ).encode()
    return {
        "1,4 mill. tomme søkere": tomme,
        "50 000 tomme søkere": femti_tusen_tomme,
        "nestet 2 mill. dypt": dyp,
        "én søker med en liste på 1,4 mill.": en_soker_stor_liste,
        "1 mill. strenger": strenger,
        "49 000 ugyldige søkere": med_felt,
    }


def test_fiendtlige_kropper_avvises_raskt_med_begrenset_minne(tjener: dict[str, Any]) -> None:
    base, pid, hode = tjener["base"], tjener["pid"], tjener["hode"]
    for navn, kropp in _fiendtlige_kropper().items():
        assert len(kropp) <= 4.5 * 1024 * 1024, navn
        for_mb = _vmhwm_mb(pid)
        helse: list[float] = []
        stopp = threading.Event()

        def ping(helse: list[float] = helse, stopp: threading.Event = stopp) -> None:
            while not stopp.is_set():
                t0 = time.monotonic()
                httpx.get(f"{base}/helse", timeout=10)
                helse.append(time.monotonic() - t0)
                time.sleep(0.05)

        tr = threading.Thread(target=ping)
        tr.start()
        t0 = time.monotonic()
        r = httpx.post(f"{base}/saker", headers={**hode, "Content-Type": "application/json"}, content=kropp, timeout=30)
        tid = time.monotonic() - t0
        stopp.set()
        tr.join()
        vekst = _vmhwm_mb(pid) - for_mb
        assert r.status_code in (413, 422), (navn, r.status_code, r.text[:300])
        assert tid < 2.0, (navn, tid)
        assert vekst < 200, (navn, vekst)
        assert len(r.content) < 64 * 1024, (navn, len(r.content))
        svar = r.json()
        assert len(svar["feil"]) <= MAKS_FEIL, navn
        assert helse and max(helse) < 2.0, (navn, helse)
        print(f"{navn}: {len(kropp) / 1e6:.1f} MB → {r.status_code} på {tid:.2f} s, minne +{vekst:.0f} MB")


def test_hoyst_50_feil_med_antallet_av_resten(tjener: dict[str, Any]) -> None:
    kropp = b'{"sokere":[' + b",".join([b"{}"] * 1000) + b"]}"
    r = httpx.post(f"{tjener['base']}/saker", headers=tjener["hode"], content=kropp, timeout=30)
    assert r.status_code == 422
    svar = r.json()
    assert len(svar["feil"]) == MAKS_FEIL
    assert svar["flere_feil"] > 1000 and svar["detail"].startswith(f"Ugyldig inndata: {svar['flere_feil'] + 50} feil")
    assert svar["feil"][-1]["rad"].startswith("sokere[")


def test_de_tre_500_svarene_er_422(tjener: dict[str, Any]) -> None:
    base, h, sak_id = tjener["base"], tjener["hode"], tjener["sak_id"]
    r = httpx.post(f"{base}/saker/{sak_id}/kjoringer", headers=h, json={"versjon": 10**30})
    assert r.status_code == 422 and r.json()["feil"][0]["felt"] == "versjon", r.text
    r = httpx.put(
        f"{base}/saker/{sak_id}/beslutninger/S-000001",
        headers=h,
        json={"utfall": "avslag", "kjoring_id": 2**63, "begrunnelse": "vedtatt i møtet"},
    )
    assert r.status_code == 422 and r.json()["feil"][0]["felt"] == "kjoring_id", r.text
    for sti in ("/saker", f"/saker/{sak_id}/kjoringer", f"/saker/{sak_id}/laaser"):
        for dyp in (b"[" * 1000 + b"]" * 1000, b'{"a":' * 1000 + b"1" + b"}" * 1000):
            r = httpx.post(f"{base}{sti}", headers={**h, "Content-Type": "application/json"}, content=dyp)
            assert r.status_code == 422 and "nestet dypere" in r.json()["detail"], (sti, r.text)


def test_nul_og_retningstegn_avvises(tjener: dict[str, Any]) -> None:
    base, h, sak_id = tjener["base"], tjener["hode"], tjener["sak_id"]
    demo = httpx.get(f"{base}/saker/{sak_id}/versjoner/1", headers=h).json()
    demo["sokere"][0]["bydel"] = "Sentrum\u202e"
    r = httpx.post(f"{base}/saker", headers=h, json=demo, timeout=30)
    assert r.status_code == 422 and "skriveretningen" in r.json()["feil"][0]["melding"], r.text
    r = httpx.post(
        f"{base}/saker/{sak_id}/laaser",
        headers=h,
        json={"soker_id": "S-000001", "type": "ikke_tildel", "begrunnelse": "ok\x00skjult"},
    )
    assert r.status_code == 422, r.text


def test_nul_og_retningstegn_avvises_ogsaa_i_csv(klient: Any, roller: dict[str, Any]) -> None:
    from modeller.tabeller import MALMAPPE

    sokere = (MALMAPPE / "sokere.csv").read_bytes().replace(b";Sentrum;", ";Sentrum\u202e;".encode(), 1)
    r = klient.post(
        "/saker/import",
        headers=roller["saksbehandler"],
        data={"profil": "sandefjord", "startdato": "2026-11-30", "syntetisk": "true"},
        files={
            "sokere": ("sokere.csv", sokere, "text/csv"),
            "enheter": ("enheter.csv", (MALMAPPE / "enheter.csv").read_bytes(), "text/csv"),
        },
    )
    assert r.status_code == 422 and "skriveretningen" in r.json()["feil"][0]["melding"], r.text
