"""One job system for solve jobs and scenario runs (``api.jobber``): both are listed by ``GET /jobber``,
stopped through the same ``Koordinator.avbryt`` with the same end states, logged in the access log, and
marked failed in the same way when a new server starts on the database while they were active."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.api.conftest import vent_paa

SCENARIO = {"a_eksempel": "sandefjord_dagens_kapasitet.yaml", "uker": "4", "replikasjoner": "2"}


def _vent(hent: Callable[[], dict[str, Any]], status: tuple[str, ...], frist: float = 60.0) -> dict[str, Any]:
    slutt = time.monotonic() + frist
    while (st := hent())["status"] not in status:
        assert time.monotonic() < slutt, st
        time.sleep(0.1)
    return st


def _start_begge(c: TestClient, roller: dict[str, dict[str, str]]) -> tuple[int, int]:
    h, p = roller["saksbehandler"], roller["planlegger"]
    sak_id = c.post("/saker/demo/tvedestrand", headers=h).json()["id"]
    kid = c.post(f"/saker/{sak_id}/kjoringer", headers=h, json={}).json()["id"]
    r = c.post("/scenarier/kjoringer", headers=p, data=SCENARIO)
    assert r.status_code == 202, r.text
    return kid, r.json()["id"]


def test_losejobb_og_scenariojobb_listes_og_stoppes_i_samme_jobbsystem(
    monkeypatch: pytest.MonkeyPatch, app: Any, roller: dict[str, dict[str, str]]
) -> None:
    from api.db import Tilgangslogg

    monkeypatch.setenv("ALLOKERING_JOBB_FORSINKELSE_S", "30")  # both kinds wait in their worker: reliably running
    h, p = roller["saksbehandler"], roller["planlegger"]
    with TestClient(app) as c:
        kid, jid = _start_begge(c, roller)
        # both in the one pool, both running (the pool has two workers)
        vent_paa(c, kid, h, 30, ("running",))
        st = _vent(lambda: c.get(f"/scenarier/kjoringer/{jid}", headers=p).json(), ("running",), 30)
        assert st["fase"] and st["avbryt_bedt"] is False
        jobber = c.get("/jobber", headers=roller["leder"]).json()
        assert {(j["art"], j["id"], j["status"]) for j in jobber} == {
            ("losing", kid, "running"),
            ("scenario", jid, "running"),
        }
        assert app.state.koordinator.antall_i_prosess() == 2
        assert c.get("/helse", headers=p).json()["aktive_jobber"] == 2

        # stopping: the same role rules as for solve jobs (others' runs cannot be stopped)
        assert c.delete(f"/scenarier/kjoringer/{jid}", headers=h).status_code == 403
        assert c.delete(f"/scenarier/kjoringer/{jid}", headers=roller["leder"]).status_code == 403
        t0 = time.monotonic()
        r = c.delete(f"/scenarier/kjoringer/{jid}", headers=p)
        assert r.status_code == 202 and r.json()["avbryt_bedt"] is True
        assert c.delete(f"/kjoringer/{kid}", headers=h).status_code == 202
        assert vent_paa(c, kid, h, 15)["status"] == "cancelled"
        st = _vent(lambda: c.get(f"/scenarier/kjoringer/{jid}", headers=p).json(), ("cancelled", "failed", "done"), 15)
        assert st["status"] == "cancelled" and st["feilmelding"] == "Avbrutt på forespørsel."
        assert time.monotonic() - t0 < 12
        assert c.delete(f"/scenarier/kjoringer/{jid}", headers=p).status_code == 409
        assert c.get("/jobber", headers=p).json() == []
        alle = {(j["art"], j["id"]): j for j in c.get("/jobber?alle=true", headers=p).json()}
        assert alle[("losing", kid)]["status"] == alle[("scenario", jid)]["status"] == "cancelled"
        assert alle[("scenario", jid)]["startet"] and alle[("scenario", jid)]["ferdig"]

        # a queued scenario run is cancelled at once, like a queued solve job
        jid2 = c.post("/scenarier/kjoringer", headers=p, data=SCENARIO).json()["id"]
        jid3 = c.post("/scenarier/kjoringer", headers=p, data=SCENARIO).json()["id"]
        _vent(lambda: c.get(f"/scenarier/kjoringer/{jid2}", headers=p).json(), ("running",), 30)
        # one scenario run at a time with two workers: the second waits in the queue, a worker stays free
        assert c.get(f"/scenarier/kjoringer/{jid3}", headers=p).json()["status"] == "queued"
        r = c.delete(f"/scenarier/kjoringer/{jid3}", headers=p)
        assert r.status_code == 202 and r.json()["status"] == "cancelled"
        assert c.delete(f"/scenarier/kjoringer/{jid2}", headers=p).status_code == 202
        _vent(lambda: c.get(f"/scenarier/kjoringer/{jid2}", headers=p).json(), ("cancelled",), 15)

    # starting and stopping scenario runs is in the access log, as solve jobs are
    with app.state.fabrikk() as s:
        rader = s.scalars(select(Tilgangslogg).where(Tilgangslogg.sti.like("/scenarier/kjoringer%"))).all()
    handlinger = [(r.bruker, r.metode, r.handling, r.utfall) for r in rader]
    assert ("test-planlegger", "POST", "kjøring", "ok") in handlinger
    assert ("test-planlegger", "DELETE", "kjøring", "ok") in handlinger
    assert ("test-leder", "DELETE", "kjøring", "avvist (403)") in handlinger
    assert ("test-saksbehandler", "DELETE", "kjøring", "nektet (rolle)") in handlinger


def test_omstart_merker_avbrutte_scenariojobber_som_losejobber(
    monkeypatch: pytest.MonkeyPatch, db_url: str, app: Any, roller: dict[str, dict[str, str]]
) -> None:
    """A server stops (no clean shutdown) while a solve job and a scenario run are running; a new server on
    the same database marks both failed with the same message and phase, and lists them so."""
    from api.app import lag_app
    from api.db import Kjoring, Scenariokjoring
    from api.jobber import MELDING_OMSTART

    monkeypatch.setenv("ALLOKERING_JOBB_FORSINKELSE_S", "30")
    c = TestClient(app)  # no lifespan: leaving it does not stop the jobs (a crash, as far as the database sees)
    try:
        kid, jid = _start_begge(c, roller)
        vent_paa(c, kid, roller["saksbehandler"], 30, ("running",))
        _vent(lambda: c.get(f"/scenarier/kjoringer/{jid}", headers=roller["planlegger"]).json(), ("running",), 30)
        app2 = lag_app(db_url, maks_arbeidere=1, varm=False)
        try:
            with app2.state.fabrikk() as s:
                k, sc = s.get(Kjoring, kid), s.get(Scenariokjoring, jid)
                assert k is not None and sc is not None
                for rad in (k, sc):
                    assert (rad.status, rad.feilmelding, rad.fase) == ("failed", MELDING_OMSTART, "feilet")
                    assert rad.ferdig is not None
            with TestClient(app2) as c2:
                alle = c2.get("/jobber?alle=true", headers=roller["leder"]).json()
                assert {(j["art"], j["status"]) for j in alle} == {("losing", "failed"), ("scenario", "failed")}
                st = c2.get(f"/scenarier/kjoringer/{jid}", headers=roller["planlegger"]).json()
                assert st["status"] == "failed" and st["feilmelding"] == MELDING_OMSTART
                assert c2.get(f"/kjoringer/{kid}", headers=roller["leder"]).json()["feilmelding"] == MELDING_OMSTART
        finally:
            app2.state.motor.dispose()
    finally:
        app.state.koordinator.stopp()
