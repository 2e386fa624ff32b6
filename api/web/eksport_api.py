"""Excel download of a table shown on a page: ``POST /eksport/tabell.xlsx``.

The page sends the table it shows (bokmål headers, numbers already parsed as numbers with one of a few number
formats); the server writes a real .xlsx with openpyxl: numbers as numbers, percentages as fractions with a
percent format, kroner with «kr», an empty cell for «–». The server reads nothing from the database, so the
download holds exactly what the user already sees (no new access to personal data). Text beginning with «=» is
stored as text, never as a formula."""

from __future__ import annotations

import io
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from pydantic import BaseModel, ConfigDict, Field

from api.auth import AGGREGERT
from api.schemas import FEILSVAR
from api.web.tilgang import krev_rolle

ruter = APIRouter(tags=["eksport"])

Format = Literal["nummer", "heltall", "desimal1", "desimal2", "desimal3", "prosent", "kr", "tekst"]
FORMATKODER: dict[str, str] = {
    "nummer": "0",  # years, weeks, run numbers: no thousands separator
    "heltall": "#,##0",
    "desimal1": "#,##0.0",
    "desimal2": "#,##0.00",
    "desimal3": "#,##0.000",
    "prosent": "0.0%",
    "kr": '#,##0 "kr"',
}
"""Excel shows these with the reader's own separators (decimal comma and space in Norwegian Excel)."""


class Celle(BaseModel):
    model_config = ConfigDict(extra="forbid")
    v: float | Annotated[str, Field(max_length=2000)] | None = Field(
        default=None, description="Tallet, teksten, eller tom."
    )
    f: Format = Field(default="tekst", description="Tallformatet når v er et tall.")


class Tabell(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "tittel": "Belegg per plasstype 5. des.",
                    "kolonner": ["Plasstype", "Plasser", "Belegg"],
                    "rader": [[{"v": "Korttid"}, {"v": 8, "f": "heltall"}, {"v": 0.625, "f": "prosent"}]],
                }
            ]
        },
    )
    tittel: str = Field(max_length=300, description="Tabellens overskrift (første rad i arket).")
    kolonner: list[Annotated[str, Field(max_length=300)]] = Field(min_length=1, max_length=200)
    rader: list[Annotated[list[Celle], Field(max_length=200)]] = Field(max_length=20_000)


def arbeidsbok(t: Tabell) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = (re.sub(r"[\[\]:*?/\\]", " ", t.tittel).strip() or "Tabell")[:31]
    ws.cell(1, 1, t.tittel).font = Font(bold=True, size=12)
    for j, navn in enumerate(t.kolonner, start=1):
        c = ws.cell(3, j, navn)
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    bredde = [len(k) for k in t.kolonner]
    for i, rad in enumerate(t.rader, start=4):
        for j, celle in enumerate(rad[: len(t.kolonner)], start=1):
            c = ws.cell(i, j)
            if celle.v is None or celle.v == "":
                continue
            c.value = celle.v
            if isinstance(celle.v, str):
                c.data_type = "s"  # «=…» stays text: no formula from the page's data
            elif celle.f in FORMATKODER:
                c.number_format = FORMATKODER[celle.f]
            bredde[j - 1] = max(bredde[j - 1], len(str(celle.v)) + 2)
    for j, b in enumerate(bredde, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, b + 2))
    ws.freeze_panes = "B4"
    ut = io.BytesIO()
    wb.save(ut)
    return ut.getvalue()


@ruter.post(
    "/eksport/tabell.xlsx",
    summary="Last ned en tabell som Excel",
    description=(
        "Lager en Excel-fil (.xlsx) av en tabell siden viser: overskrifter på bokmål, tall som tall med tallformat "
        "(prosent, kroner, desimaler). Tjeneren leser ingenting fra databasen. Alle innloggede roller."
    ),
    response_class=Response,
    responses={
        200: {
            "description": "Excel-filen",
            "content": {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"},
                    "example": "(Excel-fil: arket har tittelen i A1, overskriftene i rad 3 og tallene fra rad 4)",
                }
            },
        },
        **FEILSVAR,
    },
)
def tabell_xlsx(t: Tabell, _b: Annotated[dict[str, Any], Depends(krev_rolle(AGGREGERT))]) -> Response:
    filnavn = re.sub(r"[^a-z0-9æøå]+", "-", t.tittel.lower()).strip("-")[:60] or "tabell"
    ascii_navn = re.sub(r"[^a-z0-9-]", "_", filnavn)
    return Response(
        arbeidsbok(t),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_navn}.xlsx"',
            "Cache-Control": "no-store",
        },
    )
