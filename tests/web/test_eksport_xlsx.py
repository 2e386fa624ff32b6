"""``POST /eksport/tabell.xlsx`` without a browser: a real .xlsx, numbers as numbers with number formats, text that
looks like a formula stays text, limits and roles."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

TABELL = {
    "tittel": "Nøkkeltall per år: A",
    "kolonner": ["År", "Venteliste", "Belegg", "UKP-kostnad (kr)", "Merknad"],
    "rader": [
        [
            {"v": 2027, "f": "nummer"},
            {"v": 12.4, "f": "desimal1"},
            {"v": 0.974, "f": "prosent"},
            {"v": 396405, "f": "kr"},
            {"v": "=SUM(A1:A9)", "f": "tekst"},
        ],
        [{"v": 2028, "f": "nummer"}, {"v": None}, {"v": 1.0, "f": "prosent"}, {"v": 1200, "f": "heltall"}, {"v": "–"}],
    ],
}


def test_excel_fra_tabell(tmp_path: Any) -> None:
    from api.app import lag_app
    from api.auth import opprett_bruker, utsted_token

    app = lag_app(f"sqlite:///{tmp_path / 't.sqlite'}", maks_arbeidere=1)
    hoder = {}
    with app.state.fabrikk.begin() as s:
        for rolle in ("saksbehandler", "planlegger", "leder", "admin"):
            b = opprett_bruker(s, f"t-{rolle}", rolle, "et langt passord 7")
            hoder[rolle] = {"Authorization": f"Bearer {utsted_token(s, b)}"}
    with TestClient(app) as c:
        r = c.post("/eksport/tabell.xlsx", json=TABELL, headers=hoder["planlegger"])
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
        assert "no-store" in r.headers["cache-control"]
        ark = openpyxl.load_workbook(io.BytesIO(r.content)).active
        assert ark["A1"].value == "Nøkkeltall per år: A"
        assert [x.value for x in ark[3]] == TABELL["kolonner"]
        assert ark["A4"].value == 2027 and ark["A4"].number_format == "0"
        assert ark["B4"].value == 12.4 and ark["B4"].number_format == "#,##0.0"
        assert ark["C4"].value == pytest.approx(0.974) and ark["C4"].number_format == "0.0%"
        assert ark["D4"].value == 396405 and "kr" in ark["D4"].number_format
        assert ark["E4"].value == "=SUM(A1:A9)" and ark["E4"].data_type == "s"  # text, not a formula
        assert ark["B5"].value is None and ark["D5"].number_format == "#,##0"
        # every role that sees tables may download; without login not
        for rolle in ("saksbehandler", "leder", "admin"):
            assert c.post("/eksport/tabell.xlsx", json=TABELL, headers=hoder[rolle]).status_code == 200
        assert c.post("/eksport/tabell.xlsx", json=TABELL).status_code == 401
        # limits: unknown format, too long cell, too many rows
        feil = {**TABELL, "rader": [[{"v": 1, "f": "formel"}]]}
        assert c.post("/eksport/tabell.xlsx", json=feil, headers=hoder["leder"]).status_code == 422
        lang = {**TABELL, "rader": [[{"v": "x" * 2001}]]}
        assert c.post("/eksport/tabell.xlsx", json=lang, headers=hoder["leder"]).status_code == 422
        mange = {**TABELL, "rader": [[{"v": 1}]] * 20_001}
        assert c.post("/eksport/tabell.xlsx", json=mange, headers=hoder["leder"]).status_code in (413, 422)
