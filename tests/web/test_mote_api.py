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
