"""Two-phase delivery (issue 21): the proposal is stored and answered while the analyses run (the job still
running), then the final result replaces it; stopping during the analyses keeps the proposal. The analyses are
made slow through the engine's timing hook (``ALLOKERING_ANALYSE_FORSINKELSE_S``, read by the worker)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.jobber import FASE_ANALYSER, FASE_UTEN_ANALYSER_AVBRUTT
from tests.api.conftest import vent_paa


@pytest.fixture
def treg_analyse(monkeypatch: pytest.MonkeyPatch, app: Any, roller: dict[str, Any]) -> Iterator[Any]:
    monkeypatch.setenv("ALLOKERING_ANALYSE_FORSINKELSE_S", "6")
    with TestClient(app) as c:
        yield c, roller["saksbehandler"]


def _vent_paa_forslag(klient: Any, kid: int, h: dict[str, str]) -> dict[str, Any]:
    slutt = time.monotonic() + 60
    while True:
        st = klient.get(f"/kjoringer/{kid}?vent=5", headers=h).json()
        if st["forslag_klart"] or st["status"] in ("done", "failed", "cancelled") or time.monotonic() > slutt:
            return st


def test_forslaget_kommer_foer_analysene(treg_analyse: Any) -> None:
    klient, h = treg_analyse
    sak_id = klient.post("/saker/demo/tvedestrand", headers=h).json()["id"]
    kid = klient.post(f"/saker/{sak_id}/kjoringer", headers=h, json={}).json()["id"]
    st = _vent_paa_forslag(klient, kid, h)
    # the long poll answered when the proposal was stored, while the analyses still run
    assert st["status"] == "running" and st["forslag_klart"] and not st["analyser_ferdig"], st
    assert st["fase"] == FASE_ANALYSER and st["losningsstatus"] and st["objective"]
    res = klient.get(f"/kjoringer/{kid}/resultat", headers=h).json()
    assert res["analyser_ferdig"] is False and res["unit_marginal_value"] == {}
    assert res["assignments"] and res["validation"]["ok"]
    tild = klient.get(f"/kjoringer/{kid}/tildelinger?per_side=500", headers=h).json()
    assert tild["antall"] == len(res["assignments"])
    assert klient.get(f"/kjoringer/{kid}/venteliste", headers=h).status_code == 200
    mv = klient.get(f"/kjoringer/{kid}/marginalverdier", headers=h).json()
    assert mv["analyser_ferdig"] is False and mv["enheter"] == []
    lp = klient.get(f"/kjoringer/{kid}/laaspriser", headers=h).json()
    assert lp["analyser_ferdig"] is False and all(x["price_level1"] is None for x in lp["locks"])
    soker = res["explanations"][0]["applicant_id"]
    assert klient.get(f"/kjoringer/{kid}/forklaringer/{soker}", headers=h).status_code == 200
    assert klient.get(f"/dashbord/belegg?kjoring_id={kid}", headers=h).status_code == 200
    # finalising needs the final run
    r = klient.post(f"/saker/{sak_id}/ferdigbehandle", headers=h, json={"kjoring_id": kid, "begrunnelse": "Møtet."})
    assert r.status_code == 409 and "beregner fortsatt" in r.json()["detail"]
    r = klient.get(f"/kjoringer/{kid}/eksport?format=csv", headers=h)  # the export is of the final run
    assert r.status_code == 409 and "beregner fortsatt" in r.json()["detail"]
    st = vent_paa(klient, kid, h, 60)
    assert st["status"] == "done" and st["analyser_ferdig"] and st["fase"] == "ferdig"
    slutt = klient.get(f"/kjoringer/{kid}/resultat", headers=h).json()
    assert slutt["analyser_ferdig"] is True and slutt["unit_marginal_value"]
    assert slutt["assignments"] == res["assignments"] and slutt["waiting_list"] == res["waiting_list"]
    assert klient.get(f"/kjoringer/{kid}/marginalverdier", headers=h).json()["enheter"]
    # the explanations are replaced, not doubled
    forkl = klient.get(f"/kjoringer/{kid}/forklaringer/{soker}", headers=h)
    assert forkl.status_code == 200 and forkl.json() == next(
        f for f in slutt["explanations"] if f["applicant_id"] == soker
    )
    r = klient.post(f"/saker/{sak_id}/ferdigbehandle", headers=h, json={"kjoring_id": kid, "begrunnelse": "Møtet."})
    assert r.status_code == 200, r.text


def test_stopp_under_analysene_beholder_forslaget(treg_analyse: Any) -> None:
    klient, h = treg_analyse
    sak_id = klient.post("/saker/demo/tvedestrand", headers=h).json()["id"]
    kid = klient.post(f"/saker/{sak_id}/kjoringer", headers=h, json={}).json()["id"]
    st = _vent_paa_forslag(klient, kid, h)
    assert st["status"] == "running" and st["forslag_klart"], st
    forslag = klient.get(f"/kjoringer/{kid}/resultat", headers=h).json()
    t0 = time.monotonic()
    assert klient.delete(f"/kjoringer/{kid}", headers=h).status_code == 202
    st = vent_paa(klient, kid, h, 30)
    assert time.monotonic() - t0 < 5  # stopped at once, not after the analyses' 6 s
    assert st["status"] == "done" and not st["analyser_ferdig"] and st["fase"] == FASE_UTEN_ANALYSER_AVBRUTT, st
    res = klient.get(f"/kjoringer/{kid}/resultat", headers=h).json()
    assert res["analyser_ferdig"] is False and res["analyser_stoppet"] == "avbrutt"
    assert res["assignments"] == forslag["assignments"]
