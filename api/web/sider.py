"""The web pages: server-rendered shells (Jinja2) whose small scripts call the JSON API with the user's
bearer token (kept in sessionStorage). ``monter(app)`` adds the pages under ``/web``, the static files,
plotly.js from the installed plotly package (no CDN) and this module's JSON endpoints (fairness
indicators and scenario runs)."""

from __future__ import annotations

from pathlib import Path

import plotly
from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from api.logg import FORMAL
from api.web import brev_api, brukeradmin_api, dashbord_api, eksport_api, mote_api, nokkeltall_api, scenario_api

MAPPE = Path(__file__).parent
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
maler = Jinja2Templates(directory=str(MAPPE / "maler"))

SIDER = {
    "tildelingsmote": ("Tildelingsmøte", ("saksbehandler",)),
    "venteliste": ("Venteliste", ("saksbehandler", "planlegger", "leder", "admin")),
    "ledelse": ("Ledelse", ("leder", "planlegger", "admin")),
    "scenarier": ("Scenarier", ("planlegger", "leder")),
    "brukere": ("Brukere", ("admin",)),
}
"""Page → (title, roles that may use it). The API enforces the roles; the page only hides links."""

sider = APIRouter(include_in_schema=False)


def _side(request: Request, mal: str, tittel: str, **ekstra: object) -> HTMLResponse:
    return maler.TemplateResponse(
        request,
        mal,
        {"tittel": tittel, "sider": SIDER, "aktiv": mal.removesuffix(".html"), "formal_liste": FORMAL, **ekstra},
    )


@sider.get("/")
def rot() -> RedirectResponse:
    return RedirectResponse("/web/", status_code=307)


@sider.get("/web")
@sider.get("/web/")
def forside() -> RedirectResponse:
    return RedirectResponse("/web/logg-inn", status_code=307)


@sider.get("/web/logg-inn", response_class=HTMLResponse)
def logg_inn(request: Request) -> HTMLResponse:
    return _side(request, "logg_inn.html", "Logg inn")


@sider.get("/web/{side}", response_class=HTMLResponse)
def side(request: Request, side: str) -> HTMLResponse:
    if side not in SIDER:
        raise HTTPException(404, "Siden finnes ikke.")
    tittel, roller = SIDER[side]
    return _side(request, f"{side}.html", tittel, roller=roller)


@sider.get("/web/statisk/plotly.min.js")
def plotly_js() -> FileResponse:
    return FileResponse(PLOTLY_JS, media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})


def monter(app: FastAPI) -> None:
    """Mount the pages, static files and the web module's JSON endpoints on the API app."""
    app.include_router(dashbord_api.ruter)
    app.include_router(scenario_api.ruter)
    app.include_router(brev_api.ruter)
    app.include_router(mote_api.ruter)
    app.include_router(nokkeltall_api.ruter)
    app.include_router(brukeradmin_api.ruter)
    app.include_router(eksport_api.ruter)
    app.include_router(sider)
    app.mount("/web/statisk", StaticFiles(directory=str(MAPPE / "statisk")), name="web-statisk")
