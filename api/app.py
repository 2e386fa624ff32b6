"""The REST API (FastAPI). ``lag_app(db_url=None)`` builds an app on a database (see ``api.db``),
applies the migrations, marks jobs left over by a crashed server as failed, and puts together:

* the routers, one per area (``api/rutere``: drift, brukere, saker, kjøringer, beslutninger, dashbord,
  tilgangslogg; the scenario and fairness endpoints and the web pages come from ``api/web``);
* ``api/dependencies.py``: session, login, role, purpose and case access, and the access log —
  written once; ``api/schemas.py``: request and answer schemas (every JSON endpoint has a
  ``response_model``);
* the limits (``Storrelsesgrense``: body size and JSON depth, before any endpoint parses) and the
  security headers (``api.sikkerhet``); the error answers in bokmål, the framework's own included.

Personal-data endpoints (role ``saksbehandler``, own team or given access) require a purpose: the
query parameter ``formal`` or the header ``X-Formal``; each writes one access-log row per søker it
touched, with the outcome, refused attempts too (see ``api.logg``).
"""

import json
import os
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import Innloggingsvakt
from api.db import db_url, lag_motor, lag_sesjonsfabrikk, migrer
from api.grenser import MAKS_FEIL, ForDyp, norsk_melding, skann
from api.jobber import Koordinator
from api.rutere import beslutninger, brukere, dashbord, drift, jobber, kjoringer, saker, tilgangslogg
from api.sikkerhet import Sikkerhetshoder, monter_dokumentasjon
from modeller.lasting import Inndatafeil
from modeller.sak import Feil

MAKS_FORESPORSEL_BYTES = int(float(os.environ.get("ALLOKERING_MAKS_FORESPORSEL_MB", "20")) * 1024 * 1024)
MAKS_I_KO = int(os.environ.get("ALLOKERING_MAKS_I_KO", "200"))

# --- Schemas ----------------------------------------------------------------------------------------


_STANDARD_NB = {
    400: "Ugyldig forespørsel.",
    401: "Ikke innlogget.",
    403: "Ingen tilgang.",
    404: "Finnes ikke.",
    405: "Metoden er ikke tillatt for denne adressen.",
    406: "Formatet støttes ikke.",
    413: "Forespørselen er for stor.",
    415: "Innholdstypen støttes ikke.",
    500: "Intern feil i tjenesten.",
}

_ENGELSK = {
    "Not Found": "",
    "Method Not Allowed": "",
    "Unauthorized": "",
    "Forbidden": "",
    "Not authenticated": "Ikke innlogget.",
    "There was an error parsing the body": "Innholdet i forespørselen kunne ikke leses (ugyldig JSON eller skjema).",
}
"""Starlette's and FastAPI's own English details → bokmål ("" = the standard text for the status)."""

_FELT_NB = {
    "missing": "mangler (påkrevd)",
    "extra_forbidden": "ukjent felt",
    "int_parsing": "må være et heltall",
    "int_type": "må være et heltall",
    "int_from_float": "må være et heltall",
    "float_parsing": "må være et tall",
    "float_type": "må være et tall",
    "bool_parsing": "må være sann/usann",
    "bool_type": "må være sann/usann",
    "date_parsing": "må være en dato (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_parsing": "må være en dato (ÅÅÅÅ-MM-DD)",
    "date_type": "må være en dato (ÅÅÅÅ-MM-DD)",
    "string_too_short": "er for kort",
    "string_too_long": "er for lang",
    "string_type": "må være tekst",
    "literal_error": "ugyldig verdi",
    "enum": "ugyldig verdi",
    "greater_than": "er for liten",
    "greater_than_equal": "er for liten",
    "less_than": "er for stor",
    "less_than_equal": "er for stor",
    "model_attributes_type": "må være et objekt",
    "dict_type": "må være et objekt",
    "json_invalid": "ugyldig JSON",
    "list_type": "må være en liste",
    "value_error": "ugyldig verdi",
}


def _feilsvar(
    kode: int, detail: str, feil: list[Feil] | None = None, hode: dict[str, str] | None = None, totalt: int = 0
) -> JSONResponse:
    """The error reply: at most ``MAKS_FEIL`` errors listed, ``flere_feil`` counts the rest."""
    feil = feil or []
    flere = max(totalt, len(feil)) - min(len(feil), MAKS_FEIL)
    innhold = {"detail": detail, "feil": [f.__dict__ for f in feil[:MAKS_FEIL]], "flere_feil": flere}
    return JSONResponse(innhold, status_code=kode, headers=hode or None)


def _forespørselsfeil(exc: RequestValidationError) -> list[Feil]:
    ut = []
    for e in exc.errors():
        loc = [str(x) for x in e.get("loc", ())]
        sted = loc[0] if loc else ""
        felt = ".".join(loc[1:]) if len(loc) > 1 else sted
        tekst = _FELT_NB.get(e.get("type", "")) or norsk_melding(str(e.get("msg", "")))
        ctx = e.get("ctx") or {}
        if ctx and e.get("type", "").startswith(("greater", "less", "string_too")):
            tekst += f" (grense {next(iter(ctx.values()))})"
        if e.get("type") == "literal_error" and "expected" in ctx:
            tekst += f"; tillatt: {ctx['expected']}"
        ut.append(Feil("forespørsel", sted, felt, tekst))
    return ut


class Storrelsesgrense:
    """ASGI middleware: refuse request bodies over the limit with 413 (also without Content-Length),
    and JSON bodies nested deeper than ``MAKS_DYBDE`` with 422, before any endpoint parses them."""

    def __init__(self, app: Any, maks: int):
        self.app = app
        self.maks = maks

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        er_json = False
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    lengde = int(v)
                except ValueError:
                    lengde = self.maks + 1
                if lengde > self.maks:
                    await self._avvis(send)
                    return
            elif k == b"content-type":
                er_json = b"json" in v.lower()
        if er_json:
            await self._json(scope, receive, send)
            return
        mottatt = 0

        async def tell() -> Any:
            nonlocal mottatt
            melding = await receive()
            if melding["type"] == "http.request":
                mottatt += len(melding.get("body", b""))
                if mottatt > self.maks:
                    raise _ForStor()
            return melding

        try:
            await self.app(scope, tell, send)
        except _ForStor:
            await self._avvis(send)

    async def _json(self, scope: Any, receive: Any, send: Any) -> None:
        deler: list[bytes] = []
        mottatt = 0
        while True:
            melding = await receive()
            if melding["type"] != "http.request":
                return  # the client went away
            del_ = melding.get("body", b"")
            mottatt += len(del_)
            if mottatt > self.maks:
                await self._avvis(send)
                return
            deler.append(del_)
            if not melding.get("more_body", False):
                break
        kropp = b"".join(deler)
        del deler
        try:
            skann(kropp)
        except ForDyp as exc:
            await self._svar(send, 422, {"detail": f"Ugyldig forespørsel: {exc}.", "feil": [], "flere_feil": 0})
            return
        levert = False

        async def spill_av() -> Any:
            nonlocal levert
            if not levert:
                levert = True
                return {"type": "http.request", "body": kropp, "more_body": False}
            return await receive()

        await self.app(scope, spill_av, send)

    async def _avvis(self, send: Any) -> None:
        mb = self.maks / 1024 / 1024
        await self._svar(send, 413, {"detail": f"Forespørselen er for stor (grense {mb:.0f} MB).", "feil": []})

    @staticmethod
    async def _svar(send: Any, kode: int, innhold: dict[str, Any]) -> None:
        kropp = json.dumps(innhold, ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": kode,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(kropp)).encode()),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": kropp})


class _ForStor(Exception):
    pass


# --- The app ----------------------------------------------------------------------------------------

BESKRIVELSE = """
Tildeling av knappe kommunale helse- og omsorgsplasser (langtid, korttid, avlastning, ØHD/KØH,
omsorgsboliger). Lagrede saker (versjonerte importer), kjøringer som asynkrone jobber med
inndata-øyeblikksbilde, låser og overstyringer fra tildelingsmøtet, møtets endelige beslutninger,
eksport og dashborddata.

**Innlogging:** `POST /auth/token` (OAuth2 passord) eller et API-token fra
`allokering bruker opprett NAVN --rolle ROLLE`; send `Authorization: Bearer TOKEN`.

**Roller:** `saksbehandler` ser personopplysninger til tildelingsarbeid; `planlegger` og `leder` ser bare
aggregerte tall; `admin` forvalter brukere og tilgangsloggen.

**Formål:** endepunkter med personopplysninger krever formål (`formal` i spørringen eller
`X-Formal`-hodet). Hver lesing og skriving logges i tilgangsloggen.
"""

TAGGER = [
    {"name": "drift", "description": "Helsesjekk."},
    {"name": "innlogging", "description": "Innlogging og brukere."},
    {"name": "saker", "description": "Saker og importer (JSON, CSV, Excel)."},
    {"name": "låser", "description": "Låser og overstyringer fra tildelingsmøtet."},
    {"name": "kjøringer", "description": "Løsejobber, status, resultater og eksport."},
    {"name": "beslutninger", "description": "Tildelingsmøtets endelige beslutning per søker."},
    {"name": "dashbord", "description": "Aggregerte tall uten personidentifikatorer."},
    {"name": "tilgangslogg", "description": "Tilgangsloggen (admin)."},
]


RUTERE = [
    drift.ruter,
    brukere.ruter,
    saker.ruter,
    kjoringer.ruter,
    jobber.ruter,
    beslutninger.ruter,
    dashbord.ruter,
    tilgangslogg.ruter,
]


def lag_app(db_url_inn: str | None = None, *, maks_arbeidere: int | None = None, varm: bool | None = None) -> FastAPI:
    """Build the API on a database (default: ``DATABASE_URL`` or the SQLite file). ``varm``: start and warm
    the job workers when the server starts (default: ``ALLOKERING_VARM_POOL``, on unless ``0``; the tests
    turn it off where they start many apps)."""
    if varm is None:
        varm = os.environ.get("ALLOKERING_VARM_POOL", "1") != "0"
    url = db_url(db_url_inn)
    motor = lag_motor(url)
    migrer(motor)
    fabrikk = lag_sesjonsfabrikk(motor)
    koordinator = Koordinator(url, fabrikk, maks_arbeidere)
    koordinator.rydd_ved_oppstart()
    vakt = Innloggingsvakt()

    @asynccontextmanager
    async def levetid(app: FastAPI) -> Any:
        if varm:
            koordinator.varm()
        yield
        koordinator.stopp()
        motor.dispose()

    app = FastAPI(
        title="Allokering – tildeling av kommunale omsorgsplasser",
        version=__import__("allokering").__version__,
        description=BESKRIVELSE,
        openapi_tags=TAGGER,
        lifespan=levetid,
        docs_url=None,
        redoc_url=None,
    )
    app.state.koordinator = koordinator
    app.state.innloggingsvakt = vakt
    app.state.fabrikk = fabrikk
    app.state.motor = motor
    app.state.demolaster = None  # «Last inn demosak»: None is ``modeller.generator.last_demo`` (a test sets its own)
    app.add_middleware(Storrelsesgrense, maks=MAKS_FORESPORSEL_BYTES)
    app.add_middleware(Sikkerhetshoder)
    monter_dokumentasjon(app)

    @app.exception_handler(Inndatafeil)
    async def _inndatafeil(_r: Request, exc: Inndatafeil) -> JSONResponse:
        totalt = getattr(exc, "totalt", len(exc.feil))
        feil = [Feil(f.fil, f.rad, f.felt, norsk_melding(f.melding)) for f in exc.feil[:MAKS_FEIL]]
        antall = f"over {totalt} feil (tellingen stoppet)" if getattr(exc, "avbrutt", False) else f"{totalt} feil"
        return _feilsvar(422, f"Ugyldig inndata: {antall}. Ingenting er lagret.", feil, totalt=totalt)

    @app.exception_handler(RequestValidationError)
    async def _valideringsfeil(_r: Request, exc: RequestValidationError) -> JSONResponse:
        feil = _forespørselsfeil(exc)
        return _feilsvar(422, f"Ugyldig forespørsel: {len(feil)} feil.", feil)

    @app.exception_handler(StarletteHTTPException)
    async def _httpfeil(_r: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if not isinstance(detail, str) or detail in _ENGELSK:
            detail = _ENGELSK.get(detail) or _STANDARD_NB.get(exc.status_code, "Feil.")
        return _feilsvar(exc.status_code, detail, hode=dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _uventet(_r: Request, exc: Exception) -> JSONResponse:
        return _feilsvar(500, "Intern feil i tjenesten. Feilen er logget.")

    for ruter in RUTERE:
        app.include_router(ruter)

    __import__("api.web.sider", fromlist=["monter"]).monter(app)  # the web pages (api/web)
    return app


def _app_fra_miljo() -> FastAPI:  # pragma: no cover - for `uvicorn --factory api.app:_app_fra_miljo`
    return lag_app()
