"""«Last inn demosak» is idempotent on the server: the same Idempotency-Key (one per user and demo case, sent
by the page) opens the case the first request created, also when two requests race."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select

from api.db import SakRad


def _antall_saker(app: Any) -> int:
    with app.state.fabrikk() as s:
        return int(s.scalar(select(func.count()).select_from(SakRad)) or 0)


def test_andre_klikk_aapner_samme_demosak(app: Any, klient: Any, roller: dict[str, dict[str, str]]) -> None:
    h = {**roller["saksbehandler"], "Idempotency-Key": "nokkel-abc-123"}
    r1 = klient.post("/saker/demo/tvedestrand", headers=h)
    assert r1.status_code == 201, r1.text
    r2 = klient.post("/saker/demo/tvedestrand", headers=h)
    assert r2.status_code == 200, r2.text
    assert r2.json()["id"] == r1.json()["id"]
    assert _antall_saker(app) == 1
    # the same key for the other demo case is a conflict, not a silent wrong case
    r3 = klient.post("/saker/demo/sandefjord", headers=h)
    assert r3.status_code == 409 and "tvedestrand" in r3.json()["detail"]
    # another key (another browser) or no key creates a new case, as before
    assert klient.post("/saker/demo/tvedestrand", headers={**h, "Idempotency-Key": "annen-nokkel-1"}).status_code == 201
    assert klient.post("/saker/demo/tvedestrand", headers=roller["saksbehandler"]).status_code == 201
    assert _antall_saker(app) == 3
    # a key is per user: the same key from another user does not open this user's case
    from api.auth import opprett_bruker, utsted_token

    with app.state.fabrikk.begin() as s:
        b = opprett_bruker(s, "test-saksbehandler-2", "saksbehandler", "et langt passord 7")
        h2 = {"Authorization": f"Bearer {utsted_token(s, b)}", "X-Formal": "test av tildeling"}
    r4 = klient.post("/saker/demo/tvedestrand", headers={**h2, "Idempotency-Key": "nokkel-abc-123"})
    assert r4.status_code == 201 and r4.json()["id"] != r1.json()["id"]
    # a malformed key is refused
    assert klient.post("/saker/demo/tvedestrand", headers={**h, "Idempotency-Key": "kort"}).status_code == 422


def test_samtidige_foresporsler_gir_en_sak(app: Any, klient: Any, roller: dict[str, dict[str, str]]) -> None:
    import modeller.generator

    ekte = modeller.generator.last_demo
    sperre = threading.Barrier(2, timeout=30)

    def last_demo_samtidig(navn: str) -> Any:
        sak = ekte(navn)
        sperre.wait()  # both requests have looked for the key and found none before either stores its case
        return sak

    app.state.demolaster = last_demo_samtidig
    h = {**roller["saksbehandler"], "Idempotency-Key": "samtidig-nokkel-1"}
    with ThreadPoolExecutor(2) as pool:
        svar = list(pool.map(lambda _: klient.post("/saker/demo/sandefjord", headers=h), range(2)))
    assert sorted(r.status_code for r in svar) == [200, 201], [r.text for r in svar]
    assert svar[0].json()["id"] == svar[1].json()["id"]
    assert _antall_saker(app) == 1
