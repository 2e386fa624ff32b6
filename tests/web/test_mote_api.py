"""The meeting page's own endpoints without a browser: every lock of the case (case file and meeting) and the
units a lock can name (eligible, with room in the horizon), on the bundled Sandefjord case."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.db import Saksversjon


@pytest.fixture
def oppsett(tmp_path: Any) -> Iterator[tuple[TestClient, dict[str, str], int]]:
    from api.app import lag_app
    from api.auth import opprett_bruker, utsted_token

    app = lag_app(f"sqlite:///{tmp_path / 't.sqlite'}", maks_arbeidere=1)
    with app.state.fabrikk.begin() as s:
        b = opprett_bruker(s, "test-saksbehandler", "saksbehandler", "et langt passord 7")
        h = {"Authorization": f"Bearer {utsted_token(s, b)}", "X-Formal": "test av tildeling"}
    with TestClient(app) as c:
        sak = c.post("/saker/demo/sandefjord", headers=h).json()
        yield c, h, sak["id"]


def test_alle_laaser_med_saksfilens(oppsett: tuple[TestClient, dict[str, str], int]) -> None:
    c, h, sak_id = oppsett
    fil = [x for x in c.get(f"/saker/{sak_id}/laaser/oversikt", headers=h).json() if x["kilde"] == "saksfil"]
    assert fil, "Sandefjord-saken har låser i saksfilen"
    assert all(x["opprettet"] and x["opprettet_av"] and x["versjon"] == 1 for x in fil)
    assert [x["nr"] for x in fil] == list(range(len(fil)))
    valg = c.get(f"/saker/{sak_id}/laasvalg/{fil[0]['soker_id']}", headers=h).json()
    assert valg["hindringer"] and "Saksfilen har allerede en lås" in valg["hindringer"][0]


def test_laasvalg_bare_kvalifiserte_enheter_med_plass(oppsett: tuple[TestClient, dict[str, str], int]) -> None:
    c, h, sak_id = oppsett
    app: Any = c.app
    with app.state.fabrikk() as s:
        data = json.loads(s.query(Saksversjon).filter_by(sak_id=sak_id).one().data)
    alle = {e["id"] for e in data["enheter"]}
    sett = 0
    for soker in data["sokere"][:40]:
        v = c.get(f"/saker/{sak_id}/laasvalg/{soker['id']}", headers=h).json()
        tilbudt = {e["enhet_id"] for e in v["enheter"]}
        utelatt = sum(u["antall"] for u in v["utelatt"])
        assert len(tilbudt) + utelatt == len(alle), v["soker_id"]
        assert len(tilbudt) < len(alle)
        assert all(e["ledige_dager"] > 0 or e["naverende"] for e in v["enheter"])
        assert any("annen tjeneste" in u["grunn"] for u in v["utelatt"])
        sett += bool(tilbudt)
    assert sett > 0
    assert c.get(f"/saker/{sak_id}/laasvalg/FINNES-IKKE", headers=h).status_code == 404


def test_ferdigbehandle_en_foresporsel_gjenapne_logges(oppsett: tuple[TestClient, dict[str, str], int]) -> None:
    from tests.api.conftest import vent_paa

    c, h, sak_id = oppsett
    kid = c.post(f"/saker/{sak_id}/kjoringer", headers=h, json={}).json()["id"]
    assert vent_paa(c, kid, h)["status"] == "done"
    assert c.get(f"/saker/{sak_id}/avslutning", headers=h).json()["ferdigbehandlet"] is False
    r = c.post(f"/saker/{sak_id}/ferdigbehandle", headers=h, json={"kjoring_id": kid, "begrunnelse": "Vedtatt."})
    assert r.status_code == 200, r.text
    ut = r.json()
    res = c.get(f"/kjoringer/{kid}/resultat", headers=h).json()
    antall = len(res["assignments"]) + len(res["waiting_list"])
    assert ut["ferdigbehandlet"] and ut["kjoring_id"] == kid and ut["antall"] == antall
    beslutninger = c.get(f"/saker/{sak_id}/beslutninger", headers=h).json()
    assert len(beslutninger) == antall and {b["kjoring_id"] for b in beslutninger} == {kid}
    # a second click does nothing: same answer, no new decisions
    igjen = c.post(f"/saker/{sak_id}/ferdigbehandle", headers=h, json={"kjoring_id": kid, "begrunnelse": "Igjen."})
    assert igjen.status_code == 200 and igjen.json()["tidspunkt"] == ut["tidspunkt"]
    assert len(c.get(f"/saker/{sak_id}/beslutninger?historikk=true", headers=h).json()) == antall
    # re-solving is refused until the case is reopened with a reason, which is kept in the history
    nei = c.post(f"/saker/{sak_id}/kjoringer", headers=h, json={})
    assert nei.status_code == 409 and "Gjenåpne" in nei.json()["detail"]
    assert c.post(f"/saker/{sak_id}/gjenapne", headers=h, json={"begrunnelse": "x"}).status_code == 422
    apen = c.post(f"/saker/{sak_id}/gjenapne", headers=h, json={"begrunnelse": "Ny opplysning om S-000014."})
    assert apen.status_code == 200 and apen.json()["ferdigbehandlet"] is False
    assert [x["handling"] for x in apen.json()["historikk"]] == ["gjenåpnet", "ferdigbehandlet"]
    assert apen.json()["historikk"][0]["av"] == "test-saksbehandler"
    assert c.post(f"/saker/{sak_id}/gjenapne", headers=h, json={"begrunnelse": "Igjen."}).status_code == 409
    assert c.post(f"/saker/{sak_id}/kjoringer", headers=h, json={}).status_code == 202
