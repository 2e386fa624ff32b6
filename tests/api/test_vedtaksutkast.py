"""«Lag vedtaksutkast» (api/web/brev_api.py): a zip with one Word letter per søker of a finished run, for a
saksbehandler with a purpose and access to the case's team; every søker logged in the access log; letters marked as
drafts until the meeting's decisions are stored for the run."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from docx import Document
from sqlalchemy import select

from allokering.brev import UTKAST
from api.db import Tilgangslogg
from tests.api.conftest import vent_paa

RASK = {"parametre": {"tidsgrense_s": 20, "marginalverdier": False}}


def _tekst(innhold: bytes) -> str:
    d = Document(io.BytesIO(innhold))
    return "\n".join(p.text for p in d.paragraphs)


def _kjoring(klient: Any, h: dict[str, str]) -> tuple[int, int]:
    r = klient.post("/saker/demo/tvedestrand", headers=h)
    assert r.status_code == 201, r.text
    sak_id = r.json()["id"]
    r = klient.post(f"/saker/{sak_id}/kjoringer", headers=h, json=RASK)
    assert r.status_code == 202, r.text
    st = vent_paa(klient, r.json()["id"], h)
    assert st["status"] == "done", st
    return sak_id, st["id"]


def test_vedtaksutkast_zip_logg_og_ferdigbehandlet(klient: Any, roller: dict[str, Any], app: Any) -> None:
    h = roller["saksbehandler"]
    sak_id, kid = _kjoring(klient, h)
    res = klient.get(f"/kjoringer/{kid}/resultat", headers=h).json()
    sokere = {f["applicant_id"] for f in res["explanations"]}

    r = klient.get(f"/kjoringer/{kid}/vedtaksutkast", headers=h)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip" and r.headers["x-ferdigbehandlet"] == "false"
    z = zipfile.ZipFile(io.BytesIO(r.content))
    navn = set(z.namelist())
    assert "samlet.docx" in navn and {n.split("_", 1)[0] for n in navn - {"samlet.docx"}} == sokere
    for n in navn - {"samlet.docx"}:
        t = _tekst(z.read(n))
        sid = n.split("_", 1)[0]
        assert UTKAST in t and f"SAK{sak_id}/K{kid}/{sid}" in t and res["input_sha256"] in t
    with app.state.fabrikk() as s:
        rader = s.scalars(
            select(Tilgangslogg).where(Tilgangslogg.sti.like("%/vedtaksutkast"), Tilgangslogg.kjoring_id == kid)
        )
        logget = {x.soker_id for x in rader if x.utfall == "ok" and x.formal == "test av tildeling"}
    assert logget == sokere

    # the meeting's decisions for every assigned and waiting søker make the run finalised: no draft marker
    begrunnelse = "Vedtatt i tildelingsmøtet i tråd med forslaget."
    for a in res["assignments"]:
        kropp = {"utfall": "tildelt", "enhet_id": a["unit_id"], "startdato": a["start_date"], "kjoring_id": kid}
        r = klient.put(
            f"/saker/{sak_id}/beslutninger/{a['applicant_id']}", headers=h, json={**kropp, "begrunnelse": begrunnelse}
        )
        assert r.status_code in (200, 201), r.text
    for w in res["waiting_list"]:
        kropp = {"utfall": "venteliste", "kjoring_id": kid, "begrunnelse": begrunnelse}
        r = klient.put(f"/saker/{sak_id}/beslutninger/{w['applicant_id']}", headers=h, json=kropp)
        assert r.status_code in (200, 201), r.text
    r = klient.get(f"/kjoringer/{kid}/vedtaksutkast", headers=h)
    assert r.status_code == 200 and r.headers["x-ferdigbehandlet"] == "true"
    z = zipfile.ZipFile(io.BytesIO(r.content))
    assert all(UTKAST not in _tekst(z.read(n)) for n in z.namelist())


def test_vedtaksutkast_krever_saksbehandler_og_formal(klient: Any, roller: dict[str, Any], app: Any) -> None:
    h = roller["saksbehandler"]
    _, kid = _kjoring(klient, h)
    r = klient.get(f"/kjoringer/{kid}/vedtaksutkast", headers=roller["leder"])
    assert r.status_code == 403 and "personopplysninger" in r.json()["detail"]
    uten = {k: v for k, v in h.items() if k != "X-Formal"}
    r = klient.get(f"/kjoringer/{kid}/vedtaksutkast", headers=uten)
    assert r.status_code == 400 and "formålet" in r.json()["detail"]
    r = klient.get("/kjoringer/999999/vedtaksutkast", headers=h)
    assert r.status_code == 404 and "finnes ikke" in r.json()["detail"]
    # another team's saksbehandler
    from api.auth import opprett_bruker, utsted_token

    with app.state.fabrikk.begin() as s:
        b = opprett_bruker(s, "test-nord", "saksbehandler", "et langt passord 7", team="nord")
        annen = {"Authorization": f"Bearer {utsted_token(s, b)}", "X-Formal": "vedtak"}
    r = klient.get(f"/kjoringer/{kid}/vedtaksutkast", headers=annen)
    assert r.status_code == 403 and "tjenstlig behov" in r.json()["detail"]
    with app.state.fabrikk() as s:
        utfall = [x.utfall for x in s.scalars(select(Tilgangslogg).where(Tilgangslogg.sti.like("%vedtaksutkast")))]
    assert {"nektet (rolle)", "nektet (formål)", "avvist (404)", "avvist (403)"} <= set(utfall)
