"""The scenario endpoints (``/scenarier/...``): a short comparison where scenario B is an uploaded file whose
capacity plan adds omsorgsboliger; the result serves bolig as a whole and per housing type, and no
person-level ids. One short run (4 weeks, 2 replications) on SQLite only, in the app's job system."""

from __future__ import annotations

import re
import time
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from api.web.scenario_api import EKSEMPELMAPPE

PERSON_ID = re.compile(r"\b(?:S|B|OB)-\d{4,}\b")
"""Søker and stay ids of the simulator (``S-…``, bolig ``B-…`` and ``OB-…``) and of the generator."""
EKSTRA = 20


def test_scenariokjoring_viser_omsorgsboliger_samlet_og_per_boligtype(tmp_path: Path) -> None:
    from api.app import lag_app
    from api.auth import opprett_bruker, utsted_token

    app = lag_app(f"sqlite:///{tmp_path / 'scenarier.sqlite'}", maks_arbeidere=1)
    hode = {}
    with app.state.fabrikk.begin() as s:
        for rolle in ("planlegger", "saksbehandler"):
            b = opprett_bruker(s, f"p-{rolle}", rolle, "et langt passord 7")
            hode[rolle] = {"Authorization": f"Bearer {utsted_token(s, b)}"}
    plan_b = yaml.safe_load((EKSEMPELMAPPE / "sandefjord_dagens_kapasitet.yaml").read_text(encoding="utf-8"))
    plan_b["navn"] = "Sandefjord – 20 nye senterleiligheter"
    plan_b["kapasitetsplan"] = [
        {"fra_aar": 2026, "institusjon": "I-BUG", "plasstype": "senterleilighet", "endring": EKSTRA}
    ]
    with TestClient(app) as c:
        h = hode["planlegger"]
        assert c.get("/scenarier/eksempler", headers=hode["saksbehandler"]).status_code == 403
        r = c.post(
            "/scenarier/kjoringer",
            headers=h,
            data={"a_eksempel": "sandefjord_dagens_kapasitet.yaml", "uker": "4", "replikasjoner": "2"},
            files={"b_fil": ("plan_b.yaml", yaml.safe_dump(plan_b, allow_unicode=True).encode(), "application/yaml")},
        )
        assert r.status_code == 202, r.text
        jid = r.json()["id"]
        frist = time.monotonic() + 240
        while (st := c.get(f"/scenarier/kjoringer/{jid}", headers=h).json())["status"] not in ("done", "failed"):
            assert time.monotonic() < frist, st
            time.sleep(0.5)
        assert st["status"] == "done", st
        r = c.get(f"/scenarier/kjoringer/{jid}/resultat", headers=h)
        assert r.status_code == 200
        assert not PERSON_ID.search(r.text), PERSON_ID.search(r.text)
        a, b = r.json()["scenarier"]
        rapport = c.get(f"/scenarier/kjoringer/{jid}/rapport", headers=h)
        assert rapport.status_code == 200 and rapport.text.lstrip().lower().startswith("<!doctype html")
    # The run, its result and its report are stored: a new server on the same database still has them.
    app.state.motor.dispose()
    app2 = lag_app(f"sqlite:///{tmp_path / 'scenarier.sqlite'}", maks_arbeidere=1)
    with TestClient(app2) as c:
        assert c.get(f"/scenarier/kjoringer/{jid}", headers=h).json()["status"] == "done"
        assert c.get(f"/scenarier/kjoringer/{jid}/resultat", headers=h).json()["scenarier"][0]["navn"] == a["navn"]
        assert c.get(f"/scenarier/kjoringer/{jid}/rapport", headers=h).status_code == 200

    assert a["boligtyper"] == b["boligtyper"] == ["korttidsleilighet", "senterleilighet", "tilrettelagt_bolig"]
    for sc in (a, b):
        v = sc["vifter"]
        for k in (
            "venteliste_bolig",
            "belegg_bolig",
            *(f"{m}_{t}" for t in sc["boligtyper"] for m in ("venteliste", "belegg")),
        ):
            assert len(v[k]["dato"]) == 4 and len(v[k]["snitt"]) == 4, k
            assert all(x is not None for x in v[k]["snitt"]), k
        assert all(0 < x <= 1 for x in v["belegg_bolig"]["snitt"])
        assert all(x > 0 for x in v["venteliste_bolig"]["snitt"])
        (aar,) = sc["aar"]
        assert aar["aar"] == 2026
        for k in ("venteliste_bolig", "belegg_bolig", "vent_p90_bolig"):
            assert aar[k] is not None and aar[f"{k}_ki_lav"] <= aar[k] <= aar[f"{k}_ki_hoy"], k
        for t in sc["boligtyper"]:
            assert {f"venteliste_{t}", f"belegg_{t}", f"vent_p90_{t}", f"plasser_{t}"} <= aar.keys()
        assert aar["plasser_bolig"] == sum(aar[f"plasser_{t}"] for t in sc["boligtyper"])
    # B's capacity plan adds flats of one housing type: only that type (and bolig in all) grows.
    ra, rb = a["aar"][0], b["aar"][0]
    assert rb["plasser_senterleilighet"] == ra["plasser_senterleilighet"] + EKSTRA
    assert rb["plasser_tilrettelagt_bolig"] == ra["plasser_tilrettelagt_bolig"]
    assert rb["plasser_bolig"] == ra["plasser_bolig"] + EKSTRA
    assert rb["venteliste_senterleilighet"] < ra["venteliste_senterleilighet"]


def test_avbrutt_scenariokjoring_merkes_feilet_ved_oppstart(tmp_path: Path) -> None:
    from api.app import lag_app
    from api.db import Scenariokjoring
    from api.jobber import MELDING_OMSTART

    url = f"sqlite:///{tmp_path / 'omstart.sqlite'}"
    app = lag_app(url, maks_arbeidere=1)
    with app.state.fabrikk.begin() as s:
        s.add(
            Scenariokjoring(
                status="running", totalt=4, scenarier=["a"], uker=4, replikasjoner=2, bestilt_av="p", instans="x"
            )
        )
    app.state.motor.dispose()
    app2 = lag_app(url, maks_arbeidere=1)
    with app2.state.fabrikk() as s:
        rad = s.get(Scenariokjoring, 1)
        assert rad is not None and rad.status == "failed" and rad.fase == "feilet"
        assert rad.feilmelding == MELDING_OMSTART  # the same as for solve jobs
    app2.state.motor.dispose()
