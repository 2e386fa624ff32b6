"""The managers' headline figures come from the meeting's decisions over time, not from solver runs: the weekly
trend per service, median and p90 wait (hidden under five people), occupancy per place type and UKP days and cost
this month and this year; the order of the decisions does not matter."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from api.web.nokkeltall_api import fra_beslutninger, median, p90
from modeller.generator import last_demo


def test_p90_og_median() -> None:
    assert p90([]) is None and median([]) is None
    assert p90(list(range(1, 11))) == 9
    assert p90([5]) == 5
    assert p90([30, 10, 20]) == 30
    assert median([3, 1, 2]) == 2.0 and median([4, 1, 2, 3]) == 2.5


def test_tall_fra_beslutninger_over_tid() -> None:
    sak = last_demo("tvedestrand")
    idag = date(2026, 12, 9)  # a Wednesday in week 50
    langtid = [s for s in sak.sokere if s.soknad.tjeneste.value == "langtid" and s.utskrivningsklar_dato is None][:6]
    ukp = next(s for s in sak.sokere if s.utskrivningsklar_dato is not None)
    enhet = next(e for e in sak.enheter if e.plasstype.value == "langtid_somatisk")
    uke48, uke49, uke50 = datetime(2026, 11, 24, 10), datetime(2026, 12, 1, 10), datetime(2026, 12, 8, 9)
    b: list[tuple[str, str, str | None, date | None, datetime]] = [
        *[(s.id, "venteliste", None, None, uke48) for s in langtid[:4]],
        (langtid[4].id, "venteliste", None, None, uke49),
        (langtid[5].id, "ikke_kvalifisert", None, None, uke49),
        (ukp.id, "venteliste", None, None, uke48),
        # week 50: the first langtid søker gets a place from 8 December, the UKP søker one from 12 December
        (langtid[0].id, "tildelt", enhet.id, date(2026, 12, 8), uke50),
        (ukp.id, "tildelt", enhet.id, date(2026, 12, 12), uke50),
    ]
    ut = fra_beslutninger(sak, b, idag, uker=4)
    trend = ut["trend"]
    assert [u["uke"] for u in trend] == ["2026-U47", "2026-U48", "2026-U49", "2026-U50"]
    assert [u["dato"] for u in trend] == ["2026-11-22", "2026-11-29", "2026-12-06", "2026-12-09"]
    assert [u["venteliste"] for u in trend] == [0, 5, 6, 4]
    assert [u["tildelt"] for u in trend] == [0, 0, 0, 2]
    assert ut["venter_naa"] == 4
    # per service; median and p90 of days waited since the søknad, hidden for fewer than five people
    tj_ukp = ukp.soknad.tjeneste.value
    uke49_lt = trend[2]["per_tjeneste"]["langtid"]
    venter49 = [s for s in langtid[:5]] + ([ukp] if tj_ukp == "langtid" else [])
    dager = [(date(2026, 12, 6) - s.soknad.soknadsdato).days for s in venter49]
    assert uke49_lt["venter"] == len(venter49)
    assert uke49_lt["median_dager"] == median(dager) and uke49_lt["p90_dager"] == p90(dager)
    naa_lt = ut["ventetid_naa"]["langtid"]
    assert naa_lt["venter"] == 4 and naa_lt["median_dager"] is None and naa_lt["p90_dager"] is None
    # occupancy of langtid_somatisk rises by one from the day the place starts (8 December), not from the decision
    kapasitet = ut["kapasitet"]["langtid_somatisk"]
    foer = trend[2]["belegg"]["langtid_somatisk"]["belagt"]
    naa = ut["belegg_naa"]["langtid_somatisk"]
    assert naa["belagt"] == foer + 1 and naa["andel"] == round(naa["belagt"] / kapasitet, 4)
    # UKP: hospital days from the utskrivningsklar date until the place starts (or until today); the other
    # utskrivningsklare søkere in the case have no decision and wait in hospital until today
    andre = [s.utskrivningsklar_dato for s in sak.sokere if s.utskrivningsklar_dato and s.id != ukp.id]
    assert ukp.utskrivningsklar_dato is not None and andre

    def dogn(fra: date, til: date, uk_fra: date) -> int:
        return max(0, (til - max(fra, uk_fra)).days + 1)

    pris = sak.profil.ukp_dognpris_nok
    for fra, felt in ((date(2026, 12, 1), "denne_maaned"), (date(2026, 1, 1), "hittil_i_aar")):
        venter = dogn(fra, idag, ukp.utskrivningsklar_dato) + sum(dogn(fra, idag, d) for d in andre)
        assert ut["ukp"][felt] == {"dogn": venter, "kostnad_nok": venter * pris}, felt
    # the place starting 12 December ends that søker's UKP days from then on
    senere = fra_beslutninger(sak, b, date(2026, 12, 20), uker=1)
    forventet = dogn(date(2026, 12, 1), date(2026, 12, 11), ukp.utskrivningsklar_dato) + sum(
        dogn(date(2026, 12, 1), date(2026, 12, 20), d) for d in andre
    )
    assert senere["ukp"]["denne_maaned"]["dogn"] == forventet
    assert senere["trend"][0]["ukp_dogn"] == 7 * len(andre)
    # a refusal also ends them (from the day it is made)
    avslag = [*b[:-1], (ukp.id, "ikke_kvalifisert", None, None, uke50)]
    med_avslag = fra_beslutninger(sak, avslag, idag, uker=1)["ukp"]["denne_maaned"]["dogn"]
    assert med_avslag == ut["ukp"]["denne_maaned"]["dogn"] - 2  # 8 and 9 December
    # the order of the decisions does not matter; søkere not in the case are ignored
    assert fra_beslutninger(sak, list(reversed(b)), idag, uker=4) == ut
    assert fra_beslutninger(sak, [*b, ("X-1", "venteliste", None, None, uke48)], idag, uker=4) == ut


def test_nokkeltall_fra_api_et_folger_vedtakene_ikke_kjoringene(tmp_path: Any) -> None:
    """A finished run alone moves none of the headline figures; the meeting's decisions do."""
    import json
    import time

    from fastapi.testclient import TestClient

    from api.app import lag_app
    from api.auth import opprett_bruker, utsted_token

    app = lag_app(f"sqlite:///{tmp_path / 't.sqlite'}", maks_arbeidere=1)
    with app.state.fabrikk.begin() as s:
        sb = opprett_bruker(s, "t-saksbehandler", "saksbehandler", "et langt passord 7")
        h = {"Authorization": f"Bearer {utsted_token(s, sb)}", "X-Formal": "test av tildeling"}
        le = opprett_bruker(s, "t-leder", "leder", "et langt passord 7")
        hl = {"Authorization": f"Bearer {utsted_token(s, le)}"}
    with TestClient(app) as c:
        sak = c.post("/saker/demo/tvedestrand", headers=h).json()["id"]
        k = c.post(f"/saker/{sak}/kjoringer", headers=h, json={}).json()
        frist = time.monotonic() + 120
        while k["status"] not in ("done", "failed", "cancelled") and time.monotonic() < frist:
            time.sleep(0.2)
            k = c.get(f"/kjoringer/{k['id']}", headers=h).json()
        assert k["status"] == "done", k
        nt = c.get(f"/dashbord/nokkeltall?sak_id={sak}", headers=hl).json()
        assert nt["plan"]["kjoring_id"] == k["id"] and nt["plan"]["venteliste"] > 0
        assert nt["venter_naa"] == 0 and nt["beslutninger"] == 0 and nt["ventetid"] == []
        assert all(u["venteliste"] == 0 for u in nt["trend"])
        venter = c.get(f"/kjoringer/{k['id']}/venteliste?per_side=500", headers=h).json()["elementer"]
        for v in venter:
            kropp = {"utfall": "venteliste", "kjoring_id": k["id"], "begrunnelse": "Vedtatt i tildelingsmøtet."}
            r = c.put(f"/saker/{sak}/beslutninger/{v['applicant_id']}", headers=h, json=kropp)
            assert r.status_code in (200, 201), r.text
        nt = c.get(f"/dashbord/nokkeltall?sak_id={sak}", headers=hl).json()
        assert nt["venter_naa"] == len(venter) == nt["trend"][-1]["venteliste"] and nt["beslutninger"] == len(venter)
        per_tjeneste = {r["tjeneste"]: r for r in nt["ventetid"]}
        assert sum(r["venter"] for r in per_tjeneste.values()) == len(venter)
        for r in per_tjeneste.values():
            assert (r["median_dager"] is None) == (r["venter"] < nt["min_gruppe"])
        assert {b["plasstype"] for b in nt["belegg"]} and all(0 <= b["andel"] <= 1.5 for b in nt["belegg"])
        assert nt["ukp"]["hittil_i_aar"]["kostnad_nok"] == nt["ukp"]["hittil_i_aar"]["dogn"] * nt["ukp"]["dognpris_nok"]
        assert "S-0" not in json.dumps(nt)
