"""Items 7 and 8 of issue 20: a lock for a søker missing from a new version is set aside with a warning;
idle workers die with the server; snapshots are stored once; deletion and retention."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text, update

from api.db import Inndatabilde, Kjoring, SakRad, Saksversjon, Tilgangslogg, naa
from tests.api.conftest import vent_paa

ROT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from allokering.cli import app; app()"]


def _demo(c: Any, h: dict[str, str]) -> int:
    r = c.post("/saker/demo/tvedestrand", headers=h)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _kjor(c: Any, h: dict[str, str], sak_id: int) -> dict[str, Any]:
    r = c.post(f"/saker/{sak_id}/kjoringer", headers=h, json={"parametre": {"tidsgrense_s": 10}})
    assert r.status_code == 202, r.text
    return vent_paa(c, r.json()["id"], h, 120)


def test_laas_for_soker_som_mangler_i_ny_versjon_settes_til_side(klient: Any, roller: dict[str, Any]) -> None:
    h = roller["saksbehandler"]
    sak_id = _demo(klient, h)
    r = klient.post(
        f"/saker/{sak_id}/laaser",
        headers=h,
        json={"soker_id": "S-000003", "type": "ikke_tildel", "begrunnelse": "møtet venter med søkeren"},
    )
    assert r.status_code == 201, r.text
    laas_id = r.json()["id"]
    data = klient.get(f"/saker/{sak_id}/versjoner/1", headers=h).json()
    data["sokere"] = [x for x in data["sokere"] if x["id"] != "S-000003"]
    r = klient.post(f"/saker?sak_id={sak_id}", headers=h, json=data)
    assert r.status_code == 201, r.text
    st = _kjor(klient, h, sak_id)  # before: 422 on every start until someone removed the lock by hand
    assert st["status"] == "done"
    assert len(st["advarsler"]) == 1 and f"Låsen {laas_id}" in st["advarsler"][0]
    assert "S-000003" not in json.dumps(st)  # the warning names the lock, not the søker
    assert klient.get(f"/kjoringer/{st['id']}", headers=roller["leder"]).json()["advarsler"] == st["advarsler"]


def test_oyeblikksbildet_lagres_en_gang_per_versjon(klient: Any, roller: dict[str, Any], app: Any) -> None:
    h = roller["saksbehandler"]
    sak_id = _demo(klient, h)
    kjoringer = [_kjor(klient, h, sak_id) for _ in range(3)]
    r = klient.post(f"/kjoringer/{kjoringer[0]['id']}/reproduser", headers=h)
    assert r.status_code == 202
    vent_paa(klient, r.json()["id"], h, 120)
    with app.state.fabrikk() as s:
        assert s.scalar(select(func.count()).select_from(Inndatabilde)) == 1
        bilder = {k.inndatabilde_id for k in s.scalars(select(Kjoring))}
        assert len(bilder) == 1
        assert s.scalars(select(Kjoring)).first().inndata.startswith("{")  # type: ignore[union-attr]


def test_slett_sak_med_kjoringer_logges(klient: Any, roller: dict[str, Any], app: Any) -> None:
    h = roller["saksbehandler"]
    sak_id = _demo(klient, h)
    kid = _kjor(klient, h, sak_id)["id"]
    a = roller["admin"]
    assert klient.delete(f"/saker/{sak_id}", headers=h, params={"begrunnelse": "ryddet etter møtet"}).status_code == 403
    assert klient.delete(f"/saker/{sak_id}", headers=a).status_code == 422  # a reason is required
    r = klient.delete(f"/saker/{sak_id}", headers=a, params={"begrunnelse": "oppbevaringstiden er ute"})
    assert r.status_code == 200 and r.json()["sokere"] == 49
    assert klient.get(f"/kjoringer/{kid}", headers=a).status_code == 404
    with app.state.fabrikk() as s:
        assert s.get(SakRad, sak_id) is None
        assert s.scalar(select(func.count()).select_from(Inndatabilde)) == 0
        for tabell in ("tildelinger", "forklaringer", "saksversjoner", "laaser", "beslutninger"):
            assert s.execute(text(f"SELECT count(*) FROM {tabell}")).scalar_one() == 0, tabell
        rader = s.scalars(select(Tilgangslogg).where(Tilgangslogg.handling == "sletting")).all()
        assert len(rader) == 49 and all(x.bruker == "test-admin" for x in rader)


def test_opprydding_etter_oppbevaringstid(klient: Any, roller: dict[str, Any], app: Any) -> None:
    h = roller["saksbehandler"]
    gammel, ny = _demo(klient, h), _demo(klient, h)
    k_gammel = _kjor(klient, h, gammel)["id"]
    k_ny1 = _kjor(klient, h, ny)["id"]
    k_ny2 = _kjor(klient, h, ny)["id"]
    lenge_siden = naa() - timedelta(days=400)
    with app.state.fabrikk.begin() as s:
        s.execute(update(SakRad).where(SakRad.id == gammel).values(opprettet=lenge_siden))
        s.execute(update(Saksversjon).where(Saksversjon.sak_id == gammel).values(opprettet=lenge_siden))
        s.execute(
            update(Kjoring).where(Kjoring.id.in_([k_gammel, k_ny1])).values(opprettet=lenge_siden, ferdig=lenge_siden)
        )
    url = str(app.state.motor.url)
    torr = subprocess.run([*CLI, "opprydding", "--db", url], capture_output=True, text=True, cwd=ROT, timeout=120)
    assert torr.returncode == 0 and "slette): 1 saker (49 søkere), 1 eldre kjøringer" in torr.stdout, torr
    r = subprocess.run(
        [*CLI, "opprydding", "--dager", "365", "--slett", "--db", url],
        capture_output=True,
        text=True,
        cwd=ROT,
        timeout=120,
    )
    assert r.returncode == 0 and "Slettet: 1 saker (49 søkere), 1 eldre kjøringer" in r.stdout, r.stdout + r.stderr
    with app.state.fabrikk() as s:
        assert s.get(SakRad, gammel) is None and s.get(SakRad, ny) is not None
        assert {k.id for k in s.scalars(select(Kjoring))} == {k_ny2}
        assert s.scalar(select(func.count()).select_from(Tilgangslogg).where(Tilgangslogg.handling == "sletting")) > 49
    assert subprocess.run([*CLI, "logg", "verifiser", "--db", url], capture_output=True, cwd=ROT).returncode == 0


def test_ledige_arbeidsprosesser_dor_med_tjeneren(tmp_path: Path) -> None:
    """A pool worker that is idle (waiting for work) exits when its parent is killed with -9."""
    kode = (
        "import os, sys, time\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from multiprocessing import get_context\n"
        "from api.jobber import _arbeider_init\n"
        "if __name__ == '__main__':\n"
        "    p = ProcessPoolExecutor(2, mp_context=get_context('spawn'), initializer=_arbeider_init)\n"
        "    ider = {p.submit(os.getpid).result() for _ in range(6)}\n"
        "    print(' '.join(map(str, ider)), flush=True)\n"
        "    time.sleep(60)\n"
    )
    skript = tmp_path / "forelder.py"
    skript.write_text(kode)
    p = subprocess.Popen(
        [sys.executable, str(skript)],
        cwd=ROT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROT)},
    )
    assert p.stdout is not None
    arbeidere = [int(x) for x in p.stdout.readline().split()]
    assert arbeidere
    os.kill(p.pid, signal.SIGKILL)
    p.wait(10)
    slutt = time.monotonic() + 5
    while any(Path(f"/proc/{a}").exists() and " Z " not in Path(f"/proc/{a}/stat").read_text() for a in arbeidere):
        assert time.monotonic() < slutt, "en ledig arbeidsprosess overlevde tjeneren"
        time.sleep(0.1)


def test_migrering_0004_flytter_inndata_til_ett_bilde(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    from api.db import lag_motor, lag_sesjonsfabrikk, migrer

    motor = lag_motor(f"sqlite:///{tmp_path / 'm.sqlite'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(ROT / "api" / "migrations"))
    with motor.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
    t = naa()
    with motor.begin() as c:
        c.execute(
            text(
                "INSERT INTO saker (id, navn, kommunenummer, kommunenavn, regelprofil, syntetisk, opprettet, "
                "opprettet_av, team) VALUES (1, 'x', '4213', 'T', 'tvedestrand', 1, :t, 'kari', 'felles')"
            ),
            {"t": t},
        )
        c.execute(
            text(
                "INSERT INTO saksversjoner (id, sak_id, versjon, kilde, filnavn, data, sha256, startdato, "
                "horisont_dager, antall_sokere, antall_enheter, opprettet, opprettet_av) "
                "VALUES (1, 1, 1, 'json', '', '{}', 'a', :d, 28, 0, 0, :t, 'kari')"
            ),
            {"t": t, "d": t.date()},
        )
        for kid, sha in ((1, "h1"), (2, "h1"), (3, "h2")):
            c.execute(
                text(
                    "INSERT INTO kjoringer (id, sak_id, saksversjon_id, art, status, fremdrift, fase, input_sha256, "
                    "inndata, regelprofil, vekter, parametre, motorversjon, opprettet, instans, bestilt_av) "
                    "VALUES (:k, 1, 1, 'ny', 'done', 1, '', :h, :d, 'tvedestrand', '{}', '{}', '0', :t, 'i', 'kari')"
                ),
                {"k": kid, "h": sha, "d": f'{{"bilde": "{sha}"}}', "t": t},
            )
    migrer(motor)
    with lag_sesjonsfabrikk(motor)() as s:
        assert s.scalar(select(func.count()).select_from(Inndatabilde)) == 2
        assert [json.loads(k.inndata)["bilde"] for k in s.scalars(select(Kjoring).order_by(Kjoring.id))] == [
            "h1",
            "h1",
            "h2",
        ]
    motor.dispose()
