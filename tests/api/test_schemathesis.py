"""Property-based requests generated from the OpenAPI schema: no 5xx on any of them (bounded)."""

from __future__ import annotations

from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

ENDEPUNKTER = [
    ("GET", "/helse"),
    ("GET", "/saker"),
    ("POST", "/saker"),
    ("GET", "/saker/{sak_id}/sokere/{soker_id}"),
    ("POST", "/saker/{sak_id}/laaser"),
    ("POST", "/saker/{sak_id}/kjoringer"),
    ("GET", "/kjoringer"),
    ("GET", "/kjoringer/{kjoring_id}/venteliste"),
    ("PUT", "/saker/{sak_id}/beslutninger/{soker_id}"),
    ("GET", "/dashbord/belegg"),
    ("GET", "/tilgangslogg"),
    ("POST", "/auth/token"),
]


def test_ingen_5xx_fra_genererte_foresporsler(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from api.app import lag_app
    from api.auth import opprett_bruker, utsted_token

    monkeypatch.setenv("ALLOKERING_JOBB_FORSINKELSE_S", "0")
    app = lag_app(f"sqlite:///{tmp_path / 'st.sqlite'}", maks_arbeidere=1)
    with app.state.fabrikk.begin() as s:
        b = opprett_bruker(s, "kari", "saksbehandler", "et langt passord 7")
        token = utsted_token(s, b)
    hode = {"Authorization": f"Bearer {token}", "X-Formal": "egenskapstest av API-et"}
    with TestClient(app) as c:
        assert c.post("/saker/demo/tvedestrand", headers=hode).status_code == 201
        spec = c.get("/openapi.json").json()
    skjema = schemathesis.openapi.from_asgi("/openapi.json", app)
    feil: list[str] = []
    antall = 0
    with TestClient(app) as c:
        for metode, sti in ENDEPUNKTER:
            assert metode.lower() in spec["paths"][sti]
            op = skjema[sti][metode]

            @settings(
                max_examples=8,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=op.as_strategy())
            def sjekk(case: Any) -> None:
                nonlocal antall
                kwargs = case.as_transport_kwargs(base_url="http://testserver")
                kwargs["headers"] = {**(kwargs.get("headers") or {}), **hode}
                r = c.request(
                    **{
                        k: v
                        for k, v in kwargs.items()
                        if k in ("method", "url", "headers", "params", "json", "content", "data", "files", "cookies")
                    }
                )
                antall += 1
                if r.status_code >= 500:
                    feil.append(f"{case.method} {case.path} → {r.status_code}: {kwargs}")

            sjekk()
    assert antall >= len(ENDEPUNKTER)
    assert not feil, "\n".join(feil[:5])
